"""The pasted-chat adapter: transcripts, Slack, Teams, Discord and IRC copies, dates and zones."""

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
CHAT_TEXT = Path(__file__).resolve().parents[2] / "fixtures" / "samples" / "chat_text"
MARCH_4 = date(2025, 3, 4)
BERLIN, NEW_YORK = "Europe/Berlin", "America/New_York"


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


def messages(events: list[Event]) -> list[tuple[str, str, str]]:
    """(UTC time, sender, text) of each event."""
    return [(event.ts.strftime("%Y-%m-%d %H:%M:%S"), event.actor, event.text) for event in events]


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
    # 9:18 PM then 12:05 AM with no divider between: midnight passed.
    assert hhmm(events) == ["04 09:17:00", "04 09:17:05", "04 21:18:00", "05 00:05:00", "05 09:20:00", "05 09:21:30"]
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


# Two messages or more each, so every style is also recognised without --source-format.
STYLES = [
    pytest.param(
        "Priya Natarajan [10:17 AM]\nI'm IC\npulling graphs next\nMarco Rossi [10:19 AM]\np99 is 2.4s\n",
        NEW_YORK,
        [
            ("2025-03-04 15:17:00", "Priya Natarajan", "I'm IC\npulling graphs next"),
            ("2025-03-04 15:19:00", "Marco Rossi", "p99 is 2.4s"),
        ],
        id="slack-legacy-header",
    ),
    pytest.param(
        "Priya Natarajan [10:17 AM]: I'm IC\nMarco Rossi [10:19 AM]: p99 is 2.4s\n",
        NEW_YORK,
        [("2025-03-04 15:17:00", "Priya Natarajan", "I'm IC"), ("2025-03-04 15:19:00", "Marco Rossi", "p99 is 2.4s")],
        id="slack-legacy-one-line",
    ),
    pytest.param(
        "Priya Natarajan\n10:17 AM\nI'm IC\nMarco Rossi\n10:19 AM\np99 is 2.4s\nsee graph\n10:20\nstill climbing\n",
        NEW_YORK,
        [
            ("2025-03-04 15:17:00", "Priya Natarajan", "I'm IC"),
            ("2025-03-04 15:19:00", "Marco Rossi", "p99 is 2.4s\nsee graph"),
            # A bare time without AM/PM is a further message by the previous sender, as in the desktop copy.
            ("2025-03-04 15:20:00", "Marco Rossi", "still climbing"),
        ],
        id="slack-web-name-and-time-lines",
    ),
    pytest.param(
        "[10:17 AM] Priya Natarajan\nI'm IC\n\n[10:19 AM] Marco Rossi\np99 is 2.4s\nRedis pool wait is high\n",
        BERLIN,
        [
            ("2025-03-04 09:17:00", "Priya Natarajan", "I'm IC"),
            ("2025-03-04 09:19:00", "Marco Rossi", "p99 is 2.4s\nRedis pool wait is high"),
        ],
        id="teams",
    ),
    pytest.param(
        "[3/4/2025 10:17 AM] Priya Natarajan\nI'm IC\n[3/5/2025 9:02 AM] Marco Rossi\nnext morning\n",
        NEW_YORK,
        [("2025-03-04 15:17:00", "Priya Natarajan", "I'm IC"), ("2025-03-05 14:02:00", "Marco Rossi", "next morning")],
        id="teams-dated",
    ),
    pytest.param(
        "[Yesterday 11:58 PM] Priya\nlate\n[12:03 AM] Marco\nearly\n",
        BERLIN,
        # Yesterday is the day before --date; 12:03 AM after 11:58 PM is past midnight.
        [("2025-03-03 22:58:00", "Priya", "late"), ("2025-03-03 23:03:00", "Marco", "early")],
        id="teams-yesterday",
    ),
    pytest.param(
        "Priya — Today at 10:17 AM\nI'm IC\nMarco — Today at 10:19 AM\np99 is 2.4s\n",
        BERLIN,
        [("2025-03-04 09:17:00", "Priya", "I'm IC"), ("2025-03-04 09:19:00", "Marco", "p99 is 2.4s")],
        id="discord-today",
    ),
    pytest.param(
        "Priya — Yesterday at 11:58 PM\nlate\nMarco — Today at 12:01 AM\nearly\n",
        NEW_YORK,
        [("2025-03-04 04:58:00", "Priya", "late"), ("2025-03-04 05:01:00", "Marco", "early")],
        id="discord-yesterday",
    ),
    pytest.param(
        "Priya \u2013 10:17 AM\nI'm IC\n[10:18 AM]\nsecond message\nMarco - 10:19 AM\np99 is 2.4s\n",
        BERLIN,
        [
            ("2025-03-04 09:17:00", "Priya", "I'm IC"),
            ("2025-03-04 09:18:00", "Priya", "second message"),
            ("2025-03-04 09:19:00", "Marco", "p99 is 2.4s"),
        ],
        id="discord-no-day-en-dash-hyphen-grouped",
    ),
    pytest.param(
        "Priya — 03/04/2025 10:17 AM\nI'm IC\nMarco — 3/5/25, 9:02 AM\nnext morning\n",
        NEW_YORK,
        [("2025-03-04 15:17:00", "Priya", "I'm IC"), ("2025-03-05 14:02:00", "Marco", "next morning")],
        id="discord-dated",
    ),
    pytest.param(
        "10:17 <priya> I'm IC\n10:19 <@marco> p99 is 2.4s\n",
        BERLIN,
        [("2025-03-04 09:17:00", "priya", "I'm IC"), ("2025-03-04 09:19:00", "marco", "p99 is 2.4s")],
        id="irc",
    ),
    pytest.param(
        "[10:17:05] <priya> I'm IC\n[10:19:30] <+marco> p99 is 2.4s\n",
        BERLIN,
        [("2025-03-04 09:17:05", "priya", "I'm IC"), ("2025-03-04 09:19:30", "marco", "p99 is 2.4s")],
        id="irc-bracketed-seconds",
    ),
    pytest.param(
        "10:17 priya: I'm IC\n10:19 marco: p99 is 2.4s\n",
        BERLIN,
        [("2025-03-04 09:17:00", "priya", "I'm IC"), ("2025-03-04 09:19:00", "marco", "p99 is 2.4s")],
        id="irc-nick-colon",
    ),
    pytest.param(
        "-!- priya [~p@host] has joined #inc\n10:17 <priya> I'm IC\n*** marco joined\n"
        "10:18 -!- zoe [~z@host] has quit [Quit: bye]\n10:19 * marco pulls graphs\n--> sam (~s@host) has joined #inc\n",
        BERLIN,
        [("2025-03-04 09:17:00", "priya", "I'm IC"), ("2025-03-04 09:19:00", "marco", "pulls graphs")],
        id="irc-joins-parts-and-actions",
    ),
]


