"""PagerDuty V3 webhook payloads as a receiver logs them: one payload, a JSON array of them, or JSON Lines.

Each payload is ``{"event": {id, event_type, resource_type, occurred_at, agent, client, data}}``;
``data`` is the incident for most ``incident.*`` types, an ``incident_note`` for
``incident.annotated``, and an object with an ``incident`` reference for responder and status
update events. The incident id gives the same ``alert_key`` as the REST formats, so a webhook
log and a log-entries export of one incident tell each state change once (``collapse.py``).
"""

from __future__ import annotations

from typing import Any

from postmortem_writer.errors import InputError
from postmortem_writer.models import ActorKind, Event, Signal, SourceKind
from postmortem_writer.sources.alertmanager import first_payload, payloads
from postmortem_writer.sources.base import Document, Parsed, SourceOptions, as_list, as_object
from postmortem_writer.sources.collapse import ALERT_KEY, ASSIGNEES
from postmortem_writer.sources.pagerduty import INCIDENT_SUMMARY, incident_key, summary_of
from postmortem_writer.timeparse import parse_instant

_SIGNALS = {
    "incident.triggered": Signal.PAGE_TRIGGERED,
    "incident.acknowledged": Signal.PAGE_ACKNOWLEDGED,
    "incident.escalated": Signal.PAGE_ESCALATED,
    "incident.reassigned": Signal.PAGE_ASSIGNED,
    "incident.delegated": Signal.PAGE_ESCALATED,
    "incident.annotated": Signal.PAGE_NOTE,
    "incident.resolved": Signal.PAGE_RESOLVED,
}
# Sent when a subscription is created or tested; it says nothing about any incident.
_PING = "pagey.ping"
PING_DROPPED = "webhook test ping"
NOT_INCIDENT = "webhook event not about an incident"


class PagerDutyWebhooksAdapter:
    """Reads PagerDuty V3 webhook events into page events (triggered, escalated, acknowledged, notes, resolved)."""

    name = "pagerduty-webhooks"
    kind = SourceKind.PAGE
    description = "PagerDuty V3 webhook payloads as a receiver logs them (one, a JSON array, or JSON Lines)"
    hint = (
        'JSON {"event": {...}} with a dotted "event_type" (incident.triggered, incident.annotated, …) and'
        ' "occurred_at" (the first payload, for arrays and JSON Lines)'
    )
    example = "postmortem draft pagerduty-webhooks.jsonl log_entries_Q1VX8CHKL4TZ0R.json"
    signature = (("event",), ("event_type",), ("occurred_at",), ("resource_type",), ("agent",))

    def sniff(self, doc: Document) -> bool:
        """True when the first payload is ``{"event": {...}}`` with a dotted ``event_type`` and ``occurred_at``."""
        event = as_object(as_object(first_payload(doc)).get("event"))
        event_type = event.get("event_type")
        return isinstance(event_type, str) and "." in event_type and "occurred_at" in event

    def parse(self, doc: Document, options: SourceOptions) -> Parsed:
        """One event per incident webhook, in time order (receivers log in arrival order, retries included)."""
        parsed = Parsed()
        parsed.collect(
            payloads(doc), lambda position, payload: self._event(doc.name, position, payload, options, parsed)
        )
        # Deliveries can arrive out of order; a stable sort keeps same-instant events in file order.
        parsed.events.sort(key=lambda event: event.ts)
        return parsed.usable()

    def _event(self, path: str, position: str, payload: Any, options: SourceOptions, parsed: Parsed) -> Event | None:
        where = position or "payload"
        if isinstance(payload, InputError):
            raise payload
        if not isinstance(payload, dict) or not isinstance(payload.get("event"), dict):
            raise InputError('payload has no "event" object', path=path, position=where)
        event = payload["event"]
        event_type = event.get("event_type")
        if not isinstance(event_type, str) or not event_type:
            raise InputError("webhook event has no event_type", path=path, position=where)
        if event_type == _PING:
            parsed.dropped[PING_DROPPED] += 1
            return None
        if not event_type.startswith("incident."):
            if "." not in event_type:
                raise InputError(f"unknown webhook event type {event_type!r}", path=path, position=where)
            parsed.dropped[NOT_INCIDENT] += 1
            return None
        occurred_at = event.get("occurred_at")
        if not isinstance(occurred_at, str):
            raise InputError("webhook event has no occurred_at", path=path, position=where)
        data = as_object(event.get("data"))
        # The incident is the data itself, or (notes, responders, status updates) referenced from it.
        incident = data if data.get("type") == "incident" or "incident" not in data else as_object(data["incident"])
        actor, actor_kind = _actor(event.get("agent"))
        event_id = str(event["id"]) if isinstance(event.get("id"), str | int) and str(event["id"]) else None
        return Event(
            ts=parse_instant(occurred_at, tz=options.tz, path=path, position=where),
            source=path,
            format=self.name,
            kind=self.kind,
            ref=f"{where} ({event_type})",
            actor=actor,
            actor_kind=actor_kind,
            text=_text(event_type, data, incident, event.get("client"), actor if actor_kind is ActorKind.HUMAN else ""),
            signal=_SIGNALS.get(event_type),
            native_id=event_id,
            meta=_meta(event_type, incident),
        )


