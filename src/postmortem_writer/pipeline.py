"""The only module that knows the order of the stages: sources → events → extract (rules or LLM) → lint → render."""

from __future__ import annotations

import gc
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path

from postmortem_writer import __version__
from postmortem_writer.errors import InputError
from postmortem_writer.events import EventStream
from postmortem_writer.extract.appendix import communication_log, monitoring_links
from postmortem_writer.extract.grounding import check_draft
from postmortem_writer.extract.llm import Budget, Progress, extract_llm
from postmortem_writer.extract.prevention import classify_actions, prevention
from postmortem_writer.extract.rules import extract_rules
from postmortem_writer.history.index import HistoryIndex
from postmortem_writer.history.related import related_incidents
from postmortem_writer.lint import lint_draft
from postmortem_writer.lint.apply import offer_rewrites, reword_draft
from postmortem_writer.lint.config import LintConfig
from postmortem_writer.lint.model_rewriter import ModelRewriter
from postmortem_writer.lint.rewrite import Rewriter
from postmortem_writer.llm.session import Session
from postmortem_writer.models import Cited, Draft, InputFile, Provenance
from postmortem_writer.redact import Privacy, Redaction, redact_stream
from postmortem_writer.sources import SourceOptions, load_sources
from postmortem_writer.text import analysis

MAX_WITHHELD_CITED = 20
"""Withheld messages quoted in the draft; all of them are listed in its provenance."""


@dataclass
class Ingested:
    """The event stream read from the user's paths, with what was read and any warnings."""

    stream: EventStream
    inputs: list[InputFile]
    warnings: list[str] = field(default_factory=list)
    # What --since/--until/--channel (or the window chosen for far-apart sources) kept.
    scope_note: str | None = None


def ingest(paths: list[Path], options: SourceOptions) -> Ingested:
    """Read every path into one sorted, numbered event stream; no events at all is an error."""
    with _no_cycle_collection():
        loaded = load_sources(paths, options)
        if not loaded.events:
            names = ", ".join(str(p) for p in paths)
            # The skips say why (every record malformed, a format that carries no times): show the first.
            why = f" ({loaded.warnings[0]})" if loaded.warnings else ""
            raise InputError(f"no events found in the sources{why}", path=names)
        # The adapters' events are held nowhere else, so the stream numbers them in place.
        return Ingested(EventStream(loaded.events, owned=True), loaded.inputs, loaded.warnings, loaded.scope_note)


@contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """Pause Python's cycle collector while reading sources or drafting.

    Reading builds millions of parsed JSON values and events that are all alive until the end, so
    every collection pass walks all of them and finds nothing: on a 100k-message export that was
    nearly two thirds of ingest time (benchmarks/ingest_scaling.py). Plain reference counting still
    frees everything that is dropped; the collector resumes, as it was, afterwards.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def draft_from(
    ingested: Ingested,
    *,
    title: str | None = None,
    llm: Session | None = None,
    progress: Progress | None = None,
    privacy: Privacy | None = None,
    authors: Sequence[str] = (),
    history: HistoryIndex | None = None,
    rewriter: Rewriter | None = None,
) -> Draft:
    """A grounded draft of the ingested incident (with the model when ``llm`` is given, else by rules), linted
    for blame-prone wording, each finding with its verified rewrite where ``rewriter`` (by default,
    ``reword_findings``'s) gives one.

    With redaction (by default whenever a model is used) every stage after ingest sees only the
    redacted events, so no request can carry a value the redaction found; ids and times are
    untouched, so citations are the same either way. With a ``history`` index the draft lists the
    earlier postmortems related to it, and its Prevention section warns about recurring factors.
    """
    # Each message's text is normalised and split once, whichever stage asks first. Offline, the
    # draft's values (rows, findings, the analysis memos) stay alive to the end like the events, so
    # the cycle collector would only walk them again and again (a seventh of the draft's CPU time
    # at 100k messages); a model's client makes garbage cycles for as long as its calls run.
    with _no_cycle_collection() if llm is None else nullcontext(), analysis():
        return _draft(
            ingested,
            title=title,
            llm=llm,
            progress=progress,
            privacy=privacy or Privacy(),
            authors=authors,
            history=history,
            rewriter=rewriter,
        )


def _draft(
    ingested: Ingested,
    *,
    title: str | None,
    llm: Session | None,
    progress: Progress | None,
    privacy: Privacy,
    authors: Sequence[str],
    history: HistoryIndex | None,
    rewriter: Rewriter | None,
) -> Draft:
    stream = ingested.stream
    redaction: Redaction | None = None
    if privacy.applies(model=llm is not None):
        stream, redaction = redact_stream(stream, privacy)
        title = redaction.text(title) if title else title
    provenance = Provenance(
        tool_version=__version__,
        extractor="rules" if llm is None else "llm",
        inputs=ingested.inputs,
        redacted=redaction.counts() if redaction is not None else {},
    )
    if llm is None:
        draft = extract_rules(stream, title=title, provenance=provenance)
    else:
        draft = extract_llm(
            stream,
            caller=llm.caller,
            budget=Budget.for_context(llm.context_tokens, mode=llm.caller.backend.mode),
            concurrency=llm.concurrency,
            provenance=provenance,
            title=title,
            progress=progress,
        )
    withheld = draft.provenance.withheld  # the extractors left these out
    told = stream.without(set(withheld))
    draft.communications = communication_log(told)
    draft.graphs = monitoring_links(told)
    classify_actions(draft.action_items)
    if withheld:
        # Left out, not lost: the reader sees them quoted in the evidence index and decides.
        draft.open_questions.append(
            Cited(
                text=f"{len(withheld)} message(s) read as instructions to the drafting tool, not as reports of "
                "the incident, were left out of the analysis: does any of them state a fact this draft needs?",
                evidence=withheld[:MAX_WITHHELD_CITED],
            )
        )
    draft.authors = list(authors)
    cited = draft.cited_ids()
    draft.evidence_index = [event for event in stream if event.id in cited]
    # Both cite only events the draft cites already, so the index stays complete.
    if history is not None:
        draft.related_incidents = related_incidents(draft, history)
    draft.prevention = prevention(draft.action_items, draft.contributing_factors, draft.related_incidents)
    check_draft(draft, stream)  # after the index is filled, so its completeness is checked too
    names = tuple(sorted(stream.people))
    draft.blame_findings = lint_draft(draft, people=names)
    config = LintConfig().with_people(names)
    if llm is not None and draft.blame_findings:
        for applied in reword_draft(draft, ModelRewriter(llm.caller, config), config):
            llm.caller.note({"reworded": applied.path, "original": applied.original, "rewrite": applied.rewrite})
        draft.blame_findings = lint_draft(draft, people=names)
    if llm is not None:
        # Taken last: the rewording calls are calls too.
        totals = llm.caller.totals
        draft.provenance = draft.provenance.model_copy(
            update={
                "model": llm.caller.backend.model,
                "mode": llm.caller.backend.mode,
                "endpoint": llm.endpoint,
                "prompt_versions": {ref.id: ref.label() for ref in totals.prompts.values()},
                "usage": {
                    "prompt_tokens": totals.usage.prompt_tokens,
                    "completion_tokens": totals.usage.completion_tokens,
                },
                "calls": totals.calls,
                "cached_calls": totals.cached,
                "latency_ms": round(totals.latency * 1000),
                "call_log": str(llm.call_log) if llm.call_log else None,
            }
        )
    if redaction is not None and privacy.rehydrate and redaction.replaced:
        draft = redaction.restore_draft(draft)
        draft.provenance.rehydrated = True
        # The findings' offsets were taken in the placeholder text.
        draft.blame_findings = lint_draft(draft, people=names)
    # Offered, not applied: what is left after the model's own rewording is the author's to reword.
    offer_rewrites(draft, rewriter, config)
    return draft
