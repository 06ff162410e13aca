"""Times, dates and durations in a model's wording: accepted only when the cited events back them.

One table of cases with stable ids drives the check both directly (``unsupported``) and inside
validation, where a rejection is the error instructor sends back for a re-ask.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from pydantic import ValidationError

from postmortem_writer.extract.candidates import Statement
from postmortem_writer.extract.mentions import mentions, unsupported


def at(hour: int, minute: int, second: int = 0, day: int = 20) -> datetime:
    return datetime(2025, 5, day, hour, minute, second, tzinfo=UTC)  # a Tuesday


# The cited events: id -> (time, text).
EVENTS = {
    "E1": (at(9, 1, 5), "payments-api 5xx alert fired, error rate 12%"),
    "E2": (at(9, 31), "error rate back to baseline. Resolved."),
    "E3": (at(9, 6), "4.2.0 went out at 08:52 and changed the pool timeout from 30s to 3s"),
    "E4": (at(10, 0), "p99 was 240ms before, 4.2s during; the outage lasted about 22 minutes"),
    "E5": (at(23, 50, day=19), "nightly backup started on 2025-05-19, runs until 1am"),
    "E6": (at(9, 40), "this began the previous day according to the vendor"),
}

# (id, text, cited ids, rejected mentions as written; empty = accepted)
CASES = [
    # The three: times, dates and durations no cited event shows.
    ("issue-3am-date-zulu", "It dropped at 3am on 2025-06-09 (0300Z).", ["E1"], ["3am", "0300Z", "2025-06-09"]),
    ("issue-02h55-previous-day", "It began 02h55 UTC the previous day.", ["E1"], ["02h55", "the previous day"]),
    ("issue-invented-duration", "The outage lasted 9 hours 12 minutes.", ["E1", "E2"], ["9 hours 12 minutes"]),
    # Times: the events' own minute, or a time in their words, in any spelling.
    ("time-own-minute", "The alert fired at 09:01.", ["E1"], []),
    ("time-own-minute-12h", "Errors were back to baseline by 9:31 am.", ["E2"], []),
    ("time-in-words", "4.2.0 had gone out at 08:52.", ["E3"], []),
    ("time-in-words-other-spelling", "4.2.0 had gone out at 0852Z.", ["E3"], []),
    ("time-another-events-minute", "The alert fired at 09:31.", ["E1"], ["09:31"]),
    ("time-am-not-shown", "The alert fired at 9am.", ["E1"], ["9am"]),
    ("time-pm", "Resolved at 9:31 pm.", ["E2"], ["9:31 pm"]),
    ("time-noon", "Resolved at noon.", ["E2"], ["noon"]),
    ("time-iso-stamp", "Fired at 2025-05-20T09:01:05Z.", ["E1"], []),
    ("time-iso-stamp-invented", "Fired at 2025-05-20T03:00:00Z.", ["E1"], ["03:00:00"]),
    ("time-1am-in-words", "The backup runs until 1am.", ["E5"], []),
    # Dates: the events' own day, or a date in their words; relative days only as they word them.
    ("date-own-day", "On 2025-05-20 the alert fired.", ["E1"], []),
    ("date-own-day-month-name", "On May 20 the alert fired.", ["E1"], []),
    ("date-own-day-day-first", "On 20 May 2025 the alert fired.", ["E1"], []),
    ("date-other-year", "On May 20, 2024 the alert fired.", ["E1"], ["May 20, 2024"]),
    ("date-numeric-either-order", "On 05/20/2025 the alert fired.", ["E1"], []),
    ("date-in-words", "The backup started on 2025-05-19.", ["E5"], []),
    ("date-not-cited", "The backup started on 2025-05-19.", ["E1"], ["2025-05-19"]),
    ("date-weekday-of-event", "On Tuesday the alert fired.", ["E1"], []),
    ("date-weekday-wrong", "On Friday the alert fired.", ["E1"], ["Friday"]),
    ("date-relative-in-words", "It began the previous day, the vendor said.", ["E6"], []),
    ("date-relative-invented", "It began yesterday.", ["E1"], ["yesterday"]),
    ("date-may-the-verb", "Pods may 3 times restart.", ["E1"], []),
    # Durations: in the events' words (any unit spelling), or the time between two cited events.
    ("duration-between-cited", "The outage lasted 30 minutes.", ["E1", "E2"], []),
    ("duration-between-cited-compact", "Resolved 0h30m after the alert.", ["E1", "E2"], []),
    ("duration-between-cited-words", "Resolved half an hour after the alert.", ["E1", "E2"], []),
    ("duration-one-event-only", "The outage lasted 30 minutes.", ["E1"], ["30 minutes"]),
    ("duration-in-words", "The outage lasted 22 minutes.", ["E4"], []),
    ("duration-unit-spelling", "The timeout went from 30 seconds to 3 seconds.", ["E3"], []),
    ("duration-milliseconds", "p99 rose from 240 ms to 4.2s.", ["E4"], []),
    ("duration-invented-latency", "p99 rose to 9.5s.", ["E4"], ["9.5s"]),
    ("duration-hours-rounded", "Resolved about an hour after the deploy.", ["E3", "E4"], []),
    ("duration-hours-too-far", "Resolved 3 hours after the deploy.", ["E3", "E4"], ["3 hours"]),
    ("duration-hyphenated", "A 30-minute outage.", ["E1", "E2"], []),
    # Not times, dates or durations: left alone.
    ("none-versions-and-rates", "Rolled back 4.2.0 to 4.1.9; 5xx at 12%, sev2, E2E green.", ["E1"], []),
    ("none-count-with-m", "About 5m users saw errors.", ["E1"], []),
    ("none-ordinal", "The 1st retry failed.", ["E1"], []),
]  # fmt: skip


def cited(ids: list[str]) -> tuple[list[str], list[datetime]]:
    return [EVENTS[i][1] for i in ids], [EVENTS[i][0] for i in ids]


@pytest.mark.parametrize(("text", "ids", "rejected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_times_dates_and_durations_need_the_cited_events(text: str, ids: list[str], rejected: list[str]) -> None:
    texts, moments = cited(ids)
    assert [m.written for m in unsupported(text, texts, moments)] == rejected


CONTEXT = {
    "event_ids": frozenset(EVENTS),
    "texts": {i: text for i, (_, text) in EVENTS.items()},
    "moments": {i: moment for i, (moment, _) in EVENTS.items()},
}


@pytest.mark.parametrize(("text", "ids", "rejected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_validation_rejects_what_the_events_do_not_back(text: str, ids: list[str], rejected: list[str]) -> None:
    if not rejected:
        assert Statement.model_validate({"text": text, "evidence": ids}, context=CONTEXT).text == text
        return
    with pytest.raises(ValidationError) as error:
        Statement.model_validate({"text": text, "evidence": ids}, context=CONTEXT)
    message = str(error.value)
    shown = [m.readings[0] if m.kind == "time" else m.written for m in mentions(text) if m.written in rejected]
    assert all(str(item) in message for item in shown)
    assert "the cited events" in message


def test_every_kind_is_read() -> None:
    kinds = {m.kind for m in mentions("At 3am on 2025-06-09 it lasted 2 hours")}
    assert kinds == {"time", "date", "duration"}
