"""GitHub Actions workflow runs (``GET /repos/{o}/{r}/actions/runs``)."""

from __future__ import annotations

import re
from typing import Any

from postmortem_writer.errors import InputError
from postmortem_writer.models import Event, Signal, SourceKind
from postmortem_writer.sources.base import Document, Parsed, SourceOptions, as_object, first_object, record_object
from postmortem_writer.sources.deploys import ROLLBACK_WORDS
from postmortem_writer.sources.github_deployments import github_actor
from postmortem_writer.timeparse import parse_instant

# A workflow's name or file says whether it ships; anything else (tests, lint) is a build.
_SHIPS = re.compile(r"deploy|release|rollout|ship|promot|publish", re.IGNORECASE)
# `gh run list --json …` writes the same runs with camelCase names (and no actor).
_GH_CLI = {
    "databaseId": "id",
    "workflowName": "name",
    "displayTitle": "display_title",
    "number": "run_number",
    "attempt": "run_attempt",
    "headBranch": "head_branch",
    "headSha": "head_sha",
    "createdAt": "created_at",
    "startedAt": "run_started_at",
    "updatedAt": "updated_at",
}


class GitHubActionsRunsAdapter:
    """Reads one event per workflow run, at the time the run (its latest attempt) started."""

    name = "github-actions-runs"
    kind = SourceKind.DEPLOY
    description = (
        "GitHub Actions workflow runs (REST API JSON, or `gh run list --json`); deploy and rollback workflows "
        "are told by name"
    )
    hint = 'JSON object with a "workflow_runs" list, or an array of runs ("run_number" or "databaseId" fields)'
    example = "gh api repos/OWNER/REPO/actions/runs > runs.json; postmortem ingest runs.json"
    signature = (("workflow_runs", "run_number"), ("run_started_at", "created_at"), ("head_sha",), ("conclusion",))

    def sniff(self, doc: Document) -> bool:
        """True for a runs response or a bare array of runs."""
        data = doc.try_json()
        if isinstance(data, dict):
            return isinstance(data.get("workflow_runs"), list)
        first = first_object(data)
        return first is not None and (
            {"run_number", "workflow_id"} <= first.keys()
            or ("databaseId" in first and bool({"workflowName", "displayTitle"} & first.keys()))
        )

    def parse(self, doc: Document, options: SourceOptions) -> Parsed:
        """Runs oldest first (the API lists newest first)."""
        data = doc.json
        runs = data.get("workflow_runs") if isinstance(data, dict) else data
        if not isinstance(runs, list):
            raise InputError('expected a "workflow_runs" list', path=doc.name)
        parsed = Parsed()
        parsed.collect(
            ((f"record {n}", run) for n, run in enumerate(runs, start=1)),
            lambda position, run: self._event(doc.name, position, run, options),
        )
        parsed.events.sort(key=lambda event: event.ts)
        return parsed.usable()

    def _event(self, path: str, position: str, run: Any, options: SourceOptions) -> Event:
        run = record_object(run, path, position)
        if "databaseId" in run:
            run = {_GH_CLI.get(key, key): value for key, value in run.items()}
        # No completed_at exists; updated_at moves on re-runs and annotations, so it is only meta.
        started = run.get("run_started_at") or run.get("created_at")
        if not isinstance(started, str):
            raise InputError("workflow run has no run_started_at or created_at", path=path, position=position)
        name = str(run.get("name") or run.get("display_title") or run.get("path") or "workflow")
        named = f"{name} {run.get('display_title') or ''} {run.get('path') or ''}"
        signal = (
            Signal.ROLLBACK if ROLLBACK_WORDS.search(named) else Signal.DEPLOY if _SHIPS.search(named) else Signal.BUILD
        )
        actor, actor_kind = github_actor(run.get("triggering_actor") or run.get("actor"))
        native = str(run["id"]) if run.get("id") is not None else None
        return Event(
            ts=parse_instant(started, tz=options.tz, path=path, position=position),
            source=path,
            format=self.name,
            kind=self.kind,
            ref=f"{position} ({native})" if native else position,
            actor=actor,
            actor_kind=actor_kind,
            text=_text(run, name),
            signal=signal,
            native_id=native,
            meta={
                "event": run.get("event"),
                "status": run.get("status"),
                "conclusion": run.get("conclusion"),
                "head_sha": run.get("head_sha"),
                "updated_at": run.get("updated_at"),
                "run_attempt": run.get("run_attempt"),
            },
        )


def _text(run: dict[str, Any], name: str) -> str:
    number = f" #{run['run_number']}" if run.get("run_number") is not None else ""
    trigger = ", ".join(str(part) for part in (run.get("event"), run.get("head_branch")) if part)
    outcome = run.get("conclusion") or run.get("status") or "unknown"
    text = f"Workflow {name} run{number}" + (f" ({trigger})" if trigger else "") + f": {outcome}"
    subject = str(as_object(run.get("head_commit")).get("message") or "").strip().splitlines()
    if not subject and run.get("display_title") and run["display_title"] != name:
        subject = [str(run["display_title"])]  # the run's title is the commit subject or PR title
    return f"{text} — {subject[0]}" if subject else text
