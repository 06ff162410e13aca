"""``postmortem lint``: blame-prone wording and missing parts in a postmortem, as a linter reports them."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

import click

from postmortem_writer.cli.groups import config_option, option_group
from postmortem_writer.config import load_config
from postmortem_writer.errors import InputError, UsageError
from postmortem_writer.lint.config import FAIL_LEVELS, LintConfig
from postmortem_writer.lint.detect import lint_text
from postmortem_writer.lint.evaluate import evaluate, format_report, load_cases
from postmortem_writer.lint.report import FORMATS, exit_status, render
from postmortem_writer.lint.rules import RULES, STRUCTURE_RULES
from postmortem_writer.models import Finding


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
    """The text of ``path`` ('-' for stdin), or an InputError naming it."""
    if str(path) == "-":
        return sys.stdin.read()
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError("no such file", path=str(path)) from None
    except IsADirectoryError:
        raise InputError("is a folder; pass the Markdown files inside it", path=str(path)) from None
    except UnicodeDecodeError as exc:
        raise InputError("not UTF-8 text", path=str(path), position=f"byte {exc.start}") from None
    except OSError as exc:
        raise InputError(f"cannot read ({exc.strerror})", path=str(path)) from None


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
    help="The cue rules alone, without the agent analysis and the classifier (to compare the two).",
)
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

    Code blocks, block quotes and the Appendix are skipped. Switch rules off in the text, or in
    the settings file ([lint] in .postmortem.toml, or [tool.postmortem.lint] in pyproject.toml):

    \b
      <!-- postmortem-lint disable blame.counterfactual --> … <!-- postmortem-lint enable -->
      <!-- postmortem-lint disable-next -->   (the next paragraph only)
      rules = { "blame.hindsight_minimizing" = false, "structure" = false }
      severity = { "blame.counterfactual" = "error" }

    Exit codes: 0 clean (below --fail-level), 1 findings at or above it, 2 bad input or options.

    \b
    Examples:
      postmortem lint postmortem.md
      postmortem lint docs/incidents/*.md --format sarif > lint.sarif
      postmortem lint postmortem.md --people "Priya Raman,@nur" --fail-level error
      cat draft.md | postmortem lint - --format github
      postmortem lint --eval evals/lint/sentences.jsonl --split holdout
    """
    settings = lint_flags.over(load_config(config).lint)
    if list_rules:
        for rule in RULES:
            click.echo(f"{rule.id}\t{settings.severity_of(rule.id, rule.severity).value}\t{rule.message}")
        for rule_id, (severity, message) in STRUCTURE_RULES.items():
            click.echo(f"{rule_id}\t{settings.severity_of(rule_id, severity).value}\t{message}")
        return
    if eval_path is not None:
        cases = load_cases(eval_path)
        known = list(dict.fromkeys(c.split for c in cases))
        if split != "all" and split not in known:
            raise UsageError(f"--split {split!r}: {eval_path} has the parts {', '.join(known)} (or use all)")
        splits = [*known, "all"] if split == "all" else [split]
        for name in splits:
            chosen = [c for c in cases if name == "all" or c.split == name]
            report = evaluate(chosen, settings, learned=not rules_only)
            click.echo(format_report(report, f"{eval_path} ({name})") + "\n")
            if misses and name != "all":
                for case, found in report.errors:
                    click.echo(f"- {case.id} expected {sorted(case.labels)} got {sorted(found)}: {case.text}")
                click.echo("")
        return
    if not files:
        raise UsageError("give one or more FILES to lint ('-' for stdin), or --eval FILE")
    results: dict[str, list[Finding]] = {}
    for path in files:
        results[str(path)] = lint_text(read_text(path), path=str(path), config=settings, learned=not rules_only)
    click.echo(render(results, output_format), nl=False)
    total = sum(len(f) for f in results.values())
    if output_format == "text":
        click.echo(f"{total} finding(s) in {len(results)} file(s)", err=True)
    sys.exit(exit_status(results, fail_level or settings.fail_level))
