"""The backend for any OpenAI-compatible endpoint; the only module that imports openai and instructor.

Each call is one attempt: the SDK's own retries are off (``max_retries`` 0), and a fault is
classified, not retried here: a 429, 5xx, timeout or dropped connection is a
``TransientEndpointError`` carrying the ``Retry-After`` the endpoint sent; a refusal (a 4xx, or a
5xx whose body is a request-validation error) is an ``EndpointError`` naming what to try. The
caller's ``RetryPolicy`` (``llm/retry.py``) decides what to do with them.
Schema and grounding errors are re-asked by instructor, which sends the validation error back to
the model.

With ``--mode auto`` the backend is given the request shapes the endpoint's dialect takes, best
first (``choose``); until one is settled, requests go one at a time, and a refusal that names
the shape (``response_format``, ``json_schema``, ``tools``…) moves on to the next shape, one
request per shape. The first shape the server answers is kept and reported (``on_settled``).
"""

from __future__ import annotations

import email.utils
import logging
import re
import threading
import time
from collections.abc import Callable
from typing import Any

import httpx
import instructor
import openai
from instructor.core.exceptions import IncompleteOutputException, InstructorRetryException
from instructor.core.hooks import Hooks
from pydantic import ValidationError

from postmortem_writer.errors import (
    EndpointError,
    EndpointUnavailable,
    ModelError,
    ModelOutputError,
    OutputCutOff,
    TransientEndpointError,
    printable,
)
from postmortem_writer.llm.backend import Reply, Request, T, Usage
from postmortem_writer.llm.dialects import GENERIC, by_settings, is_reasoning_model
from postmortem_writer.llm.settings import LLMSettings, Mode

# instructor logs every failed attempt at ERROR; without a handler Python prints those on stderr.
logging.getLogger("instructor").addHandler(logging.NullHandler())

_MODES = {
    Mode.TOOLS: instructor.Mode.TOOLS,
    Mode.JSON_SCHEMA: instructor.Mode.JSON_SCHEMA,
    # instructor's JSON mode (schema in the prompt, a json_object answer), whose response_format
    # the request then replaces by one carrying the schema (see ``_attempt``).
    Mode.JSON_OBJECT_SCHEMA: instructor.Mode.JSON,
    Mode.JSON: instructor.Mode.JSON,
    Mode.MD_JSON: instructor.Mode.MD_JSON,
}
# Modes in which the endpoint constrains decoding to the schema sent: they get a request's grammar.
CONSTRAINED = frozenset({Mode.JSON_SCHEMA, Mode.JSON_OBJECT_SCHEMA})
_TRANSIENT_STATUS = frozenset({408, 409, 425, 429, 500, 502, 503, 504, 529})
# A 5xx body that says the request failed validation: the same request gets the same answer.
_REQUEST_INVALID = re.compile(
    r"\bvalidation errors?\b|\binvalid[_ ]request|\bresponse_format\b|\bjson_schema\b", re.IGNORECASE
)
# A refusal naming one of these refuses the request's shape (``--mode``), not the request.
_CONSTRAINED_OUTPUT = re.compile(
    r"\bresponse_format\b|\bjson_schema\b|\bjson_object\b|\btool_choice\b|\btools\b|\bgrammar\b", re.IGNORECASE
)
_NOT_THE_SHAPE = frozenset({401, 403, 404})
# llama-server: "request (4228 tokens) exceeds the available context size"; OpenAI and vLLM:
# "maximum context length is …"; others: "context length exceeded", "too many tokens".
_OVER_CONTEXT = re.compile(
    r"exceeds the available context|maximum context length|context (?:length|size|window) exceeded|too many tokens",
    re.IGNORECASE,
)
# What to try on a refusal, first fit wins: (statuses, or empty for any; pattern on the message, or None; hint).
_HINTS: tuple[tuple[frozenset[int], re.Pattern[str] | None, str], ...] = (
    (frozenset({401, 403}), None, "check the API key"),
    (frozenset({404}), None, "is model {model!r} served there, and is the base URL right?"),
    (frozenset(), _OVER_CONTEXT, "the request is over the server's context: pass a smaller --context-tokens"),
    (frozenset(), _CONSTRAINED_OUTPUT, "the endpoint does not take --mode {mode}: try --mode {other}"),
    (frozenset({400, 422}), None, "if the endpoint lacks tool calls or JSON schema, try --mode json or md-json"),
)
MAX_MESSAGE_CHARS = 500
"""How much of a refusal's message its error line carries; enough for a pydantic error, not a page."""
SAID_CHARS = 160
"""How much of a refused shape's reason the ``mode:`` line shows."""
PROBE_TIMEOUT = 10.0
"""Seconds for one question about the server (``fetch``): it answers at once, even while busy."""

