"""Kubernetes events (``kubectl get events -o json``), core/v1 and events.k8s.io/v1 shapes."""

from __future__ import annotations

from typing import Any

from postmortem_writer.errors import InputError
from postmortem_writer.models import ActorKind, Event, SourceKind
from postmortem_writer.sources.base import Document, Parsed, SourceOptions, as_object, record_object
from postmortem_writer.timeparse import parse_instant


class KubernetesEventsAdapter:
    """Reads each Event object once, at the time it was first seen; a repeated event keeps its count."""

    name = "kubernetes-events"
    kind = SourceKind.STATUS
    description = (
        "Kubernetes events from `kubectl get events -o json` (a List of Event objects), one Event,"
        " or the `kubectl get events -w -o json` stream"
    )
    hint = (
        'JSON object with "kind": "List" whose "items" are Events (reason, message, involvedObject),'
        " one Event, or Event objects back to back"
    )
    example = "kubectl get events -n checkout -o json > events.json; postmortem ingest events.json"
    signature = (("kind",), ("items",), ("involvedObject", "regarding"), ("reason",), ("message", "note"))

    def sniff(self, doc: Document) -> bool:
        """True for a List whose first item is an Event, one Event, or a watch stream of them."""
        items = _items(doc) or []
        return bool(items) and _is_event(items[0])

    def parse(self, doc: Document, options: SourceOptions) -> Parsed:
        """One event per item, ordered by first-seen time."""
        items = _items(doc)
        if items is None:
            raise InputError('expected a List with an "items" array of Events, or Event objects', path=doc.name)
        parsed = Parsed()
        parsed.collect(
            ((f"item {n}", item) for n, item in enumerate(items, start=1)),
            lambda position, item: self._event(doc.name, position, item, options),
        )
        parsed.events.sort(key=lambda event: event.ts)
        return parsed.usable()

    def _event(self, path: str, position: str, item: Any, options: SourceOptions) -> Event:
        item = record_object(item, path, position)
        metadata = as_object(item.get("metadata"))
        series = as_object(item.get("series"))
        # core/v1 events written through events.k8s.io/v1 have null first/lastTimestamp and set eventTime.
        last = _time(item, "lastTimestamp", "deprecatedLastTimestamp") or series.get("lastObservedTime")
        first = _time(item, "firstTimestamp", "deprecatedFirstTimestamp", "eventTime") or last
        first = first or metadata.get("creationTimestamp")
        if not isinstance(first, str):
            raise InputError(
                "event has no time (no timestamps, eventTime or creationTimestamp)", path=path, position=position
            )
        ts = parse_instant(first, tz=options.tz, path=path, position=position)
        count = item.get("count") or item.get("deprecatedCount") or series.get("count") or 1
        obj = as_object(item.get("involvedObject") or item.get("regarding"))
        subject = "/".join(str(part) for part in (obj.get("kind"), obj.get("name")) if part) or "cluster"
        reason = str(item.get("reason") or "event")
        message = str(item.get("message") or item.get("note") or "").strip()
        text = f"{subject}: {reason}" + (f": {message}" if message else "")
        if item.get("type") == "Warning":
            text = f"Warning {text}"
        last_ts = parse_instant(last, tz=options.tz, path=path, position=position) if isinstance(last, str) else None
        if isinstance(count, int) and count > 1:
            until = f" until {last_ts.strftime('%Y-%m-%d %H:%M:%S')} UTC" if last_ts else ""
            text += f" ({count} times{until})"
        # events.k8s.io/v1 keeps a core/v1 event's source (its only component name) as deprecatedSource.
        source = as_object(item.get("source") or item.get("deprecatedSource"))
        actor = str(
            source.get("component") or item.get("reportingComponent") or item.get("reportingController") or "kubernetes"
        )
        return Event(
            ts=ts,
            source=path,
            format=self.name,
            kind=self.kind,
            ref=f"{position} ({metadata['name']})" if metadata.get("name") else position,
            actor=actor,
            actor_kind=ActorKind.SYSTEM,
            text=text,
            native_id=str(metadata["uid"]) if metadata.get("uid") else None,
            meta={
                "reason": reason,
                "type": item.get("type"),
                "namespace": obj.get("namespace") or metadata.get("namespace"),
                "object": subject,
                "count": count if isinstance(count, int) else None,
                "last_seen": last_ts.isoformat() if last_ts else None,
            },
        )


def _items(doc: Document) -> list[Any] | None:
    """The Events of a List (``kubectl get events -o json``), of one Event (``kubectl get event NAME -o json``),
    or of a watch stream (``kubectl get events -w -o json``: objects back to back, or wrapped as
    ``{"type": "ADDED", "object": …}`` with ``--output-watch-events``); ``None`` for anything else.
    """
    data = doc.try_json()
    if isinstance(data, dict):
        items = data.get("items") if data.get("kind") != "Event" else [data]
        return items if isinstance(items, list) else ([data] if _is_event(data) else None)
    values = doc.json_values if data is None else data
    if isinstance(values, list) and values and _is_event(values[0]):
        return [_unwrapped(value) for value in values]
    return None


def _unwrapped(value: Any) -> Any:
    if isinstance(value, dict) and isinstance(value.get("object"), dict) and isinstance(value.get("type"), str):
        return value["object"]
    return value


def _is_event(value: Any) -> bool:
    value = _unwrapped(value)
    return isinstance(value, dict) and (
        value.get("kind") == "Event" or ("reason" in value and ("involvedObject" in value or "regarding" in value))
    )


def _time(item: dict[str, Any], *keys: str) -> str | None:
    return next((item[key] for key in keys if isinstance(item.get(key), str) and item[key]), None)
