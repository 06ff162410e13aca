"""The answer schemas as sent: lean (only what a grammar enforces), and per chunk where decoding is
constrained to them, with the chunk's own ids as the only evidence a grammar lets through."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from pydantic import BaseModel, ValidationError

from postmortem_writer.extract.candidates import MAX_CITED, ChunkFindings, Synthesis, grounded
from postmortem_writer.extract.llm import (
    MAP_PROMPT,
    PROMPT_OVERHEAD,
    SYNTHESIS_OVERHEAD,
    SYNTHESIS_PROMPT,
    Budget,
    chat_chunks,
)
from postmortem_writer.llm.backend import Request
from postmortem_writer.llm.calls import Caller
from postmortem_writer.llm.prompts import DATA_CLOSE, DATA_OPEN, data_block, load_prompt
from postmortem_writer.llm.session import Session, open_session
from postmortem_writer.llm.settings import LLMSettings, Mode
from postmortem_writer.models import Draft, SourceKind, TimelineKind
from postmortem_writer.pipeline import Ingested, draft_from, ingest
from postmortem_writer.redact import Privacy, redact_stream
from postmortem_writer.sources import SourceOptions
from postmortem_writer.testing.fake import FunctionBackend, ScriptItem
from postmortem_writer.testing.loopback import LoopbackServer, citing_responder, sent_tokens

INCIDENT = Path(__file__).resolve().parents[2] / "fixtures" / "incidents" / "inc-2025-0304" / "sources"
SUMMARY = {"summary": [{"text": "Checkout latency rose.", "evidence": ["E24"]}]}
NOTES = ("title", "description", "default")


@pytest.fixture(scope="module")
def ingested() -> Ingested:
    return ingest([INCIDENT], SourceOptions())


def notes_in(node: Any, path: str = "") -> Iterator[str]:
    """Where a schema node (not a field or definition name) carries a title, description or default."""
    if isinstance(node, list):
        for index, item in enumerate(node):
            yield from notes_in(item, f"{path}[{index}]")
    elif isinstance(node, dict):
        yield from (f"{path}.{key}" for key in NOTES if key in node)
        for key, value in node.items():
            children = value.items() if key in ("properties", "$defs") else [("", value)]
            for name, child in children:
                yield from notes_in(child, f"{path}.{key}{'.' + name if name else ''}")


@pytest.mark.parametrize(
    "model",
    [
        pytest.param(ChunkFindings, id="map"),
        pytest.param(grounded(ChunkFindings, ("E3", "E4")), id="map-grounded"),
        pytest.param(Synthesis, id="synthesis"),
    ],
)
def test_the_schema_sent_has_no_titles_descriptions_or_defaults(model: type[BaseModel]) -> None:
    schema = model.model_json_schema()
    top = schema.pop("title")
    assert top == model.__name__, "the top title names the tool or format"
    assert list(notes_in(schema)) == []
    # Field names that happen to be note words are fields, and stay.
    assert "description" in schema["$defs"]["ActionCandidate"]["properties"]


def evidence_ids(schema: dict[str, Any], definition: str) -> list[str]:
    """The ids a grammar lets ``definition``'s evidence hold, following its references."""
    evidence = schema["$defs"][definition]["properties"]["evidence"]
    if "$ref" in evidence:
        evidence = schema["$defs"][evidence["$ref"].rsplit("/", 1)[1]]
    assert evidence["maxItems"] == MAX_CITED
    items = evidence["items"]
    return list(schema["$defs"][items["$ref"].rsplit("/", 1)[1]]["enum"])


def map_requests(ingested: Ingested, context_tokens: int, answer: Any = None) -> list[Request[Any]]:
    """The map requests of one LLM draft (each answered by ``answer``, else with an empty finding)."""

    def respond(request: Request[Any]) -> ScriptItem:
        if not request.label.startswith("map "):
            return SUMMARY
        return answer(request) if answer is not None else {}

    backend = FunctionBackend(respond)
    session = Session(Caller(backend), context_tokens=context_tokens, concurrency=2, endpoint=None, call_log=None)
    draft_from(ingested, llm=session)
    return [request for request in backend.requests if request.label.startswith("map ")]


