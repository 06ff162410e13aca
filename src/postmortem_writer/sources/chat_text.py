"""Chat pasted as plain text, in the shapes the chat tools people use put on the clipboard.

Each line is read by the first rule of ``_RULES`` (a table of named line shapes) that matches it;
a line no rule reads is message text. The shapes:

* transcripts: ``[9:17 AM] Name: text``, ``[2025-03-04 09:17] Name: text``, ``2025-03-04 09:17 Name: text``;
* Slack desktop copy: ``Name  10:17 AM`` headers (two spaces), ``APP  10:41 AM`` under a bot's name,
  reactions, thread noise and date dividers (``Wednesday, March 5th``, ``Yesterday``);
* older Slack copy: ``Name [10:17 AM]`` with the text on the next lines, or ``Name [10:17 AM]: text``;
* Slack web copy: the name alone on a line, then ``10:17 AM`` (with AM/PM) alone on the next;
* Microsoft Teams copy: ``[10:17 AM] Name``, ``[3/4/2025 10:17 AM] Name`` or ``[Yesterday 4:12 PM] Name``,
  the text on the next lines;
* Discord copy: ``Name — Today at 10:17 AM``, ``Name — Yesterday at 11:58 PM``, ``Name — 10:17 AM`` or
  ``Name — 03/04/2025 10:17 AM`` (em dash, en dash or hyphen), the text on the next lines;
* IRC logs: ``10:17 <nick> text`` (irssi, mode prefix ``<@nick>``/``< nick>``), ``[10:17:05] <nick> text``
  (ZNC, mIRC), WeeChat's tab-separated ``2025-03-04 10:17:05<TAB>@nick<TAB>text``, HexChat's
  ``Mar 04 10:17:05 <nick><TAB>text`` (the year from ``**** BEGIN LOGGING AT`` or ``--date``), ``10:17 * nick action``
  and, in a paste of one-line messages only, ``10:17 nick: text`` (elsewhere it is too like a line of a
  timeline); dircproxy's ``[15 Jan 10:36] <nick!user@host> text``; notices ``10:17 -nick- text``; admin
  logs' ``09:12 root@db1: text``; server notices (``-!-``, ``***``, ``-->``, ``<--``: joins, parts, quits,
  nick changes) are dropped and counted by reason; mIRC colour and format codes are stripped.

A line of a log is never text of another message: a line that starts with a time and names no one is
an event of its own, by the log (``10:18 bob tried the thing``). Only under a header that names its
sender before its time (``Priya  10:17 AM``) are such lines the message's text, a timeline pasted
into it. Every other line that is not read (text above the first message, a header without text,
reactions) is counted as dropped.

A time alone on a line (``10:42``, ``[10:42 AM]``) is a further message by the previous sender, the
way Slack and Discord group messages, except that a 12-hour time right under a short name-like line
is Slack web's header for a message by that name.

No shape records a time zone and most record no date, so times are read in ``--tz`` on ``--date``,
and the day moves with:

* a date written on the line, date dividers, and log headers (``--- Log opened Tue Mar 04 10:05:12 2025``,
  ``--- Day changed Wed Mar 05 2025``, ``--- 2025-03-05``, ``== 2019-10-31 ==``, ``Sun Oct 21 2018``);
* a log named for its day (``znc_libera_#ops_20250304.log``): that day, before ``--date``;
* ``Today`` and ``Yesterday`` on a Teams or Discord line: ``--date`` and the day before it. A Discord
  line with no day at all is from ``--date`` too, as Discord names every other day;
* midnight: in a paste without date dividers, a message whose clock time is more than six hours
  earlier than the previous message's is on the next day (``23:50`` then ``00:10``). A smaller step
  back is taken as messages copied out of order, not as a day passing.

Slashed dates are read in one order for the whole paste: day first when some slashed date in it has a
first part above 12, month first when some has a second part above 12. When every one could be either,
the order that puts the first of them nearer ``--date`` wins, and without ``--date`` month first, the
en-US default of Teams and Discord. A date the chosen order cannot read is an error naming its line.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from enum import Enum, auto
from pathlib import PurePath

from postmortem_writer.errors import InputError
from postmortem_writer.models import ActorKind, Event, SourceKind
from postmortem_writer.sources.base import Document, Parsed, SourceOptions, guess_actor_kind
from postmortem_writer.text import MONTHS
from postmortem_writer.timeparse import combine

_CLOCK_24 = r"\d{1,2}:\d{2}(?::\d{2})?"
_MERIDIEM = r"\s?[AaPp]\.?[Mm]\.?"
_CLOCK_12 = _CLOCK_24 + _MERIDIEM
_CLOCK = rf"{_CLOCK_24}(?:{_MERIDIEM})?"
_ISO_DATE = r"\d{4}-\d{2}-\d{2}"
_SLASHED_DATE = r"\d{1,2}/\d{1,2}/(?:\d{4}|\d{2})"
_RELATIVE_DAY = r"(?i:today|yesterday)"
# A date ahead of the time inside brackets: "[2025-03-04 09:17]", "[3/4/2025 10:17 AM]", "[Yesterday 4:12 PM]".
_DAY = rf"(?:(?P<iso>{_ISO_DATE})[ T]|(?P<slashed>{_SLASHED_DATE}),?\s+|(?P<relative>{_RELATIVE_DAY})\s+)?"
# A name with no "Name:" colon to end it: up to six words, and not a sentence (no closing punctuation).
# \u2014 and \u2013 are the em and en dash Discord puts between name and time.
_WORDS = r"[^\W\d_][^\s:\[\]<>\u2014\u2013]*(?:\s+[^\s:\[\]<>\u2014\u2013]+){0,5}?(?<![.!?,;])"
_NAME_ALONE = rf"(?P<name>{_WORDS})"
# Not "<nick>": "[01:23:11] <zoe> max_idle=4 :( rolling back" is an IRC line with a colon in its text.
_NAME_BEFORE_COLON = r"(?P<name>(?!\s*<)[^:\[\]]{1,80}?)"
_NICK = r"(?P<name>[\w\[\]\\`^{|}-][\w\[\]\\`^{|}.-]{0,31})"
# dircproxy names the sender "nick!user@host" where other loggers write "nick".
_NICK_HOST = rf"{_NICK}(?:![^\s>]*)?"
_TEXT = r"(?P<text>.*)"


class _Role(Enum):
    NOISE = auto()  # dropped
    MESSAGE = auto()  # starts a message by the name on the line; its text may follow on the line
    NAMED_ABOVE = auto()  # starts a message by the name on the line before
    CONTINUATION = auto()  # starts a further message by the previous sender
    DAY = auto()  # a log header that names the day of the lines after it (irssi "--- Day changed")
    STAMPED = auto()  # a line that starts with a time and names no sender: an event of its own, never text


@dataclass(frozen=True)
class _Rule:
    name: str
    role: _Role
    pattern: re.Pattern[str]
    bot: bool = False
    undated_is_today: bool = False
    # A shape ordinary message text takes too ("09:02 deploy: checkout 1.42.0"): it only starts
    # messages in a paste of one-line messages, where there is no multi-line text to mistake.
    loose: bool = False
    # A log line (IRC and the like): its message never goes on below it, even when it is empty.
    one_line: bool = False


def _rule(
    name: str,
    role: _Role,
    pattern: str,
    *,
    bot: bool = False,
    undated_is_today: bool = False,
    loose: bool = False,
    one_line: bool = False,
) -> _Rule:
    return _Rule(name, role, re.compile(pattern), bot, undated_is_today, loose, one_line)


_MONTH_ABBR = r"(?P<month>[A-Za-z]{3})[a-z]*"
# A header date: "Tue Mar 04 10:05:12 2025", "Wed Mar 05 2025", "Tue Jan 31 2017".
# HexChat's line date: "Mar 04" (no year).
_MONTH_DAY = r"(?P<month>[A-Z][a-z]{2})\s(?P<mday>[ \d]?\d)"
_HEADER_DATE = rf"(?:[A-Za-z]{{3,9}},?\s+)?{_MONTH_ABBR}\s+(?P<mday>\d{{1,2}})(?:\s+{_CLOCK_24})?,?\s+(?P<year>\d{{4}})"
# What IRC loggers put before a line: "10:17", "[10:17:05]", "[2025-03-04 10:17:05]", dircproxy's "[15 Jan 10:36]".
_IRC_STAMP = (
    rf"\[?(?:(?P<iso>{_ISO_DATE})[ T]|(?P<mday>\d{{1,2}})\s(?P<month>[A-Z][a-z]{{2}})\s)?(?P<time>{_CLOCK_24})\]?"
)


# Tried in order; the first match reads the line. Groups: time, and where the shape has them name,
# text, a day (iso, slashed or relative) and badge (a bot's "APP"/"BOT" after its name).
_RULES = (
    # Noise first: some of it would otherwise read as a header ("[9:19 AM] Sam has joined the channel").
    _rule(
        "slack-thread-noise",
        _Role.NOISE,
        r"(?i)^(?:\d+ repl(?:y|ies)|last reply .*|view thread|view newer replies|also sent to the channel)$",
    ),
    _rule(
        "slack-joined-left",
        _Role.NOISE,
        r"(?i)^(?:(?:\[[^\]]*\]\s*)?[^:]{1,80} has (?:joined|left) the channel\.?|(?:joined|left) #[\w.-]+\.?)$",
    ),
    # irssi and other loggers name the day in header lines: "--- Day changed Wed Mar 05 2025",
    # "--- Log opened Tue Mar 04 10:05:12 2025", "--- 2017-01-31".
    _rule(
        "irc-day-header",
        _Role.DAY,
        rf"^---\s+(?:(?:Log opened|Log closed|Day changed)\s+{_HEADER_DATE}|(?P<iso>{_ISO_DATE}))\s*$",
    ),
    _rule("hexchat-day-header", _Role.DAY, rf"^\*{{4}} (?:BEGIN|ENDING) LOGGING AT {_HEADER_DATE}$"),
    # Admin logs kept by hand: "== 2019-10-31 ==" over "09:12 root@db1: restarted postgres".
    _rule("ruled-day-header", _Role.DAY, rf"^=+\s*(?P<iso>{_ISO_DATE})\s*=+$"),
    # A date alone on a line: "Sun Oct 21 2018".
    _rule("date-line", _Role.DAY, rf"^{_HEADER_DATE}$"),
    # HexChat: "Mar 04 09:06:02 <marco><TAB>text", the year only in "**** BEGIN LOGGING AT" lines.
    _rule("irc-server-notice", _Role.NOISE, rf"^{_MONTH_DAY}\s{_CLOCK_24}\s+(?:-->|<--|---|-!-|\*{{3}})\s.*$"),
    _rule(
        "hexchat-action",
        _Role.MESSAGE,
        rf"^{_MONTH_DAY}\s(?P<time>{_CLOCK_24})\s+\*\s+{_NICK}\s+{_TEXT}$",
        one_line=True,
    ),
    _rule(
        "hexchat",
        _Role.MESSAGE,
        rf"^{_MONTH_DAY}\s(?P<time>{_CLOCK_24})\s+<[@+%&~ ]?{_NICK}>\s*{_TEXT}$",
        one_line=True,
    ),
    # WeeChat: "2025-03-04 09:06:02<TAB>@marco<TAB>text"; "-->", "<--" and "--" prefixes are joins, parts, network.
    _rule(
        "irc-server-notice",
        _Role.NOISE,
        rf"^{_ISO_DATE}\s{_CLOCK_24}\t\s*(?:-->|<--|--|=!=)\t.*$",
    ),
    _rule(
        "weechat-action",
        _Role.MESSAGE,
        rf"^(?P<iso>{_ISO_DATE})\s(?P<time>{_CLOCK_24})\t\s*\*\t{_NICK}\s+{_TEXT}$",
        one_line=True,
    ),
    _rule(
        "weechat",
        _Role.MESSAGE,
        rf"^(?P<iso>{_ISO_DATE})\s(?P<time>{_CLOCK_24})\t[@+%&~]?{_NICK}\t{_TEXT}$",
        one_line=True,
    ),
    # IRC clients mark joins, parts, quits and nick changes with these; irssi also writes "--- Log closed".
    _rule("irc-server-notice", _Role.NOISE, rf"^(?:{_IRC_STAMP}\s+)?(?:-!-|\*{{3}}|-->|<--|---)\s.*$"),
    # Before the "Name: text" shapes, which would read "* bob tried https" as a name.
    _rule("irc-action", _Role.MESSAGE, rf"^{_IRC_STAMP}\s+\*\s+{_NICK_HOST}\s+{_TEXT}$", one_line=True),
    _rule("irc-notice", _Role.MESSAGE, rf"^{_IRC_STAMP}\s+-{_NICK_HOST}-\s+{_TEXT}$", one_line=True),
    _rule("transcript", _Role.MESSAGE, rf"^\[{_DAY}(?P<time>{_CLOCK})\]\s*{_NAME_BEFORE_COLON}:\s*{_TEXT}$"),
    _rule(
        "dated-line", _Role.MESSAGE, rf"^(?P<iso>{_ISO_DATE})[ T](?P<time>{_CLOCK})\s+{_NAME_BEFORE_COLON}:\s*{_TEXT}$"
    ),
    _rule("irc", _Role.MESSAGE, rf"^{_IRC_STAMP}\s+<[@+%&~ ]?{_NICK_HOST}>\s*{_TEXT}$", one_line=True),
    _rule("user-at-host", _Role.MESSAGE, rf"^{_IRC_STAMP}\s+(?P<name>[\w.+-]+@[\w.-]+):\s+{_TEXT}$", one_line=True),
    # "09:10 UTC: alert fired" is a note with a zone, not a nick called UTC.
    _rule(
        "irc-colon",
        _Role.MESSAGE,
        rf"^(?P<time>{_CLOCK_24})\s+(?!(?:UTC|GMT|Z):){_NICK}:\s+{_TEXT}$",
        loose=True,
        one_line=True,
    ),
    _rule("slack-legacy", _Role.MESSAGE, rf"^{_NAME_ALONE}\s+\[(?P<time>{_CLOCK})\](?::\s*{_TEXT})?$"),
    _rule("teams", _Role.MESSAGE, rf"^\[{_DAY}(?P<time>{_CLOCK})\]\s*{_NAME_ALONE}$"),
    # Before slack-desktop, which would read the badge as a person called APP.
    _rule("slack-app-badge", _Role.NAMED_ABOVE, rf"^APP\s+(?P<time>{_CLOCK})$", bot=True),
    _rule("slack-desktop", _Role.MESSAGE, rf"^(?P<name>\S.{{0,79}}?)\s{{2,}}(?P<time>{_CLOCK})$"),
    _rule(
        "discord",
        _Role.MESSAGE,
        rf"^{_NAME_ALONE}(?:\s+(?P<badge>APP|BOT))?\s+[\u2014\u2013-]\s+"
        rf"(?:(?P<relative>{_RELATIVE_DAY})\s+at\s+|(?P<slashed>{_SLASHED_DATE}),?\s+)?(?P<time>{_CLOCK})$",
        undated_is_today=True,
    ),
    _rule("slack-web", _Role.NAMED_ABOVE, rf"^(?P<time>{_CLOCK_12})$"),
    _rule("bare-time", _Role.CONTINUATION, rf"^\[?(?P<time>{_CLOCK})\]?$"),
    # Last: any other line that starts with a time is an event of its own ("10:18 bob tried the thing").
    _rule(
        "stamped-line",
        _Role.STAMPED,
        rf"^\[?(?:(?P<iso>{_ISO_DATE})[ T]|(?P<slashed>{_SLASHED_DATE}),?\s+"
        rf"|(?P<mday>\d{{1,2}})\s(?P<month>[A-Z][a-z]{{2}})\s)?(?P<time>{_CLOCK})\]?(?:\s+|:\s*){_TEXT}$",
        one_line=True,
    ),
)
_STARTS = (_Role.MESSAGE, _Role.NAMED_ABOVE)
_ASIDES = (_Role.DAY, _Role.NOISE)
# Why a noise line was dropped, for the count the user sees: the first reason whose pattern is in
# the line, else the rule's name.
_NOISE_REASONS = (
    ("join", re.compile(r"(?i)\bhas joined\b|\*\*\* Joins:|\bjoined\b")),
    ("part", re.compile(r"(?i)\bhas (?:left|parted)\b|\*\*\* Parts:|\bleft #")),
    ("quit", re.compile(r"(?i)\bhas quit\b|\*\*\* Quits:")),
    ("nick change", re.compile(r"(?i)\bis now known as\b")),
    ("mode change", re.compile(r"(?i)\bmode/|\bsets mode\b")),
)
# mIRC colour and formatting codes: bold, colour (with up to two numbers), reset, italic, underline, reverse.
_CONTROL_CODES = re.compile(r"\x03(?:\d{1,2}(?:,\d{1,2})?)?|[\x02\x0f\x16\x1d\x1e\x1f]")
# A log named for its day ("znc_libera_#ops_20250304.log", "ops.2025-03-04.log").
_FILE_NAME_DATE = re.compile(r"(?<!\d)(?P<year>(?:19|20)\d{2})-?(?P<month>\d{2})-?(?P<day>\d{2})(?!\d)")
_NAME_LIKE = re.compile(rf"^{_WORDS}$")

_DIVIDER = re.compile(
    r"^(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day,\s+)?(?P<month>[a-z]+)\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?"
    r"(?:,\s+(?P<year>\d{4}))?$",
    re.IGNORECASE,
)
_RELATIVE_DIVIDERS = {"yesterday": -1, "today": 0}
_THREAD_REPLY = "replied to a thread:"
_BEFORE_FIRST = "text before the first message"
_EMOJI_ONLY = re.compile(r"^(?::[\w+-]+:|[^\w\s])+$")
_COUNT = re.compile(r"^\d+$")
_EDITED = re.compile(r"\s*\(edited\)$")
# Chat runs for hours, not half a day: a bigger step back in clock time is midnight passing.
_MIDNIGHT_GAP = timedelta(hours=6)
_SNIFF_LINES = 50


@dataclass
class _Message:
    line: int
    actor: str
    actor_kind: ActorKind
    day: date | None
    clock: time
    twelve_hour: bool
    lines: list[str] = field(default_factory=list)
    edited: bool = False
    # Started by a header with a name before its time ("Priya  10:17 AM"): lines below it that start with a time
    # are its text (a timeline pasted into a message), not lines of a log.
    open: bool = False


class ChatTextAdapter:
    """Reads pasted chat text; the catch-all, so its sniff asks for clear message lines."""

    name = "chat-text"
    kind = SourceKind.CHAT
    description = (
        "Chat pasted as text: Slack (desktop, web, older), Teams and Discord copies, "
        "[9:17 AM] Name: text transcripts, IRC logs"
    )
    hint = (
        "lines like '[9:17 AM] Name: text', 'Name  10:17 AM', '[10:17 AM] Name', 'Name — Today at 10:17 AM', "
        "'10:17 <nick> text' (irssi, ZNC, WeeChat, dircproxy logs; dates from '--- Day changed' or '== 2019-10-31 ==' "
        "lines or the file name); "
        "needs --tz (and --date when nothing in the file gives the day)"
    )
    example = "postmortem draft irssi-#ops.log --tz Europe/Berlin"
    signature = ()  # free text: any line shape it reads is also prose

    def sniff(self, doc: Document) -> bool:
        """True when two of the first lines start messages, or the only line is a whole message."""
        # A transcript can start with "[", so only content that really parses as JSON is refused.
        if doc.try_json() is not None:
            return False
        try:
            text = doc.text
        except InputError:
            return False
        lines = [line.strip() for line in text.splitlines() if line.strip()][:_SNIFF_LINES]
        # Day headers and joins around one line ("== 2019-10-31 ==", then "09:12 root@db1: …") make a one-line log.
        lines = [line for line in lines if (found := _classify(line, None)) is None or found[0].role not in _ASIDES]
        if len(lines) == 1:
            return _is_whole_message(lines[0])
        return _count_message_starts(lines) >= 2

    def parse(self, doc: Document, options: SourceOptions) -> Parsed:
        """One event per message; naive clock times are read on ``options.date`` in ``options.tz``."""
        reader = _Reader(doc.name, _file_name_date(doc.name) or options.date)
        messages = reader.read(doc.text.splitlines())
        events = []
        for message in messages:
            text = "\n".join(message.lines).strip()
            if not text:
                reader.dropped["message without text"] += 1
                continue
            events.append(
                Event(
                    ts=combine(
                        message.day, message.clock, tz=options.tz, path=doc.name, position=f"line {message.line}"
                    ),
                    source=doc.name,
                    format=self.name,
                    kind=self.kind,
                    ref=f"line {message.line}",
                    actor=message.actor,
                    actor_kind=message.actor_kind,
                    text=text,
                    edited=message.edited,
                )
            )
        return Parsed(events, dropped=reader.dropped)


def _file_name_date(path: str) -> date | None:
    """The day a log's file name gives (a logger writes one file per day), if it gives exactly one."""
    found = list(_FILE_NAME_DATE.finditer(PurePath(path).name))
    if len(found) != 1:
        return None
    try:
        return date(int(found[0]["year"]), int(found[0]["month"]), int(found[0]["day"]))
    except ValueError:
        return None


