"""The PagerDuty V3 webhooks adapter: the bundled sample, payload shapes, odd events, and folding."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from postmortem_writer.errors import InputError
from postmortem_writer.models import ActorKind, Event, Signal
from postmortem_writer.sources import SourceOptions, load_sources
from postmortem_writer.sources.base import Document
from postmortem_writer.sources.pagerduty_webhooks import PagerDutyWebhooksAdapter
from postmortem_writer.sources.registry import DOCUMENT_ADAPTERS
from postmortem_writer.timeparse import zone

PAGERDUTY = Path(__file__).resolve().parents[2] / "fixtures" / "samples" / "pagerduty"
WEBHOOKS = PAGERDUTY / "webhooks_v3.jsonl"
LOG_ENTRIES = PAGERDUTY / "log_entries_Q1VX8CHKL4TZ0R.json"
KEY = "pagerduty:Q1VX8CHKL4TZ0R"


def at(clock: str) -> datetime:
    return datetime.fromisoformat(f"2025-03-04T{clock}+00:00").astimezone(UTC)


@pytest.fixture(scope="module")
def sample() -> list[Event]:
    loaded = load_sources([WEBHOOKS], SourceOptions())
    (record,) = loaded.inputs
    assert (record.format, record.events, record.skipped) == ("pagerduty-webhooks", 7, 0)
    # The subscription's test ping says nothing; the redelivered acknowledgement is told once.
    assert record.dropped == {"repeated alert notification": 1, "webhook test ping": 1}
    assert loaded.warnings == []
    return loaded.events


def test_sample_tells_the_story_in_utc(sample: list[Event]) -> None:
    assert [(e.ts, e.signal) for e in sample] == [
        (at("09:10:01.482"), Signal.PAGE_TRIGGERED),
        (at("09:15:02.117"), Signal.PAGE_ESCALATED),
        (at("09:16:20.734"), Signal.PAGE_ACKNOWLEDGED),
        (at("09:24:10.356"), Signal.PAGE_NOTE),
        (at("09:55:01.603"), Signal.PAGE_RESOLVED),
        (at("10:02:40.220"), Signal.PAGE_NOTE),
    ]
    assert {e.meta["alert_key"] for e in sample} == {KEY}


def test_sample_actors_texts_and_refs(sample: list[Event]) -> None:
    trigger, escalate, ack, note, resolve, _ = sample
    assert [(e.actor, e.actor_kind) for e in sample] == [
        ("checkout-service (prod)", ActorKind.BOT),  # a service agent: the Events API integration
        ("PagerDuty", ActorKind.SYSTEM),  # a timeout escalation has no agent
        ("Priya Natarajan", ActorKind.HUMAN),
        ("Priya Natarajan", ActorKind.HUMAN),
        ("checkout-service (prod)", ActorKind.BOT),
        ("Priya Natarajan", ActorKind.HUMAN),
    ]
    assert trigger.text == (
        "Triggered #4821 [FIRING:1] CheckoutP99LatencyHigh checkout-service (prod eu-west-1)"
        " (via Alertmanager): assigned to Sam Okafor."
    )
    assert escalate.text == "Escalated: assigned to Priya Natarajan."
    assert escalate.meta["assignees"] == ["Priya Natarajan"]
    assert ack.text == "Acknowledged by Priya Natarajan."
    assert note.text == (
        "Note: Suspect Redis pool config shipped in checkout 1.42.0 (PR #4812). Rolling back to 1.41.3"
        " — see #inc-checkout-latency"
    )
    assert resolve.text == "Resolved #4821 [FIRING:1] CheckoutP99LatencyHigh checkout-service (prod eu-west-1)."
    assert (ack.ref, ack.native_id) == ("line 4 (incident.acknowledged)", "01JNHCK9W3Y5A7C9E1G3J5L7N9")
    assert trigger.meta == {
        "event_type": "incident.triggered",
        "incident_number": 4821,
        "incident_title": "[FIRING:1] CheckoutP99LatencyHigh checkout-service (prod eu-west-1)",
        "service": "checkout-service (prod)",
        "alert_key": KEY,
    }
    # A note's data is the note; its incident is a reference: the key still comes from it.
    assert note.meta == {"event_type": "incident.annotated", "alert_key": KEY}


def test_with_the_log_entries_each_fact_is_told_once() -> None:
    loaded = load_sources([LOG_ENTRIES, WEBHOOKS], SourceOptions())
    events = sorted(loaded.events, key=lambda e: e.ts)
    # The log entries (whole seconds) come first in time order and are kept; every webhook event
    # tells a fact they already told: trigger, escalation to Priya, ack (twice), both notes, resolve.
    assert len(events) == 10
    assert {e.format for e in events} == {"pagerduty-log-entries"}
    webhooks = next(r for r in loaded.inputs if r.format == "pagerduty-webhooks")
    assert webhooks.dropped == {"repeated alert notification": 7, "webhook test ping": 1}
    signals = [e.signal for e in events]
    for signal in (Signal.PAGE_TRIGGERED, Signal.PAGE_ESCALATED, Signal.PAGE_ACKNOWLEDGED, Signal.PAGE_RESOLVED):
        assert signals.count(signal) == 1
    assert signals.count(Signal.PAGE_NOTE) == 2


def incident(**fields: Any) -> dict[str, Any]:
    return {
        "id": "PINC1",
        "type": "incident",
        "number": 7,
        "title": "Disk full",
        "status": "triggered",
        "service": {"id": "PSVC", "type": "service_reference", "summary": "api (prod)"},
        **fields,
    }


def payload(event_type: str = "incident.triggered", **fields: Any) -> dict[str, Any]:
    event = {
        "id": "E1",
        "event_type": event_type,
        "resource_type": "incident",
        "occurred_at": "2025-03-04T09:10:01.482Z",
        "agent": None,
        "client": None,
        "data": incident(),
    }
    return {"event": {**event, **fields}}


ANA = {"id": "PANA", "type": "user_reference", "summary": "Ana Lima"}


def write(tmp_path: Path, name: str, content: Any) -> Path:
    path = tmp_path / name
    text = content if isinstance(content, str) else json.dumps(content)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        pytest.param(payload(), [("2025-03-04T09:10:01.482Z", Signal.PAGE_TRIGGERED)], id="single-payload"),
        pytest.param(
            [payload(), payload("incident.resolved", id="E2", occurred_at="2025-03-04T09:55:01Z")],
            [("2025-03-04T09:10:01.482Z", Signal.PAGE_TRIGGERED), ("2025-03-04T09:55:01Z", Signal.PAGE_RESOLVED)],
            id="json-array",
        ),
        pytest.param(
            # Logged in arrival order: the resolve arrived first; read in time order.
            "\n".join(
                json.dumps(p)
                for p in (payload("incident.resolved", id="E2", occurred_at="2025-03-04T09:55:01Z"), payload())
            )
            + "\n\n",
            [("2025-03-04T09:10:01.482Z", Signal.PAGE_TRIGGERED), ("2025-03-04T09:55:01Z", Signal.PAGE_RESOLVED)],
            id="json-lines-out-of-order",
        ),
    ],
)
def test_payload_shapes(tmp_path: Path, content: Any, expected: list[tuple[str, Signal]]) -> None:
    loaded = load_sources([write(tmp_path, "pd-hooks.log", content)], SourceOptions())
    assert [r.format for r in loaded.inputs] == ["pagerduty-webhooks"]
    assert [(e.ts, e.signal) for e in loaded.events] == [
        (datetime.fromisoformat(ts.replace("Z", "+00:00")), signal) for ts, signal in expected
    ]


@pytest.mark.parametrize(
    ("event", "signal", "actor", "text"),
    [
        pytest.param(
            payload("incident.acknowledged", agent=ANA),
            Signal.PAGE_ACKNOWLEDGED,
            "Ana Lima",
            "Acknowledged by Ana Lima.",
        ),
        pytest.param(
            payload("incident.reassigned", agent=ANA, data=incident(assignees=[{"summary": "Ben Ode"}])),
            Signal.PAGE_ASSIGNED,
            "Ana Lima",
            "Reassigned by Ana Lima: assigned to Ben Ode.",
        ),
        pytest.param(
            payload("incident.priority_updated", agent=ANA, data=incident(priority={"summary": "P1"})),
            None,
            "Ana Lima",
            "Priority changed by Ana Lima to P1.",
        ),
        pytest.param(payload("incident.reopened", agent=ANA), None, "Ana Lima", "Reopened by Ana Lima."),
        pytest.param(
            payload(
                "incident.resolved",
                agent=ANA,
                data=incident(
                    status="resolved",
                    resolve_reason={"type": "merge_resolve_reason", "incident": {"id": "P0", "summary": "[#6] Disk"}},
                ),
            ),
            Signal.PAGE_RESOLVED,
            "Ana Lima",
            "Resolved #7 Disk full by Ana Lima (merged into [#6] Disk).",
        ),
        pytest.param(payload("incident.unacknowledged"), None, "PagerDuty", "Unacknowledged."),
        pytest.param(
            payload(
                "incident.status_update_published",
                data={"incident": {"id": "PINC1"}, "message": "Fix rolling out", "type": "incident_status_update"},
            ),
            None,
            "PagerDuty",
            "Status update: Fix rolling out",
        ),
        pytest.param(
            payload(
                "incident.responder.added",
                data={"incident": {"id": "PINC1"}, "user": {"summary": "Maeve"}, "state": "pending"},
            ),
            None,
            "PagerDuty",
            "Responder requested: Maeve, pending.",
        ),
        # A type this adapter does not know by name is still a page event, in words.
        pytest.param(payload("incident.workflow.started"), None, "PagerDuty", "Workflow started."),
        pytest.param(
            payload("incident.annotated", agent=ANA, data={"incident": {"id": "PINC1"}, "type": "incident_note"}),
            Signal.PAGE_NOTE,
            "Ana Lima",
            "Note added.",
        ),
    ],
)
def test_event_types_and_texts(
    tmp_path: Path, event: dict[str, Any], signal: Signal | None, actor: str, text: str
) -> None:
    (read,) = load_sources([write(tmp_path, "hook.json", event)], SourceOptions()).events
    assert (read.signal, read.actor, read.text) == (signal, actor, text)
    assert read.meta["alert_key"] == "pagerduty:PINC1"


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        pytest.param("oops", 'payload 2: payload has no "event" object', id="not-an-object"),
        pytest.param({"event": "x"}, 'payload 2: payload has no "event" object', id="event-not-an-object"),
        pytest.param(payload(event_type=None), "payload 2: webhook event has no event_type", id="no-event-type"),
        pytest.param(
            payload("frobnicated"), "payload 2: unknown webhook event type 'frobnicated'", id="unknown-event-type"
        ),
        pytest.param(payload(occurred_at=None), "payload 2: webhook event has no occurred_at", id="no-occurred-at"),
        pytest.param(payload(occurred_at="soon"), "payload 2: cannot read 'soon'", id="bad-time"),
        pytest.param(
            payload(occurred_at="2025-03-04 09:10:01"), "payload 2: time has no time zone; pass --tz", id="naive-time"
        ),
    ],
)
def test_a_bad_record_is_skipped_with_a_warning_naming_file_and_position(
    tmp_path: Path, bad: Any, message: str
) -> None:
    path = write(tmp_path, "hooks.json", [payload(), bad])
    loaded = load_sources([path], SourceOptions())
    assert len(loaded.events) == 1
    assert loaded.inputs[0].skipped == 1
    (warning,) = loaded.warnings
    assert warning.startswith(f"skipped {path}:{message}")


def test_a_malformed_json_line_is_skipped_by_line(tmp_path: Path) -> None:
    path = write(tmp_path, "hooks.jsonl", json.dumps(payload()) + "\n{not json\n")
    loaded = load_sources([path], SourceOptions())
    assert len(loaded.events) == 1
    assert loaded.warnings[0].startswith(f"skipped {path}:line 2: malformed JSON")


def test_naive_times_need_tz_and_read_with_it(tmp_path: Path) -> None:
    path = write(tmp_path, "hooks.json", payload(occurred_at="2025-03-04 10:10:01"))
    with pytest.raises(InputError, match=r"hooks\.json:payload: time has no time zone; pass --tz"):
        load_sources([path], SourceOptions())
    (event,) = load_sources([path], SourceOptions(tz=zone("Europe/Berlin"))).events
    assert event.ts == at("09:10:01")


def test_events_about_other_resources_are_dropped_and_counted(tmp_path: Path) -> None:
    service = payload("service.updated", resource_type="service", data={"id": "PSVC", "type": "service"})
    loaded = load_sources([write(tmp_path, "hooks.json", [payload(), service])], SourceOptions())
    assert len(loaded.events) == 1
    assert loaded.inputs[0].dropped == {"webhook event not about an incident": 1}


def test_described_for_postmortem_formats() -> None:
    adapter = next(a for a in DOCUMENT_ADAPTERS if a.name == "pagerduty-webhooks")
    names = [a.name for a in DOCUMENT_ADAPTERS]
    # Beside the other PagerDuty formats, ahead of the catch-alls.
    assert names.index("pagerduty-webhooks") == names.index("pagerduty-csv") + 1
    assert all((adapter.description, adapter.hint, adapter.example))


@pytest.mark.parametrize(
    "content",
    [
        pytest.param({"event": {"type": "message", "ts": "1741079942.590465"}}, id="slack-events-api"),
        pytest.param({"event": {"event_type": "incident.triggered"}}, id="no-occurred-at"),
        pytest.param({"event": {"event_type": "triggered", "occurred_at": "2025-03-04T09:10:01Z"}}, id="undotted"),
        pytest.param([{"event": "incident.triggered"}], id="event-is-a-string"),
    ],
)
def test_other_event_envelopes_are_not_taken_for_webhooks(content: Any) -> None:
    assert not PagerDutyWebhooksAdapter().sniff(Document("x.json", json.dumps(content).encode()))
