"""Opsgenie Alert API v2 saved as JSON: one alert, a list of alerts, or one alert's logs."""

from __future__ import annotations

import ipaddress
import re
from datetime import datetime, timedelta
from typing import Any

from postmortem_writer.errors import InputError
from postmortem_writer.models import ActorKind, Event, Signal, SourceKind
from postmortem_writer.sources.alertmanager import first_payload, payloads
from postmortem_writer.sources.base import Document, Parsed, SourceOptions, as_object, record_object
from postmortem_writer.sources.collapse import ALERT_KEY, COUNT, LAST
from postmortem_writer.timeparse import from_epoch, parse_instant

# Log sentences are free text ("Alert is acknowledged via Web"); the first matching pattern wins.
# Each occurrence bump is the alert firing again.
_LOG_SIGNALS: tuple[tuple[re.Pattern[str], Signal], ...] = (
    (re.compile(r"^alert created\b|occurrence count increased", re.IGNORECASE), Signal.ALERT_FIRING),
    (re.compile(r"\bunacknowledged\b", re.IGNORECASE), Signal.PAGE_NOTE),
    (re.compile(r"\backnowledged\b", re.IGNORECASE), Signal.PAGE_ACKNOWLEDGED),
    (re.compile(r"\bclosed\b", re.IGNORECASE), Signal.ALERT_RESOLVED),
    (re.compile(r"\bescalated\b", re.IGNORECASE), Signal.PAGE_ESCALATED),
    (re.compile(r"\bnotified to\b", re.IGNORECASE), Signal.PAGE_NOTIFIED),
    (re.compile(r"\bnote\b", re.IGNORECASE), Signal.PAGE_NOTE),
)
_ALERT_IN_URL = re.compile(r"/v2/alerts/([^/?#]+)/logs")
# What an outgoing webhook's "action" means, and the words its event says it with.
_WEBHOOK_ACTIONS: dict[str, tuple[Signal | None, str]] = {
    "create": (Signal.ALERT_FIRING, "opened"),
    "acknowledge": (Signal.PAGE_ACKNOWLEDGED, "acknowledged"),
    "unacknowledge": (Signal.PAGE_NOTE, "unacknowledged"),
    "close": (Signal.ALERT_RESOLVED, "closed"),
    "addnote": (Signal.PAGE_NOTE, "noted"),
    "escalate": (Signal.PAGE_ESCALATED, "escalated"),
    "escalatetonext": (Signal.PAGE_ESCALATED, "escalated"),
    "assignownership": (Signal.PAGE_ASSIGNED, "assigned"),
    "takeownership": (Signal.PAGE_ASSIGNED, "taken"),
    "addrecipient": (Signal.PAGE_NOTIFIED, "sent to a new recipient"),
    "addteam": (Signal.PAGE_NOTIFIED, "sent to a new team"),
    "delete": (None, "deleted"),
}


