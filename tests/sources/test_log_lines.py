"""No line of a log is merged into another or lost: each is an event or a counted drop.

The shapes are a table of cases; a property test then throws generated logs, every line of which
starts with a time, at the chat-text and timestamped-log readers.
"""

from __future__ import annotations

import string
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from postmortem_writer.cli import cli
from postmortem_writer.sources import SourceOptions, load_sources
from postmortem_writer.sources.base import Document
from postmortem_writer.sources.chat_text import ChatTextAdapter
from postmortem_writer.sources.timestamped_log import TimestampedLogAdapter
from postmortem_writer.timeparse import zone

IRC = Path(__file__).resolve().parents[2] / "fixtures" / "samples" / "irc"
OPTIONS = SourceOptions(tz=zone("UTC"), date=date(2025, 3, 4))

# (lines, the events as (day time, actor, text), the drops by reason)
SHAPES = [
    pytest.param(
        "[10:17] <alice> db1?\n[10:18] * bob tried https://status.example.com/db1 and it hangs\n",
        [("03-04 10:17", "alice", "db1?"), ("03-04 10:18", "bob", "tried https://status.example.com/db1 and it hangs")],
        {},
        id="znc-action-with-url",
    ),
    pytest.param(
        "10:17 <alice> db1?\n10:18  * bob looks\n10:19 -!- carol [~c@h] has quit [Ping timeout]\n",
        [("03-04 10:17", "alice", "db1?"), ("03-04 10:18", "bob", "looks")],
        {"quit": 1},
        id="irssi-action-and-quit",
    ),
    pytest.param(
        "[10:17] <alice> db1?\n[10:18] *** carol has quit (Ping timeout)\n[10:19] *** Joins: dave (d@h)\n",
        [("03-04 10:17", "alice", "db1?")],
        {"quit": 1, "join": 1},
        id="system-lines",
    ),
    pytest.param(
        "[10:17] <alice> db1?\n[10:20] -dave- is it the disk?\n",
        [("03-04 10:17", "alice", "db1?"), ("03-04 10:20", "dave", "is it the disk?")],
        {},
        id="notice",
    ),
    pytest.param(
        "== 2019-10-31 ==\n09:12 root@db1: restarted postgres\n09:40 alice@web-1: cleared the queue\n"
        "== 2019-11-01 ==\n11:02 root@db1: replication caught up\n",
        [
            ("10-31 09:12", "root@db1", "restarted postgres"),
            ("10-31 09:40", "alice@web-1", "cleared the queue"),
            ("11-01 11:02", "root@db1", "replication caught up"),
        ],
        {},
        id="admin-log-under-day-headers",
    ),
    pytest.param(
        "== 2019-10-31 ==\n09:12 root@db1: restarted postgres\n",
        [("10-31 09:12", "root@db1", "restarted postgres")],
        {},
        id="admin-log-of-one-line",
    ),
    pytest.param(
        "[15 Jan 10:36] <alice!alice@host.example> db1?\n[15 Jan 10:38] * bob!b@host rolls back\n",
        [("01-15 10:36", "alice", "db1?"), ("01-15 10:38", "bob", "rolls back")],
        {},
        id="dircproxy",
    ),
    pytest.param(
        "2025-03-04 10:17:05\t@alice\tdb1?\n2025-03-04 10:17:09\t *\tbob looks\n"
        "2025-03-04 10:18:00\t<--\tcarol (~c@h) has quit\n",
        [("03-04 10:17", "alice", "db1?"), ("03-04 10:17", "bob", "looks")],
        {"quit": 1},
        id="weechat",
    ),
    pytest.param(
        "Sun Oct 21 2018\n10:17 <alice> db1?\n10:18 bob tried the thing\n10:19 <carol> yes\n",
        [
            ("10-21 10:17", "alice", "db1?"),
            ("10-21 10:18", "chan", "bob tried the thing"),
            ("10-21 10:19", "carol", "yes"),
        ],
        {},
        id="unnamed-line-is-its-own-event",
    ),
    pytest.param(
        "--- Day changed Mon Oct 22 2018\n[10:17] <alice> db1?\n[10:18] <bob>\n[10:19] <carol> yes\n",
        [("10-22 10:17", "alice", "db1?"), ("10-22 10:19", "carol", "yes")],
        {"message without text": 1},
        id="empty-message-counted",
    ),
    pytest.param(
        "Fastly Monitoring\nAPP  2:48 AM\n[P1] Global 5xx rate 85%\nRavi Menon  2:49 AM\nack\n",
        [("03-04 02:48", "Fastly Monitoring", "[P1] Global 5xx rate 85%"), ("03-04 02:49", "Ravi Menon", "ack")],
        {},
        id="name-above-the-first-header-is-read-not-dropped",
    ),
    pytest.param(
        "channel #ops\n[10:17] <alice> db1?\n[10:18] <bob> yes\n",
        [("03-04 10:17", "alice", "db1?"), ("03-04 10:18", "bob", "yes")],
        {"text before the first message": 1},
        id="text-before-first-message-counted",
    ),
]


