"""Resolving endpoint settings: defaults per endpoint, precedence, and clear errors."""

from __future__ import annotations

from typing import Any

import pytest

from postmortem_writer.errors import UsageError
from postmortem_writer.llm.settings import LOCAL_CONTEXT, EndpointConfig, Mode, endpoint_configured, resolve

OPENAI = {"api_key": "sk-test"}
OLLAMA = {"base_url": "http://localhost:11434/v1", "model": "llama3.1"}
AZURE = {"base_url": "https://acme.openai.azure.com", "api_key": "k", "model": "gpt-4o-deploy"}


@pytest.mark.parametrize(
    ("flags", "config", "expected"),
    [
        pytest.param(
            OPENAI, {}, {"model": "gpt-4.1-mini", "mode": Mode.TOOLS, "context_tokens": 1_047_576}, id="openai"
        ),
        pytest.param(OLLAMA, {}, {"mode": Mode.JSON_SCHEMA, "context_tokens": LOCAL_CONTEXT}, id="ollama"),
        pytest.param(AZURE, {}, {"mode": Mode.TOOLS, "is_azure": True, "host": "acme.openai.azure.com"}, id="azure"),
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
