"""What is counted in a draft against its gold, and the metrics built from those counts.

Scoring a case yields plain counts (``timeline_matched``, ``claims`` …). Every metric is a row of
``METRICS``: a numerator count over a denominator count, so the overall figure is the pooled ratio
over all cases and a new metric (blame findings, calls per case) is one more count and one more row.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from postmortem_writer.evaluation.cases import Gold, GoldEntry
from postmortem_writer.evaluation.matching import SIMILAR, assign, best_similarity
from postmortem_writer.events import EventStream
from postmortem_writer.models import Draft, TimelineEntry
from postmortem_writer.scoring import Metric
from postmortem_writer.sections import SECTIONS, Filled, Section

METRICS: tuple[Metric, ...] = (
    Metric("timeline_recall", "timeline recall", "timeline_matched", "gold_entries",
           meaning="gold timeline entries matched by a draft entry (time within tolerance, similar text)"),
    Metric("timeline_precision", "timeline precision", "timeline_matched", "draft_entries",
           meaning="draft timeline entries that match a gold entry"),
    Metric("kind_agreement", "kind agreement", "kind_agreed", "timeline_matched",
           meaning="matched entries whose kind equals the gold kind"),
    Metric("exact_time", "exact time", "exact_time", "timeline_matched",
           meaning="matched entries whose time equals the gold time to the minute"),
    Metric("citation_validity", "citation validity", "valid_citations", "citations", required=1.0,
           meaning="cited event ids that exist in the sources and are indexed unchanged in the draft"),
    Metric("unsupported_claims", "unsupported claims", "unsupported_claims", "claims", better="lower",
           meaning="claims citing no event, or whose text is not similar to the events they cite"),
    Metric("factor_recall", "factor recall", "factors_found", "gold_factors",
           meaning="gold contributing factors matched by a draft factor"),
    Metric("factor_precision", "factor precision", "factors_found", "draft_factors",
           meaning="draft contributing factors that match a gold factor (an unrelated change listed lowers it)"),
    Metric("action_item_recall", "action item recall", "actions_found", "gold_actions",
           meaning="gold action items matched by a draft action item"),
    Metric("section_completeness", "section completeness", "sections_filled", "sections",
           meaning="narrative sections with at least one cited statement"),
    Metric("blame_findings", "blame findings per case", "blame_findings", "cases", better="lower", unit="per_case",
           meaning="blame-prone wording the lint still finds in the draft's own text"),
    Metric("model_calls", "model calls per case", "model_calls", "cases", better="lower", unit="per_case",
           meaning="calls sent to the model endpoint (cached and replayed answers are not calls)"),
    Metric("prompt_tokens", "prompt tokens per case", "prompt_tokens", "cases", better="lower", unit="per_case",
           meaning="prompt tokens the endpoint reported"),
    Metric("completion_tokens", "completion tokens per case", "completion_tokens", "cases", better="lower",
           unit="per_case", meaning="completion tokens the endpoint reported"),
    Metric("model_latency", "model latency per case (ms)", "model_latency_ms", "cases", better="lower",
           unit="per_case", meaning="time spent in model calls, summed (calls overlap, so above wall time)"),
)  # fmt: skip


@dataclass(frozen=True)
class Tolerances:
    """How close a draft entry must be to a gold entry to count as the same moment."""

    minutes: float = 5
    approx_minutes: float = 30
    similar: float = SIMILAR


DEFAULT_TOLERANCES = Tolerances()


def _filled(section: Section, draft: Draft) -> bool:
    """Whether the eval counts ``section`` as filled (its ``filled`` rule; TODO(author) lines never count)."""
    if section.filled is Filled.WINDOW:
        return draft.impact.start is not None and draft.impact.end is not None
    items = section.items(draft)
    if section.filled is Filled.CITES:
        return any(item.evidence for item in items)
    return bool(items)


# The sections whose items state something as fact.
_CLAIMED = tuple(section for section in SECTIONS if section.claim is not None)
# The sections section completeness counts.
COUNTED = tuple(section for section in SECTIONS if section.filled is not None)


@dataclass
class Scored:
    """A case's counts and, for the reader, what the draft missed or claimed without support."""

    counts: dict[str, int]
    missed: dict[str, list[str]] = field(default_factory=dict)