Settled = Callable[[Mode, list[tuple[Mode, str]]], None]
"""Told the request shape ``--mode auto`` settled on, and the shapes refused before it (with why)."""


class ShapeRefused(EndpointError):
    """A refusal of the request's shape (``response_format``, tools), which another shape may pass."""

    def __init__(self, message: str, *, said: str) -> None:
        super().__init__(message)
        self.said = said


class OpenAIBackend:
    """Schema-constrained calls to an OpenAI-compatible endpoint through instructor."""

    def __init__(self, settings: LLMSettings, *, on_settled: Settled | None = None) -> None:
        self.settings = settings
        self.model = settings.model
        client: openai.OpenAI
        if settings.is_azure:
            client = openai.AzureOpenAI(
                azure_endpoint=settings.base_url or "",
                api_key=settings.api_key,
                api_version=settings.api_version or "2024-10-21",
                timeout=settings.timeout,
                max_retries=0,
            )
        else:
            client = openai.OpenAI(
                # Local servers accept any key, but the SDK insists on having one.
                api_key=settings.api_key or "no-key",
                base_url=settings.base_url,
                timeout=settings.timeout,
                max_retries=0,
            )
        self._http = client
        self._clients: dict[instructor.Mode, instructor.Instructor] = {}
        self._reasoning = is_reasoning_model(by_settings(settings) or GENERIC, settings.model)
        self._on_settled = on_settled
        self._probing = threading.Lock()
        self._modes: tuple[Mode, ...] = ()
        self._settled = True
        self.choose((settings.mode,) if settings.mode is not Mode.AUTO else GENERIC.modes, settled=False)

    @property
    def mode(self) -> str:
        """The request shape in use (with ``--mode auto``, the one to try next until one is settled)."""
        return self._modes[0].value

    def choose(self, modes: tuple[Mode, ...], *, settled: bool) -> None:
        """Use ``modes``, best first; unless ``settled``, the first request steps down past refused ones.

        An explicit ``--mode`` is a single shape, settled from the start: a refusal of it is final.
        """
        self._modes = modes
        self._settled = settled or (len(modes) == 1 and self.settings.mode is not Mode.AUTO)

    def fetch(self, method: str, url: str, body: dict[str, Any] | None = None) -> Any:
        """The JSON body ``method url`` answers (a question about the server), or ``None`` on any failure.

        Same client as the calls (key, proxies), with a short timeout: a server that does not
        answer such a question at once is not asked again, and the defaults stand.
        """
        client = self._http.with_options(timeout=min(self.settings.timeout, PROBE_TIMEOUT), max_retries=0)
        try:
            if method == "POST":
                response = client.post(url, cast_to=httpx.Response, body=body)
            else:
                response = client.get(url, cast_to=httpx.Response)
            return response.json()
        except Exception:
            # A question the server cannot answer is one it does not support: the defaults stand.
            return None

    def close(self) -> None:
        """Close the connection pool."""
        self._http.close()

    def complete(self, request: Request[T]) -> Reply[T]:
        """A validated answer from one attempt (instructor re-asks invalid output within it).

        Raises ``TransientEndpointError`` for a fault that may pass, ``EndpointError`` for one
        retrying cannot fix, ``ModelOutputError`` (or ``OutputCutOff``) for output that stays invalid.
        Until ``--mode auto`` has settled on a shape, requests go one at a time, and each refused
        shape costs one request.
        """
        if self._settled:
            return self._attempt(request, self._modes[0])
        with self._probing:
            if self._settled:
                return self._attempt(request, self._modes[0])
            return self._step_down(request)

    def _step_down(self, request: Request[T]) -> Reply[T]:
        """``request`` in the first shape the endpoint does not refuse; that shape is kept."""
        refused: list[tuple[Mode, str]] = []
        while True:
            mode = self._modes[0]
            try:
                reply = self._attempt(request, mode)
            except ShapeRefused as exc:
                refused.append((mode, exc.said))
                if len(self._modes) == 1:
                    tried = ", ".join(shape.value for shape, _ in refused)
                    raise EndpointError(
                        f"{self.settings.host} refused every request shape --mode auto tried ({tried}); "
                        f"the last: {exc.said} (is this an OpenAI-compatible chat endpoint?)"
                    ) from None
                self._modes = self._modes[1:]
            except ModelError as exc:
                exc.attempts += len(refused)
                # An answer, even an invalid one, means the server took the shape; a transient
                # fault says nothing about it, and the next attempt tries the same shape again.
                if not isinstance(exc, EndpointUnavailable):
                    self._settle(mode, refused)
                raise
            else:
                self._settle(mode, refused)
                errors = [f"{shape.value} refused: {said}" for shape, said in refused]
                return Reply(reply.value, reply.usage, reply.attempts + len(refused), errors + reply.errors)

    def _settle(self, mode: Mode, refused: list[tuple[Mode, str]]) -> None:
        self._modes = (mode,)
        self._settled = True
        if self._on_settled is not None:
            self._on_settled(mode, refused)

    def _client(self, mode: Mode) -> instructor.Instructor:
        shape = _MODES[mode]
        if shape not in self._clients:
            self._clients[shape] = instructor.from_openai(self._http, mode=shape)
        return self._clients[shape]

    def _attempt(self, request: Request[T], mode: Mode) -> Reply[T]:
        """One attempt in ``mode``, its faults classified."""
        shaped: dict[str, Any] = {}
        grammar = _grammar(request, mode)
        if mode is Mode.JSON_OBJECT_SCHEMA:
            # The body's response_format, over instructor's plain json_object one (the schema
            # instructor writes into the prompt stays the generic one: that one is only read).
            shaped["extra_body"] = {"response_format": {"type": "json_object", "schema": grammar.model_json_schema()}}
        if self._reasoning:
            # Reasoning models refuse max_tokens and any temperature but their default.
            shaped["max_completion_tokens"] = request.max_tokens
        else:
            shaped |= {"temperature": 0, "max_tokens": request.max_tokens}
        # Each invalid answer instructor re-asks, for the call log: a call that succeeded on its
        # third try has two re-asks worth knowing about (what a real model gets wrong).
        reasks: list[str] = []
        hooks = Hooks()
        hooks.on("parse:error", lambda error, **_: reasks.append(reask_reason(error)))
        try:
            value, completion = self._client(mode).chat.completions.create_with_completion(
                model=self.settings.model,
                messages=request.messages,  # type: ignore[arg-type]
                response_model=grammar if mode is Mode.JSON_SCHEMA else request.response_model,
                max_retries=self.settings.max_reasks,
                context=request.context,
                hooks=hooks,
                **shaped,
            )
        except InstructorRetryException as exc:
            # instructor wraps an HTTP fault the same way as invalid output: the cause tells them apart.
            if reasks and _over_context(exc.__cause__):
                # A re-ask carries the invalid answer and why it failed, so it can outgrow a context
                # the first request fitted: the chunk's output stayed invalid, the settings are fine.
                raise ModelOutputError(
                    f"output still invalid after {len(reasks)} re-ask(s), the last over the server's context: "
                    f"{reasks[-1]}",
                    attempts=exc.n_attempts,
                    reasons=tuple(reasks),
                ) from None
            if isinstance(exc.__cause__, openai.APIError):
                raise self._classify(exc.__cause__, exc.n_attempts, mode) from None
            raise ModelOutputError(
                f"output still invalid after {exc.n_attempts} attempt(s): {_what_was_invalid(exc)}",
                raw=_raw_text(exc.last_completion),
                attempts=exc.n_attempts,
                reasons=tuple(reasks),
            ) from None
        except IncompleteOutputException as exc:
            raise OutputCutOff(
                "output was cut off at the token limit (finish_reason=length)", raw=_raw_text(exc.last_completion)
            ) from None
        except Exception as exc:
            # The answer is the endpoint's to shape, not ours: whatever odd thing it sends back
            # (no choices, a bare null, a body the SDK cannot read) is the model side's fault,
            # and costs one chunk, never the run.
            raise ModelOutputError(f"unreadable answer ({type(exc).__name__}: {_first_line(str(exc))})") from None
        return Reply(value=value, usage=_usage(completion), attempts=len(reasks) + 1, errors=reasks)

    def _classify(self, error: openai.APIError, attempts: int, mode: Mode) -> EndpointError | TransientEndpointError:
        """What ``error`` is: a refusal retrying cannot fix, or a fault that may pass.

        A refusal repeats identically, so it is never retried: any 4xx but the few that mean "not
        now", and a 5xx whose body says the request itself failed validation (llama-cpp-python
        answers a ``response_format`` it does not take with HTTP 500 and a pydantic error).
        """
        if isinstance(error, openai.APIStatusError):
            message = _server_message(error)
            status = error.status_code
            if _is_refusal(status, message):
                line = (
                    f"{self.settings.host} refused the request: HTTP {status}: "
                    f"{_folded(message)} ({self._what_to_try(status, message, mode)})"
                )
                if status not in _NOT_THE_SHAPE and _CONSTRAINED_OUTPUT.search(message):
                    return ShapeRefused(line, said=f"HTTP {status}: {_folded(message, SAID_CHARS)}")
                return EndpointError(line)
        # A timed-out request may still be running on the server: the retry policy decides
        # whether sending it again is fair to a server that is busy with the first copy.
        return TransientEndpointError(
            _describe(error),
            retry_after=_retry_after(error),
            attempts=attempts,
            timed_out=isinstance(error, openai.APITimeoutError),
        )

    def _what_to_try(self, status: int, message: str, mode: Mode) -> str:
        """The hint on a refusal's line: the first rule of ``_HINTS`` that fits, else a generic one."""
        for statuses, pattern, hint in _HINTS:
            if (not statuses or status in statuses) and (pattern is None or pattern.search(message)):
                other = Mode.MD_JSON if mode is Mode.JSON else Mode.JSON
                return hint.format(model=self.settings.model, mode=mode.value, other=other.value)
        return "the endpoint will answer the same way again; check --base-url, --model and --mode"


