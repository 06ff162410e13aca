"""Which endpoint, model and mode to use: from flags, environment, a config file, then defaults.

Flags and environment variables are read by click (``OPENAI_API_KEY``, ``OPENAI_BASE_URL``,
``POSTMORTEM_MODEL``, …); the settings file's ``[llm]`` table (``postmortem_writer.config``) fills
what they leave unset. The API key is never written to logs, caches or drafts.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from enum import StrEnum
from urllib.parse import urlparse

from pydantic import BaseModel, ConfigDict, Field

from postmortem_writer.errors import UsageError


class Mode(StrEnum):
    """How the schema is put to the model (instructor's modes of the same names, but two).

    ``json-object-schema`` is ``response_format: {"type": "json_object", "schema": …}``, the shape
    llama-cpp-python (and llama.cpp's ``llama-server``) constrain decoding with; ``auto`` tries the
    shapes the endpoint's dialect takes, best first, and keeps the first it does not refuse.
    """

    AUTO = "auto"
    TOOLS = "tools"
    JSON_SCHEMA = "json-schema"
    JSON_OBJECT_SCHEMA = "json-object-schema"
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
    unset: frozenset[str] = frozenset()
    """Of ``context_tokens`` and ``concurrency``, those the user left to the defaults: what the
    server's own answers (``llm/probe.py``) may set instead."""

    @property
    def host(self) -> str:
        """The endpoint's host, for messages and provenance (never the key)."""
        # Not the netloc as it is: a URL may carry credentials (``https://user:key@host``).
        return urlparse(self.base_url).netloc.rpartition("@")[2] if self.base_url else "api.openai.com"

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


# A server on this machine or the local network (Ollama on a laptop, llama.cpp on a workstation)
# mostly computes one answer at a time, on a CPU: one call in flight, and a timeout long enough not
# to give up on (and re-send) an answer the server is still computing. Flags and settings win.
_LOCAL_DEFAULTS: dict[str, int | float] = {"concurrency": 1, "timeout": 1800.0}


def on_local_network(base_url: str | None) -> bool:
    """Whether ``base_url`` names this machine or a private-network address (where defaults are gentler)."""
    host = urlparse(base_url).hostname if base_url else None
    if not host:
        return False
    if host == "localhost" or host.endswith((".localhost", ".local")):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_loopback or address.is_private or address.is_link_local


def context_window(model: str, base_url: str | None) -> int:
    """The context size to budget for ``model`` when the user gives none."""
    matches = [prefix for prefix in _CONTEXT if model.startswith(prefix)]
    if matches and (base_url is None or urlparse(base_url).netloc in _OPENAI_HOSTS or "azure" in base_url):
        return _CONTEXT[max(matches, key=len)]
    return LOCAL_CONTEXT


class EndpointConfig(BaseModel):
    """The endpoint settings as given, by the flags or the settings file's ``[llm]`` table.

    Each is optional (``None`` = unset) until ``resolve`` fills in the defaults and checks them.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    model: str | None = None
    base_url: str | None = None
    api_key: str | None = Field(default=None, repr=False)
    mode: Mode | None = None
    timeout: float | None = None
    max_retries: int | None = None
    max_reasks: int | None = None
    backoff: float | None = None
    concurrency: int | None = None
    context_tokens: int | None = None
    api_version: str | None = None

    def over(self, other: EndpointConfig) -> EndpointConfig:
        """These values where set, else ``other``'s (flags over the settings file)."""
        return other.model_copy(update=self.model_dump(exclude_none=True))


# Settings that go to LLMSettings as given, or take its defaults.
_PLAIN = {"timeout", "max_retries", "max_reasks", "backoff", "concurrency", "api_version"}
# Settings a server may state itself (its context size, its slots) when the user gives none.
_ASKABLE = frozenset({"context_tokens", "concurrency"})


def endpoint_configured(values: EndpointConfig) -> bool:
    """Whether the user pointed us at a model endpoint (a key or a base URL)."""
    return bool(values.api_key or values.base_url)


def resolve(flags: EndpointConfig, config: EndpointConfig) -> LLMSettings:
    """Settings from flag/environment values over the settings file's, with defaults, validated."""
    values = flags.over(config)
    base_url = values.base_url or None
    model = values.model
    if not model:
        if base_url and urlparse(base_url).netloc not in _OPENAI_HOSTS:
            raise UsageError("a model name is needed for this endpoint: pass --model or set POSTMORTEM_MODEL")
        model = "gpt-4.1-mini"
    if not values.api_key and base_url is None:
        raise UsageError("the OpenAI API needs a key: set OPENAI_API_KEY (or pass --base-url for a local server)")
    given = values.model_dump(exclude_none=True, include=_PLAIN)
    settings = LLMSettings(
        model=model,
        base_url=base_url,
        api_key=values.api_key or None,
        mode=values.mode or Mode.AUTO,
        context_tokens=values.context_tokens or context_window(model, base_url),
        unset=_ASKABLE - values.model_dump(exclude_none=True).keys(),
        **(_LOCAL_DEFAULTS if on_local_network(base_url) else {}) | given,
    )
    if settings.concurrency < 1 or settings.max_retries < 0 or settings.max_reasks < 0 or settings.timeout <= 0:
        raise UsageError("--concurrency must be ≥ 1, --timeout > 0, and retry counts ≥ 0")
    if settings.backoff < 0:
        raise UsageError("backoff must be ≥ 0 seconds")
    if settings.context_tokens < 1024:
        raise UsageError("--context-tokens must be at least 1024")
    return settings