def _actor(agent: Any) -> tuple[str, ActorKind]:
    """A user is a person; a service or integration is automation; no agent is PagerDuty itself."""
    name = summary_of(agent)
    if name is None:
        return "PagerDuty", ActorKind.SYSTEM
    return name, ActorKind.HUMAN if as_object(agent).get("type") == "user_reference" else ActorKind.BOT


def _label(incident: dict[str, Any]) -> str:
    """``#4821 title`` from the incident object, or what its reference's summary says."""
    number = incident.get("number", incident.get("incident_number"))
    title = incident.get("title")
    if not isinstance(title, str) or not title.strip():
        title = summary_of(incident) or ""
        match = INCIDENT_SUMMARY.match(title)
        if match:
            number, title = int(match["number"]), match["title"]
    shown = f"#{number} {title}" if isinstance(number, int) and not isinstance(number, bool) else title
    return shown.strip() or "incident"


def _names(references: Any) -> list[str]:
    return [name for name in map(summary_of, as_list(references)) if name]


def _text(event_type: str, data: dict[str, Any], incident: dict[str, Any], client: Any, person: str) -> str:
    """A readable sentence; ``person`` is the human who acted, or empty."""
    assignees = _names(incident.get("assignees"))
    to = f": assigned to {', '.join(assignees)}" if assignees else ""
    by = f" by {person}" if person else ""
    if event_type == "incident.triggered":
        via = as_object(client).get("name")
        source = f" (via {via})" if isinstance(via, str) and via.strip() and via != "PagerDuty" else ""
        return f"Triggered {_label(incident)}{source}{to}."
    if event_type == "incident.acknowledged":
        return f"Acknowledged{by}."
    if event_type == "incident.escalated":
        return f"Escalated{to}."
    if event_type == "incident.reassigned":
        return f"Reassigned{by}{to}."
    if event_type == "incident.delegated":
        policy = summary_of(incident.get("escalation_policy"))
        return f"Delegated{by} to {policy}{to}." if policy else f"Delegated{by}{to}."
    if event_type == "incident.annotated":
        content = data.get("content")
        return f"Note: {content}".strip() if isinstance(content, str) else "Note added."
    if event_type == "incident.resolved":
        # Merging an incident into another resolves it: say so, it is not the problem going away.
        reason = as_object(incident.get("resolve_reason"))
        into = summary_of(reason.get("incident")) if reason.get("type") == "merge_resolve_reason" else None
        return f"Resolved {_label(incident)}{by}" + (f" (merged into {into})." if into else ".")
    if event_type == "incident.priority_updated":
        priority = summary_of(incident.get("priority"))
        return f"Priority changed{by} to {priority}." if priority else f"Priority removed{by}."
    if event_type == "incident.status_update_published":
        message = data.get("message")
        if isinstance(message, str) and message.strip():
            return f"Status update: {message}"
        return "Status update published."
    if event_type.startswith("incident.responder."):
        user = summary_of(data.get("user"))
        state = data.get("state")
        what = "Responder requested" if event_type.endswith(".added") else "Responder replied"
        detail = ", ".join(str(part) for part in (user, state) if isinstance(part, str) and part)
        return f"{what}: {detail}." if detail else f"{what}."
    # incident.reopened, incident.unacknowledged, incident.workflow.started, …: the type, as words.
    words = event_type.removeprefix("incident.").replace(".", " ").replace("_", " ").strip()
    return f"{words[:1].upper()}{words[1:]}{by}." if words else "Incident updated."


def _meta(event_type: str, incident: dict[str, Any]) -> dict[str, Any]:
    meta: dict[str, Any] = {"event_type": event_type}
    number = incident.get("number")
    title = incident.get("title")
    if isinstance(title, str) and isinstance(number, int) and not isinstance(number, bool):
        meta["incident_number"], meta["incident_title"] = number, title
    service = summary_of(incident.get("service"))
    if service is not None:
        meta["service"] = service
    key = incident_key(incident)
    if key is not None:
        meta[ALERT_KEY] = key
    assignees = _names(incident.get("assignees"))
    if assignees and _SIGNALS.get(event_type) in (Signal.PAGE_ESCALATED, Signal.PAGE_ASSIGNED):
        meta[ASSIGNEES] = assignees
    return meta
