"""Shared fixtures: paths of the bundled sample incident and a guard against network use."""

from __future__ import annotations

import json
import os
import shutil
import socket
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from postmortem_writer.models import ActorKind, Draft, Event, SourceKind

NOON = datetime(2025, 5, 20, 12, 0, tzinfo=UTC)

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


@pytest.fixture(autouse=True)
def _no_model_endpoint(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Tests see no developer's endpoint or key, and never write to the real answer cache."""
    for name in list(os.environ):
        if name.startswith(("OPENAI_", "AZURE_OPENAI_", "POSTMORTEM_")) and name != "POSTMORTEM_UPDATE_GOLDEN":
            monkeypatch.delenv(name)
    monkeypatch.setenv("POSTMORTEM_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))


HOSTILE_INCIDENT = FIXTURES / "hostile" / "sources"
HOSTILE_DAY = HOSTILE_INCIDENT / "slack-export" / "inc-payments-5xx" / "2025-05-20.json"


@pytest.fixture(scope="session")
def hostile_incident() -> Path:
    """A small Slack export + deploy log whose channel also carries prompt-injection messages."""
    return HOSTILE_INCIDENT


@pytest.fixture(scope="session")
def hostile_messages() -> dict[str, dict[str, Any]]:
    """The hostile fixture's injection messages by attack id (their ``client_msg_id`` is ``hostile-<id>``)."""
    messages = json.loads(HOSTILE_DAY.read_text(encoding="utf-8"))
    return {
        m["client_msg_id"].removeprefix("hostile-"): m for m in messages if m["client_msg_id"].startswith("hostile-")
    }


@pytest.fixture(scope="session")
def benign_incident(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The hostile fixture less its injection messages: the same incident as its responders told it."""
    folder = tmp_path_factory.mktemp("benign") / "sources"
    shutil.copytree(HOSTILE_INCIDENT, folder)
    day = folder / HOSTILE_DAY.relative_to(HOSTILE_INCIDENT)
    messages = json.loads(day.read_text(encoding="utf-8"))
    kept = [m for m in messages if not m["client_msg_id"].startswith("hostile-")]
    day.write_text(json.dumps(kept, indent=2), encoding="utf-8")
    return folder


def analysed(draft: Draft) -> Draft:
    """``draft`` less what quotes the messages withheld as prompt injection (an open question and their
    evidence rows), which tests of the analysis check on their own."""
    withheld = set(draft.provenance.withheld)
    return draft.model_copy(
        update={
            "open_questions": [q for q in draft.open_questions if not (q.evidence and set(q.evidence) <= withheld)],
            "evidence_index": [e for e in draft.evidence_index if e.id not in withheld],
            "provenance": draft.provenance.model_copy(update={"withheld": []}),
        }
    )


def chat_event(text: str, *, actor: str = "Ana Costa", ts: datetime = NOON, **fields: Any) -> Event:
    """A person's chat message for tests (any other ``Event`` field can be given)."""
    values: dict[str, Any] = {
        "ts": ts,
        "source": "chat.txt",
        "format": "chat-text",
        "kind": SourceKind.CHAT,
        "ref": "line 1",
        "actor": actor,
        "actor_kind": ActorKind.HUMAN,
        "text": text,
    }
    return Event(**{**values, **fields})
