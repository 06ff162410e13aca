"""Alert and paging inputs the samples do not show: other shapes, naive times, missing fields, bad records.

One table: each case is a file name and content, the ``--tz`` given (if any), and either the
events expected (UTC time, signal, in time order) with the warnings expected, or the error.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from postmortem_writer.errors import InputError
from postmortem_writer.models import Signal
from postmortem_writer.sources import SourceOptions, load_sources
from postmortem_writer.timeparse import zone

F, R = Signal.ALERT_FIRING, Signal.ALERT_RESOLVED
TRIG, ACK, RES, NOTE = Signal.PAGE_TRIGGERED, Signal.PAGE_ACKNOWLEDGED, Signal.PAGE_RESOLVED, Signal.PAGE_NOTE


def am_alert(
    fingerprint: str, starts: str, ends: str = "0001-01-01T00:00:00Z", status: str = "firing"
) -> dict[str, Any]:
    return {
        "status": status,
        "labels": {"alertname": "DiskFull", "service": "db"},
        "annotations": {"summary": "disk above 90%"},
        "startsAt": starts,
        "endsAt": ends,
        "fingerprint": fingerprint,
    }


def am_payload(*alerts: dict[str, Any], version: str = "4") -> dict[str, Any]:
    return {"version": version, "groupKey": '{}:{alertname="DiskFull"}', "status": "firing", "alerts": list(alerts)}


def dumps(value: Any) -> str:
    return json.dumps(value, indent=2)


def jsonl(*values: Any) -> str:
    return "".join(json.dumps(value) + "\n" for value in values)


@dataclass
class Case:
    name: str
    content: str
    fmt: str = ""
    events: list[tuple[str, Signal | None]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    tz: str | None = None
    error: str | None = None


CASES = {
    "alertmanager-jsonl-skips-a-broken-line": Case(
        "webhooks.jsonl",
        jsonl(am_payload(am_alert("aa", "2025-03-04T09:00:00Z")))
        + "{not json\n"
        + jsonl(am_payload(am_alert("aa", "2025-03-04T09:00:00Z", "2025-03-04T09:30:00Z", "resolved"))),
        "alertmanager",
        [("2025-03-04T09:00:00", F), ("2025-03-04T09:30:00", R)],
        ["webhooks.jsonl:line 2: malformed JSON"],
    ),
    "alertmanager-array-of-payloads": Case(
        "webhooks.json",
        dumps([am_payload(am_alert("aa", "2025-03-04T09:00:00Z")), am_payload(am_alert("bb", "2025-03-04T09:05:00Z"))]),
        "alertmanager",
        [("2025-03-04T09:00:00", F), ("2025-03-04T09:05:00", F)],
    ),
    "alertmanager-alert-without-startsAt-is-skipped": Case(
        "webhook.json",
        dumps(am_payload(am_alert("aa", "2025-03-04T09:00:00Z"), {"status": "firing", "labels": {}})),
        "alertmanager",
        [("2025-03-04T09:00:00", F)],
        ["webhook.json:alert 2: alert has no startsAt"],
    ),
    "alertmanager-resolved-with-zero-endsAt-has-no-resolve-time": Case(
        "webhook.json",
        dumps(am_payload(am_alert("aa", "2025-03-04T09:00:00Z", status="resolved"))),
        "alertmanager",
        [("2025-03-04T09:00:00", F)],
    ),
    "alertmanager-naive-times-need-tz": Case(
        "webhook.json",
        dumps(am_payload(am_alert("aa", "2025-03-04T10:00:00"))),
        error="webhook.json:alert 1: time has no time zone; pass --tz",
    ),
    "alertmanager-naive-times-read-in-tz": Case(
        "webhook.json",
        dumps(am_payload(am_alert("aa", "2025-03-04T10:00:00"))),
        "alertmanager",
        [("2025-03-04T09:00:00", F)],
        tz="Europe/Berlin",
    ),
    "alertmanager-truncated-payload-names-line-and-column": Case(
        "webhook.json", dumps(am_payload(am_alert("aa", "2025-03-04T09:00:00Z")))[:120], error="malformed JSON"
    ),
    "alertmanager-time-out-of-range-in-utc-skips-the-alert": Case(
        "webhook.json",
        dumps(am_payload(am_alert("aa", "2025-03-04T09:00:00Z"), am_alert("bb", "0001-01-01T00:00:00+05:00"))),
        "alertmanager",
        [("2025-03-04T09:00:00", F)],
        ["webhook.json:alert 2: time 0001-01-01T00:00:00+05:00 is out of range in UTC"],
    ),
    "alertmanager-jsonl-line-nested-too-deeply-is-skipped": Case(
        "webhooks.jsonl",
        jsonl(am_payload(am_alert("aa", "2025-03-04T09:00:00Z"))) + "[" * 5000 + "]" * 5000 + "\n",
        "alertmanager",
        [("2025-03-04T09:00:00", F)],
        ["webhooks.jsonl:line 2: JSON nested too deeply"],
    ),
    "grafana-version-1-with-orgId": Case(
        "grafana.json",
        dumps(
            {**am_payload(am_alert("gg", "2025-03-04T10:00:00+01:00"), version="1"), "orgId": 1, "state": "alerting"}
        ),
        "grafana-webhook",
        [("2025-03-04T09:00:00", F)],
    ),
    "grafana-data-source-alerts-are-not-detections": Case(
        "grafana.json",
        dumps(
            {
                **am_payload(
                    {**am_alert("gg", "2025-03-04T09:00:00Z"), "labels": {"alertname": "DatasourceNoData"}},
                    version="1",
                ),
                "orgId": 1,
            }
        ),
        "grafana-webhook",
        [("2025-03-04T09:00:00", None)],
    ),
    "pagerduty-incidents-list-skips-one-without-created_at": Case(
        "incidents.json",
        dumps(
            {
                "incidents": [
                    {
                        "id": "P1",
                        "incident_number": 7,
                        "title": "disk full",
                        "status": "resolved",
                        "created_at": "2025-03-04T10:00:00+01:00",
                        "resolved_at": "2025-03-04T10:30:00+01:00",
                        "acknowledgements": [{"at": "2025-03-04T10:05:00+01:00", "acknowledger": {"summary": "Ana"}}],
                        "last_status_change_by": {"type": "user_reference", "summary": "Ana"},
                    },
                    {"id": "P2", "title": "no time"},
                ],
                "more": False,
            }
        ),
        "pagerduty-incidents",
        [("2025-03-04T09:00:00", TRIG), ("2025-03-04T09:05:00", ACK), ("2025-03-04T09:30:00", RES)],
        ["incidents.json:incident 2: incident has no created_at"],
    ),
    "pagerduty-csv-ui-headers-bom-crlf-naive-times": Case(
        "incidents.csv",
        "\ufeffIncident Number,Title,Created On,Resolved,Seconds To First Ack,Acknowledged By,Service\r\n"
        '12,"Disk full, db-1",2025-03-04 10:00:00,2025-03-04 10:30:00,60,Ana;Ben,db\r\n',
        "pagerduty-csv",
        [("2025-03-04T09:00:00", TRIG), ("2025-03-04T09:01:00", ACK), ("2025-03-04T09:30:00", RES)],
        tz="Europe/Berlin",
    ),
    "pagerduty-csv-bad-ack-seconds-skips-the-row": Case(
        "incidents.csv",
        "incident_number,created_at,seconds_to_first_ack\n1,2025-03-04T09:00:00Z,soon\n2,2025-03-04T09:10:00Z,\n",
        "pagerduty-csv",
        [("2025-03-04T09:10:00", TRIG)],
        ["incidents.csv:line 2: seconds_to_first_ack 'soon' is not a number"],
    ),
    # The csv module refuses cells over 128 KiB; that row is skipped, the rows after it are read.
    "pagerduty-csv-runaway-cell-skips-only-its-row": Case(
        "incidents.csv",
        'incident_number,created_at,description\n1,2025-03-04T09:00:00Z,"' + "x" * 200_000 + '"\n'
        "2,2025-03-04T09:10:00Z,disk\n",
        "pagerduty-csv",
        [("2025-03-04T09:10:00", TRIG)],
        ["incidents.csv:line 2: unreadable CSV row: field larger than field limit"],
    ),
    "opsgenie-alert-list-skips-one-without-createdAt": Case(
        "alerts.json",
        dumps(
            {
                "data": [
                    {
                        "id": "a1",
                        "tinyId": "1",
                        "message": "disk",
                        "status": "open",
                        "createdAt": "2025-03-04T09:00:00Z",
                    },
                    {"id": "a2", "tinyId": "2", "message": "cpu"},
                ],
                "took": 0.1,
                "requestId": "r",
            }
        ),
        "opsgenie",
        [("2025-03-04T09:00:00", F)],
        ["alerts.json:alert 2: alert has no createdAt"],
    ),
    "opsgenie-logs-without-paging-refire-and-note": Case(
        "logs.json",
        dumps(
            {
                "data": [
                    {
                        "log": "Alert created via API",
                        "owner": "API",
                        "createdAt": "2025-03-04T09:00:00Z",
                        "offset": "1",
                    },
                    {
                        "log": "Alert occurrence count increased to 2",
                        "createdAt": "2025-03-04T09:10:00Z",
                        "offset": "2",
                    },
                    {"log": "Note added: looking", "owner": "ana@x.example", "createdAt": "2025-03-04T09:11:00Z"},
                    {"log": "Alert closed by ana@x.example", "owner": "ana@x.example"},
                ],
                "took": 0.1,
                "requestId": "r",
            }
        ),
        "opsgenie",
        [("2025-03-04T09:00:00", F), ("2025-03-04T09:11:00", NOTE)],
        ["logs.json:log 4: log record has no createdAt"],
    ),
    "cloudwatch-epoch-timestamps-and-damaged-history-data": Case(
        "history.json",
        dumps(
            {
                "AlarmHistoryItems": [
                    {
                        "AlarmName": "cpu",
                        "Timestamp": 1741078800.5,
                        "HistoryItemType": "StateUpdate",
                        "HistorySummary": "Alarm updated from OK to ALARM",
                        "HistoryData": "{broken",
                    },
                    {
                        "AlarmName": "cpu",
                        "Timestamp": "2025-03-04T09:10:00Z",
                        "HistoryItemType": "StateUpdate",
                        "HistorySummary": "Alarm updated from ALARM to INSUFFICIENT_DATA",
                    },
                    {"Timestamp": "2025-03-04T09:20:00Z", "HistoryItemType": "StateUpdate"},
                ]
            }
        ),
        "cloudwatch-alarm-history",
        [("2025-03-04T09:00:00.500000", F), ("2025-03-04T09:10:00", None)],
        ["history.json:item 3: history item has no AlarmName"],
    ),
    "cloudwatch-bare-list-from-query": Case(
        "history.json",
        dumps(
            [
                {
                    "AlarmName": "cpu",
                    "Timestamp": "2025-03-04T09:00:00.000000+00:00",
                    "HistoryItemType": "StateUpdate",
                    "HistorySummary": "Alarm updated from OK to ALARM",
                }
            ]
        ),
        "cloudwatch-alarm-history",
        [("2025-03-04T09:00:00", F)],
    ),
    "datadog-v1-transitions-from-titles-and-status": Case(
        "events.json",
        dumps(
            {
                "events": [
                    {"date_happened": 1741078800, "title": "[Warn on {host:a}] CPU high", "alert_type": "warning"},
                    {
                        "date_happened": 1741079100,
                        "title": "[Re-Triggered on {host:a}] CPU high",
                        "alert_type": "error",
                    },
                    {"date_happened": 1741079400, "title": "Deploy finished", "alert_type": "success"},
                    {"title": "[Recovered] CPU high"},
                ]
            }
        ),
        "datadog-events",
        [("2025-03-04T09:00:00", None), ("2025-03-04T09:05:00", F), ("2025-03-04T09:10:00", R)],
        ["events.json:event 4: event has no time"],
    ),
    "datadog-v2-epoch-ms-only-inside": Case(
        "events.json",
        dumps(
            {
                "data": [
                    {
                        "id": "x",
                        "type": "event",
                        "attributes": {"attributes": {"timestamp": 1741078800000, "title": "[Triggered] CPU high"}},
                    }
                ]
            }
        ),
        "datadog-events",
        [("2025-03-04T09:00:00", F)],
    ),
}


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_edge_case(tmp_path: Path, case: Case) -> None:
    path = tmp_path / case.name
    path.write_text(case.content, encoding="utf-8")
    options = SourceOptions(tz=zone(case.tz) if case.tz else None)
    if case.error is not None:
        with pytest.raises(InputError) as raised:
            load_sources([path], options)
        assert case.error in str(raised.value)
        return
    loaded = load_sources([path], options)
    assert [record.format for record in loaded.inputs] == [case.fmt]
    events = sorted(loaded.events, key=lambda event: event.ts)
    assert [(e.ts.strftime("%Y-%m-%dT%H:%M:%S.%f").removesuffix(".000000"), e.signal) for e in events] == case.events
    # Each skip is one warning naming file and position.
    assert len(loaded.warnings) == len(case.warnings), loaded.warnings
    for expected, warning in zip(case.warnings, loaded.warnings, strict=True):
        assert expected in warning


def test_opsgenie_alert_without_id_is_known_by_its_tiny_id(tmp_path: Path) -> None:
    envelope = {"took": 0.1, "requestId": "r"}
    first = {"tinyId": "7", "message": "disk", "createdAt": "2025-03-04T09:00:00Z"}
    (tmp_path / "a.json").write_text(dumps({"data": first, **envelope}), encoding="utf-8")
    (tmp_path / "b.json").write_text(dumps({"data": {**first, "createdAt": "2025-03-04T09:20:00Z"}, **envelope}))
    (fired,) = load_sources([tmp_path], SourceOptions()).events
    assert fired.meta["alert_key"] == "opsgenie:tiny:7"
    assert fired.meta["count"] == 2
