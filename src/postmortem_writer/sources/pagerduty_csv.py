"""PagerDuty incident CSV downloads (the Incidents list and the Analytics raw-incident export)."""

from __future__ import annotations

import csv
import re
from datetime import datetime, timedelta

from postmortem_writer.errors import InputError
from postmortem_writer.models import ActorKind, Event, Signal, SourceKind
from postmortem_writer.sources.base import UNKNOWN_ACTOR, Document, Parsed, SourceOptions, csv_records
from postmortem_writer.sources.collapse import ALERT_KEY
from postmortem_writer.timeparse import parse_instant

# Column names as the Analytics schema spells them, and the web UI spellings seen for each.
# Headers are compared after lower-casing and turning spaces and dashes into underscores.
_ALIASES: dict[str, tuple[str, ...]] = {
    "id": ("id", "incident_id"),
    "incident_number": ("incident_number", "#", "number"),
    "description": ("description", "title", "summary"),
    "status": ("status",),
    "service": ("service_name", "service"),
    "created_at": ("created_at", "created", "created_on", "opened_at"),
    "resolved_at": ("resolved_at", "resolved", "resolved_on"),
    "seconds_to_first_ack": ("seconds_to_first_ack",),
    "acknowledged_by": ("acknowledged_user_names", "acknowledged_by"),
    "resolved_by": ("resolved_by_user_name", "resolved_by"),
    "auto_resolved": ("auto_resolved",),
}
_CANONICAL = {alias: name for name, aliases in _ALIASES.items() for alias in aliases}
# Multi-value cells (several people) are joined with ";" in the Analytics export.
_SEPARATOR = re.compile(r"\s*[;|]\s*")


def _canonical(header: str) -> str | None:
    return _CANONICAL.get(re.sub(r"[\s\-]+", "_", header.strip().lower()))


class PagerDutyCsvAdapter:
    """Reads one PagerDuty incident per CSV row: triggered, first acknowledged and resolved."""

    name = "pagerduty-csv"
    kind = SourceKind.PAGE
    description = "PagerDuty incident CSV export (Incidents list or Analytics); incident-level times only"
    hint = "CSV header with an incident number column and a created column (created_at / Created / Opened At)"
    example = "postmortem draft incidents_analytics_export.csv"
    signature = (_ALIASES["incident_number"], _ALIASES["created_at"], _ALIASES["resolved_at"], _ALIASES["service"])

    def sniff(self, doc: Document) -> bool:
        """True when the header row names an incident number and a creation time."""
        if doc.looks_like_json():
            return False
        try:
            header = next(csv.reader(doc.lines()), [])
        except (InputError, csv.Error):
            return False
        found = {_canonical(cell) for cell in header}
        return {"incident_number", "created_at"} <= found

    def parse(self, doc: Document, options: SourceOptions) -> Parsed:
        """Events per row; the first acknowledgement's time is creation plus ``seconds_to_first_ack``."""
        parsed = Parsed()
        parsed.collect(
            csv_records(doc.name, doc.stream()), lambda position, row: self._events(doc.name, position, row, options)
        )
        return parsed.usable()

    def _events(
        self, path: str, position: str, row: dict[str, str] | InputError, options: SourceOptions
    ) -> list[Event]:
        if isinstance(row, InputError):
            raise row
        fields: dict[str, str] = {}
        for header, cell in row.items():
            name = _canonical(header or "")
            if name is not None and name not in fields:
                fields[name] = (cell or "").strip()
        if not fields.get("created_at"):
            raise InputError("incident row has no created time", path=path, position=position)
        created = parse_instant(fields["created_at"], tz=options.tz, path=path, position=position)
        number = fields.get("incident_number", "")
        title = fields.get("description") or "incident"
        label = f"#{number} {title}" if number else title
        native = fields.get("id") or None
        meta: dict[str, str | int | None] = {
            "incident_number": int(number) if number.isdigit() else None,
            "incident_title": title,
            "service": fields.get("service") or None,
        }
        if native:
            meta[ALERT_KEY] = f"pagerduty:{native}"

        def event(at: datetime, actor: str, kind: ActorKind, text: str, signal: Signal) -> Event:
            return Event(
                ts=at,
                source=path,
                format=self.name,
                kind=self.kind,
                ref=position,
                actor=actor,
                actor_kind=kind,
                text=text,
                signal=signal,
                native_id=native,
                meta=dict(meta),
            )

        service = fields.get("service") or ""
        events = [
            event(
                created,
                service or "PagerDuty",
                ActorKind.BOT if service else ActorKind.SYSTEM,
                f"Triggered {label}.",
                Signal.PAGE_TRIGGERED,
            )
        ]
        ack_seconds = fields.get("seconds_to_first_ack", "")
        if ack_seconds:
            try:
                acked = created + timedelta(seconds=float(ack_seconds))
            except (ValueError, OverflowError):
                raise InputError(
                    f"seconds_to_first_ack {ack_seconds!r} is not a number", path=path, position=position
                ) from None
            who = _first(fields.get("acknowledged_by", "")) or UNKNOWN_ACTOR
            events.append(event(acked, who, ActorKind.HUMAN, f"Acknowledged by {who}.", Signal.PAGE_ACKNOWLEDGED))
        if fields.get("resolved_at"):
            resolved = parse_instant(fields["resolved_at"], tz=options.tz, path=path, position=position)
            who = _first(fields.get("resolved_by", ""))
            auto = fields.get("auto_resolved", "").lower() == "true"
            if who and not auto:
                events.append(
                    event(resolved, who, ActorKind.HUMAN, f"Resolved {label} by {who}.", Signal.PAGE_RESOLVED)
                )
            else:
                actor, kind = (service, ActorKind.BOT) if service else ("PagerDuty", ActorKind.SYSTEM)
                events.append(event(resolved, actor, kind, f"Resolved {label}.", Signal.PAGE_RESOLVED))
        return events


def _first(cell: str) -> str:
    return next((name for name in _SEPARATOR.split(cell) if name), "")
