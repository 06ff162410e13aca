"""Option decorators shared by several commands, and turning them into typed settings.

Each group of options reaches the command as one typed value (``SourceFlags``, ``ModelFlags``
from ``endpoint.py``, ``PrivacyFlags``), which the ``build_*``/``open_*`` functions combine with the settings file's
table of the same concern: flag or environment first, then the file, then the default.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any, TextIO, TypeVar

import click

from postmortem_writer.cli.endpoint import NO_ENDPOINT, ModelFlags, wants_model
from postmortem_writer.cli.groups import option_group
from postmortem_writer.config import RedactConfig
from postmortem_writer.errors import UsageError
from postmortem_writer.llm.session import Session, open_session
from postmortem_writer.llm.settings import EndpointConfig, LLMSettings, resolve
from postmortem_writer.pipeline import Ingested, ingest
from postmortem_writer.redact import Kind, Privacy
from postmortem_writer.redact.detect import SUPPORTED_REGIONS
from postmortem_writer.sources import SourceOptions, adapter_names
from postmortem_writer.sources.limits import DEFAULT_MAX_INPUT_MB, MAX_INPUT_ENV
from postmortem_writer.sources.records import parse_field_map
from postmortem_writer.sources.scope import Scope
from postmortem_writer.timeparse import zone

F = TypeVar("F", bound=Callable[..., Any])


def source_paths(func: F) -> F:
    """PATH... arguments: files, folders or zip archives of any supported format."""
    # Existence is checked by the source registry, whose error is one line naming the path.
    return click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))(func)


@dataclass(frozen=True)
class SourceFlags:
    """--tz, --date, --source-format, --map and --max-input-mb as given (``None`` = not given)."""

    tz: str | None = None
    date: str | None = None
    source_format: str | None = None
    field_map: str | None = None
    max_input_mb: int | None = None

    def options(self) -> SourceOptions:
        """Typed source options from the raw flag values, with clear errors for bad ones."""
        day: date | None = None
        if self.date is not None:
            try:
                day = date.fromisoformat(self.date)
            except ValueError:
                raise UsageError(f"--date {self.date!r} is not a day in YYYY-MM-DD form") from None
        return SourceOptions(
            tz=zone(self.tz) if self.tz else None,
            date=day,
            source_format=self.source_format,
            field_map=parse_field_map(self.field_map) if self.field_map is not None else None,
            max_input_bytes=(self.max_input_mb or DEFAULT_MAX_INPUT_MB) * 2**20,
        )


_SOURCE_OPTIONS: list[Callable[[Any], Any]] = [
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
    click.option(
        "--max-input-mb",
        type=click.IntRange(min=1),
        envvar=MAX_INPUT_ENV,
        help="Largest input read, in MiB: a file, or what an archive unpacks to. Reading takes 5 (chat "
        f"exports) to 40 (short CSV rows) times as much memory [env: {MAX_INPUT_ENV}; default: "
        f"{DEFAULT_MAX_INPUT_MB}].",
    ),
]

source_options = option_group("source_flags", SourceFlags, _SOURCE_OPTIONS)
"""--tz, --date, --source-format and --map, for sources whose times, format or fields cannot be sniffed;
--max-input-mb for inputs larger than the default limit; passed as ``source_flags: SourceFlags``."""


def force_option(func: F) -> F:
    """--force: allow replacing an existing output file."""
    return click.option("--force", is_flag=True, help="Overwrite the output file if it exists.")(func)


def read_sources(paths: tuple[Path, ...], flags: SourceFlags, scope: Scope | None = None) -> Ingested:
    """Ingest ``paths`` with the source flags, telling the user on stderr what was skipped and what ``scope`` kept."""
    options = flags.options()
    ingested = ingest(list(paths), replace(options, scope=scope) if scope is not None else options)
    for warning in ingested.warnings:
        click.echo(f"warning: {warning}", err=True)
    if ingested.scope_note:
        click.echo(f"scope: {ingested.scope_note}", err=True)
    return ingested


def open_llm(
    flags: ModelFlags, config: EndpointConfig, *, record: Path | None = None, replay: Path | None = None
) -> Session | None:
    """A model session when the extractor resolves to llm, else ``None``; says on stderr which it is.

    ``config`` is the settings file's ``[llm]`` table, under the flags. ``replay`` needs no
    endpoint: the answers come from the recording folder.
    """
    extractor = flags.extractor
    endpoint = flags.endpoint()
    if replay is not None:
        if extractor == "rules":
            raise UsageError("--replay replays model calls; it cannot be used with --extractor rules")
        settings = LLMSettings(model="replay", concurrency=4 if flags.concurrency is None else flags.concurrency)
        session = open_session(settings, replay=replay, call_log=flags.call_log, cache_dir=flags.cache_dir)
        click.echo(f"extractor: llm (replaying {replay}, recorded with {session.caller.backend.model})", err=True)
        return session
    if not wants_model(flags, config):
        if extractor == "auto":
            click.echo(NO_ENDPOINT, err=True)
        return None
    settings = resolve(endpoint, config)
    session = open_session(
        settings,
        cache_dir=flags.cache_dir,
        use_cache=not flags.no_cache,
        call_log=flags.call_log,
        record=record,
        notify=lambda line: click.echo(line, err=True),
    )
    click.echo(
        f"extractor: llm ({settings.model} at {settings.host}, mode {settings.mode.value}); "
        f"call log: {session.call_log}",
        err=True,
    )
    for notice in session.notices:
        click.echo(notice, err=True)
    return session


_KINDS = [kind.value for kind in Kind]


@dataclass(frozen=True)
class PrivacyFlags:
    """--redact/--no-redact, --rehydrate, --pseudonymize, --keep, --allow and --phone-region as given."""

    redact: bool | None = None
    rehydrate: bool = False
    pseudonymize: bool = False
    keep_kinds: tuple[str, ...] = ()
    allow_values: tuple[str, ...] = ()
    phone_region: str | None = None


_REDACTION_OPTIONS: list[Callable[[Any], Any]] = [
    click.option(
        "--pseudonymize",
        is_flag=True,
        help='Name people by role ("Incident commander", "Responder 2") in model requests and in the draft.',
    ),
    click.option(
        "--keep",
        "keep_kinds",
        multiple=True,
        type=click.Choice(_KINDS),
        help="Leave this kind of value as it is (repeatable), e.g. --keep ip for internal addresses.",
    ),
    click.option(
        "--allow",
        "allow_values",
        multiple=True,
        metavar="VALUE",
        help="Never replace this exact value (repeatable), e.g. a shared test account's address.",
    ),
    click.option(
        "--phone-region",
        metavar="CC",
        help="Country code (US, DE, GB…) whose local phone-number formats to recognise; numbers written "
        "with + are found anyway [default: US].",
    ),
]

redaction_options = option_group("privacy_flags", PrivacyFlags, _REDACTION_OPTIONS)
"""--pseudonymize and what to leave as it is: --keep, --allow, --phone-region; passed as
``privacy_flags: PrivacyFlags``."""

privacy_options = option_group(
    "privacy_flags",
    PrivacyFlags,
    [
        click.option(
            "--redact/--no-redact",
            default=None,
            help="Replace secrets and personal data with placeholders ([SECRET-1], [EMAIL-2]) before the events "
            "are analysed [default: on when a model is used, off with the rules].",
        ),
        click.option(
            "--rehydrate",
            is_flag=True,
            help="Put the redacted values back into the written draft (the model still sees only placeholders).",
        ),
        *_REDACTION_OPTIONS,
    ],
)
"""--redact/--no-redact and --rehydrate, then the options of ``redaction_options``."""


def build_privacy(flags: PrivacyFlags, config: RedactConfig) -> Privacy:
    """Privacy settings from the flags over the settings file's ``[redact]`` table."""
    region = flags.phone_region or (config.phone_region if config.phone_region is not None else "US")
    if region and region.upper() not in SUPPORTED_REGIONS:
        raise UsageError(f"unknown phone region {region!r}: give a two-letter country code such as US, DE or GB")
    return Privacy(
        redact=flags.redact if flags.redact is not None else config.redact,
        rehydrate=flags.rehydrate,
        pseudonymize=flags.pseudonymize or config.pseudonymize,
        keep=frozenset(Kind(k) for k in flags.keep_kinds or config.keep),
        allow=frozenset([*flags.allow_values, *config.allow]),
        phone_region=region.upper() or None,
    )


