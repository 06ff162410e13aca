"""Resolving endpoint settings: defaults per endpoint, precedence, and clear errors."""

from __future__ import annotations

from typing import Any

import pytest

from postmortem_writer.errors import UsageError
from postmortem_writer.llm.settings import (
    LOCAL_CONTEXT,
    EndpointConfig,
    Mode,
    endpoint_configured,
    on_local_network,
    resolve,
)

OPENAI = {"api_key": "sk-test"}
OLLAMA = {"base_url": "http://localhost:11434/v1", "model": "llama3.1"}
AZURE = {"base_url": "https://acme.openai.azure.com", "api_key": "k", "model": "gpt-4o-deploy"}


@pytest.mark.parametrize(
    ("flags", "config", "expected"),
    [
        pytest.param(
            OPENAI, {}, {"model": "gpt-4.1-mini", "mode": Mode.AUTO, "context_tokens": 1_047_576}, id="openai"
        ),
        pytest.param(OLLAMA, {}, {"mode": Mode.AUTO, "context_tokens": LOCAL_CONTEXT}, id="ollama"),
        pytest.param(AZURE, {}, {"mode": Mode.AUTO, "is_azure": True, "host": "acme.openai.azure.com"}, id="azure"),
        pytest.param(OLLAMA, {}, {"unset": {"context_tokens", "concurrency"}}, id="server-may-state-both"),
        pytest.param(
            OLLAMA, {"context_tokens": 8192}, {"unset": {"concurrency"}}, id="context-from-config-is-not-asked"
        ),
        pytest.param({**OLLAMA, "concurrency": 2}, {}, {"unset": {"context_tokens"}}, id="concurrency-flag-not-asked"),
        pytest.param({**OLLAMA, "mode": "json"}, {"mode": "tools"}, {"mode": Mode.JSON}, id="mode-flag-over-config"),
        pytest.param(OLLAMA, {"mode": "json-object-schema"}, {"mode": Mode.JSON_OBJECT_SCHEMA}, id="mode-from-config"),
        pytest.param({**OPENAI, "model": "gpt-4o"}, {}, {"context_tokens": 128_000}, id="known-context"),
        pytest.param({**OLLAMA, "context_tokens": 32768}, {}, {"context_tokens": 32768}, id="context-flag"),
        pytest.param(
            OLLAMA, {"model": "qwen", "concurrency": 8}, {"model": "llama3.1", "concurrency": 8}, id="flag-wins"
        ),
        pytest.param({**OLLAMA, "mode": "md-json"}, {}, {"mode": Mode.MD_JSON}, id="mode-override"),
        pytest.param(
            {**OLLAMA, "base_url": "http://user:sk-secret@localhost:11434/v1"},
            {},
            {"host": "localhost:11434"},
            id="host-without-credentials",
        ),
        pytest.param(OLLAMA, {}, {"backoff": 0.5}, id="default-backoff"),
        pytest.param(OLLAMA, {"backoff": 0.01}, {"backoff": 0.01}, id="backoff-from-config"),
    ],
)
def test_resolve(flags: dict[str, Any], config: dict[str, Any], expected: dict[str, Any]) -> None:
    settings = resolve(EndpointConfig(**flags), EndpointConfig(**config))
    assert {name: getattr(settings, name) for name in expected} == expected


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        pytest.param({}, "needs a key", id="no-endpoint"),
        pytest.param({"base_url": "http://localhost:8000/v1"}, "a model name is needed", id="local-without-model"),
        pytest.param({**OLLAMA, "context_tokens": 100}, "at least 1024", id="tiny-context"),
        pytest.param({**OLLAMA, "timeout": 0}, "--timeout > 0", id="zero-timeout"),
        pytest.param({**OLLAMA, "backoff": -1}, "backoff must be", id="negative-backoff"),
    ],
)
def test_resolve_errors(flags: dict[str, Any], message: str) -> None:
    with pytest.raises(UsageError, match=message):
        resolve(EndpointConfig(**flags), EndpointConfig())


def test_the_key_never_shows_in_the_settings_repr() -> None:
    assert "sk-test" not in repr(resolve(EndpointConfig(**OPENAI), EndpointConfig()))
    assert "sk-test" not in repr(EndpointConfig(**OPENAI))


@pytest.mark.parametrize(
    ("values", "configured"),
    [({}, False), ({"model": "gpt-4o"}, False), (OPENAI, True), ({"base_url": "http://x/v1"}, True)],
)
def test_endpoint_configured(values: dict[str, Any], configured: bool) -> None:
    assert endpoint_configured(EndpointConfig(**values)) is configured


@pytest.mark.parametrize(
    ("base_url", "local"),
    [
        ("http://127.0.0.1:8080/v1", True),
        ("http://localhost:11434/v1", True),
        ("http://[::1]:8000/v1", True),
        ("http://192.168.1.20:1234/v1", True),
        ("http://10.0.0.5:8000/v1", True),
        ("http://gpu-box.local:8000/v1", True),
        ("https://api.openai.com/v1", False),
        ("https://llm.example.com/v1", False),
        ("http://8.8.8.8/v1", False),
    ],
    ids=["loopback", "localhost", "ipv6-loopback", "lan-192", "lan-10", "mdns", "openai", "hosted", "public-ip"],
)
def test_a_server_nearby_gets_one_call_at_a_time_and_a_long_timeout(base_url: str, local: bool) -> None:
    assert on_local_network(base_url) is local
    settings = resolve(EndpointConfig(base_url=base_url, model="m", api_key="k"), EndpointConfig())
    assert (settings.concurrency, settings.timeout) == ((1, 1800.0) if local else (4, 120.0))
    # What the user says wins, from a flag or from the settings file.
    given = resolve(EndpointConfig(base_url=base_url, model="m", concurrency=3), EndpointConfig(timeout=60))
    assert (given.concurrency, given.timeout) == (3, 60.0)
