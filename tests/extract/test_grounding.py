"""Grounding: citations must exist and times must come from the cited events."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from postmortem_writer.errors import GroundingError
from postmortem_writer.events import EventStream
from postmortem_writer.extract.grounding import check_draft, draft_problems, ground, grounded_entry
from postmortem_writer.models import (
    Cited,
    Draft,
    Event,
    Impact,
    Provenance,
    SourceKind,
    TimelineEntry,
    TimelineKind,
)

T0 = datetime(2025, 3, 4, 9, 0, tzinfo=UTC)


def stream_of(count: int) -> EventStream:
    """``count`` chat events one minute apart, E1 first."""
    return EventStream(
        Event(
            ts=T0 + timedelta(minutes=n),
            source="t.txt",
            format="test",
            kind=SourceKind.CHAT,
            ref=f"line {n + 1}",
            actor="Priya Natarajan",
            text=f"message {n + 1}",
        )
        for n in range(count)
    )


def draft(**fields: object) -> Draft:
    return Draft.model_validate({"title": "t", "provenance": Provenance(tool_version="t", extractor="t"), **fields})


def test_ground_is_the_earliest_cited_event() -> None:
    stream = stream_of(3)
    assert ground(["E3", "E2"], stream) == T0 + timedelta(minutes=1)


@pytest.mark.parametrize(("evidence", "message"), [([], "no evidence"), (["E1", "E9"], "E9")])
def test_ground_refuses_no_or_unknown_evidence(evidence: list[str], message: str) -> None:
    with pytest.raises(GroundingError, match=message):
        ground(evidence, stream_of(2))


def test_grounded_entry_takes_its_time_from_the_evidence_and_sorts_it() -> None:
    entry = grounded_entry(TimelineKind.DETECTION, "alert", ["E3", "E2", "E3"], stream_of(3))
    assert (entry.time, entry.evidence) == (T0 + timedelta(minutes=1), ["E2", "E3"])


def test_a_sound_draft_has_no_problems() -> None:
    stream = stream_of(3)
    sound = draft(
        timeline=[grounded_entry(TimelineKind.DETECTION, "a", ["E1"], stream)],
        impact=Impact(start=T0, start_evidence=["E1"], end=T0 + timedelta(minutes=2), end_evidence=["E3"]),
        summary=[Cited(text="s", evidence=["E2"])],
        open_questions=[Cited(text="TODO(author): who?")],
    )
    assert draft_problems(sound, stream) == []
    check_draft(sound, stream)


def test_every_problem_is_reported() -> None:
    stream = stream_of(3)
    broken = draft(
        timeline=[
            TimelineEntry(
                time=T0 + timedelta(minutes=2), kind=TimelineKind.MITIGATION, description="b", evidence=["E2"]
            ),
            TimelineEntry(time=T0, kind=TimelineKind.DETECTION, description="a", evidence=["E1"]),
        ],
        impact=Impact(start=T0 + timedelta(minutes=1), start_evidence=["E1"], end=T0),
        summary=[Cited(text="s", evidence=["E7"])],
    )
    assert draft_problems(broken, stream) == [
        "cites E7, which is not in the event stream",
        "timeline entry 1 is at 2025-03-04T09:02:00+00:00 but its earliest evidence is at 2025-03-04T09:01:00+00:00",
        "timeline entries are not in time order",
        "impact start is 2025-03-04T09:01:00+00:00 but its evidence is at 2025-03-04T09:00:00+00:00",
        "impact end has no evidence",
    ]
    with pytest.raises(GroundingError, match="not grounded") as caught:
        check_draft(broken, stream)
    assert "cites E7" in str(caught.value)


def test_cited_events_must_be_in_a_filled_evidence_index() -> None:
    stream = stream_of(2)
    partial = draft(summary=[Cited(text="s", evidence=["E1", "E2"])], evidence_index=[stream["E1"]])
    assert draft_problems(partial, stream) == ["cites E2, which is missing from the evidence index"]
