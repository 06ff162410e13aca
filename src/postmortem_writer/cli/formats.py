"""``postmortem formats``: the source formats we read and how each is recognised."""

from __future__ import annotations

import click

from postmortem_writer.sources.registry import BUNDLE_ADAPTERS, DOCUMENT_ADAPTERS


@click.command()
def formats() -> None:
    """List every source format, how it is detected, and an example command.

    \b
    Example:
      postmortem formats
    """
    for adapter in (*BUNDLE_ADAPTERS, *DOCUMENT_ADAPTERS):
        click.echo(f"{adapter.name}  ({adapter.kind.value})")
        click.echo(f"  {adapter.description}")
        click.echo(f"  detected by: {adapter.hint}")
        click.echo(f"  example:     {adapter.example}")
