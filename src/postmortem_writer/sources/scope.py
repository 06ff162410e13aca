"""Which of the events read are drafted: ``--since``/``--until``/``--channel``, and sources far apart in time.

A workspace export holds every channel and years of history; an alert export may hold last year's
incidents. The user names the window and the channels; without a window, sources whose times lie
far from the others are named in a warning and the draft keeps the busiest stretch of time around
the first detection (the stretch the sources agree on), saying so.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from postmortem_writer.errors import InputError, UsageError
from postmortem_writer.models import Event, Signal
from postmortem_writer.timeparse import parse_instant

# Sources whose times are further apart than this tell different incidents (or a mistaken file),
# not one incident's morning and evening: an incident and its follow-ups run for hours, a day or two.
FAR_APART = timedelta(days=2)
_DETECTIONS = (Signal.ALERT_FIRING, Signal.PAGE_TRIGGERED)


@dataclass(frozen=True)
class Scope:
    """What ``--since``, ``--until`` (as written) and ``--channel`` ask for; empty asks for everything."""

    since: str | None = None
    until: str | None = None
    channels: tuple[str, ...] = ()

    @property
    def windowed(self) -> bool:
        """Whether the user named a window (so no window is chosen for them)."""
        return self.since is not None or self.until is not None


@dataclass
class Scoped:
    """The events kept, and what to tell the user about it (a note) and about the sources (warnings)."""

    events: list[Event]
    note: str | None
    warnings: list[str]


def bound(text: str, tz: tzinfo | None, *, flag: str, end: bool) -> datetime:
    """The instant ``--since``/``--until`` names: a date (its start, or for ``--until`` its end) or a time.

    A value without a zone is read in ``--tz``; without either it is an error, as for the sources.
    """
    try:
        day = date.fromisoformat(text.strip())
    except ValueError:
        day = None
    if day is not None:
        if tz is None:
            raise UsageError(f"{flag} {text} has no time zone; pass --tz (e.g. --tz UTC)")
        return datetime.combine(day + timedelta(days=1) if end else day, time(), tzinfo=tz).astimezone(UTC)
    try:
        return parse_instant(text, tz=tz, path=flag, position=text)
    except InputError as exc:
        raise UsageError(
            f"{flag} {text!r}: {exc.message}; write a date (2025-03-04) or a time (2025-03-04T09:00Z)"
        ) from None


def apply_scope(events: list[Event], scope: Scope, tz: tzinfo | None, inputs: Sequence[str] = ()) -> Scoped:
    """The events within ``scope``; with no window given, the stretch around the first detection."""
    kept = events
    said: list[str] = []
    warnings: list[str] = []
    if scope.channels:
        wanted = {_channel_key(name) for name in scope.channels}
        known = Counter(str(event.meta["channel"]) for event in events if event.meta.get("channel"))
        missing = [name for name in scope.channels if _channel_key(name) not in {_channel_key(c) for c in known}]
        if missing:
            listed = ", ".join(sorted(known)) or "none"
            warnings.append(f"--channel {', '.join(missing)}: no such channel in the sources (channels: {listed})")
        # Events without a channel (alerts, deploys, pages) belong to every channel's incident.
        kept = [e for e in kept if not e.meta.get("channel") or _channel_key(str(e.meta["channel"])) in wanted]
        said.append(f"channel {', '.join(scope.channels)}")
    since = bound(scope.since, tz, flag="--since", end=False) if scope.since else None
    until = bound(scope.until, tz, flag="--until", end=True) if scope.until else None
    if since is not None and until is not None and until <= since:
        raise UsageError(f"--until {scope.until} is not after --since {scope.since}")
    if since is not None:
        kept = [e for e in kept if e.ts >= since]
        said.append(f"since {_stamp(since)}")
    if until is not None:
        kept = [e for e in kept if e.ts < until]
        said.append(f"until {_stamp(until)}")
    if not scope.windowed:
        kept, window = _busiest_window(kept, inputs, warnings)
        if window:
            said.append(window)
    if said and not kept:
        span = f"{_stamp(min(e.ts for e in events))} to {_stamp(max(e.ts for e in events))}" if events else "nothing"
        raise UsageError(f"{'; '.join(said)} leaves none of the {len(events)} events read (they run from {span})")
    note = f"kept {len(kept)} of {len(events)} events ({'; '.join(said)})" if said else None
    return Scoped(kept, note, warnings)


def _busiest_window(events: list[Event], inputs: Sequence[str], warnings: list[str]) -> tuple[list[Event], str | None]:
    """When sources fall apart in time, the sources around the first detection, and a warning for each other one.

    Each source spans its first to its last event; sources whose spans come within ``FAR_APART``
    of each other are one group (a config change weeks before the incident overlaps the deploy
    history around it, so nothing is cut inside a source). The group holding the first detection
    is kept, else the one with most events. A source is one of ``inputs`` (a whole export, not its day files).
    """
    # Longest first, so "sources/slack-export" claims its members before "sources" would.
    prefixes = sorted(inputs, key=len, reverse=True)

    def source_of(event: Event) -> str:
        return next(
            (p for p in prefixes if event.source == p or event.source.startswith((f"{p}/", f"{p}:"))), event.source
        )

    spans: dict[str, tuple[datetime, datetime, int]] = {}
    for event in events:
        source = source_of(event)
        first, last, count = spans.get(source, (event.ts, event.ts, 0))
        spans[source] = (min(first, event.ts), max(last, event.ts), count + 1)
    groups: list[tuple[datetime, datetime, list[str]]] = []
    for source, (first, last, _) in sorted(spans.items(), key=lambda item: item[1][0]):
        if groups and first - groups[-1][1] <= FAR_APART:
            start, end, members = groups[-1]
            groups[-1] = (start, max(end, last), [*members, source])
        else:
            groups.append((first, last, [source]))
    if len(groups) < 2:
        return events, None
    detection = min((e for e in events if e.signal in _DETECTIONS), key=lambda e: e.ts, default=None)
    if detection is not None:
        chosen = next(group for group in groups if source_of(detection) in group[2])
    else:
        chosen = max(groups, key=lambda group: sum(spans[source][2] for source in group[2]))
    start, end, members = chosen
    for source in sorted(set(spans) - set(members)):
        first, last, _ = spans[source]
        gap = start - last if last < start else first - end
        warnings.append(
            f"{source}: far from the other sources in time ({_stamp(first)} to {_stamp(last)}, "
            f"{_days(gap)} from the sources drafted); left out"
        )
    around = f"the first detection at {_stamp(detection.ts)}" if detection else "most events"
    kept = [event for event in events if source_of(event) in members]
    return kept, (
        f"sources far apart in time: drafting those around {around} ({_stamp(start)} to {_stamp(end)}); "
        "choose with --since/--until"
    )


def _channel_key(name: str) -> str:
    return name.strip().lstrip("#").casefold()


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC")


def _days(gap: timedelta) -> str:
    days = gap.days
    return f"{days // 365} years" if days >= 730 else f"{days} days" if days != 1 else "1 day"
