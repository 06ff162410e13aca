"""Chat pasted as plain text: ``[9:17 AM] Name: text`` transcripts and Slack desktop copies.

Neither shape records a time zone, and the desktop copy records dates only in dividers, so
times are read in ``--tz`` on ``--date`` (until a divider names another day).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, time, timedelta

from postmortem_writer.errors import InputError
from postmortem_writer.models import ActorKind, Event, SourceKind
from postmortem_writer.sources.base import Document, SourceOptions
from postmortem_writer.timeparse import combine

_CLOCK = r"\d{1,2}:\d{2}(?::\d{2})?(?:\s?[AaPp]\.?[Mm]\.?)?"
_DATE = r"\d{4}-\d{2}-\d{2}"
_TRANSCRIPT = (
    re.compile(rf"^\[(?:(?P<date>{_DATE})[ T])?(?P<time>{_CLOCK})\]\s*(?P<name>[^:\[\]]{{1,80}}?):\s*(?P<text>.*)$"),
    re.compile(rf"^(?P<date>{_DATE})[ T](?P<time>{_CLOCK})\s+(?P<name>[^:\[\]]{{1,80}}?):\s*(?P<text>.*)$"),
)
# Desktop copy: "Name  10:17 AM" (two or more spaces); a bot's name sits on the line before "APP  10:41 AM".
_HEADER = re.compile(rf"^(?P<name>\S.{{0,79}}?)\s{{2,}}(?P<time>{_CLOCK})$")
_TIME_ONLY = re.compile(rf"^(?P<time>{_CLOCK})$")
_APP_BADGE = "APP"
_MONTHS = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)
_DIVIDER = re.compile(
    r"^(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day,\s+)?(?P<month>[a-z]+)\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?"
    r"(?:,\s+(?P<year>\d{4}))?$",
    re.IGNORECASE,
)
_RELATIVE_DAYS = {"yesterday": -1, "today": 0}
_NOISE = re.compile(
    r"^(?:\d+ repl(?:y|ies)|last reply .*|view thread|view newer replies|also sent to the channel"
    r"|(?:\[[^\]]*\]\s*)?[^:]{1,80} has (?:joined|left) the channel\.?|(?:joined|left) #[\w.-]+\.?)$",
    re.IGNORECASE,
)
_THREAD_REPLY = "replied to a thread:"
_EMOJI_ONLY = re.compile(r"^(?::[\w+-]+:|[^\w\s])+$")
_COUNT = re.compile(r"^\d+$")
_EDITED = re.compile(r"\s*\(edited\)$")
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


class ChatTextAdapter:
    """Reads pasted chat text; the catch-all, so its sniff asks for two clear message lines."""

    name = "chat-text"
    kind = SourceKind.CHAT
    description = "Chat pasted as text: [9:17 AM] Name: text transcripts or Slack desktop copies"
    hint = "text lines like '[9:17 AM] Name: text' or 'Name  10:17 AM' headers; needs --tz (and --date)"
    example = "postmortem draft chat.txt --tz Europe/Berlin --date 2025-03-04"

    def sniff(self, doc: Document) -> bool:
        """True when at least two of the first non-empty lines look like message headers."""
        # A transcript can start with "[", so only content that really parses as JSON is refused.
        if doc.try_json() is not None:
            return False
        try:
            text = doc.text
        except InputError:
            return False
        lines = [line.strip() for line in text.splitlines() if line.strip()][:_SNIFF_LINES]
        hits = sum(1 for line in lines if _HEADER.match(line) or any(p.match(line) for p in _TRANSCRIPT))
        return hits >= 2

    def parse(self, doc: Document, options: SourceOptions) -> list[Event]:
        """One event per message; naive clock times are read on ``options.date`` in ``options.tz``."""
        messages = _Reader(doc.name, options.date).read(doc.text.splitlines())
        events = []
        for message in messages:
            text = "\n".join(message.lines).strip()
            if not text:
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
        return events


class _Reader:
    """A line classifier: headers start messages, noise is skipped, anything else is body."""

    def __init__(self, path: str, day: date | None):
        self.path = path
        self.day = day
        self.relative_anchor: tuple[int, date | None] | None = None
        self.messages: list[_Message] = []
        self.last_body: tuple[int, str] | None = None

    def read(self, lines: list[str]) -> list[_Message]:
        """The messages in ``lines``, in order."""
        skip_next = False
        for index, raw in enumerate(lines):
            line = raw.strip()
            if not line:
                continue
            if skip_next:
                skip_next = False
                continue
            # "replied to a thread:" is followed by a one-line quote of the parent, a repeat.
            if line.lower() == _THREAD_REPLY:
                skip_next = True
            elif _EMOJI_ONLY.match(line) and _COUNT.match(_next_nonblank(lines, index)):
                skip_next = True  # a reaction: the emoji line, then its count
            elif not _NOISE.match(line) and not self._divider(line):
                self._line(index + 1, line)
        return self.messages

    def _line(self, number: int, line: str) -> None:
        for pattern in _TRANSCRIPT:
            if match := pattern.match(line):
                day = _iso_day(match["date"], self.path, number) if match["date"] else self.day
                self._start(number, match["name"].strip(), ActorKind.HUMAN, day, match["time"])
                if match["text"]:
                    self._body(number, match["text"])
                return
        if match := _HEADER.match(line):
            name, kind, at = match["name"], ActorKind.HUMAN, number
            if name == _APP_BADGE and self.last_body is not None:
                at, name = self.last_body
                kind = ActorKind.BOT
                if self.messages and self.messages[-1].lines and self.messages[-1].lines[-1] == name:
                    self.messages[-1].lines.pop()
            self._start(at, name, kind, self.day, match["time"])
            self.last_body = None
        elif (match := _TIME_ONLY.match(line)) and self.messages:
            # Slack shows a bare time for a further message by the author of the previous one.
            previous = self.messages[-1]
            self._start(number, previous.actor, previous.actor_kind, self.day, match["time"], previous)
        else:
            self._body(number, line)

    def _start(
        self, number: int, actor: str, kind: ActorKind, day: date | None, clock: str, previous: _Message | None = None
    ) -> None:
        moment = _clock(clock, self.path, number)
        twelve_hour = _has_meridiem(clock)
        # In a 12-hour copy the bare continuation time drops AM/PM: it is the reading that does
        # not go back before the previous message.
        if previous is not None and previous.twelve_hour and not twelve_hour and moment.hour <= 12:
            moment, twelve_hour = _not_before(moment, previous.clock), True
        self.messages.append(_Message(number, actor, kind, day, moment, twelve_hour))

    def _body(self, number: int, line: str) -> None:
        self.last_body = (number, line)
        if not self.messages:
            return
        message = self.messages[-1]
        stripped = _EDITED.sub("", line)
        message.edited = message.edited or stripped != line
        message.lines.append(stripped)

    def _divider(self, line: str) -> bool:
        """Move to the day a date divider names; ``False`` when ``line`` is not a divider."""
        relative = _RELATIVE_DAYS.get(line.lower())
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
        if match is None or match["month"].lower() not in _MONTHS:
            return False
        year = int(match["year"]) if match["year"] else (self.day.year if self.day else None)
        if year is None:
            self.day = None  # combine() then asks for --date, which supplies the year
            return True
        try:
            self.day = date(year, _MONTHS.index(match["month"].lower()) + 1, int(match["day"]))
        except ValueError:
            return False
        return True


def _next_nonblank(lines: list[str], index: int) -> str:
    return next((line.strip() for line in lines[index + 1 :] if line.strip()), "")


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
