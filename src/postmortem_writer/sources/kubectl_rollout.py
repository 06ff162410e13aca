"""``kubectl rollout history`` tables, which name revisions and change causes but carry no times."""

from __future__ import annotations

import re
from collections.abc import Iterator
from itertools import islice

from postmortem_writer.errors import InputError
from postmortem_writer.models import SourceKind
from postmortem_writer.sources.base import Document, Parsed, SourceOptions

_TITLE = re.compile(r"^[a-z]+(?:\.[a-z.]+)?/[a-z0-9.-]+\s*$")
_HEADER = re.compile(r"^REVISION\s+CHANGE-CAUSE\s*$")
_ROW = re.compile(r"^(?P<revision>\d+)\s+(?P<cause>.*?)\s*$")


class KubectlRolloutHistoryAdapter:
    """Recognises rollout history so the user learns why it gives no events, revision by revision.

    The table has no timestamps at all; a revision's time is its ReplicaSet's creation (and a
    rollback reuses an old ReplicaSet, so even that is the first rollout's time). Guessing would
    put deploys on the timeline at invented times, so every row is a skip that says what to pass
    instead: the ReplicaSets (``kubernetes_replicasets``), which carry revision, cause and time.
    """

    name = "kubectl-rollout-history"
    kind = SourceKind.DEPLOY
    description = "Output of `kubectl rollout history` (revisions and change causes; it has no times)"
    hint = "text with the header `REVISION  CHANGE-CAUSE` after a `deployment.apps/NAME` line"
    example = "kubectl rollout history deployment/checkout > rollout.txt; postmortem ingest rollout.txt rs.json"
    signature = (
        ("a `deployment.apps/NAME` line", r"^[a-z]+(\.[a-z.]+)?/[a-z0-9.-]+\s*$"),
        ("a `REVISION  CHANGE-CAUSE` header", r"^REVISION\s+CHANGE-CAUSE"),
        ("`REVISION  CAUSE` rows", r"^\d+\s+\S"),
    )

    def sniff(self, doc: Document) -> bool:
        """True when the header comes within the first two non-blank lines."""
        try:
            lines = list(islice((line for line in doc.lines() if line.strip()), 2))
        except InputError:
            return False
        return any(_HEADER.match(line) for line in lines) and all(
            _TITLE.match(line) or _HEADER.match(line) for line in lines
        )

    def parse(self, doc: Document, options: SourceOptions) -> Parsed:
        """No events: each revision is a skip naming the source that has its time."""
        parsed = Parsed()
        for position, revision, cause in self._rows(doc):
            parsed.skipped.append(
                InputError(
                    f"revision {revision} ({cause}) has no time: kubectl rollout history prints none; "
                    "pass `kubectl get replicasets -o json` (when each revision rolled out) instead",
                    path=doc.name,
                    position=position,
                )
            )
        return parsed

    def _rows(self, doc: Document) -> Iterator[tuple[str, str, str]]:
        for number, line in enumerate(doc.text.splitlines(), start=1):
            match = _ROW.match(line)
            if match:
                yield f"line {number}", match["revision"], match["cause"]
