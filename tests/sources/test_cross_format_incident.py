"""The sample incident told by every tool at once: one stream, interleaved in the story's order.

The instants are the ground truth of fixtures/samples/README.md (its rows marked T): each tool's
file must put its part of the story at that UTC time, and together they must sort into the story.
"""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest

from postmortem_writer.events import EventStream
from postmortem_writer.models import Event, Signal
from postmortem_writer.pipeline import ingest
from postmortem_writer.sources import SourceOptions

SAMPLES = Path(__file__).resolve().parents[2] / "fixtures" / "samples"
FILES = [
    "slack/export",
    "argocd/application_checkout.json",
    "github/deployments.json",
    "kubernetes/events_checkout.json",
    "grafana/2025-03-04T0908Z_firing.json",
    "datadog/events_v1.json",
    "opsgenie",
    "alertmanager",
    "cloudwatch/describe-alarm-history_cli-v2.json",
    "pagerduty/log_entries_Q1VX8CHKL4TZ0R.json",
    "heroku/releases_acme-checkout-admin.json",
    "spinnaker/executions_checkout.json",
]

# (what, format, a predicate on the event, the README's UTC time)
STORY = [
    ("deploy 1.42.0 by Argo CD", "argocd-application", lambda e: e.signal is Signal.DEPLOY and "5be0c2d" in e.text,
     datetime(2025, 3, 4, 9, 2, 37, tzinfo=UTC)),  # synced (started 09:02:21)
    ("Grafana hit-ratio alert fires", "grafana-webhook", lambda e: e.signal is Signal.ALERT_FIRING,
     datetime(2025, 3, 4, 9, 7, 50, tzinfo=UTC)),
    ("Datadog monitor triggers", "datadog-events", lambda e: e.signal is Signal.ALERT_FIRING,
     datetime(2025, 3, 4, 9, 8, 55, tzinfo=UTC)),
    ("Prometheus latency alert starts", "alertmanager", lambda e: e.signal is Signal.ALERT_FIRING,
     datetime(2025, 3, 4, 9, 9, 30, 127000, tzinfo=UTC)),
    ("CloudWatch alarm goes to ALARM", "cloudwatch-alarm-history", lambda e: e.signal is Signal.ALERT_FIRING,
     datetime(2025, 3, 4, 9, 9, 47, 512000, tzinfo=UTC)),
    ("PagerDuty incident triggered", "pagerduty-log-entries", lambda e: e.signal is Signal.PAGE_TRIGGERED,
     datetime(2025, 3, 4, 9, 10, 1, tzinfo=UTC)),
    ("decision to roll back", "slack-export", lambda e: "Decision" in e.text,
     datetime(2025, 3, 4, 9, 24, 0, 772202, tzinfo=UTC)),
    ("Heroku rollback to v311", "heroku-releases", lambda e: e.signal is Signal.ROLLBACK,
     datetime(2025, 3, 4, 9, 44, 2, tzinfo=UTC)),
    ("PagerDuty incident resolved", "pagerduty-log-entries", lambda e: e.signal is Signal.PAGE_RESOLVED,
     datetime(2025, 3, 4, 9, 55, 1, tzinfo=UTC)),
]  # fmt: skip


@pytest.fixture(scope="module")
def stream(tmp_path_factory: pytest.TempPathFactory) -> EventStream:
    folder = tmp_path_factory.mktemp("incident")
    for name in FILES:
        source = SAMPLES / name
        if source.is_dir():
            shutil.copytree(source, folder / source.name)
        else:
            shutil.copy(source, folder / source.name)
    return ingest([folder], SourceOptions()).stream


def first(stream: EventStream, fmt: str, predicate: object) -> Event:
    return next(e for e in stream if e.format == fmt and predicate(e))  # type: ignore[operator]


@pytest.mark.parametrize(("what", "fmt", "predicate", "when"), STORY, ids=[row[0] for row in STORY])
def test_each_tool_tells_its_part_at_the_right_instant(
    stream: EventStream, what: str, fmt: str, predicate: object, when: datetime
) -> None:
    # To the second: the README rounds, the sources keep milliseconds and more.
    assert first(stream, fmt, predicate).ts.replace(microsecond=0) == when.replace(microsecond=0)


def test_the_tools_interleave_in_the_story_order(stream: EventStream) -> None:
    ids = [int(first(stream, fmt, predicate).id[1:]) for _, fmt, predicate, _ in STORY]
    assert ids == sorted(ids)
    assert len({e.format for e in stream}) == len(FILES)