@pytest.mark.parametrize(
    ("context_tokens", "chunk"),
    [
        pytest.param(8192, 0, id="one-chunk-with-pages-and-deploys-between"),
        pytest.param(2048, 0, id="first-of-many"),
        pytest.param(2048, -1, id="last-of-many"),
    ],
)
def test_each_chunk_schema_lets_evidence_cite_only_that_chunks_ids(
    ingested: Ingested, context_tokens: int, chunk: int
) -> None:
    stream = redact_stream(ingested.stream, Privacy())[0]
    chunks = chat_chunks(stream, Budget.for_context(context_tokens))
    expected = chunks[chunk]
    requests = {request.label: request for request in map_requests(ingested, context_tokens)}
    request = requests[f"map {expected.id}"]
    assert request.grammar is not None
    schema = request.grammar.model_json_schema()
    for definition in ("TimelineCandidate", "FactorCandidate", "ActionCandidate", "ImpactClue", "QuestionCandidate"):
        assert evidence_ids(schema, definition) == expected.event_ids, definition
    assert schema["$defs"]["TimelineKind"]["enum"][0] == "trigger", "kinds are an enum too"
    # A real event of the incident, just not of this chunk: the enum helps the decoder, the
    # validator still decides.
    outside = next(event.id for event in stream if event.id not in expected.event_ids)
    answer = {"timeline": [{"kind": "detection", "description": "Errors were reported.", "evidence": [outside]}]}
    for model in (request.grammar, request.response_model):
        with pytest.raises(ValidationError, match=f"{outside} not among the event ids"):
            model.model_validate(answer, context=request.context)


def test_an_answer_citing_outside_the_chunk_is_still_rejected_in_a_run(ingested: Ingested) -> None:
    page = next(event.id for event in ingested.stream if event.kind is not SourceKind.CHAT)

    def cite_the_page(request: Request[Any]) -> ScriptItem:
        return {"timeline": [{"kind": "detection", "description": "A page went out.", "evidence": [page]}]}

    (request,) = map_requests(ingested, 8192)
    attempts = [r for r in map_requests(ingested, 8192, cite_the_page) if r.label == request.label]
    assert len(attempts) == 3, "rejected, and re-asked twice"


def test_the_same_chunk_gets_the_same_schema_so_the_cache_still_hits(ingested: Ingested) -> None:
    first, again = ({r.label: r for r in map_requests(ingested, 2048)} for _ in range(2))
    keys = {label: request.key("m", "json-schema") for label, request in first.items()}
    assert keys == {label: request.key("m", "json-schema") for label, request in again.items()}
    assert all(first[label].grammar is again[label].grammar for label in first)
    assert len(set(keys.values())) == len(keys) > 1, "each chunk its own schema"


@pytest.mark.parametrize(
    ("mode", "sends_the_enum"),
    [
        pytest.param(Mode.JSON_SCHEMA, True, id="json-schema-constrains"),
        pytest.param(Mode.JSON_OBJECT_SCHEMA, True, id="json-object-schema-constrains"),
        pytest.param(Mode.TOOLS, False, id="tools-reads"),
        pytest.param(Mode.JSON, False, id="json-reads"),
    ],
)
def test_only_a_constrained_mode_sends_the_chunk_schema(
    ingested: Ingested, tmp_path: Path, mode: Mode, sends_the_enum: bool
) -> None:
    with LoopbackServer(responder=citing_responder()) as server:
        settings = LLMSettings(model="m", base_url=server.url, mode=mode, context_tokens=8192, max_retries=0)
        session = open_session(settings, use_cache=False, call_log=tmp_path / "calls.jsonl")
        draft = draft_from(ingested, llm=session)
        session.close()
    assert not draft.gaps
    bodies = [body for body in server.requests if "ChunkFindings" in json.dumps(body)]
    assert len(bodies) == 1
    shape = {key: value for key, value in bodies[0].items() if key != "messages"}
    assert ('"EventId"' in json.dumps(shape)) is sends_the_enum
    assert '"EventId"' not in json.dumps(bodies[0]["messages"]), "a schema in the prompt is only read"


OVERHEADS = {
    # prompt, its values but the data, the schema sent (a chunk's with no ids: ID_TOKENS are apart), budgeted
    "map": (MAP_PROMPT, {"first_id": "E1", "last_id": "E9", "count": 9}, grounded(ChunkFindings, ()), PROMPT_OVERHEAD),
    "synthesis": (
        SYNTHESIS_PROMPT, {"title": "T" * 100, "entry_count": 1000, "event_count": 100_000}, grounded(Synthesis, ()),
        SYNTHESIS_OVERHEAD,
    ),
}  # fmt: skip


@pytest.mark.parametrize(("prompt", "values", "model", "budgeted"), list(OVERHEADS.values()), ids=list(OVERHEADS))
def test_the_budgeted_overhead_covers_instructions_and_schema(
    prompt: tuple[str, str], values: dict[str, Any], model: type[BaseModel], budgeted: int
) -> None:
    messages = load_prompt(*prompt).messages(data=data_block([]), data_open=DATA_OPEN, data_close=DATA_CLOSE, **values)
    schema = {"type": "json_schema", "json_schema": {"name": model.__name__, "schema": model.model_json_schema()}}
    assert sent_tokens({"messages": messages, "response_format": schema}) <= budgeted


def long_chat(folder: Path) -> Ingested:
    """Enough chat for several chunks at every size, short and long messages mixed, each stating a figure."""
    chat = folder / "chat.txt"
    rows = [
        f"[{i // 60:02d}:{i % 60:02d}] Priya: queue lag on checkout is {i} messages and growing" + " ." * (i * 7 % 40)
        for i in range(1400)
    ]
    chat.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return ingest([chat], SourceOptions(tz=ZoneInfo("UTC"), date=date(2025, 3, 4)))


