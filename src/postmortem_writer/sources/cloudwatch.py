"""AWS CloudWatch alarm history (``aws cloudwatch describe-alarm-history`` output, CLI v1 or v2).

Also the "CloudWatch Alarm State Change" events EventBridge delivers (one, an array, or JSON Lines,
as a rule's log group or queue saves them): the same state changes, one event each.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from postmortem_writer.errors import InputError
from postmortem_writer.models import ActorKind, Event, Signal, SourceKind
from postmortem_writer.sources.alertmanager import first_payload, payloads
from postmortem_writer.sources.base import Document, Parsed, SourceOptions, as_object
from postmortem_writer.sources.collapse import ALERT_KEY
from postmortem_writer.timeparse import from_epoch, parse_instant

# INSUFFICIENT_DATA says nothing about the system, only about its metrics: no signal.
_STATE_SIGNALS = {"ALARM": Signal.ALERT_FIRING, "OK": Signal.ALERT_RESOLVED}
_SUMMARY_STATE = re.compile(r"\bto (ALARM|OK|INSUFFICIENT_DATA)\b")
_STATE_CHANGE = "CloudWatch Alarm State Change"


class CloudWatchAlarmHistoryAdapter:
    """Reads alarm history items: state changes (OK→ALARM fires, ALARM→OK resolves), actions, config updates."""

    name = "cloudwatch-alarm-history"
    kind = SourceKind.ALERT
    description = (
        "AWS CloudWatch describe-alarm-history JSON (AWS CLI v1 or v2 output, or the raw API),"
        " EventBridge alarm state change events, or alarms as SNS delivers them"
    )
    hint = (
        'JSON object with an "AlarmHistoryItems" list, or that list alone (--query AlarmHistoryItems);'
        ' or events with "detail-type": "CloudWatch Alarm State Change" (one, an array, or JSON Lines);'
        ' or SNS notifications whose "Message" is the alarm (bare, or in a Lambda event\'s "Records")'
    )
    example = (
        "aws cloudwatch describe-alarm-history --alarm-name my-alarm > history.json && postmortem draft history.json"
    )
    signature = (
        ("AlarmName", "alarmName"),
        ("NewStateValue", "HistoryItemType", "previousState"),
        ("StateChangeTime", "HistorySummary", "AlarmArn"),
        ("AlarmHistoryItems", "Sns", "detail-type"),
    )

    def sniff(self, doc: Document) -> bool:
        """True for a ``{"AlarmHistoryItems": [...]}`` response or a bare list of history items."""
        first = first_payload(doc)
        if first is not None and (first.get("detail-type") == _STATE_CHANGE or _sns_alarm(first)):
            return True
        data = doc.try_json()
        if isinstance(data, dict):
            return isinstance(data.get("AlarmHistoryItems"), list)
        return (
            isinstance(data, list)
            and bool(data)
            and all(isinstance(item, dict) and {"AlarmName", "HistoryItemType"} <= item.keys() for item in data)
        )

    def parse(self, doc: Document, options: SourceOptions) -> Parsed:
        """One event per history item; ``HistoryData`` (JSON inside a string) gives the new state."""
        first = first_payload(doc)
        if first is not None and first.get("detail-type") == _STATE_CHANGE:
            parsed = Parsed()
            parsed.collect(payloads(doc), lambda position, record: _state_change(doc.name, position, record, options))
            return parsed.usable()
        if first is not None and _sns_alarm(first):
            parsed = Parsed()
            parsed.collect(
                _sns_messages(doc), lambda position, message: _alarm_message(doc.name, position, message, options)
            )
            return parsed.usable()
        data = doc.json
        items = data.get("AlarmHistoryItems") if isinstance(data, dict) else data
        if not isinstance(items, list):
            raise InputError('expected an "AlarmHistoryItems" list', path=doc.name)
        parsed = Parsed()
        parsed.collect(
            ((f"item {n}", item) for n, item in enumerate(items, start=1)),
            lambda position, item: self._event(doc.name, position, item, options),
        )
        return parsed.usable()

    def _event(self, path: str, position: str, item: Any, options: SourceOptions) -> Event:
        if not isinstance(item, dict):
            raise InputError("history item is not a JSON object", path=path, position=position)
        alarm = item.get("AlarmName")
        if not isinstance(alarm, str) or not alarm:
            raise InputError("history item has no AlarmName", path=path, position=position)
        kind = item.get("HistoryItemType")
        summary = str(item.get("HistorySummary") or kind or "alarm history item")
        signal: Signal | None = None
        text = f"{alarm}: {summary}"
        if kind == "StateUpdate":
            state, reason = _new_state(item.get("HistoryData"), summary)
            signal = _STATE_SIGNALS.get(state or "")
            if reason:
                text = f"{text} — {reason}"
        return Event(
            ts=_timestamp(item.get("Timestamp"), options, path, position),
            source=path,
            format=self.name,
            kind=self.kind,
            ref=f"{position} ({kind})" if isinstance(kind, str) else position,
            actor="CloudWatch",
            actor_kind=ActorKind.BOT,
            text=text,
            signal=signal,
            meta={ALERT_KEY: f"cloudwatch:{alarm}", "alarm": alarm, "history_type": str(kind) if kind else None},
        )


def _state_change(path: str, position: str, record: Any, options: SourceOptions) -> Event:
    """An EventBridge alarm state change: the new state at the time the alarm entered it."""
    if isinstance(record, InputError):
        raise record
    detail = as_object(as_object(record).get("detail"))
    alarm = detail.get("alarmName")
    if not isinstance(alarm, str) or not alarm:
        raise InputError("state change event has no detail.alarmName", path=path, position=position)
    state, previous = as_object(detail.get("state")), as_object(detail.get("previousState"))
    # state.timestamp is when the alarm changed; the envelope's time is when EventBridge sent it.
    at = state.get("timestamp") or as_object(record).get("time")
    native = record.get("id") if isinstance(record, dict) else None
    change = _Change(alarm, previous.get("value"), state.get("value"), state.get("reason"), at, native)
    return change.event(path, position or "event", options)


def _sns_alarm(payload: dict[str, Any]) -> bool:
    """Whether ``payload`` is an alarm as SNS delivers it: a Lambda event (``Records[].Sns``), the bare
    notification (``"Type": "Notification"``), or the alarm message itself (``AlarmName``, ``NewStateValue``)."""
    records = payload.get("Records")
    if isinstance(records, list) and records:
        payload = as_object(as_object(records[0]).get("Sns"))
    if payload.get("Type") == "Notification" and isinstance(payload.get("Message"), str):
        return '"AlarmName"' in payload["Message"]
    return {"AlarmName", "NewStateValue"} <= payload.keys()


def _sns_messages(doc: Document) -> Iterator[tuple[str, Any]]:
    """Each SNS message in the file with its position: Lambda records, notifications, or bare alarms."""
    for position, payload in payloads(doc):
        records = as_object(payload).get("Records")
        if isinstance(records, list):
            for number, record in enumerate(records, start=1):
                yield f"{position} record {number}".lstrip(), as_object(record).get("Sns", record)
        else:
            yield position, payload


def _alarm_message(path: str, position: str, message: Any, options: SourceOptions) -> Event:
    """The state change an SNS alarm notification tells, at the time the alarm changed state."""
    if isinstance(message, InputError):
        raise message
    envelope = as_object(message)
    alarm: Any = envelope
    if envelope.get("Type") == "Notification":
        try:
            alarm = json.loads(str(envelope.get("Message")))
        except (json.JSONDecodeError, RecursionError):
            raise InputError("SNS Message is not the alarm's JSON", path=path, position=position) from None
    alarm = as_object(alarm)
    name = alarm.get("AlarmName")
    if not isinstance(name, str) or not name:
        raise InputError("SNS message holds no AlarmName", path=path, position=position)
    # StateChangeTime ("2025-03-04T09:09:47.512+0000") is when the alarm changed; SNS's Timestamp is when it sent.
    at = alarm.get("StateChangeTime") or envelope.get("Timestamp")
    change = _Change(name, alarm.get("OldStateValue"), alarm.get("NewStateValue"), alarm.get("NewStateReason"), at,
                     envelope.get("MessageId"))  # fmt: skip
    return change.event(path, position or "message", options)


@dataclass(frozen=True)
class _Change:
    """One alarm state change as a pushed notification tells it (EventBridge or SNS), before checks."""

    alarm: str
    old: Any
    new: Any
    reason: Any
    at: Any
    native_id: Any

    def event(self, path: str, ref: str, options: SourceOptions) -> Event:
        """The change as an alert event at the time the alarm changed state."""
        value = str(self.new or "")
        text = f"{self.alarm}: Alarm updated from {self.old or 'unknown'} to {value or 'unknown'}"
        if isinstance(self.reason, str):
            text = f"{text} — {self.reason}"
        return Event(
            ts=_timestamp(self.at, options, path, ref),
            source=path,
            format=CloudWatchAlarmHistoryAdapter.name,
            kind=SourceKind.ALERT,
            ref=ref,
            actor="CloudWatch",
            actor_kind=ActorKind.BOT,
            text=text,
            signal=_STATE_SIGNALS.get(value),
            native_id=self.native_id if isinstance(self.native_id, str) else None,
            meta={ALERT_KEY: f"cloudwatch:{self.alarm}", "alarm": self.alarm, "history_type": "StateUpdate"},
        )


def _timestamp(value: Any, options: SourceOptions, path: str, position: str) -> datetime:
    # SDK dumps may hold epoch seconds as a number; the CLI writes ISO strings (v1 "Z", v2 "+00:00").
    if isinstance(value, int | float) and not isinstance(value, bool):
        try:
            return from_epoch(value)
        except (OverflowError, OSError, ValueError):
            raise InputError(f"Timestamp {value!r} is out of range", path=path, position=position) from None
    if not isinstance(value, str):
        raise InputError("history item has no Timestamp", path=path, position=position)
    return parse_instant(value, tz=options.tz, path=path, position=position)


def _new_state(history_data: Any, summary: str) -> tuple[str | None, str | None]:
    """The state the alarm moved to and why, from HistoryData, else from the summary sentence."""
    try:
        data = json.loads(history_data) if isinstance(history_data, str) else None
    except (json.JSONDecodeError, RecursionError):
        data = None
    new = data.get("newState") if isinstance(data, dict) else None
    if isinstance(new, dict) and isinstance(new.get("stateValue"), str):
        reason = new.get("stateReason")
        return new["stateValue"], reason if isinstance(reason, str) else None
    match = _SUMMARY_STATE.search(summary)
    return (match[1], None) if match else (None, None)
