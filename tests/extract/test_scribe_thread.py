"""The 11-message database thread of issue 16, as pasted text and as Slack messages without "type".

Written for this project after the issue's description of a public sample thread (an alert, a
report query doing a full table scan on a 200M-row table because of a dropped index, "Killing
R-8821 now", the RESOLVED alert, a commander's wrap-up with one action item): both forms must tell
the same story, the one a user without a model gets first.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from postmortem_writer.events import EventStream
from postmortem_writer.models import Draft, TimelineKind
from postmortem_writer.pipeline import draft_from, ingest
from postmortem_writer.sources import SourceOptions

THREAD = Path(__file__).resolve().parent.parent.parent / "fixtures" / "incidents" / "scribe-like-thread"

# The JSON form is Slack messages saved without "type", as other tools save history pages.
FORMS = [
    pytest.param("thread.txt", "chat-text", id="text"),
    pytest.param("thread.json", "slack-day-file", id="slack-json"),
]


def _draft(name: str) -> tuple[Draft, EventStream]:
    ingested = ingest([THREAD / name], SourceOptions(tz=ZoneInfo("UTC"), date=date(2024, 4, 18)))
    return draft_from(ingested), ingested.stream


def _texts(stream: EventStream, ids: list[str]) -> list[str]:
    return [stream[event_id].text for event_id in ids]


@pytest.mark.parametrize(("name", "fmt"), FORMS)
def test_the_thread_tells_the_core_story(name: str, fmt: str) -> None:
    draft, stream = _draft(name)
    assert [source.format for source in draft.provenance.inputs] == [fmt]

    mitigations = [
        text for e in draft.timeline if e.kind is TimelineKind.MITIGATION for text in _texts(stream, e.evidence)
    ]
    assert "Killing R-8821 now" in mitigations
    assert any(text.startswith("R-8821 killed") for text in mitigations)

    trigger = [text for cited in draft.trigger for text in _texts(stream, cited.evidence)]
    assert any("because of the missing index" in text for text in trigger)
    assert any("that's what started this" in text for text in trigger)

    assert _texts(stream, draft.impact.end_evidence)[0].startswith("[RESOLVED]")
    figures = {(figure.metric, figure.value) for figure in draft.impact.figures}
    assert ("users", "about 1,200 users") in figures
    assert not any("200M" in value for _, value in figures)

    assert [item.description for item in draft.action_items] == [
        "Add a migration check that blocks dropping an index a scheduled job uses"
    ]
    assert [item.owner for item in draft.action_items] == ["Priya Nair"]


def test_text_and_slack_json_give_the_same_action_items() -> None:
    text, _ = _draft("thread.txt")
    slack, _ = _draft("thread.json")
    assert [(a.description, a.owner) for a in slack.action_items] == [
        (a.description, a.owner) for a in text.action_items
    ]
