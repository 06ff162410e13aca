"""The redacted stream: stable placeholders, ids and times untouched, people as roles, values restored on request."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from conftest import chat_event
from postmortem_writer.events import EventStream
from postmortem_writer.models import ActorKind, Event
from postmortem_writer.pipeline import Ingested, draft_from, ingest
from postmortem_writer.redact import Privacy, redact_stream
from postmortem_writer.sources import SourceOptions

T0 = datetime(2025, 3, 4, 9, 0, tzinfo=UTC)


def chat(minute: int, actor: str, text: str, **meta: str) -> Event:
    return chat_event(text, actor=actor, ts=T0 + timedelta(minutes=minute), ref=f"line {minute}", meta=dict(meta))


def stream(*events: Event) -> EventStream:
    return EventStream(list(events))


def test_one_value_is_one_placeholder_numbered_by_first_appearance() -> None:
    events = stream(
        chat(1, "Mei Zhang", "db at 10.0.3.14 and 10.0.3.15 is down"),
        chat(2, "Kai Lind", "10.0.3.15 is fine, mail ops@acme.example"),
        chat(3, "Kai Lind", "ops@acme.example says 10.0.3.14 rebooted"),
    )
    redacted, redaction = redact_stream(events, Privacy())
    assert [e.text for e in redacted] == [
        "db at [IP-1] and [IP-2] is down",
        "[IP-2] is fine, mail [EMAIL-1]",
        "[EMAIL-1] says [IP-1] rebooted",
    ]
    assert redaction.counts() == {"email": 1, "ip": 2}
    again, _ = redact_stream(events, Privacy())
    assert [e.text for e in again] == [e.text for e in redacted], "the same sources give the same requests"


def test_ids_times_and_positions_are_untouched_and_the_originals_are_left_alone() -> None:
    events = stream(chat(1, "Mei Zhang", "key AKIAQ3EGRVXJ7KPL2WMN", channel="ops"), chat(2, "Kai", "ok"))
    redacted, _ = redact_stream(events, Privacy())
    assert [(e.id, e.ts, e.ref, e.source) for e in redacted] == [(e.id, e.ts, e.ref, e.source) for e in events]
    assert events["E1"].text == "key AKIAQ3EGRVXJ7KPL2WMN"
    assert redacted["E1"].text == "key [SECRET-1]"
    assert redacted["E2"] is events["E2"], "an event with nothing to hide is not copied"


def test_speakers_and_metadata_are_redacted_too() -> None:
    event = chat(1, "deploy@acme.example", "deployed", url="https://ci:Hunter2Secret@ci.acme.example/run/1")
    redacted, _ = redact_stream(stream(event), Privacy())
    assert redacted["E1"].actor == "[EMAIL-1]"
    assert redacted["E1"].meta == {"url": "https://ci:[SECRET-1]@ci.acme.example/run/1"}


def test_restore_gives_back_only_the_placeholders_it_gave_out() -> None:
    _, redaction = redact_stream(stream(chat(1, "Mei", "mail ops@acme.example")), Privacy())
    assert redaction.restore("ask [EMAIL-1], not [EMAIL-2] or [SECRET-1]") == (
        "ask ops@acme.example, not [EMAIL-2] or [SECRET-1]"
    )


def test_pseudonyms_follow_the_roles_the_sources_state() -> None:
    events = stream(
        chat(1, "Priya Natarajan", "I'm IC. @Marco Rossi can you pull graphs?"),
        chat(2, "Marco Rossi", "on it; Priya, p99 is 2.3s"),
        chat(3, "Will Ames", "we will restart the pods, ping @will.ames if stuck"),
    )
    redacted, redaction = redact_stream(events, Privacy(pseudonymize=True))
    assert [(e.actor, e.text) for e in redacted] == [
        ("Incident commander", "I'm IC. @Responder 1 can you pull graphs?"),
        ("Responder 1", "on it; Incident commander, p99 is 2.3s"),
        # A handle the sources never tie to a name is a person of its own, hidden all the same.
        ("Responder 2", "we will restart the pods, ping @Responder 3 if stuck"),
    ]
    assert redaction.counts() == {"person": 4}


def test_pseudonyms_without_redaction_hide_people_only() -> None:
    events = stream(chat(1, "Mei Zhang", "mail mei@acme.example, key AKIAQ3EGRVXJ7KPL2WMN"), chat(2, "Kai", "ok Mei"))
    redacted, redaction = redact_stream(events, Privacy(redact=False, pseudonymize=True))
    assert [(e.actor, e.text) for e in redacted] == [
        ("Responder 1", "mail mei@acme.example, key AKIAQ3EGRVXJ7KPL2WMN"),
        ("Responder 2", "ok Responder 1"),
    ]
    assert redaction.counts() == {"person": 2}


def test_bots_keep_their_names_when_people_are_pseudonymised() -> None:
    bot = chat(1, "PagerDuty", "Acknowledged by Priya Natarajan.").model_copy(update={"actor_kind": ActorKind.BOT})
    redacted, _ = redact_stream(stream(bot, chat(2, "Priya Natarajan", "ack")), Privacy(pseudonymize=True))
    assert redacted["E1"].actor == "PagerDuty"
    assert redacted["E1"].text == "Acknowledged by On-call."


@pytest.mark.parametrize(
    ("privacy", "model", "applies"),
    [
        (Privacy(), True, True),
        (Privacy(), False, False),
        (Privacy(redact=False), True, False),
        (Privacy(redact=True), False, True),
        (Privacy(redact=False, pseudonymize=True), True, True),
    ],
    ids=["model-default", "rules-default", "opted-out", "rules-opted-in", "pseudonyms-need-the-pass"],
)
def test_when_redaction_applies(privacy: Privacy, model: bool, applies: bool) -> None:
    assert privacy.applies(model=model) is applies


@pytest.fixture
def incident(sample_incident: Path) -> Ingested:
    return ingest([sample_incident], SourceOptions())


def test_a_rules_draft_with_redaction_keeps_placeholders_and_rehydrate_restores_them(incident: Ingested) -> None:
    plain = draft_from(incident)
    redacted = draft_from(incident, privacy=Privacy(redact=True))
    assert "zoe.odegard@acme.example" in plain.model_dump_json()
    assert "zoe.odegard@acme.example" not in redacted.model_dump_json()
    assert redacted.provenance.redacted == {"email": 2}
    assert [e.id for e in redacted.evidence_index] == [e.id for e in plain.evidence_index]
    restored = draft_from(incident, privacy=Privacy(redact=True, rehydrate=True))
    assert restored.provenance.rehydrated
    assert restored.evidence_index == plain.evidence_index
    assert restored.timeline == plain.timeline


def test_pseudonymised_draft_names_nobody(incident: Ingested) -> None:
    draft = draft_from(incident, privacy=Privacy(pseudonymize=True, rehydrate=True))
    text = draft.model_dump_json()
    for name in ("Priya", "Natarajan", "Marco Rossi", "Kai Lindqvist", "Sam Okafor"):
        assert name not in text
    assert {r.name for r in draft.responders} >= {"Incident commander"}


def test_placeholders_already_in_the_sources_are_never_handed_out() -> None:
    # A pasted earlier postmortem keeps its placeholders; a real value must not share one with them.
    events = stream(
        chat(1, "Mei Zhang", "last time [EMAIL-1] and [SECRET-1] were in the draft", note="[EMAIL-2]"),
        chat(2, "Kai Lind", "now ops@acme.example leaked hvs.CAESIJ5rKx2bF9sQ7mW3pL8vN4tY"),
    )
    redacted, redaction = redact_stream(events, Privacy())
    assert [e.text for e in redacted] == [
        "last time [EMAIL-1] and [SECRET-1] were in the draft",
        "now [EMAIL-3] leaked [SECRET-2]",
    ]
    restored = redaction.restore(" ".join(e.text for e in redacted))
    assert restored.endswith("were in the draft now ops@acme.example leaked hvs.CAESIJ5rKx2bF9sQ7mW3pL8vN4tY")
    assert restored.startswith("last time [EMAIL-1] and [SECRET-1]")
