"""Times, dates and durations written in prose, and whether the cited events back them.

A model's statement may only carry a time, date or duration that its cited events show: in their
words, as their own timestamps, or as the time between two of them ("lasted 30 minutes" citing
the alert and the resolve). "Dropped at 3am on 2025-06-09 (0300Z)" citing an event that says
none of it is a claim the model made up, so validation rejects it and the call is re-asked.

Each mention is read into a canonical value (a clock ``HH:MM``, a day, a length in seconds, a
relative day word) so "9am" matches an event at 09:00 and "3 seconds" matches "3s".
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from itertools import combinations

_MONTHS = {
    name: number
    for number, names in enumerate(
        [("Jan", "January"), ("Feb", "February"), ("Mar", "March"), ("Apr", "April"), ("May",), ("Jun", "June"),
         ("Jul", "July"), ("Aug", "August"), ("Sep", "Sept", "September"), ("Oct", "October"), ("Nov", "November"),
         ("Dec", "December")],
        start=1,
    )
    for name in names
}  # fmt: skip
# Capitalised only: "may 3 pods restart" is the verb.
_MONTH = "(?P<month>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?:,?\s+(?P<year>\d{4}))?"

_CLOCKS = (
    # 09:14, 9:14:05, T03:00 inside an ISO stamp
    re.compile(
        r"(?<![\d:.])(?P<hour>\d{1,2}):(?P<minute>[0-5]\d)(?::[0-5]\d)?(?!\d)(?:\s*(?P<half>[ap])(?:\.m\.|m\b))?", re.I
    ),
    # 3am, 3 p.m.
    re.compile(r"(?<![\d:.])\b(?P<hour>\d{1,2})\s*(?P<half>[ap])(?:\.m\.|m\b)", re.I),
    # 02h55 (French and military style)
    re.compile(r"\b(?P<hour>[0-2]\d)h(?P<minute>[0-5]\d)\b", re.I),
    # 0300Z, 0300 UTC, 1430hrs
    re.compile(r"\b(?P<hour>[01]\d|2[0-3])(?P<minute>[0-5]\d)\s*(?:Z|UTC|GMT|hrs)\b"),
    re.compile(r"\b(?P<word>noon|midnight)\b", re.I),
)
_DATES = (
    # 2025-06-09, also inside an ISO stamp (2025-06-09T03:00Z)
    re.compile(r"(?<!\d)(?P<year>\d{4})[-/](?P<month>[01]\d)[-/](?P<day>[0-3]\d)(?!\d)"),
    re.compile(rf"\b{_MONTH}\s+{_DAY}\b{_YEAR}"),
    re.compile(rf"\b{_DAY}\s+(?:of\s+)?{_MONTH}(?![a-z]){_YEAR}"),
    # 06/09/2025: month and day order unknown, both are tried
    re.compile(r"\b(?P<first>[0-3]?\d)/(?P<second>[0-3]?\d)/(?P<year>\d{4}|\d{2})\b"),
)
_RELATIVE_DAY = re.compile(
    r"\b(?:yesterday|tomorrow|last night|(?:the\s+)?(?:previous|prior|next|following)\s+(?:day|night|morning|evening)"
    r"|the\s+day\s+(?:before|after))\b",
    re.I,
)
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_WEEKDAY = re.compile(r"\b(?:" + "|".join(_WEEKDAYS) + r")\b", re.I)

_WORDS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
          "nine": 9, "ten": 10, "eleven": 11, "twelve": 12}  # fmt: skip
_UNITS = {
    **dict.fromkeys(("ms", "millisecond", "milliseconds"), 0.001),
    **dict.fromkeys(("s", "sec", "secs", "second", "seconds"), 1.0),
    **dict.fromkeys(("m", "min", "mins", "minute", "minutes"), 60.0),
    **dict.fromkeys(("h", "hr", "hrs", "hour", "hours"), 3600.0),
    **dict.fromkeys(("day", "days"), 86400.0),
    **dict.fromkeys(("week", "weeks"), 604800.0),
}
_NUMBER = r"(?:\d+(?:\.\d+)?|\b(?:" + "|".join(sorted(_WORDS, key=len, reverse=True)) + r")\b)"
_LONG_UNIT = r"(?:milliseconds?|seconds?|secs?|minutes?|mins?|hours?|hrs?|days?|weeks?)"
# A unit written right after the digits ("3s", "240ms", "2h"); a bare "m" only after hours ("9h12m"),
# since "5m users" is a count.
_PART = rf"(?:{_NUMBER}[\s-]*{_LONG_UNIT}\b|\d+(?:\.\d+)?(?:ms|s|h)(?![A-Za-z])|(?<=h)\s*\d+m\b)"
_DURATION = re.compile(rf"(?<![\w.]){_PART}(?:\s*(?:,\s*|and\s+)?{_PART})*|\bhalf an hour\b", re.I)
_PIECE = re.compile(rf"(?P<n>{_NUMBER})[\s-]*(?P<u>[a-z]+)", re.I)


@dataclass(frozen=True)
class Mention:
    """One time, date or duration in a text: as written, where, and its readings.

    A time reads as ``HH:MM``; a date as ``(year or None, month, day)`` (a numeric date written
    either way round has two readings) or a relative day or weekday word; a duration as seconds,
    give or take ``tolerance``.
    """

    kind: str
    written: str
    span: tuple[int, int]
    readings: tuple[str | float | tuple[int | None, int, int], ...]
    tolerance: float = 0.0


def mentions(text: str) -> list[Mention]:
    """Every time, date, relative day and duration written in ``text``."""
    found = [*_clocks(text), *_dates(text)]
    taken = [m.span for m in found]
    # "02h55" is a clock, not two hours; a duration inside a clock or date is not one.
    found += [m for m in _durations(text) if not any(s < m.span[1] and m.span[0] < e for s, e in taken)]
    return found


def unsupported(text: str, cited_texts: Iterable[str], moments: Iterable[datetime]) -> list[Mention]:
    """The mentions in ``text`` that neither the cited events' words nor their times back."""
    written = mentions(text)
    if not written:
        return []
    texts = list(cited_texts)
    stamps = sorted(moments)
    shown = [m for t in texts for m in mentions(t)]
    clocks = {f"{s:%H:%M}" for s in stamps} | {r for m in shown if m.kind == "time" for r in m.readings}
    days: list[tuple[int | None, int, int]] = [(s.year, s.month, s.day) for s in stamps]
    days += [r for m in shown if m.kind == "date" for r in m.readings if isinstance(r, tuple)]
    words = " ".join(" ".join(texts).casefold().split())
    weekdays = {_WEEKDAYS[s.weekday()] for s in stamps}
    spans = [(b - a).total_seconds() for a, b in combinations(stamps, 2)]
    spans += [r for m in shown if m.kind == "duration" for r in m.readings if isinstance(r, float)]

    def backed(mention: Mention, reading: str | float | tuple[int | None, int, int]) -> bool:
        if mention.kind == "time":
            return reading in clocks
        if isinstance(reading, float):
            return any(abs(reading - span) <= mention.tolerance for span in spans)
        if isinstance(reading, str):  # a relative day or a weekday: as the events word it, or the day they fall on
            return reading in words or reading in weekdays
        year, month, day = reading
        return any((m, d) == (month, day) and (year is None or y is None or y == year) for y, m, d in days)

    return [m for m in written if not any(backed(m, reading) for reading in m.readings)]


