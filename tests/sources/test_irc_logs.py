"""IRC logs (irssi, WeeChat, ZNC) read by the chat-text adapter: dates from headers and file names, noise counted."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from postmortem_writer.errors import InputError
from postmortem_writer.models import Event
from postmortem_writer.sources import SourceOptions, load_sources
from postmortem_writer.timeparse import zone

IRC = Path(__file__).resolve().parents[2] / "fixtures" / "samples" / "irc"

# The same conversation, logged by three clients in three zones: the same UTC instants to the minute.
CONVERSATION = [
    ("03-04 09:06", "marco", "latency on checkout eu is spiking, p99 ~2.4s"),
    ("03-04 09:06", "kai", "is the shop down? my card payment just spins"),
    ("03-04 09:07", "priya", "is paging on-call"),
    ("03-04 09:23", "zoe", "1.42.0 has redis.pool.max_idle=4 (was 64) :( rolling back"),
    ("03-04 09:42", "zoe", "rollback applied, 1.41.3 pods 6/6 ready"),
]


def rows(events: list[Event]) -> list[tuple[str, str, str]]:
    return [(e.ts.strftime("%m-%d %H:%M"), e.actor, e.text) for e in events]


@pytest.mark.parametrize(
    ("name", "tz", "dropped", "last"),
    [
        pytest.param(
            "irssi_acme-checkout.log",
            "Europe/Berlin",
            {"join": 1, "quit": 1, "irc server notice": 1},
            [
                ("03-04 09:56", "priya", "recovered at 09:55 UTC / 10:55 here. thanks all"),
                ("03-05 00:07", "priya", "PM draft: https://docs.acme.example/pm/INC-2025-0304"),
            ],
            id="irssi-day-changed",
        ),
        pytest.param(
            "weechat_irc.libera.#acme-checkout.weechatlog",
            "UTC",
            {"join": 1, "quit": 1},
            [
                ("03-04 09:56", "priya", "recovered at 09:55 UTC. thanks all"),
                ("03-05 00:07", "priya", "PM draft: https://docs.acme.example/pm/INC-2025-0304"),
            ],
            id="weechat-tabs",
        ),
        pytest.param(
            "znc_libera_#acme-checkout_20250304.log",
            "America/Los_Angeles",
            {"quit": 1},
            [("03-04 09:56", "priya", "recovered at 09:55 UTC. thanks all")],
            id="znc-date-in-file-name",
        ),
    ],
)
def test_sample_logs(name: str, tz: str, dropped: dict[str, int], last: list[tuple[str, str, str]]) -> None:
    # No --date: the day comes from the log itself.
    loaded = load_sources([IRC / name], SourceOptions(tz=zone(tz)))
    assert [(r.format, r.dropped) for r in loaded.inputs] == [("chat-text", dropped)]
    assert rows(loaded.events) == CONVERSATION + last


HEADERS = [
    pytest.param("--- Day changed Tue Jan 31 2017", id="irssi-day-changed"),
    pytest.param("--- Log opened Tue Jan 31 23:50:01 2017", id="irssi-log-opened"),
    pytest.param("--- 2017-01-31", id="iso-header"),
    pytest.param("--- Day changed Tuesday January 31, 2017", id="long-names"),
]


@pytest.mark.parametrize("header", HEADERS)
def test_header_lines_give_the_day_and_override_date(tmp_path: Path, header: str) -> None:
    log = tmp_path / "chan.log"
    log.write_text(f"{header}\n23:59 <ann> before midnight\n--- Day changed Wed Feb 01 2017\n00:01 <bo> after\n")
    events = load_sources([log], SourceOptions(tz=zone("UTC"), date=date(2025, 3, 4))).events
    assert rows(events) == [("01-31 23:59", "ann", "before midnight"), ("02-01 00:01", "bo", "after")]
    assert [e.ts.year for e in events] == [2017, 2017]


def test_control_codes_are_stripped_and_nick_changes_counted(tmp_path: Path) -> None:
    log = tmp_path / "chan_2017-01-31.log"
    log.write_text(
        "[23:58:00] <ann> \x02bold\x02 and \x0304,01red\x03 text\x0f\n"
        "[23:58:30] *** ann is now known as anne\n"
        "[23:59:00] *** Joins: bo (~bo@host)\n"
        "[23:59:30] <bo> hi\n"
    )
    loaded = load_sources([log], SourceOptions(tz=zone("UTC")))
    assert rows(loaded.events) == [("01-31 23:58", "ann", "bold and red text"), ("01-31 23:59", "bo", "hi")]
    assert loaded.inputs[0].dropped == {"nick change": 1, "join": 1}


def test_time_only_log_without_any_date_asks_for_one(tmp_path: Path) -> None:
    log = tmp_path / "chan.log"
    log.write_text("10:06 <marco> hi\n10:07 <zoe> hello\n")
    with pytest.raises(InputError, match=r"chan.log:line 1: time has no date; pass --date"):
        load_sources([log], SourceOptions(tz=zone("UTC")))


def test_bad_header_date_names_its_line(tmp_path: Path) -> None:
    log = tmp_path / "chan.log"
    log.write_text("--- Day changed Tue Feb 30 2017\n10:06 <marco> hi\n10:07 <zoe> hello\n")
    with pytest.raises(InputError, match=r"chan.log:line 1: cannot read the date in"):
        load_sources([log], SourceOptions(tz=zone("UTC")))


HEXCHAT = (
    "Mar 04 09:05:12 -->\tpriya (~priya@host) has joined #acme\n"
    "Mar 04 09:06:02 <marco>\tlatency on checkout eu is spiking\n"
    "Mar 04 09:07:05 *\tpriya is paging on-call\n"
    "Mar 04 23:59:00 <@zoe>\tlate\n"
    "Mar 05 00:01:00 <zoe>\tearly\n"
)


@pytest.mark.parametrize(
    ("header", "day", "year"),
    [
        pytest.param("**** BEGIN LOGGING AT Tue Mar  4 09:00:00 2025\n", None, 2025, id="year-from-header"),
        pytest.param("**** BEGIN LOGGING AT Sat Mar  4 09:00:00 2017\n", date(2025, 3, 4), 2017, id="header-over-date"),
        pytest.param("", date(2025, 3, 4), 2025, id="year-from-date"),
    ],
)
def test_hexchat_lines_take_the_year_from_the_header_or_date(
    tmp_path: Path, header: str, day: date | None, year: int
) -> None:
    log = tmp_path / "libera-#acme.log"
    log.write_text(header + HEXCHAT)
    loaded = load_sources([log], SourceOptions(tz=zone("UTC"), date=day))
    assert rows(loaded.events) == [
        ("03-04 09:06", "marco", "latency on checkout eu is spiking"),
        ("03-04 09:07", "priya", "is paging on-call"),
        ("03-04 23:59", "zoe", "late"),
        ("03-05 00:01", "zoe", "early"),
    ]
    assert {e.ts.year for e in loaded.events} == {year}
    assert loaded.inputs[0].dropped == {"join": 1}


def test_hexchat_without_any_year_asks_for_date(tmp_path: Path) -> None:
    log = tmp_path / "libera-#acme.log"
    log.write_text(HEXCHAT)
    with pytest.raises(InputError, match=r"line 2: time has no date; pass --date"):
        load_sources([log], SourceOptions(tz=zone("UTC")))
