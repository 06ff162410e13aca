"""Option decorators shared by several commands, and turning them into typed settings."""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

import click

from postmortem_writer.errors import UsageError
from postmortem_writer.llm.cache import CACHE_ENV
from postmortem_writer.llm.session import Session, open_session
from postmortem_writer.llm.settings import (
    CONFIG_NAME,
    LLMSettings,
    Mode,
    config_table,
    endpoint_configured,
    load_config,
    resolve,
)
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


def source_options(func: F) -> F:
    """--tz, --date, --source-format and --map, for sources whose times, format or fields cannot be sniffed;
    --max-input-mb for inputs larger than the default limit."""
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
        click.option(
            "--max-input-mb",
            type=click.IntRange(min=1),
            envvar=MAX_INPUT_ENV,
            help="Largest input read, in MiB: a file, or what an archive unpacks to. Reading takes 5 (chat "
            f"exports) to 40 (short CSV rows) times as much memory [env: {MAX_INPUT_ENV}; default: "
            f"{DEFAULT_MAX_INPUT_MB}].",
        ),
    ]
    for decorator in reversed(decorators):
        func = decorator(func)
    return func


def force_option(func: F) -> F:
    """--force: allow replacing an existing output file."""
    return click.option("--force", is_flag=True, help="Overwrite the output file if it exists.")(func)


def build_source_options(
    tz: str | None,
    day: str | None,
    source_format: str | None,
    field_map: str | None = None,
    max_input_mb: int | None = None,
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
        max_input_bytes=(max_input_mb or DEFAULT_MAX_INPUT_MB) * 2**20,
    )


def read_sources(
    paths: tuple[Path, ...],
    tz: str | None,
    date: str | None,
    source_format: str | None,
    field_map: str | None,
    max_input_mb: int | None = None,
    scope: Scope | None = None,
) -> Ingested:
    """Ingest ``paths`` with the source flags, telling the user on stderr what was skipped and what ``scope`` kept."""
    options = build_source_options(tz, date, source_format, field_map, max_input_mb)
    ingested = ingest(list(paths), replace(options, scope=scope) if scope is not None else options)
    for warning in ingested.warnings:
        click.echo(f"warning: {warning}", err=True)
    if ingested.scope_note:
        click.echo(f"scope: {ingested.scope_note}", err=True)
    return ingested


def config_option(func: F) -> F:
    """--config: the settings file (``lint`` and ``reword`` bring their own, read for both tables)."""
    return click.option(
        "--config",
        type=click.Path(dir_okay=False, path_type=Path),
        help=f"TOML file with an [llm] table of the model settings [default: ./{CONFIG_NAME} if present].",
    )(func)


def model_options(func: F) -> F:
    """--extractor and the model endpoint settings (also from OPENAI_* / POSTMORTEM_* variables)."""
    decorators = [
        click.option(
            "--extractor",
            type=click.Choice(["auto", "rules", "llm"]),
            default="auto",
            show_default=True,
            help="rules: no model. llm: a model endpoint. auto: llm when an endpoint is configured, else rules.",
        ),
        click.option("--model", envvar="POSTMORTEM_MODEL", help="Model name at the endpoint [env: POSTMORTEM_MODEL]."),
        click.option(
            "--base-url",
            envvar=["POSTMORTEM_BASE_URL", "OPENAI_BASE_URL", "AZURE_OPENAI_ENDPOINT"],
            metavar="URL",
            help="OpenAI-compatible endpoint, e.g. http://localhost:11434/v1 [env: OPENAI_BASE_URL].",
        ),
        click.option(
            "--api-key",
            envvar=["POSTMORTEM_API_KEY", "OPENAI_API_KEY", "AZURE_OPENAI_API_KEY"],
            metavar="KEY",
            help="API key; prefer the environment [env: OPENAI_API_KEY].",
        ),
        click.option(
            "--api-version",
            envvar="OPENAI_API_VERSION",
            help="Azure OpenAI API version (selects the Azure client) [env: OPENAI_API_VERSION].",
        ),
        click.option(
            "--mode",
            type=click.Choice([mode.value for mode in Mode]),
            help="How the schema is enforced: tools (OpenAI, Azure default), json-schema (local servers' "
            "default), json, md-json (for models without either).",
        ),
        click.option("--timeout", type=float, help="Seconds per request [default: 120]."),
        click.option("--max-retries", type=int, help="Retries of 429/5xx/timeouts per call [default: 3]."),
        click.option("--concurrency", type=int, help="Calls in flight at once [default: 4]."),
        click.option(
            "--context-tokens", type=int, help="Model context window to budget chunks for [default: by model]."
        ),
        click.option("--no-cache", is_flag=True, help="Ask the model again even for unchanged requests."),
        click.option(
            "--cache-dir",
            type=click.Path(file_okay=False, path_type=Path),
            envvar=CACHE_ENV,
            help=f"Answer cache and call logs [env: {CACHE_ENV}; default: ~/.cache/postmortem-writer].",
        ),
        click.option(
            "--call-log",
            type=click.Path(dir_okay=False, path_type=Path),
            help="Append one JSON line per model call here [default: a new file under the cache dir's runs/].",
        ),
    ]
    for decorator in reversed(decorators):
        func = decorator(func)
    return func


