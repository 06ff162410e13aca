"""The LLM extractor: map chunks of chat to grounded candidates, merge them, then synthesise.

Structured events (alerts, pages, deploys) reach the timeline through the rules extractor without
a model call; the model reads what people wrote. A chunk whose call fails for good becomes a
``Gap`` and its events keep the rules extractor's entries, so a flaky endpoint costs coverage, not
the run. Only ``EndpointError`` (a key or URL that can never work) stops the run. A run in which
every call failed says so: its provenance names the rules extractor and why (``fallback``).
"""

from __future__ import annotations

import functools
import json
import math
import re
from collections.abc import Iterable
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from datetime import timedelta
from difflib import SequenceMatcher
from typing import Any, Protocol

from postmortem_writer.chunking import Chunk, chunk_events, estimate_tokens, split_chunk
from postmortem_writer.errors import ModelError, OutputCutOff
from postmortem_writer.events import EventStream
from postmortem_writer.extract.candidates import (
    ActionCandidate,
    ChunkFindings,
    QuestionCandidate,
    Statement,
    Synthesis,
    SynthesisFactor,
    grounded,
)
from postmortem_writer.extract.digest import timeline_rank
from postmortem_writer.extract.grounding import grounded_entry
from postmortem_writer.extract.rules import extract_rules
from postmortem_writer.injection import addresses_the_tool
from postmortem_writer.llm.backend import MAX_ANSWER_TOKENS, Request
from postmortem_writer.llm.calls import Caller
from postmortem_writer.llm.prompts import DATA_CLOSE, DATA_OPEN, data_block, load_prompt
from postmortem_writer.models import (
    ActionItem,
    Cited,
    ContributingFactor,
    Draft,
    Gap,
    ImpactFigure,
    Provenance,
    SourceKind,
    TimelineEntry,
    event_number,
)
from postmortem_writer.sections import SECTIONS, Merge

MAP_PROMPT = ("extract-chunk", "v2")
SYNTHESIS_PROMPT = ("synthesize", "v2")
MAX_CHUNK_TOKENS = 16_000
"""Past this, one failed call costs too much of the incident."""
PROMPT_OVERHEAD = 1150
"""Estimated tokens of the map prompt's instructions and answer schema around each chunk (a test checks it)."""
ID_TOKENS = 4
SYNTHESIS_OVERHEAD = 1250
"""Estimated tokens of the synthesis prompt's instructions and answer schema (a test checks it)."""
"""Estimated tokens each event of a chunk adds to its schema's list of citable ids (``"E12345", ``)."""
DUPLICATE_WINDOW = timedelta(minutes=2)
SPLITS_ON_CUT_OFF = 2
"""How many times a chunk whose answer was cut off is halved before it becomes a gap."""
ANALYSIS_GAP = "the analysis call failed"
"""How the reason of the one gap that is not a chunk's begins: the synthesis call failed."""
_FINDINGS = tuple(ChunkFindings.model_fields)
_CITED = re.compile(r"\bE[1-9][0-9]*\b")


class Progress(Protocol):
    """Told how many calls a run will make, then of each one finished."""

    def start(self, total: int) -> None: ...

    def advance(self) -> None: ...


class _Cites(Protocol):
    evidence: list[str]


SCHEMA_IN_PROMPT = frozenset({"json", "md-json"})
"""Modes in which instructor writes the answer schema into the system message (indented JSON).

In the constrained modes the server turns it into a grammar; on llama-server a json-mode request
sized as if the schema took no room was refused as over the 4,096-token context (live layer)."""


@functools.cache
def _schema_tokens() -> tuple[int, int]:
    """Tokens of the map and synthesis answer schemas as instructor writes them into a prompt."""

    def written(model: type[ChunkFindings | Synthesis]) -> int:
        # Indented JSON is denser in tokens than prose (runs of spaces, quotes, braces): the chat
        # estimate's 3 characters a token undercounted it on llama-server by a few hundred.
        return math.ceil(len(json.dumps(model.model_json_schema(), indent=2, ensure_ascii=False)) / 2.5)

    return written(ChunkFindings), written(Synthesis)


