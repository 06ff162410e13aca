"""PagerDuty REST API v2 saved as JSON: incidents (``GET /incidents[/{id}]``) and their log entries."""

from __future__ import annotations

import re
from typing import Any

from postmortem_writer.errors import InputError
from postmortem_writer.models import ActorKind, Event, Signal, SourceKind
from postmortem_writer.sources.base import UNKNOWN_ACTOR, Document, Parsed, SourceOptions, as_list
from postmortem_writer.sources.collapse import ALERT_KEY, ASSIGNEES
from postmortem_writer.timeparse import parse_instant

# The schema's AcknowledgeLogEntry says "acknowledgement_log_entry"; real responses say
# "acknowledge_log_entry". Both mean the same.
_SIGNALS = {
    "trigger_log_entry": Signal.PAGE_TRIGGERED,
    "assign_log_entry": Signal.PAGE_ASSIGNED,
    "notify_log_entry": Signal.PAGE_NOTIFIED,
    "acknowledge_log_entry": Signal.PAGE_ACKNOWLEDGED,
    "acknowledgement_log_entry": Signal.PAGE_ACKNOWLEDGED,
    "escalate_log_entry": Signal.PAGE_ESCALATED,
    "annotate_log_entry": Signal.PAGE_NOTE,
    "resolve_log_entry": Signal.PAGE_RESOLVED,
}
INCIDENT_SUMMARY = re.compile(r"^\[#(?P<number>\d+)\]\s*(?P<title>.*)$")


class PagerDutyLogEntriesAdapter:
    """Reads PagerDuty log entries into page events (trigger, notify, ack, escalate, note, resolve)."""

    name = "pagerduty-log-entries"
    kind = SourceKind.PAGE
    description = "PagerDuty incident log entries (REST API v2 JSON)"
    hint = 'JSON object with a "log_entries" list, or a list of objects whose "type" ends in _log_entry'
    example = "postmortem draft log_entries_Q1VX8CHKL4TZ0R.json"
    signature = (("log_entries",), ("agent",), ("channel",), ("incident",))

    def sniff(self, doc: Document) -> bool:
        """True for a ``{"log_entries": [...]}`` response or a bare list of log entries."""
        data = doc.try_json()
        if isinstance(data, dict):
            return isinstance(data.get("log_entries"), list)
        return (
            isinstance(data, list)
            and bool(data)
            and all(isinstance(e, dict) and str(e.get("type", "")).endswith("_log_entry") for e in data)
        )

    def parse(self, doc: Document, options: SourceOptions) -> Parsed:
        """One event per log entry, oldest first (the API lists newest first)."""
        data = doc.json
        entries = data.get("log_entries") if isinstance(data, dict) else data
        if not isinstance(entries, list):
            raise InputError('expected a "log_entries" list', path=doc.name)
        parsed = Parsed()
        parsed.collect(
            ((f"record {number}", entry) for number, entry in enumerate(entries, start=1)),
            lambda position, entry: self._event(doc.name, position, entry, options),
        )
        events = parsed.events
        # Entry ids are opaque, so same-second entries (trigger and assign) keep the order PagerDuty
        # made them in: the file order, read backwards when the file lists newest first.
        if events and events[0].ts > events[-1].ts:
            events.reverse()
        parsed.events = sorted(events, key=lambda event: event.ts)
        return parsed.usable()

    def _event(self, path: str, position: str, entry: Any, options: SourceOptions) -> Event:
        if not isinstance(entry, dict):
            raise InputError("log entry is not a JSON object", path=path, position=position)
        created_at = entry.get("created_at")
        if not isinstance(created_at, str):
            raise InputError("log entry has no created_at", path=path, position=position)
        entry_type = str(entry.get("type", ""))
        actor, actor_kind = _actor(entry)
        entry_id = str(entry["id"]) if entry.get("id") is not None else None
        return Event(
            ts=parse_instant(created_at, tz=options.tz, path=path, position=position),
            source=path,
            format=self.name,
            kind=self.kind,
            ref=f"{position} ({entry_id})" if entry_id else position,
            actor=actor,
            actor_kind=actor_kind,
            text=_text(entry, entry_type),
            signal=_SIGNALS.get(entry_type),
            native_id=entry_id,
            meta=_meta(entry),
        )


def summary_of(reference: Any) -> str | None:
    """The ``summary`` of a PagerDuty reference object (user, service, incident), if it has one."""
    if isinstance(reference, dict) and isinstance(reference.get("summary"), str) and reference["summary"].strip():
        return str(reference["summary"])
    return None


def _actor(entry: dict[str, Any]) -> tuple[str, ActorKind]:
    agent = entry.get("agent")
    name = summary_of(agent)
    if name is not None and isinstance(agent, dict):
        return name, ActorKind.HUMAN if agent.get("type") == "user_reference" else ActorKind.BOT
    # Notify entries have no agent; the person paged is the one the entry is about.
    user = summary_of(entry.get("user"))
    if user is not None:
        return user, ActorKind.HUMAN
    return "PagerDuty", ActorKind.SYSTEM


def _text(entry: dict[str, Any], entry_type: str) -> str:
    channel: dict[str, Any] = entry["channel"] if isinstance(entry.get("channel"), dict) else {}
    if entry_type == "annotate_log_entry":
        return f"Note: {entry.get('note') or summary_of(channel) or ''}".strip()
    sentence = str(entry.get("summary") or entry_type.replace("_", " ")).rstrip(".")
    notification = channel.get("notification")
    status = notification.get("status") if isinstance(notification, dict) else None
    if status and status != "success":
        sentence += f" ({status})"
    assignees = [name for name in map(summary_of, entry.get("assignees") or []) if name]
    if entry_type == "escalate_log_entry" and assignees:
        return f"{sentence}: assigned to {', '.join(assignees)}."
    detail = summary_of(channel)
    return f"{sentence}: {detail}" if detail else f"{sentence}."


