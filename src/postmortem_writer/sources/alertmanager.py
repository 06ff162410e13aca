"""Prometheus Alertmanager webhook payloads (version 4), as a receiver logs them, and its alert list.

A file may hold one payload, a JSON array of payloads, or one payload per line (JSON Lines). The
alert list (``GET /api/v2/alerts``, ``amtool alert query -o json``) is a JSON array of bare alerts,
read as one payload: its alerts are all still firing (its ``endsAt`` is an expiry, not an end).
Grafana's webhook has the same alert shape, so ``grafana.py`` reads its alerts with ``alert_events``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from postmortem_writer.errors import InputError
from postmortem_writer.models import ActorKind, Event, Signal, SourceKind
from postmortem_writer.sources.base import Document, Parsed, SourceOptions, jsonl_records
from postmortem_writer.sources.collapse import ALERT_KEY
from postmortem_writer.timeparse import parse_instant

_VERSIONS = frozenset({"1", "2", "3", "4"})


class AlertmanagerAdapter:
    """Reads each alert of each webhook payload: firing at ``startsAt``, resolved at ``endsAt``."""

    name = "alertmanager"
    kind = SourceKind.ALERT
    description = (
        "Prometheus Alertmanager webhook payloads (version 4): one payload, a JSON array, or JSON Lines;"
        " or its alert list (GET /api/v2/alerts, amtool alert query -o json)"
    )
    hint = (
        'JSON with "version": "4" (or "1"), "groupKey" and "alerts" (the first payload, for arrays and JSON Lines),'
        ' or an array of alerts with "fingerprint", "startsAt" and a "status" object'
    )
    example = "postmortem draft alertmanager-webhooks.jsonl"
    signature = (("alerts",), ("groupKey",), ("startsAt",), ("labels", "fingerprint"), ("version",))

    def sniff(self, doc: Document) -> bool:
        """True when the (first) payload is an Alertmanager notification."""
        first = first_payload(doc)
        if first is None:
            return False
        # Version "1" is what Alertmanager's own test notification and older releases send; Grafana's
        # version "1" payloads carry "orgId" or "state", and are Grafana's.
        notification = (
            first.get("version") in _VERSIONS
            and "groupKey" in first
            and "alerts" in first
            and not ({"orgId", "state"} & first.keys())
        )
        return notification or _is_listed_alert(first)

    def parse(self, doc: Document, options: SourceOptions) -> Parsed:
        """Firing and resolved events of every alert; re-sent notifications are merged later (collapse)."""
        return read_payloads(doc, options, self.name, "Alertmanager")


def first_payload(doc: Document) -> dict[str, Any] | None:
    """The first payload object of a file holding one, an array of them, or JSON Lines; for sniffing."""
    if not doc.looks_like_json():
        return None
    data = doc.try_json()
    if data is None:
        try:
            data = json.loads(doc.text.lstrip().splitlines()[0])
        except (InputError, json.JSONDecodeError, IndexError, RecursionError):
            # Indented objects back to back (a receiver's log, a watch stream): the first of them.
            data = doc.json_values[0] if doc.json_values else None
    if isinstance(data, list):
        data = data[0] if data else None
    return data if isinstance(data, dict) else None


def read_payloads(doc: Document, options: SourceOptions, fmt: str, tool: str) -> Parsed:
    """Events of every alert in every payload of ``doc``, read as format ``fmt`` sent by ``tool``."""
    parsed = Parsed()
    alerts: list[tuple[str, Any]] = []
    for position, payload in payloads(doc):
        if isinstance(payload, InputError):
            parsed.skipped.append(payload)
            continue
        if not isinstance(payload, dict) or not isinstance(payload.get("alerts"), list):
            parsed.skipped.append(InputError('payload has no "alerts" list', path=doc.name, position=position))
            continue
        alerts.extend((f"{position} alert {n}".lstrip(), alert) for n, alert in enumerate(payload["alerts"], start=1))
    shown = _telling_labels(alert for _, alert in alerts)
    parsed.collect(alerts, lambda where, alert: alert_events(doc.name, where, alert, options, fmt, tool, shown))
    return parsed.usable()


def _telling_labels(alerts: Iterable[Any]) -> dict[str, list[str]]:
    """By alert name, the labels whose values differ between its alerts in one file (instance, route, …).

    Those are what tell two alerts of one rule apart; labels every one of them shares are left out.
    """
    groups: dict[str, list[dict[str, str]]] = {}
    for alert in alerts:
        labels = _strings(alert.get("labels")) if isinstance(alert, dict) else {}
        groups.setdefault(labels.get("alertname") or "alert", []).append(labels)
    telling: dict[str, list[str]] = {}
    for name, label_sets in groups.items():
        keys = dict.fromkeys(key for labels in label_sets for key in labels)
        telling[name] = [key for key in keys if len({labels.get(key) for labels in label_sets}) > 1]
    return telling


def payloads(doc: Document) -> Iterator[tuple[str, Any]]:
    """Each payload of a file holding one, an array of them, or JSON Lines, with its position."""
    data = doc.try_json()
    if data is None and not _first_line_is_json(doc.text) and doc.json_values:
        yield from ((f"payload {n}", payload) for n, payload in enumerate(doc.json_values, start=1))
    elif data is None:
        if not _first_line_is_json(doc.text):
            _ = doc.json  # one damaged document, not JSON Lines: its parse error names line and column
        yield from jsonl_records(doc.name, doc.text)
    elif isinstance(data, list) and data and _is_listed_alert(data[0]):
        yield "", {"alerts": data}
    elif isinstance(data, list):
        yield from ((f"payload {n}", payload) for n, payload in enumerate(data, start=1))
    else:
        yield "", data


def _is_listed_alert(value: Any) -> bool:
    """An alert of the API's alert list: unlike a webhook alert, its ``status`` is an object (``state``)."""
    return (
        isinstance(value, dict)
        and isinstance(value.get("status"), dict)
        and "state" in value["status"]
        and "startsAt" in value
        and "fingerprint" in value
    )


