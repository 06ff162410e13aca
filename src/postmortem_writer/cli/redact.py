"""``postmortem redact``: show what a model would be sent, with secrets and personal data replaced."""

from __future__ import annotations

import datetime
from pathlib import Path

import click

from postmortem_writer.chunking import day_line, event_line
from postmortem_writer.cli.groups import config_option
from postmortem_writer.cli.options import (
    PrivacyFlags,
    SourceFlags,
    build_privacy,
    read_sources,
    redaction_options,
    source_options,
    source_paths,
)
from postmortem_writer.config import load_config
from postmortem_writer.escape import markdown_cell
from postmortem_writer.injection import suspects
from postmortem_writer.redact import redact_stream


@click.command()
@source_paths
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["lines", "jsonl", "mapping"]),
    default="lines",
    show_default=True,
    help="lines: the events as model requests carry them. jsonl: the redacted events. mapping: each "
    "placeholder and the value it stands for (shows the values: for your own review only).",
)
@source_options
@redaction_options
@config_option
def redact(
    paths: tuple[Path, ...],
    output_format: str,
    source_flags: SourceFlags,
    privacy_flags: PrivacyFlags,
    config: Path | None,
) -> None:
    """Show what would be sent to a model: the events with secrets and personal data replaced.

    Chat messages are sent as these lines, in chunks; alerts, pages and deploys reach the model
    only as the timeline rows made from them. Messages that address the drafting tool (prompt
    injection) are marked "# withheld": they are never sent.

    Values found are replaced with stable placeholders, one per distinct value: [SECRET-n]
    (cloud and SaaS credentials, tokens, private keys, bearer and basic auth, passwords in URLs
    and connection strings), [EMAIL-n], [PHONE-n], [CARD-n] and [IP-n]. `postmortem draft` does
    the same before any model call. Nothing is sent anywhere by this command.

    Settings can also come from the [redact] table of the settings file (keep, allow,
    phone_region, pseudonymize, redact; see --config).

    \b
    Examples:
      postmortem redact fixtures/incidents/inc-2025-0304/sources
      postmortem redact export.zip --pseudonymize --keep ip
      postmortem redact export.zip --format mapping
    """
    privacy = build_privacy(privacy_flags, load_config(config).redact)
    ingested = read_sources(paths, source_flags)
    stream, redaction = redact_stream(ingested.stream, privacy)
    if output_format == "jsonl":
        for event in stream:
            click.echo(event.model_dump_json())
    elif output_format == "mapping":
        click.echo("| Placeholder | Kind | Found by | First seen | Value |")
        click.echo("| --- | --- | --- | --- | --- |")
        for item in redaction.replaced.values():
            row = [item.placeholder, item.kind.value, item.rule, item.first_event, markdown_cell(item.value)]
            click.echo(f"| {' | '.join(row)} |")
        if redaction.people is not None:
            for name, label in redaction.people.labels.items():
                click.echo(f"| {markdown_cell(label)} | person | pseudonym | | {markdown_cell(name)} |")
    else:
        withheld = suspects(stream.events)
        day: datetime.date | None = None
        for event in stream:
            if event.ts.date() != day:
                day = event.ts.date()
                click.echo(day_line(day))
            line = event_line(event, channel=True)
            click.echo(f"# withheld, never sent: {line}" if event.id in withheld else line)
    counts = redaction.counts()
    found = ", ".join(f"{n} {kind}" for kind, n in counts.items()) or "nothing"
    changed = sum(1 for before, after in zip(ingested.stream, stream, strict=True) if before is not after)
    click.echo(f"replaced {found} (distinct values) in {changed} of {len(stream)} events", err=True)