@pytest.mark.parametrize(("paste", "tz", "expected"), STYLES)
def test_paste_styles(tmp_path: Path, paste: str, tz: str, expected: list[tuple[str, str, str]]) -> None:
    assert messages(read(write(tmp_path, paste), tz=tz)) == expected


@pytest.mark.parametrize(
    ("paste", "bot"),
    [
        pytest.param("Argo CD\nAPP  10:41 AM\nsynced\nPriya  10:42 AM\nthanks\n", "Argo CD", id="slack-app-badge"),
        pytest.param(
            "GitHub APP — Today at 10:41 AM\nPR merged\nPriya — Today at 10:42 AM\nthanks\n", "GitHub", id="discord-app"
        ),
        pytest.param(
            "Deploybot BOT — 10:41 AM\nrolled back\nPriya — 10:42 AM\nthanks\n", "Deploybot", id="discord-bot"
        ),
    ],
)
def test_bot_badges(tmp_path: Path, paste: str, bot: str) -> None:
    events = read(write(tmp_path, paste))
    assert [(event.actor, event.actor_kind) for event in events] == [(bot, ActorKind.BOT), ("Priya", ActorKind.HUMAN)]


@pytest.mark.parametrize(
    ("paste", "expected"),
    [
        pytest.param(
            "23:50 <priya> still looking\n00:10 <marco> found it\n01:30 <priya> fixed\n",
            ["04 23:50:00", "05 00:10:00", "05 01:30:00"],
            id="24-hour",
        ),
        pytest.param(
            "Priya  11:50 PM\nstill looking\nMarco  12:10 AM\nfound it\n", ["04 23:50:00", "05 00:10:00"], id="12-hour"
        ),
        pytest.param(
            "[22:00] Priya: a\n[03:00] Marco: b\n[23:00] Priya: c\n[01:00] Marco: d\n",
            ["04 22:00:00", "05 03:00:00", "05 23:00:00", "06 01:00:00"],
            id="two-midnights",
        ),
        pytest.param(
            "[2025-03-06 23:55] Priya: a\n[00:05] Marco: b\n", ["06 23:55:00", "07 00:05:00"], id="after-a-dated-line"
        ),
        # A few minutes back is messages copied out of order, not a day passing.
        pytest.param("[10:05] Priya: a\n[10:02] Marco: b\n", ["04 10:05:00", "04 10:02:00"], id="small-step-back"),
        # Dividers name every day a paste covers, so the guess is not made there.
        pytest.param(
            "Today\nPriya  11:50 PM\na\nMarco  12:10 AM\nb\n", ["04 23:50:00", "04 00:10:00"], id="with-dividers"
        ),
    ],
)
def test_midnight_rollover(tmp_path: Path, paste: str, expected: list[str]) -> None:
    assert hhmm(read(write(tmp_path, paste))) == expected


