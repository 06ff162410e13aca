"""Generic deploy history: CSV with a header row, JSON Lines, or a JSON array of records."""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterable, Iterator
from typing import Any

from postmortem_writer.errors import InputError
from postmortem_writer.models import Event, Signal, SourceKind
from postmortem_writer.sources.base import (
    UNKNOWN_ACTOR,
    Document,
    Parsed,
    SourceOptions,
    csv_records,
    guess_actor_kind,
    jsonl_records,
)
from postmortem_writer.timeparse import parse_instant

# Each field's accepted column names or JSON keys, compared case-insensitively.
_ALIASES = {
    "time": ("time", "timestamp", "date", "created_at", "deployed_at"),
    "service": ("service", "app"),
    "version": ("version", "revision", "release"),
    "actor": ("actor", "user", "author", "deployer"),
    "description": ("description", "message", "notes", "summary"),
}
# Shared with the other deploy adapters: how a description says it undoes a change.
ROLLBACK_WORDS = re.compile(r"\b(?:roll(?:ed|ing)?[ -]?back|revert(?:ed|ing|s)?)\b", re.IGNORECASE)


class DeployHistoryAdapter:
    """Reads one deploy per row or record; rollbacks are told apart by their wording."""

    name = "deploy-history"
    kind = SourceKind.DEPLOY
    description = "Deploy history as CSV, JSON Lines or a JSON array (time, service, version, actor, description)"
    hint = "CSV header or JSON keys with a time column (time/timestamp/date/created_at) and service or version"
    example = "postmortem draft deploys.csv"
    signature = (
        ("a time column", *_ALIASES["time"]),
        ("a service or version column", *_ALIASES["service"], *_ALIASES["version"]),
    )

    def sniff(self, doc: Document) -> bool:
        """True when the first record has a time field and a service or version field."""
        if doc.looks_like_json():
            try:
                first = first_json_record(doc.text) or {}
            except InputError:
                return False
            # An EventBridge envelope's "version" is its schema's ("0"), not a release: any AWS event
            # (an alarm, an instance state change) was read as "Deployed 0".
            if "detail-type" in first:
                return False
            # Only scalar values count, so API objects with a nested "service" reference are not claimed.
            return _has_deploy_fields(key for key, value in first.items() if isinstance(value, str | int | float))
        try:
            header = next(csv.reader(doc.lines()), [])
        except (csv.Error, InputError):
            return False
        return _has_deploy_fields(header)

    def parse(self, doc: Document, options: SourceOptions) -> Parsed:
        """One event per deploy; zone-less times are read in ``options.tz``."""
        if doc.opens_with() == b"[":
            data = doc.json
            if not isinstance(data, list):
                raise InputError("expected a JSON array of deploy records", path=doc.name)
            records: Iterator[tuple[str, Any]] = ((f"record {i}", r) for i, r in enumerate(data, start=1))
        elif doc.looks_like_json():
            records = jsonl_records(doc.name, doc.stream())
        else:
            records = csv_records(doc.name, doc.stream())
        parsed = Parsed()
        parsed.collect(records, lambda position, record: self._record(doc.name, position, record, options))
        return parsed.usable()

    def _record(self, path: str, position: str, record: Any, options: SourceOptions) -> Event:
        if isinstance(record, InputError):
            raise record
        if not isinstance(record, dict):
            raise InputError("deploy record is not a JSON object", path=path, position=position)
        return self._event(path, position, _fields(record), options)

    def _event(self, path: str, position: str, fields: dict[str, str], options: SourceOptions) -> Event:
        if not fields["time"]:
            raise InputError("deploy record has no time", path=path, position=position)
        service, version, description = fields["service"], fields["version"], fields["description"]
        rollback = bool(ROLLBACK_WORDS.search(f"{version} {description}"))
        if rollback:
            # The version column is what runs after the row (Heroku numbers a rollback as a new
            # release), so say "now at", not "to": the target may be another release.
            text = " ".join(part for part in ("Rolled back", service) if part) + (
                f", now at {version}" if version else ""
            )
        else:
            text = " ".join(part for part in ("Deployed", service, version) if part)
        if description:
            text += f" — {description}"
        actor = fields["actor"]
        return Event(
            ts=parse_instant(fields["time"], tz=options.tz, path=path, position=position, day=options.date),
            source=path,
            format=self.name,
            kind=self.kind,
            ref=position,
            actor=actor or UNKNOWN_ACTOR,
            actor_kind=guess_actor_kind(actor),
            text=text,
            signal=Signal.ROLLBACK if rollback else Signal.DEPLOY,
            meta={"service": service or None, "version": version or None},
        )


def _canonical(name: str) -> str | None:
    key = name.strip().lower()
    return next((field for field, aliases in _ALIASES.items() if key in aliases), None)


def _has_deploy_fields(names: Iterable[Any]) -> bool:
    found = {_canonical(str(name)) for name in names}
    return "time" in found and bool(found & {"service", "version"})


def _fields(record: dict[str, Any]) -> dict[str, str]:
    """The record's values under canonical names; the first matching column wins."""
    fields = dict.fromkeys(_ALIASES, "")
    for key, value in record.items():
        field = _canonical(str(key))
        if field is not None and not fields[field] and value is not None:
            fields[field] = str(value).strip()
    return fields


def first_json_record(text: str) -> dict[str, Any] | None:
    """The first object of a JSON array or of JSON Lines, for sniffing; ``None`` if there is none."""
    stripped = text.lstrip()
    try:
        if stripped.startswith("["):
            data = json.loads(text)
            first = data[0] if isinstance(data, list) and data else None
        else:
            first = json.loads(stripped.splitlines()[0])
    except (json.JSONDecodeError, IndexError, RecursionError):
        return None
    return first if isinstance(first, dict) else None
