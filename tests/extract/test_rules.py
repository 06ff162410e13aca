"""The rules extractor on small hand-built incidents."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from postmortem_writer.events import EventStream
from postmortem_writer.extract.classify import classify_event
from postmortem_writer.extract.factors import fold_causes_into_changes
from postmortem_writer.extract.grounding import draft_problems
from postmortem_writer.extract.rules import extract_rules
from postmortem_writer.models import (
    ActorKind,
    Confidence,
    ContributingFactor,
    Draft,
    Event,
    Provenance,
    Signal,
    SourceKind,
    TimelineKind,
)
from postmortem_writer.pipeline import ingest
from postmortem_writer.sources import SourceOptions

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
    escalated = next(entry for entry in draft.timeline if stream[entry.evidence[0]].text.startswith("Escalated"))
    assert find(stream, "Acknowledged by Priya").id in escalated.evidence
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
    said = find(stream, "Root-cause candidate")
    first = draft.contributing_factors[0]
    assert first.category == "change"
    # The chat's "Root-cause candidate: … checkout 1.42.0" names this deploy: one factor, not two.
    assert first.evidence == [checkout.id, alert.id, said.id]
    assert first.confidence is Confidence.MEDIUM
    assert first.candidate
    assert "6 minutes" in first.description
    assert "Named as a cause during the incident" in first.description
    assert draft.trigger[0].evidence == [checkout.id, alert.id, said.id]
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


def test_a_cause_named_in_chat_that_names_no_change_is_a_low_candidate() -> None:
    events = [
        *incident(),
        event(20, "Root-cause candidate: the connection pool of the session store is too small.", actor="Marco Rossi"),
    ]
    draft, stream = draft_of(events)
    said = find(stream, "Root-cause candidate: the connection pool")
    factor = next(f for f in draft.contributing_factors if f.evidence == [said.id])
    assert factor.title.startswith("The connection pool of the session store")
    assert factor.confidence is Confidence.LOW


def test_the_unacknowledged_page_is_one_blameless_factor(built: tuple[Draft, EventStream]) -> None:
    draft, stream = built
    escalated = find(stream, "Escalated")
    factor = next(f for f in draft.contributing_factors if escalated.id in f.evidence)
    assert factor.evidence == [escalated.id]  # the pager's record, not the responder's apology
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


PAGE = (SourceKind.PAGE, Signal.PAGE_TRIGGERED)
ACK = (SourceKind.PAGE, Signal.PAGE_ACKNOWLEDGED)
ESCALATED = (SourceKind.PAGE, Signal.PAGE_ESCALATED)

# (events as (minutes, text, page kind and signal or None for chat), evidence of each timeline row)
PAGER_RECORDS: dict[str, tuple[list[tuple[float, str, tuple[SourceKind, Signal] | None]], list[list[str]]]] = {
    "prompt-ack-joins-page": ([(0, ALERT, PAGE), (1, "Acknowledged by Priya Natarajan.", ACK)], [["E1", "E2"]]),
    "late-ack-stands-alone": ([(0, ALERT, PAGE), (6, "Acknowledged by Priya Natarajan.", ACK)], [["E1"], ["E2"]]),
    "ack-joins-escalation-it-answers": (
        [(0, ALERT, PAGE), (5, "Escalated to level 2 (timeout).", ESCALATED), (6, "Acknowledged by Sam Okafor.", ACK)],
        [["E1"], ["E2", "E3"]],
    ),
    "escalation-record-joins-announced-page": (
        [
            (0, ALERT, PAGE),
            (5, "paging the database on-call", None),
            (5.5, "Escalated: assigned to Sam Okafor.", ESCALATED),
        ],
        [["E1"], ["E2", "E3"]],
    ),
    "escalation-record-without-announcement": (
        [(0, ALERT, PAGE), (2, "Escalated: assigned to Sam Okafor.", ESCALATED)],
        [["E1"], ["E2"]],
    ),
    "ack-does-not-join-chat-of-other-kind": (
        [(0, "rolling back checkout now", None), (1, "Acknowledged by Priya Natarajan.", ACK)],
        [["E1"], ["E2"]],
    ),
}


@pytest.mark.parametrize("case", sorted(PAGER_RECORDS))
def test_a_prompt_pager_record_joins_the_step_it_answers(case: str) -> None:
    given, rows = PAGER_RECORDS[case]
    events = [
        event(minutes, text) if source is None else system(minutes, text, *source) for minutes, text, source in given
    ]
    draft, _ = draft_of(events)
    assert [entry.evidence for entry in draft.timeline] == rows


# (chat messages as (minutes after the alert at 0, text), evidence of each timeline row)
RESTATED: dict[str, tuple[list[tuple[float, str]], list[list[str]]]] = {
    "report-restated-across-a-declaration": (
        [(1, "declaring an incident, paging the checkout on-call"), (2, "checkout is down for everyone")],
        [["E1", "E3"], ["E2"]],
    ),
    "report-after-the-window-is-its-own-row": (
        [(1, "declaring an incident, paging the checkout on-call"), (4, "checkout is down for everyone")],
        [["E1"], ["E2"], ["E3"]],
    ),
}


@pytest.mark.parametrize("case", sorted(RESTATED))
def test_a_report_restated_moments_later_joins_its_row(case: str) -> None:
    messages, rows = RESTATED[case]
    events = [system(0, ALERT, SourceKind.ALERT, Signal.ALERT_FIRING)] + [
        event(minutes, text, actor="Marco Rossi") for minutes, text in messages
    ]
    draft, _ = draft_of(events)
    assert [entry.evidence for entry in draft.timeline] == rows


# (events as (minutes after the alert at 0, text, signal of a responder's page note or a deploy
# tool's record, None for chat), evidence of each timeline row)
SAID_AGAIN: dict[str, tuple[list[tuple[float, str, Signal | None]], list[list[str]]]] = {
    "note-after-the-chat-that-said-it": (
        [(20, "edge01 disabled on the backbone", None), (20.5, "Note: edge01 out of the backbone", Signal.PAGE_NOTE)],
        [["E1"], ["E2", "E3"]],
    ),
    "note-long-after-stands-alone": (
        [(20, "edge01 disabled on the backbone", None), (25, "Note: edge01 out of the backbone", Signal.PAGE_NOTE)],
        [["E1"], ["E2"], ["E3"]],
    ),
    "chat-mitigation-after-its-rollback-record": (
        [(20, "Rolled back checkout, now at 1.41.3", Signal.ROLLBACK), (20.8, "rollback applied, pods ready", None)],
        [["E1"], ["E2", "E3"]],
    ),
    "chat-mitigation-after-other-chat-stands-alone": (
        [(20, "restarting the checkout pods now", None), (20.5, "rollback applied, pods ready", None)],
        [["E1"], ["E2"], ["E3"]],
    ),
}


@pytest.mark.parametrize("case", sorted(SAID_AGAIN))
def test_a_responder_repeating_a_row_within_a_minute_joins_it(case: str) -> None:
    given, rows = SAID_AGAIN[case]
    events = [system(0, ALERT, SourceKind.ALERT, Signal.ALERT_FIRING)]
    for minutes, text, signal in given:
        if signal is Signal.ROLLBACK:
            events.append(event(minutes, text, actor="argocd", kind=SourceKind.DEPLOY, signal=signal))
        elif signal is Signal.PAGE_NOTE:
            events.append(event(minutes, text, kind=SourceKind.PAGE, signal=signal))
        else:
            events.append(event(minutes, text, actor="Zoë Ødegård"))
    draft, _ = draft_of(events)
    assert [entry.evidence for entry in draft.timeline] == rows


# (deploys as (minutes, service), the deploy a rollback at +30 returned to or None, which deploys' rows
# the timeline keeps, by index); the alert is at 0 and deploy i is version 1.i.0.
PREVIOUS_RELEASES: dict[str, tuple[list[tuple[float, str]], int | None, list[int]]] = {
    "previous-release-of-changed-service": ([(-3000, "edge-cache"), (-20, "edge-cache")], None, [0, 1]),
    "only-the-last-earlier-release": (
        [(-6000, "edge-cache"), (-3000, "edge-cache"), (-20, "edge-cache")],
        None,
        [1, 2],
    ),
    "service-not-changed-again": ([(-3000, "billing"), (-20, "edge-cache")], None, [1]),
    "fix-deploy-during-response": ([(-3000, "edge-cache"), (30, "edge-cache")], None, [0, 1]),
    "nothing-changed-near-the-incident": ([(-3000, "edge-cache")], None, []),
    "release-rolled-back-to-is-history": ([(-3000, "edge-cache"), (-20, "edge-cache")], 0, [1]),
}


@pytest.mark.parametrize("case", sorted(PREVIOUS_RELEASES))
def test_the_previous_release_of_a_service_changed_near_the_incident_stays_in_the_timeline(case: str) -> None:
    deploys, returned_to, kept = PREVIOUS_RELEASES[case]
    releases = [
        deploy(minutes, f"Deploy {service} 1.{i}.0" + (" (hotfix for the crash)" if minutes > 0 else ""), service)
        for i, (minutes, service) in enumerate(deploys)
    ]
    rollback = (
        []
        if returned_to is None
        else [event(30, f"Rolled back, now at 1.{returned_to}.0", kind=SourceKind.DEPLOY, signal=Signal.ROLLBACK)]
    )
    draft, stream = draft_of([system(0, ALERT, SourceKind.ALERT, Signal.ALERT_FIRING), *releases, *rollback])
    cited = {stream[i].text for entry in draft.timeline for i in entry.evidence}
    assert {text for text in cited if text.startswith("Deploy")} == {releases[i].text for i in kept}


# (chat messages as (minutes after the alert, text), the kind of the message marked by its index)
STORY_KINDS: dict[str, tuple[list[tuple[float, str]], int, TimelineKind]] = {
    "action-and-effect-before-a-later-end-is-mitigation": (
        [(20, "edge01 disabled on the backbone. traffic is flowing normally again"), (50, "all clear, resolving")],
        0,
        TimelineKind.MITIGATION,
    ),
    "action-and-effect-at-the-end-is-resolution": (
        [(20, "edge01 disabled on the backbone. traffic is flowing normally again"), (25, "resolving the incident")],
        0,
        TimelineKind.RESOLUTION,
    ),
    "declaring-on-a-symptom-is-detection": (
        [(10, "some 5xx on checkout"), (40, "declaring an incident. card payments are failing for all customers")],
        1,
        TimelineKind.DETECTION,
    ),
    "declaring-without-symptom-is-escalation": (
        [(10, "some 5xx on checkout"), (40, "declaring an incident, paging the payments on-call")],
        1,
        TimelineKind.ESCALATION,
    ),
}


@pytest.mark.parametrize("case", sorted(STORY_KINDS))
def test_a_message_takes_the_kind_its_place_in_the_story_gives(case: str) -> None:
    messages, marked, kind = STORY_KINDS[case]
    events = [system(0, ALERT, SourceKind.ALERT, Signal.ALERT_FIRING)] + [
        event(minutes, text, actor="Marco Rossi") for minutes, text in messages
    ]
    draft, stream = draft_of(events)
    target = find(stream, messages[marked][1]).id
    assert [entry.kind for entry in draft.timeline if target in entry.evidence] == [kind]


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


def test_a_rollback_row_in_a_deploy_history_is_mitigation(tmp_path: Path) -> None:
    csv = tmp_path / "deploys.csv"
    csv.write_text(
        "time,service,version,description\n"
        "2025-03-04T09:02:37Z,checkout,1.42.0,pool tuning (PR #4812)\n"
        "2025-03-04T09:41:19Z,checkout,1.42.1,reverts PR #4812\n",
        encoding="utf-8",
    )
    stream = ingest([csv], SourceOptions()).stream
    assert [classify_event(e) for e in stream] == [TimelineKind.CHANGE, TimelineKind.MITIGATION]


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


# --- real responder language ---------------------------------------------------------------------


def bot(minutes: float, text: str, actor: str = "Opsgenie", **extra: Any) -> Event:
    return event(minutes, text, actor=actor, actor_kind=ActorKind.BOT, **extra)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "resolved. follow ups: can someone file a ticket to route failures to pagerduty?",
            TimelineKind.RESOLUTION,
            id="a-trailing-question-does-not-veto",
        ),
        pytest.param("AI: alert when replica lag > 1MB so we know failover would be refused", None, id="action-item"),
        pytest.param(
            "why did it take us 15 min to decide on the failover? should be a runbook button", None, id="question"
        ),
        pytest.param(
            "hi, finance dashboards show no orders since friday??", TimelineKind.DETECTION, id="symptom-asked"
        ),
        pytest.param("going to fail over to pg-replica-2, we'd lose 40MB of wal. ok?", TimelineKind.DECISION, id="ok?"),
        pytest.param("we could fail over to ams1 via the GSLB", None, id="an-option-is-no-mitigation"),
    ],
)
def test_chat_is_classified_sentence_by_sentence(text: str, expected: TimelineKind | None) -> None:
    assert classify_event(event(0, text)) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "[FIRING:4] KubePodCrashLooping notifications\n*Description:* Pod has restarted 6 times",
            TimelineKind.DETECTION,
            id="firing-beats-restarted",
        ),
        pytest.param("[P2] Alert #5521: payments-api 5xx rate > 5% (prod)", TimelineKind.DETECTION, id="priority"),
        pytest.param(":red_circle: Task failed: dag=warehouse_load", TimelineKind.DETECTION, id="task-failed"),
        pytest.param("*Resolved*: #3301 [FIRING:1] PostgresPrimaryDown", TimelineKind.RESOLUTION, id="quotes-alert"),
        pytest.param("Alert #5521 closed by Dmitri Volkov", TimelineKind.RESOLUTION, id="closed-by"),
        pytest.param("*UP* www.example-shop.eu — all probes passing", TimelineKind.RESOLUTION, id="up"),
        pytest.param(
            "Incident update — *Identified*: We have rerouted traffic and are monitoring.",
            TimelineKind.COMMUNICATION,
            id="status-update",
        ),
        pytest.param("Alert #5521 escalated to Ledger-Oncall", TimelineKind.ESCALATION, id="falls-back-to-chat-cues"),
    ],
)
def test_alert_posts_take_their_kind_from_the_status_shape(text: str, expected: TimelineKind) -> None:
    assert classify_event(bot(0, text)) is expected


def test_the_first_symptom_report_is_the_detection_even_when_it_declares() -> None:
    draft, stream = draft_of(
        [
            event(0, "declaring sev2, I'll take IC. customers can't log in on mobile"),
            event(5, "checkout is down too", actor="Marco Rossi"),
            event(30, "all green. closing the incident"),
        ]
    )
    assert draft.impact.start_evidence == [find(stream, "declaring sev2").id]
    assert [e.kind for e in draft.timeline][:2] == [TimelineKind.DETECTION, TimelineKind.DETECTION]
    assert "incident commander" in next(r for r in draft.responders if r.name == "Priya Natarajan").roles


def test_a_rollback_that_did_not_end_the_problem_did_not_go_well() -> None:
    draft, _ = draft_of(
        [
            bot(0, "[P3] Alert #7712: search-api p95 latency > 1500ms (prod)"),
            event(10, "rolling back search-api to 1.19.1 just in case"),
            event(20, "rolled back. no change in p95"),
            event(90, "feature flag off", actor="Mei Zhang"),
            event(95, "back to baseline, 290ms"),
            event(120, "incident resolved"),
        ]
    )
    assert [c.text for c in draft.went_well] == ["Mitigation began 10 minutes after the first detection."]


def test_the_summary_never_quotes_an_alert_as_the_start_of_mitigation() -> None:
    draft, _ = draft_of(
        [
            bot(0, "[FIRING:4] KubePodCrashLooping notifications\nPod has restarted 6 times", actor="Alertmanager"),
            event(9, "bumping memory limit to 3Gi to buy time"),
        ]
    )
    assert [c.text for c in draft.summary if c.text.startswith("Mitigation")] == [
        "Mitigation began at 09:19 UTC: “bumping memory limit to 3Gi to buy time”."
    ]


def test_a_change_announced_in_chat_before_detection_is_the_candidate_trigger_without_names() -> None:
    flag = "Flag updated in *Production*\nsearch-ranking-v2\nMei Zhang changed the percentage rollout from 25% to 100%"
    draft, stream = draft_of(
        [
            event(-20, "hey all", actor="Mei Zhang"),
            bot(-16, flag, actor="LaunchDarkly"),
            bot(0, "[P3] Alert #7712: search-api p95 latency > 1500ms (prod)"),
            event(120, "I bumped search-ranking-v2 to 100% at 3:05. could that be it?", actor="Mei Zhang"),
        ]
    )
    posted, alert, mentioned_by = (find(stream, text).id for text in ("Flag updated", "[P3]", "I bumped"))
    trigger = draft.contributing_factors[0]
    assert (trigger.evidence, trigger.confidence) == ([posted, alert], Confidence.MEDIUM)
    assert "changed the percentage rollout from 25% to 100%" in draft.trigger[0].text
    assert "announced in chat 16 minutes before" in draft.trigger[0].text
    mentioned = next(f for f in draft.contributing_factors if mentioned_by in f.evidence)
    assert mentioned.confidence is Confidence.LOW
    for text in [draft.trigger[0].text] + [f.title + f.description for f in draft.contributing_factors]:
        assert "Mei" not in text, text


def test_deploy_bot_posts_only_count_when_there_is_no_deploy_export() -> None:
    post = bot(-5, ":white_check_mark: checkout-service 1.42.0 deployed to production", actor="deploy-bot")
    alert = system(0, ALERT, SourceKind.PAGE, Signal.PAGE_TRIGGERED)
    alone, _ = draft_of([post, alert])
    assert [f.confidence for f in alone.contributing_factors] == [Confidence.MEDIUM]
    exported = deploy(-5.5, "Deploy train #1187: checkout 1.42.0", "checkout-service")
    both, stream = draft_of([exported, post, alert])
    assert [f.evidence[0] for f in both.contributing_factors] == [find(stream, "Deploy train").id]


def test_follow_up_lists_owners_and_thin_commitments() -> None:
    draft, stream = draft_of(
        [
            event(0, "alert fired for checkout"),
            event(1, "hotfix deployed"),
            event(2, "checkout is back to normal"),
            event(3, "looking", actor="Marco Rossi"),
            event(
                4,
                "closing the incident. action items:\n- alert on inactive replication slots (Marco)\n"
                "- decommission runbook needs a drop-the-slot step\n2. disk alert at 80% not 95%",
            ),
            event(5, "incident resolved. RCA doc tomorrow, I'll own it", actor="Zoë Ødegård"),
            event(6, "TODO: recover the remaining rows from the binlog (Zoë)"),
            event(7, "TODO: page on inactive slots too (me)", actor="Marco Rossi"),
        ]
    )
    owners = {item.description: item.owner for item in draft.action_items}
    assert owners == {
        "Page on inactive slots too": "Marco Rossi",
        "Alert on inactive replication slots": "Marco Rossi",
        "Decommission runbook needs a drop-the-slot step": "TBD",
        "Disk alert at 80% not 95%": "TBD",
        "RCA doc tomorrow, I'll own it": "Zoë Ødegård",
        "Recover the remaining rows from the binlog": "Zoë Ødegård",
    }
    listed = find(stream, "closing the incident")
    assert classify_event(listed) is TimelineKind.RESOLUTION


def test_requests_and_plain_commitments_are_follow_ups_only_after_recovery() -> None:
    draft, _ = draft_of(
        [
            bot(0, "[FIRING:1] CheckoutP99LatencyHigh"),
            event(1, "I'll restart the checkout pods"),
            event(2, "can someone redeploy 1.19.2?", actor="Marco Rossi"),
            event(10, "restarted the checkout pods"),
            event(20, "error rates are normal"),
            event(21, "I'll take the slot alert", actor="Marco Rossi"),
            event(22, "can someone redeploy 1.19.2?", actor="Zoë Ødegård"),
            event(23, "I'll keep an eye on it overnight"),
        ]
    )
    assert [(item.description, item.owner) for item in draft.action_items] == [
        ("Take the slot alert", "Marco Rossi"),
        ("Redeploy 1.19.2", "TBD"),
    ]


def test_review_questions_from_the_channel_with_enough_context() -> None:
    draft, _ = draft_of(
        [
            event(0, "alert fired for orders-db"),
            event(1, "patroni hasnt promoted the replica. why??"),
            event(2, "why??", actor="Marco Rossi"),
            event(3, "wasnt cert-manager supposed to renew this?", actor="Marco Rossi"),
            event(4, "do we know if other regions are affected?", actor="Marco Rossi"),
            event(10, "all green. closing the incident"),
            event(11, "do we know if the fallback provider charged premium rates?", actor="Marco Rossi"),
        ]
    )
    assert [q.text for q in draft.open_questions if q.evidence] == [
        "Asked during the incident: “patroni hasnt promoted the replica. why??”",
        "Asked during the incident: “wasnt cert-manager supposed to renew this?”",
        "Asked during the incident: “do we know if the fallback provider charged premium rates?”",
    ]


def test_alert_conditions_and_recovery_numbers_are_not_impact() -> None:
    draft, _ = draft_of(
        [
            bot(0, "[P2] Alert #5521: payments-api 5xx rate > 5% (prod-us-east-1)"),
            event(3, "12% of requests 500ing on payments-api. p95 on payments-api is 2.8s"),
            event(30, "closing the incident. roughly 26 min of hard outage for ~35% of eu users"),
            event(31, "AI: alert when error rate > 10% for 5 min"),
        ]
    )
    assert {(f.metric, f.value) for f in draft.impact.figures} == {
        ("error_rate", "12% of requests"),
        ("latency", "p95 on payments-api is 2.8s"),
        ("duration", "roughly 26 min of hard outage"),
        ("users", "~35% of eu users"),
    }


def test_a_gap_only_asked_about_is_a_low_candidate_not_something_that_went_wrong() -> None:
    draft, stream = draft_of(
        [
            event(0, "customers report failed logins"),
            event(30, "why didn't the expiry alert fire?", actor="Marco Rossi"),
            event(31, "the airflow failure alerts only go to this channel, no pager", actor="Zoë Ødegård"),
        ]
    )
    gaps = {f.title: f for f in draft.contributing_factors if f.category == "monitoring"}
    asked = gaps["Alerting may not have detected the problem early enough (asked during the incident)"]
    stated = gaps["The failing condition did not page the on-call responder"]
    assert (asked.confidence, asked.evidence) == (Confidence.LOW, [find(stream, "why didn't").id])
    assert stated.confidence is Confidence.MEDIUM
    assert [c.text for c in draft.went_wrong] == ["The failing condition did not page the on-call responder."]
    assert "thresholds" in asked.description


def test_a_testing_gap_suggests_testing_angles() -> None:
    draft, _ = draft_of([event(0, "customers report failed payments"), event(30, "why didn't the canary catch this?")])
    (testing,) = [f for f in draft.contributing_factors if f.category == "testing"]
    assert "canary analysis" in testing.description
    assert "on-call load" not in testing.description


def test_stated_causes_are_whole_thoughts_and_never_name_a_person() -> None:
    draft, _ = draft_of(
        [
            event(0, "alert fired for the warehouse load"),
            event(1, "backfill 2 of 3 done, monday's run is slow because of the volume"),
            event(
                2, "the new client builds a channel per send. was hidden before because of a cache in the old version"
            ),
            event(3, "the deploy failed because Marco skipped the canary", actor="Zoë Ødegård"),
            event(4, "the slot was never dropped", actor="Marco Rossi"),
        ]
    )
    titles = [f.title for f in draft.contributing_factors]
    assert titles == [
        "Backfill 2 of 3 done, monday's run is slow because of the volume",
        "The new client builds a channel per send. was hidden before because of a cache in the old version",
        "The slot was never dropped",
    ]


def test_a_mitigation_before_the_first_detection_is_a_change() -> None:
    draft, _stream = draft_of(
        [
            event(-20, "rolling restart of the kafka brokers for the jdk patch is done", actor="Sam Whitaker"),
            system(0, "[FIRING:1] KafkaConsumerGroupLagHigh", SourceKind.ALERT, Signal.ALERT_FIRING),
            event(5, "restarted the consumers", actor="Devansh Malhotra"),
        ]
    )
    kinds = {entry.evidence[0]: entry.kind for entry in draft.timeline}
    assert kinds["E1"] is TimelineKind.CHANGE
    assert kinds["E3"] is TimelineKind.MITIGATION
    assert any(factor.category == "change" and "E1" in factor.evidence for factor in draft.contributing_factors)


def test_quoted_words_do_not_classify_the_message() -> None:
    quoted = event(3, 'status page updated: "The change was rolled back at 18:44 CT and latency recovered."')
    assert classify_event(quoted) is TimelineKind.COMMUNICATION


def test_generated_wording_never_names_a_person_in_any_form() -> None:
    draft, _ = draft_of(
        [
            event(-10, "@Mei Zhang changed the percentage rollout from 25% to 100%", actor="Mei Zhang"),
            event(0, "customers report failed logins"),
            event(5, "root cause: @Marco Rossi pushed the wrong config", actor="Zoë Ødegård"),
            event(6, "the deploy failed because marco skipped the canary", actor="Zoë Ødegård"),
            event(7, "outage was caused by @bob forgetting to renew the cert", actor="Zoë Ødegård"),
            event(20, "incident resolved"),
            event(30, "why didn't Marco ack the page?", actor="Zoë Ødegård"),
        ]
    )
    generated = [f.title for f in draft.contributing_factors] + [f.description for f in draft.contributing_factors]
    generated += [c.text for c in draft.trigger + draft.summary + draft.open_questions + draft.went_wrong]
    for text in generated:
        for name in ("Mei", "Marco", "marco", "bob"):
            assert name not in text, text


def test_timeline_rows_quote_the_message_without_asides_about_people() -> None:
    draft, _ = draft_of(
        [
            system(0, "Triggered: checkout p99", SourceKind.PAGE, Signal.PAGE_TRIGGERED),
            event(
                5,
                "I'm IC. @Sam Okafor was paged but hasn't acked — @Marco Rossi can you pull latency graphs? "
                "There was a checkout deploy at 09:02",
            ),
            event(20, "sorry all — slept through the first page. I'll own comms to support", actor="Sam Okafor"),
        ]
    )
    rows = {entry.kind: entry.description for entry in draft.timeline}
    assert rows[TimelineKind.ESCALATION] == "Priya Natarajan: I'm IC. There was a checkout deploy at 09:02"
    assert rows[TimelineKind.COMMUNICATION] == "Sam Okafor: I'll own comms to support"


def test_went_well_cites_the_rollback_that_ended_it_not_one_that_did_not_help() -> None:
    draft, stream = draft_of(
        [
            system(0, "Triggered: search p95", SourceKind.PAGE, Signal.PAGE_TRIGGERED),
            event(5, "rolled back search-api to 2.3.0, no change in p95"),
            event(10, "restarted the search pods"),
            event(15, "rolled back search-ranking to 1.9.1"),
            event(25, "incident resolved"),
        ]
    )
    (rollback,) = [c for c in draft.went_well if "rollback" in c.text]
    assert rollback.evidence == [find(stream, "rolled back search-ranking").id]


def test_severity_is_the_most_severe_level_stated_with_its_evidence() -> None:
    draft, stream = draft_of(
        [
            event(0, "customers report slow search. ok, sev3"),
            event(10, "upgrading this to sev1, checkout is affected too"),
            event(20, "incident resolved"),
        ]
    )
    assert draft.severity is not None
    assert (draft.severity.text, draft.severity.evidence) == ("SEV1", [find(stream, "upgrading").id])


def test_no_stated_severity_is_left_to_the_author() -> None:
    draft, _ = draft_of([event(0, "customers report slow search"), event(20, "incident resolved")])
    assert draft.severity is None


def test_a_review_question_answered_in_its_thread_is_not_open() -> None:
    draft, _ = draft_of(
        [
            event(0, "customers report failed payments"),
            event(30, "why didn't the canary catch this?", native_id="c:1"),
            event(31, "it only compares error rate, not p99", actor="Marco Rossi", parent_native_id="c:1"),
            event(32, "why didn't the pool alert fire?", native_id="c:2"),
            event(40, "incident resolved"),
        ]
    )
    asked = [q.text for q in draft.open_questions if q.evidence]
    assert asked == ["Asked during the incident: “why didn't the pool alert fire?”"]


def test_a_commitment_that_says_who_but_not_what_is_not_an_action_item() -> None:
    draft, _ = draft_of(
        [
            event(0, "customers report failed uploads"),
            event(10, "incident resolved"),
            event(20, "can someone file a ticket so cx hears about shared module changes first?"),
            event(21, "I can take that one too", actor="Marco Rossi"),
            event(22, "also file a ticket for that"),
        ]
    )
    assert [item.description for item in draft.action_items] == [
        "File a ticket so cx hears about shared module changes first"
    ]


@pytest.mark.parametrize(
    ("text", "items"),
    [
        pytest.param(
            "action items: log the credential ids the gateway uses; require automated tooling for rotation",
            ["Log the credential ids the gateway uses", "Require automated tooling for rotation"],
            id="inline-list-split",
        ),
        pytest.param(
            "follow-ups: alert on nodes that stop reporting lag; roll out db changes shard by shard (Marco Rossi)",
            ["Alert on nodes that stop reporting lag", "Roll out db changes shard by shard"],
            id="inline-list-owner-on-last",
        ),
        pytest.param(
            "we should add a canary for pool config; it would have caught this",
            ["Add a canary for pool config; it would have caught this"],
            id="no-list-no-split",
        ),
    ],
)
def test_an_inline_follow_up_list_gives_one_item_per_part(text: str, items: list[str]) -> None:
    events = [event(0, "customers report failed uploads"), event(10, "incident resolved", actor="Marco Rossi")]
    draft, _ = draft_of([*events, event(20, text)])
    assert [item.description for item in draft.action_items] == items


# (cause title, change title, folded?): a stated cause joins the change it names by an identifier.
FOLDS = {
    "same-version": ("Redis pool config in checkout 1.42.0", "Change shortly before detection: checkout 1.42.0", True),
    "same-pr": ("The pool change in PR #4812", "Change shortly before detection: Deploy train (PR #4812)", True),
    "same-commit": ("commit 3f9a2c1d broke the retry loop", "Change mentioned during the response: 3f9a2c1d", True),
    "other-version": ("Redis pool config in checkout 1.42.0", "Change shortly before detection: search 3.7.1", False),
    "no-identifier": ("The pool was too small", "Change shortly before detection: checkout 1.42.0", False),
    "plain-number-is-no-id": ("It failed 3 times in 20 minutes", "Change shortly before detection: deploy #3", False),
}


@pytest.mark.parametrize("case", sorted(FOLDS))
def test_a_stated_cause_folds_into_the_change_it_names(case: str) -> None:
    cause_title, change_title, folded = FOLDS[case]
    change = ContributingFactor(title=change_title, description="Deployed.", category="change", evidence=["E1", "E2"])
    cause = ContributingFactor(
        title=cause_title,
        description="Named as a cause during the incident: “…” To be confirmed.",
        category="other",
        evidence=["E9"],
    )
    changes, left = fold_causes_into_changes([change], [cause])
    assert (left == []) is folded
    assert changes[0].evidence == (["E1", "E2", "E9"] if folded else ["E1", "E2"])
    assert ("Named as a cause" in changes[0].description) is folded


def test_a_cause_naming_several_changes_folds_into_the_first_listed_and_causes_stack() -> None:
    changes = [
        ContributingFactor(
            title=f"Change shortly before detection: {title}", description="Deployed.", category="change", evidence=[e]
        )
        for title, e in (("search 3.7.1", "E1"), ("checkout 1.42.0 (PR #4812)", "E2"), ("PR #4812 follow-up", "E3"))
    ]
    causes = [
        ContributingFactor(
            title=title, description="Named as a cause. To be confirmed.", category="other", evidence=[e]
        )
        for title, e in (("PR #4812 and checkout 1.42.0", "E7"), ("the 1.42.0 pool config", "E8"), ("ledger 9.9", "E9"))
    ]
    folded, left = fold_causes_into_changes(changes, causes)
    assert [change.evidence for change in folded] == [["E1"], ["E2", "E7", "E8"], ["E3"]]
    assert folded[1].description == "Deployed. Named as a cause. Named as a cause."
    assert [cause.title for cause in left] == ["ledger 9.9"]
