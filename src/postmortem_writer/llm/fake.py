"""A scripted backend for tests: answers come from a queue, and an empty queue fails loudly."""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Iterable
from typing import Any

from pydantic import BaseModel, ValidationError

from postmortem_writer.errors import ModelOutputError, ScriptExhausted
from postmortem_writer.llm.backend import Reply, Request, T, Usage

ScriptItem = BaseModel | dict[str, Any] | str | Exception
"""An answer (a model instance, a dict, or raw JSON text to be validated) or an exception to raise."""


class ScriptedBackend:
    """Answers requests in order from ``script``, validating like the real path does.

    Raw JSON text and dicts are validated against the request's response model with its context,
    so a dangling evidence id in a scripted answer is rejected exactly as a model's would be; a
    rejected answer is "re-asked" by taking the next item, up to ``max_reasks`` times.
    """

    def __init__(self, script: Iterable[ScriptItem], *, model: str = "scripted", max_reasks: int = 2) -> None:
        self.model = model
        self.mode = "scripted"
        self.max_reasks = max_reasks
        self.requests: list[Request[Any]] = []
        self._script: deque[ScriptItem] = deque(script)
        self._lock = threading.Lock()

    @property
    def remaining(self) -> int:
        """How many scripted items are left."""
        return len(self._script)

    def complete(self, request: Request[T]) -> Reply[T]:
        """The next scripted answer for ``request``; ``ScriptExhausted`` when none is left."""
        errors: list[str] = []
        for attempt in range(1, self.max_reasks + 2):
            item = self._next(request)
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

    def _next(self, request: Request[Any]) -> ScriptItem:
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
