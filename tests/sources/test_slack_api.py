"""The Slack Web API adapter on the saved history/replies pages, with and without a users.json beside them."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest

from postmortem_writer.errors import InputError
from postmortem_writer.events import EventStream
from postmortem_writer.models import ActorKind, Event
from postmortem_writer.sources import SourceOptions, load_sources

SLACK = Path(__file__).resolve().parents[2] / "fixtures" / "samples" / "slack"
API = SLACK / "api"


@pytest.fixture
def with_users(tmp_path: Path) -> Path:
    folder = tmp_path / "api"
    shutil.copytree(API, folder)
    shutil.copy(SLACK / "export" / "users.json", folder / "users.json")
    return folder


def by_ts(events: list[Event], ts: str) -> Event:
    return next(event for event in events if event.ref.endswith(f"ts {ts}"))


def test_pages_read_with_counts_and_noise_dropped(with_users: Path) -> None:
    loaded = load_sources([with_users], SourceOptions())
    counts = {Path(record.path).name: (record.format, record.events, record.dropped) for record in loaded.inputs}
    assert counts == {
        "conversations.history.page1.json": ("slack-api", 4, {"channel_join": 1, "tombstone": 1}),
        "conversations.history.page2.json": ("slack-api", 4, {"channel_join": 2}),
        "conversations.replies.json": ("slack-api", 5, {}),
    }
    # The user list is read by the pages beside it, not as a source of its own.
    # What follows names the known or nearest formats, which change as adapters are added.
    [warning] = loaded.warnings
    assert warning.startswith(f"{with_users / 'users.json'}: skipped, not a format we read")


def test_names_mentions_bots_times_threads_and_edits(with_users: Path) -> None:
    stream = EventStream(load_sources([with_users], SourceOptions()).events)
    events = stream.events
    # The thread parent and the broadcast are in a history page and in the replies page: one event each.
    assert len(events) == 13 - 2
    ic = by_ts(events, "1741079840.353815")
    assert ic.actor == "Priya Natarajan"
    assert ic.ts == datetime(2025, 3, 4, 9, 17, 20, 353815, tzinfo=UTC)
    assert "@Sam Okafor" in ic.text
    assert "<@" not in ic.text
    bot = by_ts(events, "1741079815.137961")
    assert (bot.actor, bot.actor_kind) == ("incident-bot", ActorKind.BOT)
    parent = by_ts(events, "1741079942.590465")
    replies = [event for event in events if event.thread == parent.id]
    assert [event.actor for event in replies] == ["Priya Natarajan", "Marco Rossi", "Zoë Ødegård", "Zoë Ødegård"]
    assert by_ts(events, "1741080240.772202").edited
    assert [event.ts for event in events] == sorted(event.ts for event in events)


def test_without_users_file_ids_stay_as_ids(tmp_path: Path) -> None:
    events = load_sources([API / "conversations.replies.json"], SourceOptions()).events
    assert {event.actor for event in events} == {"U03MK6V2J4L", "U04QF8N2K7M", "U05DZ3R8W1Q"}


def test_api_error_response_is_one_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "history.json"
    path.write_text(json.dumps({"ok": False, "error": "channel_not_found", "messages": []}))
    with pytest.raises(InputError, match=r"history.json: the saved response is an API error: channel_not_found"):
        load_sources([path], SourceOptions())


def test_malformed_message_is_skipped_with_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "history.json"
    messages = [{"type": "message", "user": "U1", "text": "ok", "ts": "1741079840.353815"}, {"text": "no ts"}]
    path.write_text(json.dumps({"ok": True, "messages": messages}))
    loaded = load_sources([path], SourceOptions())
    assert len(loaded.events) == 1
    assert loaded.warnings == [f"skipped {path}:message 2: not a Slack message (no 'ts')"]


def test_user_list_nested_too_deeply_is_one_clear_error(tmp_path: Path) -> None:
    shutil.copy(API / "conversations.replies.json", tmp_path / "replies.json")
    (tmp_path / "users.json").write_text("[" * 5000 + "]" * 5000)
    with pytest.raises(InputError, match=r"users.json: cannot read this user list as JSON"):
        load_sources([tmp_path / "replies.json"], SourceOptions())