@pytest.mark.parametrize("context_tokens", [4096, 8192, 32768])
def test_every_map_request_fits_the_context_with_its_answer(tmp_path: Path, context_tokens: int) -> None:
    many = long_chat(tmp_path)
    budget = Budget.for_context(context_tokens)
    room = context_tokens - budget.answer
    with LoopbackServer(responder=citing_responder()) as server:
        settings = LLMSettings(
            model="m", base_url=server.url, mode=Mode.JSON_SCHEMA, context_tokens=context_tokens, max_retries=0
        )
        session = open_session(settings, use_cache=False, call_log=tmp_path / "calls.jsonl")
        draft_from(many, llm=session)
        session.close()
    sizes = sorted(sent_tokens(body) for body in server.requests if "ChunkFindings" in json.dumps(body))
    assert len(sizes) > 2
    assert sizes[-1] <= room
    # Filled close to the budget: every chunk but the last (the smallest) uses most of what it may.
    assert sizes[1] >= 0.85 * (budget.chunk + PROMPT_OVERHEAD), sizes


def synthesis_request(ingested: Ingested, context_tokens: int) -> tuple[Request[Any], Draft]:
    """The synthesis request of an LLM draft whose every chunk reports one moment."""

    def respond(request: Request[Any]) -> ScriptItem:
        cited = min(request.context["event_ids"], key=lambda i: int(i[1:]))
        if request.label.startswith("map "):
            return {"timeline": [{"kind": "diagnosis", "description": "Errors were looked into.", "evidence": [cited]}]}
        return {"summary": [{"text": "Checkout errors rose.", "evidence": [cited]}]}

    backend = FunctionBackend(respond)
    session = Session(Caller(backend), context_tokens=context_tokens, concurrency=2, endpoint=None, call_log=None)
    draft = draft_from(ingested, llm=session)
    return next(r for r in backend.requests if r.label == "synthesis"), draft


@pytest.mark.parametrize("context_tokens", [4096, 32768])
def test_the_synthesis_material_is_cut_to_the_context_keeping_some_of_every_part(
    tmp_path: Path, context_tokens: int
) -> None:
    request, draft = synthesis_request(long_chat(tmp_path), context_tokens)
    assert request.grammar is not None
    sent = {"messages": request.messages, "response_format": {"schema": request.grammar.model_json_schema()}}
    assert sent_tokens(sent) <= context_tokens - Budget.for_context(context_tokens).answer
    assert not draft.gaps, "the synthesis was answered"
    lines = request.messages[1]["content"].splitlines()
    headings = [line for line in lines if line.startswith(("TIMELINE", "CANDIDATE", "IMPACT", "OPEN QUESTIONS"))]
    assert headings[0].startswith(f"TIMELINE ({len(draft.timeline)} entries;")
    assert any(heading.endswith(" shown)") for heading in headings), "cut, and says so"
    # Every part keeps lines: each heading is followed by a line of its own.
    assert all(lines[lines.index(heading) + 1].strip() for heading in headings)
    # A grammar lets it cite what the material shows, and nothing the material left out.
    shown = {i for line in lines for i in re.findall(r"\bE\d+\b", line)}
    schema = request.grammar.model_json_schema()
    assert set(schema["$defs"]["EventId"]["enum"]) == shown
    assert evidence_ids(schema, "Statement") == schema["$defs"]["EventId"]["enum"]
    assert shown < request.context["event_ids"], "the validator allows more; the decoder is steered to these"


def test_a_synthesis_material_that_fits_is_sent_whole(ingested: Ingested) -> None:
    request, draft = synthesis_request(ingested, 8192)
    data = request.messages[1]["content"]
    assert " shown)" not in data
    assert all(entry.description in data for entry in draft.timeline if entry.kind is not TimelineKind.OTHER)


@pytest.mark.parametrize("mode", [Mode.JSON, Mode.MD_JSON])
def test_a_mode_that_writes_the_schema_into_the_prompt_still_fits_the_context(tmp_path: Path, mode: Mode) -> None:
    """llama-server refused such requests as over its 4,096 tokens when they were sized for json-schema."""
    context_tokens = 4096
    room = context_tokens - Budget.for_context(context_tokens, mode=mode.value).answer
    with LoopbackServer(responder=citing_responder()) as server:
        settings = LLMSettings(model="m", base_url=server.url, mode=mode, context_tokens=context_tokens, max_retries=0)
        session = open_session(settings, use_cache=False, call_log=tmp_path / "calls.jsonl")
        draft_from(long_chat(tmp_path), llm=session)
        session.close()
    sizes = [sent_tokens(body) for body in server.requests]
    assert len(sizes) > 2
    assert max(sizes) <= room, sorted(sizes)[-3:]
