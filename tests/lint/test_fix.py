"""Verified rewrites put into a file: found by the finding's position, replaced in place, every
other byte kept, and the patch `git apply` and `patch` take."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import NamedTuple

import pytest

from postmortem_writer.lint import lint_text
from postmortem_writer.lint.fix import (
    BLOCK,
    INDENTED_CODE,
    MARKUP,
    MOVED,
    PIPE,
    UNSAFE,
    apply_edits,
    place,
    unified_diff,
)
from postmortem_writer.lint.reword import reword_findings, reword_text
from rewriter_support import REWRITES, KnownRewriter, without_offline

R = "The reviewer should have spotted the missing index."
R2 = REWRITES[R]
D = "Dana forgot to renew the certificate, and checkout went down."


@pytest.fixture(autouse=True)
def _test_rewriter_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    """The test rewriter alone: the offline rewriter's fallback would rewrite what it leaves."""
    without_offline(monkeypatch)


class Case(NamedTuple):
    text: str
    after: str
    skipped: list[str]
    rewrites: dict[str, str] = REWRITES


CASES = {
    "one-line": Case(f"# Analysis\n\nIntro. {R} Next.\n", f"# Analysis\n\nIntro. {R2} Next.\n", []),
    "crlf-endings-kept": Case(f"# A\r\n\r\n{R}\r\nMore text here.\r\n", f"# A\r\n\r\n{R2}\r\nMore text here.\r\n", []),
    "no-final-newline": Case(f"Intro.\n\n{R}", f"Intro.\n\n{R2}", []),
    "wrapped-list-item": Case(
        "- Dana forgot to renew the\n  certificate, and checkout went down.\n",
        "- The certificate was not renewed, and\n  checkout went down.\n",
        [],
    ),
    "wrapped-crlf-paragraph": Case(
        "Intro line here. Dana forgot to renew the\r\ncertificate, and checkout went down. More text\r\nfollows.\r\n",
        "Intro line here. The certificate was not\r\nrenewed, and checkout went down. More text\r\nfollows.\r\n",
        [],
    ),
    "wrapped-rewrite-needs-more-lines": Case(
        "Dana forgot to renew\nthe certificate, and\ncheckout went down.\n",
        "The certificate was\nnot renewed, and\nthen the checkout\nwent down.\n",
        [],
        {D: "The certificate was not renewed, and then the checkout went down."},
    ),
    "appears-twice": Case(f"{R}\n\nBetween.\n\n{R}\n", f"{R2}\n\nBetween.\n\n{R2}\n", []),
    "copy-in-fenced-code-kept": Case(f"```\n{R}\n```\n\n{R}\n", f"```\n{R}\n```\n\n{R2}\n", []),
    "code-span-inside": Case(
        "The reviewer should have spotted the `idx_users` missing index.\n",
        "The reviewer should have spotted the `idx_users` missing index.\n",
        [MARKUP],
        {"The reviewer should have spotted the missing index.": R2},
    ),
    "indented-code-block": Case(f"Intro.\n\n    {R}\n", f"Intro.\n\n    {R}\n", [INDENTED_CODE]),
    "list-continuation-is-prose": Case(f"- Item one.\n\n    {R}\n", f"- Item one.\n\n    {R2}\n", []),
    "table-cell": Case(f"| 10:02 | {R} |\n", f"| 10:02 | {R2} |\n", []),
    "table-cell-pipe": Case(
        f"| 10:02 | {R} |\n", f"| 10:02 | {R} |\n", [PIPE], {R: "The missing index | was not spotted."}
    ),
    "block-marker-at-line-start": Case(f"{R}\n", f"{R}\n", [BLOCK], {R: "- The missing index was not spotted."}),
    "markup-escaped": Case(
        f"{R}\n",
        "The missing index &lt;b>was not&lt;/b> spotted.\n",
        [],
        {R: "The missing index <b>was not</b> spotted."},
    ),
    "control-characters": Case(f"{R}\n", f"{R}\n", [UNSAFE], {R: "The missing index was not \x1b[31m spotted."}),
}


