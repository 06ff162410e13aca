"""The Mattermost bulk export adapter on the sample export and on edge cases."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from postmortem_writer.events import EventStream
from postmortem_writer.models import ActorKind
from postmortem_writer.sources import SourceOptions, load_sources
from postmortem_writer.sources.base import Document
from postmortem_writer.sources.mattermost import MattermostAdapter

SAMPLE = Path(__file__).resolve().parents[2] / "fixtures" / "samples" / "mattermost" / "bulk_export.jsonl"
VERSION = {"type": "version", "version": 1}


def test_sample_export() -> None:
    loaded = load_sources([SAMPLE], SourceOptions())
    assert [(r.format, r.events, r.skipped, r.dropped) for r in loaded.inputs] == [("mattermost", 8, 0, {})]
    events = EventStream(loaded.events).events
    assert [(e.ts, e.actor, e.actor_kind, e.edited) for e in events] == [
        (datetime(2025, 3, 4, 9, 17, 20, 118000, tzinfo=UTC), "Priya Natarajan", ActorKind.HUMAN, False),
        (datetime(2025, 3, 4, 9, 19, 2, 551000, tzinfo=UTC), "Marco Rossi", ActorKind.HUMAN, False),
        (datetime(2025, 3, 4, 9, 20, 15, 730000, tzinfo=UTC), "Priya Natarajan", ActorKind.HUMAN, False),
        (datetime(2025, 3, 4, 9, 22, 30, 212000, tzinfo=UTC), "Zoë Ødegård", ActorKind.HUMAN, True),
        (datetime(2025, 3, 4, 9, 24, 0, 940000, tzinfo=UTC), "Priya Natarajan", ActorKind.HUMAN, True),
        (datetime(2025, 3, 4, 9, 41, 30, 2000, tzinfo=UTC), "Argo CD", ActorKind.BOT, False),
        (datetime(2025, 3, 4, 9, 43, 5, 771000, tzinfo=UTC), "Zoë Ødegård", ActorKind.HUMAN, False),
        (datetime(2025, 3, 4, 9, 56, 30, 615000, tzinfo=UTC), "Priya Natarajan", ActorKind.HUMAN, False),
    ]
    ic, graph, question, answer, decision, argo, direct, _ = events
    assert (question.thread, answer.thread) == (graph.id, graph.id)
    assert ic.text.startswith("I'm IC. @Marco Rossi can you pull")
    assert "@Zoë Ødegård please drive" in decision.text
    # "~09:04" is not a channel of the export, so it stays as written.
    assert "starting ~09:04" in graph.text
    assert argo.text == "checkout\nSync operation to e3d9a77 succeeded (initiated by zoe.odegard@acme.example)"
    assert direct.meta["channel"] == "dm:priya.natarajan,zoe.odegard"


def write(tmp_path: Path, records: list[Any], extra: str = "") -> Path:
    path = tmp_path / "export.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in [VERSION, *records]) + "\n" + extra, encoding="utf-8")
    return path


def post(ms: int, message: str, **extra: Any) -> dict[str, Any]:
    return {"type": "post", "post": {"channel": "ops", "user": "lena", "message": message, "create_at": ms, **extra}}


def test_malformed_lines_and_posts_are_skipped_with_warnings(tmp_path: Path) -> None:
    records = [post(1741132799999, "before midnight"), {"type": "post", "post": {"message": "no time"}}]
    path = write(tmp_path, records, extra='{"type": "post", "post": \n')
    loaded = load_sources([path], SourceOptions())
    assert [(e.text, e.ts) for e in loaded.events] == [
        ("before midnight", datetime(2025, 3, 4, 23, 59, 59, 999000, tzinfo=UTC))
    ]
    assert [w.split(": ", 1)[0] for w in loaded.warnings] == [f"skipped {path}:line 4", f"skipped {path}:line 3"]
    assert loaded.warnings[1].endswith("line 3: 'create_at' is None, not a time in epoch milliseconds")


def test_unknown_user_keeps_username_and_channel_links_resolve(tmp_path: Path) -> None:
    channel = {"type": "channel", "channel": {"name": "deploys"}}
    events = load_sources([write(tmp_path, [channel, post(1741079840118, "see ~deploys @ghost")])], SourceOptions())
    assert [(e.actor, e.text) for e in events.events] == [("lena", "see #deploys @ghost")]


def test_line_nested_too_deeply_is_skipped_with_a_warning(tmp_path: Path) -> None:
    path = write(tmp_path, [post(1741079840118, "kept")], extra="[" * 5000 + "]" * 5000 + "\n")
    loaded = load_sources([path], SourceOptions())
    assert [e.text for e in loaded.events] == ["kept"]
    assert loaded.warnings == [f"skipped {path}:line 3: JSON nested too deeply to be an export"]


def test_first_line_nested_too_deeply_is_not_sniffed(tmp_path: Path) -> None:
    path = tmp_path / "export.jsonl"
    # Four bytes a level: the sniffer's first 4 KiB alone nest deeper than the json module recurses.
    path.write_text('{"":' * 2000 + "1" + "}" * 2000 + "\n", encoding="utf-8")
    assert not MattermostAdapter().sniff(Document(str(path), path.read_bytes()))
