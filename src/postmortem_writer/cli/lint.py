"""``postmortem lint``: blame-prone wording and missing parts in a postmortem, as a linter reports them."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import click

from postmortem_writer.cli.endpoint import NO_ENDPOINT, ModelFlags, model_options, wants_model
from postmortem_writer.cli.groups import config_option, option_group
from postmortem_writer.config import load_config
from postmortem_writer.errors import InputError, UsageError
from postmortem_writer.lint.config import FAIL_LEVELS, LintConfig
from postmortem_writer.lint.detect import lint_text
from postmortem_writer.lint.evaluate import evaluate, format_paths, format_report, load_cases
from postmortem_writer.lint.fix import apply_edits, place, unified_diff
from postmortem_writer.lint.report import FORMATS, exit_status, render
from postmortem_writer.lint.reword import reword_findings
from postmortem_writer.lint.rewrite import Rewriter
from postmortem_writer.lint.rules import RULES, STRUCTURE_RULES
from postmortem_writer.models import Finding
from postmortem_writer.output import replace_atomic

if TYPE_CHECKING:
    from postmortem_writer.lint.model_judge import ModelJudge
    from postmortem_writer.llm.session import Session
    from postmortem_writer.llm.settings import EndpointConfig


@dataclass(frozen=True)
class LintFlags:
    """--people, --enable and --disable as given."""

    people: tuple[str, ...] = ()
    enable: tuple[str, ...] = ()
    disable: tuple[str, ...] = ()

    def over(self, config: LintConfig) -> LintConfig:
        """The settings file's ``[lint]`` table with these flags on top."""
        names = [name.strip() for value in self.people for name in value.split(",")]
        switches = dict.fromkeys(self.disable, False) | dict.fromkeys(self.enable, True)
        return config.with_people(names).with_rules(switches)


lint_options = option_group(
    "lint_flags",
    LintFlags,
    [
        click.option(
            "--people",
            multiple=True,
            metavar="NAMES",
            help="Names or @handles of people (comma-separated, repeatable); sharpens naming_individuals.",
        ),
        config_option,
        click.option("--enable", multiple=True, metavar="PREFIX", help="Switch rules on by dotted prefix."),
        click.option("--disable", multiple=True, metavar="PREFIX", help="Switch rules off by dotted prefix."),
    ],
)
"""--people, --enable and --disable (passed as ``lint_flags: LintFlags``) and --config, shared by lint and
reword."""


def read_text(path: Path) -> str:
    """The text of ``path`` ('-' for stdin) with its line endings read as "\n", or an InputError naming it."""
    if str(path) == "-":
        return sys.stdin.read()
    text, _ = read_exact(path)
    return text.replace("\r\n", "\n").replace("\r", "\n")


def read_exact(path: Path) -> tuple[str, bytes]:
    """The text of ``path`` ('-' for stdin) as written, line endings and all, and the bytes it was
    decoded from; an InputError naming it when it cannot be read or is not UTF-8 text."""
    name = str(path)
    try:
        data = sys.stdin.buffer.read() if name == "-" else path.read_bytes()
    except FileNotFoundError:
        raise InputError("no such file", path=name) from None
    except IsADirectoryError:
        raise InputError("is a folder; pass the Markdown files inside it", path=name) from None
    except OSError as exc:
        raise InputError(f"cannot read ({exc.strerror})", path=name) from None
    nul = data.find(b"\0")
    if nul >= 0:
        raise InputError("not a text file (a NUL byte)", path=name, position=f"byte {nul}")
    try:
        return data.decode("utf-8"), data
    except UnicodeDecodeError as exc:
        raise InputError("not UTF-8 text", path=name, position=f"byte {exc.start}") from None


