"""Lint settings: dotted-prefix switches, severities, people, where the file is found, bad files."""

from __future__ import annotations

from pathlib import Path

import pytest

from postmortem_writer.errors import UsageError
from postmortem_writer.lint import LintConfig, find_config, lint_text, load_config
from postmortem_writer.models import Severity

TEXT = "Obviously the reviewer should have spotted the missing index."


def test_longest_prefix_decides() -> None:
    config = LintConfig(rules={"blame": False, "blame.counterfactual": True})
    assert [f.rule_id for f in lint_text(TEXT, config=config)] == ["blame.counterfactual"]


def test_severity_override_by_prefix() -> None:
    config = LintConfig(severity={"blame": Severity.ERROR})
    assert {f.severity for f in lint_text(TEXT, config=config)} == {Severity.ERROR}


def test_pyproject_table_is_found_from_a_subfolder(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.postmortem.lint]\nrules = { "blame.hindsight_minimizing" = false }\n'
        'severity = { "blame.counterfactual" = "error" }\npeople = ["Maria Lopez"]\nfail_level = "error"\n',
        encoding="utf-8",
    )
    sub = tmp_path / "docs"
    sub.mkdir()
    path = find_config(sub)
    assert path == tmp_path / "pyproject.toml"
    config = load_config(path)
    findings = lint_text(TEXT, config=config)
    assert [(f.rule_id, f.severity) for f in findings] == [("blame.counterfactual", Severity.ERROR)]
    assert config.people == ("Maria Lopez",)
    assert config.fail_level == "error"


def test_dot_postmortem_toml_wins_over_a_pyproject_without_the_table(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\n", encoding="utf-8")
    (tmp_path / ".postmortem.toml").write_text('[lint]\nrules = { "structure" = false }\n', encoding="utf-8")
    assert find_config(tmp_path) == tmp_path / ".postmortem.toml"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("[lint]\ncolour = 1\n", "unknown lint setting(s) colour"),
        ('[lint]\nrules = { "blame.nothing" = false }\n', "'blame.nothing' matches no lint rule"),
        ('[lint]\nseverity = { "blame" = "loud" }\n', "severity must be suggestion, warning or error"),
        ('[lint]\nfail_level = "often"\n', "fail_level must be one of"),
        ("[lint\n", "not valid TOML"),
    ],
    ids=["unknown-key", "unknown-rule", "bad-severity", "bad-fail-level", "bad-toml"],
)
def test_bad_settings_are_one_line_usage_errors(tmp_path: Path, body: str, message: str) -> None:
    path = tmp_path / ".postmortem.toml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(UsageError, match="^" + str(path).replace(".", r"\.")) as caught:
        load_config(path)
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)
