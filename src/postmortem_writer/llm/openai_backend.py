"""The backend for any OpenAI-compatible endpoint; the only module that imports openai and instructor.

Each call is one attempt: the SDK's own retries are off (``max_retries`` 0), and a fault is
classified, not retried here: a 429, 5xx, timeout or dropped connection is a
``TransientEndpointError`` carrying the ``Retry-After`` the endpoint sent, a refusal is an
``EndpointError``. The caller's ``RetryPolicy`` (``llm/retry.py``) decides what to do with them.
Schema and grounding errors are re-asked by instructor, which sends the validation error back to
the model.
"""

from __future__ import annotations

import email.utils
import logging
import time
from typing import Any

import instructor
import openai
from instructor.core.exceptions import IncompleteOutputException, InstructorRetryException
from pydantic import ValidationError

from postmortem_writer.errors import EndpointError, ModelOutputError, OutputCutOff, TransientEndpointError
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
        try:
            value, completion = self._client.chat.completions.create_with_completion(
                model=self.settings.model,
                messages=request.messages,  # type: ignore[arg-type]
                response_model=request.response_model,
                max_retries=self.settings.max_reasks,
                context=request.context,
                temperature=0,
                max_tokens=request.max_tokens,
            )
        except InstructorRetryException as exc:
            # instructor wraps an HTTP fault the same way as invalid output: the cause tells them apart.
            if isinstance(exc.__cause__, openai.APIError):
                raise self._classify(exc.__cause__, exc.n_attempts) from None
            raise ModelOutputError(
                f"output still invalid after {exc.n_attempts} attempt(s): {_what_was_invalid(exc)}",
                raw=_raw_text(exc.last_completion),
                attempts=exc.n_attempts,
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
        return Reply(value=value, usage=_usage(completion))

    def _classify(self, error: openai.APIError, attempts: int) -> EndpointError | TransientEndpointError:
        """What ``error`` is: a refusal retrying cannot fix, or a fault that may pass."""
        if isinstance(error, openai.APIStatusError) and error.status_code not in _TRANSIENT_STATUS:
            hint = ""
            if error.status_code in (400, 422):
                hint = " (if the endpoint lacks tool calls or JSON schema, try --mode json or md-json)"
            elif error.status_code == 404:
                hint = f" (is model {self.settings.model!r} served there, and is the base URL right?)"
            elif error.status_code in (401, 403):
                hint = " (check the API key)"
            return EndpointError(f"{self.settings.host} refused the request: {_describe(error)}{hint}")
        return TransientEndpointError(_describe(error), retry_after=_retry_after(error), attempts=attempts)


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


def _describe(error: openai.APIError) -> str:
    if isinstance(error, openai.APIStatusError):
        # The body's own message, not the SDK's "Error code: 429 - {…}" rendering of it.
        body = error.body.get("error", error.body) if isinstance(error.body, dict) else None
        message = body.get("message") if isinstance(body, dict) else None
        return f"HTTP {error.status_code}: {_first_line(str(message or error.message))}"
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
    problems = last.errors()
    where = ".".join(str(part) for part in problems[0]["loc"]) or "the answer"
    more = f" and {len(problems) - 1} more" if len(problems) > 1 else ""
    return f"{where} ({problems[0]['type'].replace('_', ' ')}){more}"


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
