"""Every alert and paging sample, read through the registry: format, events, times, actors, signals.

One row per sample file: the format it must be sniffed as and, per event in stream order, its UTC
time, signal, actor and actor kind. The times are the sample story's (fixtures/samples/*/README).
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from postmortem_writer.models import ActorKind, Event, Signal, SourceKind
from postmortem_writer.pipeline import ingest
from postmortem_writer.sources import SourceOptions, load_sources

SAMPLES = Path(__file__).resolve().parents[2] / "fixtures" / "samples"

F, R = Signal.ALERT_FIRING, Signal.ALERT_RESOLVED
TRIG, ACK, RES, NOTIFY = Signal.PAGE_TRIGGERED, Signal.PAGE_ACKNOWLEDGED, Signal.PAGE_RESOLVED, Signal.PAGE_NOTIFIED
BOT, HUMAN = ActorKind.BOT, ActorKind.HUMAN


def at(clock: str, day: int = 4) -> datetime:
    """A UTC instant on the incident day from ``HH:MM:SS[.ffffff]``."""
    return datetime.fromisoformat(f"2025-03-{day:02d}T{clock}+00:00").astimezone(UTC)


Row = tuple[datetime, Signal | None, str, ActorKind]
PD = "checkout-service (prod)"
CW, DD = "CloudWatch", "Datadog"
MARCO = "marco.rossi@acme.example"

CASES: list[tuple[str, str, SourceKind, list[Row]]] = [
    (
        "pagerduty/incident_Q1VX8CHKL4TZ0R.json",
        "pagerduty-incidents",
        SourceKind.PAGE,
        [(at("09:10:01"), TRIG, PD, BOT), (at("09:55:01"), RES, PD, BOT)],
    ),
    (
        "pagerduty/incidents_analytics_export.csv",
        "pagerduty-csv",
        SourceKind.PAGE,
        [
            (at("16:40:12", 3), TRIG, "orders-db (prod)", BOT),
            (at("16:48:44", 3), ACK, "Aiko Tanaka", HUMAN),  # created + seconds_to_first_ack 512
            (at("17:02:55", 3), RES, "Aiko Tanaka", HUMAN),
            (at("09:09:49"), TRIG, "checkout-alb (CloudWatch email)", BOT),
            (at("09:10:01"), TRIG, PD, BOT),
            (at("09:16:20"), ACK, "Priya Natarajan", HUMAN),  # agrees with the log entries
            (at("09:55:01"), RES, PD, BOT),  # auto_resolved: the service, not a person
            (at("09:56:50"), RES, "checkout-alb (CloudWatch email)", BOT),
        ],
    ),
    (
        "pagerduty/webhooks_v3.jsonl",
        "pagerduty-webhooks",
        SourceKind.PAGE,
        [
            (at("09:10:01.482"), TRIG, PD, BOT),
            (at("09:15:02.117"), Signal.PAGE_ESCALATED, "PagerDuty", ActorKind.SYSTEM),  # timeout: no agent
            (at("09:16:20.734"), ACK, "Priya Natarajan", HUMAN),  # delivered twice, told once
            (at("09:24:10.356"), Signal.PAGE_NOTE, "Priya Natarajan", HUMAN),
            (at("09:55:01.603"), RES, PD, BOT),
            (at("10:02:40.220"), Signal.PAGE_NOTE, "Priya Natarajan", HUMAN),
        ],
    ),
    (
        "opsgenie/alert_1893.json",
        "opsgenie",
        SourceKind.ALERT,
        [
            (at("09:08:57.114"), F, DD, BOT),
            (at("09:13:11.227"), ACK, MARCO, HUMAN),  # createdAt + report.ackTime (ms)
            (at("09:52:15.880"), R, DD, BOT),  # createdAt + report.closeTime (ms)
        ],
    ),
    (
        "opsgenie/alert_1893_logs.json",
        "opsgenie",
        SourceKind.ALERT,
        [
            (at("09:08:57.114"), F, DD, BOT),  # and two occurrence bumps, folded into it
            (at("09:08:58.402"), NOTIFY, MARCO, HUMAN),
            (at("09:13:11.227"), ACK, MARCO, HUMAN),
            (at("09:52:15.880"), R, DD, BOT),
        ],
    ),
    (
        "alertmanager/2025-03-04T091000Z_firing_latency.json",
        "alertmanager",
        SourceKind.ALERT,
        [(at("09:09:30.127843"), F, "Alertmanager", BOT)],
    ),
    (
        "alertmanager/2025-03-04T091230Z_firing_errors.json",
        "alertmanager",
        SourceKind.ALERT,
        [(at("09:11:45.127843"), F, "Alertmanager", BOT), (at("09:12:00.127843"), F, "Alertmanager", BOT)],
    ),
    (
        "alertmanager/2025-03-04T095045Z_mixed_errors.json",
        "alertmanager",
        SourceKind.ALERT,
        [
            (at("09:11:45.127843"), F, "Alertmanager", BOT),
            (at("09:12:00.127843"), F, "Alertmanager", BOT),
            (at("09:49:30.127843"), R, "Alertmanager", BOT),
        ],
    ),
    (
        "alertmanager/2025-03-04T095500Z_resolved_latency.json",
        "alertmanager",
        SourceKind.ALERT,
        [(at("09:09:30.127843"), F, "Alertmanager", BOT), (at("09:54:30.127843"), R, "Alertmanager", BOT)],
    ),
    (
        "grafana/2025-03-04T0908Z_firing.json",
        "grafana-webhook",
        SourceKind.ALERT,
        [(at("09:07:50.118204"), F, "Grafana", BOT)],  # written 10:07:50.118204+01:00
    ),
    (
        "grafana/2025-03-04T0953Z_resolved.json",
        "grafana-webhook",
        SourceKind.ALERT,
        [(at("09:07:50.118204"), F, "Grafana", BOT), (at("09:53:20"), R, "Grafana", BOT)],
    ),
    (
        "cloudwatch/describe-alarm-history_cli-v1.json",
        "cloudwatch-alarm-history",
        SourceKind.ALERT,
        [(at("09:09:47.512"), F, CW, BOT), (at("09:09:47.602"), None, CW, BOT)],
    ),
    (
        "cloudwatch/describe-alarm-history_cli-v2.json",
        "cloudwatch-alarm-history",
        SourceKind.ALERT,
        [
            (at("09:09:47.512"), F, CW, BOT),
            (at("09:09:47.602"), None, CW, BOT),  # the SNS action
            (at("09:31:12.880"), None, CW, BOT),  # a configuration update
            (at("09:56:47.213"), R, CW, BOT),
            (at("09:56:47.301"), None, CW, BOT),
        ],
    ),
    (
        "datadog/events_v1.json",
        "datadog-events",
        SourceKind.ALERT,
        [(at("09:08:55"), F, DD, BOT), (at("09:52:10"), R, DD, BOT)],
    ),
    (
        "datadog/events_v2.json",
        "datadog-events",
        SourceKind.ALERT,
        [(at("09:08:55"), F, DD, BOT), (at("09:52:10"), R, DD, BOT)],
    ),
]


def in_time_order(path: Path) -> tuple[list[str], list[Event]]:
    loaded = load_sources([path], SourceOptions())
    # The stream sorts by time, then source, then position: the same order here.
    return [record.format for record in loaded.inputs], sorted(loaded.events, key=lambda event: event.ts)


@pytest.mark.parametrize(("sample", "fmt", "kind", "rows"), CASES, ids=[case[0] for case in CASES])
def test_sample(sample: str, fmt: str, kind: SourceKind, rows: list[Row]) -> None:
    formats, events = in_time_order(SAMPLES / sample)
    assert formats == [fmt]
    assert [(e.ts, e.signal, e.actor, e.actor_kind) for e in events] == rows
    assert {(e.format, e.kind, e.source) for e in events} == {(fmt, kind, str(SAMPLES / sample))}
    # Every event carries the alert's identity, so repeats of it can be folded.
    assert all(isinstance(e.meta.get("alert_key"), str) for e in events)


def test_texts_say_what_happened() -> None:
    _, alertmanager = in_time_order(SAMPLES / "alertmanager" / "2025-03-04T095045Z_mixed_errors.json")
    assert [e.text for e in alertmanager] == [
        # The route label is the one that differs between the two alerts; summary and description both kept.
        "[FIRING] CheckoutErrorRateHigh {route=/api/checkout}: 5xx ratio on /api/checkout above 2% — 5xx ratio is 2.2%",
        "[FIRING] CheckoutErrorRateHigh {route=/api/cart}: 5xx ratio on /api/cart above 2% — 5xx ratio is 0.4%",
        "[RESOLVED] CheckoutErrorRateHigh {route=/api/cart}: 5xx ratio on /api/cart above 2% — 5xx ratio is 0.4%",
    ]
    _, grafana = in_time_order(SAMPLES / "grafana" / "variants" / "unified_offset_time_values.json")
    assert [e.text for e in grafana] == ["[FIRING] Checkout latency: p99 > 2s (values: B=2.41, C=1)"]
    assert alertmanager[2].meta["alert_key"] == "alertmanager:3d7e2b90c1f4a856"
    assert alertmanager[2].ref == "alert 2"
    _, cloudwatch = in_time_order(SAMPLES / "cloudwatch" / "describe-alarm-history_cli-v1.json")
    assert cloudwatch[0].text.startswith(
        "checkout-alb-p99-target-response-time: Alarm updated from OK to ALARM — Threshold Crossed: 3 out of"
    )
    _, datadog = in_time_order(SAMPLES / "datadog" / "events_v1.json")
    assert datadog[0].text == (
        "[P2] [Triggered on {redis_cluster:checkout-redis-eu}] Checkout Redis connection pool saturation"
        " — Pool wait p95 = 812ms (threshold 250ms)."
    )
    assert datadog[0].native_id == "7812345678901234567"  # id_str: beyond 2**53, kept exact
    _, pagerduty = in_time_order(SAMPLES / "pagerduty" / "incident_Q1VX8CHKL4TZ0R.json")
    assert pagerduty[0].text == "Triggered #4821 [FIRING:1] CheckoutP99LatencyHigh checkout-service (prod eu-west-1)."
    assert pagerduty[0].ref == "incident 1 (Q1VX8CHKL4TZ0R)"


def test_opsgenie_alert_says_how_often_it_fired() -> None:
    _, (fired, *_) = in_time_order(SAMPLES / "opsgenie" / "alert_1893.json")
    assert fired.meta["count"] == 3
    assert fired.meta["last"] == "2025-03-04T09:26:12.004000Z"
    assert fired.text == (
        "Alert #1893 [P2] Checkout Redis connection pool saturation on checkout-redis-eu opened."
        " (fired 3 times, first 2025-03-04 09:08:57 UTC, last 2025-03-04 09:26:12 UTC)"
    )


def story_files(folder: str) -> list[Path]:
    """A tool folder's files of the sample story; its variants/ hold other exports (test_variants.py)."""
    return sorted(path for path in (SAMPLES / folder).iterdir() if path.is_file())


