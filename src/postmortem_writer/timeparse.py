"""Turning the many ways sources write time into aware UTC datetimes, at the edge."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, tzinfo
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


def from_epoch_ms(millis: int) -> datetime:
    """UTC time of an epoch value in milliseconds, exact (no float rounding of the fraction)."""
    return from_epoch(f"{millis // 1000}.{millis % 1000:03d}")


def epoch_instant(value: str | int | float, *, millis: bool, path: str, position: str) -> datetime:
    """UTC time of an epoch value read from a file; one out of any calendar's range is an InputError."""
    try:
        return from_epoch_ms(int(float(value))) if millis else from_epoch(value)
    except (OverflowError, OSError, ValueError):
        raise InputError(f"epoch time {value!r} is out of range", path=path, position=position) from None


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
