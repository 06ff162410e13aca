"""Generic records: any CSV, JSON array or JSON Lines whose time, text and actor fields can be found.

Fields are found by name first (``ts``, ``time``, ``@timestamp``…; ``message``, ``text``…; ``user``,
``author``…), then by content (a field whose values are all dates or epoch numbers; a field of
prose), and ``--map time=…,text=…,actor=…`` overrides both. This adapter sits after every specific
format, so it only reads what nothing more specific claimed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from datetime import datetime
from itertools import islice, takewhile
from typing import Any

from postmortem_writer.errors import InputError, UsageError
from postmortem_writer.models import ActorKind, Event, SourceKind
from postmortem_writer.sources.base import (
    UNKNOWN_ACTOR,
    Document,
    Parsed,
    SourceOptions,
    csv_records,
    guess_actor_kind,
    jsonl_records,
)
from postmortem_writer.timeparse import epoch_instant, parse_instant

ROLES = ("time", "text", "actor")
NAMES: dict[str, tuple[str, ...]] = {
    "time": ("ts", "time", "timestamp", "@timestamp", "date", "datetime", "created_at"),
    "text": ("message", "text", "summary", "description", "msg", "body"),
    "actor": ("user", "author", "actor", "source", "username", "sender"),
}
_SAMPLE = 20
_EPOCH = re.compile(r"^\d{9,13}(?:\.\d+)?$")
_CLOCK = re.compile(r"\b\d{1,2}:\d\d\b")
_DATE_TIME = re.compile(r"^\d{4}-\d\d-\d\d[T ]\d\d:\d\d")
# Epoch seconds stay below this until the year 5138; milliseconds pass it after 1973.
_MS_FROM = 100_000_000_000


def parse_field_map(spec: str) -> dict[str, str]:
    """``time=ts,text=msg,actor=user`` as a dict; a clear error for anything else."""
    mapping: dict[str, str] = {}
    for part in spec.split(","):
        role, sep, field = (piece.strip() for piece in part.partition("="))
        if not sep or not role or not field:
            raise UsageError(f"--map {spec!r}: expected ROLE=FIELD pairs separated by commas, e.g. time=ts,text=msg")
        if role not in ROLES:
            raise UsageError(f"--map {spec!r}: unknown role {role!r} (roles: {', '.join(ROLES)})")
        mapping[role] = field
    return mapping


class RecordsAdapter:
    """Reads one event per record of a CSV, JSON array or JSON Lines file."""

    name = "records"
    kind = SourceKind.OTHER
    description = (
        "Any CSV, JSON array or JSON Lines of records with a time and a text field, found by name or content "
        "(override with --map time=FIELD,text=FIELD,actor=FIELD)"
    )
    hint = "records with a time field (ts, time, timestamp, @timestamp, date, or date/epoch values) and a text field"
    example = "postmortem ingest app-log.jsonl --map time=@timestamp,text=log.message,actor=host --tz UTC"
    signature = tuple((f"{role} field", *NAMES[role]) for role in ROLES)

    def sniff(self, doc: Document) -> bool:
        """True when the first records have a time and a text field (``--map`` files go through ``shaped``)."""
        sample = _sample(doc)
        return bool(sample) and all(_find(sample, role) is not None for role in ("time", "text"))

    def shaped(self, doc: Document) -> bool:
        """True for any CSV, JSON array of objects or JSON Lines, whatever its fields (for ``--map``)."""
        return bool(_sample(doc))

    def parse(self, doc: Document, options: SourceOptions) -> Parsed:
        """One event per record; zone-less times need ``--tz``, epoch numbers are UTC."""
        sample = _sample(doc)
        if not sample:
            raise InputError(
                "expected records: a CSV with a header, a JSON array of objects, or JSON Lines", path=doc.name
            )
        fields = _fields(doc, sample, options.field_map or {})
        parsed = Parsed()
        parsed.collect(_records(doc), lambda position, record: self._event(doc.name, position, record, fields, options))
        return parsed.usable()

    def _event(
        self, path: str, position: str, record: Any, fields: dict[str, str | None], options: SourceOptions
    ) -> Event:
        if isinstance(record, InputError):
            raise record
        if not isinstance(record, dict):
            raise InputError("record is not a JSON object", path=path, position=position)
        time_field, text_field, actor_field = (fields[role] for role in ROLES)
        value = _get(record, time_field)
        if value in (None, ""):
            raise InputError(f"record has no {time_field!r}", path=path, position=position)
        text = _get(record, text_field)
        actor = str(_get(record, actor_field) or "").strip()
        used = {time_field, text_field, actor_field}
        return Event(
            ts=_instant(value, options, path=path, position=position),
            source=path,
            format=self.name,
            kind=self.kind,
            ref=position,
            actor=actor or UNKNOWN_ACTOR,
            actor_kind=guess_actor_kind(actor) if actor else ActorKind.SYSTEM,
            text="" if text is None else str(text).strip(),
            meta={
                str(key): item
                for key, item in record.items()
                if key not in used and isinstance(item, str | int | float | bool) and item != ""
            },
        )


def _epoch(value: int | float, *, path: str, position: str) -> datetime:
    """Epoch seconds, or milliseconds when the number is too large to be seconds of our era."""
    per_second = 1000 if value >= _MS_FROM else 1
    return epoch_instant(value, field="time", path=path, position=position, per_second=per_second)


def _instant(value: Any, options: SourceOptions, *, path: str, position: str) -> datetime:
    """UTC time of a record's time value: epoch seconds or milliseconds, or a date-time string."""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise InputError(f"time {value!r} is neither a number nor a string", path=path, position=position)
    if isinstance(value, int | float):
        return _epoch(value, path=path, position=position)
    text = value.strip()
    if _EPOCH.match(text):
        return _epoch(float(text) if "." in text else int(text), path=path, position=position)
    return parse_instant(text, tz=options.tz, path=path, position=position, day=options.date)


