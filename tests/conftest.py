"""Shared fixtures: paths of the bundled sample incident and a guard against network use."""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
SAMPLE_INCIDENT = FIXTURES / "incidents" / "inc-2025-0304" / "sources"


@pytest.fixture
def sample_incident() -> Path:
    """The bundled multi-source sample incident (Slack export, PagerDuty log, deploy CSV)."""
    return SAMPLE_INCIDENT


@pytest.fixture(autouse=True)
def _no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail any test that opens a connection to anything but loopback."""
    real_connect = socket.socket.connect

    def guarded(self: socket.socket, address: Any) -> Any:
        host = address[0] if isinstance(address, tuple) else address
        if isinstance(host, str) and host not in {"127.0.0.1", "::1", "localhost"} and not host.startswith("/"):
            raise RuntimeError(f"test tried to reach {host!r}; only loopback is allowed")
        return real_connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", guarded)