def _grammar(request: Request[T], mode: Mode) -> type[T]:
    """The request's grammar where ``mode`` makes the endpoint decode by it, else its response model.

    Where the schema is only read (tools, plain JSON), the grammar's enum of citable ids would
    repeat the ids the data block shows, on every call, for nothing a validator does not check.
    """
    return request.grammar if request.grammar is not None and mode in CONSTRAINED else request.response_model


def _over_context(error: BaseException | None) -> bool:
    """Whether ``error`` is the server refusing a request for being over its context."""
    return isinstance(error, openai.APIStatusError) and bool(_OVER_CONTEXT.search(_server_message(error)))


def _retry_after(error: openai.APIError) -> float | None:
    """Seconds from ``Retry-After`` (seconds or an HTTP date) or ``retry-after-ms``, if sent."""
    response = getattr(error, "response", None)
    if response is None:
        return None
    headers = response.headers
    if (millis := headers.get("retry-after-ms")) is not None:
        try:
            return max(float(millis) / 1000, 0.0)
        except ValueError:
            pass
    value = headers.get("retry-after")
    if value is None:
        return None
    try:
        return max(float(value), 0.0)
    except ValueError:
        parsed = email.utils.parsedate_to_datetime(value) if value else None
        return None if parsed is None else max(parsed.timestamp() - time.time(), 0.0)


