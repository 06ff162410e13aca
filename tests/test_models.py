from __future__ import annotations

import json
import os
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from pydantic import ValidationError

from postmortem_writer.events import EventStream
from postmortem_writer.models import Draft, Event, Impact, SourceKind, TimelineEntry, TimelineKind
from postmortem_writer.pipeline import draft_from, ingest
from postmortem_writer.sources import SourceOptions


def _event(ts: datetime, text: str, source: str = "a.txt", **extra: object) -> Event:
    return Event(ts=ts, source=source, format="test", kind=SourceKind.CHAT, ref="line 1", actor="A", text=text, **extra)


def test_event_times_are_normalised_to_utc() -> None:
    berlin = timezone(timedelta(hours=1))
    event = _event(datetime(2025, 3, 4, 10, 0, tzinfo=berlin), "x")
    assert event.ts == datetime(2025, 3, 4, 9, 0, tzinfo=UTC)
    assert event.ts.utcoffset() == timedelta(0)


def test_naive_event_time_is_rejected() -> None:
    with pytest.raises(ValidationError, match="no time zone"):
        _event(datetime(2025, 3, 4, 10, 0), "x")


def test_timeline_entry_needs_evidence() -> None:
    with pytest.raises(ValidationError):
        TimelineEntry(time=datetime(2025, 3, 4, tzinfo=UTC), kind=TimelineKind.OTHER, description="x", evidence=[])


def test_impact_duration_is_derived() -> None:
    impact = Impact(start=datetime(2025, 3, 4, 9, 10, tzinfo=UTC), end=datetime(2025, 3, 4, 9, 55, 30, tzinfo=UTC))
    assert impact.duration_minutes == 45.5


def test_stream_sorts_by_time_and_numbers_from_e1() -> None:
    t0 = datetime(2025, 3, 4, 9, 0, tzinfo=UTC)
    later, earlier = _event(t0 + timedelta(minutes=5), "later"), _event(t0, "earlier")
    stream = EventStream([later, earlier])
    assert [e.text for e in stream] == ["earlier", "later"]
    assert [e.id for e in stream] == ["E1", "E2"]
    assert stream["E2"].text == "later"
    assert "E3" not in stream


def test_stream_keeps_file_order_for_equal_times_and_resolves_threads() -> None:
    t0 = datetime(2025, 3, 4, 9, 0, tzinfo=UTC)
    parent = _event(t0, "parent", native_id="c:1")
    reply = _event(t0 + timedelta(seconds=1), "reply", native_id="c:2", parent_native_id="c:1")
    twin = _event(t0, "same second, later in file")
    stream = EventStream([reply, parent, twin])
    assert [e.text for e in stream] == ["parent", "same second, later in file", "reply"]
    assert stream["E3"].thread == "E1"


def test_draft_json_round_trips_losslessly(sample_incident: object) -> None:
    ingested = ingest([sample_incident], SourceOptions())  # type: ignore[list-item]
    draft = draft_from(ingested)
    text = draft.model_dump_json()
    again = Draft.model_validate_json(text)
    assert again == draft
    assert again.model_dump_json() == text


def test_stream_copies_events_unless_they_are_handed_over() -> None:
    t0 = datetime(2025, 3, 4, 9, 0, tzinfo=UTC)
    kept = [_event(t0 + timedelta(seconds=1), "b"), _event(t0, "a")]
    copied = EventStream(kept)
    assert [e.id for e in kept] == ["", ""]
    assert [e.id for e in copied] == ["E1", "E2"]
    handed = EventStream(kept, owned=True)
    assert [e.id for e in kept] == ["E2", "E1"]
    assert [e is k for e, k in zip(handed, reversed(kept), strict=True)] == [True, True]


SCHEMA = Path(__file__).resolve().parent.parent / "fixtures" / "golden" / "draft.schema.json"


def test_the_draft_json_schema_is_the_published_one() -> None:
    """`draft --format json` is a public interface: a change to its schema must be seen and meant.

    Regenerate after an intended change with POSTMORTEM_UPDATE_GOLDEN=1, then review the diff.
    """
    text = json.dumps(Draft.model_json_schema(), indent=2, sort_keys=True) + "\n"
    if os.environ.get("POSTMORTEM_UPDATE_GOLDEN") == "1":
        SCHEMA.write_text(text, encoding="utf-8")
        pytest.skip("schema snapshot regenerated; review its diff")
    assert text == SCHEMA.read_text(encoding="utf-8")
