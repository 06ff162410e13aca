"""The server dialects as data, and what asking a server about itself learns from each."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import httpx
import openai
import pytest

from postmortem_writer.extract.candidates import ChunkFindings
from postmortem_writer.llm.backend import PromptRef, Request
from postmortem_writer.llm.dialects import DIALECTS, GENERIC, Dialect, by_owner, by_url, is_reasoning_model
from postmortem_writer.llm.openai_backend import OpenAIBackend
from postmortem_writer.llm.probe import ServerFacts, applied, ask_server, endpoint_key
from postmortem_writer.llm.settings import LOCAL_CONTEXT, EndpointConfig, LLMSettings, Mode, resolve
from postmortem_writer.testing.loopback import EMULATED, Answer, LoopbackServer, completion

GOOD = {"timeline": [{"kind": "detection", "description": "Errors were reported.", "evidence": ["E4"]}]}

# Per dialect: a base URL it is known by without asking (or None), what the loopback playing it
# makes ask_server learn (None: not played), a model that is a reasoning model there (or None).
EXPECTED: dict[str, tuple[str | None, ServerFacts | None, str | None]] = {
    "openai": ("https://api.openai.com/v1", None, "o3-mini"),
    "azure": ("https://acme.openai.azure.com", None, "gpt-5-deploy"),
    "vllm": (None, ServerFacts("vllm", context_tokens=32768, source="/v1/models"), None),
    "ollama": ("http://localhost:11434/v1", ServerFacts("ollama", context_tokens=16384, source="/api/show"), None),
    "llama-server": (
        "http://127.0.0.1:8080/v1",
        ServerFacts("llama-server", context_tokens=8192, slots=2, source="/props"),
        None,
    ),
    "llama-cpp-python": (None, ServerFacts("llama-cpp-python"), None),
    "lmstudio": (
        "http://localhost:1234/v1",
        ServerFacts("lmstudio", context_tokens=6144, source="/api/v0/models"),
        None,
    ),
    "generic": (None, None, None),
}


def test_every_dialect_has_its_expectations() -> None:
    assert set(EXPECTED) == {dialect.id for dialect in DIALECTS}


@pytest.mark.parametrize("dialect", DIALECTS, ids=[dialect.id for dialect in DIALECTS])
def test_a_dialect_row(dialect: Dialect) -> None:
    url, learned, reasoning = EXPECTED[dialect.id]
    assert len(set(dialect.modes)) == len(dialect.modes)
    assert Mode.AUTO not in dialect.modes
    # The last shape asks for JSON in the prompt alone: there is always one a server cannot refuse.
    assert dialect.modes[-1] is Mode.MD_JSON
    if url is not None:
        assert by_url(url) == dialect
    for owner in dialect.owned_by:
        assert by_owner(owner) == dialect
    assert is_reasoning_model(dialect, reasoning) if reasoning else not dialect.reasoning_models
    assert not is_reasoning_model(dialect, "gpt-4.1-mini")
    if learned is not None:
        with LoopbackServer(routes=EMULATED[dialect.id].routes) as server:
            settings = LLMSettings(model="m", base_url=server.url, mode=Mode.AUTO, timeout=5)
            backend = OpenAIBackend(settings)
            try:
                assert ask_server(backend.fetch, settings) == learned
            finally:
                backend.close()
    if dialect.hosted:
        # A hosted API is never asked: there is nothing to fetch from.
        settings = LLMSettings(model="m", base_url=url, mode=Mode.AUTO)
        assert ask_server(_never, settings) == ServerFacts(dialect.id)


def test_an_azure_client_on_its_own_domain_is_azure() -> None:
    settings = LLMSettings(model="m", base_url="https://llm.acme.example", api_version="2024-10-21", mode=Mode.AUTO)
    assert ask_server(_never, settings) == ServerFacts("azure")


def _never(method: str, url: str, body: dict[str, Any] | None) -> Any:
    raise AssertionError(f"asked {method} {url}")


GENERIC_FACTS = ServerFacts("generic")


@dataclass(frozen=True)
class Said:
    """What a fake server answers each question with (``None``: it does not answer)."""

    answers: dict[str, Any]
    base_url: str = "http://10.0.0.5:8080/v1"
    learned: ServerFacts = GENERIC_FACTS


ASKED = {
    "nothing-answers": Said({}, learned=ServerFacts("llama-server")),
    "unknown-owner-unknown-port": Said({"GET http://10.0.0.5:9/v1/models": {"data": [{"id": "m", "owned_by": "x"}]}}, "http://10.0.0.5:9/v1"),
    "owner-over-port": Said(
        {"GET http://10.0.0.5:8080/v1/models": {"data": [{"id": "m", "owned_by": "vllm", "max_model_len": 4096}]}},
        learned=ServerFacts("vllm", context_tokens=4096, source="/v1/models"),
    ),
    "the-model-asked-for-not-the-first": Said(
        {
            "GET http://10.0.0.5:8080/v1/models": {
                "data": [{"id": "other", "owned_by": "x"}, {"id": "m", "owned_by": "vllm", "max_model_len": 2048}]
            }
        },
        learned=ServerFacts("vllm", context_tokens=2048, source="/v1/models"),
    ),
    "slots-from-the-slot-list-when-props-has-none": Said(
        {
            "GET http://10.0.0.5:8080/props": {"default_generation_settings": {"n_ctx": 4096}},
            "GET http://10.0.0.5:8080/slots": [{"id": 0}, {"id": 1}, {"id": 2}],
        },
        learned=ServerFacts("llama-server", context_tokens=4096, slots=3, source="/props"),
    ),
    "nonsense-figures-are-ignored": Said(
        {"GET http://10.0.0.5:8080/props": {"default_generation_settings": {"n_ctx": "big"}, "total_slots": True}},
        learned=ServerFacts("llama-server"),
    ),
    "a-tiny-context-is-not-used": Said(
        {"GET http://10.0.0.5:8080/props": {"default_generation_settings": {"n_ctx": 512}, "total_slots": 1}},
        learned=ServerFacts("llama-server", slots=1, source="/props"),
    ),
    "ollama-trained-length-is-not-its-window": Said(
        {"POST http://localhost:11434/api/show": {"model_info": {"llama.context_length": 131072}, "parameters": ""}},
        "http://localhost:11434/v1",
        ServerFacts("ollama"),
    ),
    "ollama-trained-length-below-the-default-is-a-ceiling": Said(
        {"POST http://localhost:11434/api/show": {"model_info": {"gpt2.context_length": 2048}}},
        "http://localhost:11434/v1",
        ServerFacts("ollama", context_tokens=2048, source="/api/show"),
    ),
    "ollama-num-ctx-is-its-window": Said(
        {"POST http://localhost:11434/api/show": {"parameters": 'stop "<|eot|>"\nnum_ctx 32768\n'}},
        "http://localhost:11434/v1",
        ServerFacts("ollama", context_tokens=32768, source="/api/show"),
    ),
}  # fmt: skip


@pytest.mark.parametrize("said", list(ASKED.values()), ids=list(ASKED))
def test_what_asking_learns(said: Said) -> None:
    def fetch(method: str, url: str, body: dict[str, Any] | None) -> Any:
        return said.answers.get(f"{method} {url}")

    settings = LLMSettings(model="m", base_url=said.base_url, mode=Mode.AUTO)
    assert ask_server(fetch, settings) == said.learned


# (flags, facts) -> the context size and concurrency the run uses
APPLIED = {
    "both-stated-local": ({}, ServerFacts("llama-server", 8192, 2), (8192, 2)),
    "user-context-wins": ({"context_tokens": 2048}, ServerFacts("llama-server", 8192, 2), (2048, 2)),
    "user-concurrency-wins": ({"concurrency": 3}, ServerFacts("llama-server", 8192, 2), (8192, 3)),
    "nothing-stated-keeps-defaults": ({}, ServerFacts("generic"), (LOCAL_CONTEXT, 1)),
    "slots-of-a-remote-server-leave-its-concurrency": (
        {"base_url": "https://llm.example.com/v1"}, ServerFacts("llama-server", 8192, 8), (8192, 4)
    ),
}  # fmt: skip


@pytest.mark.parametrize(("flags", "facts", "used"), list(APPLIED.values()), ids=list(APPLIED))
def test_what_the_server_states_is_used_where_the_user_gave_nothing(
    flags: dict[str, Any], facts: ServerFacts, used: tuple[int, int]
) -> None:
    settings = resolve(
        EndpointConfig(**{"base_url": "http://127.0.0.1:8080/v1", "model": "m", **flags}), EndpointConfig()
    )
    result = applied(settings, facts)
    assert (result.context_tokens, result.concurrency) == used


def test_an_unknown_dialect_id_reads_as_a_generic_server() -> None:
    assert ServerFacts("from-a-newer-version").kind == GENERIC


@pytest.mark.parametrize(
    ("model", "sent", "left_out"),
    [
        pytest.param("o3-mini", {"max_completion_tokens": 321}, {"max_tokens", "temperature"}, id="reasoning"),
        pytest.param("gpt-4.1-mini", {"max_tokens": 321, "temperature": 0}, {"max_completion_tokens"}, id="other"),
    ],
)
def test_openai_reasoning_models_get_max_completion_tokens(
    model: str, sent: dict[str, Any], left_out: set[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    bodies: list[dict[str, Any]] = []

    def answer(request: httpx.Request) -> httpx.Response:
        bodies.append(json.loads(request.content))
        return httpx.Response(200, json=completion(bodies[-1], Answer(GOOD)))

    class InProcess(openai.OpenAI):
        """OpenAI's own host, answered in-process: no socket is opened."""

        def __init__(self, **settings: Any) -> None:
            super().__init__(**settings, http_client=httpx.Client(transport=httpx.MockTransport(answer)))

    monkeypatch.setattr(openai, "OpenAI", InProcess)
    backend = OpenAIBackend(LLMSettings(model=model, api_key="sk-test", mode=Mode.TOOLS))
    try:
        backend.complete(Request(PromptRef("p", "v1", "0" * 64), [{"role": "user", "content": "E4"}], ChunkFindings,
                                 context={"event_ids": frozenset({"E4"})}, max_tokens=321))  # fmt: skip
    finally:
        backend.close()
    (body,) = bodies
    assert {key: body[key] for key in sent} == sent
    assert not left_out & body.keys()


@pytest.mark.parametrize(
    ("base_url", "key"),
    [
        pytest.param("http://127.0.0.1:8080/v1", "http://127.0.0.1:8080/v1 m", id="plain"),
        pytest.param("http://user:sk-secret@10.0.0.5:8000/v1", "http://10.0.0.5:8000/v1 m", id="credentials"),
        pytest.param("https://llm.example/v1?api-key=sk-secret", "https://llm.example/v1 m", id="query"),
        pytest.param(None, "https://api.openai.com/v1 m", id="openai"),
    ],
)
def test_the_remembered_endpoint_carries_no_credential(base_url: str | None, key: str) -> None:
    assert endpoint_key(LLMSettings(model="m", base_url=base_url)) == key
