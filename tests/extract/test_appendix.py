"""The appendix: the communication log and the monitoring graphs, each line citing the message it quotes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from postmortem_writer.events import EventStream
from postmortem_writer.extract.appendix import communication_log, monitoring_links
from postmortem_writer.models import Event, SourceKind

_AT = datetime(2025, 3, 4, 9, 0, tzinfo=UTC)


def _stream(*lines: tuple[str, str]) -> EventStream:
    return EventStream(
        [
            Event(ts=_AT + timedelta(minutes=n), source="chat.txt", format="test", kind=SourceKind.CHAT,
                  ref=f"line {n}", actor=actor, text=text)
            for n, (actor, text) in enumerate(lines, start=1)
        ]
    )  # fmt: skip


# (id, actor, message, whether it belongs in the communication log)
COMMUNICATION_CASES = [
    ("status-page-updated", "Sam", "Status page updated: investigating elevated checkout latency", True),
    ("posted-to-status-page", "Sam", "Posted the identified update to the status page", True),
    (
        "status-page-bot",
        "Statuspage",
        "Identified - The issue has been identified and a fix is being implemented.",
        True,
    ),
    ("status-update-prefix", "Sam", "Status update: we are monitoring the fix", True),
    ("customers-emailed", "Kai", "Emailed the affected EU customers with the workaround", True),
    ("customer-notice-sent", "Kai", "Customer notice sent to enterprise accounts", True),
    ("vendor-status-page", "Marco", "AWS status page shows an issue in eu-west-1", False),
    ("plan-to-update", "Priya", "Can someone update the status page?", False),
    ("will-post", "Sam", "I'll post to the status page once we know more", False),
    ("ordinary-chat", "Marco", "p99 back to 240ms and falling", False),
]


@pytest.mark.parametrize(("actor", "text", "logged"), [c[1:] for c in COMMUNICATION_CASES],
                         ids=[c[0] for c in COMMUNICATION_CASES])  # fmt: skip
def test_the_communication_log_holds_what_was_told_to_customers(actor: str, text: str, logged: bool) -> None:
    log = communication_log(_stream((actor, text)))
    assert bool(log) is logged
    if logged:
        assert log[0].evidence == ["E1"]
        assert log[0].text == text


def test_the_communication_log_keeps_the_order_of_the_sources() -> None:
    stream = _stream(("Sam", "Status page updated: investigating"), ("Marco", "rollback started"),
                     ("Sam", "Status page updated: monitoring"))  # fmt: skip
    assert [item.evidence for item in communication_log(stream)] == [["E1"], ["E3"]]


# (id, message, the tools it shares, or () for none)
GRAPH_CASES = [
    ("grafana-dashboard", "see https://grafana.acme.example/d/chk-ovw/checkout?orgId=1.", ("Grafana",)),
    ("grafana-by-path", "panel https://metrics.acme.example/d-solo/abc/redis?panelId=4", ("Grafana",)),
    ("datadog", "https://app.datadoghq.com/dashboard/abc-123/checkout shows it", ("Datadog",)),
    ("cloudwatch", "https://console.aws.amazon.com/cloudwatch/home?region=eu-west-1#dashboards:", ("CloudWatch",)),
    ("image-attachment", "[file: p99-latency.png]", ("image",)),
    ("two-links", "https://grafana.x/d/a/b and https://app.datadoghq.eu/dashboard/c", ("Grafana", "Datadog")),
    ("pagerduty-is-no-graph", "https://acme.pagerduty.com/incidents/Q1VX8CHKL4TZ0R", ()),
    ("no-link", "can you pull latency graphs?", ()),
]  # fmt: skip


@pytest.mark.parametrize(("text", "tools"), [c[1:] for c in GRAPH_CASES], ids=[c[0] for c in GRAPH_CASES])
def test_monitoring_links_are_the_dashboards_and_images_shared(text: str, tools: tuple[str, ...]) -> None:
    links = monitoring_links(_stream(("Marco", text)))
    assert tuple(link.tool for link in links) == tools
    for link in links:
        assert link.evidence == ["E1"]
        assert link.url in text
        assert link.url == "" or not link.url.endswith(".")


def test_a_link_shared_twice_is_listed_once_at_its_first_sharing() -> None:
    url = "https://grafana.acme.example/d/chk-ovw/checkout"
    links = monitoring_links(_stream(("Marco", f"look: {url}"), ("Priya", f"again {url}")))
    assert [(link.url, link.evidence) for link in links] == [(url, ["E1"])]
