"""The one-method protocol every model backend implements, and what goes in and out of it."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Generic, Protocol, TypeVar

from pydantic import BaseModel

T = TypeVar("T", bound=BaseModel)

MAX_ANSWER_TOKENS = 8192
"""Sent as ``max_tokens``: the largest valid findings or synthesis run to a few thousand tokens."""
MAX_ANSWER_CHARS = 256 * 1024
"""An answer longer than this is refused, whatever the endpoint made of ``max_tokens``."""


@dataclass(frozen=True)
class PromptRef:
    """Which prompt a call used: id, version and a hash of its template files."""

    id: str
    version: str
    sha256: str

    def label(self) -> str:
        """``id@version`` with a short hash, for logs and provenance."""
        return f"{self.id}@{self.version} sha256:{self.sha256[:12]}"


@dataclass(frozen=True)
class Request(Generic[T]):
    """One schema-constrained call: messages in, an instance of ``response_model`` out.

    ``context`` reaches the response model's validators (the event ids a chunk may cite), so a
    dangling id fails validation and is re-asked like any other schema error.
    """

    prompt: PromptRef
    messages: list[dict[str, str]]
    response_model: type[T]
    context: dict[str, Any] = field(default_factory=dict)
    grammar: type[T] | None = None
    """The schema a backend that constrains decoding to it sends instead of ``response_model``'s:
    a subclass that carries the request's own grounding (the ids a chunk may cite) for the
    grammar. Validation stays ``response_model``'s."""
    label: str = ""
    max_tokens: int = MAX_ANSWER_TOKENS
    """Sent as ``max_tokens``; not part of ``key``: it bounds the answer, it does not shape it."""
    remember_invalid: bool = False
    """Cache an answer that stays invalid as a refusal, so a re-run does not pay for it again.

    For a question whose failure is an answer in itself (no rewrite passes verification); a
    chunk's invalid output stays unanswered, and a re-run asks again."""
    salvage: bool = False
    """When the answer stays invalid, keep the list items that pass validation (``llm/salvage``).

    For answers that are lists of independent findings (a chunk's timeline rows, figures,
    actions): one bad item should cost that item, not the chunk."""

    def key(self, model: str, mode: str) -> str:
        """A content hash of everything that decides the answer: the cache and replay key."""
        payload = {
            "model": model,
            "mode": mode,
            "prompt": [self.prompt.id, self.prompt.version, self.prompt.sha256],
            "messages": self.messages,
            "schema": _schema(self.grammar or self.response_model),
            "context": sorted((k, _jsonable(v)) for k, v in self.context.items()),
        }
        return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()


@dataclass
class Usage:
    """Tokens the endpoint reports (zero when it reports none)."""

    prompt_tokens: int = 0
    completion_tokens: int = 0

    def add(self, other: Usage) -> None:
        """Add ``other``'s counts to these."""
        self.prompt_tokens += other.prompt_tokens
        self.completion_tokens += other.completion_tokens


@dataclass
class Reply(Generic[T]):
    """A validated answer and what it cost."""

    value: T
    usage: Usage = field(default_factory=Usage)
    attempts: int = 1
    errors: list[str] = field(default_factory=list)


class Backend(Protocol):
    """Anything that can answer a ``Request`` with a validated instance of its response model.

    Raises ``ModelOutputError`` when the output stays invalid after re-asks, ``TransientEndpointError``
    for a fault that may pass (with the wait the endpoint asked for), ``EndpointError`` when
    retrying cannot help. Retrying is the caller's (``llm/retry.py``), not the backend's.
    """

    model: str

    @property
    def mode(self) -> str:
        """The request shape in use: part of every request's cache key."""
        ...

    def complete(self, request: Request[T]) -> Reply[T]: ...


@lru_cache(maxsize=1024)
def _schema(model: type[BaseModel]) -> dict[str, Any]:
    # Built once per model (a chunk's grammar is one too): every call's key includes it, and pydantic
    # rebuilds it on each request.
    return model.model_json_schema()


def _jsonable(value: Any) -> Any:
    if isinstance(value, set | frozenset):
        return sorted(value)
    return value