def _clocks(text: str) -> Iterator[Mention]:
    taken: list[tuple[int, int]] = []
    for pattern in _CLOCKS:
        for match in pattern.finditer(text):
            if any(start <= match.start() < end for start, end in taken):
                continue
            parts = match.groupdict()
            if parts.get("word"):
                hour, minute = (12 if parts["word"].lower() == "noon" else 0), 0
            else:
                hour, minute = int(parts["hour"]), int(parts.get("minute") or 0)
            half = (parts.get("half") or "").lower()
            if half and not 1 <= hour <= 12:
                continue
            if half:
                hour = hour % 12 + (12 if half == "p" else 0)
            if hour < 24:
                taken.append(match.span())
                yield Mention("time", match.group(), match.span(), (f"{hour:02d}:{minute:02d}",))


def _dates(text: str) -> Iterator[Mention]:
    for pattern in _DATES:
        for match in pattern.finditer(text):
            parts = match.groupdict()
            year = int(parts["year"]) if parts.get("year") else None
            if year is not None and year < 100:
                year += 2000
            if "first" in parts:
                first, second = int(parts["first"]), int(parts["second"])
                readings = {(year, first, second), (year, second, first)}
            else:
                month = int(parts["month"]) if parts["month"].isdigit() else _MONTHS[parts["month"]]
                readings = {(year, month, int(parts["day"]))}
            valid = tuple(sorted((r for r in readings if 1 <= r[1] <= 12 and 1 <= r[2] <= 31), key=str))
            if valid:
                yield Mention("date", match.group(), match.span(), valid)
    for pattern in (_RELATIVE_DAY, _WEEKDAY):
        for match in pattern.finditer(text):
            word = " ".join(match.group().casefold().split()).removeprefix("the ")
            yield Mention("date", match.group(), match.span(), (word,))


def _durations(text: str) -> Iterator[Mention]:
    for match in _DURATION.finditer(text):
        if match.group().casefold() == "half an hour":
            yield Mention("duration", match.group(), match.span(), (1800.0,), 1800.0)
            continue
        total, smallest = 0.0, float("inf")
        for piece in _PIECE.finditer(match.group()):
            number, unit = piece["n"].casefold(), _UNITS.get(piece["u"].casefold(), 1.0)
            total += (_WORDS[number] if number in _WORDS else float(number)) * unit
            smallest = min(smallest, unit)
        # Hours are rounded in speech ("about 2 hours"): half an hour either way; finer units to the unit.
        yield Mention("duration", match.group(), match.span(), (total,), smallest / 2 if smallest >= 3600 else smallest)
