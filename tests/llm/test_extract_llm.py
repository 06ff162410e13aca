"""The LLM extractor through the pipeline, with the scripted fake backend (plumbing, not quality)."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

from postmortem_writer.chunking import split_chunk
from postmortem_writer.errors import EndpointError, ModelOutputError, OutputCutOff, ScriptExhausted
from postmortem_writer.events import EventStream
from postmortem_writer.extract.llm import Budget, chat_chunks
from postmortem_writer.llm.backend import Request
from postmortem_writer.llm.calls import Caller
from postmortem_writer.llm.session import Session
from postmortem_writer.models import Draft, TimelineKind
from postmortem_writer.pipeline import Ingested, draft_from, ingest
from postmortem_writer.redact import Privacy, redact_stream
from postmortem_writer.render import render_markdown
from postmortem_writer.sources import SourceOptions
from postmortem_writer.testing.fake import FunctionBackend, ScriptedBackend, ScriptItem

ROLLBACK_DECISION = "E25"  # "Decision: roll back checkout to Argo CD history 40" in chat
SUMMARY = {"summary": [{"text": "Checkout latency rose after a cache pool change.", "evidence": ["E24"]}]}


@pytest.fixture(scope="module")
def ingested(sample_incident_path: Path) -> Ingested:
    return ingest([sample_incident_path], SourceOptions())


@pytest.fixture(scope="module")
def sample_incident_path() -> Path:
    return Path(__file__).resolve().parents[2] / "fixtures" / "incidents" / "inc-2025-0304" / "sources"


def run(ingested: Ingested, script: list[ScriptItem], context_tokens: int = 8192) -> tuple[Draft, ScriptedBackend]:
    backend = ScriptedBackend(script)
    session = Session(Caller(backend), context_tokens=context_tokens, concurrency=2, endpoint=None, call_log=None)
    return draft_from(ingested, llm=session), backend


def decision() -> dict[str, Any]:
    entry = {
        "kind": "decision",
        "description": "The team chose to roll back checkout.",
        "evidence": [ROLLBACK_DECISION],
    }
    return {"timeline": [entry]}


def test_model_entries_are_grounded_and_structured_events_need_no_call(ingested: Ingested) -> None:
    draft, backend = run(ingested, [decision(), SUMMARY])
    assert len(backend.requests) == 2
    assert backend.remaining == 0
    entry = next(e for e in draft.timeline if e.kind is TimelineKind.DECISION)
    assert entry.time == ingested.stream[ROLLBACK_DECISION].ts
    assert entry.evidence == [ROLLBACK_DECISION]
    # Pages and deploys reach the timeline without the model having mentioned them.
    page = next(e for e in ingested.stream if e.signal is not None and e.signal.value == "page.triggered")
    assert any(page.id in e.evidence for e in draft.timeline)
    assert [s.text for s in draft.summary] == ["Checkout latency rose after a cache pool change."]
    assert draft.provenance.extractor == "llm"
    assert draft.provenance.calls == 2
    assert set(draft.provenance.prompt_versions) == {"extract-chunk", "synthesize"}
    assert not draft.gaps
    # Only chat is sent to the model: the deploy and page lines are not in the map request.
    user = backend.requests[0].messages[1]["content"]
    assert "\nE25 09:" in user
    assert "\nE7 " not in user
    assert "\nE5 " not in user


def test_a_time_or_dangling_id_is_reasked_and_never_reaches_the_draft(ingested: Ingested) -> None:
    bad_time = decision()
    bad_time["timeline"][0]["time"] = "2025-03-04T08:00:00Z"
    dangling = decision()
    dangling["timeline"][0]["evidence"] = ["E7"]  # a page: real, but not in the chunk the model saw
    draft, backend = run(ingested, [bad_time, dangling, decision(), SUMMARY])
    assert backend.remaining == 0
    times = {e.time for e in draft.timeline}
    assert ingested.stream[ROLLBACK_DECISION].ts in times


def test_a_failed_chunk_becomes_a_gap_and_keeps_the_rules_entries(ingested: Ingested) -> None:
    draft, _ = run(ingested, [ModelOutputError("output still invalid after 3 attempts"), SUMMARY])
    assert len(draft.gaps) == 1
    gap = draft.gaps[0]
    chunk = chat_chunks(sent(ingested), Budget.for_context(8192))[0]
    assert (gap.first, gap.last, gap.events) == (chunk.event_ids[0], chunk.event_ids[-1], len(chunk.event_ids))
    chat_rows = [e for e in draft.timeline if all(ingested.stream[i].kind.value == "chat" for i in e.evidence)]
    assert chat_rows, "the rules extractor's chat entries stand in for the failed chunk"
    markdown = render_markdown(draft, event_count=len(ingested.stream))
    assert f"({gap.events} events) could not be analysed: output still invalid" in markdown
    assert f'<a id="ev-{gap.first.lower()}">' in markdown  # the gap's ends are in the evidence index


def test_a_failed_synthesis_falls_back_to_the_rules_sections(ingested: Ingested) -> None:
    draft, _ = run(ingested, [decision(), ModelOutputError("cut off")])
    rules = draft_from(ingested)
    assert draft.summary == rules.summary
    assert draft.contributing_factors == rules.contributing_factors
    assert [g.reason for g in draft.gaps] == ["the analysis call failed: cut off"]


def test_an_endpoint_that_refuses_us_stops_the_run(ingested: Ingested) -> None:
    with pytest.raises(EndpointError, match="401"):
        run(ingested, [EndpointError("api.example refused the request: HTTP 401")])


def test_an_exhausted_script_fails_loudly_not_as_a_gap(ingested: Ingested) -> None:
    with pytest.raises(ScriptExhausted, match="no answer left"):
        run(ingested, [decision()])


def sent(ingested: Ingested) -> EventStream:
    """The stream as the model reads it: redacted, as the LLM path always is by default."""
    return redact_stream(ingested.stream, Privacy())[0]


def test_many_chunks_each_get_one_call(ingested: Ingested) -> None:
    chunks = chat_chunks(sent(ingested), Budget.for_context(2048))
    assert len(chunks) > 3
    draft, backend = run(ingested, [{}] * len(chunks) + [SUMMARY], context_tokens=2048)
    assert backend.remaining == 0
    assert draft.provenance.calls == len(chunks) + 1
    labels = sorted(r.label for r in backend.requests)
    assert labels == sorted([f"map {c.id}" for c in chunks] + ["synthesis"])


def last_event_of_each_chunk(request: Request[Any]) -> ScriptItem:
    """Each map call cites the last event it was shown; the synthesis gives the one summary."""
    if not request.label.startswith("map "):
        return SUMMARY
    last = max(request.context["event_ids"], key=lambda i: int(i[1:]))
    return {"timeline": [{"kind": "other", "description": f"Chunk ending at {last}.", "evidence": [last]}]}


def test_a_function_backend_answers_each_chunk_from_its_request(ingested: Ingested) -> None:
    chunks = chat_chunks(sent(ingested), Budget.for_context(2048))
    backend = FunctionBackend(last_event_of_each_chunk)
    session = Session(Caller(backend), context_tokens=2048, concurrency=2, endpoint=None, call_log=None)
    draft = draft_from(ingested, llm=session)
    assert len(backend.requests) == len(chunks) + 1
    described = {e.description: e.evidence for e in draft.timeline if e.description.startswith("Chunk ending")}
    assert described == {f"Chunk ending at {c.event_ids[-1]}.": [c.event_ids[-1]] for c in chunks}


@pytest.mark.parametrize(("context", "answer"), [(2048, 512), (4096, 1024), (128_000, 4096)])
def test_every_call_asks_for_no_more_than_the_answer_room_the_budget_reserves(
    ingested: Ingested, context: int, answer: int
) -> None:
    backend = FunctionBackend(last_event_of_each_chunk)
    session = Session(Caller(backend), context_tokens=context, concurrency=2, endpoint=None, call_log=None)
    draft_from(ingested, llm=session)
    assert Budget.for_context(context).answer == answer
    assert {request.max_tokens for request in backend.requests} == {answer}


def test_a_function_backend_validates_and_reasks_like_the_fake(ingested: Ingested) -> None:
    # Citing an event no chunk was shown is rejected by validation and asked again, then gives up.
    dangling = decision()
    dangling["timeline"][0]["evidence"] = ["E7"]  # a page: real, but not in the chunk the model saw
    backend = FunctionBackend(lambda request: dangling if request.label.startswith("map ") else SUMMARY)
    session = Session(Caller(backend), context_tokens=8192, concurrency=1, endpoint=None, call_log=None)
    draft = draft_from(ingested, llm=session)
    map_calls = [r for r in backend.requests if r.label.startswith("map ")]
    assert len(map_calls) == 3  # the first ask and two re-asks
    assert [g.reason.split(":")[0] for g in draft.gaps] == ["output still invalid after 2 re-asks"]
    assert "E7 not among the event ids" in draft.gaps[0].reason


def test_duplicates_across_answers_merge_into_one_entry(ingested: Ingested) -> None:
    twice = decision()
    twice["timeline"].append(
        {"kind": "decision", "description": "Rollback was decided.", "evidence": [ROLLBACK_DECISION, "E27"]}
    )
    draft, _ = run(ingested, [twice, SUMMARY])
    decisions = [e for e in draft.timeline if e.kind is TimelineKind.DECISION]
    assert len(decisions) == 1
    assert decisions[0].evidence == [ROLLBACK_DECISION, "E27"]


def test_blaming_wording_from_the_model_is_reworded_and_the_original_logged(ingested: Ingested) -> None:
    # 09:23 is E24's minute: a time the cited event does not show would be re-asked before any lint.
    blaming = "The on-call engineer should have noticed the alert at 09:23."
    rewrite = {"text": "The alert at 09:23 was not noticed.", "categories_addressed": []}
    backend = ScriptedBackend([decision(), {"summary": [{"text": blaming, "evidence": ["E24"]}]}, rewrite])
    log = io.StringIO()
    session = Session(Caller(backend, log=log), context_tokens=8192, concurrency=2, endpoint=None, call_log=None)
    draft = draft_from(ingested, llm=session)
    assert [s.text for s in draft.summary] == [rewrite["text"]]
    assert draft.summary[0].evidence == ["E24"]
    assert not [f for f in draft.blame_findings if f.path.startswith("summary")]
    notes = [json.loads(line) for line in log.getvalue().splitlines() if "reworded" in line]
    assert [(n["reworded"], n["original"], n["rewrite"]) for n in notes] == [("summary[0]", blaming, rewrite["text"])]
    assert draft.provenance.calls == 3, "the map, the synthesis and the rewording call"


def test_an_answer_cut_off_at_the_token_limit_is_asked_again_in_halves(ingested: Ingested) -> None:
    chunk = chat_chunks(sent(ingested), Budget.for_context(8192))[0]
    halves = split_chunk(chunk)
    draft, backend = run(ingested, [OutputCutOff("cut off"), decision(), {}, SUMMARY])
    assert not draft.gaps
    assert [r.label for r in backend.requests] == [f"map {chunk.id}", *(f"map {h.id}" for h in halves), "synthesis"]
    assert any(e.evidence == [ROLLBACK_DECISION] for e in draft.timeline)


def test_a_chunk_still_cut_off_after_the_splits_becomes_a_gap(ingested: Ingested) -> None:
    chunk = chat_chunks(sent(ingested), Budget.for_context(8192))[0]
    draft, backend = run(ingested, [OutputCutOff("cut off")] * 3 + [SUMMARY])
    # The whole chunk, its first half, that half's first half: the last split is not split again.
    assert len(backend.requests) == 4
    assert backend.remaining == 0
    assert [(g.first, g.last) for g in draft.gaps] == [(chunk.event_ids[0], chunk.event_ids[-1])]
