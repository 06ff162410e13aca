"""Running the pipeline on one case with a given extraction step, and scoring the draft."""

from __future__ import annotations

from collections.abc import Callable

from postmortem_writer.evaluation.cases import Case
from postmortem_writer.evaluation.metrics import DEFAULT_TOLERANCES, METRICS, Tolerances, score_draft
from postmortem_writer.evaluation.report import CaseResult
from postmortem_writer.models import Draft
from postmortem_writer.pipeline import Ingested, draft_from, ingest
from postmortem_writer.scoring import ratio

Extractor = Callable[[Ingested], Draft]
"""The extraction step under test: an ingested incident in, a grounded draft out (default: the rules)."""


def run_case(case: Case, extract: Extractor = draft_from, tolerances: Tolerances = DEFAULT_TOLERANCES) -> CaseResult:
    """Ingest the case's sources with its day and zone, draft them with ``extract``, score the draft."""
    ingested = ingest([case.sources], case.source_options())
    draft = extract(ingested)
    scored = score_draft(draft, ingested.stream, case.gold, tolerances)
    usage = draft.provenance.usage
    scored.counts.update(
        cases=1,
        blame_findings=len(draft.blame_findings),
        model_calls=draft.provenance.calls,
        prompt_tokens=usage.get("prompt_tokens", 0),
        completion_tokens=usage.get("completion_tokens", 0),
        model_latency_ms=draft.provenance.latency_ms,
    )
    return CaseResult(
        slug=case.slug,
        title=case.gold.title,
        derived=case.gold.derived,
        extractor=draft.provenance.extractor,
        events=len(ingested.stream),
        counts=scored.counts,
        metrics={metric.id: ratio(scored.counts, metric) for metric in METRICS},
        missed=scored.missed,
        warnings=ingested.warnings,
    )
