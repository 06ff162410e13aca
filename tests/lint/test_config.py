"""Lint settings: dotted-prefix switches and severities (the file is read in tests/test_settings_file.py)."""

from __future__ import annotations

from postmortem_writer.lint import LintConfig, lint_text
from postmortem_writer.models import Severity

TEXT = "Obviously the reviewer should have spotted the missing index."


def test_longest_prefix_decides() -> None:
    config = LintConfig(rules={"blame": False, "blame.counterfactual": True})
    assert [f.rule_id for f in lint_text(TEXT, config=config)] == ["blame.counterfactual"]


def test_severity_override_by_prefix() -> None:
    config = LintConfig(severity={"blame": Severity.ERROR})
    assert {f.severity for f in lint_text(TEXT, config=config)} == {Severity.ERROR}