class OpsgenieAdapter:
    """Reads Opsgenie alerts (created, acknowledged, closed) and alert logs (each logged action)."""

    name = "opsgenie"
    kind = SourceKind.ALERT
    description = (
        "Opsgenie Alert API v2 JSON: GET /v2/alerts/{id}, GET /v2/alerts, or GET /v2/alerts/{id}/logs;"
        " or outgoing webhook payloads (one, an array, or JSON Lines)"
    )
    hint = (
        'JSON object with "data", "took" and "requestId"; alerts carry "tinyId", logs carry "log" and "offset";'
        ' webhooks carry "action" and an "alert" with "alertId"'
    )
    example = "postmortem draft alert_1893.json alert_1893_logs.json"
    signature = (
        ("tinyId", "alertId"),
        ("createdAt",),
        ("message", "log"),
        ("action", "took"),
        ("requestId", "integrationId"),
    )

    def sniff(self, doc: Document) -> bool:
        """True for an Opsgenie response envelope holding alerts or alert logs, or outgoing webhook payloads."""
        first = first_payload(doc)
        if first is not None and _is_webhook(first):
            return True
        data = doc.try_json()
        if not isinstance(data, dict) or "data" not in data or not ({"took", "requestId"} & data.keys()):
            return False
        body = data["data"]
        first = body[0] if isinstance(body, list) and body else body
        return isinstance(first, dict) and ("tinyId" in first or {"log", "offset"} <= first.keys())

    def parse(self, doc: Document, options: SourceOptions) -> Parsed:
        """Events for every alert or log record in the response, or every webhook payload."""
        first = first_payload(doc)
        if first is not None and _is_webhook(first):
            parsed = Parsed()
            parsed.collect(payloads(doc), lambda position, payload: self._webhook(doc.name, position, payload))
            return parsed.usable()
        data = doc.json
        body = data.get("data") if isinstance(data, dict) else None
        if isinstance(body, dict):
            body = [body]
        if not isinstance(body, list):
            raise InputError('expected an Opsgenie response with a "data" object or list', path=doc.name)
        parsed = Parsed()
        if body and isinstance(body[0], dict) and "log" in body[0]:
            key = _logs_key(data, doc.name)
            parsed.collect(
                ((f"log {n}", record) for n, record in enumerate(body, start=1)),
                lambda position, record: self._log(doc.name, position, record, key, options),
            )
        else:
            parsed.collect(
                ((f"alert {number}", alert) for number, alert in enumerate(body, start=1)),
                lambda position, alert: self._alert(doc.name, position, alert, options),
            )
        return parsed.usable()

    def _alert(self, path: str, position: str, alert: Any, options: SourceOptions) -> list[Event]:
        if not isinstance(alert, dict):
            raise InputError("alert is not a JSON object", path=path, position=position)
        created_at = alert.get("createdAt")
        if not isinstance(created_at, str):
            raise InputError("alert has no createdAt", path=path, position=position)
        created = parse_instant(created_at, tz=options.tz, path=path, position=position)
        native = str(alert["id"]) if isinstance(alert.get("id"), str | int) else None
        tiny = alert.get("tinyId")
        message = str(alert.get("message") or "alert")
        label = f"#{tiny} {message}" if isinstance(tiny, str | int) else message
        integration = alert.get("integration")
        origin = _text(alert.get("source"))
        if not origin or _is_ip_address(origin):
            # Opsgenie sets an unset source to the sending IP address: the integration names the sender.
            origin = _text(integration.get("name")) if isinstance(integration, dict) else ""
        meta: dict[str, Any] = {
            "priority": _text(alert.get("priority")) or None,
            "entity": _text(alert.get("entity")) or None,
        }
        # The id names the alert across responses; an export without it still has the tiny id.
        identity = native or (f"tiny:{tiny}" if isinstance(tiny, str | int) else None)
        if identity:
            meta[ALERT_KEY] = f"opsgenie:{identity}"
        ref = f"{position} ({native})" if native else position

        def event(at: datetime, actor: str, text: str, signal: Signal, extra: dict[str, Any]) -> Event:
            return Event(
                ts=at,
                source=path,
                format=self.name,
                kind=self.kind,
                ref=ref,
                actor=actor or "Opsgenie",
                actor_kind=_actor_kind(actor),
                text=text,
                signal=signal,
                native_id=native,
                meta={**meta, **extra},
            )

        # Opsgenie folds repeats into one alert; its count and last occurrence say how often it fired.
        occurrences: dict[str, Any] = {}
        if isinstance(alert.get("count"), int) and not isinstance(alert["count"], bool):
            occurrences[COUNT] = alert["count"]
        if isinstance(alert.get("lastOccurredAt"), str):
            last = parse_instant(alert["lastOccurredAt"], tz=options.tz, path=path, position=position)
            occurrences[LAST] = last.isoformat()
        events = [event(created, origin, f"Alert {label} opened.", Signal.ALERT_FIRING, occurrences)]
        report: dict[str, Any] = alert["report"] if isinstance(alert.get("report"), dict) else {}
        # The report keeps an acknowledgement after the alert is closed (when "acknowledged" reads false again).
        acked = _after(created, report.get("ackTime"), path, position)
        if acked is not None:
            who = _text(report.get("acknowledgedBy"))
            events.append(
                event(acked, who, f"Alert {label} acknowledged by {who or 'someone'}.", Signal.PAGE_ACKNOWLEDGED, {})
            )
        closed = _after(created, report.get("closeTime"), path, position)
        if alert.get("status") == "closed" and closed is not None:
            who = _text(report.get("closedBy"))
            events.append(event(closed, who, f"Alert {label} closed by {who or 'someone'}.", Signal.ALERT_RESOLVED, {}))
        return events

    def _webhook(self, path: str, position: str, payload: Any) -> Event:
        """One outgoing webhook payload: the action taken on the alert, by whom, when."""
        if isinstance(payload, InputError):
            raise payload
        payload = record_object(payload, path, position or "payload")
        alert = as_object(payload.get("alert"))
        action = _text(payload.get("action"))
        signal, verb = _WEBHOOK_ACTIONS.get(action.casefold(), (None, action.lower() or "updated"))
        # createdAt is epoch milliseconds; updatedAt, the time of any later action, is often nanoseconds.
        stamp = alert.get("createdAt") if action.casefold() == "create" else alert.get("updatedAt")
        at = _epoch_any(stamp if stamp is not None else alert.get("createdAt"), path, position or "payload")
        tiny, message = alert.get("tinyId"), _text(alert.get("message")) or "alert"
        label = f"#{tiny} {message}" if isinstance(tiny, str | int) else message
        user = _text(alert.get("username"))
        if action.casefold() == "create":
            actor = _text(alert.get("source")) or _text(payload.get("integrationName"))
        else:
            actor = user
        text = f"Alert {label} {verb}" + (f" by {actor}" if actor and action.casefold() != "create" else "") + "."
        if note := _text(alert.get("note")):
            text = f"{text} {note}"
        native = _text(alert.get("alertId")) or None
        return Event(
            ts=at,
            source=path,
            format=self.name,
            kind=self.kind,
            ref=f"{position or 'payload'} ({action or 'no action'})",
            actor=actor or "Opsgenie",
            actor_kind=_actor_kind(actor),
            text=text,
            signal=signal,
            native_id=native,
            meta={ALERT_KEY: f"opsgenie:{native or f'tiny:{tiny}'}", "action": action or None},
        )

    def _log(self, path: str, position: str, record: Any, key: str, options: SourceOptions) -> Event:
        if not isinstance(record, dict):
            raise InputError("log record is not a JSON object", path=path, position=position)
        created_at, sentence = record.get("createdAt"), _text(record.get("log"))
        if not isinstance(created_at, str):
            raise InputError("log record has no createdAt", path=path, position=position)
        owner = _text(record.get("owner"))
        signal = next((signal for pattern, signal in _LOG_SIGNALS if pattern.search(sentence)), None)
        offset = record.get("offset")
        return Event(
            ts=parse_instant(created_at, tz=options.tz, path=path, position=position),
            source=path,
            format=self.name,
            kind=self.kind,
            ref=position,
            actor=owner or "Opsgenie",
            actor_kind=_actor_kind(owner),
            text=sentence or "(empty log record)",
            signal=signal,
            native_id=str(offset) if isinstance(offset, str | int) else None,
            meta={ALERT_KEY: key},
        )


