"""Option decorators shared by several commands, and turning them into typed settings."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

import click

from postmortem_writer.errors import UsageError
from postmortem_writer.pipeline import Ingested, ingest
from postmortem_writer.sources import SourceOptions, adapter_names
from postmortem_writer.sources.records import parse_field_map
from postmortem_writer.timeparse import zone

F = TypeVar("F", bound=Callable[..., Any])


def source_paths(func: F) -> F:
    """PATH... arguments: files, folders or zip archives of any supported format."""
    # Existence is checked by the source registry, whose error is one line naming the path.
    return click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))(func)


def source_options(func: F) -> F:
    """--tz, --date, --source-format and --map, for sources whose times, format or fields cannot be sniffed."""
    decorators = [
        click.option(
            "--tz",
            metavar="ZONE",
            help="Time zone of times written without one (chat copy-paste, CSVs), e.g. Europe/Berlin or UTC.",
        ),
        click.option(
            "--date",
            metavar="YYYY-MM-DD",
            help="Day of times written without a date (chat copy-paste starting before any date divider).",
        ),
        click.option(
            "--source-format",
            type=click.Choice(adapter_names()),
            help="Read every PATH as this format instead of detecting it (see `postmortem formats`).",
        ),
        click.option(
            "--map",
            "field_map",
            metavar="ROLE=FIELD,...",
            help="Fields of generic records (CSV, JSON, JSON Lines) holding the time, text and actor, when "
            "their names are not found automatically, e.g. --map time=@timestamp,text=log.message,actor=host.",
        ),
    ]
    for decorator in reversed(decorators):
        func = decorator(func)
    return func


def force_option(func: F) -> F:
    """--force: allow replacing an existing output file."""
    return click.option("--force", is_flag=True, help="Overwrite the output file if it exists.")(func)


def build_source_options(
    tz: str | None, day: str | None, source_format: str | None, field_map: str | None = None
) -> SourceOptions:
    """Typed source options from the raw flag values, with clear errors for bad ones."""
    parsed_day: date | None = None
    if day is not None:
        try:
            parsed_day = date.fromisoformat(day)
        except ValueError:
            raise UsageError(f"--date {day!r} is not a day in YYYY-MM-DD form") from None
    return SourceOptions(
        tz=zone(tz) if tz else None,
        date=parsed_day,
        source_format=source_format,
        field_map=parse_field_map(field_map) if field_map is not None else None,
    )


def read_sources(
    paths: tuple[Path, ...], tz: str | None, date: str | None, source_format: str | None, field_map: str | None
) -> Ingested:
    """Ingest ``paths`` with the source flags, telling the user on stderr what was skipped."""
    ingested = ingest(list(paths), build_source_options(tz, date, source_format, field_map))
    for warning in ingested.warnings:
        click.echo(f"warning: {warning}", err=True)
    return ingested
