"""Repeated alert notifications folded into one event per firing episode.

Alerting tools re-send the same state (Alertmanager every ``repeat_interval``, Opsgenie bumping an
alert's count, a log and an alert export telling the same transition). Each alert adapter puts a
stable identity in ``Event.meta[ALERT_KEY]``; here, per identity:

- the same state at the same instant, told twice, is one event (a re-sent notification); a telling
  in whole seconds stands for any finer telling within that second, and an escalation or
  assignment is the same one when it names the same ``ASSIGNEES``;
- firings with no resolve between them are one episode: the first firing is kept and records
  ``count``, ``first`` and ``last``, and its text says "(fired N times, first … last …)";
- a resolve ends the episode, so a firing after it starts a new one.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import datetime

from postmortem_writer.models import Event, Signal

ALERT_KEY = "alert_key"
"""``Event.meta`` key holding the alert's stable identity (fingerprint, alert id, alarm name)."""

COUNT = "count"
"""``Event.meta`` key: how many times the alert fired in this episode (an adapter may state more than it saw)."""

ASSIGNEES = "assignees"
"""``Event.meta`` key: the people an escalation or assignment routed the page to, by name."""

LAST = "last"
"""``Event.meta`` key: the latest firing of the episode, as an ISO UTC string."""

# A state change happens once per instant; two tellings of it at the same instant are one event.
# Other signals (notifications, notes) can honestly repeat within an instant, so they must also
# agree in actor and text to count as the same event.
_STATES = frozenset(
    {Signal.ALERT_FIRING, Signal.ALERT_RESOLVED, Signal.PAGE_TRIGGERED, Signal.PAGE_ACKNOWLEDGED, Signal.PAGE_RESOLVED}
)


REPEATED = "repeated alert notification"
"""``InputFile.dropped`` reason for an event merged into another telling of the same alert."""


def collapse_alerts(events: list[Event]) -> tuple[list[Event], Counter[str]]:
    """``events`` with duplicate alert notifications merged and repeated firings folded per episode.

    Events without an alert identity pass through untouched; the order of the rest is kept.
    Also returns how many events were merged away, by their source, so none goes unreported.
    """
    by_key: dict[str, list[int]] = defaultdict(list)
    for index, event in enumerate(events):
        key = event.meta.get(ALERT_KEY)
        if isinstance(key, str):
            by_key[key].append(index)
    gone: set[int] = set()
    for indexes in by_key.values():
        gone.update(_fold(events, sorted(indexes, key=lambda i: (events[i].ts, i))))
    merged = Counter(events[index].source for index in gone)
    return [event for index, event in enumerate(events) if index not in gone], merged


def _fold(events: list[Event], indexes: list[int]) -> set[int]:
    """Indexes (in time order, all one alert) to merge away; kept firings are updated in place."""
    gone: set[int] = set()
    seen: set[tuple[object, ...]] = set()
    episode: list[Event] = []
    for index in indexes:
        event = events[index]
        identity: tuple[object, ...] = (event.signal, event.ts)
        if event.signal not in _STATES:
            # Routing (an escalation, an assignment) is one fact when it names the same people at
            # one instant, whoever each source says did it and however it words it.
            assignees = event.meta.get(ASSIGNEES)
            if isinstance(assignees, list) and assignees and all(isinstance(name, str) for name in assignees):
                identity += ("to", *sorted(str(name) for name in assignees))
            else:
                identity += (event.actor, event.text)
        # A source that keeps whole seconds (PagerDuty's REST API) tells the instant a finer one
        # (its webhooks, in milliseconds) tells within that second; in time order it comes first.
        coarse = (identity[0], event.ts.replace(microsecond=0), *identity[2:])
        if identity in seen or (event.ts.microsecond and coarse in seen):
            gone.add(index)
            continue
        seen.add(identity)
        if event.signal is Signal.ALERT_FIRING:
            if episode:
                gone.add(index)
            episode.append(event)
        elif event.signal is Signal.ALERT_RESOLVED:
            _summarise(episode)
            episode = []
    _summarise(episode)
    return gone


def _summarise(episode: list[Event]) -> None:
    if not episode:
        return
    kept = episode[0]
    # An adapter may know of firings it did not emit (Opsgenie's count, its lastOccurredAt).
    stated_last = [_instant(event.meta.get(LAST)) for event in episode]
    last = max([event.ts for event in episode] + [moment for moment in stated_last if moment is not None])
    stated = max(_count(event) for event in episode)
    count = max(stated, len({event.ts for event in episode}))
    if count < 2:
        return
    kept.meta[COUNT] = count
    kept.meta["first"] = _iso(kept.ts)
    kept.meta[LAST] = _iso(last)
    kept.text = f"{kept.text} (fired {count} times, first {_shown(kept.ts)}, last {_shown(last)})"


def _count(event: Event) -> int:
    value = event.meta.get(COUNT)
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else 1


def _instant(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


def _iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def _shown(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S UTC")
