"""The real openai client and instructor against the loopback server: wire formats, re-asks, and how
HTTP faults are classified (the retry decisions are tested in-process in ``test_retry.py``).

Scripted answers prove the plumbing only; nothing here measures a model.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from postmortem_writer.errors import (
    EndpointError,
    EndpointUnavailable,
    ModelError,
    ModelOutputError,
    TransientEndpointError,
)
from postmortem_writer.extract.candidates import ChunkFindings
from postmortem_writer.llm.backend import MAX_ANSWER_TOKENS, PromptRef, Request
from postmortem_writer.llm.cache import Cache
from postmortem_writer.llm.calls import Caller
from postmortem_writer.llm.openai_backend import OpenAIBackend
from postmortem_writer.llm.retry import RetryPolicy
from postmortem_writer.llm.settings import LLMSettings, Mode
from postmortem_writer.testing.loopback import Action, Answer, Cut, Drop, Fault, LoopbackServer, Raw

GOOD = {"timeline": [{"kind": "detection", "description": "Errors were reported.", "evidence": ["E4"]}]}
DANGLING = {"timeline": [{"kind": "detection", "description": "Errors were reported.", "evidence": ["E99"]}]}
REQUEST = Request(
    prompt=PromptRef("extract-chunk", "v1", "0" * 64),
    messages=[{"role": "system", "content": "Extract."}, {"role": "user", "content": "E4 | … | errors"}],
    response_model=ChunkFindings,
    context={"event_ids": frozenset({"E4"})},
    label="test",
)


MakeBackend = Callable[..., OpenAIBackend]


@pytest.fixture
def backend() -> Iterator[MakeBackend]:
    made: list[OpenAIBackend] = []

    def make(server: LoopbackServer, **changes: Any) -> OpenAIBackend:
        values = {"model": "test-model", "base_url": server.url, "timeout": 5.0, "mode": Mode.TOOLS}
        made.append(OpenAIBackend(LLMSettings(**{**values, **changes})))
        return made[-1]

    yield make
    for client in made:
        client.close()


@pytest.mark.parametrize(
    ("mode", "check"),
    [
        pytest.param(Mode.TOOLS, lambda body: body["tools"][0]["function"]["name"] == "ChunkFindings", id="tools"),
        pytest.param(Mode.JSON_SCHEMA, lambda body: body["response_format"]["type"] == "json_schema", id="json-schema"),
        pytest.param(
            Mode.JSON,
            lambda body: body["response_format"] == {"type": "json_object"} and "ChunkFindings" in json.dumps(body),
            id="json",
        ),
        pytest.param(
            Mode.JSON_OBJECT_SCHEMA,
            lambda body: (
                body["response_format"]["type"] == "json_object"
                and body["response_format"]["schema"] == ChunkFindings.model_json_schema()
            ),
            id="json-object-schema",
        ),
        pytest.param(
            Mode.MD_JSON,
            lambda body: "tools" not in body and "response_format" not in body and "json" in json.dumps(body).lower(),
            id="md-json",
        ),
    ],
)
def test_each_mode_sends_its_wire_format_and_parses_the_answer(mode: Mode, check: Any, backend: MakeBackend) -> None:
    payload: dict[str, Any] | str = GOOD if mode is not Mode.MD_JSON else f"```json\n{json.dumps(GOOD)}\n```"
    with LoopbackServer([Answer(payload, usage=(321, 45))]) as server:
        reply = backend(server, mode=mode).complete(REQUEST)
    assert reply.value.timeline[0].evidence == ["E4"]
    assert (reply.usage.prompt_tokens, reply.usage.completion_tokens, reply.attempts) == (321, 45, 1)
    body = server.requests[0]
    assert body["model"] == "test-model"
    assert body["temperature"] == 0
    assert check(body)


@pytest.mark.parametrize(
    ("first", "error_in_second_request"),
    [
        pytest.param(Answer('{"timeline": [{"kind": '), "", id="invalid-json"),
        pytest.param(Answer(DANGLING), "E99 not among the event ids", id="dangling-evidence-id"),
    ],
)
def test_invalid_output_is_reasked_with_the_error(
    first: Answer, error_in_second_request: str, backend: MakeBackend
) -> None:
    with LoopbackServer([first, Answer(GOOD)]) as server:
        reply = backend(server).complete(REQUEST)
    assert reply.value.model_dump() == ChunkFindings.model_validate(GOOD).model_dump()
    assert len(server.requests) == 2
    second = json.dumps(server.requests[1]["messages"])
    assert len(server.requests[1]["messages"]) > len(server.requests[0]["messages"])
    assert "error" in second.lower() or "validation" in second.lower()
    assert error_in_second_request in second


def test_output_still_invalid_after_the_reasks_is_a_model_output_error(backend: MakeBackend) -> None:
    with (
        LoopbackServer([Answer(DANGLING)] * 3) as server,
        pytest.raises(ModelOutputError, match="still invalid after 3 attempt") as caught,
    ):
        backend(server, max_reasks=2).complete(REQUEST)
    assert caught.value.raw is not None
    assert "E99" in caught.value.raw
    assert server.remaining == 0
    # The reason names what was invalid (it becomes a gap's reason), not instructor's dump, and
    # quotes no value of the model's (the draft prints it).
    assert str(caught.value) == "output still invalid after 3 attempt(s): timeline.0.evidence (value error)"


# What the real client meets on the wire, as the backend classifies it: (action, error, message, retry_after).
WIRE_FAULTS = {
    "429-retry-after": (Fault(429, {"Retry-After": "7"}), TransientEndpointError, "HTTP 429: scripted fault", 7.0),
    "503-retry-after-ms": (
        Fault(503, {"retry-after-ms": "250"}),
        TransientEndpointError,
        "HTTP 503: scripted fault",
        0.25,
    ),
    "500": (Fault(500), TransientEndpointError, "HTTP 500: scripted fault", None),
    "dropped-connection": (Drop(), TransientEndpointError, "connection failed or was dropped", None),
    "body-cut-off": (Cut(Answer(GOOD)), TransientEndpointError, "connection failed or was dropped", None),
    "timeout": (Answer(GOOD, delay=1.5), TransientEndpointError, "request timed out", None),
    "401": (
        Fault(401),
        EndpointError,
        "refused the request: HTTP 401: scripted fault (check the API key)",
        None,
    ),
    "404": (Fault(404), EndpointError, "HTTP 404: scripted fault (is model 'test-model' served there", None),
    "400": (Fault(400), EndpointError, "HTTP 400: scripted fault (if the endpoint lacks tool calls", None),
    "500-validation-error": (
        Fault(500, message="1 validation error for Request\nresponse_format\n  Input should be 'text'"),
        EndpointError,
        "HTTP 500: 1 validation error for Request response_format Input should be 'text' (the endpoint does not",
        None,
    ),
}


@pytest.mark.parametrize(
    ("action", "error", "message", "retry_after"), list(WIRE_FAULTS.values()), ids=list(WIRE_FAULTS)
)
def test_http_faults_are_classified_and_not_retried_by_the_backend(
    action: Action, error: type[Exception], message: str, retry_after: float | None, backend: MakeBackend
) -> None:
    with LoopbackServer([action]) as server, pytest.raises(error) as caught:
        backend(server, timeout=0.5).complete(REQUEST)
    assert message in str(caught.value)
    assert getattr(caught.value, "retry_after", None) == retry_after
    assert len(server.requests) == 1, "neither the SDK nor the backend retried on its own"


def test_the_caller_retries_a_real_429_as_long_as_retry_after_asks(backend: MakeBackend) -> None:
    sleeps: list[float] = []
    with LoopbackServer([Fault(429, {"Retry-After": "7"}), Answer(GOOD)]) as server:
        caller = Caller(backend(server), endpoint="loopback", retry=RetryPolicy(max_retries=2, sleep=sleeps.append))
        reply = caller.call(REQUEST)
    assert sleeps == [7.0]
    assert (reply.attempts, reply.errors) == (2, ["HTTP 429: scripted fault"])
    assert len(server.requests) == 2


def test_truncated_output_is_a_model_output_error(backend: MakeBackend) -> None:
    with (
        LoopbackServer([Answer('{"timeline": [{"kind": "detec', finish_reason="length")]) as server,
        pytest.raises(ModelOutputError, match="cut off at the token limit"),
    ):
        backend(server).complete(REQUEST)
    assert len(server.requests) == 1


def test_an_exhausted_loopback_script_is_visible(backend: MakeBackend) -> None:
    with LoopbackServer([]) as server, pytest.raises(EndpointUnavailable):
        backend(server).complete(REQUEST)
    assert server.exhausted


@pytest.mark.parametrize(
    "answer",
    [
        pytest.param(Raw("<html><body>502 Bad Gateway</body></html>", content_type="text/html"), id="html-page"),
        pytest.param(Raw('{"id": "x", "object": "chat.completion", "choices": []}'), id="no-choices"),
        pytest.param(Raw("null"), id="json-null"),
        pytest.param(Raw('{"error": {"message": "overloaded"}}'), id="error-object-with-200"),
        pytest.param(Answer("I cannot help with that."), id="prose-instead-of-json"),
    ],
)
def test_odd_answers_become_model_errors_not_tracebacks(answer: Action, backend: MakeBackend) -> None:
    with LoopbackServer([answer] * 3) as server, pytest.raises(ModelError):
        backend(server).complete(REQUEST)


def test_every_request_asks_for_a_bounded_answer(backend: MakeBackend) -> None:
    with LoopbackServer([Answer(GOOD)]) as server:
        backend(server).complete(REQUEST)
    assert server.requests[0]["max_tokens"] == MAX_ANSWER_TOKENS


def test_an_answer_over_the_size_limit_is_refused_and_never_cached(backend: MakeBackend, tmp_path: Path) -> None:
    # An endpoint that ignores max_tokens: one description of 300,000 characters.
    huge = {"timeline": [{"kind": "detection", "description": "Errors. " * 40_000, "evidence": ["E4"]}]}
    cache = Cache(tmp_path / "cache.sqlite")
    with LoopbackServer([Answer(huge)]) as server:
        caller = Caller(backend(server), cache=cache)
        with pytest.raises(ModelOutputError, match="characters is over the 262,144 limit"):
            caller.call(REQUEST)
    with LoopbackServer([Answer(GOOD)]) as server:
        Caller(backend(server), cache=cache).call(REQUEST)
    assert len(server.requests) == 1, "asked again: the refused answer was not cached"


def test_the_call_totals_count_every_request_sent(backend: MakeBackend) -> None:
    # One call, two requests: a server error, then the answer on the retry.
    with LoopbackServer([Fault(500), Answer(GOOD)]) as server:
        caller = Caller(backend(server), retry=RetryPolicy(sleep=lambda _: None))
        caller.call(REQUEST)
    assert len(server.requests) == 2
    assert caller.totals.calls == 2
