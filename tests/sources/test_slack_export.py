"""The Slack workspace export adapter on the bundled sample export and on small edge-case exports."""

from __future__ import annotations

import json
import zipfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from postmortem_writer.errors import InputError
from postmortem_writer.events import EventStream
from postmortem_writer.models import ActorKind, Event, Signal, SourceKind
from postmortem_writer.sources import SourceOptions, load_sources

SLACK = Path(__file__).resolve().parents[2] / "fixtures" / "samples" / "slack"
EXPORT = SLACK / "export"
ZIP = SLACK / "acme-slack-export-2025-03-05.zip"

# 25 rows in the incident channel minus 5 joins and 1 tombstone, plus 1 + 4 in #deploys.
SAMPLE_EVENTS = 24


def read(path: Path) -> list[Event]:
    loaded = load_sources([path], SourceOptions())
    assert [record.format for record in loaded.inputs] == ["slack-export"]
    assert loaded.inputs[0].events == len(loaded.events)
    return loaded.events


def by_ts(events: list[Event], ts: str) -> Event:
    return next(event for event in events if event.ref.endswith(f"ts {ts}"))


@pytest.fixture(scope="module")
def events() -> list[Event]:
    return read(EXPORT)


def test_sample_export_event_count_and_common_fields(events: list[Event]) -> None:
    assert len(events) == SAMPLE_EVENTS
    assert {event.format for event in events} == {"slack-export"}
    assert {event.kind for event in events} == {SourceKind.CHAT}
    assert {event.meta["channel"] for event in events} == {"deploys", "inc-checkout-latency"}
    first = by_ts(events, "1741079840.353815")
    assert first.native_id == "inc-checkout-latency:1741079840.353815"
    assert first.ref == "inc-checkout-latency ts 1741079840.353815"
    assert first.source == str(EXPORT / "inc-checkout-latency" / "2025-03-04.json")


def test_joins_and_deleted_messages_are_dropped(events: list[Event]) -> None:
    assert not [event for event in events if "has joined the channel" in event.text]
    assert not [event for event in events if "This message was deleted" in event.text]
    assert not [event for event in events if event.actor_kind is ActorKind.SYSTEM]


def test_dropped_noise_is_counted_by_reason() -> None:
    loaded = load_sources([EXPORT], SourceOptions())
    assert loaded.inputs[0].dropped == {"channel_join": 5, "tombstone": 1}
    assert loaded.inputs[0].skipped == 0


def test_ts_keeps_exact_microseconds_and_ignores_day_file_names(events: list[Event]) -> None:
    late = by_ts(events, "1741133261.546125")
    assert late.ts == datetime(2025, 3, 5, 0, 7, 41, 546125, tzinfo=UTC)
    assert late.source.endswith("2025-03-04.json")
    early = by_ts(events, "1741074492.944350")
    assert early.ts == datetime(2025, 3, 4, 7, 48, 12, 944350, tzinfo=UTC)
    assert early.source.endswith("2025-03-03.json")


def test_names_resolve_to_full_names_including_non_ascii(events: list[Event]) -> None:
    actors = {event.actor for event in events}
    assert {"Priya Natarajan", "Marco Rossi", "Zoë Ødegård", "Sam Okafor"} <= actors
    assert not [actor for actor in actors if actor.startswith("U0")]


def test_mrkdwn_becomes_plain_text(events: list[Event]) -> None:
    ic = by_ts(events, "1741079840.353815")
    assert ic.text == (
        "I'm IC. @Sam Okafor was paged but hasn't acked — @Marco Rossi can you pull latency graphs? "
        "There was a checkout deploy at 09:02, see #deploys"
    )
    assert by_ts(events, "1741081680.587558").text == "p99 back to 240ms and falling, 5xx < 0.1% :white_check_mark:"
    link = by_ts(events, "1741080048.913076").text
    assert link.startswith(
        "Checkout overview (https://grafana.acme.example/d/chk-ovw/checkout-overview?orgId=1&from=1741078800000&to=now)"
    )
    assert by_ts(events, "1741133261.546125").text.endswith("please comment by Thu @here")
    assert by_ts(events, "1741082290.168287").text.endswith("cc @sre-oncall")
    assert not [event for event in events if "<@" in event.text or "&lt;" in event.text or "&amp;" in event.text]


