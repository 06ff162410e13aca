"""Datadog events (``/api/v1/events`` and ``/api/v2/events`` JSON), monitor transitions above all."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from postmortem_writer.errors import InputError
from postmortem_writer.models import ActorKind, Event, Signal, SourceKind
from postmortem_writer.sources.base import Document, Parsed, SourceOptions
from postmortem_writer.sources.collapse import ALERT_KEY
from postmortem_writer.timeparse import from_epoch, parse_instant

# Monitor transitions are told in the title: "[P2] [Triggered on {group}] Monitor name".
_TITLE = re.compile(r"^\s*(?:\[P\d\]\s*)?\[(?P<transition>[A-Za-z -]+?)(?: on \{(?P<group>[^}]*)\})?\]\s*(?P<name>.*)$")
_TRANSITIONS = {
    "triggered": Signal.ALERT_FIRING,
    "re-triggered": Signal.ALERT_FIRING,
    "alert": Signal.ALERT_FIRING,
    "recovered": Signal.ALERT_RESOLVED,
}
# Without a transition in the title, the event's own status decides (v1 alert_type, v2 status).
_STATUSES = {"error": Signal.ALERT_FIRING, "success": Signal.ALERT_RESOLVED}
_MARKDOWN_FENCE = re.compile(r"%%%")
_LINK_ONLY = re.compile(r"^\[\[.*\]\]$|^[-\s]*$|^(@\S+\s*)+$")


class DatadogEventsAdapter:
    """Reads Datadog events; monitor titles tell firing ([Triggered]) from resolved ([Recovered])."""

    name = "datadog-events"
    kind = SourceKind.ALERT
    description = "Datadog events JSON: v1 {events: [...]} or v2 {data: [{type: event, ...}]}, or one event"
    hint = (
        'JSON with "events" whose records have "date_happened" (v1), or "data" records with "type": "event" (v2);'
        ' one event, bare or as {"event": {...}}'
    )
    example = "postmortem draft datadog_events.json"
    signature = (("date_happened", "timestamp"), ("title",), ("alert_type", "source_type_name"), ("events", "event"))

    def sniff(self, doc: Document) -> bool:
        """True for a v1 or v2 events response, or one event (bare or as ``{"event": …}``)."""
        records = _records(doc.try_json())
        if not records or not isinstance(records[0], dict):
            return False
        first = records[0]
        return "date_happened" in first or first.get("type") == "event"

    def parse(self, doc: Document, options: SourceOptions) -> Parsed:
        """One event per record, in file order (the API lists newest first; the stream sorts)."""
        records = _records(doc.json)
        if records is None:
            raise InputError('expected an "events" or "data" list, or one event', path=doc.name)
        parsed = Parsed()
        parsed.collect(
            ((f"event {n}", record) for n, record in enumerate(records, start=1)),
            lambda position, record: self._event(doc.name, position, record, options),
        )
        return parsed.usable()

    def _event(self, path: str, position: str, record: Any, options: SourceOptions) -> Event:
        if not isinstance(record, dict):
            raise InputError("event is not a JSON object", path=path, position=position)
        outer = record.get("attributes")
        if isinstance(outer, dict):  # v2: the v1-like fields sit one level deeper
            inner: dict[str, Any] = outer["attributes"] if isinstance(outer.get("attributes"), dict) else {}
            when: Any = outer.get("timestamp") or inner.get("timestamp")
            title, body, status = inner.get("title"), outer.get("message"), inner.get("status")
            native = inner["evt"].get("id") if isinstance(inner.get("evt"), dict) else record.get("id")
        else:
            when = record.get("date_happened")
            title, body, status = record.get("title"), record.get("text"), record.get("alert_type")
            native = record.get("id_str") or record.get("id")
        title = title if isinstance(title, str) else ""
        match = _TITLE.match(title)
        signal = _TRANSITIONS.get(match["transition"].lower()) if match else _STATUSES.get(str(status))
        detail = _first_line(body)
        meta: dict[str, Any] = {}
        if match:
            # Per monitor and group: a multi-alert monitor fires once per group.
            meta[ALERT_KEY] = f"datadog:{match['name'].strip()}|{match['group'] or ''}"
            meta["monitor"] = match["name"].strip()
        return Event(
            ts=_time(when, options, path, position),
            source=path,
            format=self.name,
            kind=self.kind,
            ref=f"{position} ({native})" if native else position,
            actor="Datadog",
            actor_kind=ActorKind.BOT,
            text=" — ".join(part for part in (title.strip(), detail) if part) or "(untitled event)",
            signal=signal,
            # Ids pass 2**53; id_str (v1) and evt.id (v2) keep them exact, a bare number is kept as written.
            native_id=str(native) if isinstance(native, str | int) and not isinstance(native, bool) else None,
            meta=meta,
        )


def _records(data: Any) -> list[Any] | None:
    """The events of a list response (v1 ``events``, v2 ``data``), of a one-event response (v1
    ``{"event": …}`` from ``GET /api/v1/events/{id}``, v2 ``{"data": {…}}``), or one bare event."""
    if not isinstance(data, dict):
        return None
    for key in ("events", "data", "event"):
        value = data.get(key)
        if isinstance(value, list):
            return value
        if isinstance(value, dict):
            return [value]
    return [data] if "date_happened" in data else None


def _time(value: Any, options: SourceOptions, path: str, position: str) -> datetime:
    if isinstance(value, str) and value.strip():
        return parse_instant(value, tz=options.tz, path=path, position=position)
    if isinstance(value, int | float) and not isinstance(value, bool):
        # v1 date_happened is epoch seconds, v2's inner timestamp epoch milliseconds.
        seconds = value / 1000 if value > 1e11 else value
        try:
            return from_epoch(seconds)
        except (OverflowError, OSError, ValueError):
            raise InputError(f"event time {value!r} is out of range", path=path, position=position) from None
    raise InputError("event has no time", path=path, position=position)


def _first_line(body: Any) -> str:
    """The first line of a markdown body that says something (not a mention list or a link row)."""
    if not isinstance(body, str):
        return ""
    for line in _MARKDOWN_FENCE.sub("", body).splitlines():
        line = line.strip()
        if line and not _LINK_ONLY.match(line):
            return line
    return ""
