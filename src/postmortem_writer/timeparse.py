"""Turning the many ways sources write time into aware UTC datetimes, at the edge."""

from __future__ import annotations

import math
import re
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dateutil import parser as dateutil_parser

from postmortem_writer.errors import InputError, UsageError


def zone(name: str) -> tzinfo:
    """The IANA zone (or ``UTC``) named by ``--tz``; a clear error for an unknown name."""
    if name.upper() in {"UTC", "Z", "GMT"}:
        return UTC
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise UsageError(f"unknown time zone {name!r} (use an IANA name such as Europe/Berlin, or UTC)") from None


def from_epoch(seconds: str | int | float) -> datetime:
    """UTC time of an epoch value in seconds; strings keep microseconds exactly (Slack ``ts``)."""
    if isinstance(seconds, str):
        whole, _, frac = seconds.partition(".")
        micros = int((frac + "000000")[:6]) if frac else 0
        return datetime.fromtimestamp(int(whole), UTC).replace(microsecond=micros)
    return datetime.fromtimestamp(seconds, UTC)


# Up to eleven integer digits (year 5138): a larger "epoch" is damage, and would overflow time_t.
_EPOCH_TEXT = re.compile(r"^\d{1,11}(?:\.\d{1,9})?$")
_EPOCH_LIMIT = 10**11
_EPOCH_START = datetime(1970, 1, 1, tzinfo=UTC)


def epoch_instant(value: object, *, field: str, path: str, position: str, per_second: int = 1) -> datetime:
    """UTC time of an epoch value from a JSON field: seconds, or with ``per_second=1000`` milliseconds.

    Digit strings (Slack ``ts``) and floats (Zulip ``date_sent``) keep their microseconds exactly;
    anything that is not a plausible epoch number (a bool, a date string, out of range) is an error
    naming the file, position and ``field``.
    """
    if isinstance(value, str) and per_second == 1 and _EPOCH_TEXT.match(value):
        # What from_epoch does, in a third less time (once per Slack message): the pattern allows
        # at most eleven digits, so the sum stays far inside datetime's range and cannot raise.
        seconds, _, fraction = value.partition(".")
        return _EPOCH_START + timedelta(0, int(seconds), int(fraction[:6].ljust(6, "0")) if fraction else 0)
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < _EPOCH_LIMIT * per_second:
        whole, part = divmod(value, per_second)
        return from_epoch(whole) + timedelta(microseconds=part * 1_000_000 // per_second)
    if isinstance(value, float) and math.isfinite(value) and 0 <= value < _EPOCH_LIMIT * per_second:
        # Fixed-point text rounds to the microsecond the float was written with, where float maths would not.
        return from_epoch(f"{value / per_second:.6f}")
    unit = "milliseconds" if per_second == 1000 else "seconds"
    raise InputError(f"'{field}' is {value!r}, not a time in epoch {unit}", path=path, position=position)


def parse_instant(value: str, *, tz: tzinfo | None, path: str, position: str, day: date | None = None) -> datetime:
    """An aware UTC datetime from an ISO-8601 or other common date-time string.

    A time without an offset is read in ``tz``; without ``tz`` that is an error naming the file
    and position, because guessing the zone would silently shift the whole timeline. A value
    without a date ("09:02") or a year ("March 4 09:02") takes them from ``day`` (``--date``),
    never from today's clock; without ``day`` that is an error too.
    """
    text = value.strip()
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00") if text.endswith("Z") else text)
    except ValueError:
        parsed = _parse_loose(text, value, day, path=path, position=position)
    return attach_zone(parsed, tz=tz, path=path, position=position)


# Two defaults that differ in every date field: a field that differs between the two parses was
# not in the text (dateutil would otherwise fill it in from today without a word).
_PROBES = (datetime(2000, 1, 1), datetime(2001, 2, 2))


def _parse_loose(text: str, value: str, day: date | None, *, path: str, position: str) -> datetime:
    try:
        first, second = (dateutil_parser.parse(text, default=probe) for probe in _PROBES)
        first.utcoffset()  # dateutil accepts offsets such as +9901 that a datetime cannot hold
    except (ValueError, OverflowError):
        raise InputError(f"cannot read {value!r} as a date and time", path=path, position=position) from None
    missing = [name for name in ("year", "month", "day") if getattr(first, name) != getattr(second, name)]
    if not missing:
        return first
    if day is None:
        raise InputError(
            f"{value!r} has no {' or '.join(missing)}; pass --date YYYY-MM-DD", path=path, position=position
        )
    return first.replace(**{name: getattr(day, name) for name in missing})


def attach_zone(moment: datetime, *, tz: tzinfo | None, path: str, position: str) -> datetime:
    """``moment`` in UTC, reading a naive value in ``tz`` (required then)."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        if tz is None:
            raise InputError(
                "time has no time zone; pass --tz (for example --tz UTC or --tz Europe/Berlin)",
                path=path,
                position=position,
            )
        moment = moment.replace(tzinfo=tz)
    try:
        return moment.astimezone(UTC)
    except OverflowError:  # year 1 east of UTC, or year 9999 west of it
        raise InputError(f"time {moment.isoformat()} is out of range in UTC", path=path, position=position) from None


def combine(day: date | None, clock: time, *, tz: tzinfo | None, path: str, position: str) -> datetime:
    """UTC time of a time of day on ``day`` in ``tz``; both must be known."""
    if day is None:
        raise InputError("time has no date; pass --date YYYY-MM-DD", path=path, position=position)
    return attach_zone(datetime.combine(day, clock), tz=tz, path=path, position=position)