def _records(doc: Document) -> Iterator[tuple[str, Any]]:
    # Lines are decoded as they are read: a large log is never held as text beside its bytes.
    first = doc.opens_with()
    if first == b"[":
        data = doc.json
        if not isinstance(data, list):
            raise InputError("expected a JSON array of records", path=doc.name)
        return ((f"record {n}", record) for n, record in enumerate(data, start=1))
    if first == b"{":
        return jsonl_records(doc.name, doc.stream())
    return csv_records(doc.name, doc.stream())


def _sample(doc: Document) -> list[dict[str, Any]]:
    """The first records that are objects, or nothing when the file is not records at all."""
    first = doc.opens_with()
    if first == b"[":
        data = doc.try_json()
        records = data[:_SAMPLE] if isinstance(data, list) else []
    elif first == b"{":
        # Up to the first malformed line: prose that happens to open with "{" is not JSON Lines.
        lines = takewhile(lambda line: not isinstance(line[1], InputError), jsonl_records(doc.name, doc.stream()))
        try:
            records = [record for _, record in islice(lines, _SAMPLE)]
        except InputError:  # not text at all
            records = []
    else:
        try:
            rows = [row for _, row in islice(csv_records(doc.name, doc.stream()), _SAMPLE) if isinstance(row, dict)]
        except InputError:  # not text, or an unreadable header: not a table
            rows = []
        # A header and rows of one column each is prose, not a table. A "header" holding a time is a
        # first line of data: Python's logging puts a comma in every line ("10:17:05,123 - INFO - …").
        is_table = bool(rows) and len(rows[0]) > 1 and not any(_looks_like_time(cell) for cell in rows[0])
        records = rows if is_table else []
    return [record for record in records if isinstance(record, dict)]


def _fields(doc: Document, sample: list[dict[str, Any]], mapping: Mapping[str, str]) -> dict[str, str | None]:
    fields: dict[str, str | None] = {}
    for role in ROLES:
        if role in mapping:
            wanted = mapping[role]
            if not any(_get(record, wanted) is not None for record in sample):
                present = ", ".join(dict.fromkeys(str(key) for record in sample for key in record))
                raise InputError(
                    f"--map {role}={wanted}: no field {wanted!r} in this file (fields: {present})", path=doc.name
                )
            fields[role] = wanted
        else:
            fields[role] = _find(sample, role)
    for role in ("time", "text"):
        if fields[role] is None:
            raise InputError(
                f"no {role} field found (looked for {', '.join(NAMES[role])}); name one with --map {role}=FIELD",
                path=doc.name,
            )
    return fields


def _find(sample: list[dict[str, Any]], role: str) -> str | None:
    """The field holding ``role`` in these records: by name, then (time and text only) by content."""
    keys = list(dict.fromkeys(str(key) for record in sample for key in record))
    lowered = {key.lower(): key for key in reversed(keys)}
    # A field named "time" must still hold times: Slack's "ts" ids in a test export do not.
    named_ok = _looks_like_clock if role == "time" else lambda value: value is not None
    for name in NAMES[role]:
        if name in lowered and _all(sample, lowered[name], named_ok):
            return lowered[name]
    if role == "time":
        return next((key for key in keys if _all(sample, key, _looks_like_time)), None)
    if role == "text":
        prose = [key for key in keys if _all(sample, key, lambda v: isinstance(v, str) and " " in v.strip())]
        return max(prose, key=lambda key: sum(len(str(r.get(key) or "")) for r in sample), default=None)
    return None


def _all(sample: list[dict[str, Any]], key: str, test: Any) -> bool:
    values = [record.get(key) for record in sample if record.get(key) not in (None, "")]
    return bool(values) and all(test(value) for value in values)


def _looks_like_time(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int | float):
        return 1e9 <= value < 1e13
    return isinstance(value, str) and bool(_DATE_TIME.match(value.strip()) or _EPOCH.match(value.strip()))


def _looks_like_clock(value: Any) -> bool:
    """A time as people write it in a named column: a date, an epoch number, or a clock ("10:19 AM")."""
    return _looks_like_time(value) or (isinstance(value, str) and bool(_CLOCK.search(value)))


def _get(record: dict[str, Any], field: str | None) -> Any:
    """A field by its name, or by a dotted path into nested objects (``log.message``)."""
    if field is None:
        return None
    if field in record:
        return record[field]
    value: Any = record
    for part in field.split("."):
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    return value
