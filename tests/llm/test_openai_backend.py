"""The real openai client and instructor against the loopback server: wire formats, re-asks, faults.

Scripted answers prove the plumbing only; nothing here measures a model.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from postmortem_writer.errors import EndpointError, EndpointUnavailable, ModelError, ModelOutputError
from postmortem_writer.extract.candidates import ChunkFindings
from postmortem_writer.llm.backend import MAX_ANSWER_TOKENS, PromptRef, Request
from postmortem_writer.llm.cache import Cache
from postmortem_writer.llm.calls import Caller
from postmortem_writer.llm.loopback import Action, Answer, Drop, Fault, LoopbackServer, Raw
from postmortem_writer.llm.openai_backend import OpenAIBackend
from postmortem_writer.llm.settings import LLMSettings, Mode

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


class Sleeps(list[float]):
    def __call__(self, seconds: float) -> None:
        self.append(seconds)


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture
def backend(sleeps: Sleeps) -> Iterator[MakeBackend]:
    made: list[OpenAIBackend] = []

    def make(server: LoopbackServer, **changes: Any) -> OpenAIBackend:
        values = {"model": "test-model", "base_url": server.url, "max_retries": 2, "timeout": 5.0, "mode": Mode.TOOLS}
        made.append(OpenAIBackend(LLMSettings(**{**values, **changes}), sleep=sleeps))
        return made[-1]

    yield make
    for client in made:
        client.close()


@pytest.mark.parametrize(
    ("mode", "check"),
    [
        pytest.param(Mode.TOOLS, lambda body: body["tools"][0]["function"]["name"] == "ChunkFindings", id="tools"),
        pytest.param(Mode.JSON_SCHEMA, lambda body: body["response_format"]["type"] == "json_schema", id="json-schema"),
        pytest.param(Mode.JSON, lambda body: body["response_format"]["type"] == "json_object", id="json"),
        pytest.param(
            Mode.MD_JSON,
            lambda body: "tools" not in body and "response_format" not in body and "json" in json.dumps(body).lower(),
            id="md-json",
        ),
    ],
)
def test_each_mode_sends_its_wire_format_and_parses_the_answer(
    mode: Mode, check: Any, sleeps: Sleeps, backend: MakeBackend
) -> None:
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
    first: Answer, error_in_second_request: str, sleeps: Sleeps, backend: MakeBackend
) -> None:
    with LoopbackServer([first, Answer(GOOD)]) as server:
        reply = backend(server).complete(REQUEST)
    assert reply.value.model_dump() == ChunkFindings.model_validate(GOOD).model_dump()
    assert len(server.requests) == 2
    second = json.dumps(server.requests[1]["messages"])
    assert len(server.requests[1]["messages"]) > len(server.requests[0]["messages"])
    assert "error" in second.lower() or "validation" in second.lower()
    assert error_in_second_request in second


def test_output_still_invalid_after_the_reasks_is_a_model_output_error(sleeps: Sleeps, backend: MakeBackend) -> None:
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


def test_429_waits_as_long_as_retry_after_asks(sleeps: Sleeps, backend: MakeBackend) -> None:
    with LoopbackServer([Fault(429, {"Retry-After": "7"}), Answer(GOOD)]) as server:
        reply = backend(server).complete(REQUEST)
    assert sleeps == [7.0]
    assert reply.attempts == 2
    assert reply.errors == ["HTTP 429: scripted fault"]
    assert len(server.requests) == 2, "the SDK did not retry on its own"


def test_retry_after_in_milliseconds_and_too_long_a_wait(sleeps: Sleeps, backend: MakeBackend) -> None:
    with LoopbackServer([Fault(503, {"retry-after-ms": "250"}), Answer(GOOD)]) as server:
        backend(server).complete(REQUEST)
    assert sleeps == [0.25]
    with (
        LoopbackServer([Fault(429, {"Retry-After": "3600"})]) as server,
        pytest.raises(EndpointUnavailable, match="asks to retry after 3600 s"),
    ):
        backend(server).complete(REQUEST)


@pytest.mark.parametrize(
    ("faults", "described"),
    [
        pytest.param([Fault(500)] * 3, "HTTP 500", id="500"),
        pytest.param([Drop()] * 3, "connection failed or was dropped", id="dropped-connection"),
        pytest.param([Answer(GOOD, delay=1.5)] * 3, "request timed out", id="timeout"),
    ],
)
def test_transient_faults_are_retried_then_reported(
    faults: list[Action], described: str, sleeps: Sleeps, backend: MakeBackend
) -> None:
    with (
        LoopbackServer(faults) as server,
        pytest.raises(EndpointUnavailable, match=f"still failing after 3 attempts: {described}") as caught,
    ):
        backend(server, timeout=0.5).complete(REQUEST)
    assert len(server.requests) == 3
    assert len(sleeps) == 2
    assert caught.value.attempts == 3


def test_backoff_without_retry_after_starts_at_the_setting_and_doubles(sleeps: Sleeps, backend: MakeBackend) -> None:
    with LoopbackServer([Fault(500), Fault(502), Answer(GOOD)]) as server:
        backend(server, backoff=0.2).complete(REQUEST)
    # Jitter keeps each wait within [half, all] of base * 2**retry.
    assert len(sleeps) == 2
    assert 0.1 <= sleeps[0] <= 0.2
    assert 0.2 <= sleeps[1] <= 0.4


def test_a_fault_then_success_recovers(sleeps: Sleeps, backend: MakeBackend) -> None:
    with LoopbackServer([Fault(500), Drop(), Answer(GOOD)]) as server:
        reply = backend(server).complete(REQUEST)
    assert reply.attempts == 3
    assert len(reply.errors) == 2
    assert len(sleeps) == 2


def test_truncated_output_is_a_model_output_error(sleeps: Sleeps, backend: MakeBackend) -> None:
    with (
        LoopbackServer([Answer('{"timeline": [{"kind": "detec', finish_reason="length")]) as server,
        pytest.raises(ModelOutputError, match="cut off at the token limit"),
    ):
        backend(server).complete(REQUEST)
    assert len(server.requests) == 1


@pytest.mark.parametrize(
    ("status", "hint"),
    [(401, "check the API key"), (404, "is model 'test-model' served there"), (400, "try --mode json")],
)
def test_errors_retrying_cannot_fix_stop_at_once(status: int, hint: str, sleeps: Sleeps, backend: MakeBackend) -> None:
    with LoopbackServer([Fault(status)]) as server, pytest.raises(EndpointError, match=f"HTTP {status}.*{hint}"):
        backend(server).complete(REQUEST)
    assert len(server.requests) == 1
    assert sleeps == []


def test_an_exhausted_loopback_script_is_visible(sleeps: Sleeps, backend: MakeBackend) -> None:
    with LoopbackServer([]) as server, pytest.raises(EndpointUnavailable):
        backend(server, max_retries=0).complete(REQUEST)
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
        backend(server, max_retries=0).complete(REQUEST)


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
        caller = Caller(backend(server))
        caller.call(REQUEST)
    assert len(server.requests) == 2
    assert caller.totals.calls == 2
