"""Spinnaker pipeline executions (Gate ``GET /applications/{app}/pipelines``), times in epoch ms."""

from __future__ import annotations

import re
from typing import Any

from postmortem_writer.errors import InputError
from postmortem_writer.models import ActorKind, Event, Signal, SourceKind
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
from postmortem_writer.timeparse import epoch_instant

_ROLLBACK_STAGE = re.compile(r"rollback|undorollout", re.IGNORECASE)

_Record = tuple[dict[str, Any], dict[str, Any] | None, str]
"""An execution, one of its stages (``None`` for the execution itself), and which moment: start or end."""


class SpinnakerExecutionsAdapter:
    """Reads each execution's start (the deploy or rollback) and end, and each stage that started."""

    name = "spinnaker-executions"
    kind = SourceKind.DEPLOY
    description = "Spinnaker pipeline executions (Gate API JSON: one execution or an array of them)"
    hint = 'JSON with "type": "PIPELINE", "stages" and "buildTime"'
    example = "curl -s $GATE/applications/checkout/pipelines > executions.json; postmortem ingest executions.json"
    signature = (("type",), ("stages",), ("buildTime",), ("startTime",), ("application",))

    def sniff(self, doc: Document) -> bool:
        """True for a pipeline execution or an array starting with one."""
        data = doc.try_json()
        first = data if isinstance(data, dict) else first_object(data)
        return first is not None and first.get("type") == "PIPELINE" and "stages" in first and "buildTime" in first

    def parse(self, doc: Document, options: SourceOptions) -> Parsed:
        """Events in time order; stages not reached are counted as dropped."""
        data = doc.json
        executions = [data] if isinstance(data, dict) else data
        if not isinstance(executions, list):
            raise InputError("expected a pipeline execution or an array of them", path=doc.name)
        parsed = Parsed()
        parsed.collect(self._moments(doc.name, executions, parsed), lambda pos, rec: self._event(doc.name, pos, rec))
        parsed.events.sort(key=lambda event: event.ts)
        return parsed.usable()

    def _moments(self, path: str, executions: list[Any], parsed: Parsed) -> list[tuple[str, _Record]]:
        moments: list[tuple[str, _Record]] = []
        for n, execution in enumerate(executions, start=1):
            try:
                execution = record_object(execution, path, f"execution {n}")
            except InputError as exc:
                parsed.skipped.append(exc)
                continue
            moments.append((f"execution {n}", (execution, None, "start")))
            stages = execution.get("stages")
            for s, stage in enumerate(stages if isinstance(stages, list) else [], start=1):
                if isinstance(stage, dict) and stage.get("startTime") is None:
                    parsed.dropped["stage not started"] += 1
                else:
                    moments.append((f"execution {n} stage {s}", (execution, stage, "start")))
            if execution.get("endTime") is not None:
                moments.append((f"execution {n} end", (execution, None, "end")))
        return moments

    def _event(self, path: str, position: str, record: _Record) -> Event:
        execution, stage, moment = record
        stage = record_object(stage, path, position) if stage is not None else None
        subject = stage if stage is not None else execution
        millis = subject.get("endTime" if moment == "end" else "startTime")
        if not isinstance(millis, int) or isinstance(millis, bool):
            raise InputError(
                f"no {'endTime' if moment == 'end' else 'startTime'} in epoch ms", path=path, position=position
            )
        name = str(execution.get("name") or "pipeline")
        app = execution.get("application")
        signal: Signal | None = None
        if stage is not None:
            kind_of = stage.get("type")
            text = f"Spinnaker stage {stage.get('name') or kind_of} ({kind_of}) of {name}: {stage.get('status')}"
            actor, actor_kind = "Spinnaker", ActorKind.SYSTEM
            # Deploy stages repeat the execution's start; a rollback stage (rollbackServerGroup,
            # undoRolloutManifest) inside any pipeline is a rollback of its own.
            if _ROLLBACK_STAGE.search(str(kind_of)):
                signal = Signal.ROLLBACK
        elif moment == "start":
            trigger = as_object(execution.get("trigger"))
            auth = as_object(execution.get("authentication"))
            actor = str(trigger.get("user") or auth.get("user") or "Spinnaker")
            actor_kind = guess_actor_kind(actor) if actor != "Spinnaker" else ActorKind.SYSTEM
            signal = Signal.ROLLBACK if ROLLBACK_WORDS.search(name) else Signal.DEPLOY
            text = (
                f"Spinnaker pipeline {name}"
                + (f" ({app})" if app else "")
                + f" started ({trigger.get('type') or 'trigger unknown'})"
            )
        else:
            status = str(execution.get("status") or "finished")
            canceled_by = execution.get("canceledBy") if execution.get("canceled") else None
            actor = str(canceled_by or "Spinnaker")
            actor_kind = guess_actor_kind(actor) if canceled_by else ActorKind.SYSTEM
            text = f"Spinnaker pipeline {name} ended {status}" + (f", canceled by {canceled_by}" if canceled_by else "")
            if execution.get("cancellationReason"):
                text += f": {execution['cancellationReason']}"
        native = str(subject.get("id")) if subject.get("id") else None
        return Event(
            ts=epoch_instant(millis, field="startTime/endTime", path=path, position=position, per_second=1000),
            source=path,
            format=self.name,
            kind=self.kind,
            ref=position,
            actor=actor,
            actor_kind=actor_kind,
            text=text,
            signal=signal,
            native_id=native if moment == "start" else None,
            meta={"application": app, "pipeline": name, "status": subject.get("status")},
        )
