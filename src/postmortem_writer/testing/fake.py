"""In-process backends for tests: answers come from a function of the request, or from a script
that fails loudly when it runs out. Both validate like the real path does."""

from __future__ import annotations

import threading
from abc import ABC, abstractmethod
from collections import deque
from collections.abc import Callable, Iterable
from typing import Any

from pydantic import BaseModel, ValidationError

from postmortem_writer.errors import ModelOutputError, ScriptExhausted
from postmortem_writer.llm.backend import Reply, Request, T, Usage

ScriptItem = BaseModel | dict[str, Any] | str | Exception
"""An answer (a model instance, a dict, or raw JSON text to be validated) or an exception to raise."""

Answerer = Callable[[Request[Any]], ScriptItem]
"""Answers one request (called again with the same request for each re-ask)."""


class _Validating(ABC):
    """What both fakes share: validate each answer like the real path does, re-ask a rejected one."""

    def __init__(self, *, model: str, mode: str, max_reasks: int) -> None:
        self.model = model
        self.mode = mode
        self.max_reasks = max_reasks
        self.requests: list[Request[Any]] = []
        self._lock = threading.Lock()

    def complete(self, request: Request[T]) -> Reply[T]:
        """A validated answer to ``request``; ``ModelOutputError`` when it stays invalid after the re-asks."""
        errors: list[str] = []
        for attempt in range(1, self.max_reasks + 2):
            item = self._ask(request)
            if isinstance(item, Exception):
                raise item
            try:
                value = _validate(item, request)
            except ValidationError as exc:
                errors.append(str(exc))
                continue
            return Reply(value=value, usage=Usage(), attempts=attempt, errors=errors)
        raise ModelOutputError(
            f"output still invalid after {self.max_reasks} re-asks: {errors[-1]}",
            raw=None,
            attempts=self.max_reasks + 1,
        )

    @abstractmethod
    def _ask(self, request: Request[Any]) -> ScriptItem:
        """Record ``request`` and give the next answer to it."""


class FunctionBackend(_Validating):
    """Answers each request with ``answer(request)``, so a test can answer each chunk differently.

    Raw JSON text and dicts are validated against the request's response model with its context,
    so a dangling evidence id in an answer is rejected exactly as a model's would be; a rejected
    answer is "re-asked" by calling ``answer`` again, up to ``max_reasks`` times. An exception it
    returns is raised, as a backend would raise it.
    """

    def __init__(self, answer: Answerer, *, model: str = "function", max_reasks: int = 2) -> None:
        super().__init__(model=model, mode="function", max_reasks=max_reasks)
        self._answer = answer

    def _ask(self, request: Request[Any]) -> ScriptItem:
        with self._lock:
            self.requests.append(request)
        # Outside the lock: concurrent calls may answer concurrently, as a real endpoint does.
        return self._answer(request)


class ScriptedBackend(_Validating):
    """Answers requests in order from ``script``, validating like the real path does.

    Raw JSON text and dicts are validated against the request's response model with its context,
    so a dangling evidence id in a scripted answer is rejected exactly as a model's would be; a
    rejected answer is "re-asked" by taking the next item, up to ``max_reasks`` times. An empty
    script raises ``ScriptExhausted``, so a test expecting fewer calls fails loudly.
    """

    def __init__(self, script: Iterable[ScriptItem], *, model: str = "scripted", max_reasks: int = 2) -> None:
        super().__init__(model=model, mode="scripted", max_reasks=max_reasks)
        self._script: deque[ScriptItem] = deque(script)

    @property
    def remaining(self) -> int:
        """How many scripted items are left."""
        return len(self._script)

    def _ask(self, request: Request[Any]) -> ScriptItem:
        with self._lock:
            self.requests.append(request)
            if not self._script:
                raise ScriptExhausted(
                    f"scripted backend has no answer left for request {len(self.requests)} ({request.label})"
                )
            return self._script.popleft()


def _validate(item: ScriptItem, request: Request[T]) -> T:
    model = request.response_model
    if isinstance(item, str):
        return model.model_validate_json(item, context=request.context)
    if isinstance(item, BaseModel):
        item = item.model_dump(mode="json")
    return model.model_validate(item, context=request.context)
