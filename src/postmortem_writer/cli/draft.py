"""``postmortem draft``: sources in, a postmortem first draft out."""

from __future__ import annotations

from pathlib import Path

import click

from postmortem_writer.cli.options import force_option, read_sources, source_options, source_paths
from postmortem_writer.output import write_atomic
from postmortem_writer.pipeline import draft_from
from postmortem_writer.render import render_json, render_markdown


@click.command()
@source_paths
@click.option("-o", "--output", type=click.Path(path_type=Path), help="Write the draft here instead of stdout.")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["md", "json"]),
    default="md",
    show_default=True,
    help="Markdown postmortem, or the Draft as JSON for other tools.",
)
@click.option("--title", help="Title of the postmortem (default: taken from the sources).")
@click.option(
    "--template",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Your own jinja2 Markdown template instead of the built-in one.",
)
@source_options
@force_option
def draft(
    paths: tuple[Path, ...],
    output: Path | None,
    output_format: str,
    title: str | None,
    template: Path | None,
    tz: str | None,
    date: str | None,
    source_format: str | None,
    field_map: str | None,
    force: bool,
) -> None:
    """Write a first draft of a postmortem from incident exports.

    PATHS are files, folders or zip archives: a Slack workspace export, copy-pasted chat text,
    PagerDuty log entries, deploy history (GitHub, Argo CD, Kubernetes events, git log, Heroku,
    Spinnaker, a CSV/JSONL), or any records with a time and a text field (see `postmortem
    formats`). A folder is read file by file, each file's format detected from its content.

    Every timeline entry, factor and action item cites event ids (E1, E2, …) listed with their
    source file and position in the draft's appendix.

    \b
    Examples:
      postmortem draft fixtures/incidents/inc-2025-0304/sources -o postmortem.md
      postmortem draft chat.txt --date 2025-03-04 --tz Europe/Berlin
      postmortem draft slack-export.zip pd-log.json --format json -o draft.json
      postmortem draft chat.txt argocd-app.json events.json git.log --tz UTC --date 2025-03-04
    """
    ingested = read_sources(paths, tz, date, source_format, field_map)
    result = draft_from(ingested, title=title)
    if output_format == "json":
        text = render_json(result)
    else:
        text = render_markdown(result, event_count=len(ingested.stream), template=template)
    if output is None:
        click.echo(text, nl=False)
    else:
        write_atomic(output, text, force=force)
    click.echo(
        f"Drafted from {len(ingested.stream)} events in {len(ingested.inputs)} source(s) with the rules extractor: "
        f"{len(result.timeline)} timeline entries, {len(result.contributing_factors)} candidate factors, "
        f"{len(result.action_items)} action items" + (f"; wrote {output}" if output else ""),
        err=True,
    )
