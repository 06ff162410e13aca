"""The Zulip adapters: the organization export (folder or zip) and a saved GET /messages response."""

from __future__ import annotations

import json
import shutil
import tarfile
from datetime import UTC, datetime
from pathlib import Path

import pytest

from postmortem_writer.errors import InputError
from postmortem_writer.events import EventStream
from postmortem_writer.models import ActorKind
from postmortem_writer.sources import SourceOptions, load_sources

ZULIP = Path(__file__).resolve().parents[2] / "fixtures" / "samples" / "zulip"
EXPORT = ZULIP / "export" / "zulip-export-acme"


@pytest.fixture(params=["folder", "zip", "gztar"])
def export(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    if request.param == "folder":
        return EXPORT
    # Zulip hands out its organization export as a .tar.gz with one top folder.
    return Path(shutil.make_archive(str(tmp_path / "zulip-export-acme"), request.param, EXPORT.parent, EXPORT.name))


def test_sample_export(export: Path) -> None:
    loaded = load_sources([export], SourceOptions())
    assert [(r.format, r.events, r.skipped) for r in loaded.inputs] == [("zulip-export", 6, 0)]
    events = EventStream(loaded.events).events
    assert [(e.ts, e.actor, e.actor_kind, e.edited) for e in events] == [
        (datetime(2025, 3, 4, 9, 10, 3, 214871, tzinfo=UTC), "Alertmanager Bot", ActorKind.BOT, False),
        (datetime(2025, 3, 4, 9, 17, 20, 118204, tzinfo=UTC), "Priya Natarajan", ActorKind.HUMAN, False),
        (datetime(2025, 3, 4, 9, 22, 30, 212551, tzinfo=UTC), "Zoë Ødegård", ActorKind.HUMAN, True),
        (datetime(2025, 3, 4, 9, 24, 0, 940118, tzinfo=UTC), "Priya Natarajan", ActorKind.HUMAN, False),
        (datetime(2025, 3, 4, 9, 42, 10, 504000, tzinfo=UTC), "Zoë Ødegård", ActorKind.HUMAN, False),
        (datetime(2025, 3, 4, 9, 56, 0, 2000, tzinfo=UTC), "notification-bot", ActorKind.SYSTEM, False),
    ]
    alert, ic, *rest = events
    # One topic is one thread; the resolved-topic rename is not an edit of every message.
    assert alert.thread is None
    assert ic.thread is None
    assert {e.thread for e in rest} == {ic.id}
    assert {e.meta["topic"] for e in rest} == {"✔ checkout latency 2025-03-04"}
    assert ic.text == "I'm IC. @Marco Rossi can you pull latency graphs? Deploy at 09:02, see #deploys"
    assert alert.text == "[FIRING:1] CheckoutP99LatencyHigh checkout-service (prod eu-west-1)\np99 2.41s > 2s"


def test_sample_api_response() -> None:
    loaded = load_sources([ZULIP / "api_get_messages.json"], SourceOptions())
    events = EventStream(loaded.events).events
    assert [(e.format, e.ts, e.actor) for e in events] == [
        ("zulip-api", datetime(2025, 3, 4, 9, 17, 20, tzinfo=UTC), "Priya Natarajan"),
        ("zulip-api", datetime(2025, 3, 4, 9, 24, tzinfo=UTC), "Priya Natarajan"),
    ]
    assert events[1].thread == events[0].id
    assert events[1].text.startswith("Decision: roll back checkout")
    assert not events[1].edited


def test_markdown_content_and_malformed_messages(tmp_path: Path) -> None:
    good = {
        "id": 1,
        "sender_full_name": "Priya",
        "timestamp": 1741132799,
        "subject": "t",
        "display_recipient": "ops",
        "content_type": "text/markdown",
        "content": "@**Marco Rossi|13** and @_**Zoë** see #**ops>db**",
        "edit_history": [{"prev_content": "x", "timestamp": 1}],
    }
    path = tmp_path / "messages.json"
    path.write_text(json.dumps({"result": "success", "messages": [good, {"sender_full_name": "x"}]}))
    loaded = load_sources([path], SourceOptions())
    assert [(e.text, e.edited, e.ts) for e in loaded.events] == [
        ("@Marco Rossi and @Zoë see #ops > db", True, datetime(2025, 3, 4, 23, 59, 59, tzinfo=UTC))
    ]
    assert loaded.warnings == [f"skipped {path}:message 2: 'timestamp' is None, not a time in epoch seconds"]


def test_tar_member_with_an_unsafe_path_is_refused(tmp_path: Path) -> None:
    archive = tmp_path / "export.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(EXPORT / "realm.json", arcname="../realm.json")
    with pytest.raises(
        InputError, match=r"export.tar.gz: refusing archive member with an unsafe path: '../realm.json'"
    ):
        load_sources([archive], SourceOptions())


def test_truncated_tar_is_one_clear_error(tmp_path: Path) -> None:
    good = Path(shutil.make_archive(str(tmp_path / "export"), "gztar", EXPORT.parent, EXPORT.name))
    broken = tmp_path / "broken.tar.gz"
    broken.write_bytes(good.read_bytes()[:200])
    with pytest.raises(InputError, match=r"broken.tar.gz: not a readable tar archive"):
        load_sources([broken], SourceOptions())


def test_forced_on_a_folder_without_realm_json_is_one_clear_error(tmp_path: Path) -> None:
    folder = tmp_path / "not-zulip"
    folder.mkdir()
    (folder / "messages-000001.json").write_text(json.dumps({"zerver_message": []}))
    with pytest.raises(InputError, match=r"not-zulip: expected a realm.json beside messages-NNNNNN.json files"):
        load_sources([folder], SourceOptions(source_format="zulip-export"))
