"""Plain-text logs whose lines start with a timestamp: the catch-all for anything a team keeps as text.

Each line is read by the first style of ``STYLES`` (a table of named timestamp shapes) that matches
its start; the rest of the line is the event's text. Lines that start with no timestamp (a stack
trace, a wrapped message) belong to the record above them. Times without a zone are read in
``--tz``; a syslog time without a year takes it from ``--date``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, tzinfo
from itertools import islice
from pathlib import PurePath

from postmortem_writer.errors import InputError
from postmortem_writer.models import ActorKind, Event, SourceKind
from postmortem_writer.sources.base import Document, Parsed, SourceOptions
from postmortem_writer.timeparse import attach_zone, from_epoch, parse_instant

_SNIFF_LINES = 50
# syslog (RFC 3164) puts host and program after the time: "web-1 sshd[812]: message".
_SYSLOG_SOURCE = re.compile(r"^(?P<host>\S+)\s+(?P<program>[\w./-]+)(?:\[\d+\])?:\s+(?P<text>.*)$")


@dataclass(frozen=True)
class _Where:
    path: str
    position: str
    tz: tzinfo | None
    day: date | None


def _iso(stamp: str, where: _Where) -> datetime:
    # Python's logging writes a comma before milliseconds; nanoseconds are cut to microseconds.
    text = re.sub(r"[.,](\d{1,6})\d*", r".\1", stamp.strip("[]").replace("/", "-", 2), count=1)
    return parse_instant(text, tz=where.tz, path=where.path, position=where.position)


def _loose(stamp: str, where: _Where) -> datetime:
    return parse_instant(stamp.strip("[]"), tz=where.tz, path=where.path, position=where.position, day=where.day)


def _common_log(stamp: str, where: _Where) -> datetime:
    try:
        moment = datetime.strptime(stamp.strip("[]"), "%d/%b/%Y:%H:%M:%S %z")
    except ValueError:
        raise InputError(
            f"cannot read {stamp!r} as a date and time", path=where.path, position=where.position
        ) from None
    return attach_zone(moment, tz=where.tz, path=where.path, position=where.position)


def _epoch(stamp: str, where: _Where) -> datetime:
    # Thirteen digits are milliseconds (JavaScript, Java); ten are seconds.
    if "." not in stamp and len(stamp) == 13:
        return from_epoch(f"{stamp[:10]}.{stamp[10:]}")
    return from_epoch(stamp)


@dataclass(frozen=True)
class LogStyle:
    """One way a log line starts with its time: ``pattern`` matches the stamp, ``read`` turns it into UTC."""

    name: str
    pattern: re.Pattern[str]
    read: Callable[[str, _Where], datetime]
    syslog: bool = False


_CLOCK = r"\d{2}:\d{2}(?::\d{2}(?:[.,]\d{1,9})?)?"
_OFFSET = r"(?:\s?(?:Z|UTC|[+-]\d{2}:?\d{2}))?"

# Tried in order; the first that matches the start of a line reads it. Each pattern's group
# ``stamp`` is the time; the text is what follows it (less separators).
STYLES = (
    LogStyle("iso-8601", re.compile(rf"^(?P<stamp>\[?\d{{4}}-\d{{2}}-\d{{2}}[T ]{_CLOCK}{_OFFSET}\]?)"), _iso),
    LogStyle("slashed-ymd", re.compile(rf"^(?P<stamp>\[?\d{{4}}/\d{{2}}/\d{{2}}[T ]{_CLOCK}{_OFFSET}\]?)"), _iso),
    LogStyle(
        "common-log", re.compile(r"^(?P<stamp>\[\d{2}/[A-Z][a-z]{2}/\d{4}:\d{2}:\d{2}:\d{2} [+-]\d{4}\])"), _common_log
    ),
    LogStyle(
        "syslog", re.compile(rf"^(?P<stamp>[A-Z][a-z]{{2}} [ \d]\d {_CLOCK}(?: \d{{4}})?)(?=\s)"), _loose, syslog=True
    ),
    LogStyle(
        "rfc-2822",
        re.compile(rf"^(?P<stamp>(?:[A-Z][a-z]{{2}}, )?\d{{1,2}} [A-Z][a-z]{{2}} \d{{4}} {_CLOCK}{_OFFSET})(?=\s)"),
        _loose,
    ),
    LogStyle("epoch", re.compile(r"^(?P<stamp>\d{13}|\d{10}(?:\.\d{1,9})?)(?=[\s,;|])"), _epoch),
)


def match_style(line: str) -> tuple[LogStyle, re.Match[str]] | None:
    """The first style whose timestamp starts ``line``, with its match."""
    for style in STYLES:
        match = style.pattern.match(line)
        if match:
            return style, match
    return None


class TimestampedLogAdapter:
    """Reads a text log whose lines start with timestamps into one event per record; the last resort."""

    name = "timestamped-log"
    kind = SourceKind.OTHER
    description = (
        "Plain-text log whose lines start with a timestamp: ISO 8601, '2025-03-04 09:17:05,123', syslog "
        "'Mar  4 09:17:05', '[04/Mar/2025:09:17:05 +0000]', RFC 2822, epoch seconds or milliseconds"
    )
    hint = (
        "two of the first lines (and a quarter of them) start with a timestamp; lines without one continue "
        "the line above; zone-less times need --tz, syslog times (no year) also --date"
    )
    example = "postmortem draft /var/log/syslog --tz UTC --date 2025-03-04"
    signature = ()  # free text: any line shape it reads is also prose

    def sniff(self, doc: Document) -> bool:
        """True when two of the first non-blank lines (or the only one) start with a time, and a quarter of them do.

        A quarter, not most: a stack trace under an error line runs to many unstamped lines.
        """
        if doc.try_json() is not None:
            return False
        try:
            lines = list(islice((line for line in doc.lines() if line.strip()), _SNIFF_LINES))
        except InputError:
            return False
        stamped = sum(1 for line in lines if match_style(line))
        return stamped >= min(2, len(lines)) and stamped * 4 >= len(lines) and stamped > 0

    def parse(self, doc: Document, options: SourceOptions) -> Parsed:
        """One event per timestamped line, with the lines under it that have no timestamp of their own."""
        parsed = Parsed()
        fallback_actor = PurePath(doc.name.rsplit(":", 1)[-1]).stem or doc.name

        def read(position: str, record: tuple[LogStyle, re.Match[str], list[str]]) -> Event:
            style, match, lines = record
            where = _Where(doc.name, position, options.tz, options.date)
            text = "\n".join([match.string[match.end() :].strip(" \t-|:;,"), *lines]).strip()
            actor = fallback_actor
            if style.syslog and (source := _SYSLOG_SOURCE.match(text)):
                actor, text = source["program"], source["text"]
            return Event(
                ts=style.read(match["stamp"], where).astimezone(UTC),
                source=doc.name,
                format=self.name,
                kind=self.kind,
                ref=position,
                actor=actor,
                actor_kind=ActorKind.SYSTEM,
                text=text or "(empty)",
                meta={"style": style.name},
            )

        parsed.collect(_records(doc.text.splitlines(), parsed), read)
        return parsed.usable()


def _records(lines: list[str], parsed: Parsed) -> Iterator[tuple[str, tuple[LogStyle, re.Match[str], list[str]]]]:
    """Each timestamped line with the unstamped lines under it; lines before the first stamp are counted."""
    current: tuple[str, tuple[LogStyle, re.Match[str], list[str]]] | None = None
    for number, line in enumerate(lines, start=1):
        found = match_style(line)
        if found is not None:
            if current is not None:
                yield current
            current = (f"line {number}", (found[0], found[1], []))
        elif current is not None:
            if line.strip():
                current[1][2].append(line.rstrip())
        elif line.strip():
            parsed.dropped["line before the first timestamp"] += 1
    if current is not None:
        yield current