def _classify(line: str, above: str | None, *, loose: bool = True) -> tuple[_Rule, re.Match[str]] | None:
    """The first rule that reads ``line``; ``above`` is the line before it when that was message text."""
    for rule in _RULES:
        if rule.loose and not loose:
            continue
        match = rule.pattern.match(line)
        if match and (rule.role is not _Role.NAMED_ABOVE or (above is not None and _NAME_LIKE.match(above))):
            return rule, match
    return None


def _is_whole_message(line: str) -> bool:
    found = _classify(line, None)
    if found is None or found[0].role is not _Role.MESSAGE:
        return False
    return bool((found[1].groupdict().get("text") or "").strip())


def _count_message_starts(lines: list[str]) -> int:
    count, above = 0, None
    for line in lines:
        found = _classify(line, above)
        if found is not None and found[0].role in _STARTS:
            count += 1
        above = line if found is None else None
    return count


class _Reader:
    """Reads lines in order: rules start messages or drop noise, dividers move the day, the rest is text."""

    def __init__(self, path: str, today: date | None):
        self.path = path
        self.log_name = PurePath(path.rsplit(":", 1)[-1]).stem or path
        self.today = today
        # The day of messages that do not name one; dates, dividers and midnight move it.
        self.day = today
        self.day_first = False
        self.loose = True
        self.saw_divider = False
        self.relative_anchor: tuple[int, date | None] | None = None
        self.messages: list[_Message] = []
        self.dropped: Counter[str] = Counter()
        # The previous line, when it was message text: it may be the name of the next sender.
        self.above: tuple[int, str] | None = None

    def read(self, lines: list[str]) -> list[_Message]:
        """The messages in ``lines``, in order."""
        # Two things hold for a whole paste: the order of its slashed dates, and whether it has
        # multi-line messages whose text a loose rule could misread.
        survey = [found for line in lines if (found := _classify(line.strip(), None))]
        self.day_first = _day_first(_slashed_dates(survey), self.today)
        self.loose = not any(_starts_multi_line_message(rule, match) for rule, match in survey)
        skip_next, skip_next_reason = False, ""
        for index, raw in enumerate(lines):
            line = _CONTROL_CODES.sub("", raw).strip()
            if not line:
                continue
            # Only the line right before a time can name its sender, so every line clears it.
            above, self.above = self.above, None
            if skip_next:
                skip_next = False
                self.dropped[skip_next_reason] += 1
            # "replied to a thread:" is followed by a one-line quote of the parent, a repeat.
            elif line.lower() == _THREAD_REPLY:
                skip_next, skip_next_reason = True, "thread reply quote"
            elif _EMOJI_ONLY.match(line) and _COUNT.match(_next_nonblank(lines, index)):
                skip_next, skip_next_reason = True, "reaction"  # the emoji line, then its count
            # A message has a text: "June 30" right under a header is that text, not a divider.
            elif (not self.messages or self.messages[-1].lines) and self._divider(line):
                self.saw_divider = True
            else:
                self._line(index + 1, line, above)
        return self.messages

    def _line(self, number: int, line: str, above: tuple[int, str] | None) -> None:
        found = _classify(line, above[1] if above else None, loose=self.loose)
        if found is None:
            self._body(number, line)
            self.above = (number, line)
            return
        rule, match = found
        if rule.role is _Role.NOISE:
            default = rule.name.replace("-", " ")
            self.dropped[next((reason for reason, p in _NOISE_REASONS if p.search(line)), default)] += 1
            return
        if rule.role is _Role.DAY:
            self.day = self._header_day(match, number)
            self.saw_divider = True
            return
        if rule.role is _Role.CONTINUATION:
            if self.messages:
                previous = self.messages[-1]
                self._start(
                    number, previous.actor, previous.actor_kind, match["time"], previous=previous, open_below=False
                )
            else:
                self.dropped["time with no sender above it"] += 1
        elif rule.role is _Role.STAMPED and self.messages and self.messages[-1].open:
            # A timeline pasted into a Slack or Teams message: its lines are that message's text.
            self._body(number, line)
        elif rule.role is _Role.STAMPED:
            stated, day = self._stated_day(rule, match, number)
            if stated:
                self.day = day
            # The line names no one: the log itself speaks, as a plain log's lines do.
            self._start(number, self.log_name, ActorKind.SYSTEM, match["time"], roll=not stated, open_below=False)
            self._body(number, match["text"].strip())
        elif rule.role is _Role.NAMED_ABOVE and above is not None:
            # The name line was read as the last line of the previous message; it is this one's sender.
            if self.messages:
                self.messages[-1].lines.pop()
            else:
                self._undrop(_BEFORE_FIRST)
            at, name = above
            self._start(at, name, ActorKind.BOT if rule.bot else guess_actor_kind(name), match["time"])
        elif rule.role is _Role.MESSAGE:
            stated, day = self._stated_day(rule, match, number)
            if stated:
                self.day = day
            groups = match.groupdict()
            name = match["name"].strip()
            kind = ActorKind.BOT if rule.bot or groups.get("badge") else guess_actor_kind(name)
            # Under a header that starts with a time ("[10:17 AM] Name"), a line starting with one is the next line
            # of the log, not text.
            open_below = not rule.one_line and not line.startswith("[") and not line[:1].isdigit()
            self._start(number, name, kind, match["time"], roll=not stated, open_below=open_below)
            if text := (groups.get("text") or "").strip():
                self._body(number, text)

    def _start(
        self,
        number: int,
        actor: str,
        kind: ActorKind,
        clock: str,
        *,
        previous: _Message | None = None,
        roll: bool = True,
        open_below: bool = True,
    ) -> None:
        moment = _clock(clock, self.path, number)
        twelve_hour = _has_meridiem(clock)
        # In a 12-hour copy the bare continuation time drops AM/PM: it is the reading that does
        # not go back before the previous message.
        if previous is not None and previous.twelve_hour and not twelve_hour and moment.hour <= 12:
            moment, twelve_hour = _not_before(moment, previous.clock), True
        if roll:
            self._roll_over(moment)
        self.messages.append(_Message(number, actor, kind, self.day, moment, twelve_hour, open=open_below))

    def _roll_over(self, clock: time) -> None:
        """Move to the next day when ``clock`` is far earlier than the previous message's: midnight passed."""
        # A paste with dividers names every day it covers, so there a step back is not midnight.
        if self.saw_divider or self.day is None or not self.messages:
            return
        previous = self.messages[-1]
        if previous.day == self.day and _earlier_by(clock, previous.clock) > _MIDNIGHT_GAP:
            self.day += timedelta(days=1)

    def _stated_day(self, rule: _Rule, match: re.Match[str], number: int) -> tuple[bool, date | None]:
        """Whether the line says which day its message is on, and that day (``None`` until --date is known)."""
        groups = match.groupdict()
        if groups.get("iso"):
            return True, _iso_day(groups["iso"], self.path, number)
        if groups.get("slashed"):
            return True, self._slashed_day(groups["slashed"], number)
        if groups.get("mday") and groups.get("month"):
            return True, self._month_day(groups["month"], int(groups["mday"]), number)
        relative = groups.get("relative")
        if relative or rule.undated_is_today:
            back = timedelta(days=1 if relative and relative.lower() == "yesterday" else 0)
            return True, self.today - back if self.today else None
        return False, None

    def _header_day(self, match: re.Match[str], number: int) -> date:
        """The day a log header names ("--- Day changed Wed Mar 05 2025", "--- 2025-03-05")."""
        if match.groupdict().get("iso"):
            return _iso_day(match["iso"], self.path, number)
        return _month_day(int(match["year"]), match["month"], int(match["mday"]), match[0], self.path, number)

    def _month_day(self, month: str, day: int, number: int) -> date | None:
        """The day of a line dated "Mar 04": the year of the day known so far (``None`` until one is)."""
        known = self.day or self.today
        if known is None:
            return None
        return _month_day(known.year, month, day, f"{month} {day}", self.path, number)

    def _slashed_day(self, text: str, number: int) -> date:
        first, second, year = _slashed_parts(text)
        day, month = (first, second) if self.day_first else (second, first)
        try:
            return date(year, month, day)
        except ValueError:
            raise InputError(f"cannot read {text!r} as a date", path=self.path, position=f"line {number}") from None

    def _body(self, number: int, line: str) -> None:
        if not self.messages:
            self.dropped[_BEFORE_FIRST] += 1
            return
        message = self.messages[-1]
        stripped = _EDITED.sub("", line)
        message.edited = message.edited or stripped != line
        message.lines.append(stripped)

    def _undrop(self, reason: str) -> None:
        """Take back one drop: a line counted as dropped turned out to be read after all."""
        self.dropped[reason] -= 1
        if not self.dropped[reason]:
            del self.dropped[reason]

    def _divider(self, line: str) -> bool:
        """Move to the day a date divider names; ``False`` when ``line`` is not a divider."""
        relative = _RELATIVE_DIVIDERS.get(line.lower())
        if relative is not None:
            # "Yesterday"/"Today" are relative to the copy, not to --date: the first one seen
            # is --date (or the last named day), later ones shift from it.
            if self.relative_anchor is None:
                self.relative_anchor = (relative, self.day)
            else:
                offset, anchor = self.relative_anchor
                self.day = anchor + timedelta(days=relative - offset) if anchor else None
            return True
        match = _DIVIDER.match(line)
        if match is None or match["month"].lower() not in MONTHS:
            return False
        year = int(match["year"]) if match["year"] else (self.day.year if self.day else None)
        if year is None:
            self.day = None  # combine() then asks for --date, which supplies the year
            return True
        try:
            self.day = date(year, MONTHS.index(match["month"].lower()) + 1, int(match["day"]))
        except ValueError:
            return False
        return True