@pytest.mark.parametrize(
    ("first", "second", "day", "expected"),
    [
        pytest.param("04/03/2025", "05/03/2025", MARCH_4, [MARCH_4, date(2025, 3, 5)], id="ambiguous-nearer-date-d-m"),
        pytest.param("03/04/2025", "03/05/2025", MARCH_4, [MARCH_4, date(2025, 3, 5)], id="ambiguous-nearer-date-m-d"),
        pytest.param(
            "04/03/2025", "05/03/2025", None, [date(2025, 4, 3), date(2025, 5, 3)], id="ambiguous-no-date-m-d"
        ),
        pytest.param("04/03/2025", "13/03/2025", None, [MARCH_4, date(2025, 3, 13)], id="unambiguous-day-first"),
        # The paste's own unambiguous date outweighs --date.
        pytest.param(
            "03/04/2025", "03/13/2025", date(2025, 4, 3), [MARCH_4, date(2025, 3, 13)], id="unambiguous-month-first"
        ),
    ],
)
def test_slashed_dates_are_read_in_one_order(
    tmp_path: Path, first: str, second: str, day: date | None, expected: list[date]
) -> None:
    path = write(tmp_path, f"[{first} 10:17] Priya\nI'm IC\n[{second} 10:19] Marco\np99 is 2.4s\n")
    assert [event.ts.date() for event in read(path, day=day)] == expected


def test_slashed_dates_in_both_orders_are_an_error(tmp_path: Path) -> None:
    path = write(tmp_path, "[13/03/2025 10:17] Priya\nI'm IC\n[03/14/2025 10:19] Marco\np99 is 2.4s\n")
    with pytest.raises(InputError, match=r"chat\.txt:line 3: cannot read '03/14/2025' as a date"):
        read(path)


def test_today_and_yesterday_need_the_date(tmp_path: Path) -> None:
    path = write(tmp_path, "Priya — Yesterday at 11:58 PM\nlate\nMarco — Today at 12:01 AM\nearly\n")
    with pytest.raises(InputError, match=r"chat\.txt:line 1: time has no date; pass --date"):
        read(path, day=None)


def test_a_short_line_before_a_12_hour_time_is_the_sender_not_text(tmp_path: Path) -> None:
    path = write(tmp_path, "Priya  10:17 AM\nI'm IC\nMarco Rossi\n10:19 AM\np99 is 2.4s\n")
    assert messages(read(path)) == [
        ("2025-03-04 10:17:00", "Priya", "I'm IC"),
        ("2025-03-04 10:19:00", "Marco Rossi", "p99 is 2.4s"),
    ]


def test_a_sentence_before_a_12_hour_time_stays_text(tmp_path: Path) -> None:
    path = write(
        tmp_path, "Priya  10:17 AM\nthe db is refusing connections.\n10:19 AM\nrestarting it\nMarco  10:20 AM\n+1\n"
    )
    assert messages(read(path)) == [
        ("2025-03-04 10:17:00", "Priya", "the db is refusing connections."),
        ("2025-03-04 10:19:00", "Priya", "restarting it"),
        ("2025-03-04 10:20:00", "Marco", "+1"),
    ]


def test_timeline_lines_in_a_multi_line_message_stay_text(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "Priya  10:17 AM\nTimeline so far:\n09:02 deploy: checkout 1.42.0\n09:10 alert: p99 > 2s\n"
        "Marco  10:19 AM\nthanks\n",
    )
    assert messages(read(path)) == [
        ("2025-03-04 10:17:00", "Priya", "Timeline so far:\n09:02 deploy: checkout 1.42.0\n09:10 alert: p99 > 2s"),
        ("2025-03-04 10:19:00", "Marco", "thanks"),
    ]