FOLDERS = [
    # Re-sent notifications of one alert are one event; only state changes remain.
    ("alertmanager", [F, F, F, R, R]),
    # The alert and its logs tell the same ack and close: told once each.
    ("opsgenie", [F, NOTIFY, ACK, R]),
    ("grafana", [F, R]),
    ("datadog", [F, R]),
    ("cloudwatch", [F, None, None, R, None]),
]


@pytest.mark.parametrize(("folder", "signals"), FOLDERS, ids=[folder for folder, _ in FOLDERS])
def test_a_tools_files_together_tell_each_transition_once(folder: str, signals: list[Signal | None]) -> None:
    loaded = load_sources(story_files(folder), SourceOptions())
    events = sorted(loaded.events, key=lambda event: event.ts)
    assert [event.signal for event in events] == signals
    # What was merged is counted per file, beside what each file held.
    merged = sum(record.dropped.get("repeated alert notification", 0) for record in loaded.inputs)
    assert sum(record.events for record in loaded.inputs) - merged == len(events)


def test_merged_notifications_are_counted_against_their_file() -> None:
    loaded = load_sources(story_files("alertmanager"), SourceOptions())
    assert {Path(r.path).name: r.dropped for r in loaded.inputs} == {
        "2025-03-04T091000Z_firing_latency.json": {},
        "2025-03-04T091230Z_firing_errors.json": {},
        # Re-sent: both firing alerts again, as already told by the 09:12:30 payload.
        "2025-03-04T095045Z_mixed_errors.json": {"repeated alert notification": 2},
        # Re-sent: the latency alert's firing, as told by the 09:10:00 payload.
        "2025-03-04T095500Z_resolved_latency.json": {"repeated alert notification": 1},
    }