def test_threads_resolve_to_parent_event_ids(events: list[Event]) -> None:
    stream = EventStream(events)
    parent = next(event for event in stream if event.native_id == "inc-checkout-latency:1741079942.590465")
    replies = [event for event in stream if event.thread == parent.id]
    assert [event.actor for event in replies] == ["Priya Natarajan", "Marco Rossi", "Zoë Ødegård", "Zoë Ødegård"]
    assert parent.thread is None
    # The broadcast reply is one event, in the thread.
    assert [event.ref for event in stream if event.text.startswith("Root-cause candidate")] == [
        "inc-checkout-latency ts 1741080185.026404"
    ]
    # A reply to a deleted (tombstone) parent keeps the source id but has no event to point at.
    orphan = next(event for event in stream if event.text.startswith("np, the right dashboard"))
    assert orphan.parent_native_id == "inc-checkout-latency:1741080700.885380"
    assert orphan.thread is None


def test_bots_and_attachment_only_messages(events: list[Event]) -> None:
    argo = by_ts(events, "1741081290.098396")
    assert (argo.actor, argo.actor_kind) == ("Argo CD", ActorKind.BOT)
    assert argo.text == (
        "checkout\nSync operation to e3d9a77 succeeded (initiated by zoe.odegard@acme.example)\n"
        "Sync Status: Synced\nRevision: e3d9a77"
    )
    pagerduty = by_ts(events, "1741082105.785349")
    assert (pagerduty.actor, pagerduty.actor_kind) == ("PagerDuty", ActorKind.BOT)
    assert pagerduty.text.startswith("*Resolved*: #4821 [FIRING:1] CheckoutP99LatencyHigh")
    # A modern app posts without a subtype: bot_id and the bot user's is_bot give it away.
    incident_bot = by_ts(events, "1741079815.137961")
    assert (incident_bot.actor, incident_bot.actor_kind) == ("incident-bot", ActorKind.BOT)
    assert by_ts(events, "1741078935.502897").actor == "deploy-bot"


def test_topics_edits_and_plain_messages(events: list[Event]) -> None:
    topics = [event for event in events if event.signal is Signal.TOPIC]
    assert [event.ts.strftime("%H:%M") for event in topics] == ["09:17", "09:56"]
    assert {(event.actor, event.actor_kind) for event in topics} == {("Priya Natarajan", ActorKind.HUMAN)}
    assert topics[1].text.endswith("set the channel topic: INC-2025-0304 | IC: Priya | Status: resolved 09:55 UTC")
    assert [event.ref for event in events if event.edited] == ["inc-checkout-latency ts 1741080240.772202"]
    assert {event.signal for event in events} == {None, Signal.TOPIC}


def test_zip_and_folder_give_the_same_events_but_for_source(events: list[Event]) -> None:
    zipped = read(ZIP)
    assert [e.model_dump(exclude={"source"}) for e in zipped] == [e.model_dump(exclude={"source"}) for e in events]
    assert zipped[0].source == f"{ZIP}:deploys/2025-03-03.json"


def test_export_inside_one_top_level_folder_of_a_zip(tmp_path: Path, events: list[Event]) -> None:
    archive = tmp_path / "wrapped.zip"
    with zipfile.ZipFile(archive, "w") as out:
        for path in sorted(EXPORT.rglob("*.json")):
            out.write(path, f"export/{path.relative_to(EXPORT).as_posix()}")
    wrapped = read(archive)
    assert [e.model_dump(exclude={"source"}) for e in wrapped] == [e.model_dump(exclude={"source"}) for e in events]
    assert wrapped[0].source == f"{archive}:export/deploys/2025-03-03.json"


def write_export(root: Path, messages: list[dict[str, Any]], users: list[dict[str, Any]] | None = None) -> Path:
    root.mkdir()
    (root / "channels.json").write_text(json.dumps([{"id": "C1", "name": "ops"}]), encoding="utf-8")
    (root / "users.json").write_text(json.dumps(users or []), encoding="utf-8")
    (root / "ops").mkdir()
    (root / "ops" / "2025-03-04.json").write_text(json.dumps(messages), encoding="utf-8")
    return root