@click.command()
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--format",
    "output_format",
    type=click.Choice(FORMATS),
    default="text",
    show_default=True,
    help="text (path:line:col: severity rule message), json (schema postmortem-lint/1), sarif (2.1.0), "
    "github (workflow annotations).",
)
@click.option(
    "--fail-level",
    type=click.Choice(FAIL_LEVELS),
    help="Exit 1 when a finding is at or above this level [default: warning, or fail_level in the settings].",
)
@lint_options
@click.option("--list-rules", is_flag=True, help="Print every rule id with its severity and message, then exit.")
@click.option(
    "--eval",
    "eval_path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Score the blame rules on a labelled JSONL set (e.g. evals/lint/sentences.jsonl) instead of linting.",
)
@click.option(
    "--split",
    default="all",
    show_default=True,
    help="With --eval: which part of the set to score, e.g. dev or holdout (all: each part, then the whole set).",
)
@click.option("--misses", is_flag=True, help="With --eval: also list the sentences scored wrong.")
@click.option(
    "--rules-only",
    is_flag=True,
    help="The cue rules alone, without the agent analysis, the classifier and any model (to compare them).",
)
@click.option(
    "--fix",
    is_flag=True,
    help="Write the verified rewrites of the flagged sentences into the FILES (each file in one atomic step), "
    "then report what remains.",
)
@click.option(
    "--diff",
    is_flag=True,
    help="Print the fixes --fix would make as one patch (for `git apply` or `patch -p1` here) and write nothing; "
    "exit 1 when there is something to fix.",
)
@click.option("--force", is_flag=True, help="With --fix: write a file even though it changed after it was read.")
@model_options
def lint(
    files: tuple[Path, ...],
    output_format: str,
    fail_level: str | None,
    lint_flags: LintFlags,
    config: Path | None,
    list_rules: bool,
    eval_path: Path | None,
    split: str,
    misses: bool,
    rules_only: bool,
    fix: bool,
    diff: bool,
    force: bool,
    model_flags: ModelFlags,
) -> None:
    """Check postmortems for blame-prone wording and missing parts.

    FILES are Markdown (or plain text) files; '-' reads stdin. Blame rules (blame.<category>)
    flag people as the cause of a failure, counterfactuals ("should have", "failed to" with a
    person as subject), negligence and judgement words, "human error", hindsight words, single
    root causes, names next to errors, sarcasm and person-focused fixes. Where no cue word fires,
    an analysis of who did what flags a person (role, pronoun, team, first name, @handle) as the
    doer of a failure, and a small learned classifier has the last word; each finding says which
    fired. Machines that "failed to", "should" in action items and neutral timeline entries stay
    quiet. Completeness rules
    (structure.*) check sections, action item owners and due dates, UTC times with evidence,
    quantified impact and more than one contributing factor.

    With --model (or POSTMORTEM_MODEL) and an endpoint as for `draft`, the sentences the offline
    method is unsure of (no cue rule fired, the classifier near its threshold) are also judged by
    the model: redacted, one at a time, cached and logged; its findings are blame.model.<category>
    and say which model judged them. An API key in the environment alone sends nothing. A model
    that fails leaves the offline findings, with one warning.

    Code blocks, block quotes and the Appendix are skipped. Switch rules off in the text, or in
    the settings file ([lint] in .postmortem.toml, or [tool.postmortem.lint] in pyproject.toml):

    \b
      <!-- postmortem-lint disable blame.counterfactual --> … <!-- postmortem-lint enable -->
      <!-- postmortem-lint disable-next -->   (the next paragraph only)
      rules = { "blame.hindsight_minimizing" = false, "structure" = false }
      severity = { "blame.counterfactual" = "error" }

    --fix puts each finding's verified rewrite (one that passes lint and keeps every time, number,
    identifier and system name) in place of its sentence, as `postmortem reword --file` shows it,
    and reports "N fixed, M remaining"; the exit code is then that of the findings that remain.
    --diff shows the same fixes without writing (with --fix too). A file that changed after it
    was read is not written (one error line, exit 2) unless --force.

    Exit codes: 0 clean (below --fail-level), 1 findings at or above it (with --diff: something to
    fix), 2 bad input or options.

    \b
    Examples:
      postmortem lint postmortem.md
      postmortem lint docs/incidents/*.md --format sarif > lint.sarif
      postmortem lint postmortem.md --people "Priya Raman,@nur" --fail-level error
      postmortem lint docs/incidents/*.md --fix
      postmortem lint docs/incidents/*.md --fix --force     # even files changed meanwhile
      postmortem lint postmortem.md --diff > fixes.patch; git apply fixes.patch
      cat draft.md | postmortem lint - --format github
      postmortem lint --eval evals/lint/sentences.jsonl --split holdout
      postmortem lint postmortem.md --model qwen2.5 --base-url http://localhost:11434/v1
    """
    loaded = load_config(config)
    settings = lint_flags.over(loaded.lint)
    if list_rules:
        for rule in RULES:
            click.echo(f"{rule.id}\t{settings.severity_of(rule.id, rule.severity).value}\t{rule.message}")
        for rule_id, (severity, message) in STRUCTURE_RULES.items():
            click.echo(f"{rule_id}\t{settings.severity_of(rule_id, severity).value}\t{message}")
        return
    if eval_path is None and not files:
        raise UsageError("give one or more FILES to lint ('-' for stdin), or --eval FILE")
    if (fix or diff) and eval_path is not None:
        raise UsageError("--fix and --diff change FILES; they do not go with --eval")
    if force and not fix:
        raise UsageError("--force goes with --fix")
    if fix and not diff and any(str(path) == "-" for path in files):
        raise UsageError("--fix writes files in place: give paths, not '-' (or print the fixes with --diff)")
    asked = not rules_only and model_flags.extractor != "rules"
    session = (
        open_model(model_flags, loaded.llm) if asked and (model_flags.model or model_flags.extractor == "llm") else None
    )
    try:
        judge = _judge(session, settings)
        if eval_path is not None:
            _evaluate(eval_path, split, settings, misses=misses, rules_only=rules_only, judge=judge)
            return
        if fix or diff:
            sources = {str(path): read_exact(path) for path in files}
            texts = [(name, text) for name, (text, _) in sources.items()]
        else:
            texts = [(str(path), read_text(path)) for path in files]
        results = _lint_texts(texts, settings, judge, rules_only=rules_only)
        if fix or diff:
            fixes, fixed = _fixes(sources, results, session, settings)
            if diff:
                for name, new in fixes.items():
                    click.echo(unified_diff(sources[name][0], new, *patch_names(Path(name))), nl=False)
                click.echo(f"{fixed} fixable finding(s) in {len(fixes)} file(s); nothing written", err=True)
                sys.exit(1 if fixes else 0)
            for name, new in fixes.items():
                replace_atomic(Path(name), new, read=sources[name][1], force=force)
            results |= _lint_texts(list(fixes.items()), settings, judge, rules_only=rules_only)
    finally:
        if session is not None:
            session.close()
    click.echo(render(results, output_format), nl=False)
    total = sum(len(f) for f in results.values())
    if fix:
        click.echo(f"{fixed} fixed, {total} remaining in {len(results)} file(s)", err=True)
    elif output_format == "text":
        click.echo(f"{total} finding(s) in {len(results)} file(s)", err=True)
    sys.exit(exit_status(results, fail_level or settings.fail_level))