def _meta(entry: dict[str, Any]) -> dict[str, Any]:
    meta: dict[str, Any] = {}
    incident = summary_of(entry.get("incident"))
    if incident is not None:
        match = INCIDENT_SUMMARY.match(incident)
        meta["incident_number"] = int(match["number"]) if match else None
        meta["incident_title"] = match["title"] if match else incident
    service = summary_of(entry.get("service"))
    if service is not None:
        meta["service"] = service
    key = incident_key(entry.get("incident"))
    if key is not None:
        meta[ALERT_KEY] = key
    assignees = [name for name in map(summary_of, as_list(entry.get("assignees"))) if name]
    if assignees and entry.get("type") in ("assign_log_entry", "escalate_log_entry"):
        meta[ASSIGNEES] = assignees
    return meta


def incident_key(incident: Any) -> str | None:
    """The alert identity of a PagerDuty incident (or reference to one), shared by every PagerDuty format.

    An incident export and its log entries then tell one trigger and one resolve, not two.
    """
    if isinstance(incident, dict) and isinstance(incident.get("id"), str | int) and str(incident["id"]):
        return f"pagerduty:{incident['id']}"
    return None


class PagerDutyIncidentsAdapter:
    """Reads PagerDuty incidents into page events: triggered, each acknowledgement, resolved."""

    name = "pagerduty-incidents"
    kind = SourceKind.PAGE
    description = "PagerDuty incidents (REST API v2 JSON: one incident or a list of them)"
    hint = 'JSON object with an "incident" object or an "incidents" list'
    example = "postmortem draft incident_Q1VX8CHKL4TZ0R.json log_entries_Q1VX8CHKL4TZ0R.json"
    signature = (("incident", "incidents"), ("incident_number",), ("service",), ("escalation_policy",))

    def sniff(self, doc: Document) -> bool:
        """True for a ``{"incident": {...}}`` or ``{"incidents": [...]}`` response."""
        data = doc.try_json()
        return isinstance(data, dict) and (
            isinstance(data.get("incident"), dict) or isinstance(data.get("incidents"), list)
        )

    def parse(self, doc: Document, options: SourceOptions) -> Parsed:
        """Up to three kinds of events per incident; the API keeps no fuller history (log entries do)."""
        data = doc.json
        if isinstance(data, dict) and isinstance(data.get("incident"), dict):
            incidents: list[Any] = [data["incident"]]
        elif isinstance(data, dict) and isinstance(data.get("incidents"), list):
            incidents = data["incidents"]
        else:
            raise InputError('expected an "incident" object or an "incidents" list', path=doc.name)
        parsed = Parsed()
        parsed.collect(
            ((f"incident {number}", incident) for number, incident in enumerate(incidents, start=1)),
            lambda position, incident: self._events(doc.name, position, incident, options),
        )
        return parsed.usable()

    def _events(self, path: str, position: str, incident: Any, options: SourceOptions) -> list[Event]:
        if not isinstance(incident, dict):
            raise InputError("incident is not a JSON object", path=path, position=position)
        created_at = incident.get("created_at")
        if not isinstance(created_at, str):
            raise InputError("incident has no created_at", path=path, position=position)
        number = incident.get("incident_number")
        title = str(incident.get("title") or incident.get("description") or incident.get("summary") or "incident")
        label = f"#{number} {title}" if isinstance(number, int) else title
        native = str(incident["id"]) if isinstance(incident.get("id"), str | int) else None
        meta: dict[str, Any] = {"incident_number": number if isinstance(number, int) else None, "incident_title": title}
        service = summary_of(incident.get("service"))
        if service is not None:
            meta["service"] = service
        key = incident_key(incident)
        if key is not None:
            meta[ALERT_KEY] = key
        ref = f"{position} ({native})" if native else position

        def event(at: str, actor: tuple[str, ActorKind], text: str, signal: Signal) -> Event:
            return Event(
                ts=parse_instant(at, tz=options.tz, path=path, position=position),
                source=path,
                format=self.name,
                kind=self.kind,
                ref=ref,
                actor=actor[0],
                actor_kind=actor[1],
                text=text,
                signal=signal,
                native_id=native,
                meta=dict(meta),
            )

        trigger_actor = (service, ActorKind.BOT) if service else ("PagerDuty", ActorKind.SYSTEM)
        events = [event(created_at, trigger_actor, f"Triggered {label}.", Signal.PAGE_TRIGGERED)]
        # Acknowledgements are emptied once an incident resolves; log entries keep them for good.
        for ack in incident.get("acknowledgements") or []:
            if isinstance(ack, dict) and isinstance(ack.get("at"), str):
                who = summary_of(ack.get("acknowledger")) or UNKNOWN_ACTOR
                events.append(
                    event(ack["at"], (who, ActorKind.HUMAN), f"Acknowledged by {who}.", Signal.PAGE_ACKNOWLEDGED)
                )
        resolved_at = incident.get("resolved_at")
        if incident.get("status") == "resolved" and isinstance(resolved_at, str):
            by = incident.get("last_status_change_by")
            resolver = summary_of(by)
            kind = ActorKind.HUMAN if isinstance(by, dict) and by.get("type") == "user_reference" else ActorKind.BOT
            actor = (resolver, kind) if resolver else ("PagerDuty", ActorKind.SYSTEM)
            text = f"Resolved {label}" + (f" by {resolver}." if resolver and kind is ActorKind.HUMAN else ".")
            events.append(event(resolved_at, actor, text, Signal.PAGE_RESOLVED))
        return events
