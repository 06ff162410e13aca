"""`reword --file` (diff, --apply, --patch) and `lint --fix` / `--diff` through the CLI, with a
rewriter of known rewrites in place of the model: outputs, files written or not, exit codes."""

from __future__ import annotations

import shutil
import stat
import subprocess
from collections.abc import Sequence
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from postmortem_writer.cli import cli
from postmortem_writer.cli import lint as lint_cli
from postmortem_writer.cli import reword as reword_cli
from postmortem_writer.lint.reword import TEMPLATE_LABEL, Rewrite
from postmortem_writer.models import Finding
from rewriter_support import REWRITES, KnownRewriter, without_offline

R = "The reviewer should have spotted the missing index."
R2 = REWRITES[R]
D = "Dana forgot to renew the certificate, and checkout went down."
D2 = REWRITES[D]
DOC = f"# Analysis\r\n\r\nIntro. {R}\r\nMore text.\r\n"
FIXED = f"# Analysis\r\n\r\nIntro. {R2}\r\nMore text.\r\n"


def run(*args: str, stdin: str | None = None) -> Result:
    return CliRunner().invoke(cli, list(args), input=stdin, catch_exceptions=False)


def use(monkeypatch: pytest.MonkeyPatch, rewriter: object) -> None:
    """Both commands get ``rewriter`` where they would ask for the model's."""
    monkeypatch.setattr(lint_cli, "rewriter_for", lambda *args, **kwargs: rewriter)
    monkeypatch.setattr(reword_cli, "rewriter_for", lambda *args, **kwargs: rewriter)
    without_offline(monkeypatch)


@pytest.fixture
def pm(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)  # no settings file of the checkout leaks in; patch paths are relative
    use(monkeypatch, KnownRewriter())
    path = tmp_path / "pm.md"
    path.write_bytes(DOC.encode())
    path.chmod(0o640)
    return path


class Meddler(KnownRewriter):
    """Saves the file (as an editor would) while the rewrite is being made."""

    def __init__(self, path: Path, content: bytes) -> None:
        super().__init__()
        self.path, self.content = path, content

    def rewrite(self, sentence: str, findings: Sequence[Finding]) -> Rewrite:
        self.path.write_bytes(self.content)
        return super().rewrite(sentence, findings)


def test_reword_file_shows_each_rewrite_as_a_diff_of_the_file(pm: Path) -> None:
    result = run("reword", "--file", "pm.md")
    assert result.exit_code == 0
    assert "pm.md:3:21: " + R in result.stdout
    # Click's stdout reads "\r\n" as "\n": the bytes show the file's own line endings.
    diff = f"--- a/pm.md\n+++ b/pm.md\n@@ -1,4 +1,4 @@\n # Analysis\r\n \r\n-Intro. {R}\r\n+Intro. {R2}\r\n"
    assert diff.encode() in result.stdout_bytes
    assert "pm.md: 1 sentence(s) to rewrite, 0 left with templates" in result.stderr
    assert pm.read_bytes() == DOC.encode()


