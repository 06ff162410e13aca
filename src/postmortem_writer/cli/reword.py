"""``postmortem reword``: blameless templates for flagged sentences, and verified model rewrites."""

from __future__ import annotations

from pathlib import Path

import click

from postmortem_writer.cli.endpoint import ModelFlags, model_options
from postmortem_writer.cli.lint import LintFlags, lint_options, read_text
from postmortem_writer.cli.options import open_llm
from postmortem_writer.config import load_config
from postmortem_writer.errors import UsageError
from postmortem_writer.lint import reword_eval
from postmortem_writer.lint.config import LintConfig
from postmortem_writer.lint.detect import lint_text
from postmortem_writer.lint.model_rewriter import ModelRewriter
from postmortem_writer.lint.reword import findings_from_json, render_reworded, reword_findings
from postmortem_writer.redact import PLACEHOLDER, Redaction
from postmortem_writer.redact.detect import Detector


@click.command()
@click.argument("sentence", required=False)
@click.option("--file", "file_path", type=click.Path(path_type=Path), help="Reword every flagged sentence of a file.")
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
    redact: bool,
    eval_path: Path | None,
    splits: tuple[str, ...],
    show: int,
    lint_flags: LintFlags,
    config: Path | None,
    model_flags: ModelFlags,
) -> None:
    """Suggest blameless wording for sentences that `postmortem lint` flags.

    Give one SENTENCE, a --file, or the --findings of a lint run. With no model configured the
    suggestions are the rules' templates, labelled as such: they show the shape of a blameless
    sentence (the change or condition as subject, what was seen and when, a question where the
    reason is unknown); fill the <...> parts in from the record. With a model endpoint configured
    (as for `draft`), each flagged sentence also gets a schema-constrained rewrite with the
    categories it addresses, a rationale and questions for the author; a rewrite is offered only
    after it passes lint and keeps every time, number, identifier and system name of the original.

    \b
    Examples:
      postmortem reword "The on-call engineer should have noticed the alert at 02:10."
      postmortem reword --file postmortem.md
      postmortem lint postmortem.md --format json > lint.json; postmortem reword --findings lint.json
      postmortem reword --eval evals/lint/rewrites.jsonl --split dev --show 5
    """
    if eval_path is not None:
        _score(eval_path, splits, show, output_format, lint_flags.over(load_config(config).lint))
        return
    given = [value for value in (sentence, file_path, findings_path) if value is not None]
    if len(given) != 1:
        raise UsageError("give exactly one of SENTENCE, --file or --findings")
    # One settings file for both: the [llm] table of the file that gave the [lint] table.
    settings = load_config(config)
    lint_config = lint_flags.over(settings.lint)
    if findings_path is not None:
        findings = findings_from_json(read_text(findings_path), path=str(findings_path))
    elif file_path is not None:
        findings = lint_text(read_text(file_path), path=str(file_path), config=lint_config)
    else:
        findings = lint_text(sentence or "", path="sentence", config=lint_config)
    session = open_llm(model_flags, settings.llm)
    try:
        # Placeholders the text already holds (a redacted draft) are not handed out again.
        taken = frozenset(m for f in findings for m in PLACEHOLDER.findall(f.sentence))
        hiding = Redaction(Detector(), taken=taken) if redact else None
        rewriter = ModelRewriter(session.caller, lint_config, hiding) if session is not None else None
        reworded = reword_findings(findings, rewriter=rewriter, config=lint_config)
    finally:
        if session is not None:
            session.close()
    click.echo(render_reworded(reworded, output_format), nl=False)


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