def _is_refusal(status: int, message: str) -> bool:
    """Whether a response with ``status`` and ``message`` would be the same for the same request."""
    if status not in _TRANSIENT_STATUS:
        return True
    return status >= 500 and _REQUEST_INVALID.search(message) is not None


def _server_message(error: openai.APIStatusError) -> str:
    """The body's own message, not the SDK's "Error code: 429 - {…}" rendering of it."""
    body = error.body.get("error", error.body) if isinstance(error.body, dict) else None
    message = body.get("message") if isinstance(body, dict) else None
    return str(message or error.message)


def _describe(error: openai.APIError) -> str:
    if isinstance(error, openai.APIStatusError):
        return f"HTTP {error.status_code}: {_first_line(_server_message(error))}"
    if isinstance(error, openai.APITimeoutError):
        return "request timed out"
    if isinstance(error, openai.APIConnectionError):
        return "connection failed or was dropped"
    return _first_line(str(error))


def _what_was_invalid(error: InstructorRetryException) -> str:
    """Where the last attempt's answer was invalid and how: "timeline.0.evidence (value error)".

    Instructor's own message is a ``<failed_attempts>`` dump that says nothing in a gap reason. The
    validators' messages are not used either: they quote the model's values (an invented id, a
    time), and a gap reason is printed in the draft.
    """
    attempts = getattr(error, "failed_attempts", None) or []
    last = attempts[-1].exception if attempts else error.__cause__
    if not isinstance(last, ValidationError):
        return "the answer did not fit the schema"
    return _where(last)


