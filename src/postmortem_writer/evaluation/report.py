"""Eval reports: the JSON written for machines and ``eval compare``, and the Markdown table."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from pydantic import BaseModel, ConfigDict, Field

from postmortem_writer import __version__
from postmortem_writer.errors import InputError
from postmortem_writer.evaluation.metrics import METRICS, Tolerances
from postmortem_writer.scoring import Metric, ratio


class _ReportModel(BaseModel):
    # Reports from newer versions may carry more; compare reads what it knows.
    model_config = ConfigDict(extra="ignore")


class MetricInfo(_ReportModel):
    id: str
    label: str
    better: str
    required: float | None = None
    meaning: str = ""
    unit: str = "percent"


class CaseResult(_ReportModel):
    """One case's counts, metric values (None: nothing to score) and what the draft missed."""

    slug: str
    title: str
    derived: bool
    extractor: str
    events: int
    counts: dict[str, int]
    metrics: dict[str, float | None]
    missed: dict[str, list[str]] = Field(default_factory=dict)
    warnings: list[str] = Field(default_factory=list)


class Report(_ReportModel):
    """A whole run: per-case results and the pooled overall metrics."""

    schema_version: int = 1
    tool_version: str
    extractors: list[str]
    tolerances: dict[str, float]
    metrics: list[MetricInfo]
    overall: dict[str, float | None]
    counts: dict[str, int]
    cases: list[CaseResult]

    def failures(self) -> list[str]:
        """Cases below a metric's hard floor (citation validity must be 100%)."""
        floors = {info.id: info for info in self.metrics if info.required is not None}
        return [
            f"{case.slug}: {floors[key].label} {value:.1%} (must be {floors[key].required:.0%})"
            for case in self.cases
            for key, value in case.metrics.items()
            if key in floors and value is not None and value < (floors[key].required or 0)
        ]


def build_report(results: list[CaseResult], tolerances: Tolerances) -> Report:
    """The report of ``results``: overall metrics are the ratios of the counts summed over cases."""
    totals: dict[str, int] = {}
    for result in results:
        for key, value in result.counts.items():
            totals[key] = totals.get(key, 0) + value
    return Report(
        tool_version=__version__,
        extractors=sorted({result.extractor for result in results}),
        tolerances=asdict(tolerances),
        metrics=[_info(metric) for metric in METRICS],
        overall={metric.id: ratio(totals, metric) for metric in METRICS},
        counts=totals,
        cases=results,
    )


def _info(metric: Metric) -> MetricInfo:
    return MetricInfo(
        id=metric.id,
        label=metric.label,
        better=metric.better,
        required=metric.required,
        meaning=metric.meaning,
        unit=metric.unit,
    )


def render_json(report: Report) -> str:
    """The report as indented JSON with a final newline (stable, for committing a baseline)."""
    return report.model_dump_json(indent=2) + "\n"


def load_report(text: str, path: str) -> Report:
    """A report read back from JSON; an unreadable one is an error naming the file."""
    try:
        return Report.model_validate_json(text)
    except ValueError as exc:
        first = str(exc).splitlines()
        detail = first[1] if len(first) > 1 else first[0]
        raise InputError(f"not an eval report (JSON from `postmortem eval -o x.json`): {detail}", path=path) from None


def _percent(value: float | None, digits: int = 0) -> str:
    return "—" if value is None else f"{value:.{digits}%}"


def _value(info: MetricInfo, value: float | None, digits: int = 0) -> str:
    if info.unit == "per_case":
        # Small per-case counts (0.3 blame findings) need a decimal; token counts do not.
        return "—" if value is None else f"{value:,.{max(digits, 1) if value < 10 else digits}f}"
    return _percent(value, digits)


def render_markdown(report: Report) -> str:
    """A Markdown table, one row per case and one overall, then the metric definitions and misses."""
    header = ["case", "events", *(info.label for info in report.metrics)]
    lines = ["| " + " | ".join(header) + " |", "|" + " --- |" * len(header)]
    for case in report.cases:
        name = f"{case.slug}{' (derived)' if case.derived else ''}"
        cells = [name, str(case.events), *(_value(info, case.metrics.get(info.id)) for info in report.metrics)]
        lines.append("| " + " | ".join(cells) + " |")
    overall = ["**overall**", str(sum(c.events for c in report.cases))]
    overall += [f"**{_value(info, report.overall.get(info.id))}**" for info in report.metrics]
    lines.append("| " + " | ".join(overall) + " |")
    tol = report.tolerances
    lines += [
        "",
        f"Extractor: {', '.join(report.extractors)}. Tool {report.tool_version}. Times match within "
        f"{tol['minutes']:g} min ({tol['approx_minutes']:g} min for `approx` gold entries); texts match at "
        f"similarity ≥ {tol['similar']:g}. Overall figures pool the counts of all cases.",
        "",
    ]
    lines += [f"- **{info.label}** ({info.better} is better): {info.meaning}" for info in report.metrics]
    misses = [(case.slug, part, text) for case in report.cases for part, texts in case.missed.items() for text in texts]
    if misses:
        lines += ["", "Missed gold items, and claims their evidence does not support:", ""]
        lines += [f"- {slug} · {part}: {text}" for slug, part, text in misses]
    return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class Delta:
    """One metric in two reports, and whether the new one dropped past the tolerance."""

    metric: MetricInfo
    old: float | None
    new: float | None
    regressed: bool


def compare_reports(old: Report, new: Report, tolerance: float) -> list[Delta]:
    """Overall metrics side by side; a drop worse than ``tolerance`` (a fraction, 0.02 = 2 points) regresses."""
    infos = {info.id: info for info in (*old.metrics, *new.metrics)}
    deltas = []
    for key, info in infos.items():
        before, after = old.overall.get(key), new.overall.get(key)
        change = None if before is None or after is None else after - before
        if change is not None and info.unit == "per_case":
            # Counts (calls, tokens) have no common scale: the tolerance is relative to the old value.
            change = change / before if before else (0.0 if not after else float("inf"))
        worse = change is not None and (-change if info.better == "higher" else change) > tolerance
        deltas.append(Delta(info, before, after, worse))
    return deltas


def render_deltas(deltas: list[Delta]) -> str:
    """A Markdown table of the deltas, regressions marked."""
    lines = ["| metric | old | new | delta | |", "| --- | --- | --- | --- | --- |"]
    for delta in deltas:
        change = "—"
        if delta.old is not None and delta.new is not None:
            if delta.metric.unit == "per_case":
                change = (
                    f"{(delta.new - delta.old) / delta.old:+.1%}" if delta.old else f"{delta.new - delta.old:+,.1f}"
                )
            else:
                change = f"{(delta.new - delta.old) * 100:+.1f} pts"
        mark = "REGRESSED" if delta.regressed else ""
        cells = [
            delta.metric.label,
            _value(delta.metric, delta.old, 1),
            _value(delta.metric, delta.new, 1),
            change,
            mark,
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"
