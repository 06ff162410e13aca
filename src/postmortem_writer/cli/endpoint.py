"""The model endpoint options shared by every command that may ask a model (draft, eval, reword, lint).

Apart from ``options.py`` (which opens the session) so that declaring them costs a command no
import of the pipeline: ``postmortem lint`` runs as a pre-commit hook, where start-up time counts.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import click

from postmortem_writer.cli.groups import option_group
from postmortem_writer.llm.cache import CACHE_ENV
from postmortem_writer.llm.settings import EndpointConfig, Mode, endpoint_configured


@dataclass(frozen=True)
class ModelFlags:
    """--extractor, the endpoint flags (``None`` = not given) and where answers and calls are kept."""

    extractor: str = "auto"
    model: str | None = None
    base_url: str | None = None
    api_key: str | None = field(default=None, repr=False)
    api_version: str | None = None
    mode: str | None = None
    timeout: float | None = None
    max_retries: int | None = None
    concurrency: int | None = None
    context_tokens: int | None = None
    no_cache: bool = False
    cache_dir: Path | None = None
    call_log: Path | None = None

    def endpoint(self) -> EndpointConfig:
        """The endpoint settings the flags and environment give."""
        return EndpointConfig(
            model=self.model,
            base_url=self.base_url,
            api_key=self.api_key,
            api_version=self.api_version,
            mode=Mode(self.mode) if self.mode is not None else None,
            timeout=self.timeout,
            max_retries=self.max_retries,
            concurrency=self.concurrency,
            context_tokens=self.context_tokens,
        )


_MODEL_OPTIONS: list[Callable[[Any], Any]] = [
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
        envvar="POSTMORTEM_MODE",
        help="How the schema is enforced: tools, json-schema, json-object-schema (llama-cpp-python), json, "
        "md-json (for models without any). auto tries the shapes the server is known to take, best first, "
        "keeps the first it accepts and remembers it per endpoint [env: POSTMORTEM_MODE; default: auto].",
    ),
    click.option(
        "--timeout",
        type=float,
        help="Seconds per request [default: 120; 1800 for a server on this machine or a private network].",
    ),
    click.option("--max-retries", type=int, help="Retries of 429/5xx/timeouts per call [default: 3]."),
    click.option(
        "--concurrency",
        type=int,
        help="Calls in flight at once [default: 4; for a server on this machine or a private network, the "
        "slots it states, else 1].",
    ),
    click.option(
        "--context-tokens",
        type=int,
        help="Model context window to budget chunks for [default: what the server states, else by model].",
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

model_options = option_group("model_flags", ModelFlags, _MODEL_OPTIONS)
"""--extractor and the model endpoint settings (also from OPENAI_* / POSTMORTEM_* variables), passed as
``model_flags: ModelFlags``."""


NO_ENDPOINT = "extractor: rules (no model endpoint configured; set OPENAI_API_KEY or OPENAI_BASE_URL to use one)"
"""What a command says on stderr when ``--extractor auto`` finds no endpoint."""


def wants_model(flags: ModelFlags, config: EndpointConfig) -> bool:
    """Whether the flags, the environment and the settings file's ``[llm]`` table ask for a model.

    Decided from settings alone, so that an offline run never imports the model's plumbing.
    """
    if flags.extractor == "llm":
        return True
    return flags.extractor == "auto" and endpoint_configured(flags.endpoint().over(config))
