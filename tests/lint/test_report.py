"""Output formats and exit status of lint findings."""

from __future__ import annotations

import json

import pytest

from postmortem_writer.lint import lint_text
from postmortem_writer.lint.report import JSON_SCHEMA, exit_status, render
from postmortem_writer.lint.rules import RULES, STRUCTURE_RULES
from postmortem_writer.models import Finding

TEXT = "Intro.\nThe reviewer should have spotted it, obviously.\n"


def _results() -> dict[str, list[Finding]]:
    return {"docs/pm, 1.md": lint_text(TEXT, path="docs/pm, 1.md")}


def test_text_lines_name_path_line_column_severity_and_rule() -> None:
    lines = render(_results(), "text").splitlines()
    assert lines[0].startswith("docs/pm, 1.md:2:14: warning blame.counterfactual describes what did not happen")
    assert lines[1].startswith("docs/pm, 1.md:2:38: suggestion blame.hindsight_minimizing ")


def test_json_has_a_schema_version_spans_and_suggestions() -> None:
    data = json.loads(render(_results(), "json"))
    assert data["schema"] == JSON_SCHEMA
    first = data["files"][0]["findings"][0]
    assert data["files"][0]["path"] == "docs/pm, 1.md"
    assert TEXT[first["start"] : first["end"]] == first["match"] == "should have spotted"
    assert first["suggestions"]
    assert first["link"].startswith("https://")
    assert data["summary"] == {"files": 1, "findings": 2, "by_severity": {"suggestion": 1, "warning": 1, "error": 0}}


def test_sarif_is_2_1_0_with_rules_and_regions() -> None:
    log = json.loads(render(_results(), "sarif"))
    assert log["version"] == "2.1.0"
    run = log["runs"][0]
    assert run["columnKind"] == "unicodeCodePoints"
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == [r.id for r in RULES] + list(STRUCTURE_RULES)
    result = run["results"][0]
    assert rules[result["ruleIndex"]]["id"] == result["ruleId"] == "blame.counterfactual"
    assert result["level"] == "warning"
    region = result["locations"][0]["physicalLocation"]["region"]
    assert (region["startLine"], region["startColumn"], region["charLength"]) == (2, 14, len("should have spotted"))
    assert run["results"][1]["level"] == "note"  # a suggestion


def test_github_annotations_escape_properties() -> None:
    lines = render(_results(), "github").splitlines()
    assert lines[0].startswith("::warning file=docs/pm%2C 1.md,line=2,col=14,endLine=2,endColumn=33,")
    assert lines[0].endswith("::describes what did not happen; say what did happen, what the person saw, and why it "
                             "made sense: should have spotted")  # fmt: skip
    assert lines[1].startswith("::notice ")


@pytest.mark.parametrize(
    ("level", "status"), [("suggestion", 1), ("warning", 1), ("error", 0), ("never", 0)], ids=lambda v: str(v)
)
def test_exit_status_by_minimum_level(level: str, status: int) -> None:
    assert exit_status(_results(), level) == status


def test_no_findings_exit_zero_at_any_level() -> None:
    assert exit_status({"a.md": []}, "suggestion") == 0