def _placed(case: Case) -> tuple[str, list[str]]:
    items = reword_text(case.text, rewriter=KnownRewriter(case.rewrites))
    assert items, "the case's sentence must be flagged"
    placements = place(case.text, items)
    after = apply_edits(case.text, [edit for p in placements for edit in p.edits])
    return after, [skip.reason for p in placements for skip in p.skips]


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_a_rewrite_replaces_its_sentence_in_place_or_is_skipped_with_a_reason(case: Case) -> None:
    after, skipped = _placed(case)
    assert after == case.after
    assert skipped == case.skipped


def test_a_sentence_moved_since_the_lint_is_skipped() -> None:
    findings = lint_text(f"Intro.\n\n{R}\n")
    items = reword_findings(findings, rewriter=KnownRewriter())
    placements = place(f"A longer introduction.\n\n{R}\n", items)
    assert [s.reason for s in placements[0].skips] == [MOVED]
    assert not placements[0].edits


def test_without_a_verified_rewrite_nothing_is_placed() -> None:
    items = reword_text(R, rewriter=KnownRewriter({}))  # the sentence back: still blames
    placement = place(R, items)[0]
    assert placement.item.offered is None
    assert (placement.edits, placement.skips) == ((), ())


def test_the_findings_fixed_are_those_in_a_replaced_sentence() -> None:
    text = f"{D}\n\n{R}\n"
    placements = place(text, reword_text(text, rewriter=KnownRewriter({R: R2})))
    assert [p.findings_fixed for p in placements] == [0, 1]


def test_the_diff_names_the_lines_it_changes() -> None:
    text = "".join(f"Line {n} is fine.\n" for n in range(1, 9)) + f"{R}\n"
    after, _ = _placed(Case(text, "", []))
    diff = unified_diff(text, after, "a/pm.md", "b/pm.md")
    assert diff.splitlines()[:3] == ["--- a/pm.md", "+++ b/pm.md", "@@ -6,4 +6,4 @@"]
    assert f"-{R}\n+{R2}\n" in diff


CHANGED = {name: case for name, case in CASES.items() if case.after != case.text}


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
@pytest.mark.parametrize("case", CHANGED.values(), ids=CHANGED.keys())
def test_git_apply_takes_the_patch_and_makes_the_same_bytes(case: Case, tmp_path: Path) -> None:
    after, _ = _placed(case)
    (tmp_path / "pm.md").write_bytes(case.text.encode())
    (tmp_path / "fix.patch").write_bytes(unified_diff(case.text, after, "a/pm.md", "b/pm.md").encode())
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    subprocess.run(["git", "apply", "--check", "fix.patch"], cwd=tmp_path, check=True)
    subprocess.run(["git", "apply", "fix.patch"], cwd=tmp_path, check=True)
    assert (tmp_path / "pm.md").read_bytes() == case.after.encode()


@pytest.mark.skipif(shutil.which("patch") is None, reason="patch is not installed")
@pytest.mark.parametrize("case", CHANGED.values(), ids=CHANGED.keys())
def test_patch_p1_takes_the_patch_and_makes_the_same_bytes(case: Case, tmp_path: Path) -> None:
    after, _ = _placed(case)
    (tmp_path / "pm.md").write_bytes(case.text.encode())
    patch = unified_diff(case.text, after, "a/pm.md", "b/pm.md").encode()
    subprocess.run(["patch", "-p1", "--quiet", "--binary"], cwd=tmp_path, input=patch, check=True)
    assert (tmp_path / "pm.md").read_bytes() == case.after.encode()


def test_edits_and_skips_name_the_line_of_their_sentence() -> None:
    text = f"# A\n\nIntro.\n\n    {R}\n\n- Item.\n\n{R}\n"
    placements = place(text, reword_text(text, rewriter=KnownRewriter()))
    assert [(s.line, s.reason) for s in placements[0].skips] == [(5, INDENTED_CODE)]
    assert [e.line for e in placements[0].edits] == [9]