def test_name_fallbacks_and_system_actor(tmp_path: Path) -> None:
    users = [
        {"id": "U1", "name": "handle.only", "profile": {"display_name": ""}},
        {"id": "UB", "name": "alerts", "is_bot": True, "profile": {"real_name": "Alert Bot", "bot_id": "B9"}},
        {"id": "USLACKBOT", "name": "slackbot", "real_name": "Slackbot"},
    ]
    messages = [
        {"type": "message", "ts": "1741080000.000100", "user": "U1", "text": "a"},
        {"type": "message", "ts": "1741080000.000200", "user": "U404", "text": "b", "user_profile": {"name": "guest"}},
        {"type": "message", "ts": "1741080000.000300", "user": "U405", "text": "c"},
        {"type": "message", "ts": "1741080000.000400", "subtype": "bot_message", "bot_id": "B9", "text": "d"},
        {"type": "message", "ts": "1741080000.000500", "user": "USLACKBOT", "text": "reminder: standup"},
    ]
    events = read(write_export(tmp_path / "export", messages, users))
    assert [(e.actor, e.actor_kind) for e in events] == [
        ("handle.only", ActorKind.HUMAN),
        ("guest", ActorKind.HUMAN),
        ("U405", ActorKind.HUMAN),
        ("Alert Bot", ActorKind.BOT),
        ("Slackbot", ActorKind.SYSTEM),
    ]


def test_tokens_entities_attachments_blocks_and_housekeeping(tmp_path: Path) -> None:
    messages = [
        {"type": "message", "ts": "1.000001", "subtype": "channel_leave", "user": "U1", "text": "<@U1> has left"},
        {"type": "message", "ts": "1.000002", "subtype": "bot_add", "user": "U1", "text": "added an integration"},
        {
            "type": "message",
            "ts": "1.000003",
            "user": "U1",
            "text": "<!channel> see <#C1> and <#C2|war-room>, <https://x.example/?a=1&amp;b=2> "
            "<mailto:oncall@acme.example|oncall@acme.example> <!date^1741079800^{date_short}|Mar 4> "
            "<@U9|ghost> &lt;b&gt; &amp;lt;",
        },
        {
            "type": "message",
            "ts": "1.000004",
            "subtype": "bot_message",
            "username": "grafana",
            "text": "",
            "attachments": [{"fallback": "[FIRING] p99 high"}],
        },
        {
            "type": "message",
            "ts": "1.000005",
            "bot_id": "B1",
            "text": "",
            "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "Deploy *started*"}}],
        },
        {"type": "message", "ts": "1.000006", "user": "U1", "text": "", "files": [{"name": "graph.png"}]},
    ]
    texts = [event.text for event in read(write_export(tmp_path / "export", messages))]
    assert texts == [
        "@channel see #ops and #war-room, https://x.example/?a=1&b=2 "
        "oncall@acme.example (mailto:oncall@acme.example) Mar 4 @ghost <b> &lt;",
        "[FIRING] p99 high",
        "Deploy *started*",
        "[file: graph.png]",
    ]


def test_folder_without_channel_list_is_not_an_export(tmp_path: Path) -> None:
    root = write_export(tmp_path / "export", [{"type": "message", "ts": "1.000001", "user": "U1", "text": "hi"}])
    (root / "channels.json").rename(root / "groups.json")
    assert read(root)[0].text == "hi"  # private-channel exports have groups.json instead
    (root / "users.json").unlink()
    with pytest.raises(InputError, match="no file in it is in a format we read"):
        load_sources([root], SourceOptions())


@pytest.mark.parametrize(
    ("content", "message"),
    [
        pytest.param({"ts": "1.1"}, "expected a JSON array of messages", id="not-an-array"),
        pytest.param(
            [{"type": "message", "text": "no ts"}], "ops/2025-03-04.json:message 1: not a Slack message", id="no-ts"
        ),
        pytest.param([{"ts": 1741080000.1}], "message 1: not a Slack message", id="float-ts"),
    ],
)
def test_malformed_day_files_name_file_and_message(tmp_path: Path, content: Any, message: str) -> None:
    root = write_export(tmp_path / "export", [])
    (root / "ops" / "2025-03-04.json").write_text(json.dumps(content), encoding="utf-8")
    with pytest.raises(InputError, match=message):
        load_sources([root], SourceOptions())