def score_draft(draft: Draft, stream: EventStream, gold: Gold, tolerances: Tolerances = DEFAULT_TOLERANCES) -> Scored:
    """Count what ``draft`` (extracted from ``stream``) gets right against ``gold``."""

    def texts(own: list[str], evidence: list[str]) -> list[str]:
        return own + [stream[event_id].text for event_id in evidence if event_id in stream]

    entries = draft.timeline
    entry_texts = [texts([entry.description], entry.evidence) for entry in entries]

    def timeline_score(g: int, d: int) -> float | None:
        if not _close(entries[d], gold.timeline[g], tolerances):
            return None
        score = best_similarity(gold.timeline[g].event, entry_texts[d])
        return score if score >= tolerances.similar else None

    pairs = assign(len(gold.timeline), len(entries), timeline_score)
    matched = {pair.gold for pair in pairs}

    factors = [texts([f.title, f.description], f.evidence) for f in draft.contributing_factors]
    factors_found, missed_factors = _recall(gold.contributing_factors, factors, tolerances.similar)
    actions = [texts([a.description], a.evidence) for a in draft.action_items]
    actions_found, missed_actions = _recall(gold.action_items, actions, tolerances.similar)

    valid = sum(1 for event_id in draft.cited_ids() if _valid_citation(event_id, draft, stream))
    claims = _claims(draft)
    unsupported = [text for text, evidence in claims if not _supported(text, texts([], evidence), tolerances)]

    counts = {
        "gold_entries": len(gold.timeline),
        "draft_entries": len(entries),
        "timeline_matched": len(pairs),
        "kind_agreed": sum(1 for p in pairs if entries[p.draft].kind is gold.timeline[p.gold].kind),
        "exact_time": sum(1 for p in pairs if _minute(entries[p.draft].time) == _minute(gold.timeline[p.gold].time)),
        "citations": len(draft.cited_ids()),
        "valid_citations": valid,
        "claims": len(claims),
        "unsupported_claims": len(unsupported),
        "gold_factors": len(gold.contributing_factors),
        "factors_found": factors_found,
        "draft_factors": len(factors),
        "gold_actions": len(gold.action_items),
        "actions_found": actions_found,
        "sections": len(COUNTED),
        "sections_filled": sum(1 for section in COUNTED if _filled(section, draft)),
    }
    missed = {
        "timeline": [
            f"{entry.time:%Y-%m-%d %H:%M} {entry.kind.value}: {entry.event}"
            for i, entry in enumerate(gold.timeline)
            if i not in matched
        ],
        "contributing_factors": missed_factors,
        "action_items": missed_actions,
        "unsupported_claims": unsupported,  # claims the cited events do not support
    }
    return Scored(counts, missed)


def _close(entry: TimelineEntry, gold: GoldEntry, tolerances: Tolerances) -> bool:
    allowed = timedelta(minutes=tolerances.approx_minutes if gold.approx else tolerances.minutes)
    return abs(entry.time - gold.time) <= allowed


def _minute(moment: datetime) -> datetime:
    return moment.replace(second=0, microsecond=0)


def _recall(gold: list[str], draft: list[list[str]], similar: float) -> tuple[int, list[str]]:
    """How many gold texts a distinct draft item matches, and the gold texts left unmatched."""

    def score(g: int, d: int) -> float | None:
        value = best_similarity(gold[g], draft[d])
        return value if value >= similar else None

    pairs = assign(len(gold), len(draft), score)
    found = {pair.gold for pair in pairs}
    return len(pairs), [text for i, text in enumerate(gold) if i not in found]


def _valid_citation(event_id: str, draft: Draft, stream: EventStream) -> bool:
    """The id names a source event, and the draft's evidence index carries that event unchanged."""
    if event_id not in stream:
        return False
    indexed = [event for event in draft.evidence_index if event.id == event_id]
    return len(indexed) == 1 and indexed[0] == stream[event_id]


def _claims(draft: Draft) -> list[tuple[str, list[str]]]:
    """Every statement the draft presents as fact, with its evidence.

    Statements without evidence in the narrative sections are questions for the author
    (TODO(author)), not claims; an action item without evidence is a claim nobody made.
    """
    claims: list[tuple[str, list[str]]] = []
    # Sections of claims first, then the narrative statements that cite something.
    for section in sorted(_CLAIMED, key=lambda section: section.narrative):
        attribute = section.claim or ""
        claims += [
            (getattr(item, attribute), item.evidence)
            for item in section.items(draft)
            if item.evidence or not section.narrative
        ]
    return claims


def _supported(text: str, cited: list[str], tolerances: Tolerances) -> bool:
    """A claim is supported when its words are found in what it cites (one event, or all together)."""
    if not cited:
        return False
    return best_similarity(text, [*cited, " ".join(cited)]) >= tolerances.similar
