"""Folding repeated alert notifications: one table of event sequences and what must remain."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from postmortem_writer.models import ActorKind, Event, Signal, SourceKind
from postmortem_writer.sources.collapse import collapse_alerts

F, R, N = Signal.ALERT_FIRING, Signal.ALERT_RESOLVED, Signal.PAGE_NOTIFIED
ESC = Signal.PAGE_ESCALATED

# In: (minute past 09:00, signal, alert key or None, actor, extra meta).
# Out: (minute, signal, key, count or None, last minute or None) in input order.
In = tuple[int, Signal | None, str | None, str, dict[str, Any]]
Out = tuple[int, Signal | None, str | None, int | None, int | None]


def at(minute: int) -> datetime:
    return datetime(2025, 3, 4, 9, minute, tzinfo=UTC)


CASES: dict[str, tuple[list[In], list[Out]]] = {
    "one-firing-is-left-alone": ([(0, F, "a", "am", {})], [(0, F, "a", None, None)]),
    "repeated-firings-become-one": (
        [(0, F, "a", "am", {}), (5, F, "a", "am", {}), (9, F, "a", "am", {})],
        [(0, F, "a", 3, 9)],
    ),
    "a-resolve-ends-the-episode": (
        [(0, F, "a", "am", {}), (5, F, "a", "am", {}), (10, R, "a", "am", {}), (20, F, "a", "am", {})],
        [(0, F, "a", 2, 5), (10, R, "a", None, None), (20, F, "a", None, None)],
    ),
    "re-fire-after-resolve-starts-a-new-count": (
        [(0, F, "a", "am", {}), (10, R, "a", "am", {}), (20, F, "a", "am", {}), (25, F, "a", "am", {})],
        [(0, F, "a", None, None), (10, R, "a", None, None), (20, F, "a", 2, 25)],
    ),
    "same-instant-resends-are-one-notification-not-a-count": (
        [(0, F, "a", "am", {}), (0, F, "a", "am", {}), (10, R, "a", "am", {}), (10, R, "a", "pd", {})],
        [(0, F, "a", None, None), (10, R, "a", None, None)],
    ),
    "alerts-are-folded-each-on-its-own": (
        [(0, F, "a", "am", {}), (1, F, "b", "am", {}), (2, F, "a", "am", {}), (3, R, "b", "am", {})],
        [(0, F, "a", 2, 2), (1, F, "b", None, None), (3, R, "b", None, None)],
    ),
    "events-without-identity-pass-through": (
        [(0, F, None, "chat", {}), (1, F, None, "chat", {})],
        [(0, F, None, None, None), (1, F, None, None, None)],
    ),
    "a-count-the-source-states-is-kept": (
        [(0, F, "a", "og", {"count": 5, "last": "2025-03-04T09:30:00+00:00"})],
        [(0, F, "a", 5, 30)],
    ),
    "stated-and-seen-firings-are-not-added-twice": (
        [
            (0, F, "a", "og", {"count": 3, "last": "2025-03-04T09:20:00Z"}),
            (10, F, "a", "og", {}),
            (20, F, "a", "og", {}),
        ],
        [(0, F, "a", 3, 20)],
    ),
    "the-kept-event-is-the-earliest-whatever-the-input-order": (
        [(9, F, "a", "am", {}), (0, F, "a", "am", {})],
        [(0, F, "a", 2, 9)],
    ),
    "notifications-to-different-people-in-one-instant-stay": (
        [(0, N, "a", "Ana", {}), (0, N, "a", "Ben", {}), (0, N, "a", "Ana", {})],
        [(0, N, "a", None, None), (0, N, "a", None, None)],
    ),
    "an-escalation-to-the-same-people-told-twice-is-one": (
        [(0, ESC, "a", "svc", {"assignees": ["Priya"]}), (0, ESC, "a", "PagerDuty", {"assignees": ["Priya"]})],
        [(0, ESC, "a", None, None)],
    ),
    "escalations-to-different-people-in-one-instant-stay": (
        [(0, ESC, "a", "svc", {"assignees": ["Priya"]}), (0, ESC, "a", "svc", {"assignees": ["Sam"]})],
        [(0, ESC, "a", None, None), (0, ESC, "a", None, None)],
    ),
}


def event(minute: int, signal: Signal | None, key: str | None, actor: str, meta: dict[str, Any]) -> Event:
    return Event(
        ts=at(minute),
        source="alerts.json",
        format="test",
        kind=SourceKind.ALERT,
        ref=f"minute {minute}",
        actor=actor,
        actor_kind=ActorKind.BOT,
        text=f"{signal} {key}",
        signal=signal,
        meta={**({"alert_key": key} if key else {}), **meta},
    )


def last_minute(kept: Event) -> int | None:
    last = kept.meta.get("last")
    return datetime.fromisoformat(last).minute if isinstance(last, str) and "count" in kept.meta else None


@pytest.mark.parametrize(("given", "expected"), CASES.values(), ids=CASES.keys())
def test_collapse(given: list[In], expected: list[Out]) -> None:
    result, merged = collapse_alerts([event(*spec) for spec in given])
    # Every event merged away is counted against its source, so none goes unreported.
    assert merged == ({"alerts.json": len(given) - len(result)} if len(given) > len(result) else {})
    assert [
        (e.ts.minute, e.signal, e.meta.get("alert_key"), e.meta.get("count"), last_minute(e)) for e in result
    ] == expected
    for kept in result:
        if "count" in kept.meta:
            assert kept.meta["first"] == kept.ts.isoformat().replace("+00:00", "Z")
            assert kept.text.endswith(
                f"(fired {kept.meta['count']} times, first {kept.ts:%Y-%m-%d %H:%M:%S} UTC,"
                f" last 2025-03-04 09:{last_minute(kept):02d}:00 UTC)"
            )
        else:
            assert "fired" not in kept.text


def test_a_whole_second_telling_stands_for_a_finer_one_in_that_second() -> None:
    coarse = event(0, Signal.PAGE_ACKNOWLEDGED, "a", "log", {})
    fine = event(0, Signal.PAGE_ACKNOWLEDGED, "a", "webhook", {})
    fine.ts = fine.ts.replace(second=20, microsecond=734000)
    coarse.ts = coarse.ts.replace(second=20)
    other = event(0, Signal.PAGE_ACKNOWLEDGED, "a", "webhook", {})
    other.ts = other.ts.replace(second=21, microsecond=5000)
    result, merged = collapse_alerts([fine, coarse, other])
    assert [e.actor for e in result] == ["log", "webhook"]
    assert result[1].ts.second == 21
    assert merged == {"alerts.json": 1}


def test_two_finer_tellings_in_one_second_are_not_folded_by_precision() -> None:
    first = event(0, Signal.PAGE_NOTE, "a", "Ana", {})
    second = event(0, Signal.PAGE_NOTE, "a", "Ana", {})
    first.ts, second.ts = first.ts.replace(microsecond=100000), second.ts.replace(microsecond=254000)
    assert len(collapse_alerts([first, second])[0]) == 2