@dataclass(frozen=True)
class Budget:
    """Token budget of one map call, derived from the model's context window."""

    chunk: int
    overlap: int
    answer: int = MAX_ANSWER_TOKENS  # sent as max_tokens: the room left for the answer
    per_event: int = 0  # counted in ``chunk`` for each event besides its line: its id in the schema
    material: int | None = None  # the most the synthesis call's data block may hold; None: no limit

    @classmethod
    def for_context(cls, context_tokens: int, *, mode: str = "") -> Budget:
        """Room for the chunk after the prompt overhead and a reserve for the answer.

        In a ``mode`` that writes the answer schema into the prompt (``SCHEMA_IN_PROMPT``), the
        schema, indented as instructor writes it, is room the chunk cannot have.
        """
        reserve = min(4096, context_tokens // 4)
        schema = _schema_tokens() if mode in SCHEMA_IN_PROMPT else (0, 0)
        chunk = max(256, min(MAX_CHUNK_TOKENS, context_tokens - reserve - PROMPT_OVERHEAD - schema[0]))
        material = max(256, context_tokens - reserve - SYNTHESIS_OVERHEAD - schema[1])
        return cls(chunk=chunk, overlap=chunk // 40, answer=reserve, per_event=ID_TOKENS, material=material)


def chat_chunks(stream: EventStream, budget: Budget) -> list[Chunk]:
    """The events the model reads (everything but structured alerts, pages and deploys), chunked.

    Messages that address the drafting tool (``injection``) are not sent at all: the model cannot
    obey what it never reads, and their ids, absent from every chunk, cannot be cited.
    """
    prose = [event for event in stream if event.kind is SourceKind.CHAT and not addresses_the_tool(event)]
    return chunk_events(prose, budget=budget.chunk, overlap=budget.overlap, per_event=budget.per_event)


def extract_llm(
    stream: EventStream,
    *,
    caller: Caller,
    budget: Budget,
    provenance: Provenance,
    concurrency: int = 4,
    title: str | None = None,
    progress: Progress | None = None,
) -> Draft:
    """A grounded draft: rules for structured events, the model for chat and the analysis.

    ``evidence_index`` is left empty for the caller to fill with the cited events.
    """
    chunks = chat_chunks(stream, budget)
    if progress is not None:
        progress.start(len(chunks) + 1)
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        futures = _start_map(pool, stream, chunks, caller, budget.answer)
        # The rules run while the calls are in flight: they are CPU, the calls are waiting.
        try:
            rules = extract_rules(stream, title=title, provenance=provenance)
        finally:
            findings, gaps = _collect(futures, progress)
    failed = {event_id for chunk in chunks if chunk.id not in findings for event_id in chunk.event_ids}
    timeline = _merge_timeline(stream, rules.timeline, findings.values(), failed)
    figures = _figures(rules.impact.figures, findings.values())
    draft = rules.model_copy(
        update={"timeline": timeline, "impact": rules.impact.model_copy(update={"figures": figures})}
    )
    try:
        synthesis = _synthesise(draft, findings.values(), caller, stream, budget)
    except ModelError as exc:
        if not findings:
            # Not one model answer made it into the draft: it must not claim to be the model's.
            fallback = (
                f"all {len(chunks)} chunk call(s) and the analysis call failed; "
                f"the first: {gaps[0].reason if gaps else exc}"
            )
            draft.provenance = draft.provenance.model_copy(update={"extractor": "rules", "fallback": fallback})
        gaps.append(
            Gap(
                first=stream.events[0].id,
                last=stream.events[-1].id,
                events=len(stream),
                reason=f"{ANALYSIS_GAP}: {exc}",
                fallback="Summary, factors, action items and questions come from the rules extractor",
            )
        )
    else:
        draft = _with_synthesis(draft, synthesis)
    if progress is not None:
        progress.advance()
    return draft.model_copy(update={"gaps": gaps})


def _start_map(
    pool: ThreadPoolExecutor, stream: EventStream, chunks: list[Chunk], caller: Caller, answer: int
) -> dict[Future[ChunkFindings], Chunk]:
    """One map call per chunk, submitted to ``pool``."""
    return {pool.submit(_analyse, chunk, stream, caller, SPLITS_ON_CUT_OFF, answer): chunk for chunk in chunks}


def _analyse(chunk: Chunk, stream: EventStream, caller: Caller, splits: int, answer: int) -> ChunkFindings:
    """The findings of one chunk; an answer cut off at the token limit is asked again in halves.

    A chunk with more to say than the model may write is not a model fault: halving it keeps the
    events analysed instead of turning them into a gap.
    """
    prompt = load_prompt(*MAP_PROMPT)
    # Only ids of real events: the chunk's ids are read back from its lines, and a line is text.
    known = [i for i in chunk.event_ids if i in stream]
    request = Request(
        prompt=prompt.ref,
        messages=prompt.messages(
            data=data_block(chunk.lines),
            data_open=DATA_OPEN,
            data_close=DATA_CLOSE,
            first_id=chunk.event_ids[0],
            last_id=chunk.event_ids[-1],
            count=len(chunk.event_ids),
        ),
        response_model=ChunkFindings,
        # A chunk's rows are independent findings: one bad row costs that row. The synthesis is
        # one story, and a statement only an obeyed injection explains taints all of it: no salvage.
        salvage=True,
        grammar=grounded(ChunkFindings, tuple(known)),
        context=_evidence_context(stream, known),
        label=f"map {chunk.id}",
        max_tokens=answer,
    )
    try:
        return caller.call(request).value
    except OutputCutOff:
        if splits == 0 or len(chunk.event_ids) < 2:
            raise
    halves = [_analyse(half, stream, caller, splits - 1, answer) for half in split_chunk(chunk)]
    return ChunkFindings(**{name: [item for half in halves for item in getattr(half, name)] for name in _FINDINGS})


def _evidence_context(stream: EventStream, ids: Iterable[str]) -> dict[str, object]:
    """What validation checks an answer against: the ids it may cite, their words and their times."""
    known = sorted(set(ids), key=event_number)
    return {
        "event_ids": frozenset(known),
        "texts": {i: stream[i].text for i in known},
        "moments": {i: stream[i].ts for i in known},
    }


def _collect(
    futures: dict[Future[ChunkFindings], Chunk], progress: Progress | None
) -> tuple[dict[str, ChunkFindings], list[Gap]]:
    """Each chunk's findings, or a gap for a chunk whose call failed for good."""
    findings: dict[str, ChunkFindings] = {}
    gaps: list[Gap] = []
    try:
        for future in as_completed(futures):
            chunk = futures[future]
            try:
                findings[chunk.id] = future.result()
            except ModelError as exc:
                gaps.append(
                    Gap(
                        first=chunk.event_ids[0],
                        last=chunk.event_ids[-1],
                        events=len(chunk.event_ids),
                        reason=str(exc),
                        fallback="Timeline entries for these events come from the rules extractor",
                    )
                )
            if progress is not None:
                progress.advance()
    except BaseException:
        # An endpoint that refuses us outright fails every call alike: stop, don't send the rest.
        for pending in futures:
            pending.cancel()
        raise
    gaps.sort(key=lambda gap: event_number(gap.first))
    return findings, gaps


def _merge_timeline(
    stream: EventStream, rule_entries: list[TimelineEntry], findings: Iterable[ChunkFindings], failed: set[str]
) -> list[TimelineEntry]:
    """Structured entries and model entries, de-duplicated; rules entries stand in for failed chunks."""
    rows = [
        entry
        for entry in rule_entries
        if any(stream[i].kind is not SourceKind.CHAT for i in entry.evidence) or set(entry.evidence) & failed
    ]
    for found in findings:
        for candidate in found.timeline:
            entry = grounded_entry(candidate.kind, candidate.description, candidate.evidence, stream)
            twin = next((index for index, row in enumerate(rows) if _same_moment(row, entry)), None)
            if twin is None:
                rows.append(entry)
                continue
            # The first wording stays: a structured event's is exact ("Alert fired: …"), not a paraphrase.
            evidence = sorted(set(rows[twin].evidence) | set(entry.evidence), key=event_number)
            rows[twin] = grounded_entry(rows[twin].kind, rows[twin].description, evidence, stream)
    return sorted(rows, key=lambda e: (e.time, event_number(e.evidence[0])))


def _same_moment(a: TimelineEntry, b: TimelineEntry) -> bool:
    """Two entries telling the same moment: same kind, and shared evidence or near-identical words."""
    if a.kind is not b.kind:
        return False
    if set(a.evidence) & set(b.evidence):
        return True
    close = abs(a.time - b.time) <= DUPLICATE_WINDOW
    return close and SequenceMatcher(None, a.description.lower(), b.description.lower()).ratio() >= 0.6


def _figures(rule_figures: list[ImpactFigure], findings: Iterable[ChunkFindings]) -> list[ImpactFigure]:
    figures = list(rule_figures)
    seen = {(f.metric, f.value.strip().lower()) for f in figures}
    for found in findings:
        for clue in found.impact:
            key = (clue.metric, clue.value.strip().lower())
            if key not in seen:
                seen.add(key)
                figures.append(
                    ImpactFigure(metric=clue.metric, value=clue.value, quote=clue.quote, evidence=clue.evidence)
                )
    return figures


def _synthesise(
    draft: Draft, findings: Iterable[ChunkFindings], caller: Caller, stream: EventStream, budget: Budget
) -> Synthesis:
    """One call over the merged timeline and the chunk candidates for the analysis sections."""
    found = list(findings)
    factors = [f for x in found for f in x.factors]
    actions = [a for x in found for a in x.action_items]
    questions = [q for x in found for q in x.questions]
    rank = timeline_rank(draft)
    sections = [
        _Section(
            f"TIMELINE ({len(draft.timeline)} entries; time | kind | what | evidence)",
            [
                f"{e.time.strftime('%Y-%m-%d %H:%M:%SZ')} | {e.kind.value} | {e.description} | {', '.join(e.evidence)}"
                for e in draft.timeline
            ],
            # Key moments first, should not all of it fit.
            sorted(range(len(draft.timeline)), key=lambda i: (rank(i, draft.timeline[i]), i)),
        ),
        _Section("CANDIDATE FACTORS", [f"{f.title}: {f.description} [{f.category}]{_ids(f)}" for f in factors]),
        _Section("CANDIDATE ACTION ITEMS", [f"{a.description} (owner: {a.owner or '?'}){_ids(a)}" for a in actions]),
        _Section("IMPACT FIGURES", [f'{f.metric}: {f.value} — "{f.quote}"{_ids(f)}' for f in draft.impact.figures]),
        _Section("OPEN QUESTIONS", [f"{q.question}{_ids(q)}" for q in questions]),
    ]
    cited = draft.cited_ids() | {
        i for x in found for group in (x.factors, x.action_items, x.questions) for item in group for i in item.evidence
    }
    allowed = cited & {event.id for event in stream}
    material = _fit(sections, budget.material, budget.per_event)
    # What a grammar lets it cite: the ids the material shows (others it allows are ones it never saw).
    shown = sorted({i for line in material for i in _CITED.findall(line)} & allowed, key=event_number)
    prompt = load_prompt(*SYNTHESIS_PROMPT)
    request = Request(
        prompt=prompt.ref,
        messages=prompt.messages(
            data=data_block(material),
            data_open=DATA_OPEN,
            data_close=DATA_CLOSE,
            title=draft.title,
            entry_count=len(draft.timeline),
            event_count=len(stream),
        ),
        response_model=Synthesis,
        grammar=grounded(Synthesis, tuple(shown)),
        context=_evidence_context(stream, allowed),
        label="synthesis",
        max_tokens=budget.answer,
    )
    return caller.call(request).value


@dataclass(frozen=True)
class _Section:
    """One part of the synthesis material: a heading, its lines, and which lines matter most."""

    heading: str
    lines: list[str]
    order: list[int] | None = None
    """Indexes of ``lines``, most important first; None: as they come."""


def _fit(sections: list[_Section], room: int | None, per_id: int = 0) -> list[str]:
    """The sections' lines within ``room`` estimated tokens (each id in a line costing ``per_id`` more:
    its place in the grammar's list of citable ids), all of them when they fit.

    Otherwise every section keeps its most important lines: one line of each section in turn
    while they fit (a large incident's timeline alone can fill several contexts), shown in their
    own order under a heading that says how many are shown.
    """
    costs = [
        [estimate_tokens(line) + 1 + per_id * len(_CITED.findall(line)) for line in section.lines]  # +1: the newline
        for section in sections
    ]
    # Each heading with its blank line and a "(k of n shown)" note.
    used = sum(estimate_tokens(f"{section.heading} (99999 of 99999 shown)") + 2 for section in sections)
    kept = [list(range(len(section.lines))) for section in sections]
    if room is not None and used + sum(map(sum, costs)) > room:
        kept = [[] for _ in sections]
        turns = sorted(
            (turn, index, line)
            for index, section in enumerate(sections)
            for turn, line in enumerate(section.order or range(len(section.lines)))
        )
        for _, index, line in turns:
            used += costs[index][line]
            if used > room:
                break
            kept[index].append(line)
    lines: list[str] = []
    for section, shown in zip(sections, kept, strict=True):
        if section.lines:
            note = "" if len(shown) == len(section.lines) else f" ({len(shown)} of {len(section.lines)} shown)"
            lines += ["", f"{section.heading}{note}", *(section.lines[i] for i in sorted(shown))]
    return lines[1:]


def _ids(item: _Cites) -> str:
    return f" | {', '.join(item.evidence)}" if item.evidence else ""


def _with_synthesis(draft: Draft, synthesis: Synthesis) -> Draft:
    update: dict[str, list[Any]] = {}
    for section in SECTIONS:
        if section.merge is None:
            continue
        answered = [_from_synthesis(item) for item in getattr(synthesis, section.field)]
        keep = section.merge is Merge.FILL and not answered
        update[section.field] = getattr(draft, section.field) if keep else answered
    return draft.model_copy(update=update)


def _from_synthesis(item: Statement | SynthesisFactor | ActionCandidate | QuestionCandidate) -> Any:
    """A synthesis answer's item as the draft's item of that section."""
    match item:
        case SynthesisFactor():
            return ContributingFactor(
                title=item.title, description=item.description, category=item.category, evidence=item.evidence,
                confidence=item.confidence,
            )  # fmt: skip
        case ActionCandidate():
            return ActionItem(description=item.description, owner=item.owner or "TBD", evidence=item.evidence)
        case QuestionCandidate():
            return Cited(text=item.question, evidence=item.evidence)
        case Statement():
            return Cited(text=item.text, evidence=item.evidence)
