"""``postmortem reword``: blameless templates for flagged sentences, verified rewrites, and those
rewrites as a diff, a patch, or written into the file."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import click

from postmortem_writer.cli.endpoint import ModelFlags, model_options
from postmortem_writer.cli.lint import (
    LintFlags,
    lint_options,
    open_model,
    patch_names,
    read_exact,
    read_text,
    rewriter_for,
)
from postmortem_writer.config import load_config
from postmortem_writer.errors import UsageError
from postmortem_writer.lint import reword_eval
from postmortem_writer.lint.config import LintConfig
from postmortem_writer.lint.detect import lint_text
from postmortem_writer.lint.fix import Placement, apply_edits, place, unified_diff
from postmortem_writer.lint.reword import TEMPLATE_LABEL, findings_from_json, render_reworded, reword_findings
from postmortem_writer.output import replace_atomic


@click.command()
@click.argument("sentence", required=False)
@click.option(
    "--file",
    "file_path",
    type=click.Path(path_type=Path),
    help="Reword every flagged sentence of a file: each verified rewrite shown as a diff of the file.",
)
@click.option(
    "--findings",
    "findings_path",
    type=click.Path(path_type=Path),
    help="Reword the sentences of a `postmortem lint --format json` report.",
)
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option(
    "--eval",
    "eval_path",
    type=click.Path(path_type=Path),
    help="Score the offline rewriter on a rewrite set (evals/lint/rewrites.jsonl) instead of rewording.",
)
@click.option("--split", "splits", multiple=True, help="With --eval: only this part (repeatable).")
@click.option("--show", type=click.IntRange(min=0), default=0, help="With --eval: print N original/rewrite/reference.")
@click.option(
    "--apply",
    "apply_rewrites",
    is_flag=True,
    help="With --file: write the verified rewrites into the file, in one atomic step (mode kept). Refused when "
    "the file changed after it was read, unless --force.",
)
@click.option(
    "--patch",
    is_flag=True,
    help="With --file: print only one patch of every verified rewrite (paths a/F and b/F), for `git apply` or "
    "`patch -p1` in the current folder; the file is not written.",
)
@click.option("--force", is_flag=True, help="With --apply: write even though the file changed after it was read.")
@lint_options
@model_options
@click.option(
    "--redact/--no-redact",
    default=True,
    show_default=True,
    help="Replace secrets and personal data in each sentence with placeholders before a model sees it "
    "(the rewrite shown has the values back).",
)
def reword(
    sentence: str | None,
    file_path: Path | None,
    findings_path: Path | None,
    output_format: str,
    apply_rewrites: bool,
    patch: bool,
    force: bool,
    redact: bool,
    eval_path: Path | None,
    splits: tuple[str, ...],
    show: int,
    lint_flags: LintFlags,
    config: Path | None,
    model_flags: ModelFlags,
) -> None:
    """Suggest blameless wording for sentences that `postmortem lint` flags.

    Give one SENTENCE, a --file, or the --findings of a lint run. Without a model the rewrite is
    made offline from the sentence's structure: the blamed doer taken out (passive voice, or the
    change as subject), judgement words dropped, "should have noticed X" turned into "X was not
    acted on", a missing safeguard the sentence states named. A rewrite is offered only when it is
    verified: it passes lint, keeps every time, number, identifier, quoted term and system name of
    the original, and drops nothing but the blamed person and the judgement. Where there is none,
    the rules' templates are shown, labelled as such, with the reason: they show the shape of a
    blameless sentence (the change or condition as subject, what was seen and when, a question where
    the reason is unknown); fill the <...> parts in from the record. With a model endpoint
    configured (as for `draft`), each flagged sentence is also sent to it for a schema-constrained
    rewrite with the categories it addresses, a rationale and questions for the author.

    With --file, each verified rewrite is shown as a unified diff of the file: the sentence
    replaced where the lint found it (re-wrapped when it spans lines), every other byte as it was.
    A sentence in markup the lint does not read (a code span or link target inside it, an indented
    code block) is left alone, with the reason. --apply writes the rewrites into the file; --patch
    prints them as one patch instead.

    \b
    Examples:
      postmortem reword "The on-call engineer should have noticed the alert at 02:10."
      postmortem reword --file postmortem.md
      postmortem reword --file postmortem.md --apply
      postmortem reword --file postmortem.md --apply --force     # even if it changed meanwhile
      postmortem reword --file postmortem.md --patch > reword.patch; git apply reword.patch
      postmortem lint postmortem.md --format json > lint.json; postmortem reword --findings lint.json
      postmortem reword --eval evals/lint/rewrites.jsonl --split dev --show 5
    """
    if eval_path is not None:
        _score(eval_path, splits, show, output_format, lint_flags.over(load_config(config).lint))
        return
    given = [value for value in (sentence, file_path, findings_path) if value is not None]
    if len(given) != 1:
        raise UsageError("give exactly one of SENTENCE, --file or --findings")
    if (apply_rewrites or patch) and file_path is None:
        raise UsageError("--apply and --patch work on a --file")
    if apply_rewrites and patch:
        raise UsageError("give --apply (write the file) or --patch (print a patch), not both")
    if force and not apply_rewrites:
        raise UsageError("--force goes with --apply")
    if apply_rewrites and str(file_path) == "-":
        raise UsageError("--apply writes the file: give its path, not '-' (or print a --patch)")
    # One settings file for both: the [llm] table of the file that gave the [lint] table.
    settings = load_config(config)
    lint_config = lint_flags.over(settings.lint)
    text, data = "", b""
    if findings_path is not None:
        findings = findings_from_json(read_text(findings_path), path=str(findings_path))
    elif file_path is not None:
        text, data = read_exact(file_path)
        findings = lint_text(text, path=str(file_path), config=lint_config)
    else:
        findings = lint_text(sentence or "", path="sentence", config=lint_config)
    session = open_model(model_flags, settings.llm)
    try:
        rewriter = rewriter_for(session, lint_config, findings, redact=redact)
        reworded = reword_findings(findings, rewriter=rewriter, config=lint_config)
    finally:
        if session is not None:
            session.close()
    if file_path is None:
        click.echo(render_reworded(reworded, output_format), nl=False)
        return
    placements = place(text, reworded)
    edits = [edit for placement in placements for edit in placement.edits]
    old, new = patch_names(file_path)
    if patch:
        click.echo(unified_diff(text, apply_edits(text, edits), old, new), nl=False)
    elif output_format == "json":
        click.echo(render_reworded(reworded, output_format), nl=False)
    else:
        click.echo(render_placements(text, placements, (old, new)), nl=False)
    if apply_rewrites and edits:
        replace_atomic(file_path, apply_edits(text, edits), read=data, force=force)
    done = "rewritten" if apply_rewrites else "to rewrite"
    left = sum(1 for p in placements if not p.edits)
    click.echo(f"{file_path}: {len(edits)} sentence(s) {done}, {left} left with templates", err=True)


def render_placements(text: str, placements: Sequence[Placement], names: tuple[str, str]) -> str:
    """Each flagged sentence of a file with its findings, then its verified rewrite as a diff of the
    file, or the templates and why there is no rewrite."""
    if not placements:
        return "No blame-prone wording found; nothing to reword.\n"
    blocks = []
    for placement in placements:
        item = placement.item
        first = item.findings[0]
        lines = [f"{first.path}:{first.line}:{first.column}: {item.sentence}"]
        lines += [f"  {f.rule_id}: {f.message} ({f.match!r})" for f in item.findings]
        lines += [f"  line {skip.line} left as it is: {skip.reason}" for skip in placement.skips]
        if placement.edits:
            lines.append(f"  verified rewrite ({item.source}):")
            lines.append(unified_diff(text, apply_edits(text, placement.edits), *names).rstrip("\n"))
        else:
            lines.append(f"  no rewrite in the file: {_why_not(placement)}")
            lines.append(f"  {TEMPLATE_LABEL}:")
            lines += [f"    [{rule}] {template}" for rule, template in item.templates]
        if item.offered is not None:
            lines += [f"  question for the author: {q}" for q in item.offered.questions]
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + "\n"


def _why_not(placement: Placement) -> str:
    item = placement.item
    if item.offered is not None:
        return f"the verified rewrite {item.offered.text!r} could not be placed"
    return "; ".join(item.reasons) or "none was proposed"


def _score(path: Path, splits: tuple[str, ...], show: int, output_format: str, config: LintConfig) -> None:
    """``--eval``: the offline rewriter's figures on the parts ``splits`` of a rewrite set (every part without)."""
    cases = reword_eval.load_cases(path) if path.is_file() else []
    if not cases:
        raise UsageError(f"{path}: no rewrite-set rows to score")
    chosen = [case for case in cases if not splits or case.split in splits]
    if not chosen:
        raise UsageError(f"{path}: no rows in part(s) {', '.join(splits)}")
    parts = reword_eval.evaluate(chosen, config)
    text = reword_eval.scores_json(parts) if output_format == "json" else reword_eval.render_scores(parts, show)
    click.echo(text, nl=False)
