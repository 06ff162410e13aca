"""The retry policy in-process: a scripted backend raises the typed faults, a fake sleep records the waits.

What the real client's HTTP faults are classified as is tested against the loopback server in
``test_openai_backend.py``; here only the decisions: how many attempts, which waits, which message.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass

import pytest

from postmortem_writer.errors import (
    EndpointError,
    EndpointUnavailable,
    ModelOutputError,
    PostmortemError,
    TransientEndpointError,
)
from postmortem_writer.extract.candidates import ChunkFindings
from postmortem_writer.llm.backend import PromptRef, Request
from postmortem_writer.llm.calls import Caller
from postmortem_writer.llm.retry import MAX_WAIT, RetryPolicy
from postmortem_writer.testing.fake import ScriptedBackend, ScriptItem

GOOD = {"timeline": [{"kind": "detection", "description": "Errors were reported.", "evidence": ["E4"]}]}
REQUEST = Request(
    prompt=PromptRef("extract-chunk", "v1", "0" * 64),
    messages=[{"role": "user", "content": "E4 | … | errors"}],
    response_model=ChunkFindings,
    context={"event_ids": frozenset({"E4"})},
    label="test",
)
HOST = "llm.test"


def fault(status: int, retry_after: float | None = None, attempts: int = 1) -> TransientEndpointError:
    return TransientEndpointError(f"HTTP {status}: scripted fault", retry_after=retry_after, attempts=attempts)


@dataclass
class Case:
    script: list[ScriptItem]
    raises: type[PostmortemError] | None  # None: a reply
    message: str  # the error's message (a prefix), or the reply's errors joined with "|"
    attempts: int | None  # the reply's or the error's; None for an EndpointError, which counts none
    waits: list[tuple[float, float]]  # each sleep's [low, high]: jitter keeps a backoff in [half, all]
    max_retries: int = 2
    backoff: float = 0.2
    resend_timeouts: bool = True  # False: a server on this machine or a private network


TIMED_OUT = TransientEndpointError("request timed out", timed_out=True)

CASES = {
    "retry-after-is-waited-as-asked": Case(
        [fault(429, retry_after=7), GOOD], None, "HTTP 429: scripted fault", 2, [(7, 7)]
    ),
    "retry-after-zero-waits-nothing": Case(
        [fault(503, retry_after=0), GOOD], None, "HTTP 503: scripted fault", 2, [(0, 0)]
    ),
    "too-long-a-wait-is-reported-not-waited": Case(
        [fault(429, retry_after=3600)],
        EndpointUnavailable,
        f"{HOST} asks to retry after 3600 s; giving up (HTTP 429: scripted fault)",
        1,
        [],
    ),
    "backoff-starts-at-the-setting-and-doubles": Case(
        [fault(500), fault(502), GOOD],
        None,
        "HTTP 500: scripted fault|HTTP 502: scripted fault",
        3,
        [(0.1, 0.2), (0.2, 0.4)],
    ),
    "backoff-is-capped": Case(
        [fault(500), GOOD], None, "HTTP 500: scripted fault", 2, [(MAX_WAIT, MAX_WAIT)], backoff=300
    ),
    "faults-outlasting-the-retries-are-reported": Case(
        [fault(500), fault(500), fault(500)],
        EndpointUnavailable,
        f"{HOST} still failing after 3 attempts: HTTP 500: scripted fault",
        3,
        [(0.1, 0.2), (0.2, 0.4)],
    ),
    "no-retries-one-attempt": Case(
        [fault(500)], EndpointUnavailable, f"{HOST} still failing after 1 attempt: HTTP 500", 1, [], max_retries=0
    ),
    "a-refusal-stops-at-once": Case(
        [EndpointError(f"{HOST} refused the request: HTTP 401")], EndpointError, HOST, None, []
    ),
    "a-refusal-after-a-fault-stops-there": Case(
        [fault(500), EndpointError(f"{HOST} refused the request: HTTP 404")], EndpointError, HOST, None, [(0.1, 0.2)]
    ),
    "invalid-output-counts-the-earlier-attempts": Case(
        [fault(500), ModelOutputError("output still invalid after 3 attempt(s)", attempts=3)],
        ModelOutputError,
        "output still invalid",
        4,
        [(0.1, 0.2)],
    ),
    "reasks-before-a-fault-are-counted": Case(
        [fault(429, retry_after=1, attempts=2), GOOD], None, "HTTP 429: scripted fault", 3, [(1, 1)]
    ),
    "a-timeout-at-a-local-server-is-not-sent-again": Case(
        [TIMED_OUT],
        EndpointUnavailable,
        f"{HOST}: request timed out; not sent again, since the server may still be computing it",
        1,
        [],
        resend_timeouts=False,
    ),
    "a-timeout-at-a-hosted-api-is-retried": Case([TIMED_OUT, GOOD], None, "request timed out", 2, [(0.1, 0.2)]),
    "other-faults-at-a-local-server-are-retried": Case(
        [fault(503), GOOD], None, "HTTP 503: scripted fault", 2, [(0.1, 0.2)], resend_timeouts=False
    ),
}


@pytest.mark.parametrize("case", list(CASES.values()), ids=list(CASES))
def test_the_policy_decides_attempts_waits_and_messages(case: Case) -> None:
    sleeps: list[float] = []
    backend = ScriptedBackend(case.script)
    log = io.StringIO()
    policy = RetryPolicy(
        max_retries=case.max_retries, backoff=case.backoff, sleep=sleeps.append, resend_timeouts=case.resend_timeouts
    )
    caller = Caller(backend, log=log, endpoint=HOST, retry=policy)
    if case.raises is None:
        reply = caller.call(REQUEST)
        assert reply.value.timeline[0].evidence == ["E4"]
        assert (reply.attempts, "|".join(reply.errors)) == (case.attempts, case.message)
    else:
        with pytest.raises(case.raises) as caught:
            caller.call(REQUEST)
        assert str(caught.value).startswith(case.message)
        if case.attempts is not None:
            assert isinstance(caught.value, EndpointUnavailable | ModelOutputError)
            assert caught.value.attempts == case.attempts
    assert backend.remaining == 0, "every scripted attempt was made"
    assert len(sleeps) == len(case.waits)
    for slept, (low, high) in zip(sleeps, case.waits, strict=True):
        assert low <= slept <= high
    if case.attempts is not None:
        (line,) = [json.loads(text) for text in log.getvalue().splitlines()]
        assert line["attempts"] == case.attempts


def test_without_a_policy_a_transient_fault_is_unavailable_at_once() -> None:
    backend = ScriptedBackend([fault(503, retry_after=1), GOOD])
    with pytest.raises(EndpointUnavailable, match="HTTP 503"):
        Caller(backend).call(REQUEST)
    assert backend.remaining == 1
