"""The rules extractor on small hand-built incidents."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from postmortem_writer.events import EventStream
from postmortem_writer.extract.grounding import draft_problems
from postmortem_writer.extract.rules import classify_event, extract_rules
from postmortem_writer.models import (
    ActorKind,
    Confidence,
    Draft,
    Event,
    Provenance,
    Signal,
    SourceKind,
    TimelineKind,
)

DETECTED = datetime(2025, 3, 4, 9, 10, 1, tzinfo=UTC)


def at(minutes: float) -> datetime:
    """A time relative to the first alert."""
    return DETECTED + timedelta(minutes=minutes)


def event(
    minutes: float,
    text: str,
    *,
    actor: str = "Priya Natarajan",
    kind: SourceKind = SourceKind.CHAT,
    signal: Signal | None = None,
    actor_kind: ActorKind = ActorKind.HUMAN,
    **extra: Any,
) -> Event:
    return Event(
        ts=at(minutes),
        source="t.txt",
        format="test",
        kind=kind,
        ref="line 1",
        actor=actor,
        actor_kind=actor_kind,
        text=text,
        signal=signal,
        **extra,
    )


def system(minutes: float, text: str, kind: SourceKind, signal: Signal, **extra: Any) -> Event:
    return event(
        minutes, text, actor="checkout-service (prod)", kind=kind, signal=signal, actor_kind=ActorKind.SYSTEM, **extra
    )


def deploy(minutes: float, text: str, service: str) -> Event:
    return event(
        minutes, text, actor="deploy-bot", kind=SourceKind.DEPLOY, signal=Signal.DEPLOY, meta={"service": service}
    )


ALERT = "[FIRING:1] CheckoutP99LatencyHigh checkout-service (prod eu-west-1)"


def incident() -> list[Event]:
    """A checkout latency incident: a deploy, a page nobody acknowledged in time, a rollback."""
    return [
        deploy(-180, "Deploy payments-service 7.0.1", "payments-service"),
        deploy(-38, "Deploy train: search ranking tweak (PR #4790)", "search-service"),
        deploy(-6, "Deploy train #1187: checkout 1.42.0 (PR #4812, redis.pool.max_idle 64 -> 4)", "checkout-service"),
        system(0, ALERT, SourceKind.PAGE, Signal.PAGE_TRIGGERED),
        system(0, "Assigned to Sam Okafor.", SourceKind.PAGE, Signal.PAGE_ASSIGNED),
        system(0.1, "Notified Sam Okafor via phone call.", SourceKind.PAGE, Signal.PAGE_NOTIFIED),
        event(0.5, "I'm IC. Sam was paged but hasn't acked — can you pull latency graphs?"),
        event(1, "looking", actor="Marco Rossi"),
        event(1.2, "+1", actor="Zoë Ødegård"),
        event(2, "p99 went 180ms → 2.4s starting ~09:04", actor="Marco Rossi"),
        system(5, "Escalated to level 2 (timeout).", SourceKind.PAGE, Signal.PAGE_ESCALATED),
        event(6, "Acknowledged by Priya Natarajan.", kind=SourceKind.PAGE, signal=Signal.PAGE_ACKNOWLEDGED),
        event(13, "Root-cause candidate: Redis pool config in checkout 1.42.0 (PR #4812).", actor="Zoë Ødegård"),
        event(14, "*Decision*: roll back checkout to 1.41.3.", kind=SourceKind.CHAT),
        event(
            23,
            "sorry all — slept through the first page (1:10am here). I'll own comms to the support team",
            actor="Sam Okafor",
        ),
        event(21, "rolled back to 1.41.3, pods ready", actor="Zoë Ødegård"),
        event(38, "about 1,800 checkouts failed. why didn't the canary catch this?", actor="Marco Rossi"),
        event(40, "I'll file a ticket to add a pool-wait alert", actor="Marco Rossi"),
        event(41, "we should add a canary for config changes", actor="Zoë Ødegård"),
        event(42, "we should be fine now", actor="Zoë Ødegård"),
        event(43, "I'll take a look", actor="Sam Okafor"),
        system(
            45,
            "[RESOLVED] CheckoutP99LatencyHigh checkout-service (prod eu-west-1)",
            SourceKind.PAGE,
            Signal.PAGE_RESOLVED,
        ),
        event(46, "thanks all 🙏"),
    ]


def draft_of(events: list[Event], **options: Any) -> tuple[Draft, EventStream]:
    stream = EventStream(events)
    return extract_rules(stream, provenance=Provenance(tool_version="test", extractor="rules"), **options), stream


def find(stream: EventStream, text: str) -> Event:
    return next(e for e in stream if e.text.startswith(text))


@pytest.fixture
def built() -> tuple[Draft, EventStream]:
    return draft_of(incident())


def test_the_draft_is_grounded(built: tuple[Draft, EventStream]) -> None:
    draft, stream = built
    assert draft_problems(draft, stream) == []
    assert draft.cited_ids() <= {e.id for e in stream}
    for entry in draft.timeline:
        assert entry.time == min(stream[i].ts for i in entry.evidence)


def test_noise_and_notifications_stay_out_of_the_timeline(built: tuple[Draft, EventStream]) -> None:
    draft, stream = built
    in_timeline = {i for entry in draft.timeline for i in entry.evidence}
    for text in ("looking", "+1", "thanks all", "I'll take a look", "Notified Sam", "Assigned to Sam"):
        assert find(stream, text).id not in in_timeline, text


def test_structured_events_and_chat_cues_give_timeline_kinds(built: tuple[Draft, EventStream]) -> None:
    draft, stream = built
    kinds = {stream[entry.evidence[0]].text[:20]: entry.kind for entry in draft.timeline}
    assert kinds[ALERT[:20]] is TimelineKind.DETECTION
    assert kinds["Escalated to level 2"] is TimelineKind.ESCALATION
    assert kinds["Acknowledged by Priy"] is TimelineKind.ESCALATION
    assert kinds["Root-cause candidate"] is TimelineKind.DIAGNOSIS
    assert kinds["*Decision*: roll bac"] is TimelineKind.DECISION
    assert kinds["rolled back to 1.41."] is TimelineKind.MITIGATION
    assert kinds["[RESOLVED] CheckoutP"] is TimelineKind.RESOLUTION
    assert kinds["Deploy train #1187: "] is TimelineKind.CHANGE
    chat = next(entry for entry in draft.timeline if entry.kind is TimelineKind.DECISION)
    assert chat.description == "Priya Natarajan: Decision: roll back checkout to 1.41.3."


def test_old_changes_are_left_out_of_the_timeline(built: tuple[Draft, EventStream]) -> None:
    draft, stream = built
    old = find(stream, "Deploy payments-service")
    assert all(old.id not in entry.evidence for entry in draft.timeline)


def test_incident_window_runs_from_first_detection_to_resolution(built: tuple[Draft, EventStream]) -> None:
    draft, stream = built
    alert, resolved = find(stream, ALERT), find(stream, "[RESOLVED]")
    assert (draft.impact.start, draft.impact.start_evidence) == (DETECTED, [alert.id])
    assert (draft.impact.end, draft.impact.end_evidence) == (at(45), [resolved.id])
    assert draft.impact.duration_minutes == 45.0
    assert "45 minutes after first detection" in draft.summary[-1].text


def test_a_deploy_six_minutes_before_the_alert_is_the_medium_candidate(built: tuple[Draft, EventStream]) -> None:
    draft, stream = built
    checkout, alert = find(stream, "Deploy train #1187"), find(stream, ALERT)
    first = draft.contributing_factors[0]
    assert first.category == "change"
    assert first.evidence == [checkout.id, alert.id]
    assert first.confidence is Confidence.MEDIUM
    assert first.candidate
    assert "6 minutes" in first.description
    assert draft.trigger[0].evidence == [checkout.id, alert.id]
    assert "to be confirmed" in draft.trigger[0].text


def test_unrelated_or_old_deploys_never_become_medium(built: tuple[Draft, EventStream]) -> None:
    draft, stream = built
    old, search = find(stream, "Deploy payments-service"), find(stream, "Deploy train: search")
    assert all(old.id not in factor.evidence for factor in draft.contributing_factors)
    distractor = next(f for f in draft.contributing_factors if search.id in f.evidence)
    assert distractor.confidence is Confidence.LOW
    assert "search-service" in distractor.description
    assert [
        f.confidence for f in draft.contributing_factors if f.category == "change" and f.title.startswith("Change")
    ] == [
        Confidence.MEDIUM,
        Confidence.LOW,
    ]


def test_a_longer_lookback_brings_older_changes_in() -> None:
    draft, stream = draft_of(incident(), change_lookback=timedelta(hours=4))
    old = find(stream, "Deploy payments-service")
    factor = next(f for f in draft.contributing_factors if old.id in f.evidence)
    assert factor.confidence is Confidence.LOW


def test_a_cause_named_in_chat_is_a_low_candidate(built: tuple[Draft, EventStream]) -> None:
    draft, stream = built
    said = find(stream, "Root-cause candidate")
    factor = next(f for f in draft.contributing_factors if f.evidence == [said.id])
    assert factor.title == "Redis pool config in checkout 1.42.0 (PR #4812)"
    assert (factor.category, factor.confidence) == ("change", Confidence.LOW)


def test_the_unacknowledged_page_is_one_blameless_factor(built: tuple[Draft, EventStream]) -> None:
    draft, stream = built
    escalated, apology = find(stream, "Escalated"), find(stream, "sorry all")
    factor = next(f for f in draft.contributing_factors if escalated.id in f.evidence)
    assert factor.evidence == [escalated.id, apology.id]
    assert factor.category == "process"
    assert factor.title == "The first page was not acknowledged when it was sent"
    assert [c.text for c in draft.went_wrong] == [f"{factor.title}."]


def test_generated_text_never_names_a_person_in_a_failure(built: tuple[Draft, EventStream]) -> None:
    draft, _ = built
    generated = [f.title + " " + f.description for f in draft.contributing_factors]
    generated += [c.text for c in draft.summary + draft.trigger + draft.went_well + draft.went_wrong + draft.lucky]
    generated += [q.text for q in draft.open_questions if not q.evidence]
    generated += draft.impact.unknowns
    for text in generated:
        for word in ("Sam", "Okafor", "slept", "Priya", "Marco", "Zoë"):
            assert word not in text, text


def test_commitments_are_owned_by_the_speaker_and_suggestions_are_tbd(built: tuple[Draft, EventStream]) -> None:
    draft, stream = built
    items = {item.description: item for item in draft.action_items}
    assert set(items) == {"File a ticket to add a pool-wait alert", "Add a canary for config changes"}
    ticket = items["File a ticket to add a pool-wait alert"]
    assert (ticket.owner, ticket.due, ticket.priority) == ("Marco Rossi", "TBD", "TBD")
    assert ticket.evidence == [find(stream, "I'll file").id]
    assert items["Add a canary for config changes"].owner == "TBD"


def test_why_questions_become_open_questions(built: tuple[Draft, EventStream]) -> None:
    draft, stream = built
    asked = find(stream, "about 1,800")
    question = next(q for q in draft.open_questions if q.evidence)
    assert question.evidence == [asked.id]
    assert "why didn't the canary catch this?" in question.text
    assert any("candidate change" in q.text and not q.evidence for q in draft.open_questions)


def test_stated_figures_are_quoted_and_missing_ones_are_todos(built: tuple[Draft, EventStream]) -> None:
    draft, stream = built
    orders = next(f for f in draft.impact.figures if f.metric == "orders")
    assert orders.value == "about 1,800 checkouts"
    assert orders.quote == "about 1,800 checkouts failed."
    assert orders.evidence == [find(stream, "about 1,800").id]
    assert any(f.metric == "latency" and f.value == "p99 went 180ms → 2.4s" for f in draft.impact.figures)
    assert draft.impact.unknowns == [
        "TODO(author): how many users or customers were affected?",
        "TODO(author): what was the peak error rate, or how many requests failed?",
    ]


def test_responders_and_their_roles(built: tuple[Draft, EventStream]) -> None:
    draft, stream = built
    people = {r.name: r for r in draft.responders}
    assert set(people) == {"Sam Okafor", "Priya Natarajan", "Marco Rossi", "Zoë Ødegård"}
    assert people["Priya Natarajan"].roles == ["incident commander", "on-call"]
    assert people["Sam Okafor"].roles == ["on-call", "communications"]
    assert people["Zoë Ødegård"].roles == ["mitigation"]
    assert find(stream, "I'm IC").id in people["Priya Natarajan"].evidence


def test_rollback_and_quick_mitigation_went_well(built: tuple[Draft, EventStream]) -> None:
    draft, stream = built
    rollback = find(stream, "rolled back")
    assert [(c.text, c.evidence) for c in draft.went_well] == [
        ("Mitigation began 21 minutes after the first detection.", [find(stream, ALERT).id, rollback.id]),
        ("A rollback path was available and was used.", [rollback.id]),
    ]


def test_a_bot_echo_of_an_alert_joins_its_entry() -> None:
    events = [
        system(0, ALERT, SourceKind.ALERT, Signal.ALERT_FIRING),
        event(0.5, "Alert firing: CheckoutP99LatencyHigh", actor="Alertmanager", actor_kind=ActorKind.BOT),
    ]
    draft, _ = draft_of(events)
    assert len(draft.timeline) == 1
    entry = draft.timeline[0]
    assert entry.evidence == ["E1", "E2"]
    assert (entry.time, entry.description) == (DETECTED, ALERT)


def test_an_unrelated_bot_post_of_the_same_kind_stays_separate() -> None:
    events = [
        event(0, "Acknowledged by Priya Natarajan.", kind=SourceKind.PAGE, signal=Signal.PAGE_ACKNOWLEDGED),
        event(0.5, "INC-7 declared — IC: @Priya Natarajan", actor="incident-bot", actor_kind=ActorKind.BOT),
    ]
    draft, _ = draft_of(events)
    assert [entry.evidence for entry in draft.timeline] == [["E1"], ["E2"]]


def test_without_detection_or_resolution_the_window_is_left_to_the_author() -> None:
    draft, stream = draft_of([event(0, "rolling back checkout now")])
    assert draft_problems(draft, stream) == []
    assert (draft.impact.start, draft.impact.end) == (None, None)
    assert draft.impact.unknowns[:2] == [
        "TODO(author): when did the impact start? The sources show no alert, page or report.",
        "TODO(author): when did the impact end? The sources show no resolution.",
    ]
    author = [q.text for q in draft.open_questions if not q.evidence]
    assert any(text.startswith("How and when was the problem first noticed") for text in author)
    assert any(text.startswith("When was the incident resolved") for text in author)
    assert draft.trigger == []


@pytest.mark.parametrize(
    ("events", "title", "expected"),
    [
        pytest.param([event(0, "alert fired")], "Checkout latency", "Checkout latency", id="given"),
        pytest.param(
            [event(0, ":rotating_light: *INC-7 declared* — checkout p99 > 2s\nIC: Priya", actor_kind=ActorKind.BOT)],
            None,
            "INC-7 declared — checkout p99 > 2s",
            id="declared-line",
        ),
        pytest.param(
            [system(0, ALERT, SourceKind.PAGE, Signal.PAGE_TRIGGERED, meta={"incident_title": "[#4821] Checkout p99"})],
            None,
            "[#4821] Checkout p99",
            id="pagerduty-meta",
        ),
        pytest.param([event(0, "alert fired")], None, "Incident on 2025-03-04", id="fallback"),
    ],
)
def test_title(events: list[Event], title: str | None, expected: str) -> None:
    assert draft_of(events, title=title)[0].title == expected


def test_page_notes_are_decisions_or_diagnosis() -> None:
    note = event(0, "Suspect Redis pool config in 1.42.0", kind=SourceKind.PAGE, signal=Signal.PAGE_NOTE)
    assert classify_event(note) is TimelineKind.DIAGNOSIS
    decision = note.model_copy(update={"text": "Decision: roll back checkout"})
    assert classify_event(decision) is TimelineKind.DECISION
    link = note.model_copy(update={"text": "Postmortem: https://docs.example/pm"})
    assert classify_event(link) is TimelineKind.OTHER


def test_a_rollback_recorded_as_a_deploy_is_mitigation() -> None:
    assert classify_event(deploy(0, "Rollback to v311", "checkout-admin")) is TimelineKind.MITIGATION


def test_an_unanswered_thread_question_is_open_and_an_answered_one_is_not() -> None:
    events = [
        event(0, "alert fired for checkout"),
        event(1, "is the canary covering eu-west-1?", native_id="q1"),
        event(2, "what is the pool size now?", native_id="q2"),
        event(3, "64, back to the old value", actor="Marco Rossi", parent_native_id="q2"),
        event(4, "bump, anyone?", parent_native_id="q1"),
    ]
    draft, stream = draft_of(events)
    asked = [q.evidence for q in draft.open_questions if q.evidence]
    assert asked == [[find(stream, "is the canary").id]]
