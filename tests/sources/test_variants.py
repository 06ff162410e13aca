"""Exports shaped as the real tools emit them, unlike the samples: other fields, time formats, wrappers.

Each file under ``fixtures/samples/<tool>/variants/`` once failed (not recognised, wrong time or
actor); one row per file gives its format and, in time order, each event's UTC time, actor and actor kind.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from postmortem_writer.errors import InputError
from postmortem_writer.models import ActorKind, Signal
from postmortem_writer.sources import SourceOptions, load_sources

SAMPLES = Path(__file__).resolve().parents[2] / "fixtures" / "samples"


def at(clock: str) -> datetime:
    """A UTC instant on the incident day (2025-03-04) from ``HH:MM:SS[.ffffff]``."""
    return datetime.fromisoformat(f"2025-03-04T{clock}+00:00").astimezone(UTC)


BOT, HUMAN, SYSTEM = ActorKind.BOT, ActorKind.HUMAN, ActorKind.SYSTEM
Row = tuple[datetime, str, ActorKind]

CASES: list[tuple[str, str, list[Row]]] = [
    # The API's alert list: a bare array of alerts whose status is an object; endsAt is an expiry.
    ("alertmanager/variants/api_v2_alerts_amtool.json", "alertmanager", [(at("09:12:30.127"), "Alertmanager", BOT)]),
    # Times with a +01:00 offset and nanoseconds: read as UTC instants.
    (
        "alertmanager/variants/webhook_offset_times_resolved.json",
        "alertmanager",
        [(at("09:09:30.127843"), "Alertmanager", BOT), (at("09:55:00.5"), "Alertmanager", BOT)],
    ),
    # An API alert without a source has the sender's IP address as its source: the integration
    # sent it. Integrations are named freely ("Default API", "checkout-monitor"), not like tools.
    (
        "opsgenie/variants/alerts_list_ip_source_paging.json",
        "opsgenie",
        [
            (at("09:30:00"), "Default API", BOT),
            (at("09:31:00"), "checkout-monitor", BOT),
            (at("09:32:00"), "ana@acme.example", HUMAN),
            (at("09:40:00"), "ana@acme.example", HUMAN),
        ],
    ),
    # `kubectl get events.v1.events.k8s.io -o json`: note/regarding, and a core event's component
    # under deprecatedSource; a scheduler event has only eventTime.
    (
        "kubernetes/variants/events_k8s_io_v1.json",
        "kubernetes-events",
        [(at("09:02:37"), "deployment-controller", SYSTEM), (at("09:02:38.412305"), "default-scheduler", SYSTEM)],
    ),
    # core/v1 events from newer controllers: null firstTimestamp, eventTime and reportingComponent set.
    (
        "kubernetes/variants/events_core_v1_eventtime_null_timestamps.json",
        "kubernetes-events",
        [(at("09:02:38.412305"), "default-scheduler", SYSTEM), (at("09:03:10"), "kubelet", SYSTEM)],
    ),
    # `gh api --paginate … > file` writes the pages back to back: arrays, or GitHub's paged objects.
    (
        "github/variants/deployments_gh_api_paginate.json",
        "github-deployments",
        [(at("09:02:10"), "github-actions[bot]", BOT), (at("09:41:05"), "zoe-odegard", HUMAN)],
    ),
    (
        "github/variants/workflow_runs_gh_api_paginate.json",
        "github-actions-runs",
        [
            (datetime(2025, 3, 3, 16, 19, 40, tzinfo=UTC), "priya-n", HUMAN),
            (at("08:55:05"), "zoe-odegard", HUMAN),
            (at("09:40:33"), "zoe-odegard", HUMAN),
        ],
    ),
    # Grafana-managed alerting: times with the server's offset, and extra keys (values, valueString).
    ("grafana/variants/unified_offset_time_values.json", "grafana-webhook", [(at("09:08:00"), "Grafana", BOT)]),
    # `git log --date=raw` (epoch seconds and the author's offset), CRLF line ends.
    (
        "git/variants/git_log_date_raw_crlf.txt",
        "git-log",
        [(at("07:00:00"), "dependabot[bot]", BOT), (at("08:58:03"), "Zoë Ødegård", HUMAN)],
    ),
    # A newer mmctl export (BOM): "system_*" posts and replies (joins, adds) are dropped, a header
    # change kept as the topic; a webhook reply by a bot.
    (
        "mattermost/variants/bulk_export_system_posts_bom.jsonl",
        "mattermost",
        [
            (at("09:19:55"), "Ana S.", HUMAN),
            (at("09:20:00"), "Ana S.", HUMAN),
            (at("09:20:30"), "Bob Nguyễn", HUMAN),
            (at("09:20:40"), "mm-bot", BOT),
        ],
    ),
    # EventBridge "CloudWatch Alarm State Change" events saved as JSON Lines: once read as a deploy
    # ("version": "0"), now the alarm's firing and resolve at state.timestamp, not the send time.
    (
        "cloudwatch/variants/eventbridge_alarm_state_change.jsonl",
        "cloudwatch-alarm-history",
        [(at("09:09:49.120"), "CloudWatch", BOT), (at("09:56:47.213"), "CloudWatch", BOT)],
    ),
    # Any AWS EventBridge event has "version": "0" and a time: it was read as "Deployed 0". Now a
    # generic record, sent by an AWS service (a bot, not a person).
    ("deploys/variants/eventbridge_ec2_state_change.json", "records", [(at("09:20:00"), "aws.ec2", BOT)]),
]


@pytest.mark.parametrize(("sample", "fmt", "rows"), CASES, ids=[case[0] for case in CASES])
def test_variant(sample: str, fmt: str, rows: list[Row]) -> None:
    loaded = load_sources([SAMPLES / sample], SourceOptions())
    assert [record.format for record in loaded.inputs] == [fmt]
    events = sorted(loaded.events, key=lambda event: event.ts)
    assert [(event.ts, event.actor, event.actor_kind) for event in events] == rows


def test_a_legacy_grafana_webhook_is_named_with_why_it_cannot_be_read() -> None:
    # It has no times at all; "not a format we read" would send the user looking for a format.
    with pytest.raises(InputError, match=r"legacy Grafana alerting webhook .* carries no times"):
        load_sources([SAMPLES / "grafana/variants/legacy_alerting_webhook.json"], SourceOptions())


def test_a_git_date_without_a_clock_is_not_read_as_midnight() -> None:
    # `git log --date=short`: with --tz it used to become 00:00 that day, a wrong time.
    with pytest.raises(InputError, match=r"git date '2025-03-04' has no time of day; run git log with --date=iso"):
        load_sources([SAMPLES / "git/variants/git_log_date_short.txt"], SourceOptions(tz=UTC))


def test_a_mattermost_header_change_is_the_topic_and_joins_are_counted_as_dropped() -> None:
    loaded = load_sources([SAMPLES / "mattermost/variants/bulk_export_system_posts_bom.jsonl"], SourceOptions())
    assert [event.signal for event in sorted(loaded.events, key=lambda event: event.ts)][:2] == [Signal.TOPIC, None]
    assert [record.dropped.get("system message") for record in loaded.inputs] == [2]


def test_eventbridge_alarm_state_changes_fire_and_resolve() -> None:
    loaded = load_sources([SAMPLES / "cloudwatch/variants/eventbridge_alarm_state_change.jsonl"], SourceOptions())
    events = sorted(loaded.events, key=lambda event: event.ts)
    assert [event.signal for event in events] == [Signal.ALERT_FIRING, Signal.ALERT_RESOLVED]