def test_pagerduty_incident_and_log_entries_share_trigger_and_resolve() -> None:
    paths = [
        SAMPLES / "pagerduty" / "incident_Q1VX8CHKL4TZ0R.json",
        SAMPLES / "pagerduty" / "log_entries_Q1VX8CHKL4TZ0R.json",
    ]
    events = load_sources(paths, SourceOptions()).events
    assert [e.signal for e in events].count(TRIG) == 1
    assert [e.signal for e in events].count(RES) == 1
    assert len(events) == 10


def test_alerts_interleave_with_chat_in_one_stream() -> None:
    folders = ["grafana", "datadog", "opsgenie", "alertmanager", "pagerduty"]
    paths = [path for folder in folders for path in story_files(folder)]
    stream = ingest([*paths, SAMPLES / "slack/export"], SourceOptions()).stream
    firsts = [(e.format, e.ts) for e in stream if e.signal in (F, TRIG)]
    # The story's order of detection: Grafana, Datadog, Opsgenie, Alertmanager, PagerDuty #4821.
    assert [fmt for fmt, ts in firsts if ts.date() == at("09:00:00").date()][:6] == [
        "grafana-webhook",
        "datadog-events",
        "opsgenie",
        "alertmanager",
        "pagerduty-csv",  # #4822, the CloudWatch e-mail incident, 09:09:49
        "pagerduty-incidents",  # #4821 at 09:10:01, told by three PagerDuty files, kept once
    ]
    formats = [e.format for e in stream]
    deploy_post = next(i for i, e in enumerate(stream) if e.format == "slack-export" and "Deploying" in e.text)
    first_alert = formats.index("grafana-webhook")
    declared = next(i for i, e in enumerate(stream) if "declared" in e.text and e.format == "slack-export")
    resolved = next(i for i, e in enumerate(stream) if e.signal is R and e.format == "alertmanager")
    # Deploy announced in chat, then alerts, then the incident declared in chat, then recovery.
    assert deploy_post < first_alert < formats.index("pagerduty-incidents") < declared < resolved
