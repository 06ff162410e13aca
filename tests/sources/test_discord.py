"""The DiscordChatExporter JSON adapter on the sample channel and on edge cases."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from postmortem_writer.errors import InputError
from postmortem_writer.events import EventStream
from postmortem_writer.models import ActorKind
from postmortem_writer.sources import SourceOptions, load_sources
from postmortem_writer.timeparse import zone

SAMPLE = next((Path(__file__).resolve().parents[2] / "fixtures" / "samples" / "discord").glob("*.json"))


def test_sample_channel() -> None:
    loaded = load_sources([SAMPLE], SourceOptions())
    assert [(r.format, r.events, r.dropped) for r in loaded.inputs] == [
        ("discord", 4, {"ChannelPinnedMessage": 1, "GuildMemberJoin": 1})
    ]
    events = EventStream(loaded.events).events
    # Local +01:00 times with trimmed fractions, in UTC.
    assert [(e.ts, e.actor, e.actor_kind, e.edited) for e in events] == [
        (datetime(2025, 3, 4, 9, 14, 2, 91000, tzinfo=UTC), "kai.buys", ActorKind.HUMAN, False),
        (datetime(2025, 3, 4, 9, 38, 11, 300000, tzinfo=UTC), "Acme Support | Sam", ActorKind.HUMAN, False),
        (datetime(2025, 3, 4, 9, 40, 2, tzinfo=UTC), "Statuspage", ActorKind.BOT, False),
        (datetime(2025, 3, 4, 9, 58, 30, 44000, tzinfo=UTC), "Acme Support | Sam", ActorKind.HUMAN, True),
    ]
    question, answer, embed, _ = events
    assert answer.thread == question.id
    assert "Hi @kai.buys" in answer.text
    assert embed.text.splitlines() == [
        "Degraded performance: Checkout (EU)",
        "We are seeing elevated checkout latency in the EU region. A fix is being applied.",
        "Affected: Checkout (EU)",
        "Status: Identified",
    ]
    assert {e.meta["channel"] for e in events} == {"status-updates"}


def write(tmp_path: Path, messages: list[Any]) -> Path:
    path = tmp_path / "export.json"
    data = {"guild": {}, "channel": {"name": "ops"}, "messages": messages, "messageCount": len(messages)}
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def message(ts: str, content: str = "hi", **extra: Any) -> dict[str, Any]:
    return {"id": "1", "type": "Default", "timestamp": ts, "content": content, "author": {"name": "lena"}, **extra}


def test_offset_moves_a_message_across_midnight(tmp_path: Path) -> None:
    events = load_sources([write(tmp_path, [message("2025-03-05T00:30:00+01:00")])], SourceOptions()).events
    assert events[0].ts == datetime(2025, 3, 4, 23, 30, tzinfo=UTC)


def test_malformed_message_skipped_with_a_warning(tmp_path: Path) -> None:
    path = write(tmp_path, [message("2025-03-04T10:00:00Z"), {"type": "Default", "content": "no time"}])
    loaded = load_sources([path], SourceOptions())
    assert len(loaded.events) == 1
    assert loaded.warnings == [f"skipped {path}:message 2: not a Discord message (no 'timestamp')"]


def test_zone_less_times_need_tz(tmp_path: Path) -> None:
    path = write(tmp_path, [message("2025-03-04T10:00:00")])
    with pytest.raises(InputError, match="message 1: time has no time zone; pass --tz"):
        load_sources([path], SourceOptions())
    events = load_sources([path], SourceOptions(tz=zone("Europe/Berlin"))).events
    assert events[0].ts == datetime(2025, 3, 4, 9, 0, tzinfo=UTC)


def test_attachment_only_message_names_its_file(tmp_path: Path) -> None:
    path = write(tmp_path, [message("2025-03-04T10:00:00Z", "", attachments=[{"fileName": "graph.png"}])])
    assert [e.text for e in load_sources([path], SourceOptions()).events] == ["[file: graph.png]"]
