"""Which endpoint, model and mode to use: from flags, environment, a config file, then defaults.

Flags and environment variables are read by click (``OPENAI_API_KEY``, ``OPENAI_BASE_URL``,
``POSTMORTEM_MODEL``, …); a config file fills what they leave unset. The API key is never
written to logs, caches or drafts.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from postmortem_writer.errors import UsageError

CONFIG_NAME = ".postmortem.toml"
"""Read from the working folder when ``--config`` is not given; settings live under ``[llm]``
(``[tool.postmortem.llm]`` in a pyproject.toml)."""


class Mode(StrEnum):
    """How the schema is put to the model (instructor's modes of the same names)."""

    TOOLS = "tools"
    JSON_SCHEMA = "json-schema"
    JSON = "json"
    MD_JSON = "md-json"


@dataclass(frozen=True)
class LLMSettings:
    """A resolved, validated endpoint configuration."""

    model: str
    base_url: str | None = None
    api_key: str | None = field(default=None, repr=False)
    mode: Mode = Mode.TOOLS
    timeout: float = 120.0
    max_retries: int = 3
    max_reasks: int = 2
    backoff: float = 0.5
    """Seconds before the first retry when the endpoint sends no ``Retry-After``; doubles per retry."""
    concurrency: int = 4
    context_tokens: int = 8192
    api_version: str | None = None

    @property
    def host(self) -> str:
        """The endpoint's host, for messages and provenance (never the key)."""
        return urlparse(self.base_url).netloc if self.base_url else "api.openai.com"

    @property
    def is_azure(self) -> bool:
        """Azure OpenAI needs its own client (deployments, api-version)."""
        return self.host.endswith(".openai.azure.com") or self.api_version is not None


# Context windows by model-name prefix, longest prefix wins. Local servers often run a smaller
# window than the model supports (Ollama's default is 4096), so unknown local models get that.
_CONTEXT: dict[str, int] = {
    "gpt-5": 400_000,
    "gpt-4.1": 1_047_576,
    "gpt-4o": 128_000,
    "gpt-4-turbo": 128_000,
    "gpt-4": 8_192,
    "gpt-3.5": 16_385,
    "o1": 200_000,
    "o3": 200_000,
    "o4": 200_000,
}
_OPENAI_HOSTS = ("api.openai.com",)
LOCAL_CONTEXT = 4_096


def default_mode(base_url: str | None) -> Mode:
    """Tool calls for OpenAI and Azure; JSON schema for local servers, which constrain decoding to it."""
    host = urlparse(base_url).netloc if base_url else _OPENAI_HOSTS[0]
    if host in _OPENAI_HOSTS or host.endswith(".openai.azure.com"):
        return Mode.TOOLS
    return Mode.JSON_SCHEMA


def context_window(model: str, base_url: str | None) -> int:
    """The context size to budget for ``model`` when the user gives none."""
    matches = [prefix for prefix in _CONTEXT if model.startswith(prefix)]
    if matches and (base_url is None or urlparse(base_url).netloc in _OPENAI_HOSTS or "azure" in base_url):
        return _CONTEXT[max(matches, key=len)]
    return LOCAL_CONTEXT


def load_config(path: Path | None) -> dict[str, Any]:
    """The ``[llm]`` table of the config file (``--config``, else ./.postmortem.toml if present)."""
    return config_table(path, "llm", set(LLMSettings.__dataclass_fields__))


def config_table(path: Path | None, name: str, known: set[str]) -> dict[str, Any]:
    """The ``[name]`` table of the config file, its keys checked against ``known``."""
    candidate = path if path is not None else Path(CONFIG_NAME)
    if path is None and not candidate.is_file():
        return {}
    try:
        data = tomllib.loads(candidate.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UsageError(f"config file {candidate} does not exist") from None
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"{candidate}: not valid TOML: {exc}") from None
    # pyproject.toml keeps tool settings under [tool.postmortem]; our own file has them at the top.
    table = (
        data.get("tool", {}).get("postmortem", {}).get(name, {})
        if candidate.name == "pyproject.toml"
        else data.get(name, {})
    )
    if not isinstance(table, dict):
        raise UsageError(f"{candidate}: [{name}] must be a table")
    unknown = sorted(set(table) - known)
    if unknown:
        raise UsageError(f"{candidate}: unknown [{name}] setting(s): {', '.join(unknown)}")
    return table


def endpoint_configured(values: dict[str, Any]) -> bool:
    """Whether the user pointed us at a model endpoint (a key or a base URL)."""
    return bool(values.get("api_key") or values.get("base_url"))


def resolve(flags: dict[str, Any], config: dict[str, Any]) -> LLMSettings:
    """Settings from flag/environment values (``None`` = unset) over the config file's, validated."""
    values = {**config, **{k: v for k, v in flags.items() if v is not None}}
    base_url = values.get("base_url") or None
    model = values.get("model")
    if not model:
        if base_url and urlparse(base_url).netloc not in _OPENAI_HOSTS:
            raise UsageError("a model name is needed for this endpoint: pass --model or set POSTMORTEM_MODEL")
        model = "gpt-4.1-mini"
    api_key = values.get("api_key")
    if not api_key and base_url is None:
        raise UsageError("the OpenAI API needs a key: set OPENAI_API_KEY (or pass --base-url for a local server)")
    mode = values.get("mode") or default_mode(base_url)
    try:
        settings = LLMSettings(
            model=str(model),
            base_url=base_url,
            api_key=api_key or None,
            mode=Mode(mode),
            timeout=float(values.get("timeout", 120.0)),
            max_retries=int(values.get("max_retries", 3)),
            max_reasks=int(values.get("max_reasks", 2)),
            backoff=float(values.get("backoff", 0.5)),
            concurrency=int(values.get("concurrency", 4)),
            context_tokens=int(values.get("context_tokens") or context_window(str(model), base_url)),
            api_version=values.get("api_version"),
        )
    except ValueError as exc:
        raise UsageError(f"bad model setting: {exc}") from None
    if settings.concurrency < 1 or settings.max_retries < 0 or settings.max_reasks < 0 or settings.timeout <= 0:
        raise UsageError("--concurrency must be ≥ 1, --timeout > 0, and retry counts ≥ 0")
    if settings.backoff < 0:
        raise UsageError("backoff must be ≥ 0 seconds")
    if settings.context_tokens < 1024:
        raise UsageError("--context-tokens must be at least 1024")
    return settings
