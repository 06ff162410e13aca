"""The shipped pre-commit hook runs the real command on Markdown files."""

from __future__ import annotations

from pathlib import Path

import yaml
from click.testing import CliRunner

from postmortem_writer.cli import cli

HOOKS = Path(__file__).resolve().parents[2] / ".pre-commit-hooks.yaml"


def test_hook_runs_postmortem_lint_on_markdown(tmp_path: Path) -> None:
    (hook,) = yaml.safe_load(HOOKS.read_text(encoding="utf-8"))
    assert hook["id"] == "postmortem-lint"
    assert hook["types"] == ["markdown"]
    program, *args = hook["entry"].split()
    assert program == "postmortem"
    page = tmp_path / "pm.md"
    page.write_text("Obviously the operator should have known.\n", encoding="utf-8")
    # pre-commit appends the staged file names to the entry
    result = CliRunner().invoke(cli, [*args, str(page)], catch_exceptions=False)
    assert result.exit_code == 1
    assert "blame.counterfactual" in result.stdout
