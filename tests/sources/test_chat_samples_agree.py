"""Every chat sample tells the same incident: read together, the same moments land on the same UTC minute."""

from __future__ import annotations

from pathlib import Path

from postmortem_writer.events import EventStream
from postmortem_writer.models import Event
from postmortem_writer.sources import SourceOptions, load_sources
from postmortem_writer.timeparse import zone

SAMPLES = Path(__file__).resolve().parents[2] / "fixtures" / "samples"
ZONED = [
    (SAMPLES / "slack" / "export", "UTC"),
    (SAMPLES / "slack" / "api" / "conversations.replies.json", "UTC"),
    (SAMPLES / "teams", "UTC"),
    (SAMPLES / "discord", "UTC"),
    (SAMPLES / "mattermost", "UTC"),
    (SAMPLES / "zulip" / "export" / "zulip-export-acme", "UTC"),
    (SAMPLES / "irc" / "irssi_acme-checkout.log", "Europe/Berlin"),
    (SAMPLES / "irc" / "weechat_irc.libera.#acme-checkout.weechatlog", "UTC"),
    (SAMPLES / "irc" / "znc_libera_#acme-checkout_20250304.log", "America/Los_Angeles"),
]


def stream() -> list[Event]:
    events: list[Event] = []
    for path, tz in ZONED:
        events += load_sources([path], SourceOptions(tz=zone(tz))).events
    return EventStream(events).events


def minutes(events: list[Event], phrase: str) -> dict[str, str]:
    return {e.format + ":" + Path(e.source).name: e.ts.strftime("%H:%M") for e in events if phrase in e.text.lower()}


def test_the_decision_and_the_rollback_agree_across_formats() -> None:
    events = stream()
    assert [e.ts for e in events] == sorted(e.ts for e in events)
    decisions = minutes(events, "roll back checkout to argo cd history 40")
    assert {fmt.split(":")[0] for fmt in decisions} == {"slack-export", "mattermost", "zulip-export"}
    assert set(decisions.values()) == {"09:24"}
    rollbacks = minutes(events, "rollback applied")
    assert set(rollbacks.values()) == {"09:42"}
    assert len(rollbacks) == 5  # three IRC logs, Slack and Zulip
    thread = minutes(events, "which dashboard? and is it all regions?")
    assert set(thread.values()) == {"09:20"}
    assert {fmt.split(":")[0] for fmt in thread} == {"slack-export", "slack-api", "mattermost"}
