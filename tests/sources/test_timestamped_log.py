"""The catch-all adapter for text logs whose lines start with a timestamp, one case per style."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from postmortem_writer.errors import InputError
from postmortem_writer.sources import SourceOptions, load_sources
from postmortem_writer.timeparse import zone

BERLIN = SourceOptions(tz=zone("Europe/Berlin"), date=date(2025, 3, 4))

# (first line, expected UTC time, actor, text); a second line one minute later makes the file a log.
STYLES = [
    pytest.param(
        "2025-03-04T09:17:05Z deploy finished", datetime(2025, 3, 4, 9, 17, 5, tzinfo=UTC), "app", "deploy finished",
        id="iso-z",
    ),
    pytest.param(
        "2025-03-04T10:17:05.123456789+01:00 cut to micros",
        datetime(2025, 3, 4, 9, 17, 5, 123456, tzinfo=UTC), "app", "cut to micros",
        id="iso-offset-nanos",
    ),
    pytest.param(
        "2025-03-04 10:17:05,123 - INFO - pool exhausted",
        datetime(2025, 3, 4, 9, 17, 5, 123000, tzinfo=UTC), "app", "INFO - pool exhausted",
        id="python-logging-comma-millis-naive-in-tz",
    ),
    pytest.param(
        "[2025-03-04 00:30:00] queue drained after midnight.",
        datetime(2025, 3, 3, 23, 30, tzinfo=UTC), "app", "queue drained after midnight.",
        id="bracketed-iso-midnight",
    ),
    pytest.param(
        "2025/03/04 10:17:05 slashed", datetime(2025, 3, 4, 9, 17, 5, tzinfo=UTC), "app", "slashed", id="slashed-ymd"
    ),
    pytest.param(
        "Mar  4 10:17:05 web-1 sshd[812]: session opened",
        datetime(2025, 3, 4, 9, 17, 5, tzinfo=UTC), "sshd", "session opened",
        id="syslog-year-from-date",
    ),
    pytest.param(
        '[04/Mar/2025:09:17:05 +0000] "GET /api/checkout HTTP/1.1" 503',
        datetime(2025, 3, 4, 9, 17, 5, tzinfo=UTC), "app", '"GET /api/checkout HTTP/1.1" 503',
        id="common-log",
    ),
    pytest.param(
        "Tue, 04 Mar 2025 09:17:05 +0000 mail bounced",
        datetime(2025, 3, 4, 9, 17, 5, tzinfo=UTC), "app", "mail bounced",
        id="rfc-2822",
    ),
    pytest.param(
        "1741079825 epoch seconds", datetime(2025, 3, 4, 9, 17, 5, tzinfo=UTC), "app", "epoch seconds", id="epoch-s"
    ),
    pytest.param(
        "1741079825250 epoch millis",
        datetime(2025, 3, 4, 9, 17, 5, 250000, tzinfo=UTC), "app", "epoch millis",
        id="epoch-ms",
    ),
]  # fmt: skip


@pytest.mark.parametrize(("line", "ts", "actor", "text"), STYLES)
def test_styles(tmp_path: Path, line: str, ts: datetime, actor: str, text: str) -> None:
    log = tmp_path / "app.log"
    log.write_text(f"{line}\n{line}\n", encoding="utf-8")
    loaded = load_sources([log], BERLIN)
    assert [r.format for r in loaded.inputs] == ["timestamped-log"]
    assert [(e.ts, e.actor, e.text) for e in loaded.events] == [(ts, actor, text)] * 2


def test_unstamped_lines_continue_the_record_above_and_leading_lines_are_counted(tmp_path: Path) -> None:
    log = tmp_path / "worker.log"
    log.write_text(
        "starting up\n2025-03-04T09:17:05Z ERROR boom\nTraceback (most recent call last):\n  File x\n"
        "2025-03-04T09:18:00Z recovered\n"
    )
    loaded = load_sources([log], SourceOptions())
    assert [(e.ref, e.text) for e in loaded.events] == [
        ("line 2", "ERROR boom\nTraceback (most recent call last):\n  File x"),
        ("line 5", "recovered"),
    ]
    assert loaded.inputs[0].dropped == {"line before the first timestamp": 1}


def test_naive_times_need_tz_and_bad_dates_are_skipped(tmp_path: Path) -> None:
    log = tmp_path / "app.log"
    log.write_text("2025-03-04 09:17:05 one\n2025-13-04 09:18:05 bad month\n2025-03-04 09:19:05 three\n")
    with pytest.raises(InputError, match=r"app.log:line 1: time has no time zone; pass --tz"):
        load_sources([log], SourceOptions())
    loaded = load_sources([log], SourceOptions(tz=UTC))
    assert [e.text for e in loaded.events] == ["one", "three"]
    assert len(loaded.warnings) == 1
    assert loaded.warnings[0].startswith(f"skipped {log}:line 2: cannot read")


def test_syslog_without_date_asks_for_one(tmp_path: Path) -> None:
    log = tmp_path / "syslog"
    log.write_text("Mar  4 10:17:05 web-1 cron[1]: a\nMar  4 10:18:05 web-1 cron[1]: b\n")
    with pytest.raises(InputError, match=r"syslog:line 1: 'Mar  4 10:17:05' has no year; pass --date"):
        load_sources([log], SourceOptions(tz=UTC))
