"""Payloads as the vendors document them, read whole: every record an event or a counted drop.

One row per sample under ``fixtures/samples/``: its format, each event in time order (UTC time,
actor, actor kind, text) and what was dropped. The samples are written from the vendors'
documented shapes (field names, nesting, time formats), with this project's incident story.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from postmortem_writer.models import ActorKind
from postmortem_writer.sources import SourceOptions, load_sources

SAMPLES = Path(__file__).resolve().parents[2] / "fixtures" / "samples"
BOT, HUMAN, SYSTEM = ActorKind.BOT, ActorKind.HUMAN, ActorKind.SYSTEM
Row = tuple[str, str, ActorKind, str]

CASES = [
    pytest.param(
        "teams/variants/chat_messages_image_only.json",
        "teams",
        [
            # Two pasted screenshots and nothing else: a message all the same.
            ("2025-03-04T09:12:00.123", "Marco Rossi", HUMAN, "[2 images]"),
            ("2025-03-04T09:13:00.456", "Priya Natarajan", HUMAN, "that p99 graph\n[1 image]"),
        ],
        {"systemEventMessage": 1},
        id="teams-image-only",
    ),
    pytest.param(
        "slack/variants/day_file_bots_file_comment.json",
        "slack-day-file",
        [
            # A legacy integration names itself only in its attachment.
            ("2018-10-22T09:30:01.000100", "Jenkins", BOT, "Build #4821 of checkout failed: 3 tests failed"),
            (
                "2018-10-22T09:31:00.000200",
                "Alertmanager",
                BOT,
                "[FIRING:1] CheckoutP99LatencyHigh checkout-service (prod)",
            ),
            ("2018-10-22T09:32:00.000300", "deploybot", BOT, "Deploy of checkout 1.42.0 to prod finished"),
            # The file comment's author is the comment's user, not the file's owner.
            (
                "2018-10-22T09:33:00.000400",
                "U0G9QF9C6",
                HUMAN,
                "@U0G9QF9C6 commented on @U0KR2A7PL's file p99.png (https://acme.slack.com/files/U0KR2A7PL/F0KR2B3TS/p99.png):"
                " that is the pool limit",
            ),
            # No author at all: read, but "unknown" is no one, so never a responder.
            ("2018-10-22T09:34:00.000500", "unknown", SYSTEM, "pages the database on-call"),
        ],
        {},
        id="slack-bots-and-file-comment",
    ),
    pytest.param(
        "opsgenie/variants/alert_closed_report_ack.json",
        "opsgenie",
        [
            ("2025-03-04T09:10:00", "Grafana", BOT, "Alert #1791 Checkout p99 latency above 2s opened."),
            # "acknowledged" is false again once closed; the report keeps who acknowledged and when.
            (
                "2025-03-04T09:12:00",
                "ana@acme.example",
                HUMAN,
                "Alert #1791 Checkout p99 latency above 2s acknowledged by ana@acme.example.",
            ),
            (
                "2025-03-04T09:51:00",
                "ana@acme.example",
                HUMAN,
                "Alert #1791 Checkout p99 latency above 2s closed by ana@acme.example.",
            ),
        ],
        {},
        id="opsgenie-closed-alert-keeps-its-ack",
    ),
]


@pytest.mark.parametrize(("sample", "fmt", "rows", "dropped"), CASES)
def test_every_record_is_read(sample: str, fmt: str, rows: list[Row], dropped: dict[str, int]) -> None:
    loaded = load_sources([SAMPLES / sample], SourceOptions())
    assert [(record.format, record.skipped, record.dropped) for record in loaded.inputs] == [(fmt, 0, dropped)]
    events = sorted(loaded.events, key=lambda event: event.ts)
    assert [(e.ts.isoformat(), e.actor, e.actor_kind, e.text) for e in events] == [
        (datetime.fromisoformat(f"{at}+00:00").isoformat(), actor, kind, text) for at, actor, kind, text in rows
    ]
