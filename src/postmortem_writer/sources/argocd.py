"""Argo CD application history: the Application's ``status.history`` (JSON) and ``argocd app history`` text."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from postmortem_writer.errors import InputError
from postmortem_writer.models import ActorKind, Event, Signal, SourceKind
from postmortem_writer.sources.base import Document, Parsed, SourceOptions, as_object, record_object
from postmortem_writer.timeparse import attach_zone, parse_instant

# Go's time.Time.String() in the CLI host's zone: "2025-03-04 01:02:37 -0800 PST". The zone
# abbreviation is ambiguous (CST is three zones), so only the numeric offset is read.
_ROW = re.compile(
    r"^(?P<id>\d+)\s+(?P<date>\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d+)?) (?P<offset>[+-]\d{4})(?: [A-Za-z0-9+-]+)?"
    r"\s+(?P<revision>\S.*?)\s*$"
)
_SOURCE = re.compile(r"^SOURCE\s+(?P<url>\S+)")
_HEADER = re.compile(r"^ID\s+DATE\s+REVISION\s*$")
_SHA = re.compile(r"\(([0-9a-f]{7,40})\)\s*$")


class ArgoCDApplicationAdapter:
    """Reads each ``status.history`` entry as a sync; one that returns to an earlier revision is a rollback."""

    name = "argocd-application"
    kind = SourceKind.DEPLOY
    description = "Argo CD Applications with their sync history (status.history), as JSON"
    hint = 'JSON "kind": "Application" (or a List of them) with a "status.history" list'
    example = "kubectl get application checkout -n argocd -o json > app.json; postmortem ingest app.json"
    signature = (("kind",), ("status",), ("history",), ("deployedAt",), ("revision",))

    def sniff(self, doc: Document) -> bool:
        """True for an Application, or a List of them, whose first carries a history list."""
        apps = _applications(doc.try_json())
        status = apps[0].get("status") if apps else None
        return isinstance(status, dict) and isinstance(status.get("history"), list)

    def parse(self, doc: Document, options: SourceOptions) -> Parsed:
        """One event per history entry at ``deployedAt`` (the sync's end), in id order per application."""
        apps = _applications(doc.json)
        if not apps:
            raise InputError('expected an Application (or a List of them) with a "status.history" list', path=doc.name)
        parsed = Parsed()
        for application in apps:
            # Positions name the application when a List holds several.
            self._application(doc.name, application, len(apps) > 1, parsed, options)
        parsed.events.sort(key=lambda event: event.ts)
        return parsed.usable()

    def _application(
        self, path: str, application: dict[str, Any], named: bool, parsed: Parsed, options: SourceOptions
    ) -> None:
        status = application.get("status")
        history: list[Any] = (
            status["history"] if isinstance(status, dict) and isinstance(status.get("history"), list) else []
        )
        app = str(as_object(application.get("metadata")).get("name") or "application")
        prefix = f"{app} " if named else ""
        entries = sorted(
            ((f"{prefix}history {n}", entry) for n, entry in enumerate(history, start=1)),
            key=lambda item: _id(item[1]),
        )
        seen: set[str] = set()
        parsed.collect(entries, lambda position, entry: self._event(path, position, entry, app, seen, options))

    def _event(self, path: str, position: str, entry: Any, app: str, seen: set[str], options: SourceOptions) -> Event:
        entry = record_object(entry, path, position)
        deployed = entry.get("deployedAt")
        if not isinstance(deployed, str):
            raise InputError("history entry has no deployedAt", path=path, position=position)
        revision = str(entry.get("revision") or ",".join(map(str, entry.get("revisions") or [])))
        rollback = revision in seen
        seen.add(revision)
        initiated = as_object(entry.get("initiatedBy"))
        if initiated.get("username"):
            actor, actor_kind = str(initiated["username"]), ActorKind.HUMAN
        else:
            actor, actor_kind = "Argo CD auto-sync", ActorKind.BOT
        source = as_object(entry.get("source"))
        history_id = entry.get("id")
        return Event(
            ts=parse_instant(deployed, tz=options.tz, path=path, position=position),
            source=path,
            format=self.name,
            kind=self.kind,
            ref=f"{position} (id {history_id})",
            actor=actor,
            actor_kind=actor_kind,
            text=_sentence(app, history_id, revision, rollback),
            signal=Signal.ROLLBACK if rollback else Signal.DEPLOY,
            native_id=None if history_id is None else str(history_id),
            meta={
                "app": app,
                "revision": revision,
                "deploy_started_at": entry.get("deployStartedAt"),
                "repo": source.get("repoURL"),
            },
        )


class ArgoCDHistoryTextAdapter:
    """Reads ``argocd app history`` tables; rows are syncs, a revision seen before is a rollback."""

    name = "argocd-history-text"
    kind = SourceKind.DEPLOY
    description = "Output of `argocd app history APP` (ID, DATE with the CLI host's offset, REVISION)"
    hint = "text whose first line is `SOURCE <repo URL>` or the header `ID  DATE  REVISION`"
    example = "argocd app history checkout > history.txt; postmortem ingest history.txt"
    signature = (
        ("a `SOURCE <repo URL>` line", r"^SOURCE\s+\S+"),
        ("an `ID  DATE  REVISION` header", r"^ID\s+DATE\s+REVISION"),
        ("`ID  YYYY-MM-DD HH:MM:SS -0800 ZONE  REVISION` rows", r"^\d+\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\d [+-]\d{4}"),
    )

    def sniff(self, doc: Document) -> bool:
        """True when the first non-blank line is a SOURCE line or the table header."""
        try:
            first = next((line for line in doc.lines() if line.strip()), "")
        except InputError:
            return False
        return bool(_SOURCE.match(first) or _HEADER.match(first))

    def parse(self, doc: Document, options: SourceOptions) -> Parsed:
        """One event per row; the app name is not in the output, so the repository names the source."""
        parsed = Parsed()
        parsed.collect(self._rows(doc), lambda position, row: self._event(doc.name, position, row))
        return parsed.usable()

    def _rows(self, doc: Document) -> Iterator[tuple[str, tuple[str, str, set[str]]]]:
        repo, seen = "", set[str]()
        for number, line in enumerate(doc.text.splitlines(), start=1):
            source = _SOURCE.match(line)
            if source:
                # Each source of a multi-source app has its own table and its own revisions.
                repo, seen = source["url"], set()
            elif line.strip() and not _HEADER.match(line):
                yield f"line {number}", (repo, line, seen)

    def _event(self, path: str, position: str, row: tuple[str, str, set[str]]) -> Event:
        repo, line, seen = row
        match = _ROW.match(line)
        if match is None:
            raise InputError("not an `ID  DATE  REVISION` row", path=path, position=position)
        offset = match["offset"]
        try:
            local = datetime.fromisoformat(f"{match['date']}{offset[:3]}:{offset[3:]}")
        except ValueError:
            raise InputError(f"cannot read {match['date']} {offset} as a date", path=path, position=position) from None
        revision = match["revision"]
        sha = _SHA.search(revision)
        key = sha[1] if sha else revision
        rollback = key in seen
        seen.add(key)
        return Event(
            ts=attach_zone(local, tz=None, path=path, position=position),
            source=path,
            format=self.name,
            kind=self.kind,
            ref=f"{position} (id {match['id']})",
            actor="Argo CD",
            actor_kind=ActorKind.SYSTEM,
            text=_sentence(repo or "application", match["id"], revision, rollback),
            signal=Signal.ROLLBACK if rollback else Signal.DEPLOY,
            native_id=match["id"],
            meta={"repo": repo or None, "revision": revision},
        )


def _applications(data: Any) -> list[dict[str, Any]]:
    """The Application objects of one Application or of a ``kubectl get applications -o json`` List."""
    if isinstance(data, dict) and data.get("kind") == "Application":
        return [data]
    items = data.get("items") if isinstance(data, dict) and data.get("kind") == "List" else None
    if isinstance(items, list):
        return [item for item in items if isinstance(item, dict) and item.get("kind") == "Application"]
    return []


def _id(entry: Any) -> int:
    # Entries are kept in id order by Argo CD; a file edited by hand may not be.
    value = entry.get("id") if isinstance(entry, dict) else None
    return value if isinstance(value, int) else 0


def _sentence(app: str, history_id: Any, revision: str, rollback: bool) -> str:
    short = revision if " " in revision or len(revision) < 40 else revision[:7]
    if rollback:
        return f"Argo CD synced {app} back to earlier revision {short} (history {history_id}): a rollback"
    return f"Argo CD synced {app} to revision {short} (history {history_id})"
