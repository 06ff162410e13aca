"""The OpenAI-compatible servers people run, as data: how to recognise each, what it takes, what it says.

One row per server (a ``Dialect`` with a stable id). ``--mode auto`` tries a row's request shapes
(``modes``) best first and keeps the first the server does not refuse; ``llm/probe.py`` asks the
server where the row says it states its context size and its parallel slots. The facts are the
servers' documented behaviour:

- llama.cpp's ``llama-server``: ``GET /v1/models`` says ``owned_by: "llamacpp"``; ``GET /props``
  gives ``default_generation_settings.n_ctx`` and ``total_slots`` (``GET /slots`` lists the slots);
  ``response_format`` takes ``json_schema`` and ``json_object`` with a ``schema``; tool calls need
  ``--jinja``. Default port 8080.
- llama-cpp-python's server: ``owned_by: "me"``; ``response_format.type`` is ``text`` or
  ``json_object`` (with an optional ``schema`` it turns into a grammar), and a ``json_schema`` is
  refused with HTTP 500 and a pydantic validation error. It states no context size.
- vLLM: ``owned_by: "vllm"`` and ``max_model_len`` in ``/v1/models``; ``response_format``
  ``json_schema`` (guided decoding, also as ``guided_json`` in the body) and named tool calls.
- Ollama: port 11434, ``owned_by: "library"``; ``response_format`` ``json_schema`` since 0.5,
  ``json_object`` (its ``format: "json"``); tools only for models whose template has them.
  ``POST /api/show`` gives ``model_info["<arch>.context_length"]``, the length the model was
  trained for, and ``parameters`` (``num_ctx``), the window it runs with if the Modelfile sets one;
  the OpenAI-compatible endpoint runs a smaller default window and silently drops what does not
  fit, so only ``num_ctx`` is taken as the context, and the trained length only as a ceiling.
- LM Studio: port 1234, ``owned_by: "organization_owner"``; ``response_format`` ``json_schema``
  only (``json_object`` is a 400: "'response_format.type' must be 'json_schema' or 'text'"), and a
  named ``tool_choice`` object is refused too. ``GET /api/v0/models/{model}`` gives
  ``loaded_context_length``.
- OpenAI and Azure OpenAI: tool calls, ``json_schema`` and ``json_object``; the reasoning models
  (o1, o3, o4, gpt-5) refuse ``max_tokens`` ("use 'max_completion_tokens' instead") and any
  temperature but the default. Azure: ``*.openai.azure.com`` with an ``api-version``.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import urlparse

from postmortem_writer.llm.settings import LLMSettings, Mode


class Stated(StrEnum):
    """Where a server states its context size or its parallel slots."""

    NOWHERE = "nowhere"
    PROPS = "props"  # llama-server: GET /props (slots also GET /slots)
    MODELS = "models"  # vLLM: max_model_len in GET /v1/models
    API_SHOW = "api-show"  # Ollama: POST /api/show
    LMSTUDIO = "lmstudio"  # LM Studio: GET /api/v0/models/{model}


@dataclass(frozen=True)
class Dialect:
    """One kind of OpenAI-compatible server: how to know it, and what it takes."""

    id: str
    name: str
    modes: tuple[Mode, ...]
    """The request shapes for constrained output it takes, best first (``--mode auto`` tries them in order)."""
    hosts: tuple[str, ...] = ()
    """Host names or suffixes (``.openai.azure.com``) that are this server."""
    port: int | None = None
    """The port it listens on by default, when no other server uses it."""
    owned_by: tuple[str, ...] = ()
    """What its ``GET /v1/models`` says in ``owned_by``."""
    context: Stated = Stated.NOWHERE
    slots: Stated = Stated.NOWHERE
    hosted: bool = False
    """A hosted API: never asked about itself (its models' windows are known by name)."""
    reasoning_models: tuple[str, ...] = ()
    """Model-name prefixes that take ``max_completion_tokens`` and only the default temperature."""


_REASONING = ("o1", "o3", "o4", "gpt-5")

DIALECTS: tuple[Dialect, ...] = (
    Dialect(
        "openai", "OpenAI", (Mode.TOOLS, Mode.JSON_SCHEMA, Mode.JSON, Mode.MD_JSON),
        hosts=("api.openai.com",), owned_by=("openai", "system"), hosted=True, reasoning_models=_REASONING,
    ),
    Dialect(
        "azure", "Azure OpenAI", (Mode.TOOLS, Mode.JSON_SCHEMA, Mode.JSON, Mode.MD_JSON),
        hosts=(".openai.azure.com",), hosted=True, reasoning_models=_REASONING,
    ),
    Dialect(
        "vllm", "vLLM", (Mode.JSON_SCHEMA, Mode.TOOLS, Mode.JSON, Mode.MD_JSON),
        owned_by=("vllm",), context=Stated.MODELS,
    ),
    Dialect(
        "ollama", "Ollama", (Mode.JSON_SCHEMA, Mode.JSON, Mode.MD_JSON),
        port=11434, owned_by=("library", "ollama"), context=Stated.API_SHOW,
    ),
    Dialect(
        "llama-server", "llama.cpp's llama-server",
        (Mode.JSON_SCHEMA, Mode.JSON_OBJECT_SCHEMA, Mode.TOOLS, Mode.JSON, Mode.MD_JSON),
        port=8080, owned_by=("llamacpp",), context=Stated.PROPS, slots=Stated.PROPS,
    ),
    Dialect(
        "llama-cpp-python", "llama-cpp-python's server", (Mode.JSON_OBJECT_SCHEMA, Mode.JSON, Mode.MD_JSON),
        owned_by=("me",),
    ),
    Dialect(
        "lmstudio", "LM Studio", (Mode.JSON_SCHEMA, Mode.MD_JSON),
        port=1234, owned_by=("organization_owner",), context=Stated.LMSTUDIO,
    ),
    Dialect(
        "generic", "an OpenAI-compatible server",
        (Mode.JSON_SCHEMA, Mode.JSON_OBJECT_SCHEMA, Mode.TOOLS, Mode.JSON, Mode.MD_JSON),
    ),
)  # fmt: skip
BY_ID = {dialect.id: dialect for dialect in DIALECTS}
GENERIC = BY_ID["generic"]


def by_url(base_url: str | None) -> Dialect | None:
    """The dialect ``base_url`` names by its host or default port, if any (no base URL is OpenAI)."""
    if not base_url:
        return BY_ID["openai"]
    parsed = urlparse(base_url)
    host = (parsed.hostname or "").lower()
    for dialect in DIALECTS:
        if any(host == name or (name.startswith(".") and host.endswith(name)) for name in dialect.hosts):
            return dialect
    try:
        port = parsed.port
    except ValueError:
        return None
    return next((dialect for dialect in DIALECTS if port is not None and dialect.port == port), None)


def by_settings(settings: LLMSettings) -> Dialect | None:
    """The dialect the settings name without asking: Azure's client (``--api-version``), else by URL."""
    return BY_ID["azure"] if settings.is_azure else by_url(settings.base_url)


def by_owner(owned_by: str | None) -> Dialect | None:
    """The dialect whose ``GET /v1/models`` says ``owned_by`` this, if any."""
    if not owned_by:
        return None
    return next((dialect for dialect in DIALECTS if owned_by.strip().lower() in dialect.owned_by), None)


def is_reasoning_model(dialect: Dialect, model: str) -> bool:
    """Whether ``model`` at ``dialect`` wants ``max_completion_tokens`` and its default temperature."""
    return model.startswith(dialect.reasoning_models) if dialect.reasoning_models else False