@pytest.mark.parametrize(("log", "expected", "dropped"), SHAPES)
def test_log_line_shapes(
    tmp_path: Path, log: str, expected: list[tuple[str, str, str]], dropped: dict[str, int]
) -> None:
    path = tmp_path / "chan.log"
    path.write_text(log, encoding="utf-8")
    loaded = load_sources([path], OPTIONS)
    assert [(e.ts.strftime("%m-%d %H:%M"), e.actor, e.text) for e in loaded.events] == expected
    assert loaded.inputs[0].dropped == dropped


def test_stray_latin_1_byte_is_read_with_a_warning_naming_its_offset(tmp_path: Path) -> None:
    path = tmp_path / "chan.log"
    path.write_bytes("[10:17] <alice> db1?\n[10:18] <zoë> yes\n".encode("latin-1"))
    loaded = load_sources([path], OPTIONS)
    assert [e.actor for e in loaded.events] == ["alice", "zoë"]
    assert loaded.warnings == [
        f"{path}: not UTF-8 at byte offset 32 (1 such byte in all); read those bytes as Windows-1252 (Latin-1)"
    ]


def test_ingest_accounts_for_every_line_of_an_irc_log() -> None:
    """50 lines: 43 messages, 2 actions, 5 system lines, one Latin-1 byte."""
    log = IRC / "znc_oftc_#db-ops_20181022.log"
    assert len(log.read_bytes().splitlines()) == 50
    result = CliRunner().invoke(cli, ["ingest", str(log), "--tz", "UTC"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert len([row for row in result.stdout.splitlines() if row.startswith("| E")]) == 45
    assert f"{log}: chat-text, 45 events; 2 join dropped, 1 nick change dropped, 1 part dropped, 1 quit dropped" in (
        result.stderr
    )
    assert "not UTF-8 at byte offset" in result.stderr
    assert "| jules | Zoë from support asks if refunds are needed |" in result.stdout


# --- property: every line that starts with a time is an event of its own or a counted drop -------

_NICKS = st.text(string.ascii_lowercase, min_size=1, max_size=8)
# Words, URLs, colons and the odd "<" or "*": what message text holds, less line breaks.
_TEXT = st.text(string.ascii_letters + string.digits + " :/.,!?<>*-=@#'", min_size=1, max_size=40).map(str.strip)


@st.composite
def _chat_line(draw: st.DrawFn) -> str:
    hour, minute, second = draw(st.integers(0, 23)), draw(st.integers(0, 59)), draw(st.integers(0, 59))
    nick, text = draw(_NICKS), draw(_TEXT) or "x"
    stamp = draw(
        st.sampled_from(
            [f"{hour:02}:{minute:02}", f"[{hour:02}:{minute:02}:{second:02}]", f"[04 Mar {hour:02}:{minute:02}]"]
        )
    )
    body = draw(
        st.sampled_from(
            [
                f"<{nick}> {text}",
                f"<@{nick}> {text}",
                f"* {nick} {text}",
                f"-{nick}- {text}",
                f"*** {nick} has quit ({text})",
                f"-!- {nick} has joined #ops",
                f"{nick}@db1: {text}",
                f"{nick}: {text}",
                text,
            ]
        )
    )
    # WeeChat and HexChat put a tab between sender and text.
    prefix = draw(st.sampled_from(["@", "", " *\t"]))
    weechat = f"2025-03-04 {hour:02}:{minute:02}:{second:02}\t{prefix}{nick}\t{text}"
    hexchat = f"Mar 04 {hour:02}:{minute:02}:{second:02} <{nick}>\t{text}"
    return draw(st.sampled_from([f"{stamp} {body}", f"{stamp} {body}", weechat, hexchat]))


@st.composite
def _log_line(draw: st.DrawFn) -> str:
    hour, minute, second = draw(st.integers(0, 23)), draw(st.integers(0, 59)), draw(st.integers(0, 59))
    stamp = draw(
        st.sampled_from(
            [
                f"2025-03-04T{hour:02}:{minute:02}:{second:02}Z",
                f"2025-03-04 {hour:02}:{minute:02}:{second:02},123",
                f"Mar  4 {hour:02}:{minute:02}:{second:02}",
            ]
        )
    )
    return f"{stamp} {draw(_TEXT) or 'x'}"


def _accounts_for_every_line(adapter: ChatTextAdapter | TimestampedLogAdapter, lines: list[str]) -> None:
    parsed = adapter.parse(Document("chan.log", "\n".join(lines).encode()), OPTIONS)
    assert len(parsed.events) + sum(parsed.dropped.values()) + len(parsed.skipped) == len(lines)
    assert all("\n" not in event.text for event in parsed.events)
    refs = [event.ref for event in parsed.events]
    assert len(refs) == len(set(refs))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None)
@given(st.lists(_chat_line(), min_size=1, max_size=30))
def test_chat_log_lines_are_never_merged(lines: list[str]) -> None:
    _accounts_for_every_line(ChatTextAdapter(), lines)


@settings(max_examples=100, deadline=None, database=None)
@given(st.lists(_log_line(), min_size=1, max_size=30))
def test_timestamped_log_lines_are_never_merged(lines: list[str]) -> None:
    _accounts_for_every_line(TimestampedLogAdapter(), lines)
