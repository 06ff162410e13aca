"""Kubernetes ReplicaSets (``kubectl get replicasets -o json``): when each Deployment revision rolled out.

``kubectl rollout history`` names revisions without times; a revision's ReplicaSet carries the
revision number, the change cause and its creation time. A rollback reuses an old ReplicaSet and
gives it a new revision number (the old one moves to ``revision-history``), so its creation time is
the first rollout's, not the rollback's: the event says so instead of inventing a rollback time.
"""

from __future__ import annotations

from typing import Any

from postmortem_writer.errors import InputError
from postmortem_writer.models import ActorKind, Event, Signal, SourceKind
from postmortem_writer.sources.base import Document, Parsed, SourceOptions, as_object, first_object, record_object
from postmortem_writer.timeparse import parse_instant

_REVISION = "deployment.kubernetes.io/revision"
_HISTORY = "deployment.kubernetes.io/revision-history"
_CAUSE = "kubernetes.io/change-cause"


class KubernetesReplicaSetsAdapter:
    """Reads one deploy event per Deployment-owned ReplicaSet, at its creation."""

    name = "kubernetes-replicasets"
    kind = SourceKind.DEPLOY
    description = "Kubernetes ReplicaSets of a Deployment (revision, change cause, creation time), as JSON"
    hint = 'JSON "kind": "List" whose "items" are ReplicaSets with a deployment.kubernetes.io/revision annotation'
    example = "kubectl get replicasets -n checkout -o json > rs.json; postmortem ingest rs.json"
    signature = (("kind",), ("items",), ("annotations",), ("creationTimestamp",))

    def sniff(self, doc: Document) -> bool:
        """True for a List whose first item is a ReplicaSet."""
        data = doc.try_json()
        first = first_object(data.get("items")) if isinstance(data, dict) else None
        return first is not None and first.get("kind") == "ReplicaSet"

    def parse(self, doc: Document, options: SourceOptions) -> Parsed:
        """Rollouts in time order; ReplicaSets without a revision (not a Deployment's) are counted as dropped."""
        data = doc.json
        items = data.get("items") if isinstance(data, dict) else None
        if not isinstance(items, list):
            raise InputError('expected a List with an "items" array of ReplicaSets', path=doc.name)
        parsed = Parsed()
        parsed.collect(
            ((f"item {n}", item) for n, item in enumerate(items, start=1)),
            lambda position, item: self._event(doc.name, position, item, options, parsed),
        )
        parsed.events.sort(key=lambda event: event.ts)
        return parsed.usable()

    def _event(self, path: str, position: str, item: Any, options: SourceOptions, parsed: Parsed) -> Event | None:
        metadata = as_object(record_object(item, path, position).get("metadata"))
        annotations = as_object(metadata.get("annotations"))
        revision = annotations.get(_REVISION)
        if revision is None:
            parsed.dropped["replica set without a revision"] += 1
            return None
        created = metadata.get("creationTimestamp")
        if not isinstance(created, str):
            raise InputError("replica set has no creationTimestamp", path=path, position=position)
        name = str(metadata.get("name") or "replica set")
        owner = next(
            (str(ref.get("name")) for ref in metadata.get("ownerReferences") or [] if isinstance(ref, dict)), None
        )
        earlier = [part.strip() for part in str(annotations.get(_HISTORY) or "").split(",") if part.strip()]
        first = earlier[0] if earlier else str(revision)
        text = f"ReplicaSet {name}" + (f" of deployment {owner}" if owner else "") + f" created: revision {first}"
        if earlier:
            text += f", reused as revision {revision} by a rollback (the ReplicaSet does not record when)"
        cause = annotations.get(_CAUSE)
        if cause:
            text += f" — {cause}"
        return Event(
            ts=parse_instant(created, tz=options.tz, path=path, position=position),
            source=path,
            format=self.name,
            kind=self.kind,
            ref=f"{position} ({name})",
            actor="deployment-controller",
            actor_kind=ActorKind.SYSTEM,
            text=text,
            signal=Signal.DEPLOY,
            native_id=str(metadata["uid"]) if metadata.get("uid") else None,
            meta={
                "namespace": metadata.get("namespace"),
                "revision": str(revision),
                "revision_history": ",".join(earlier) or None,
                "change_cause": cause,
            },
        )
