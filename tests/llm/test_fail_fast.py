"""A refusal stops the run after one request with one line; a run no model answer reached says so."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from postmortem_writer.cli import cli
from postmortem_writer.llm.openai_backend import MAX_MESSAGE_CHARS
from postmortem_writer.models import Draft
from postmortem_writer.testing.loopback import Action, Answer, Fault, LoopbackServer, Responder, citing_responder

KEY = "sk-do-not-print-me"
# What llama-cpp-python's server answers a json_schema response_format with (HTTP 500).
LLAMA_CPP_PYTHON = (
    "1 validation error for CreateChatCompletionRequest\n"
    "response_format.type\n"
    "  Input should be 'text' or 'json_object' [type=literal_error, input_value='json_schema', input_type=str]"
)


def run(sample: Path, out: Path, responder: Responder, *extra: str) -> tuple[int, str, LoopbackServer]:
    """Draft ``sample`` through the CLI, four calls at a time, against a loopback server.

    The mode is given: a refusal of a mode the user chose is final (``--mode auto`` stepping down
    past refused shapes is ``test_auto_mode.py``'s)."""
    with LoopbackServer(responder=responder) as server:
        result = CliRunner().invoke(
            cli,
            ["draft", str(sample), "-o", str(out), "--base-url", server.url, "--model", "m", "--api-key", KEY,
             "--context-tokens", "1024", "--concurrency", "4", "--max-retries", "2", "--timeout", "5",
             "--cache-dir", str(out.parent / "cache"), "--mode", "json-schema", *extra],
        )  # fmt: skip
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.stderr
    assert KEY not in result.stderr
    return result.exit_code, result.stderr, server


@dataclass(frozen=True)
class Refusal:
    fault: Fault
    said: str  # the server's message as the error line must carry it: every line, folded
    hint: str


REFUSALS = {
    "llama-cpp-python-500-json-schema": Refusal(
        Fault(500, message=LLAMA_CPP_PYTHON),
        " ".join(LLAMA_CPP_PYTHON.split()),
        "the endpoint does not take --mode json-schema: try --mode json",
    ),
    "llama-server-400-over-context": Refusal(
        Fault(400, message="request (4228 tokens) exceeds the available context size (4096 tokens), try increasing it"),
        "request (4228 tokens) exceeds the available context size (4096 tokens), try increasing it",
        "the request is over the server's context: pass a smaller --context-tokens",
    ),
    "400-tools-unsupported": Refusal(
        Fault(400, message="this model does not support\ntools"),
        "this model does not support tools",
        "try --mode json",
    ),
    "400-other": Refusal(
        Fault(400, message="messages: bad\nrole"),
        "messages: bad role",
        "if the endpoint lacks tool calls or JSON schema, try --mode json or md-json",
    ),
    "401-key": Refusal(Fault(401, message="Incorrect API key"), "Incorrect API key", "check the API key"),
    "403-key": Refusal(Fault(403, message="Forbidden:\nno access"), "Forbidden: no access", "check the API key"),
    "404-model": Refusal(
        Fault(404, message="model 'm' not found"),
        "model 'm' not found",
        "is model 'm' served there, and is the base URL right?",
    ),
    "422-unprocessable": Refusal(
        Fault(422, message="Unprocessable\nEntity"), "Unprocessable Entity", "try --mode json or md-json"
    ),
}


@pytest.mark.parametrize("refusal", list(REFUSALS.values()), ids=list(REFUSALS))
def test_a_refusal_is_one_request_and_one_line(refusal: Refusal, sample_incident: Path, tmp_path: Path) -> None:
    out = tmp_path / "d.md"
    code, err, server = run(sample_incident, out, lambda body: refusal.fault)
    assert len(server.requests) == 1, "a refusal is neither retried nor sent again by another chunk"
    assert code == 2
    errors = [line for line in err.splitlines() if line.startswith("error:")]
    port = server.url.split(":")[2].split("/")[0]
    assert errors == [err.splitlines()[-1]]
    assert errors[0].startswith(
        f"error: 127.0.0.1:{port} refused the request: HTTP {refusal.fault.status}: {refusal.said} ("
    )
    assert errors[0].endswith(")")
    assert refusal.hint in errors[0]
    assert not out.exists()


def test_a_long_refusal_is_folded_and_capped(sample_incident: Path, tmp_path: Path) -> None:
    message = "1 validation error for Request\n" + "\n".join(f"field_{n} is wrong" for n in range(200))
    code, err, server = run(sample_incident, tmp_path / "d.md", lambda body: Fault(500, message=message))
    assert code == 2
    assert len(server.requests) == 1
    said = re.search(r"HTTP 500: (.*) \(the endpoint", err.splitlines()[-1])
    assert said is not None
    assert said[1].startswith("1 validation error for Request field_0 is wrong field_1")
    assert len(said[1]) == MAX_MESSAGE_CHARS
    assert said[1].endswith("…")


def test_a_server_error_that_may_pass_is_still_retried(sample_incident: Path, tmp_path: Path) -> None:
    answers = citing_responder()
    sent: list[int] = []

    def once_down(body: dict[str, Any]) -> Action:
        sent.append(1)
        return Fault(500, message="internal error") if len(sent) == 1 else answers(body)

    code, err, server = run(sample_incident, tmp_path / "d.md", once_down)
    assert code == 0, err
    assert "error:" not in err
    assert "warning:" not in err
    assert server.requests[0] == server.requests[1], "the first request was sent again"


def _synthesis_down(body: dict[str, Any]) -> Action:
    if "ChunkFindings" in str(body):
        return citing_responder()(body)
    return Fault(503, message="overloaded")


# (responder, extra flags) -> exit code, extractor, whether the fallback is said, last stderr line's start.
FALLBACKS: dict[str, tuple[Responder, tuple[str, ...], int, str, bool, str]] = {
    "every-call-fails-auto": (
        lambda body: Fault(503, message="overloaded"), (), 0, "rules", True,
        "warning: no model answer was used, the draft comes from the rules extractor: all 9 chunk call(s) and "
        "the analysis call failed; the first: 127.0.0.1",
    ),
    "every-call-fails-llm": (
        lambda body: Fault(503, message="overloaded"), ("--extractor", "llm"), 4, "rules", True,
        "error: --extractor llm, but no model answer was used, the draft comes from the rules extractor: all 9",
    ),
    "only-the-synthesis-fails-llm": (
        _synthesis_down, ("--extractor", "llm"), 0, "llm", False, "warning: events E1 to E52 could not be analysed",
    ),
}  # fmt: skip


@pytest.mark.parametrize(
    ("responder", "extra", "exit_code", "extractor", "fell_back", "last_line"),
    list(FALLBACKS.values()),
    ids=list(FALLBACKS),
)
def test_a_run_says_whether_a_model_answer_was_used(
    responder: Responder,
    extra: tuple[str, ...],
    exit_code: int,
    extractor: str,
    fell_back: bool,
    last_line: str,
    sample_incident: Path,
    tmp_path: Path,
) -> None:
    out = tmp_path / "d.json"
    code, err, _ = run(sample_incident, out, responder, "--format", "json", "--max-retries", "0", *extra)
    assert code == exit_code, err
    assert err.splitlines()[-1].startswith(last_line), err
    assert f"with the {extractor} extractor (" in err
    draft = Draft.model_validate_json(out.read_text(encoding="utf-8"))  # written either way
    assert draft.provenance.extractor == extractor
    assert (draft.provenance.fallback is not None) is fell_back
    assert draft.provenance.model == "m"
    assert draft.provenance.calls > 0


def test_a_re_ask_over_the_context_costs_the_chunk_not_the_run(sample_incident: Path, tmp_path: Path) -> None:
    # The first request fits; the re-ask carries the invalid answer and why it failed, and outgrows
    # the server's context. The settings are fine: that chunk is a gap, and the draft is written.
    over = Fault(400, message="request (5658 tokens) exceeds the available context size (4096 tokens)")

    def invalid_then_over(body: dict[str, Any]) -> Action:
        reask = any(message.get("role") == "assistant" for message in body["messages"])
        return over if reask else Answer({"timeline": "not a list"})

    out = tmp_path / "d.md"
    code, err, server = run(sample_incident, out, invalid_then_over)
    assert code == 0, err
    assert not [line for line in err.splitlines() if line.startswith("error:")]
    assert out.exists()
    assert len(server.requests) > 1
