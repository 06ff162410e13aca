"""A draft of a big export stays a draft: repeats folded, key moments kept, what is left out counted."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from postmortem_writer.events import EventStream
from postmortem_writer.extract.digest import digest, shape
from postmortem_writer.extract.rules import extract_rules
from postmortem_writer.models import ActorKind, Draft, Event, ImpactFigure, Provenance, SourceKind, TimelineKind
from postmortem_writer.render import render_json, render_markdown

START = datetime(2025, 3, 4, 9, 0, tzinfo=UTC)
PEOPLE = ("Aiko Tanaka", "Bo Chen", "Marco Rossi", "Di Eko")


def _event(minute: int, text: str, actor: str, actor_kind: ActorKind = ActorKind.HUMAN) -> Event:
    at = START + timedelta(minutes=minute)
    return Event(
        ts=at,
        source="chat.txt",
        format="test",
        kind=SourceKind.CHAT,
        ref="line",
        actor=actor,
        actor_kind=actor_kind,
        text=text,
    )


def _big_draft() -> Draft:
    """Hours of an alert firing again and again and the same report restated, around a real story.

    Repeats are four minutes apart: closer ones are one moment already in the draft itself.
    """
    events = [_event(0, "[FIRING:1] CheckoutErrorRate 5xx > 5% (prod)", "Alertmanager", ActorKind.BOT)]
    for minute in range(4, 481, 4):
        person = PEOPLE[minute % len(PEOPLE)]
        other = PEOPLE[(minute + 1) % len(PEOPLE)]
        events.append(
            _event(minute, f"seeing errors on checkout since 09:0{minute % 10}, @{other} can you look?", person)
        )
        events.append(
            _event(minute, f"[FIRING:1] CheckoutErrorRate 5xx > 5% (prod) #{minute}", "Alertmanager", ActorKind.BOT)
        )
    events.append(_event(60, "rolling back checkout-api to 1.41.3 now", "Marco Rossi"))
    events.append(_event(482, "[RESOLVED] CheckoutErrorRate 5xx > 5% (prod)", "Alertmanager", ActorKind.BOT))
    stream = EventStream(sorted(events, key=lambda e: e.ts))
    return extract_rules(stream, provenance=Provenance(tool_version="test", extractor="rules")).model_copy(
        update={"evidence_index": list(stream)}
    )


def test_a_big_draft_is_folded_and_keeps_its_key_moments() -> None:
    draft = _big_draft()
    assert len(draft.timeline) > 60
    shown, left = digest(draft, timeline=10)
    assert len(shown.timeline) <= 10
    assert left.total("timeline") == len(draft.timeline) - len(shown.timeline)
    assert left.folded["timeline"] > 0
    kinds = [entry.kind for entry in shown.timeline]
    assert {TimelineKind.DETECTION, TimelineKind.MITIGATION, TimelineKind.RESOLUTION} <= set(kinds)
    # Every row shown is a row of the draft, in time order, and cites only indexed events.
    assert all(entry in draft.timeline for entry in shown.timeline)
    assert [e.time for e in shown.timeline] == sorted(e.time for e in shown.timeline)
    assert shown.cited_ids() <= {event.id for event in shown.evidence_index}
    assert draft.timeline != shown.timeline  # the draft itself keeps every row


def test_the_markdown_says_what_it_left_out_and_all_renders_everything() -> None:
    draft = _big_draft()
    short = render_markdown(draft, event_count=len(draft.evidence_index))
    full = render_markdown(draft, event_count=len(draft.evidence_index), full=True)
    assert "more timeline rows not shown" in short
    assert "`--all`" in short
    assert "not shown" not in full
    assert full.count("\n| ") > short.count("\n| ")
    assert len(render_json(draft)) > len(full) / 2  # the JSON is never digested


def test_a_draft_within_the_caps_is_left_whole() -> None:
    draft = _big_draft()
    small = draft.model_copy(update={"timeline": draft.timeline[:5]})
    shown, left = digest(small)
    assert shown.timeline == small.timeline
    assert left.total("timeline") == 0


@pytest.mark.parametrize(
    ("first", "second", "same"),
    [
        pytest.param(
            "Aiko Tanaka: seeing errors since 09:02, @Bo Chen?",
            "Di Eko: seeing errors since 09:07, @Aiko Tanaka?",
            True,
            id="restated-report",
        ),
        pytest.param("[FIRING:1] CheckoutErrorRate #12", "[FIRING:1] CheckoutErrorRate #13", True, id="repeated-alert"),
        pytest.param(
            "decision: roll back checkout", "Bo Chen: Decision: roll back checkout.", True, id="decision-restated"
        ),
        pytest.param("rolling back checkout", "rolling back search", False, id="different-systems"),
    ],
)
def test_near_duplicate_shapes(first: str, second: str, same: bool) -> None:
    assert (shape(first, PEOPLE) == shape(second, PEOPLE)) is same


def test_impact_figures_are_folded_and_capped_with_every_kind_of_number_kept() -> None:
    draft = _big_draft()
    services = ["payments", "search", "inventory", "checkout", "login", "billing", "email", "maps"]
    figures = [
        ImpactFigure(
            metric="support", value=f"{n} tickets", quote=f"support has {n} tickets about {service}", evidence=["E1"]
        )
        for n, service in enumerate(services * 3, start=100)
    ] + [ImpactFigure(metric="users", value="1,200 users", quote="about 1,200 users saw errors", evidence=["E2"])]
    many = draft.model_copy(update={"impact": draft.impact.model_copy(update={"figures": figures})})
    shown, left = digest(many, figures=5)
    assert len(shown.impact.figures) == 5
    assert {figure.metric for figure in shown.impact.figures} == {"support", "users"}
    assert left.folded["figures"] == 16  # the same service's ticket count restated
    assert left.total("figures") == len(figures) - 5


def test_the_appendix_lists_are_folded_and_capped_in_their_order() -> None:
    from postmortem_writer.models import Cited, Link

    draft = _big_draft()
    told = [Cited(text=f"Status page updated: investigating ({n})", evidence=[f"E{n}"]) for n in range(1, 41)]
    told += [Cited(text=f"Customer notice {word} sent", evidence=[f"E{50 + n}"]) for n, word in enumerate("ab")]
    links = [Link(url=f"https://grafana.x/d/{n}", tool="Grafana", text="t", evidence=[f"E{n}"]) for n in range(1, 31)]
    draft = draft.model_copy(update={"communications": told, "graphs": links})
    shown, left = digest(draft, communications=2, graphs=5)
    # The 40 restatements of one update fold into the first; the log keeps its order.
    assert [item.evidence for item in shown.communications] == [["E1"], ["E50"]]
    assert (left.folded["communications"], left.capped["communications"]) == (39, 1)
    assert [link.url for link in shown.graphs] == [f"https://grafana.x/d/{n}" for n in range(1, 6)]
    markdown = render_markdown(draft, event_count=len(draft.evidence_index))
    assert "10 more monitoring links not shown" in markdown
