"""Grounding inside validation: what the map and synthesis schemas accept and reject."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from pydantic import ValidationError

from postmortem_writer.extract.candidates import ChunkFindings, Synthesis

CONTEXT = {"event_ids": frozenset({"E3", "E4", "E5"}), "texts": {"E4": "Error rate is 38% on checkout", "E5": "ok"}}


def entry(**changes: Any) -> dict[str, Any]:
    return {"kind": "detection", "description": "Checkout errors were reported.", "evidence": ["E4"], **changes}


@pytest.mark.parametrize(
    ("answer", "error"),
    [
        pytest.param({"timeline": [entry(evidence=["E99"])]}, "E99 not among the event ids", id="dangling-id"),
        pytest.param({"timeline": [entry(evidence=[])]}, "at least 1 item", id="no-evidence"),
        pytest.param({"timeline": [entry(evidence=["line 4"])]}, "must be event ids", id="not-an-id"),
        pytest.param({"timeline": [entry(time="09:14")]}, "do not write times", id="model-wrote-a-time"),
        pytest.param({"timeline": [entry(timestamp="2025-03-04T09:14:00Z")]}, "do not write times", id="timestamp"),
        pytest.param({"timeline": [entry(kind="panic")]}, "kind", id="unknown-kind"),
        pytest.param({"timeline": [entry(blame="Sam")]}, "Extra inputs", id="extra-field"),
        pytest.param({"summary": []}, "summary", id="no-findings-key"),
        pytest.param(
            {"impact": [{"metric": "error_rate", "value": "50%", "quote": "errors at 50%", "evidence": ["E4"]}]},
            "not in the cited events' text",
            id="misquoted-figure",
        ),
    ],
)
def test_map_answers_that_are_rejected(answer: dict[str, Any], error: str) -> None:
    with pytest.raises(ValidationError, match=error):
        ChunkFindings.model_validate(answer, context=CONTEXT)


@pytest.mark.parametrize(
    ("answer", "check"),
    [
        pytest.param(
            {"timeline": [entry(evidence=[" e4", "E3", "E4"])]}, ("timeline", ["E4", "E3"]), id="ids-normalised"
        ),
        pytest.param({}, ("timeline", None), id="empty-is-fine"),
        pytest.param(
            {"impact": [{"metric": "error_rate", "value": "38%", "quote": "error  RATE is 38%", "evidence": ["E4"]}]},
            ("impact", None),
            id="quote-case-and-space-insensitive",
        ),
    ],
)
def test_map_answers_that_are_accepted(answer: dict[str, Any], check: tuple[str, list[str] | None]) -> None:
    findings = ChunkFindings.model_validate(answer, context=CONTEXT)
    field, evidence = check
    if evidence is not None:
        assert getattr(findings, field)[0].evidence == evidence


def test_without_context_ids_are_only_checked_for_shape() -> None:
    findings = ChunkFindings.model_validate({"timeline": [entry(evidence=["E999"])]})
    assert findings.timeline[0].evidence == ["E999"]


def test_synthesis_needs_a_summary_and_grounded_statements() -> None:
    with pytest.raises(ValidationError, match="summary"):
        Synthesis.model_validate({"went_well": []}, context=CONTEXT)
    with pytest.raises(ValidationError, match="E7 not among"):
        Synthesis.model_validate({"summary": [{"text": "It broke.", "evidence": ["E7"]}]}, context=CONTEXT)
    ok = Synthesis.model_validate(
        {"summary": [{"text": "It broke.", "evidence": ["E3"]}], "open_questions": [{"question": "Why now?"}]},
        context=CONTEXT,
    )
    assert ok.open_questions[0].evidence == []


TIMED = {
    **CONTEXT,
    "moments": {i: datetime(2025, 3, 4, 9, minute, tzinfo=UTC) for i, minute in (("E3", 12), ("E4", 14), ("E5", 20))},
    "texts": {**CONTEXT["texts"], "E5": "back at 9:18"},
}


@pytest.mark.parametrize(
    ("answer", "error"),
    [
        pytest.param(
            {"timeline": [entry(description="At 03:00 the database was dropped.")]}, "03:00", id="foreign-time"
        ),
        pytest.param({"timeline": [entry(description="Errors at 09:20.")]}, "09:20", id="another-events-time"),
        pytest.param({"questions": [{"question": "What happened at 03:00?"}]}, "03:00", id="uncited-question-time"),
        pytest.param(
            {"factors": [{"title": "Cron at 3:00", "description": "x", "evidence": ["E4"]}]}, "03:00", id="title"
        ),
        pytest.param(
            {"impact": [{"metric": "error_rate", "value": "50%", "quote": "rate is 38%", "evidence": ["E4"]}]},
            "not stated in the quote",
            id="value-not-in-quote",
        ),
        pytest.param(
            {"impact": [{"metric": "users", "value": "all users", "quote": "rate is 38%", "evidence": ["E4"]}]},
            "not stated in the quote",
            id="wordy-value-not-in-quote",
        ),
    ],
)
def test_times_and_figures_the_model_wrote_are_rejected(answer: dict[str, Any], error: str) -> None:
    with pytest.raises(ValidationError, match=error):
        ChunkFindings.model_validate(answer, context=TIMED)


@pytest.mark.parametrize(
    "answer",
    [
        pytest.param({"timeline": [entry(description="Errors were reported at 09:14.")]}, id="the-cited-minute"),
        pytest.param({"timeline": [entry(description="Back at 09:18.", evidence=["E5"])]}, id="a-time-in-its-words"),
        pytest.param({"timeline": [entry(description="Errors from 9:12 to 9:14.", evidence=["E3", "E4"])]}, id="both"),
        pytest.param({"timeline": [entry(description="p99 rose 2.5x.")]}, id="no-time"),
        pytest.param(
            {"impact": [{"metric": "error_rate", "value": "38 %", "quote": "rate is 38%", "evidence": ["E4"]}]},
            id="value-as-quoted",
        ),
    ],
)
def test_times_the_cited_events_show_are_accepted(answer: dict[str, Any]) -> None:
    findings = ChunkFindings.model_validate(answer, context=TIMED)
    assert len(findings.timeline) + len(findings.impact) == 1