def _lint_texts(
    texts: list[tuple[str, str]], settings: LintConfig, judge: ModelJudge | None, *, rules_only: bool
) -> dict[str, list[Finding]]:
    """The findings of each (path, text), with the model's judgement where a ``judge`` is given."""
    if judge is None:
        return {path: lint_text(text, path=path, config=settings, learned=not rules_only) for path, text in texts}
    from postmortem_writer.lint.model_judge import lint_with_model

    run = lint_with_model(texts, settings, judge)
    _tell(judge, run.sent, run.warning())
    return {path: findings for (path, _), findings in zip(texts, run.findings, strict=True)}


def _fixes(
    sources: dict[str, tuple[str, bytes]],
    results: dict[str, list[Finding]],
    session: Session | None,
    settings: LintConfig,
) -> tuple[dict[str, str], int]:
    """The fixed text of each file a verified rewrite changes, and how many findings those fix."""
    fixes: dict[str, str] = {}
    fixed = 0
    for name, findings in results.items():
        text = sources[name][0]
        rewriter = rewriter_for(session, settings, findings)
        placements = place(text, reword_findings(findings, rewriter=rewriter, config=settings))
        edits = [edit for placement in placements for edit in placement.edits]
        if edits:
            fixes[name] = apply_edits(text, edits)
            fixed += sum(placement.findings_fixed for placement in placements)
    return fixes, fixed


