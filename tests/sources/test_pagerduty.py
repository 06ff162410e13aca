"""The PagerDuty log-entries adapter on the bundled sample and on malformed entries."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from postmortem_writer.errors import InputError
from postmortem_writer.models import ActorKind, Event, Signal, SourceKind
from postmortem_writer.sources import SourceOptions, load_sources

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
LOG_ENTRIES = FIXTURES / "samples" / "pagerduty" / "log_entries_Q1VX8CHKL4TZ0R.json"


def read(path: Path) -> list[Event]:
    loaded = load_sources([path], SourceOptions())
    assert [record.format for record in loaded.inputs] == ["pagerduty-log-entries"]
    return loaded.events


@pytest.fixture(scope="module")
def events() -> list[Event]:
    return read(LOG_ENTRIES)


def test_entries_become_page_events_oldest_first_in_utc(events: list[Event]) -> None:
    assert len(events) == 10
    assert [event.ts for event in events] == sorted(event.ts for event in events)
    assert events[0].ts == datetime(2025, 3, 4, 9, 10, 1, tzinfo=UTC)
    assert events[-1].ts == datetime(2025, 3, 4, 10, 2, 40, tzinfo=UTC)
    assert {(event.format, event.kind, event.source) for event in events} == {
        ("pagerduty-log-entries", SourceKind.PAGE, str(LOG_ENTRIES))
    }


def test_signals_follow_the_entry_types(events: list[Event]) -> None:
    assert [event.signal for event in events] == [
        Signal.PAGE_TRIGGERED,  # same second as the assignment; the entry id keeps it first
        Signal.PAGE_ASSIGNED,
        Signal.PAGE_NOTIFIED,
        Signal.PAGE_NOTIFIED,
        Signal.PAGE_ESCALATED,
        Signal.PAGE_NOTIFIED,
        Signal.PAGE_ACKNOWLEDGED,
        Signal.PAGE_NOTE,
        Signal.PAGE_RESOLVED,
        Signal.PAGE_NOTE,
    ]


def test_actors_texts_and_refs(events: list[Event]) -> None:
    trigger, _, _, phone, escalate, _, ack, note, resolve, _ = events
    assert (trigger.actor, trigger.actor_kind) == ("checkout-service (prod)", ActorKind.BOT)
    assert (
        trigger.text == "Triggered through the API: [FIRING:1] CheckoutP99LatencyHigh checkout-service (prod eu-west-1)"
    )
    # Notify entries have no agent: the paged person is named instead.
    assert (phone.actor, phone.actor_kind) == ("Sam Okafor", ActorKind.HUMAN)
    assert phone.text == "Notified Sam Okafor via phone call (no_answer)."
    assert escalate.text == "Escalated to level 2 (timeout): assigned to Priya Natarajan."
    assert (ack.actor, ack.actor_kind, ack.text) == (
        "Priya Natarajan",
        ActorKind.HUMAN,
        "Acknowledged by Priya Natarajan.",
    )
    assert note.text.startswith("Note: Suspect Redis pool config shipped in checkout 1.42.0")
    assert resolve.actor_kind is ActorKind.BOT
    assert ack.ref == "record 4 (R2A1ACK4821007)"
    assert ack.native_id == "R2A1ACK4821007"
    assert ack.meta == {
        "incident_number": 4821,
        "incident_title": "[FIRING:1] CheckoutP99LatencyHigh checkout-service (prod eu-west-1)",
        "service": "checkout-service (prod)",
        "alert_key": "pagerduty:Q1VX8CHKL4TZ0R",
    }


def entry(**fields: Any) -> dict[str, Any]:
    return {"id": "R1", "type": "acknowledgement_log_entry", "summary": "Acknowledged by Ana.", **fields}


def test_bare_list_schema_spelling_and_missing_agent(tmp_path: Path) -> None:
    path = tmp_path / "entries.json"
    entries = [
        entry(created_at="2025-03-04T09:16:20Z", agent={"type": "user_reference", "summary": "Ana"}),
        entry(
            id="R2",
            type="unacknowledge_log_entry",
            summary="Unacknowledged due to timeout.",
            created_at="2025-03-04T09:46:20Z",
            agent=None,
        ),
    ]
    path.write_text(json.dumps(entries), encoding="utf-8")
    ack, timeout = read(path)
    assert (ack.signal, ack.actor) == (Signal.PAGE_ACKNOWLEDGED, "Ana")
    assert (timeout.signal, timeout.actor, timeout.actor_kind) == (None, "PagerDuty", ActorKind.SYSTEM)
    assert timeout.text == "Unacknowledged due to timeout."
    assert timeout.meta == {}


@pytest.mark.parametrize(
    ("entries", "message"),
    [
        pytest.param(["oops"], "record 1: log entry is not a JSON object", id="not-an-object"),
        pytest.param([entry()], "record 1: log entry has no created_at", id="no-created-at"),
        pytest.param([entry(created_at="yesterday-ish")], "record 1: cannot read 'yesterday-ish'", id="bad-time"),
        pytest.param(
            [entry(created_at="2025-03-04 09:16:20")], r"record 1: time has no time zone; pass --tz", id="naive-time"
        ),
    ],
)
def test_malformed_entries_name_file_and_record(tmp_path: Path, entries: list[Any], message: str) -> None:
    path = tmp_path / "pd.json"
    path.write_text(json.dumps({"log_entries": entries}), encoding="utf-8")
    with pytest.raises(InputError, match=rf"pd\.json:{message}"):
        read(path)


def test_a_bad_entry_among_good_ones_is_skipped_with_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "pd.json"
    path.write_text(json.dumps({"log_entries": [entry(created_at="2025-03-04T09:16:20Z"), "oops"]}), encoding="utf-8")
    loaded = load_sources([path], SourceOptions())
    assert len(loaded.events) == 1
    assert loaded.inputs[0].skipped == 1
    assert loaded.warnings == [f"skipped {path}:record 2: log entry is not a JSON object"]