def _month_day(year: int, month: str, day: int, text: str, path: str, number: int) -> date:
    """The date of a month's abbreviated name and a day; an error naming the line when there is no such day."""
    index = next((n for n, name in enumerate(MONTHS, start=1) if name[:3] == month.lower()), 0)
    try:
        return date(year, index, day)
    except ValueError:
        raise InputError(f"cannot read the date in {text!r}", path=path, position=f"line {number}") from None


def _next_nonblank(lines: list[str], index: int) -> str:
    return next((line.strip() for line in lines[index + 1 :] if line.strip()), "")


def _starts_multi_line_message(rule: _Rule, match: re.Match[str]) -> bool:
    """Whether the line read is a header with the message text below it (a bare time is one too)."""
    if rule.role is _Role.CONTINUATION:
        return True
    return rule.role is _Role.MESSAGE and not rule.one_line and not (match.groupdict().get("text") or "").strip()


def _slashed_dates(survey: Iterable[tuple[_Rule, re.Match[str]]]) -> Iterator[tuple[int, int, int]]:
    """The slashed dates on the lines read, as numbers, in order."""
    for _, match in survey:
        if text := match.groupdict().get("slashed"):
            yield _slashed_parts(text)


def _slashed_parts(text: str) -> tuple[int, int, int]:
    """The two leading parts of ``3/4/2025`` or ``3/4/25`` and the year (two digits: in the 2000s)."""
    first, second, year = (int(part) for part in text.split("/"))
    return first, second, (year + 2000 if year < 100 else year)


