"""Times at the edge: every shape becomes aware UTC, and nothing is filled in from today's clock."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from postmortem_writer.errors import InputError
from postmortem_writer.timeparse import epoch_instant, from_epoch, parse_instant

BERLIN = ZoneInfo("Europe/Berlin")

CASES = [
    pytest.param("2025-03-04T10:02:37+01:00", None, None, datetime(2025, 3, 4, 9, 2, 37, tzinfo=UTC), id="iso-offset"),
    pytest.param("2025-03-04T09:02:37Z", None, None, datetime(2025, 3, 4, 9, 2, 37, tzinfo=UTC), id="iso-z"),
    pytest.param("2025-03-04 10:02", BERLIN, None, datetime(2025, 3, 4, 9, 2, tzinfo=UTC), id="naive-in-zone"),
    pytest.param("Tue, 04 Mar 2025 09:02:37 GMT", None, None, datetime(2025, 3, 4, 9, 2, 37, tzinfo=UTC), id="rfc2822"),
    pytest.param("09:02", UTC, date(2025, 3, 4), datetime(2025, 3, 4, 9, 2, tzinfo=UTC), id="time-only-with-date"),
    pytest.param(
        "March 4 09:02", UTC, date(2025, 1, 1), datetime(2025, 3, 4, 9, 2, tzinfo=UTC), id="no-year-with-date"
    ),
    pytest.param(
        "2025-03-04 23:30",
        ZoneInfo("America/Los_Angeles"),
        None,
        datetime(2025, 3, 5, 7, 30, tzinfo=UTC),
        id="next-utc-day",
    ),
]


@pytest.mark.parametrize(("value", "tz", "day", "expected"), CASES)
def test_parse_instant(value: str, tz: ZoneInfo | None, day: date | None, expected: datetime) -> None:
    assert parse_instant(value, tz=tz, path="f.csv", position="line 2", day=day) == expected


@pytest.mark.parametrize(
    ("value", "tz", "message"),
    [
        pytest.param("09:02", UTC, r"f\.csv:line 2: '09:02' has no year or month or day; pass --date", id="no-date"),
        pytest.param("March 4 09:02", UTC, r"has no year; pass --date", id="no-year"),
        pytest.param("2025-03-04 09:02", None, r"f\.csv:line 2: time has no time zone; pass --tz", id="no-zone"),
        pytest.param("next tuesday-ish", UTC, r"cannot read 'next tuesday-ish'", id="garbage"),
    ],
)
def test_parse_instant_refuses_to_guess(value: str, tz: ZoneInfo | None, message: str) -> None:
    with pytest.raises(InputError, match=message):
        parse_instant(value, tz=tz, path="f.csv", position="line 2")


def test_slack_ts_keeps_microseconds_exactly() -> None:
    assert from_epoch("1602251441.001700") == datetime(2020, 10, 9, 13, 50, 41, 1700, tzinfo=UTC)


@pytest.mark.parametrize(
    "text", ["0", "7", "1602251441", "1602251441.0017", "1602251441.001700", "1602251441.123456789", "99999999999.9"]
)
def test_epoch_instant_text_is_from_epoch(text: str) -> None:
    # epoch_instant's fast path for digit strings must give exactly from_epoch's aware UTC time.
    moment = epoch_instant(text, field="ts", path="f", position="message 1")
    assert moment == from_epoch(text)
    assert moment.tzinfo is UTC
