"""Chunking: whole event lines, within budget, stable ids, overlap, long messages cut."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

import pytest

from postmortem_writer.chunking import MAX_EVENT_CHARS, chunk_events, day_line, estimate_tokens, event_line, split_chunk
from postmortem_writer.events import EventStream
from postmortem_writer.models import ActorKind, Event, SourceKind

T0 = datetime(2025, 3, 4, 9, 0, tzinfo=UTC)


def stream(texts: list[str]) -> list[Event]:
    events = [
        Event(
            ts=T0 + timedelta(seconds=i),
            source="chat.txt",
            format="chat-text",
            kind=SourceKind.CHAT,
            ref=f"line {i + 1}",
            actor="Priya",
            actor_kind=ActorKind.HUMAN,
            text=text,
        )
        for i, text in enumerate(texts)
    ]
    return list(EventStream(events))


def test_every_event_lands_whole_in_a_chunk_within_budget() -> None:
    events = stream([f"message number {i} " + "word " * (i % 17) for i in range(300)])
    chunks = chunk_events(events, budget=400, overlap=40)
    assert len(chunks) > 5
    assert all(chunk.tokens <= 400 for chunk in chunks)
    seen = [event_id for chunk in chunks for event_id in chunk.event_ids]
    assert set(seen) == {event.id for event in events}
    lines = {event.id: event_line(event) for event in events}
    for chunk in chunks:
        assert chunk.lines[0] == day_line(T0.date()), "every chunk says which day its lines are on"
        assert chunk.lines[1:] == [lines[event_id] for event_id in chunk.event_ids]


def test_consecutive_chunks_overlap_and_ids_are_stable() -> None:
    events = stream([f"message {i} about the checkout service and its cache pool" for i in range(200)])
    first = chunk_events(events, budget=300, overlap=60)
    again = chunk_events(events, budget=300, overlap=60)
    assert [c.id for c in first] == [c.id for c in again]
    for left, right in itertools.pairwise(first):
        assert set(left.event_ids) & set(right.event_ids), "neighbouring chunks share an event"
    no_overlap = chunk_events(events, budget=300, overlap=0)
    assert sum(len(c.event_ids) for c in no_overlap) == len(events)


def test_a_changed_event_changes_only_its_chunk_id() -> None:
    texts = [f"message {i} about the checkout service" for i in range(100)]
    before = chunk_events(stream(texts), budget=300)
    texts[-1] = "a different last message"
    after = chunk_events(stream(texts), budget=300)
    assert before[0].id == after[0].id
    assert before[-1].id != after[-1].id


def test_multiline_and_huge_messages_stay_one_line() -> None:
    events = stream(["first line\nsecond line", "x" * 10_000])
    lines = [event_line(event) for event in events]
    assert "first line ⏎ second line" in lines[0]
    assert len(lines[1]) < MAX_EVENT_CHARS + 200
    assert lines[1].endswith("…[cut]")
    assert [c.event_ids for c in chunk_events(events, budget=2000)] == [["E1", "E2"]]


@pytest.mark.parametrize(("text", "tokens"), [("", 0), ("abc", 1), ("abcd", 2), ("x" * 300, 100)])
def test_estimate_rounds_up(text: str, tokens: int) -> None:
    assert estimate_tokens(text) == tokens


def test_day_markers_where_the_day_changes_and_channels_only_when_several() -> None:
    events = stream(["before midnight", "after midnight"])
    events[1] = events[1].model_copy(update={"ts": T0 + timedelta(days=1), "meta": {"channel": "inc"}})
    (chunk,) = chunk_events(events, budget=500)
    assert chunk.lines == [
        "--- 2025-03-04 ---",
        "E1 09:00 #chat-text Priya: before midnight",
        "--- 2025-03-05 ---",
        "E2 09:00 #inc Priya: after midnight",
    ]
    bot = events[0].model_copy(update={"actor": "deploy-bot", "actor_kind": ActorKind.BOT})
    assert event_line(bot) == "E1 09:00 deploy-bot [bot]: before midnight"


def test_no_events_no_chunks() -> None:
    assert chunk_events([], budget=100) == []


@pytest.mark.parametrize("per_event", [0, 4, 20])
def test_each_event_costs_its_line_and_what_the_request_adds_for_it(per_event: int) -> None:
    events = stream([f"message number {i} " + "word " * (i % 17) for i in range(300)])
    chunks = chunk_events(events, budget=400, per_event=per_event)
    assert all(chunk.tokens + per_event * len(chunk.event_ids) <= 400 for chunk in chunks)
    # And not much less: every chunk but the last could not take its successor's first line (give or
    # take the rounding of each line's and each newline's estimate, and the day marker).
    for chunk, after in itertools.pairwise(chunks):
        line = estimate_tokens(event_line(next(e for e in events if e.id == after.event_ids[0])))
        slack = 2 * len(chunk.event_ids) + estimate_tokens(day_line(T0.date()))
        assert chunk.tokens + per_event * len(chunk.event_ids) + line + per_event + slack > 400


def test_split_chunk_keeps_every_line_under_its_day() -> None:
    events = stream([f"message {i}" for i in range(6)])
    events = [e.model_copy(update={"ts": T0 + timedelta(hours=8 * i)}) for i, e in enumerate(events)]
    (chunk,) = chunk_events(events, budget=1000)
    left, right = split_chunk(chunk)
    assert left.event_ids + right.event_ids == chunk.event_ids
    assert len(left.event_ids) == 3
    assert left.lines == ["--- 2025-03-04 ---", "E1 09:00 Priya: message 0", "E2 17:00 Priya: message 1",
                          "--- 2025-03-05 ---", "E3 01:00 Priya: message 2"]  # fmt: skip
    assert right.lines[0] == "--- 2025-03-05 ---"
    assert right.lines[1].startswith("E4 09:00")
    assert left.id != right.id != chunk.id
