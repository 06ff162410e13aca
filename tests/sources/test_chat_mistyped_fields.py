"""Mistyped fields in chat exports cost one record with a warning, never a crash.

The cases are the crashes that mutating the samples found.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from postmortem_writer.errors import InputError
from postmortem_writer.sources import SourceOptions, load_sources
from postmortem_writer.timeparse import epoch_instant

GOOD_SLACK = {"type": "message", "user": "U1", "text": "ok", "ts": "1741079840.353815"}
GOOD_TEAMS = {"messageType": "message", "createdDateTime": "2025-03-04T09:00:00Z", "body": {"content": "ok"}}
GOOD_DISCORD = {"type": "Default", "timestamp": "2025-03-04T09:00:00Z", "content": "ok", "author": {"name": "a"}}
GOOD_ZULIP = {"id": 1, "sender_full_name": "A", "timestamp": 1741079840, "content": "<p>ok</p>", "subject": "t"}
# Deeper than the json module can recurse, inside a string the adapter parses itself.
TOO_DEEP = "[" * 5000 + "]" * 5000


def slack(bad: dict[str, Any]) -> tuple[str, str]:
    return "history.json", json.dumps({"ok": True, "messages": [GOOD_SLACK, {**GOOD_SLACK, **bad}]})


def teams(bad: dict[str, Any]) -> tuple[str, str]:
    return "teams.json", json.dumps({"@odata.context": "x", "value": [GOOD_TEAMS, {**GOOD_TEAMS, **bad}]})


def discord(bad: dict[str, Any]) -> tuple[str, str]:
    data = {"guild": {}, "channel": {}, "messages": [GOOD_DISCORD, {**GOOD_DISCORD, **bad}], "messageCount": 2}
    return "discord.json", json.dumps(data)


def zulip(bad: dict[str, Any]) -> tuple[str, str]:
    return "zulip.json", json.dumps({"result": "success", "messages": [GOOD_ZULIP, {**GOOD_ZULIP, **bad}]})


def mattermost(bad: dict[str, Any]) -> tuple[str, str]:
    post = {"channel": "ops", "user": "a", "message": "ok", "create_at": 1741079840000}
    lines = [
        {"type": "version", "version": 1},
        {"type": "post", "post": post},
        {"type": "post", "post": {**post, **bad}},
    ]
    return "export.jsonl", "\n".join(json.dumps(line) for line in lines)


# (file, events kept); a field the adapter can do without is ignored, one it needs costs the record.
CASES = [
    pytest.param(slack({"ts": "2025-03-04T09:00:00Z"}), 1, id="slack-ts-not-epoch"),
    pytest.param(slack({"ts": "99999999999999999999"}), 1, id="slack-ts-out-of-range"),
    pytest.param(slack({"subtype": {"a": 1}}), 2, id="slack-subtype-object"),
    pytest.param(slack({"user": {"id": "U1"}}), 2, id="slack-user-object"),
    pytest.param(slack({"bot_id": {"b": 1}, "bot_profile": 3}), 2, id="slack-bot-fields-mistyped"),
    pytest.param(slack({"attachments": 5, "files": True}), 2, id="slack-lists-mistyped"),
    pytest.param(teams({"mentions": 0, "attachments": 1}), 2, id="teams-lists-mistyped"),
    pytest.param(teams({"createdDateTime": "2025-13-45T99:99:99Z"}), 1, id="teams-bad-time"),
    pytest.param(teams({"attachments": [{"content": TOO_DEEP}]}), 2, id="teams-card-too-deep"),
    pytest.param(discord({"embeds": True, "attachments": 1.5}), 2, id="discord-lists-mistyped"),
    pytest.param(discord({"author": None, "reference": 3}), 2, id="discord-objects-mistyped"),
    pytest.param(zulip({"timestamp": True}), 1, id="zulip-time-bool"),
    pytest.param(zulip({"timestamp": 1e308}), 1, id="zulip-time-huge"),
    pytest.param(zulip({"edit_history": TOO_DEEP}), 2, id="zulip-edit-history-too-deep"),
    pytest.param(mattermost({"create_at": True}), 1, id="mattermost-time-bool"),
    pytest.param(mattermost({"replies": 3, "attachments": ["x"], "props": []}), 2, id="mattermost-lists-mistyped"),
]


@pytest.mark.parametrize(("source", "kept"), CASES)
def test_mistyped_field(tmp_path: Path, source: tuple[str, str], kept: int) -> None:
    name, content = source
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    loaded = load_sources([path], SourceOptions(tz=UTC))
    assert len(loaded.events) == kept
    assert len(loaded.warnings) == 2 - kept


@pytest.mark.parametrize(
    ("fmt", "document"),
    [
        pytest.param("slack-api", {"ok": True, "messages": {"a": 1}}, id="slack-api-messages-object"),
        pytest.param("slack-api", [GOOD_SLACK], id="slack-api-array"),
        pytest.param("teams", {"@odata.context": "x"}, id="teams-no-value"),
        pytest.param("discord", {"guild": {}, "channel": {}, "messages": None}, id="discord-messages-null"),
        pytest.param("zulip-api", {"result": "success", "messages": "x"}, id="zulip-messages-string"),
    ],
)
def test_message_list_missing_or_mistyped_is_one_error_naming_the_file(
    tmp_path: Path, fmt: str, document: object
) -> None:
    path = tmp_path / "page.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(InputError, match=rf"^{re.escape(str(path))}: expected .*a \"(messages|value)\" list"):
        load_sources([path], SourceOptions(source_format=fmt))


@pytest.mark.parametrize(
    ("value", "per_second", "expected"),
    [
        pytest.param("1741079942.590465", 1, datetime(2025, 3, 4, 9, 19, 2, 590465, tzinfo=UTC), id="slack-string"),
        pytest.param(1741079840.118204, 1, datetime(2025, 3, 4, 9, 17, 20, 118204, tzinfo=UTC), id="float-micros"),
        pytest.param(1741079840, 1, datetime(2025, 3, 4, 9, 17, 20, tzinfo=UTC), id="int-seconds"),
        pytest.param(1741079840118, 1000, datetime(2025, 3, 4, 9, 17, 20, 118000, tzinfo=UTC), id="int-millis"),
        pytest.param(True, 1, None, id="bool"),
        pytest.param("1741079942.5x", 1, None, id="junk-string"),
        pytest.param(float("nan"), 1, None, id="nan"),
        pytest.param(-1, 1, None, id="negative"),
        pytest.param(10**12, 1, None, id="too-far"),
    ],
)
def test_epoch_instant(value: object, per_second: int, expected: datetime | None) -> None:
    if expected is None:
        with pytest.raises(InputError, match=r"f:record 1: 'ts' is .*, not a time in epoch seconds"):
            epoch_instant(value, field="ts", path="f", position="record 1", per_second=per_second)
    else:
        assert epoch_instant(value, field="ts", path="f", position="record 1", per_second=per_second) == expected
