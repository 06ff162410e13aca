"""Making calls: the cache in front of the backend, a JSONL log line per call, and the totals."""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

from pydantic import ValidationError

from postmortem_writer.errors import EndpointError, ModelError, ModelOutputError, OutputCutOff
from postmortem_writer.llm.backend import MAX_ANSWER_CHARS, Backend, PromptRef, Reply, Request, T, Usage
from postmortem_writer.llm.cache import Cache
from postmortem_writer.llm.retry import RetryPolicy
from postmortem_writer.llm.salvage import salvage

# A refusal stored for a ``remember_invalid`` request; no JSON answer starts this way.
_INVALID = "invalid: "


@dataclass
class Totals:
    """What a run's calls cost, for the draft's provenance."""

    calls: int = 0  # requests sent: a call retried or re-asked twice is three
    cached: int = 0
    latency: float = 0.0  # seconds, summed over calls (not wall time: calls overlap)
    usage: Usage = field(default_factory=Usage)
    prompts: dict[str, PromptRef] = field(default_factory=dict)


class Caller:
    """Answers requests from the cache or the backend, logging each call; thread-safe.

    ``retry`` retries the backend's transient faults; without one, a transient fault is an
    ``EndpointUnavailable`` at once. The first request to the backend goes alone, the others wait
    for its outcome: an endpoint that refuses every request (``EndpointError``) gets exactly one,
    and once one is refused no other is sent.
    """

    def __init__(
        self,
        backend: Backend,
        *,
        cache: Cache | None = None,
        log: TextIO | None = None,
        endpoint: str = "",
        retry: RetryPolicy | None = None,
    ) -> None:
        self.backend = backend
        self.retry = retry
        # Part of the cache key: the same model name at another endpoint may be another model.
        self.endpoint = endpoint
        self.cache = cache
        self.totals = Totals()
        self._log = log
        self._lock = threading.Lock()
        self._first = threading.Lock()
        self._contacted = threading.Event()
        self._refusal: EndpointError | None = None

    def call(self, request: Request[T]) -> Reply[T]:
        """The answer to ``request``; a ``ModelError`` is logged (with the raw output) and re-raised."""
        key = request.key(f"{self.endpoint}/{self.backend.model}", self.backend.mode)
        with self._lock:
            self.totals.prompts[request.prompt.id] = request.prompt
        started = time.monotonic()
        if self.cache is not None and (stored := self.cache.get(key)) is not None:
            if request.remember_invalid and stored.startswith(_INVALID):
                error = ModelOutputError(stored[len(_INVALID) :], attempts=0)
                self._record(request, key, started, cached=True, error=error)
                raise error
            try:
                value = request.response_model.model_validate_json(stored, context=request.context)
            except ValidationError:
                pass  # stored by an older schema: ask again
            else:
                self._record(request, key, started, cached=True, reply=Reply(value=value, attempts=0))
                return Reply(value=value, attempts=0)
        try:
            reply = self._send(request)
            # --mode auto may have settled on another shape while this request was on its way:
            # the answer is kept under the shape that produced it, where a re-run looks for it.
            key = request.key(f"{self.endpoint}/{self.backend.model}", self.backend.mode)
            answer = reply.value.model_dump_json()
            if len(answer) > MAX_ANSWER_CHARS:
                # An endpoint that ignores max_tokens must not grow the draft and the cache by megabytes.
                raise ModelOutputError(
                    f"answer of {len(answer):,} characters is over the {MAX_ANSWER_CHARS:,} limit",
                    attempts=reply.attempts,
                )
        except ModelError as exc:
            if (kept := self._salvaged(request, exc)) is not None:
                if self.cache is not None:
                    self.cache.put(key, kept.value.model_dump_json())
                self._record(request, key, started, cached=False, reply=kept, salvaged=True)
                return kept
            self._record(request, key, started, cached=False, error=exc)
            if request.remember_invalid and isinstance(exc, ModelOutputError) and self.cache is not None:
                self.cache.put(key, _INVALID + str(exc))
            raise
        if self.cache is not None:
            self.cache.put(key, answer)
        self._record(request, key, started, cached=False, reply=reply)
        return reply

    @staticmethod
    def _salvaged(request: Request[T], error: ModelError) -> Reply[T] | None:
        """The valid items of an answer that stayed invalid, if ``request`` asks for that and any pass.

        An answer cut off at the token limit is not salvaged: its halves are asked again instead.
        """
        if not request.salvage or not isinstance(error, ModelOutputError) or isinstance(error, OutputCutOff):
            return None
        found = salvage(error.raw or "", request.response_model, request.context)
        if found is None:
            return None
        value, dropped = found
        errors = [*error.reasons, *(f"grounding: dropped {reason}" for reason in dropped)]
        return Reply(value=value, attempts=error.attempts, errors=errors)

    def _send(self, request: Request[T]) -> Reply[T]:
        """The backend's reply, the first request sent alone; a refusal ends all sending."""
        if not self._contacted.is_set():
            with self._first:
                if not self._contacted.is_set():
                    try:
                        return self._attempt(request)
                    finally:
                        self._contacted.set()
        return self._attempt(request)

    def _attempt(self, request: Request[T]) -> Reply[T]:
        if self._refusal is not None:
            # A fresh error per call: one exception object raised in several threads shares a traceback.
            raise EndpointError(str(self._refusal))
        try:
            if self.retry is None:
                return self.backend.complete(request)
            return self.retry.call(lambda: self.backend.complete(request), endpoint=self.endpoint)
        except EndpointError as exc:
            self._refusal = exc
            raise

    def note(self, record: dict[str, Any]) -> None:
        """A line in the call log that is not a call (an original sentence a rewrite replaced)."""
        if self._log is not None:
            with self._lock:
                self._log.write(
                    json.dumps({"time": datetime.now(UTC).isoformat(), **record}, ensure_ascii=False) + "\n"
                )
                self._log.flush()

    def _record(
        self,
        request: Request[Any],
        key: str,
        started: float,
        *,
        cached: bool,
        reply: Reply[Any] | None = None,
        error: ModelError | None = None,
        salvaged: bool = False,
    ) -> None:
        usage = reply.usage if reply is not None else Usage()
        latency = time.monotonic() - started
        attempts = reply.attempts if reply is not None else error.attempts if error is not None else 0
        line: dict[str, Any] = {
            "time": datetime.now(UTC).isoformat(),
            "label": request.label,
            "prompt": {"id": request.prompt.id, "version": request.prompt.version, "sha256": request.prompt.sha256},
            "model": self.backend.model,
            "mode": self.backend.mode,
            "key": key,
            "cached": cached,
            "latency_s": round(latency, 4),
            "attempts": attempts,
            "usage": {"prompt_tokens": usage.prompt_tokens, "completion_tokens": usage.completion_tokens},
            "errors": (reply.errors if reply is not None else [])
            + ([*error.reasons, str(error)] if error is not None else []),
            "outcome": "error" if error is not None else "cached" if cached else "salvaged" if salvaged else "ok",
        }
        if error is not None and error.raw is not None:
            line["raw"] = error.raw
        with self._lock:
            totals = self.totals
            # Every request sent counts, retries and re-asks included: each is one the endpoint bills.
            totals.calls += 0 if cached else max(attempts, 1)
            totals.cached += 1 if cached else 0
            totals.latency += latency
            totals.usage.add(usage)
            if self._log is not None:
                self._log.write(json.dumps(line, ensure_ascii=False) + "\n")
                self._log.flush()


def open_call_log(path: Path) -> TextIO:
    """The call log at ``path``, appended to (a log is history, so it is never replaced)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    return path.open("a", encoding="utf-8")
