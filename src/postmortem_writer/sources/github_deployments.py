"""GitHub REST deployments (``GET /repos/{o}/{r}/deployments``) and one deployment's statuses."""

from __future__ import annotations

from typing import Any

from postmortem_writer.errors import InputError
from postmortem_writer.models import ActorKind, Event, Signal, SourceKind
from postmortem_writer.sources.base import Document, Parsed, SourceOptions, as_object, first_object, record_object
from postmortem_writer.sources.deploys import ROLLBACK_WORDS
from postmortem_writer.timeparse import parse_instant

# Queued and in-progress statuses repeat the deployment itself; "inactive" is set on an older
# deployment when a newer one succeeds, so it is not a rollback. Counted, not shown.
_FINAL = {"success": "succeeded", "failure": "failed", "error": "errored"}


class GitHubDeploymentsAdapter:
    """Reads deployments (one event each, at creation) or a deployment's final statuses."""

    name = "github-deployments"
    kind = SourceKind.DEPLOY
    description = "GitHub deployments, or one deployment's statuses (REST API JSON array)"
    hint = (
        'JSON array of objects with "statuses_url" (deployments) or "deployment_url" and "state" (statuses);'
        ' one status, or a "deployment_status" webhook payload'
    )
    example = "gh api repos/OWNER/REPO/deployments > deployments.json; postmortem ingest deployments.json"
    signature = (("statuses_url", "deployment_url"), ("created_at",), ("environment",), ("sha", "state"), ("creator",))

    def sniff(self, doc: Document) -> bool:
        """True for an array whose first object is a deployment or a deployment status, or for one status."""
        first = first_object(_records(doc.try_json()))
        return first is not None and ("statuses_url" in first or {"deployment_url", "state"} <= first.keys())

    def parse(self, doc: Document, options: SourceOptions) -> Parsed:
        """Events oldest first (the API lists newest first)."""
        data = _records(doc.json)
        if not isinstance(data, list):
            raise InputError("expected a JSON array of deployments or deployment statuses", path=doc.name)
        parsed = Parsed()
        statuses = "statuses_url" not in (first_object(data) or {})
        read = self._status if statuses else self._deployment
        parsed.collect(
            ((f"record {n}", record) for n, record in enumerate(data, start=1)),
            lambda position, record: read(doc.name, position, record, options, parsed),
        )
        parsed.events.sort(key=lambda event: event.ts)
        return parsed.usable()

    def _deployment(self, path: str, position: str, record: Any, options: SourceOptions, _: Parsed) -> Event:
        record = record_object(record, path, position)
        description = str(record.get("description") or "").strip()
        task = str(record.get("task") or "deploy")
        rollback = bool(ROLLBACK_WORDS.search(f"{task} {description}"))
        target = _target(record)
        text = f"{'Rollback deployment' if rollback else 'Deployment'} {record.get('id', '')} of {target} created"
        return self._event(
            path,
            position,
            record,
            options,
            text + (f": {description}" if description else ""),
            Signal.ROLLBACK if rollback else Signal.DEPLOY,
            {
                "environment": record.get("environment"),
                "ref": record.get("ref"),
                "sha": record.get("sha"),
                "task": task,
            },
        )

    def _status(self, path: str, position: str, record: Any, options: SourceOptions, parsed: Parsed) -> Event | None:
        record = record_object(record, path, position)
        state = str(record.get("state") or "")
        if state not in _FINAL:
            parsed.dropped[f"{state or 'unknown'} status"] += 1
            return None
        description = str(record.get("description") or "").strip()
        deployment = str(record.get("deployment_url") or "").rstrip("/").rsplit("/", 1)[-1]
        environment = record.get("environment") or "an environment"
        text = f"Deployment {deployment} to {environment} {_FINAL[state]}" + (f": {description}" if description else "")
        rollback = bool(ROLLBACK_WORDS.search(description))
        return self._event(
            path,
            position,
            record,
            options,
            text,
            Signal.ROLLBACK if rollback else Signal.DEPLOY,
            {"environment": record.get("environment"), "deployment_id": deployment or None, "state": state},
        )

    def _event(
        self,
        path: str,
        position: str,
        record: dict[str, Any],
        options: SourceOptions,
        text: str,
        signal: Signal,
        meta: dict[str, Any],
    ) -> Event:
        created = record.get("created_at")
        if not isinstance(created, str):
            raise InputError("record has no created_at", path=path, position=position)
        actor, actor_kind = github_actor(record.get("creator"))
        native = str(record["id"]) if record.get("id") is not None else None
        return Event(
            ts=parse_instant(created, tz=options.tz, path=path, position=position),
            source=path,
            format=self.name,
            kind=self.kind,
            ref=f"{position} ({native})" if native else position,
            actor=actor,
            actor_kind=actor_kind,
            text=text,
            signal=signal,
            native_id=native,
            meta={key: value for key, value in meta.items() if value is not None},
        )


def _records(data: Any) -> Any:
    """The records of a saved response: an array as it is; one status (``GET …/statuses/{id}``) or a
    ``deployment_status`` webhook payload as an array of that status (with its deployment's environment)."""
    if not isinstance(data, dict):
        return data
    status = data.get("deployment_status")
    if isinstance(status, dict):
        return [{"environment": as_object(data.get("deployment")).get("environment"), **status}]
    return [data] if {"deployment_url", "state"} <= data.keys() else data


def github_actor(user: Any) -> tuple[str, ActorKind]:
    """Login and kind of a GitHub user object (``type: "Bot"`` for apps such as github-actions[bot])."""
    if not isinstance(user, dict) or not user.get("login"):
        return "GitHub", ActorKind.SYSTEM
    return str(user["login"]), ActorKind.BOT if user.get("type") == "Bot" else ActorKind.HUMAN


def _target(record: dict[str, Any]) -> str:
    ref, sha = record.get("ref"), str(record.get("sha") or "")[:7]
    what = f"{ref} ({sha})" if ref and sha else str(ref or sha or "an unknown ref")
    return f"{what} to {record.get('environment') or 'an environment'}"
