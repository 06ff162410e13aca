"""CliRunner tests of `postmortem eval` and `postmortem eval compare` on a copy of a recorded case."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from postmortem_writer.cli import cli
from postmortem_writer.evaluation import METRICS, Report, build_report, load_case, run_case
from postmortem_writer.evaluation.metrics import DEFAULT_TOLERANCES
from postmortem_writer.models import Cited, Draft
from postmortem_writer.pipeline import Ingested, draft_from

CASE = Path(__file__).resolve().parents[2] / "evals" / "cases" / "stackexchange-2016-07-20-regex-homepage"


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


@pytest.fixture
def cases(tmp_path: Path) -> Path:
    root = tmp_path / "cases"
    shutil.copytree(CASE, root / CASE.name)
    return root


@pytest.fixture
def report(cases: Path, tmp_path: Path) -> Path:
    out = tmp_path / "report.json"
    result = run("eval", str(cases), "-o", str(out))
    assert result.exit_code == 0, result.output
    return out


def test_eval_prints_a_markdown_table_per_case_and_overall(cases: Path) -> None:
    result = run("eval", str(cases))
    assert result.exit_code == 0, result.output
    rows = [line for line in result.stdout.splitlines() if line.startswith("|")]
    assert rows[0].count("|") == len(METRICS) + 3  # case, events, one column per metric
    assert rows[2].startswith(f"| {CASE.name} (derived) |")
    assert rows[3].startswith("| **overall** |")


def test_eval_writes_json_for_a_json_name_and_markdown_otherwise(report: Path, cases: Path, tmp_path: Path) -> None:
    parsed = Report.model_validate_json(report.read_text(encoding="utf-8"))
    assert [case.slug for case in parsed.cases] == [CASE.name]
    assert set(parsed.overall) == {metric.id for metric in METRICS}
    assert parsed.overall["citation_validity"] == 1.0
    assert parsed.cases[0].counts["gold_entries"] == 4
    markdown = tmp_path / "report.md"
    assert run("eval", str(cases), "-o", str(markdown)).exit_code == 0
    assert markdown.read_text(encoding="utf-8").startswith("| case |")


def test_eval_runs_on_a_single_case_folder(cases: Path) -> None:
    result = run("eval", str(cases / CASE.name))
    assert result.exit_code == 0
    assert CASE.name in result.stdout


def _worse(report: Path, tmp_path: Path, metric: str, change: float) -> Path:
    data = json.loads(report.read_text(encoding="utf-8"))
    data["overall"][metric] += change
    worse = tmp_path / "worse.json"
    worse.write_text(json.dumps(data), encoding="utf-8")
    return worse


def test_compare_of_a_report_with_itself_passes(report: Path) -> None:
    result = run("eval", "compare", str(report), str(report))
    assert result.exit_code == 0, result.output
    assert "+0.0 pts" in result.stdout
    assert "REGRESSED" not in result.stdout


# (id, metric, change, tolerance, exit code)
DROPS = [
    ("recall-drops-past-tolerance", "timeline_recall", -0.10, "0.02", 1),
    ("recall-drop-within-tolerance", "timeline_recall", -0.10, "0.2", 0),
    ("recall-rises", "timeline_recall", +0.10, "0.02", 0),
    ("unsupported-claims-rise-is-a-drop", "unsupported_claims", +0.10, "0.02", 1),
    ("unsupported-claims-fall-is-fine", "unsupported_claims", -0.05, "0.02", 0),
]


@pytest.mark.parametrize(("metric", "change", "tolerance", "code"), [c[1:] for c in DROPS], ids=[c[0] for c in DROPS])
def test_compare_exits_non_zero_when_a_metric_drops(
    report: Path, tmp_path: Path, metric: str, change: float, tolerance: str, code: int
) -> None:
    new = _worse(report, tmp_path, metric, change)
    result = run("eval", "compare", str(report), str(new), "--tolerance", tolerance)
    assert result.exit_code == code, result.output
    assert ("REGRESSED" in result.stdout) is (code == 1)
    if code:
        label = next(m.label for m in METRICS if m.id == metric)
        assert result.stderr.strip() == f"error: dropped past the tolerance ({float(tolerance):g}): {label}"


def test_compare_names_a_file_that_is_not_a_report(report: Path, tmp_path: Path) -> None:
    other = tmp_path / "other.json"
    other.write_text('{"hello": 1}', encoding="utf-8")
    result = run("eval", "compare", str(report), str(other))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: {other}: not an eval report")
    assert len(result.stderr.strip().splitlines()) == 1


def test_a_case_below_a_hard_floor_is_a_failure(report: Path) -> None:
    parsed = Report.model_validate_json(report.read_text(encoding="utf-8"))
    assert parsed.failures() == []
    parsed.cases[0].metrics["citation_validity"] = 0.95
    assert parsed.failures() == [f"{CASE.name}: citation validity 95.0% (must be 100%)"]


def test_the_extraction_step_is_a_parameter_and_bad_citations_fail_the_run(cases: Path) -> None:
    """Another extractor (the LLM one, later) plugs in as a callable; a dangling citation is caught."""

    def dangling(ingested: Ingested) -> Draft:
        draft = draft_from(ingested)
        draft.summary.append(Cited(text="an invented statement", evidence=[f"E{len(ingested.stream) + 1}"]))
        return draft

    case = load_case(cases / CASE.name)
    honest, invented = run_case(case), run_case(case, extract=dangling)
    assert honest.metrics["citation_validity"] == 1.0
    assert invented.counts["citations"] == honest.counts["citations"] + 1
    assert invented.counts["valid_citations"] == honest.counts["valid_citations"]
    report = build_report([invented], DEFAULT_TOLERANCES)
    assert len(report.failures()) == 1


def test_compare_shows_a_metric_only_one_report_has_without_failing(report: Path, tmp_path: Path) -> None:
    """Reports from before a metric existed still compare: the new metric is shown, not judged."""
    data = json.loads(report.read_text(encoding="utf-8"))
    del data["overall"]["factor_precision"]
    data["metrics"] = [m for m in data["metrics"] if m["id"] != "factor_precision"]
    old = tmp_path / "old.json"
    old.write_text(json.dumps(data), encoding="utf-8")
    result = run("eval", "compare", str(old), str(report))
    assert result.exit_code == 0, result.output
    row = next(line for line in result.stdout.splitlines() if line.startswith("| factor precision |"))
    assert row.split("|")[2].strip() == "—"