def _day_first(dates: Iterable[tuple[int, int, int]], today: date | None) -> bool:
    """Whether this paste writes slashed dates day first (else month first); the module docstring has the rule."""
    ambiguous: tuple[int, int, int] | None = None
    for first, second, year in dates:
        if first > 12 or second > 12:
            return first > 12
        ambiguous = ambiguous or (first, second, year)
    if ambiguous is None or today is None:
        return False
    first, second, year = ambiguous
    try:
        day_first, month_first = date(year, second, first), date(year, first, second)
    except ValueError:
        return False  # a zero part; reading its line reports it
    return abs(day_first - today) < abs(month_first - today)


def _clock(text: str, path: str, line: int) -> time:
    """A time of day from the shapes ``_CLOCK`` matches: ``9:17 AM``, ``09:17``, ``09:17:05``."""
    hour, minute, *seconds = (int(part) for part in re.findall(r"\d+", text))
    meridiem = re.sub(r"[^ap]", "", text.lower())
    if meridiem:
        hour = hour % 12 + (12 if meridiem == "p" else 0) if 1 <= hour <= 12 else -1
    try:
        return time(hour, minute, seconds[0] if seconds else 0)
    except ValueError:
        raise InputError(f"cannot read {text!r} as a time of day", path=path, position=f"line {line}") from None


def _has_meridiem(clock: str) -> bool:
    return bool(re.search(r"[AaPp]", clock))


def _earlier_by(clock: time, previous: time) -> timedelta:
    """How far ``clock`` is before ``previous`` on the same day (negative when after)."""
    return datetime.combine(date.min, previous) - datetime.combine(date.min, clock)


def _not_before(clock: time, previous: time) -> time:
    """The AM or PM reading of a 12-hour ``clock`` that is not earlier than ``previous``."""
    morning = clock.replace(hour=clock.hour % 12)
    evening = morning.replace(hour=morning.hour + 12)
    return morning if morning >= previous or evening < previous else evening


def _iso_day(text: str, path: str, line: int) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InputError(f"cannot read {text!r} as a date", path=path, position=f"line {line}") from None