def patch_names(path: Path) -> tuple[str, str]:
    """The a/ and b/ names of ``path`` in a patch: relative to the current folder where it lies
    inside it, so that `git apply` and `patch -p1` run there find it."""
    name = path
    if path.is_absolute():
        try:
            name = path.relative_to(Path.cwd())
        except ValueError:
            name = Path(os.path.relpath(path))
    return f"a/{name.as_posix()}", f"b/{name.as_posix()}"


def open_model(flags: ModelFlags, config: EndpointConfig) -> Session | None:
    """The model session `lint`, `lint --fix` and `reword` use, or ``None`` when none is asked for.

    The model's plumbing is imported only when a model is asked for: an offline run's start-up
    (a pre-commit hook) does not pay for it.
    """
    if not wants_model(flags, config):
        if flags.extractor == "auto":
            click.echo(NO_ENDPOINT, err=True)
        return None
    from postmortem_writer.cli.options import open_llm

    return open_llm(flags, config)


def rewriter_for(
    session: Session | None, config: LintConfig, findings: Sequence[Finding], *, redact: bool = True
) -> Rewriter | None:
    """The rewriter `reword` and `lint --fix` hand to ``reword_findings``: the model's when an endpoint
    is configured (seeing each sentence redacted unless ``redact`` is off), else None, its default."""
    if session is None:
        return None
    # Imported here: an offline run need not load the model's plumbing.
    from postmortem_writer.lint.model_rewriter import ModelRewriter
    from postmortem_writer.redact import PLACEHOLDER, Redaction
    from postmortem_writer.redact.detect import Detector

    # Placeholders the text already holds (a redacted draft) are not handed out again.
    taken = frozenset(m for f in findings for m in PLACEHOLDER.findall(f.sentence))
    hiding = Redaction(Detector(), taken=taken) if redact else None
    return ModelRewriter(session.caller, config, hiding)


def _judge(session: Session | None, settings: LintConfig) -> ModelJudge | None:
    if session is None:
        return None
    from postmortem_writer.lint.model_judge import ModelJudge

    return ModelJudge(session.caller, settings, concurrency=session.concurrency)


def _tell(judge: ModelJudge, sent: int, warning: str | None) -> None:
    """What the model was asked and what it cost, on stderr; the one warning when it failed."""
    totals = judge.caller.totals
    click.echo(
        f"model {judge.model}: {sent} unsure sentence(s) asked about "
        f"({totals.calls} model calls, {totals.cached} cached)",
        err=True,
    )
    if warning is not None:
        click.echo(f"warning: {warning}", err=True)


def _evaluate(
    eval_path: Path, split: str, settings: LintConfig, *, misses: bool, rules_only: bool, judge: ModelJudge | None
) -> None:
    """The scores of each part of a labelled set; with a ``judge``, the offline and the model path side by side."""
    cases = load_cases(eval_path)
    known = list(dict.fromkeys(c.split for c in cases))
    if split != "all" and split not in known:
        raise UsageError(f"--split {split!r}: {eval_path} has the parts {', '.join(known)} (or use all)")
    splits = [*known, "all"] if split == "all" else [split]
    for name in splits:
        chosen = [c for c in cases if name == "all" or c.split == name]
        report = evaluate(chosen, settings, learned=not rules_only)
        click.echo(format_report(report, f"{eval_path} ({name})") + "\n")
        if judge is not None:
            judged = evaluate(chosen, settings, judge=judge)
            click.echo(format_paths(report, judged, judge.model) + "\n")
            _tell(judge, judged.sent, judged.warning)
            report = judged
        if misses and name != "all":
            for case, found in report.errors:
                click.echo(f"- {case.id} expected {sorted(case.labels)} got {sorted(found)}: {case.text}")
            click.echo("")
