"""``postmortem eval``: score drafts against recorded incidents; ``eval compare``: did a change help?"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from postmortem_writer.cli.endpoint import ModelFlags, model_options
from postmortem_writer.cli.groups import config_option
from postmortem_writer.cli.options import force_option, open_llm
from postmortem_writer.config import load_config
from postmortem_writer.errors import UsageError
from postmortem_writer.evaluation import (
    Case,
    build_report,
    find_cases,
    load_case,
    render_json,
    render_markdown,
    run_case,
)
from postmortem_writer.evaluation.metrics import DEFAULT_TOLERANCES
from postmortem_writer.evaluation.report import compare_reports, load_report, render_deltas
from postmortem_writer.evaluation.runner import Extractor
from postmortem_writer.llm.session import Session
from postmortem_writer.models import Draft
from postmortem_writer.output import check_writable, write_atomic
from postmortem_writer.pipeline import Ingested, draft_from
from postmortem_writer.redact import Privacy

_DEFAULT_CASES = "evals/cases"


class _EvalGroup(click.Group):
    """``eval [CASES_DIR]`` runs the cases; ``eval compare …`` is a subcommand, not a folder named compare."""

    allow_interspersed_args = True  # `eval evals/cases -o r.json`: options may follow the folder

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] in self.commands:
            # `eval compare …`: the folder takes its default, and from the subcommand's name on, every
            # word is the subcommand's (its options are not the group's).
            ctx.allow_interspersed_args = False
            return super().parse_args(ctx, [_DEFAULT_CASES, *args])
        return super().parse_args(ctx, args)


class _CasesDir(click.Argument):
    """CASES_DIR belongs to `eval` alone: keep it out of the usage line of `eval compare`."""

    def get_usage_pieces(self, ctx: click.Context) -> list[str]:
        return super().get_usage_pieces(ctx) if isinstance(ctx.command, click.Group) else []


@click.group("eval", cls=_EvalGroup, invoke_without_command=True)
@click.argument("cases_dir", cls=_CasesDir, required=False, default=_DEFAULT_CASES, type=click.Path(path_type=Path))
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    help="Write the report here: JSON if the name ends in .json, else Markdown (default: Markdown on stdout).",
)
@model_options
@config_option
@click.option(
    "--record",
    type=click.Path(file_okay=False, path_type=Path),
    help="Store every model request and answer in this folder (no keys), for --replay.",
)
@click.option(
    "--replay",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Answer model calls only from a --record folder: offline and exact; a missing answer is an error.",
)
@force_option
@click.pass_context
def eval_command(
    ctx: click.Context,
    /,
    cases_dir: Path,
    output: Path | None,
    model_flags: ModelFlags,
    config: Path | None,
    record: Path | None,
    replay: Path | None,
    force: bool,
) -> None:
    """Score the drafts of recorded incidents against their gold, per case and overall.

    CASES_DIR (default evals/cases) holds one folder per incident: sources/ with the raw exports
    and gold.yaml with the reference timeline, contributing factors and action items (format in
    evals/README.md); a single case folder works too. Each case is drafted with the rules
    extractor, or with a model (--extractor llm and the endpoint options, as for `draft`), and
    scored: timeline recall and precision, kind agreement, exact-time rate, citation validity
    (must be 100%, else exit 1), unsupported claims, factor recall and precision, action-item
    recall, section completeness, and model calls, tokens and latency. A progress bar runs on
    stderr. --record keeps every model answer so that --replay reproduces the run offline.

    \b
    Examples:
      postmortem eval
      postmortem eval evals/cases -o report.json
      postmortem eval compare evals/baseline.json report.json
      postmortem eval --extractor llm --model gpt-4.1-mini --record runs/r1 -o r1.json
      postmortem eval --replay runs/r1 -o r1-again.json
    """
    if ctx.invoked_subcommand is not None:
        return
    if record is not None and replay is not None:
        raise UsageError("--record and --replay exclude each other")
    if output is not None:
        check_writable(output, force=force)
    cases = [load_case(folder) for folder in find_cases(cases_dir)]  # every gold.yaml is checked before any run
    tolerances = DEFAULT_TOLERANCES
    session = open_llm(model_flags, load_config(config).llm, record=record, replay=replay)
    results = []
    try:
        with click.progressbar(cases, label="Scoring", file=sys.stderr, item_show_func=_slug) as bar:
            for case in bar:
                results.append(run_case(case, extract=_extractor(session), tolerances=tolerances))
    finally:
        if session is not None:
            session.close()
    for result in results:
        for warning in result.warnings:
            click.echo(f"warning: {result.slug}: {warning}", err=True)
    report = build_report(results, tolerances)
    text = render_json(report) if output is not None and output.suffix == ".json" else render_markdown(report)
    if output is None:
        click.echo(text, nl=False)
    else:
        write_atomic(output, text, force=force)
        click.echo(f"Scored {len(results)} case(s); wrote {output}", err=True)
    failures = report.failures()
    for failure in failures:
        click.echo(f"error: {failure}", err=True)
    if failures:
        sys.exit(1)


def _extractor(session: Session | None) -> Extractor:
    """The extraction step for one case: the rules, or the model with the case's own call totals."""

    def extract(ingested: Ingested) -> Draft:
        # The model sees redacted events, as in a real draft; the score is taken on the values, as
        # the gold answers state them.
        privacy = Privacy(rehydrate=True)
        return draft_from(ingested, llm=session.fresh() if session is not None else None, privacy=privacy)

    return extract


def _slug(case: Case | None) -> str | None:
    return case.slug if case is not None else None


@eval_command.command()
@click.argument("old", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("new", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--tolerance",
    type=click.FloatRange(min=0),
    default=0.02,
    show_default=True,
    help="How far a metric may get worse (as a fraction: 0.02 = 2 percentage points) before it counts as a drop.",
)
def compare(old: Path, new: Path, tolerance: float) -> None:
    """Print the overall metrics of two eval reports side by side; exit 1 if one dropped.

    OLD and NEW are JSON reports written by `postmortem eval -o FILE.json`. A metric drops when
    it moves in its worse direction (down for recall, up for unsupported claims) by more than
    --tolerance.

    \b
    Example:
      postmortem eval -o new.json && postmortem eval compare evals/baseline.json new.json
    """
    before = load_report(old.read_text(encoding="utf-8"), str(old))
    after = load_report(new.read_text(encoding="utf-8"), str(new))
    deltas = compare_reports(before, after, tolerance)
    click.echo(render_deltas(deltas), nl=False)
    dropped = [delta.metric.label for delta in deltas if delta.regressed]
    if dropped:
        click.echo(f"error: dropped past the tolerance ({tolerance:g}): {', '.join(dropped)}", err=True)
        sys.exit(1)
