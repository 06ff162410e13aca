"""Heroku releases (``GET /apps/{app}/releases`` or ``heroku releases --json``)."""

from __future__ import annotations

import re
from typing import Any

from postmortem_writer.errors import InputError
from postmortem_writer.models import Event, Signal, SourceKind
from postmortem_writer.sources.base import (
    Document,
    Parsed,
    SourceOptions,
    as_object,
    first_object,
    guess_actor_kind,
    record_object,
)
from postmortem_writer.sources.deploys import ROLLBACK_WORDS
from postmortem_writer.timeparse import parse_instant

# Heroku words its own release descriptions; config vars and add-ons change the app without a build.
_CONFIG = re.compile(r"\bconfig vars?\b|\badd-?on\b|\battach\b|\bdetach\b", re.IGNORECASE)


class HerokuReleasesAdapter:
    """Reads one event per release; rollbacks and config changes are told by Heroku's description."""

    name = "heroku-releases"
    kind = SourceKind.DEPLOY
    description = "Heroku releases (Platform API or `heroku releases --json`)"
    hint = 'JSON array of objects with "version", "slug" and "addon_plan_names"'
    example = "heroku releases --json -a acme-checkout > releases.json; postmortem ingest releases.json"
    signature = (("version",), ("slug",), ("addon_plan_names",), ("created_at",), ("description",))

    def sniff(self, doc: Document) -> bool:
        """True for an array whose first object has the release fields."""
        first = first_object(doc.try_json())
        return first is not None and {"version", "slug", "addon_plan_names"} <= first.keys()

    def parse(self, doc: Document, options: SourceOptions) -> Parsed:
        """Releases oldest first (the CLI lists newest first)."""
        data = doc.json
        if not isinstance(data, list):
            raise InputError("expected a JSON array of releases", path=doc.name)
        parsed = Parsed()
        parsed.collect(
            ((f"record {n}", release) for n, release in enumerate(data, start=1)),
            lambda position, release: self._event(doc.name, position, release, options),
        )
        parsed.events.sort(key=lambda event: event.ts)
        return parsed.usable()

    def _event(self, path: str, position: str, release: Any, options: SourceOptions) -> Event:
        release = record_object(release, path, position)
        created = release.get("created_at")
        if not isinstance(created, str):
            raise InputError("release has no created_at", path=path, position=position)
        description = str(release.get("description") or "").strip()
        if ROLLBACK_WORDS.search(description):
            signal = Signal.ROLLBACK
        elif _CONFIG.search(description):
            signal = Signal.CONFIG_CHANGE
        else:
            signal = Signal.DEPLOY
        app = as_object(release.get("app")).get("name")
        user = as_object(release.get("user")).get("email")
        status = release.get("status")
        version = release.get("version")
        text = f"Heroku release v{version}" + (f" of {app}" if app else "") + f": {description or 'no description'}"
        if status and status != "succeeded":
            text += f" ({status})"
        return Event(
            ts=parse_instant(created, tz=options.tz, path=path, position=position),
            source=path,
            format=self.name,
            kind=self.kind,
            ref=f"{position} (v{version})",
            actor=str(user or "Heroku"),
            actor_kind=guess_actor_kind(str(user or "Heroku")),
            text=text,
            signal=signal,
            native_id=str(release["id"]) if release.get("id") else None,
            meta={"app": app, "version": version, "status": status, "current": release.get("current")},
        )
