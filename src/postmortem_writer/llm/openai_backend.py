"""The backend for any OpenAI-compatible endpoint; the only module that imports openai and instructor.

Each call is one attempt: the SDK's own retries are off (``max_retries`` 0), and a fault is
classified, not retried here: a 429, 5xx, timeout or dropped connection is a
``TransientEndpointError`` carrying the ``Retry-After`` the endpoint sent; a refusal (a 4xx, or a
5xx whose body is a request-validation error) is an ``EndpointError`` naming what to try. The
caller's ``RetryPolicy`` (``llm/retry.py``) decides what to do with them.
Schema and grounding errors are re-asked by instructor, which sends the validation error back to
the model.
"""

from __future__ import annotations

import email.utils
import logging
import re
import time
from typing import Any

import instructor
import openai
from instructor.core.exceptions import IncompleteOutputException, InstructorRetryException
from instructor.core.hooks import Hooks
from pydantic import ValidationError

from postmortem_writer.errors import (
    EndpointError,
    ModelOutputError,
    OutputCutOff,
    TransientEndpointError,
    printable,
)
from postmortem_writer.llm.backend import Reply, Request, T, Usage
from postmortem_writer.llm.settings import LLMSettings, Mode

# instructor logs every failed attempt at ERROR; without a handler Python prints those on stderr.
logging.getLogger("instructor").addHandler(logging.NullHandler())

_MODES = {
    Mode.TOOLS: instructor.Mode.TOOLS,
    Mode.JSON_SCHEMA: instructor.Mode.JSON_SCHEMA,
    Mode.JSON: instructor.Mode.JSON,
    Mode.MD_JSON: instructor.Mode.MD_JSON,
}
_TRANSIENT_STATUS = frozenset({408, 409, 425, 429, 500, 502, 503, 504, 529})
# A 5xx body that says the request failed validation: the same request gets the same answer.
_REQUEST_INVALID = re.compile(
    r"\bvalidation errors?\b|\binvalid[_ ]request|\bresponse_format\b|\bjson_schema\b", re.IGNORECASE
)
_CONSTRAINED_OUTPUT = re.compile(r"\bresponse_format\b|\bjson_schema\b|\btool_choice\b|\btools\b", re.IGNORECASE)
# What to try on a refusal, first fit wins: (statuses, or empty for any; pattern on the message, or None; hint).
_HINTS: tuple[tuple[frozenset[int], re.Pattern[str] | None, str], ...] = (
    (frozenset({401, 403}), None, "check the API key"),
    (frozenset({404}), None, "is model {model!r} served there, and is the base URL right?"),
    (frozenset(), _CONSTRAINED_OUTPUT, "the endpoint does not take --mode {mode}: try --mode {other}"),
    (frozenset({400, 422}), None, "if the endpoint lacks tool calls or JSON schema, try --mode json or md-json"),
)
MAX_MESSAGE_CHARS = 500
"""How much of a refusal's message its error line carries; enough for a pydantic error, not a page."""


class OpenAIBackend:
    """Schema-constrained calls to an OpenAI-compatible endpoint through instructor."""

    def __init__(self, settings: LLMSettings) -> None:
        self.settings = settings
        self.model = settings.model
        self.mode = str(settings.mode)
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
        self._client = instructor.from_openai(client, mode=_MODES[settings.mode])

    def close(self) -> None:
        """Close the connection pool."""
        self._http.close()

    def complete(self, request: Request[T]) -> Reply[T]:
        """A validated answer from one attempt (instructor re-asks invalid output within it).

        Raises ``TransientEndpointError`` for a fault that may pass, ``EndpointError`` for one
        retrying cannot fix, ``ModelOutputError`` (or ``OutputCutOff``) for output that stays invalid.
        """
        # Each invalid answer instructor re-asks, for the call log: a call that succeeded on its
        # third try has two re-asks worth knowing about (what a real model gets wrong).
        reasks: list[str] = []
        hooks = Hooks()
        hooks.on("parse:error", lambda error, **_: reasks.append(reask_reason(error)))
        try:
            value, completion = self._client.chat.completions.create_with_completion(
                model=self.settings.model,
                messages=request.messages,  # type: ignore[arg-type]
                response_model=request.response_model,
                max_retries=self.settings.max_reasks,
                context=request.context,
                temperature=0,
                max_tokens=request.max_tokens,
                hooks=hooks,
            )
        except InstructorRetryException as exc:
            # instructor wraps an HTTP fault the same way as invalid output: the cause tells them apart.
            if isinstance(exc.__cause__, openai.APIError):
                raise self._classify(exc.__cause__, exc.n_attempts) from None
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

    def _classify(self, error: openai.APIError, attempts: int) -> EndpointError | TransientEndpointError:
        """What ``error`` is: a refusal retrying cannot fix, or a fault that may pass.

        A refusal repeats identically, so it is never retried: any 4xx but the few that mean "not
        now", and a 5xx whose body says the request itself failed validation (llama-cpp-python
        answers a ``response_format`` it does not take with HTTP 500 and a pydantic error).
        """
        if isinstance(error, openai.APIStatusError):
            message = _server_message(error)
            if _is_refusal(error.status_code, message):
                return EndpointError(
                    f"{self.settings.host} refused the request: HTTP {error.status_code}: "
                    f"{_folded(message)} ({self._what_to_try(error.status_code, message)})"
                )
        return TransientEndpointError(_describe(error), retry_after=_retry_after(error), attempts=attempts)

    def _what_to_try(self, status: int, message: str) -> str:
        """The hint on a refusal's line: the first rule of ``_HINTS`` that fits, else a generic one."""
        for statuses, pattern, hint in _HINTS:
            if (not statuses or status in statuses) and (pattern is None or pattern.search(message)):
                other = Mode.MD_JSON if self.settings.mode is Mode.JSON else Mode.JSON
                return hint.format(model=self.settings.model, mode=self.settings.mode.value, other=other.value)
        return "the endpoint will answer the same way again; check --base-url, --model and --mode"


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


def _folded(text: str) -> str:
    """All of ``text`` on one line (a refusal's reason is often on its second), capped in length."""
    line = printable(" ".join(text.split()))
    return line if len(line) <= MAX_MESSAGE_CHARS else line[: MAX_MESSAGE_CHARS - 1] + "…"


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