def test_teams_fixture_crosses_midnight() -> None:
    events = read(CHAT_TEXT / "teams_en-US_America-New_York.txt", tz=NEW_YORK)
    assert [(event.ts.strftime("%m-%d %H:%M"), event.actor) for event in events] == [
        ("03-05 04:38", "Amara Okonkwo"),
        ("03-05 04:40", "Rafael Souza"),
        ("03-05 04:41", "Amara Okonkwo"),
        ("03-05 04:52", "Hana Kobayashi"),
        ("03-05 04:54", "Amara Okonkwo"),
        ("03-05 05:06", "Rafael Souza"),
        ("03-05 05:20", "Amara Okonkwo"),
    ]
    assert events[1].text.splitlines()[1] == 'Seeing "remaining connection slots are reserved" in the postgres log.'
    assert [event.ref for event in events] == [f"line {n}" for n in (1, 4, 8, 11, 14, 17, 20)]


def test_discord_fixture_yesterday_today_and_grouped_messages() -> None:
    events = read(CHAT_TEXT / "discord_en-US_Europe-Berlin.txt", tz=BERLIN, day=date(2025, 3, 5))
    assert [(event.ts.strftime("%m-%d %H:%M"), event.actor, event.actor_kind) for event in events] == [
        ("03-04 22:47", "PagerDuty", ActorKind.BOT),
        ("03-04 22:49", "Tomasz Wiśniewski", ActorKind.HUMAN),
        ("03-04 22:50", "Tomasz Wiśniewski", ActorKind.HUMAN),
        ("03-04 22:55", "Lena Fischer", ActorKind.HUMAN),
        ("03-04 23:02", "Tomasz Wiśniewski", ActorKind.HUMAN),
        ("03-04 23:09", "Tomasz Wiśniewski", ActorKind.HUMAN),
        ("03-04 23:31", "Lena Fischer", ActorKind.HUMAN),
    ]
    assert events[0].text == "Triggered: [FIRING:1] MatchmakerQueueDepthHigh (prod eu-central-1)"


def test_slack_web_fixture_drops_noise_and_keeps_names_out_of_text() -> None:
    events = read(CHAT_TEXT / "slack_web_en-US_America-New_York.txt", tz=NEW_YORK)
    assert messages(events) == [
        (
            "2025-03-04 14:58:00",
            "Hana Kobayashi",
            "search results are empty for about a third of queries, anyone else?",
        ),
        ("2025-03-04 15:01:00", "Rafael Souza", "yes — search-api 5xx at 12% since 09:55"),
        ("2025-03-04 15:02:00", "Rafael Souza", "the index alias points at an empty index"),
        ("2025-03-04 15:04:00", "Hana Kobayashi", "I'm IC. Rafael, can you repoint the alias to yesterday's index?"),
        ("2025-03-04 15:09:00", "Reindexer", "Alias products → products-2025-03-03 (swapped by rafael.souza)"),
        ("2025-03-04 15:12:00", "Rafael Souza", "alias swapped back, 5xx down to 0.2%"),
    ]
    assert events[4].actor_kind is ActorKind.BOT
    assert [event.edited for event in events] == [False] * 5 + [True]


def test_irc_fixture_drops_server_notices_and_crosses_midnight() -> None:
    events = read(CHAT_TEXT / "irc_irssi_Europe-Berlin.log", tz=BERLIN)
    assert [(event.ts.strftime("%m-%d %H:%M"), event.actor, event.ref) for event in events] == [
        ("03-04 22:41", "amara", "line 3"),
        ("03-04 22:42", "hana", "line 4"),
        ("03-04 22:43", "amara", "line 5"),
        ("03-04 22:47", "hana", "line 6"),
        ("03-04 22:52", "hana", "line 7"),
        ("03-04 23:06", "amara", "line 9"),
        ("03-04 23:08", "amara", "line 11"),
    ]
    assert events[2].text == "is taking IC"
    assert not any("-!-" in event.text or "Day changed" in event.text for event in events)


def test_a_message_that_is_only_a_date_is_text_not_a_divider(tmp_path: Path) -> None:
    paste = tmp_path / "paste.txt"
    paste.write_text(
        "Priya Natarajan  9:17 AM\nwhen is the next train?\nMarco Rossi  9:18 AM\nJune 30\n"
        "Priya Natarajan  9:20 AM\nthanks\n",
        encoding="utf-8",
    )
    loaded = load_sources([paste], SourceOptions(tz=UTC, date=date(2025, 3, 4)))
    marco = next(e for e in loaded.events if e.actor == "Marco Rossi")
    assert marco.text == "June 30"
    assert {e.ts.date() for e in loaded.events} == {date(2025, 3, 4)}