def test_reword_file_without_a_verified_rewrite_shows_the_templates_and_why(
    pm: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    use(monkeypatch, KnownRewriter({}))
    result = run("reword", "--file", "pm.md")
    assert "no rewrite in the file: model rewrite rejected: still blame.counterfactual" in result.stdout
    assert TEMPLATE_LABEL in result.stdout
    assert "--- a/pm.md" not in result.stdout


def test_reword_apply_writes_the_rewrites_keeping_line_endings_and_mode(pm: Path) -> None:
    result = run("reword", "--file", "pm.md", "--apply")
    assert result.exit_code == 0
    assert pm.read_bytes() == FIXED.encode()
    assert stat.S_IMODE(pm.stat().st_mode) == 0o640
    assert "pm.md: 1 sentence(s) rewritten" in result.stderr
    assert [p.name for p in pm.parent.iterdir()] == ["pm.md"]  # no temporary file left


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_reword_patch_prints_only_a_patch_git_applies(pm: Path) -> None:
    result = run("reword", "--file", str(pm), "--patch")  # an absolute path is named relative to here
    assert result.exit_code == 0
    assert result.stdout.startswith("--- a/pm.md\n+++ b/pm.md\n@@ ")
    assert pm.read_bytes() == DOC.encode()
    subprocess.run(["git", "init", "-q"], cwd=pm.parent, check=True)
    subprocess.run(["git", "apply"], cwd=pm.parent, input=result.stdout_bytes, check=True)
    assert pm.read_bytes() == FIXED.encode()


@pytest.mark.parametrize("command", [("reword", "--file", "pm.md", "--apply"), ("lint", "pm.md", "--fix")])
def test_a_file_changed_meanwhile_is_not_written(
    command: tuple[str, ...], pm: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    saved = DOC.replace("More text.", "More text, saved meanwhile.").encode()
    use(monkeypatch, Meddler(pm, saved))
    result = run(*command)
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == (
        "error: pm.md: changed since it was read; nothing written (run again, or pass --force to overwrite it)"
    )
    assert pm.read_bytes() == saved
    assert [p.name for p in pm.parent.iterdir()] == ["pm.md"]


@pytest.mark.parametrize("command", [("reword", "--file", "pm.md", "--apply"), ("lint", "pm.md", "--fix")])
def test_force_writes_a_file_changed_meanwhile(
    command: tuple[str, ...], pm: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    use(monkeypatch, Meddler(pm, b"saved meanwhile\n"))
    run(*command, "--force")
    assert pm.read_bytes() == FIXED.encode()


BAD_FILES = {
    "missing": (None, "error: gone.md: no such file"),
    "binary": (b"PK\x03\x04\x00\x00binary", "error: gone.md:byte 4: not a text file (a NUL byte)"),
    "not-utf8": (b"Caf\xe9 notes\n", "error: gone.md:byte 3: not UTF-8 text"),
    "folder": ("folder", "error: gone.md: is a folder; pass the Markdown files inside it"),
}


@pytest.mark.parametrize("command", [("reword", "--file", "gone.md", "--apply"), ("lint", "gone.md", "--fix")])
@pytest.mark.parametrize(("content", "error"), BAD_FILES.values(), ids=BAD_FILES.keys())
def test_bad_input_is_one_line_naming_the_file(
    command: tuple[str, ...], content: bytes | str | None, error: str, pm: Path
) -> None:
    if isinstance(content, bytes):
        (pm.parent / "gone.md").write_bytes(content)
    elif content == "folder":
        (pm.parent / "gone.md").mkdir()
    result = run(*command)
    assert result.exit_code == 2
    assert result.stderr == error + "\n"


USAGE = {
    "apply-without-file": (["reword", R, "--apply"], "--apply and --patch work on a --file"),
    "patch-without-file": (["reword", R, "--patch"], "--apply and --patch work on a --file"),
    "apply-and-patch": (["reword", "--file", "pm.md", "--apply", "--patch"], "not both"),
    "reword-force-alone": (["reword", "--file", "pm.md", "--force"], "--force goes with --apply"),
    "apply-to-stdin": (["reword", "--file", "-", "--apply"], "give its path, not '-'"),
    "lint-fix-stdin": (["lint", "-", "--fix"], "give paths, not '-'"),
    "lint-fix-eval": (["lint", "--eval", "pm.md", "--fix"], "do not go with --eval"),
    "lint-force-alone": (["lint", "pm.md", "--force"], "--force goes with --fix"),
}


@pytest.mark.parametrize(("args", "message"), USAGE.values(), ids=USAGE.keys())
def test_options_that_do_not_go_together_are_refused(args: list[str], message: str, pm: Path) -> None:
    result = run(*args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert result.stderr.count("\n") == 1
    assert pm.read_bytes() == DOC.encode()


def test_lint_fix_fixes_every_file_and_reports_what_remains(pm: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    use(monkeypatch, KnownRewriter({R: R2}))
    other = pm.parent / "other.md"
    other.write_text(f"{D}\n\n{R}\n", encoding="utf-8")
    result = run("lint", "pm.md", "other.md", "--fix")
    assert pm.read_bytes() == FIXED.encode()
    assert other.read_text(encoding="utf-8") == f"{D}\n\n{R2}\n"
    assert "2 fixed, 2 remaining in 2 file(s)" in result.stderr
    assert result.stdout.count("other.md:1:") == 2  # Dana's sentence has no rewrite here: it remains
    assert "pm.md" not in result.stdout
    assert result.exit_code == 1


def test_lint_fix_exits_zero_when_nothing_remains(pm: Path) -> None:
    result = run("lint", "pm.md", "--fix")
    assert (result.exit_code, result.stdout) == (0, "")
    assert "1 fixed, 0 remaining in 1 file(s)" in result.stderr
    assert run("lint", "pm.md").exit_code == 0


def test_lint_diff_shows_the_fixes_and_writes_nothing(pm: Path) -> None:
    result = run("lint", "pm.md", "--diff", "--fix")  # --diff wins, as in ruff
    assert result.exit_code == 1
    assert result.stdout.startswith("--- a/pm.md\n+++ b/pm.md\n")
    assert f"+Intro. {R2}\r\n".encode() in result.stdout_bytes
    assert "1 fixable finding(s) in 1 file(s); nothing written" in result.stderr
    assert pm.read_bytes() == DOC.encode()


def test_lint_diff_with_nothing_to_fix_exits_zero(pm: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    use(monkeypatch, KnownRewriter({}))
    result = run("lint", "pm.md", "--diff")
    assert (result.exit_code, result.stdout) == (0, "")


def test_lint_diff_reads_stdin(pm: Path) -> None:
    result = run("lint", "-", "--diff", stdin=f"{R}\n")
    assert result.exit_code == 1
    assert f"-{R}\n+{R2}\n" in result.stdout


@pytest.mark.parametrize(
    ("command", "options"),
    [("reword", ["--apply", "--patch", "--force"]), ("lint", ["--fix", "--diff", "--force"])],
)
def test_help_explains_the_new_options_with_examples(command: str, options: list[str]) -> None:
    text = run(command, "--help").stdout
    examples = [line.strip() for line in text.splitlines() if line.strip().startswith(f"postmortem {command} ")]
    for option in options:
        assert f"{option} " in text.split("Options:")[1]  # explained among the options
        assert any(option in example.split() for example in examples)


def test_without_a_model_lint_fix_writes_the_offline_rewrite(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pm.md").write_text("# Analysis\n\nDana forgot to renew the certificate, and checkout went down.\n")
    result = run("lint", "pm.md", "--fix")
    assert (tmp_path / "pm.md").read_text() == (
        "# Analysis\n\nThe certificate was not renewed, and checkout went down.\n"
    )
    assert "2 fixed, 0 remaining in 1 file(s)" in result.stderr  # two findings in the one sentence
