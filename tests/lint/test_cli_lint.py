"""``postmortem lint`` and ``postmortem reword`` through the CLI: outputs, exit codes, one-line errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from postmortem_writer.cli import cli

BLAME = "The reviewer should have spotted the missing index.\n"


def run(*args: str, stdin: str | None = None) -> Result:
    return CliRunner().invoke(cli, list(args), input=stdin, catch_exceptions=False)


@pytest.fixture
def pm(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)  # no settings file of the checkout leaks in
    path = tmp_path / "pm.md"
    path.write_text(BLAME, encoding="utf-8")
    return path


@pytest.mark.parametrize("command", ["lint", "reword"])
def test_help_explains_with_an_example(command: str) -> None:
    result = run(command, "--help")
    assert result.exit_code == 0
    assert "Example" in result.output


def test_lint_reports_and_fails_at_warning(pm: Path) -> None:
    result = run("lint", str(pm))
    assert result.exit_code == 1
    assert result.stdout.startswith(f"{pm}:1:14: warning blame.counterfactual ")
    assert "1 finding(s) in 1 file(s)" in result.stderr


def test_fail_level_error_passes_warnings(pm: Path) -> None:
    assert run("lint", str(pm), "--fail-level", "error").exit_code == 0


def test_clean_text_from_stdin_exits_zero(pm: Path) -> None:
    result = run("lint", "-", stdin="The deploy finished at 10:02 UTC.\n")
    assert result.exit_code == 0
    assert result.stdout == ""


def test_disable_flag_and_people_flag(pm: Path) -> None:
    assert run("lint", str(pm), "--disable", "blame.counterfactual").exit_code == 0
    result = run("lint", "-", "--people", "Maria Lopez, @raj", stdin="Maria should have checked it.\n")
    assert "blame.naming_individuals" in result.stdout


def test_settings_file_is_found_in_the_current_folder(pm: Path) -> None:
    (pm.parent / ".postmortem.toml").write_text('[lint]\nfail_level = "never"\n', encoding="utf-8")
    assert run("lint", str(pm)).exit_code == 0


@pytest.mark.parametrize("output_format", ["json", "sarif", "github"])
def test_machine_formats(pm: Path, output_format: str) -> None:
    result = run("lint", str(pm), "--format", output_format)
    assert result.exit_code == 1
    if output_format == "github":
        assert result.stdout.startswith("::warning file=")
    else:
        assert json.loads(result.stdout)


def test_missing_file_is_one_line_error_without_traceback(pm: Path) -> None:
    result = run("lint", "nope.md")
    assert result.exit_code == 2
    assert result.stderr == "error: nope.md: no such file\n"


def test_non_utf8_file_names_the_byte(pm: Path) -> None:
    pm.write_bytes(b"ok \xff bad")
    result = run("lint", str(pm))
    assert result.exit_code == 2
    assert result.stderr == f"error: {pm}:byte 3: not UTF-8 text\n"


def test_no_files_is_a_usage_error(pm: Path) -> None:
    result = run("lint")
    assert result.exit_code == 2
    assert "give one or more FILES" in result.stderr


def test_list_rules_names_every_category(pm: Path) -> None:
    result = run("lint", "--list-rules")
    assert "blame.person_focused_remediation\twarning\t" in result.stdout
    assert "structure.action_item_owner" in result.stdout


def test_eval_prints_precision_recall_and_f1(tmp_path: Path) -> None:
    labelled = tmp_path / "set.jsonl"
    rows = [
        {"id": "a", "text": BLAME.strip(), "labels": ["counterfactual"], "source": "x", "split": "dev"},
        {"id": "b", "text": "The health check failed to detect it.", "labels": [], "source": "x", "split": "holdout"},
        {"id": "c", "text": "Obviously it broke.", "labels": [], "source": "x", "split": "dev"},
    ]
    labelled.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    result = run("lint", "--eval", str(labelled), "--split", "dev", "--misses")
    assert result.exit_code == 0
    assert "| counterfactual | 1 | 1 | 0 | 0 | 1.00 | 1.00 | 1.00 |" in result.stdout
    assert "| hindsight_minimizing | 0 | 0 | 1 | 0 | 0.00 | — | — |" in result.stdout
    assert "- c expected [] got ['hindsight_minimizing']: Obviously it broke." in result.stdout


def test_eval_rejects_an_unknown_split(tmp_path: Path) -> None:
    labelled = tmp_path / "set.jsonl"
    labelled.write_text('{"id": "a", "text": "x", "labels": [], "source": "x", "split": "dev"}\n', encoding="utf-8")
    result = run("lint", "--eval", str(labelled), "--split", "holdout")
    assert result.exit_code == 2
    assert "has the parts dev" in result.stderr


def test_eval_names_a_malformed_line(tmp_path: Path) -> None:
    labelled = tmp_path / "set.jsonl"
    labelled.write_text('{"id": "a", "text": "x", "labels": ["nonsense"], "source": "x"}\n', encoding="utf-8")
    result = run("lint", "--eval", str(labelled))
    assert result.exit_code == 2
    assert result.stderr == f"error: {labelled}:line 1: unknown category nonsense\n"


def test_reword_a_sentence_gives_an_offline_rewrite(pm: Path) -> None:
    result = run("reword", BLAME.strip())
    assert result.exit_code == 0
    assert "rewrite (offline, verified): The missing index was not spotted." in result.stdout
    assert "template, not a rewrite" not in result.stdout


def test_reword_without_a_rewrite_gives_labelled_templates_and_why() -> None:
    result = run("reword", "Then the engineer on call panicked.")
    assert result.exit_code == 0
    assert "no rewrite: offline: the doer 'engineer' of 'panicked' cannot be taken out" in result.stdout
    assert "template, not a rewrite" in result.stdout


def test_reword_from_lint_json(pm: Path) -> None:
    report = pm.parent / "lint.json"
    report.write_text(run("lint", str(pm), "--format", "json").stdout, encoding="utf-8")
    result = run("reword", "--findings", str(report), "--format", "json")
    assert json.loads(result.stdout)["sentences"][0]["sentence"] == BLAME.strip()


def test_reword_needs_exactly_one_input(pm: Path) -> None:
    result = run("reword", "x", "--file", str(pm))
    assert result.exit_code == 2
    assert "exactly one of SENTENCE, --file or --findings" in result.stderr


def test_reword_rejects_a_file_that_is_not_a_lint_report(pm: Path) -> None:
    result = run("reword", "--findings", str(pm))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: {pm}:")