# Grafana's own alerts about its data sources: the query failed or returned nothing. They say the
# monitoring could not see, not that the system was unwell, so they are not detections.
_DATA_SOURCE_ALERTS = frozenset({"DatasourceNoData", "DatasourceError"})


def _first_line_is_json(text: str) -> bool:
    line = next((line for line in text.splitlines() if line.strip()), "")
    try:
        return isinstance(json.loads(line), dict)
    except (json.JSONDecodeError, RecursionError):
        return False


def alert_events(
    path: str,
    position: str,
    alert: Any,
    options: SourceOptions,
    fmt: str,
    tool: str,
    telling: Mapping[str, list[str]],
) -> list[Event]:
    """A firing event at ``startsAt`` and, for a resolved alert, a resolved event at ``endsAt``.

    ``telling`` names, by alert name, the labels shown so that two alerts of one rule read apart.
    """
    if not isinstance(alert, dict):
        raise InputError("alert is not a JSON object", path=path, position=position)
    starts_at = alert.get("startsAt")
    if not isinstance(starts_at, str):
        raise InputError("alert has no startsAt", path=path, position=position)
    labels = _strings(alert.get("labels"))
    annotations = _strings(alert.get("annotations"))
    name = labels.get("alertname") or "alert"
    fingerprint = alert.get("fingerprint")
    # Without a fingerprint, the label set is the alert's identity (that is what Alertmanager hashes).
    identity = fingerprint if isinstance(fingerprint, str) and fingerprint else json.dumps(labels, sort_keys=True)
    summary, description = annotations.get("summary", ""), annotations.get("description", "")
    detail = " — ".join(part for part in (summary, description) if part and (part == summary or part not in summary))
    values = _values(alert.get("values"))
    if values:
        detail = f"{detail} (values: {values})".lstrip()
    shown = ", ".join(f"{key}={labels[key]}" for key in telling.get(name, ()) if key in labels)
    name_shown = f"{name} {{{shown}}}" if shown else name
    meta: dict[str, Any] = {ALERT_KEY: f"{fmt}:{identity}", "alertname": name}
    meta.update({label: labels[label] for label in ("service", "severity") if label in labels})

    data_source = name in _DATA_SOURCE_ALERTS
    if data_source:
        detail = f"{detail} (a data source problem, not a symptom)".lstrip()

    def event(at: str, state: str, signal: Signal) -> Event:
        return Event(
            ts=parse_instant(at, tz=options.tz, path=path, position=position),
            source=path,
            format=fmt,
            kind=SourceKind.ALERT,
            ref=position,
            actor=tool,
            actor_kind=ActorKind.BOT,
            text=f"[{state}] {name_shown}" + (f": {detail}" if detail else ""),
            signal=None if data_source else signal,
            native_id=fingerprint if isinstance(fingerprint, str) and fingerprint else None,
            meta=dict(meta),
        )

    events = [event(starts_at, "FIRING", Signal.ALERT_FIRING)]
    ends_at = alert.get("endsAt")
    # Firing alerts carry endsAt "0001-01-01T00:00:00Z" by design: no end known yet.
    if alert.get("status") == "resolved" and isinstance(ends_at, str) and not ends_at.startswith("0001-"):
        events.append(event(ends_at, "RESOLVED", Signal.ALERT_RESOLVED))
    return events


def _values(value: Any) -> str:
    """Grafana's evaluated query values (``{"B": 2.41, "C": 1}``) as ``B=2.41, C=1``."""
    if not isinstance(value, dict):
        return ""
    return ", ".join(f"{key}={number}" for key, number in value.items() if isinstance(number, int | float | str))


def _strings(value: Any) -> dict[str, str]:
    return {str(k): str(v) for k, v in value.items() if v is not None} if isinstance(value, dict) else {}
