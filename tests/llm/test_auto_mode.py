"""``--mode auto`` through the CLI against loopback servers playing each dialect: the shape it
settles on, one request per refused shape, what it says on stderr, and what a re-run remembers."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from postmortem_writer.cli import cli
from postmortem_writer.llm.dialects import GENERIC
from postmortem_writer.llm.openai_backend import SAID_CHARS
from postmortem_writer.llm.session import open_session
from postmortem_writer.llm.settings import EndpointConfig, resolve
from postmortem_writer.models import Draft
from postmortem_writer.testing.loopback import (
    Action,
    Answer,
    Fault,
    LoopbackServer,
    Responder,
    citing_responder,
    emulating,
    request_shape,
)

INCIDENTS = Path(__file__).resolve().parents[2] / "fixtures" / "incidents"
# Two chat copies without dates or zones in their lines (as their expected.yaml gives them).
CERT = ("--date", "2025-06-10", "--tz", "Europe/Berlin")
DISK = ("--date", "2025-11-03", "--tz", "America/New_York")


def draft(server: LoopbackServer, sources: Path, out: Path, *extra: str) -> tuple[int, str]:
    """Draft ``sources`` through the CLI against ``server`` with no --mode unless ``extra`` gives one."""
    result = CliRunner().invoke(
        cli,
        ["draft", str(sources), "-o", str(out), "--base-url", server.url, "--model", "m", "--format", "json",
         "--max-retries", "0", "--timeout", "5", "--cache-dir", str(out.parent / "cache"), *extra],
    )  # fmt: skip
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.stderr
    return result.exit_code, result.stderr


def mode_lines(err: str) -> list[str]:
    return [line for line in err.splitlines() if line.startswith("mode: ")]


@dataclass(frozen=True)
class Auto:
    dialect: str  # a key of loopback.EMULATED
    shapes: list[str]  # the shape of each request until the first accepted one, in order
    line: str  # the stderr line saying which mode and why (a prefix)


AUTO = {
    "llama-cpp-python-known-by-its-models-list": Auto(
        "llama-cpp-python",
        ["json-object-schema"],
        "mode: json-object-schema (the first request shape llama-cpp-python's server takes, and it was accepted)",
    ),
    "llama-cpp-python-unrecognised-steps-down-once": Auto(
        "llama-cpp-python-unrecognised",
        ["json-schema", "json-object-schema"],
        "mode: json-object-schema (an OpenAI-compatible server refused json-schema: HTTP 500: 1 validation error for "
        "CreateChatCompletionRequest response_format.type Input should be 'text' or 'json_object'",
    ),
    "a-json-only-server-steps-down-three-times": Auto(
        "json-only",
        ["json-schema", "json-object-schema", "tools", "json"],
        "mode: json (an OpenAI-compatible server refused json-schema, json-object-schema, tools: HTTP 400: tools are "
        "not supported)",
    ),
    "llama-server-takes-the-json-schema": Auto(
        "llama-server",
        ["json-schema"],
        "mode: json-schema (the first request shape llama.cpp's llama-server takes, and it was accepted)",
    ),
    "lmstudio-takes-the-json-schema": Auto(
        "lmstudio", ["json-schema"], "mode: json-schema (the first request shape LM Studio takes, and it was accepted)"
    ),
    "vllm-takes-the-json-schema": Auto(
        "vllm", ["json-schema"], "mode: json-schema (the first request shape vLLM takes, and it was accepted)"
    ),
    "ollama-takes-the-json-schema": Auto(
        "ollama", ["json-schema"], "mode: json-schema (the first request shape Ollama takes, and it was accepted)"
    ),
}


@pytest.mark.parametrize("case", list(AUTO.values()), ids=list(AUTO))
def test_auto_settles_on_the_first_shape_the_server_takes(case: Auto, sample_incident: Path, tmp_path: Path) -> None:
    responder, routes = emulating(case.dialect, citing_responder())
    with LoopbackServer(responder=responder, routes=routes) as server:
        code, err = draft(server, sample_incident, tmp_path / "d.json", "--concurrency", "4")
    assert code == 0, err
    shapes = [request_shape(body) for body in server.requests]
    settled = case.shapes[-1]
    assert shapes[: len(case.shapes)] == case.shapes, "one request per refused shape, in the dialect's order"
    assert set(shapes[len(case.shapes) :]) == {settled}, "every later request in the settled shape"
    assert len(mode_lines(err)) == 1
    assert mode_lines(err)[0].startswith(case.line)
    assert len(mode_lines(err)[0]) < 2 * SAID_CHARS + 100, "a refusal's reason is cut short on that line"
    result = Draft.model_validate_json((tmp_path / "d.json").read_text(encoding="utf-8"))
    assert result.provenance.extractor == "llm"
    assert result.gaps == []
    assert result.provenance.calls == len(server.requests), "each refused shape is a request counted"


def test_a_server_refusing_every_shape_gets_one_request_per_shape(sample_incident: Path, tmp_path: Path) -> None:
    with LoopbackServer(responder=lambda body: Fault(400, message="response_format: not here")) as server:
        code, err = draft(server, sample_incident, tmp_path / "d.json", "--concurrency", "4")
    assert code == 2
    assert [request_shape(body) for body in server.requests] == [mode.value for mode in GENERIC.modes]
    assert err.splitlines()[-1] == (
        f"error: {server.url.split('/')[2]} refused every request shape --mode auto tried (json-schema, "
        "json-object-schema, tools, json, md-json); the last: HTTP 400: response_format: not here (is this an "
        "OpenAI-compatible chat endpoint?)"
    )
    assert not (tmp_path / "d.json").exists()


def test_a_rerun_remembers_the_mode_and_asks_nothing(tmp_path: Path) -> None:
    responder, routes = emulating("llama-cpp-python-unrecognised", citing_responder())
    with LoopbackServer(responder=responder, routes=routes) as server:
        code, err = draft(server, INCIDENTS / "dev-01-cert-expiry" / "sources", tmp_path / "a.json", *CERT)
        assert code == 0, err
        first = len(server.requests)
        assert server.probes == ["GET /v1/models"]
        # Other sources: nothing is answered from the answer cache, every call is sent.
        code, err = draft(server, INCIDENTS / "dev-03-disk-full" / "sources", tmp_path / "b.json", *DISK)
        assert code == 0, err
        again = server.requests[first:]
        assert server.probes == ["GET /v1/models"], "the server is not asked about itself again"
        assert again
        assert {request_shape(body) for body in again} == {"json-object-schema"}, "no refused shape is tried again"
        assert mode_lines(err) == [
            f"mode: json-object-schema (remembered for {server.url} m; an OpenAI-compatible server)"
        ]
        # --no-cache learns afresh: the server may have changed.
        code, err = draft(server, INCIDENTS / "dev-03-disk-full" / "sources", tmp_path / "c.json", *DISK, "--no-cache")
        assert code == 0, err
        assert request_shape(server.requests[first + len(again)]) == "json-schema"
        assert server.probes == ["GET /v1/models"] * 2


def test_a_remembered_shape_the_server_now_refuses_is_stepped_down_from(sample_incident: Path, tmp_path: Path) -> None:
    played, routes = emulating("llama-server", citing_responder())
    swapped = emulating("llama-cpp-python-unrecognised", citing_responder())[0]
    now: list[Responder] = [played]
    with LoopbackServer(responder=lambda body: now[0](body), routes=routes) as server:
        code, err = draft(server, INCIDENTS / "dev-01-cert-expiry" / "sources", tmp_path / "a.json", *CERT)
        assert code == 0, err
        assert mode_lines(err) == [
            "mode: json-schema (the first request shape llama.cpp's llama-server takes, and it was accepted)"
        ]
        first = len(server.requests)
        now[0] = swapped
        code, err = draft(server, sample_incident, tmp_path / "b.json")
        assert code == 0, err
    assert [request_shape(body) for body in server.requests[first : first + 2]] == ["json-schema", "json-object-schema"]
    assert mode_lines(err)[0].startswith("mode: json-schema (remembered for ")
    assert mode_lines(err)[1].startswith(
        "mode: json-object-schema (llama.cpp's llama-server refused json-schema: HTTP 500"
    )
    assert len(mode_lines(err)) == 2


def test_an_explicit_mode_never_steps_down_and_asks_nothing_it_was_told(sample_incident: Path, tmp_path: Path) -> None:
    responder, routes = emulating("llama-server", citing_responder())
    with LoopbackServer(responder=responder, routes=routes) as server:
        code, err = draft(
            server, sample_incident, tmp_path / "d.json", "--mode", "json", "--context-tokens", "4096",
            "--concurrency", "1",
        )  # fmt: skip
    assert code == 0, err
    assert server.probes == []
    assert {request_shape(body) for body in server.requests} == {"json"}
    assert mode_lines(err) == []
    assert "server: " not in err


def test_the_mode_comes_from_the_environment(sample_incident: Path, tmp_path: Path) -> None:
    with LoopbackServer(responder=citing_responder()) as server:
        result = CliRunner().invoke(
            cli,
            ["draft", str(sample_incident), "-o", str(tmp_path / "d.md"), "--base-url", server.url, "--model", "m",
             "--cache-dir", str(tmp_path / "cache")],
            env={"POSTMORTEM_MODE": "md-json"},
        )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert {request_shape(body) for body in server.requests} == {"md-json"}


def test_llama_server_props_set_the_context_and_the_slots(sample_incident: Path, tmp_path: Path) -> None:
    responder, routes = emulating("llama-server", citing_responder())
    with LoopbackServer(responder=responder, routes=routes) as server:
        code, err = draft(server, sample_incident, tmp_path / "d.json")
        settings = resolve(EndpointConfig(base_url=server.url, model="m"), EndpointConfig())
        session = open_session(settings, cache_dir=tmp_path / "fresh")
        session.close()
        told = resolve(EndpointConfig(base_url=server.url, model="m", context_tokens=2048), EndpointConfig())
        session_told = open_session(told, cache_dir=tmp_path / "fresh")
        session_told.close()
    assert code == 0, err
    assert "server: llama.cpp's llama-server, context 8192 tokens, 2 slots (from /props)" in err.splitlines()
    assert (session.context_tokens, session.concurrency) == (8192, 2)
    assert (session_told.context_tokens, session_told.concurrency) == (2048, 2), "remembered, and the flag wins"
    # At 8,192 tokens the sample's chat is one chunk (and the synthesis): fewer calls than at 4,096.
    assert len(server.requests) == 2


def test_a_timed_out_local_request_is_not_sent_again(sample_incident: Path, tmp_path: Path) -> None:
    answers = citing_responder()
    slow_once: list[str] = []

    def respond(body: dict[str, Any]) -> Action:
        first = str(body["messages"])
        if not slow_once:
            slow_once.append(first)
        if first == slow_once[0] and "ChunkFindings" in str(body):
            answer = answers(body)
            assert isinstance(answer, Answer)
            return Answer(answer.payload, delay=3.0)
        return answers(body)

    with LoopbackServer(responder=respond) as server:
        code, err = draft(server, sample_incident, tmp_path / "d.json", "--timeout", "1", "--max-retries", "3")
    assert code == 0, err
    assert sum(str(body["messages"]) == slow_once[0] for body in server.requests) == 1
    (warning,) = [line for line in err.splitlines() if "could not be analysed" in line]
    assert re.search(r"request timed out; not sent again, since the server may still be computing it", warning)
