"""Scoring a hand-built draft against a hand-built gold, where every count is known by construction."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from postmortem_writer.evaluation.cases import Gold
from postmortem_writer.evaluation.metrics import COUNTED, METRICS, score_draft
from postmortem_writer.events import EventStream
from postmortem_writer.models import ActionItem, Cited, ContributingFactor, Draft, Event, Provenance, SourceKind
from postmortem_writer.scoring import ratio

T0 = datetime(2024, 5, 1, 10, 0, tzinfo=UTC)

# The sources: one chat line per minute given (minute offset, text).
LINES = [
    (0, "deployed cache config v42 with the new ttl"),
    (3, "alert fired: checkout error rate above 5%"),
    (9, "root cause found: the cache ttl is zero so every request misses"),
    (14, "rolled back the cache config to v41"),
    (20, "error rate back to normal, resolving the incident"),
    (25, "we should add a canary for cache config changes"),
]


def _stream() -> EventStream:
    return EventStream(
        Event(ts=T0 + timedelta(minutes=m, seconds=20), source="chat.txt", format="chat-text", kind=SourceKind.CHAT,
              ref=f"line {i}", actor="Ana", text=text)
        for i, (m, text) in enumerate(LINES, start=1)
    )  # fmt: skip


def _entry(event: int, kind: str, description: str | None = None, *, stream: EventStream) -> dict[str, Any]:
    ev = stream[f"E{event}"]
    return {"time": ev.ts, "kind": kind, "description": description or ev.text, "evidence": [ev.id]}


def _gold(**changes: Any) -> Gold:
    data: dict[str, Any] = {
        "title": "Cache TTL zero",
        "urls": ["https://example.org/pm"],
        "timeline": [
            {"time": "2024-05-01T10:03:00Z", "event": "Checkout error rate alert fired", "kind": "detection"},
            {"time": "2024-05-01T10:09:00Z", "event": "Root cause found: cache TTL is zero", "kind": "diagnosis"},
            {"time": "2024-05-01T10:14:00Z", "event": "Cache config rolled back to v41", "kind": "mitigation"},
            {"time": "2024-05-01T10:20:00Z", "event": "Error rate back to normal", "kind": "resolution"},
        ],
        "contributing_factors": ["cache config v42 set the ttl to zero"],
        "action_items": ["add a canary for cache config changes", "page on cache hit ratio"],
    }
    data.update(changes)
    return Gold.model_validate(data)


def _draft(stream: EventStream, timeline: list[dict[str, Any]], **sections: Any) -> Draft:
    draft = Draft(title="t", timeline=timeline, provenance=Provenance(tool_version="0", extractor="test"), **sections)
    draft.evidence_index = [event for event in stream if event.id in draft.cited_ids()]
    return draft


def _value(counts: dict[str, int], metric_id: str) -> float | None:
    return ratio(counts, next(m for m in METRICS if m.id == metric_id))


def _perfect(s: EventStream) -> list[dict[str, Any]]:
    return [_entry(2, "detection", stream=s), _entry(3, "diagnosis", stream=s), _entry(4, "mitigation", stream=s),
            _entry(5, "resolution", stream=s)]  # fmt: skip


def _resolved(minute: int, event: str = "Error rate back to normal", **extra: Any) -> dict[str, Any]:
    return {"time": f"2024-05-01T10:{minute:02d}:00Z", "event": event, "kind": "resolution", **extra}


# (id, draft timeline builder, gold changes, expected metric values)
TIMELINE_CASES = [
    ("all-four-found", _perfect, {}, {"timeline_recall": 1.0, "timeline_precision": 1.0, "kind_agreement": 1.0,
                                      "exact_time": 1.0}),
    ("an-extra-entry-lowers-precision-only",
     lambda s: [_entry(1, "change", stream=s), *_perfect(s)], {},
     {"timeline_recall": 1.0, "timeline_precision": 0.8}),
    ("wrong-kind-counts-as-found-but-disagrees",
     lambda s: [_entry(2, "escalation", stream=s), *_perfect(s)[1:]], {},
     {"timeline_recall": 1.0, "kind_agreement": 0.75}),
    ("gold-six-minutes-off-is-missed",
     _perfect, {"timeline": [_resolved(26)]},
     {"timeline_recall": 0.0, "timeline_precision": 0.0, "kind_agreement": None}),
    ("approx-widens-the-tolerance",
     _perfect, {"timeline": [_resolved(26, approx=True)]},
     {"timeline_recall": 1.0, "exact_time": 0.0}),
    ("right-time-wrong-text-is-missed",
     lambda s: [_entry(2, "detection", "something unrelated happened", stream=s)],
     {"timeline": [{"time": "2024-05-01T10:03:00Z", "event": "Database failover completed", "kind": "detection"}]},
     {"timeline_recall": 0.0}),
    ("one-draft-entry-matches-one-gold-entry",
     lambda s: [_entry(5, "resolution", stream=s)],
     {"timeline": [_resolved(20), _resolved(21, "Error rate back to normal, resolving")]},
     {"timeline_recall": 0.5, "timeline_precision": 1.0}),
]  # fmt: skip


@pytest.mark.parametrize(
    ("build", "gold", "expected"), [c[1:] for c in TIMELINE_CASES], ids=[c[0] for c in TIMELINE_CASES]
)
def test_timeline_metrics(build: Any, gold: dict[str, Any], expected: dict[str, float | None]) -> None:
    stream = _stream()
    counts = score_draft(_draft(stream, build(stream)), stream, _gold(**gold)).counts
    assert {key: _value(counts, key) for key in expected} == expected


def test_factor_and_action_recall_and_precision() -> None:
    stream = _stream()
    draft = _draft(
        stream,
        _perfect(stream),
        contributing_factors=[
            ContributingFactor(title="Change shortly before detection: cache config v42", description="deployed",
                               category="change", evidence=["E1"]),
            ContributingFactor(title="Unrelated deploy of the docs site", description="", category="change",
                               evidence=["E2"]),
        ],
        action_items=[ActionItem(description="add a canary for cache config changes", evidence=["E6"])],
    )  # fmt: skip
    scored = score_draft(draft, stream, _gold())
    assert _value(scored.counts, "factor_recall") == 1.0
    assert _value(scored.counts, "factor_precision") == 0.5
    assert _value(scored.counts, "action_item_recall") == 0.5
    assert scored.missed["action_items"] == ["page on cache hit ratio"]


def test_a_citation_of_an_unknown_or_altered_event_is_invalid() -> None:
    stream = _stream()
    draft = _draft(stream, _perfect(stream))
    assert _value(score_draft(draft, stream, _gold()).counts, "citation_validity") == 1.0
    draft.summary = [Cited(text="made up", evidence=["E99"])]
    draft.evidence_index[0] = draft.evidence_index[0].model_copy(update={"text": "edited after the fact"})
    counts = score_draft(draft, stream, _gold()).counts
    assert (counts["valid_citations"], counts["citations"]) == (3, 5)


def test_unsupported_claims_cite_nothing_or_something_that_does_not_say_it() -> None:
    stream = _stream()
    draft = _draft(
        stream,
        _perfect(stream),
        summary=[
            Cited(text="The cache ttl was zero so every request missed", evidence=["E3"]),  # supported
            Cited(text="A database failover in eu-west-2 caused the outage", evidence=["E3"]),  # not what E3 says
            Cited(text="TODO(author): who was affected?", evidence=[]),  # a question, not a claim
        ],
        action_items=[ActionItem(description="Buy bigger servers", evidence=[])],  # a claim nobody made
    )
    scored = score_draft(draft, stream, _gold())
    assert (scored.counts["unsupported_claims"], scored.counts["claims"]) == (2, 4 + 2 + 1)
    assert set(scored.missed["unsupported_claims"]) == {
        "A database failover in eu-west-2 caused the outage",
        "Buy bigger servers",
    }


def test_section_completeness_counts_only_cited_statements() -> None:
    stream = _stream()
    empty = score_draft(_draft(stream, []), stream, _gold()).counts
    assert (empty["sections_filled"], empty["sections"]) == (0, len(COUNTED))
    filled = _draft(
        stream,
        _perfect(stream),
        summary=[Cited(text="x", evidence=["E2"])],
        lessons=[Cited(text="TODO(author): lessons", evidence=[])],
    )
    assert score_draft(filled, stream, _gold()).counts["sections_filled"] == 2  # timeline and summary
