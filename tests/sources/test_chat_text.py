"""The pasted-chat adapter: bracketed transcripts and Slack desktop copies, dates and zones."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from postmortem_writer.errors import InputError
from postmortem_writer.models import ActorKind, Event, SourceKind
from postmortem_writer.sources import SourceOptions, load_sources
from postmortem_writer.timeparse import zone

COPY_PASTE = Path(__file__).resolve().parents[2] / "fixtures" / "samples" / "slack" / "copy_paste"
BRACKETED = COPY_PASTE / "bracketed_transcript_UTC.txt"
DESKTOP = COPY_PASTE / "desktop_selection_en-US_Europe-Berlin.txt"
MARCH_4 = date(2025, 3, 4)


def read(path: Path, *, tz: str | None = "UTC", day: date | None = MARCH_4) -> list[Event]:
    loaded = load_sources([path], SourceOptions(tz=zone(tz) if tz else None, date=day))
    assert [record.format for record in loaded.inputs] == ["chat-text"]
    return loaded.events


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "chat.txt"
    path.write_text(text, encoding="utf-8")
    return path


def hhmm(events: list[Event]) -> list[str]:
    return [event.ts.strftime("%d %H:%M:%S") for event in events]


def test_bracketed_transcript() -> None:
    events = read(BRACKETED)
    assert len(events) == 7
    assert hhmm(events) == [f"04 09:{m}:00" for m in ("17", "19", "24", "25", "41", "42", "48")]
    assert [event.actor for event in events][:4] == ["Priya Natarajan", "Marco Rossi", "Priya Natarajan", "Zoë Ødegård"]
    assert events[4].actor == "Argo CD"
    assert events[2].text.startswith("*Decision*: roll back checkout")
    assert [event.ref for event in events] == [f"line {n}" for n in range(1, 8)]
    assert {(event.format, event.kind, event.source) for event in events} == {
        ("chat-text", SourceKind.CHAT, str(BRACKETED))
    }


@pytest.fixture(scope="module")
def desktop() -> list[Event]:
    return read(DESKTOP, tz="Europe/Berlin")


def test_desktop_copy_times_in_the_copiers_zone_and_the_date_divider(desktop: list[Event]) -> None:
    assert hhmm(desktop) == [
        "04 09:17:00",
        "04 09:19:00",
        "04 09:23:00",
        "04 09:24:00",
        "04 09:25:00",
        "04 09:33:00",
        "04 09:41:00",
        "04 09:42:00",
        "05 00:07:00",
    ]
    assert desktop[0].ts == datetime(2025, 3, 4, 9, 17, tzinfo=UTC)
    assert desktop[-1].ts == datetime(2025, 3, 5, 0, 7, tzinfo=UTC)
    assert desktop[0].actor == "Priya Natarajan"


def test_desktop_copy_bots_continuations_and_edits(desktop: list[Event]) -> None:
    argo, continuation = desktop[6], desktop[7]
    assert (argo.actor, argo.actor_kind, argo.ref) == ("Argo CD", ActorKind.BOT, "line 25")
    assert argo.text.splitlines() == [
        "checkout",
        "Sync operation to e3d9a77 succeeded (initiated by zoe.odegard@acme.example)",
        "Sync Status",
        "Synced",
        "Revision",
        "e3d9a77",
    ]
    # A bare time continues the previous author, whoever's words they look like.
    assert (continuation.actor, continuation.actor_kind, continuation.ref) == ("Argo CD", ActorKind.BOT, "line 33")
    assert continuation.text.startswith("rollback applied")
    # The sender's name line is not left in the previous message.
    assert desktop[5].text.endswith("support team 🙏")
    decision = desktop[3]
    assert decision.edited
    assert decision.text.endswith("disable auto-sync first.")
    assert [event.edited for event in desktop].count(True) == 1


def test_desktop_copy_noise_is_dropped(desktop: list[Event]) -> None:
    marco = desktop[1]
    assert (
        marco.text == "p99 went 180ms → 2.4s starting ~09:04. Redis pool wait is through the roof 📈\ncheckout-p99.png"
    )
    # "replied to a thread:" and the quoted parent line are not part of the reply.
    assert (
        desktop[2].text
        == "Root-cause candidate: Redis pool config in checkout 1.42.0 (PR #4812). Proposing rollback to 1.41.3."
    )
    lines = [line for event in desktop for line in event.text.splitlines()]
    for noise in ("👀", "👍", "✅", "1", "2", "4 replies", "Last reply 4 minutes ago", "View thread", "APP  10:41 AM"):
        assert noise not in lines
    assert desktop[4].text == "👍 on it — auto-sync off for checkout"


def test_12_hour_continuation_keeps_the_afternoon(tmp_path: Path) -> None:
    path = write(tmp_path, "Dana  2:05 PM\nI'm IC\n2:06\nthe db is refusing connections\nLuis  2:07 PM\n+1\n")
    assert hhmm(read(path)) == ["04 14:05:00", "04 14:06:00", "04 14:07:00"]


def test_transcript_variants_and_noise(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "[09:17] Priya: I'm IC\n"
        "[09:17:05] Marco: graphs coming\n"
        "  second line of Marco's message\n"
        "[9:18 PM] Zoë: evening\n"
        "[12:05 AM] Sam: just after midnight\n"
        "[9:19 AM] Sam Okafor has joined the channel\n"
        "[2025-03-05 09:20] Priya: next day\n"
        "2025-03-05 09:21:30 Marco: plain dated line\n",
    )
    events = read(path)
    assert hhmm(events) == ["04 09:17:00", "04 09:17:05", "04 21:18:00", "04 00:05:00", "05 09:20:00", "05 09:21:30"]
    assert events[1].text == "graphs coming\nsecond line of Marco's message"
    assert [event.ref for event in events] == ["line 1", "line 2", "line 4", "line 5", "line 7", "line 8"]


def test_full_dates_need_only_a_zone(tmp_path: Path) -> None:
    path = write(tmp_path, "[2025-03-05 09:20] Priya: a\n[2025-03-05 09:21] Marco: b\n")
    assert hhmm(read(path, day=None)) == ["05 09:20:00", "05 09:21:00"]


def test_dividers_move_the_date(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "Yesterday\nPriya  11:58 PM\nlate\nToday\nMarco  12:01 AM\nearly\n"
        "March 7th, 2025\nZoë  09:00\nlater\nSaturday, March 8th\nSam  10:00\nlast\n",
    )
    assert hhmm(read(path)) == ["04 23:58:00", "05 00:01:00", "07 09:00:00", "08 10:00:00"]


def test_join_lines_and_empty_messages_are_dropped(tmp_path: Path) -> None:
    path = write(tmp_path, "Sam Okafor  10:31 AM\njoined #inc-checkout-latency.\nPriya  10:32 AM\nwelcome\n")
    events = read(path)
    assert [(event.actor, event.text) for event in events] == [("Priya", "welcome")]


@pytest.mark.parametrize(
    ("tz", "day", "message"),
    [
        pytest.param(None, MARCH_4, r"chat\.txt:line 1: time has no time zone; pass --tz", id="no-tz"),
        pytest.param("UTC", None, r"chat\.txt:line 1: time has no date; pass --date", id="no-date"),
    ],
)
def test_missing_zone_or_date_names_file_and_line(
    tmp_path: Path, tz: str | None, day: date | None, message: str
) -> None:
    with pytest.raises(InputError, match=message):
        read(write(tmp_path, "[09:17] Priya: I'm IC\n[09:19] Marco: p99 is 2.4s\n"), tz=tz, day=day)


def test_desktop_copy_without_tz_is_an_error() -> None:
    with pytest.raises(InputError, match=r"desktop_selection_en-US_Europe-Berlin\.txt:line 1: .*--tz"):
        read(DESKTOP, tz=None)


def test_impossible_times_are_errors(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"line 2: cannot read '13:05 PM' as a time of day"):
        read(write(tmp_path, "[09:17] Priya: I'm IC\n[13:05 PM] Marco: p99 is 2.4s\n"))
    with pytest.raises(InputError, match=r"line 1: cannot read '2025-02-30' as a date"):
        read(write(tmp_path, "[2025-02-30 09:17] Priya: I'm IC\n[09:19] Marco: p99 is 2.4s\n"))