# What happens to each kind of Slack message row: dropped (with the reason counted) or kept (with its actor kind).
MESSAGE_ROWS = [
    pytest.param({"subtype": "channel_join", "user": "U1", "text": "<@U1> has joined"}, "channel_join", id="join"),
    pytest.param({"subtype": "channel_leave", "user": "U1", "text": "<@U1> has left"}, "channel_leave", id="leave"),
    pytest.param({"subtype": "channel_purpose", "user": "U1", "text": "set"}, "channel_purpose", id="purpose"),
    pytest.param({"subtype": "channel_name", "user": "U1", "text": "renamed"}, "channel_name", id="rename"),
    pytest.param({"subtype": "channel_archive", "user": "U1", "text": "archived"}, "channel_archive", id="archive"),
    pytest.param({"subtype": "tombstone", "user": "USLACKBOT", "hidden": True, "text": "This message was deleted."},
                 "tombstone", id="deleted-thread-parent"),
    pytest.param({"subtype": "pinned_item", "user": "U1", "text": "pinned"}, "pinned_item", id="pin"),
    pytest.param({"hidden": True, "user": "U1", "text": "hidden row"}, "empty", id="hidden-without-subtype"),
    pytest.param({"user": "U1", "text": "", "attachments": 5}, "empty", id="nothing-to-read"),
    pytest.param({"user": "U1", "text": "a person"}, ActorKind.HUMAN, id="human"),
    pytest.param({"subtype": "me_message", "user": "U1", "text": "is rolling back"}, ActorKind.HUMAN, id="me-message"),
    pytest.param({"subtype": "thread_broadcast", "user": "U1", "text": "also in channel"}, ActorKind.HUMAN,
                 id="thread-broadcast"),
    pytest.param({"subtype": "bot_message", "bot_id": "B1", "username": "Alertmanager", "text": "FIRING"},
                 ActorKind.BOT, id="legacy-bot"),
    pytest.param({"user": "UAPP", "bot_id": "B2", "text": "app without subtype"}, ActorKind.BOT, id="modern-app"),
    pytest.param({"user": "UBOTUSER", "text": "bot user"}, ActorKind.BOT, id="bot-user-flag"),
    pytest.param({"subtype": "channel_topic", "user": "U1", "topic": "IC: Priya", "text": "set the topic"},
                 ActorKind.HUMAN, id="topic-kept"),
]  # fmt: skip


@pytest.mark.parametrize(("row", "outcome"), MESSAGE_ROWS)
def test_each_message_row_is_dropped_and_counted_or_kept(tmp_path: Path, row: dict[str, Any], outcome: object) -> None:
    users = [{"id": "U1", "name": "priya"}, {"id": "UBOTUSER", "name": "ci", "is_bot": True}]
    keep = {"type": "message", "ts": "1741080000.000100", "user": "U1", "text": "context"}
    messages = [keep, {"type": "message", "ts": "1741080001.000200", **row}]
    loaded = load_sources([write_export(tmp_path / "export", messages, users)], SourceOptions())
    if isinstance(outcome, ActorKind):
        assert len(loaded.events) == 2
        assert loaded.events[1].actor_kind is outcome
        assert loaded.inputs[0].dropped == {}
    else:
        assert len(loaded.events) == 1
        assert loaded.inputs[0].dropped == {outcome: 1}


def test_one_day_file_on_its_own_uses_the_users_one_folder_up(events: list[Event]) -> None:
    day = EXPORT / "inc-checkout-latency" / "2025-03-04.json"
    loaded = load_sources([day], SourceOptions())
    assert [(r.format, r.events, r.dropped) for r in loaded.inputs] == [
        ("slack-day-file", 19, {"channel_join": 5, "tombstone": 1})
    ]
    from_export = [e for e in events if e.source == str(day)]
    assert [(e.ts, e.actor, e.text, e.native_id) for e in loaded.events] == [
        (e.ts, e.actor, e.text, e.native_id) for e in from_export
    ]


def test_channel_folders_without_lists_are_read_day_file_by_day_file(tmp_path: Path) -> None:
    # Third-party exporters write channel folders without channels.json / users.json.
    folder = tmp_path / "dump" / "ops"
    folder.mkdir(parents=True)
    messages = [{"type": "message", "ts": "1741080000.000100", "user": "U1", "text": "hi <@U1>"}]
    (folder / "2025-03-04.json").write_text(json.dumps(messages), encoding="utf-8")
    loaded = load_sources([tmp_path / "dump"], SourceOptions())
    assert [(r.format, r.events) for r in loaded.inputs] == [("slack-day-file", 1)]
    assert (loaded.events[0].actor, loaded.events[0].text, loaded.events[0].meta) == (
        "U1",
        "hi @U1",
        {"channel": "ops"},
    )