def _is_webhook(payload: dict[str, Any]) -> bool:
    """An outgoing webhook payload: an ``action`` taken on an ``alert`` that has an id."""
    alert = payload.get("alert")
    return (
        isinstance(payload.get("action"), str)
        and isinstance(alert, dict)
        and bool({"alertId", "tinyId"} & alert.keys())
    )


def _epoch_any(value: Any, path: str, position: str) -> datetime:
    """An epoch time in seconds, milliseconds, microseconds or nanoseconds, told apart by size."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InputError(f"webhook alert time {value!r} is not an epoch number", path=path, position=position)
    seconds = float(value)
    while abs(seconds) > 1e11:  # past the year 5138 in seconds: a finer unit
        seconds /= 1000
    try:
        return from_epoch(seconds)
    except (OverflowError, OSError, ValueError):
        raise InputError(f"webhook alert time {value!r} is out of range", path=path, position=position) from None


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _actor_kind(actor: str) -> ActorKind:
    # Opsgenie names people by e-mail address and integrations by their own names ("API", "Default
    # API", "checkout-monitor"), which need not look like a tool's: anything else is not a person.
    if "@" in actor:
        return ActorKind.HUMAN
    return ActorKind.SYSTEM if actor.casefold() in ("", "system") else ActorKind.BOT


def _is_ip_address(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def _after(created: datetime, millis: Any, path: str, position: str) -> datetime | None:
    """``created`` plus a report duration (Opsgenie reports ack and close times in ms since creation)."""
    if millis is None:
        return None
    if isinstance(millis, bool) or not isinstance(millis, int | float):
        raise InputError(f"report duration {millis!r} is not a number of milliseconds", path=path, position=position)
    try:
        return created + timedelta(milliseconds=millis)
    except (OverflowError, ValueError):
        raise InputError(f"report duration {millis!r} is out of range", path=path, position=position) from None


def _logs_key(data: dict[str, Any], path: str) -> str:
    """The alert a log response is about: named only in its paging links, else the file stands for it."""
    paging = data.get("paging")
    for link in paging.values() if isinstance(paging, dict) else ():
        match = _ALERT_IN_URL.search(link) if isinstance(link, str) else None
        if match:
            return f"opsgenie:{match[1]}"
    return f"opsgenie:{path}"
