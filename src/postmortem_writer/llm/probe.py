"""Asking a self-hosted server what it is, how large its context is and how many answers it computes
at once, and remembering that (with the request shape ``--mode auto`` settled on) per endpoint.

Each question is one plain HTTP request where the server's dialect (``llm/dialects.py``) says it
answers it; a question it cannot answer leaves the defaults as they are, silently. Hosted APIs
(OpenAI, Azure) are never asked. What was learned is kept in the answer cache's ``endpoints``
table under the base URL and model, so a re-run asks nothing; ``--no-cache`` asks again.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from typing import Any
from urllib.parse import urlparse

from postmortem_writer.llm.cache import Cache
from postmortem_writer.llm.dialects import BY_ID, GENERIC, Dialect, Stated, by_owner, by_settings
from postmortem_writer.llm.settings import LOCAL_CONTEXT, LLMSettings, Mode, on_local_network

Fetch = Callable[[str, str, dict[str, Any] | None], Any]
"""``fetch(method, url, body)``: the JSON the server answers, or ``None`` when it does not."""

MIN_CONTEXT = 1024
"""A stated context below this is not used (the chunk budget needs room for the instructions)."""
_NUM_CTX = re.compile(r"^\s*num_ctx\s+(\d+)\s*$", re.MULTILINE)


@dataclass(frozen=True)
class ServerFacts:
    """What an endpoint is and said about itself, and the request shape it was found to take."""

    dialect: str
    context_tokens: int | None = None
    slots: int | None = None
    source: str = ""
    """Where the figures came from (``/props``, ``/api/show``…), for the stderr line."""
    mode: Mode | None = None

    @property
    def kind(self) -> Dialect:
        """The dialect row (a generic server when the id is unknown, e.g. from an older version)."""
        return BY_ID.get(self.dialect, GENERIC)

    def described(self) -> str:
        """``llama.cpp's llama-server, context 8192 tokens, 2 slots (from /props)`` for the stderr line."""
        figures = [f"context {self.context_tokens} tokens"] if self.context_tokens else []
        figures += [f"{self.slots} slot{'s' if self.slots != 1 else ''}"] if self.slots else []
        said = f" (from {self.source})" if self.source and figures else ""
        return ", ".join([self.kind.name, *figures]) + said


def endpoint_key(settings: LLMSettings) -> str:
    """The key of an endpoint's facts: its base URL and the model (one server may serve several).

    Without what a URL may carry of a credential (``user:key@``, a query): the key is stored in the
    cache and shown on stderr.
    """
    parsed = urlparse(settings.base_url or "https://api.openai.com/v1")
    url = parsed._replace(netloc=parsed.netloc.rpartition("@")[2], query="", fragment="").geturl()
    return f"{url} {settings.model}"


def recall(cache: Cache, settings: LLMSettings) -> ServerFacts | None:
    """The facts remembered for this endpoint and model, if any (and readable)."""
    stored = cache.recall(endpoint_key(settings))
    if stored is None:
        return None
    try:
        values = json.loads(stored)
        mode = values.pop("mode", None)
        return ServerFacts(**values, mode=Mode(mode) if mode else None)
    except (TypeError, ValueError):
        return None  # written by another version: ask again


def remember(cache: Cache, settings: LLMSettings, facts: ServerFacts) -> None:
    """Keep ``facts`` for the next run against this endpoint and model."""
    cache.remember(endpoint_key(settings), json.dumps(asdict(facts)))


def ask_server(fetch: Fetch, settings: LLMSettings) -> ServerFacts:
    """What the server says it is, its context size and its slots, where its dialect states them.

    ``GET /v1/models`` names the server (``owned_by``) when the base URL does not; then the
    dialect's own endpoint is asked. Any question unanswered leaves that figure unknown.
    """
    named = by_settings(settings)
    if named is not None and named.hosted:
        return ServerFacts(named.id)
    base = (settings.base_url or "").rstrip("/")
    root = base.removesuffix("/v1")
    entry = _model_entry(fetch("GET", f"{base}/models", None), settings.model)
    dialect = by_owner(_text(entry.get("owned_by"))) or named or GENERIC
    facts = ServerFacts(dialect.id)
    asks_props = Stated.PROPS in (dialect.context, dialect.slots)
    props = _object(fetch("GET", f"{root}/props", None)) if asks_props else {}
    match dialect.context:
        case Stated.MODELS:
            facts = replace(facts, context_tokens=_count(entry.get("max_model_len")), source="/v1/models")
        case Stated.PROPS:
            generation = _object(props.get("default_generation_settings"))
            facts = replace(facts, context_tokens=_count(generation.get("n_ctx")), source="/props")
        case Stated.API_SHOW:
            facts = replace(facts, context_tokens=_ollama_context(fetch, root, settings.model), source="/api/show")
        case Stated.LMSTUDIO:
            shown = _object(fetch("GET", f"{root}/api/v0/models/{settings.model}", None))
            facts = replace(facts, context_tokens=_count(shown.get("loaded_context_length")), source="/api/v0/models")
    if dialect.slots is Stated.PROPS:
        slots = _count(props.get("total_slots"))
        if slots is None and isinstance(listed := fetch("GET", f"{root}/slots", None), list) and listed:
            slots = len(listed)
        facts = replace(facts, slots=slots)
    if facts.context_tokens is not None and facts.context_tokens < MIN_CONTEXT:
        facts = replace(facts, context_tokens=None)
    return facts if facts.context_tokens or facts.slots else replace(facts, source="")


def applied(settings: LLMSettings, facts: ServerFacts) -> LLMSettings:
    """``settings`` with the server's context size and slots where the user gave none.

    Slots set the concurrency only for a server on this machine or a private network: the one
    kind whose default is a single call in flight because it is assumed to compute one at a time.
    """
    update: dict[str, Any] = {}
    if facts.context_tokens and "context_tokens" in settings.unset:
        update["context_tokens"] = facts.context_tokens
    if facts.slots and "concurrency" in settings.unset and on_local_network(settings.base_url):
        update["concurrency"] = facts.slots
    return replace(settings, **update) if update else settings


def _ollama_context(fetch: Fetch, root: str, model: str) -> int | None:
    """The window Ollama runs ``model`` with, where it says: ``num_ctx`` in the model's parameters.

    The trained length in ``model_info`` is not it (the OpenAI-compatible endpoint runs a smaller
    default and drops what does not fit); it is used only when it is below the assumed default.
    """
    shown = _object(fetch("POST", f"{root}/api/show", {"model": model}))
    parameters = shown.get("parameters")
    if isinstance(parameters, str) and (found := _NUM_CTX.search(parameters)):
        return int(found[1])
    info = _object(shown.get("model_info"))
    trained = [_count(value) for key, value in info.items() if key.endswith(".context_length")]
    known = [length for length in trained if length is not None]
    return min(known) if known and min(known) < LOCAL_CONTEXT else None


def _model_entry(listing: Any, model: str) -> dict[str, Any]:
    """The ``/v1/models`` entry of ``model``, else the first (a server of one model may name it otherwise)."""
    entries = [entry for entry in _object(listing).get("data") or [] if isinstance(entry, dict)]
    return next((entry for entry in entries if entry.get("id") == model), entries[0] if entries else {})


def _object(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _count(value: Any) -> int | None:
    """A positive whole number, or ``None`` for anything else (a server may say anything)."""
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else None
