"""``postmortem draft``: sources in, a postmortem first draft out."""

from __future__ import annotations

from pathlib import Path

import click

from postmortem_writer.cli.endpoint import ModelFlags, model_options
from postmortem_writer.cli.groups import config_option
from postmortem_writer.cli.history import history_option, open_history
from postmortem_writer.cli.options import (
    PrivacyFlags,
    ProgressBar,
    SourceFlags,
    build_privacy,
    force_option,
    open_llm,
    privacy_options,
    read_sources,
    source_options,
    source_paths,
)
from postmortem_writer.cli.scope import scope_options
from postmortem_writer.config import load_config
from postmortem_writer.errors import ModelError
from postmortem_writer.output import check_writable, write_atomic
from postmortem_writer.pipeline import draft_from
from postmortem_writer.render import render_json, render_markdown
from postmortem_writer.review import render_review
from postmortem_writer.sources.registry import shareable_names
from postmortem_writer.sources.scope import Scope


@click.command()
@source_paths
@click.option("-o", "--output", type=click.Path(path_type=Path), help="Write the draft here instead of stdout.")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["md", "json", "html"]),
    default="md",
    show_default=True,
    help="Markdown postmortem, the Draft as JSON for other tools, or the review page (see `postmortem review`).",
)
@click.option("--title", help="Title of the postmortem (default: taken from the sources).")
@click.option(
    "--author",
    "authors",
    multiple=True,
    help="Author of the postmortem, for its header (repeatable; default: TODO(author)).",
)
@click.option(
    "--template",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Your own jinja2 Markdown template instead of the built-in one.",
)
@history_option
@source_options
@scope_options
@model_options
@privacy_options
@config_option
@click.option(
    "--all",
    "show_all",
    is_flag=True,
    help="Render every timeline row, factor and action item (by default long lists are folded and capped).",
)
@click.option("--strict", is_flag=True, help="Exit with code 4 when the model left any events unanalysed.")
@force_option
def draft(
    paths: tuple[Path, ...],
    output: Path | None,
    output_format: str,
    title: str | None,
    authors: tuple[str, ...],
    template: Path | None,
    history_dirs: tuple[Path, ...],
    source_flags: SourceFlags,
    scope: Scope,
    model_flags: ModelFlags,
    privacy_flags: PrivacyFlags,
    config: Path | None,
    show_all: bool,
    strict: bool,
    force: bool,
) -> None:
    """Write a first draft of a postmortem from incident exports.

    PATHS are files, folders or zip archives: a Slack workspace export, copy-pasted chat text,
    PagerDuty log entries, alert exports (PagerDuty, Opsgenie, Alertmanager, Grafana, CloudWatch,
    Datadog), deploy history (GitHub, Argo CD, Kubernetes events, git log, Heroku, Spinnaker, a
    CSV/JSONL), or any records with a time and a text field (see `postmortem formats`). A folder
    is read file by file, each file's format detected from its content. An alert that fires again
    and again becomes one event with a count and its first and last time.

    Every timeline entry, factor and action item cites event ids (E1, E2, …) listed with their
    source file and position in the draft's appendix.

    With a model endpoint configured (OPENAI_API_KEY, or OPENAI_BASE_URL for a local server such
    as Ollama, vLLM, llama.cpp or LM Studio), chat is read by the model in chunks and the analysis
    sections are written by it; times and citations are still checked against the sources.
    Answers are cached, so an unchanged re-run makes no calls. Events the model could not
    analyse are listed as gaps in the draft (--strict makes them an error).

    \b
    Examples:
      postmortem draft fixtures/incidents/inc-2025-0304/sources -o postmortem.md
      postmortem draft chat.txt --date 2025-03-04 --tz Europe/Berlin
      postmortem draft slack-export.zip pd-log.json --format json -o draft.json
      postmortem draft alertmanager-webhooks.jsonl opsgenie-alert.json cloudwatch-history.json
      postmortem draft chat.txt argocd-app.json events.json git.log --tz UTC --date 2025-03-04
      OPENAI_BASE_URL=http://localhost:11434/v1 postmortem draft export.zip --model llama3.1 -o pm.md
      postmortem draft export.zip --pseudonymize --keep ip -o pm.md   # hosted model, people as roles
    """
    settings = load_config(config)
    privacy = build_privacy(privacy_flags, settings.redact)
    if output is not None:
        # Before any model call is made (and paid for), not after the draft is done.
        check_writable(output, force=force)
    ingested = read_sources(paths, source_flags, scope)
    # A draft is shared: inputs named by absolute paths would put the author's home folder in it.
    shareable_names(list(paths), list(ingested.stream), ingested.inputs)
    history = open_history(history_dirs, settings.history, model_flags.cache_dir)
    session = open_llm(model_flags, settings.llm)
    bar = ProgressBar(
        "analysing", tokens=lambda: session.caller.totals.usage.completion_tokens if session is not None else 0
    )
    try:
        result = draft_from(
            ingested, title=title, llm=session, progress=bar, privacy=privacy, authors=authors, history=history
        )
    finally:
        bar.close()
        if session is not None:
            session.close()
    if output_format == "json":
        text = render_json(result)
    elif output_format == "html":
        text = render_review(result, event_count=len(ingested.stream), stream=list(ingested.stream))
    else:
        text = render_markdown(result, event_count=len(ingested.stream), template=template, full=show_all)
    if output is None:
        click.echo(text, nl=False)
    else:
        write_atomic(output, text, force=force)
    provenance = result.provenance
    calls = f" ({provenance.calls} model calls, {provenance.cached_calls} cached)" if session is not None else ""
    click.echo(
        f"Drafted from {len(ingested.stream)} events in {len(ingested.inputs)} source(s) with the "
        f"{provenance.extractor} extractor{calls}: {len(result.timeline)} timeline entries, "
        f"{len(result.contributing_factors)} candidate factors, {len(result.action_items)} action items"
        + (f"; wrote {output}" if output else ""),
        err=True,
    )
    if provenance.redacted:
        kept = "put back into the draft" if provenance.rehydrated else "placeholders kept in the draft"
        click.echo(f"redacted before analysis: {_counts(provenance.redacted)} ({kept})", err=True)
    elif privacy.rehydrate:
        click.echo("note: --rehydrate had nothing to put back: nothing was redacted", err=True)
    if provenance.withheld:
        click.echo(
            f"warning: {len(provenance.withheld)} message(s) left out as instructions to the drafting tool "
            f"(prompt injection?): {', '.join(provenance.withheld[:10])}{' …' if len(provenance.withheld) > 10 else ''}"
            " — quoted under Open questions",
            err=True,
        )
    for gap in result.gaps:
        click.echo(f"warning: events {gap.first} to {gap.last} could not be analysed: {gap.reason}", err=True)
    if provenance.fallback is not None:
        fell_back = f"no model answer was used, the draft comes from the rules extractor: {provenance.fallback}"
        if model_flags.extractor == "llm":
            # Asked for the model by name: a draft without it is a failure, though written all the same.
            raise ModelError(f"--extractor llm, but {fell_back}")
        click.echo(f"warning: {fell_back}", err=True)
    if strict and result.gaps:
        raise ModelError(f"{len(result.gaps)} gap(s) in the analysis and --strict was given")


def _counts(counts: dict[str, int]) -> str:
    return ", ".join(f"{n} {kind}{'s' if n != 1 else ''}" for kind, n in counts.items())
