"""The Microsoft Teams (Graph chatMessage) adapter on the sample channel export and on edge cases."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from postmortem_writer.events import EventStream
from postmortem_writer.models import ActorKind
from postmortem_writer.sources import SourceOptions, load_sources
from postmortem_writer.sources.html_text import html_to_text

SAMPLE = Path(__file__).resolve().parents[2] / "fixtures" / "samples" / "teams" / "channel_messages_expand_replies.json"


def test_sample_channel_messages_with_replies() -> None:
    loaded = load_sources([SAMPLE], SourceOptions())
    assert [(r.format, r.events, r.dropped) for r in loaded.inputs] == [
        ("teams", 5, {"deleted": 1, "systemEventMessage": 1})
    ]
    events = EventStream(loaded.events).events
    assert [(e.ts, e.actor, e.actor_kind) for e in events] == [
        (datetime(2025, 3, 4, 9, 36, 10, 50000, tzinfo=UTC), "Statuspage", ActorKind.BOT),
        (datetime(2025, 3, 4, 9, 37, 45, 280000, tzinfo=UTC), "Sam Okafor", ActorKind.HUMAN),
        (datetime(2025, 3, 4, 9, 39, 12, 600000, tzinfo=UTC), "Aiko Tanaka", ActorKind.HUMAN),
        (datetime(2025, 3, 4, 9, 49, 30, 133000, tzinfo=UTC), "Sam Okafor", ActorKind.HUMAN),
        (datetime(2025, 3, 4, 9, 57, 5, tzinfo=UTC), "Sam Okafor", ActorKind.HUMAN),
    ]
    card, root, reply, update, resolved = events
    # The card's content is a JSON string; its text blocks are the message.
    assert card.text == "Degraded performance: Checkout (EU)\nInvestigating — started 09:04 UTC"
    # Two at-tags for one person become one mention; &quot; is decoded; the <p>/<div> are gone.
    assert root.text.startswith("@Aiko Tanaka checkout is degraded in EU since ~09:04 UTC")
    assert 'pause the "payment failed" macro.' in root.text
    assert root.edited
    assert not reply.edited
    assert (reply.thread, update.thread, resolved.thread) == (root.id, root.id, None)
    assert "日本語" in reply.text


def write(tmp_path: Path, values: list[Any]) -> Path:
    path = tmp_path / "teams.json"
    path.write_text(json.dumps({"@odata.context": "x", "value": values}), encoding="utf-8")
    return path


def message(n: int, html: str, **extra: Any) -> dict[str, Any]:
    return {
        "id": str(n),
        "messageType": "message",
        "createdDateTime": f"2025-03-04T23:5{n}:00.1234567Z",
        "from": {"user": {"id": "u1", "displayName": "Priya"}},
        "body": {"contentType": "html", "content": html},
        **extra,
    }


def test_malformed_message_skipped_with_a_warning_and_chats_without_threads(tmp_path: Path) -> None:
    path = write(tmp_path, [message(1, "<p>first</p>"), {"messageType": "message"}, message(2, "second")])
    loaded = load_sources([path], SourceOptions())
    assert [e.text for e in loaded.events] == ["first", "second"]
    assert loaded.warnings == [f"skipped {path}:value 2: not a Teams message (no 'createdDateTime')"]
    # Seven fraction digits are cut to microseconds, not refused.
    assert loaded.events[0].ts == datetime(2025, 3, 4, 23, 51, 0, 123456, tzinfo=UTC)


def test_unknown_display_name_comes_from_elsewhere_in_the_file(tmp_path: Path) -> None:
    nameless = message(2, "<p>ack</p>", **{"from": {"user": {"id": "u1", "displayName": None}}})
    events = load_sources([write(tmp_path, [message(1, "<p>hi</p>"), nameless])], SourceOptions()).events
    assert [e.actor for e in events] == ["Priya", "Priya"]


@pytest.mark.parametrize(
    ("html", "text"),
    [
        pytest.param("<p>a &amp; b &lt;c&gt; &#8212; &nbsp;d</p>", "a & b <c> — d", id="entities"),
        pytest.param("<div>line one<br>line two</div><p>three</p>", "line one\nline two\nthree", id="blocks"),
        pytest.param('<p>ok <img alt="👍" src="x"></p>', "ok 👍", id="emoji-alt"),
        pytest.param("<style>p {}</style><p>seen</p>", "seen", id="style-dropped"),
        pytest.param("plain text, no tags", "plain text, no tags", id="no-html"),
    ],
)
def test_html_is_reduced_to_text(html: str, text: str) -> None:
    assert html_to_text(html) == text