def _where(error: ValidationError) -> str:
    problems = error.errors()
    where = ".".join(str(part) for part in problems[0]["loc"]) or "the answer"
    more = f" and {len(problems) - 1} more" if len(problems) > 1 else ""
    return f"{where} ({problems[0]['type'].replace('_', ' ')}){more}"


def reask_reason(error: Exception) -> str:
    """Why an answer was re-asked, for the call log: ``grounding: …`` or ``schema: …``.

    The validators of the answer models raise ``ValueError`` for what the sources contradict (an
    id not in the chunk, a quote not in its event, a time the model wrote); any other pydantic
    error is the answer's shape (bad JSON, a missing or extra field). The log is for the user, so
    the validator's message is kept there, unlike in a gap reason.
    """
    if not isinstance(error, ValidationError):
        return f"schema: {_first_line(str(error))}"
    problems = error.errors()
    grounding = [problem for problem in problems if problem["type"] == "value_error"]
    if grounding:
        return f"grounding: {_where(error)}: {_first_line(str(grounding[0]['msg']))}"
    return f"schema: {_where(error)}"


def _folded(text: str, cap: int = MAX_MESSAGE_CHARS) -> str:
    """All of ``text`` on one line (a refusal's reason is often on its second), capped in length."""
    line = printable(" ".join(text.split()))
    return line if len(line) <= cap else line[: cap - 1] + "…"


def _first_line(text: str) -> str:
    line = text.strip().splitlines()[0] if text.strip() else ""
    return line[:300]


def _usage(completion: Any) -> Usage:
    usage = getattr(completion, "usage", None)
    if usage is None:
        return Usage()
    return Usage(int(getattr(usage, "prompt_tokens", 0) or 0), int(getattr(usage, "completion_tokens", 0) or 0))


def _raw_text(completion: Any) -> str | None:
    """The text a failed completion carried (content or tool arguments), for the call log."""
    try:
        message = completion.choices[0].message
    except (AttributeError, IndexError, TypeError):
        return None
    if getattr(message, "tool_calls", None):
        return "".join(call.function.arguments or "" for call in message.tool_calls)
    content = getattr(message, "content", None)
    return content if isinstance(content, str) else None
