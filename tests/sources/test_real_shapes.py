"""Payloads as the vendors document them, read whole: every record an event or a counted drop.

One row per sample under ``fixtures/samples/``: its format, each event in time order (UTC time,
actor, actor kind, text) and what was dropped. The samples are written from the vendors'
documented shapes (field names, nesting, time formats), with this project's incident story.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from postmortem_writer.cli import cli
from postmortem_writer.errors import InputError
from postmortem_writer.models import ActorKind
from postmortem_writer.pipeline import ingest
from postmortem_writer.sources import SourceOptions, load_sources

SAMPLES = Path(__file__).resolve().parents[2] / "fixtures" / "samples"
BOT, HUMAN, SYSTEM = ActorKind.BOT, ActorKind.HUMAN, ActorKind.SYSTEM
Row = tuple[str, str, ActorKind, str]
ALARM = "checkout-alb-p99-target-response-time"
FIRED = (
    "Threshold Crossed: 3 out of the last 3 datapoints [2.41 (04/03/25 09:08:00), 2.37 (04/03/25 09:07:00),"
    " 2.2 (04/03/25 09:06:00)] were greater than the threshold (2.0) (minimum 3 datapoints for OK -> ALARM transition)."
)
CLEARED = (
    "Threshold Crossed: 3 out of the last 3 datapoints [0.41 (04/03/25 09:55:00), 0.44 (04/03/25 09:54:00),"
    " 0.52 (04/03/25 09:53:00)] were not greater than the threshold (2.0)"
    " (minimum 1 datapoint for ALARM -> OK transition)."
)

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
    # --- shapes once refused ---
    pytest.param(
        "opsgenie/variants/outgoing_webhooks.jsonl",
        "opsgenie",
        [
            # createdAt is epoch milliseconds, updatedAt (the time of a later action) nanoseconds.
            ("2025-03-04T09:10:00", "Grafana", BOT, "Alert #1791 Checkout p99 latency above 2s opened."),
            (
                "2025-03-04T09:12:05",
                "ana@acme.example",
                HUMAN,
                "Alert #1791 Checkout p99 latency above 2s acknowledged by ana@acme.example.",
            ),
            (
                "2025-03-04T09:20:00",
                "ana@acme.example",
                HUMAN,
                "Alert #1791 Checkout p99 latency above 2s noted by ana@acme.example. rolling back checkout 1.42.0",
            ),
            (
                "2025-03-04T09:51:00",
                "ana@acme.example",
                HUMAN,
                "Alert #1791 Checkout p99 latency above 2s closed by ana@acme.example.",
            ),
        ],
        {},
        id="opsgenie-outgoing-webhooks",
    ),
    pytest.param(
        "cloudwatch/variants/sns_lambda_event.json",
        "cloudwatch-alarm-history",
        [
            # StateChangeTime, not the later SNS Timestamp.
            ("2025-03-04T09:09:47.512", "CloudWatch", BOT, f"{ALARM}: Alarm updated from OK to ALARM — {FIRED}"),
            ("2025-03-04T09:56:47.213", "CloudWatch", BOT, f"{ALARM}: Alarm updated from ALARM to OK — {CLEARED}"),
        ],
        {},
        id="cloudwatch-via-sns-lambda-records",
    ),
    pytest.param(
        "cloudwatch/variants/sns_notification.json",
        "cloudwatch-alarm-history",
        [("2025-03-04T09:09:47.512", "CloudWatch", BOT, f"{ALARM}: Alarm updated from OK to ALARM — {FIRED}")],
        {},
        id="cloudwatch-bare-sns-notification",
    ),
    pytest.param(
        "kubernetes/variants/event_single.json",
        "kubernetes-events",
        [
            (
                "2025-03-04T09:02:37",
                "deployment-controller",
                SYSTEM,
                "Deployment/checkout: ScalingReplicaSet: Scaled up replica set checkout-7d9f8b6c5 to 6",
            )
        ],
        {},
        id="kubernetes-one-event",
    ),
    pytest.param(
        "kubernetes/variants/events_watch_stream.json",
        "kubernetes-events",
        [
            (
                "2025-03-04T09:02:37",
                "deployment-controller",
                SYSTEM,
                "Deployment/checkout: ScalingReplicaSet: Scaled up replica set checkout-7d9f8b6c5 to 6",
            ),
            (
                "2025-03-04T09:08:12",
                "kubelet",
                SYSTEM,
                "Warning Pod/checkout-7d9f8b6c5-x2k9p: Unhealthy: Readiness probe failed: HTTP probe failed with"
                " statuscode: 503 (8 times until 2025-03-04 09:11:42 UTC)",
            ),
            (
                "2025-03-04T09:41:05",
                "deployment-controller",
                SYSTEM,
                "Deployment/checkout: ScalingReplicaSet: Scaled up replica set checkout-5c4b3a2d1 to 6",
            ),
        ],
        {},
        id="kubectl-get-events-watch-stream",
    ),
    pytest.param(
        "datadog/variants/event_v1_single.json",
        "datadog-events",
        [
            (
                "2025-03-04T09:08:55",
                "Datadog",
                BOT,
                "[P2] [Triggered on {host:checkout-redis-eu}] Checkout Redis connection pool saturation"
                " — Redis connection pool saturation above 90% on checkout-redis-eu",
            )
        ],
        {},
        id="datadog-event-in-an-event-object",
    ),
    pytest.param(
        "datadog/variants/event_v1_bare.json",
        "datadog-events",
        [
            (
                "2025-03-04T09:52:10",
                "Datadog",
                BOT,
                "[P2] [Recovered on {host:checkout-redis-eu}] Checkout Redis connection pool saturation"
                " — Redis connection pool saturation back below 90% on checkout-redis-eu",
            )
        ],
        {},
        id="datadog-bare-event",
    ),
    pytest.param(
        "alertmanager/variants/test_notification_version_1.json",
        "alertmanager",
        [("2025-03-04T10:31:00", "Alertmanager", BOT, "[FIRING] TestAlert: Notification test")],
        {},
        id="alertmanager-test-notification-version-1",
    ),
    pytest.param(
        "slack/variants/messages_without_type.json",
        "slack-day-file",
        [
            ("2025-03-04T09:17:00.112233", "U07PRIYA1", HUMAN, "checkout p99 is at 2.4s, I'm IC"),
            ("2025-03-04T09:20:00.223344", "U07MARCO2", HUMAN, "redis pool is exhausted, max_idle=4 in 1.42.0"),
            ("2025-03-04T09:24:00.445566", "U07MARCO2", HUMAN, "rolling back to 1.41.3"),
            ("2025-03-04T09:52:00.000200", "Grafana", BOT, "[RESOLVED] Checkout latency"),
        ],
        {"channel_join": 1},
        id="slack-messages-without-type",
    ),
    pytest.param(
        "github/variants/deployment_status_webhook.json",
        "github-deployments",
        [
            (
                "2025-03-04T09:06:41",
                "github-actions[bot]",
                BOT,
                "Deployment 2048011876 to production failed: Health checks failed on 2 of 6 pods",
            )
        ],
        {},
        id="github-deployment-status-webhook",
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


def test_slack_replies_keep_their_thread() -> None:
    events = load_sources([SAMPLES / "slack/variants/messages_without_type.json"], SourceOptions()).events
    parent = events[0].native_id
    assert [event.parent_native_id for event in events] == [None, parent, parent, None]


def test_a_file_whose_every_record_is_dropped_says_what_it_read() -> None:
    sample = SAMPLES / "github/variants/deployment_statuses_all_queued.json"
    with pytest.raises(InputError) as caught:
        ingest([sample], SourceOptions())
    assert str(caught.value) == (
        f"{sample}: no events found in the sources ({sample}: read 3 records as github-deployments, none kept:"
        " 3 queued status)"
    )


def test_unknown_is_never_a_responder() -> None:
    sample = SAMPLES / "slack/variants/day_file_bots_file_comment.json"
    result = CliRunner().invoke(cli, ["draft", str(sample), "--format", "json"])
    assert result.exit_code == 0, result.output
    assert [responder["name"] for responder in json.loads(result.stdout)["responders"]] == ["U0G9QF9C6"]