_SETTING_FLAGS = (
    "model", "base_url", "api_key", "api_version", "mode", "timeout", "max_retries", "concurrency", "context_tokens",
)  # fmt: skip


def open_llm(options: dict[str, Any], *, record: Path | None = None, replay: Path | None = None) -> Session | None:
    """A model session when the extractor resolves to llm, else ``None``; says on stderr which it is.

    ``replay`` needs no endpoint: the answers come from the recording folder.
    """
    extractor = options["extractor"]
    flags = {name: options[name] for name in _SETTING_FLAGS if options[name] is not None}
    config = load_config(options.get("config"))
    if replay is not None:
        if extractor == "rules":
            raise UsageError("--replay replays model calls; it cannot be used with --extractor rules")
        settings = LLMSettings(model="replay", concurrency=int(flags.get("concurrency", 4)))
        session = open_session(settings, replay=replay, call_log=options["call_log"], cache_dir=options["cache_dir"])
        click.echo(f"extractor: llm (replaying {replay}, recorded with {session.caller.backend.model})", err=True)
        return session
    if extractor == "rules" or (extractor == "auto" and not endpoint_configured({**config, **flags})):
        if extractor == "auto":
            click.echo(
                "extractor: rules (no model endpoint configured; set OPENAI_API_KEY or OPENAI_BASE_URL to use one)",
                err=True,
            )
        return None
    settings = resolve(flags, config)
    session = open_session(
        settings,
        cache_dir=options["cache_dir"],
        use_cache=not options["no_cache"],
        call_log=options["call_log"],
        record=record,
    )
    click.echo(
        f"extractor: llm ({settings.model} at {settings.host}, mode {settings.mode.value}); "
        f"call log: {session.call_log}",
        err=True,
    )
    return session


_KINDS = [kind.value for kind in Kind]
_PRIVACY_KEYS = {"redact", "pseudonymize", "keep", "allow", "phone_region"}


def privacy_options(func: F) -> F:
    """--redact/--no-redact and --rehydrate, then ``redaction_options``."""
    decorators = [
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
        redaction_options,
    ]
    for decorator in reversed(decorators):
        func = decorator(func)
    return func


def redaction_options(func: F) -> F:
    """--pseudonymize and what to leave as it is: --keep, --allow, --phone-region."""
    decorators = [
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
    for decorator in reversed(decorators):
        func = decorator(func)
    return func


def build_privacy(options: dict[str, Any]) -> Privacy:
    """Privacy settings from the flags over the config file's ``[redact]`` table."""
    config = config_table(options.get("config"), "redact", _PRIVACY_KEYS)
    keep = options["keep_kinds"] or config.get("keep", [])
    allow = [*options["allow_values"], *config.get("allow", [])]
    if not isinstance(keep, list | tuple) or any(k not in _KINDS for k in keep):
        raise UsageError(f"[redact] keep must list kinds among: {', '.join(_KINDS)}")
    if not all(isinstance(value, str) for value in allow):
        raise UsageError("[redact] allow must list strings")
    region = options["phone_region"] or config.get("phone_region", "US")
    if not isinstance(region, str) or (region and region.upper() not in SUPPORTED_REGIONS):
        raise UsageError(f"unknown phone region {region!r}: give a two-letter country code such as US, DE or GB")
    redact = options["redact"] if options.get("redact") is not None else config.get("redact")
    return Privacy(
        redact=bool(redact) if redact is not None else None,
        rehydrate=bool(options.get("rehydrate")),
        pseudonymize=options["pseudonymize"] or bool(config.get("pseudonymize", False)),
        keep=frozenset(Kind(k) for k in keep),
        allow=frozenset(allow),
        phone_region=region.upper() or None,
    )


class ProgressBar:
    """Progress of model calls on stderr (click draws it only on a terminal)."""

    def __init__(self, label: str) -> None:
        self.label = label
        self._bar: Any = None

    def start(self, total: int) -> None:
        """Begin a bar of ``total`` steps."""
        self._bar = click.progressbar(length=total, label=self.label, file=sys.stderr)
        self._bar.__enter__()

    def advance(self) -> None:
        """One step done."""
        if self._bar is not None:
            self._bar.update(1)

    def close(self) -> None:
        """Finish the bar."""
        if self._bar is not None:
            self._bar.__exit__(None, None, None)
            self._bar = None
