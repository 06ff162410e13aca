"""``postmortem ingest``: show the normalised events that a draft would be built from."""

from __future__ import annotations

from pathlib import Path

import click

from postmortem_writer.cli.options import SourceFlags, read_sources, source_options, source_paths
from postmortem_writer.cli.scope import scope_options
from postmortem_writer.escape import markdown_cell
from postmortem_writer.sources.scope import Scope
from postmortem_writer.text import trim


@click.command()
@source_paths
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["table", "jsonl"]),
    default="table",
    show_default=True,
    help="A readable table, or one JSON object per event (id, ts, source, actor, text, …).",
)
@source_options
@scope_options
def ingest(
    paths: tuple[Path, ...],
    output_format: str,
    source_flags: SourceFlags,
    scope: Scope,
) -> None:
    """Read incident exports and print the normalised event stream.

    Use it to check what was read before drafting: times in UTC, names resolved, noise
    dropped, ids E1…En as a draft will cite them.

    \b
    Examples:
      postmortem ingest fixtures/incidents/inc-2025-0304/sources
      postmortem ingest chat.txt --date 2025-03-04 --tz UTC --format jsonl
      postmortem ingest app-log.jsonl --map time=@timestamp,text=log.message,actor=host
    """
    ingested = read_sources(paths, source_flags, scope)
    if output_format == "jsonl":
        for event in ingested.stream:
            click.echo(event.model_dump_json(exclude_none=False))
        return
    click.echo("| Id | Time (UTC) | Kind | Actor | Text |")
    click.echo("| --- | --- | --- | --- | --- |")
    for event in ingested.stream:
        stamp = event.ts.strftime("%Y-%m-%d %H:%M:%S")
        click.echo(
            f"| {event.id} | {stamp} | {event.kind.value} | {markdown_cell(event.actor)} "
            f"| {markdown_cell(trim(event.text, 100))} |"
        )
    for record in ingested.inputs:
        left_out = [f"{record.skipped} malformed record(s) skipped"] if record.skipped else []
        left_out += [f"{count} {reason} dropped" for reason, count in record.dropped.items()]
        extra = f"; {', '.join(left_out)}" if left_out else ""
        click.echo(f"{record.path}: {record.format}, {record.events} events{extra}", err=True)
    click.echo(f"{len(ingested.stream)} events from {len(ingested.inputs)} source(s)", err=True)