class ProgressBar:
    """Progress of model calls on stderr: calls done of all, tokens per second, and an ETA.

    click draws it only on a terminal. ``tokens`` reads the completion tokens the endpoint has
    reported so far (the session's totals), so the rate is measured, not estimated.
    """

    def __init__(
        self,
        label: str,
        *,
        tokens: Callable[[], int] = lambda: 0,
        file: TextIO | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.label = label
        self._tokens = tokens
        self._file = file
        self._clock = clock
        self._bar: Any = None
        self._done = 0
        self._total = 0
        self._started = 0.0

    def start(self, total: int) -> None:
        """Begin a bar of ``total`` steps."""
        self._done, self._total, self._started = 0, total, self._clock()
        self._bar = click.progressbar(
            length=total,
            label=self.label,
            file=self._file or sys.stderr,
            show_eta=False,
            show_percent=False,
            item_show_func=lambda status: status,
        )
        self._bar.__enter__()

    def advance(self) -> None:
        """One step done."""
        if self._bar is not None:
            self._done += 1
            status = progress_status(self._done, self._total, self._tokens(), self._clock() - self._started)
            self._bar.update(1, current_item=status)

    def close(self) -> None:
        """Finish the bar."""
        if self._bar is not None:
            self._bar.__exit__(None, None, None)
            self._bar = None


def progress_status(done: int, total: int, tokens: int, elapsed: float) -> str:
    """``3/9 · 12.5 tokens/s · ETA 2m05s``: steps done, completion tokens per second of wall time, time left.

    The ETA assumes the steps left take as long as the ones done; it is left out before the first
    and after the last, and the rate before any token was reported.
    """
    parts = [f"{done}/{total}"]
    if tokens and elapsed > 0:
        parts.append(f"{tokens / elapsed:.1f} tokens/s")
    if 0 < done < total:
        left = round(elapsed / done * (total - done))
        parts.append(f"ETA {left // 60}m{left % 60:02d}s" if left >= 60 else f"ETA {left}s")
    return " · ".join(parts)
