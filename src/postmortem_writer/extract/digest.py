"""What a reviewer reads first: a draft's long lists folded and capped, key moments kept.

A large export gives a rules draft thousands of timeline rows and hundreds of factors and action
items; as a document that is no draft. ``digest`` folds near-duplicates (an alert that fired again,
the same decision restated, the same follow-up asked twice), keeps the key moments (first
detection, the trigger and what the summary quotes, the resolution) and then the rows a review
needs most by kind, up to a cap per list, and counts what it left out. The ``Draft`` itself is
never shortened: the JSON output and ``--all`` keep every row.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from postmortem_writer.models import Draft, TimelineEntry, TimelineKind

T = TypeVar("T")

TIMELINE_CAP = 60
"""Timeline rows a Markdown draft shows by default."""

FACTOR_CAP = 12
"""Candidate contributing factors a Markdown draft shows by default."""

ACTION_CAP = 20
"""Action items a Markdown draft shows by default."""

FIGURE_CAP = 12
"""Impact figures a Markdown draft shows by default (the first stated of each kind of number first)."""

COMMUNICATION_CAP = 30
"""Communication log rows a Markdown draft shows by default (the first ones: it is a log)."""

GRAPH_CAP = 20
"""Monitoring links a Markdown draft shows by default (the first shared)."""

EVIDENCE_CAP = 5
"""Events a shown factor or action item cites at most (the first ones): the same follow-up asked a
hundred times would otherwise fill the evidence index."""

_K = TimelineKind
# Which rows a review needs most once the key moments are in: what was done and decided first.
_KIND_RANK = {
    _K.TRIGGER: 0, _K.DETECTION: 0, _K.MITIGATION: 0, _K.RESOLUTION: 0,
    _K.DECISION: 1, _K.ESCALATION: 1, _K.CHANGE: 1,
    _K.DIAGNOSIS: 2, _K.COMMUNICATION: 2,
    _K.OTHER: 3,
}  # fmt: skip
_NOISE = re.compile(r"https?://\S+|@\S+|[^\w\s]|\d+")


@dataclass
class LeftOut:
    """How many items of each list the digest folded as repeats or left out beyond the cap."""

    folded: dict[str, int] = field(default_factory=dict)
    capped: dict[str, int] = field(default_factory=dict)

    def total(self, name: str) -> int:
        """Everything of list ``name`` the digest does not show."""
        return self.folded.get(name, 0) + self.capped.get(name, 0)


def shape(text: str, names: Sequence[str] = ()) -> str:
    """The text without people, numbers, links and punctuation: equal shapes are near-duplicates."""
    text = text.casefold()
    for name in names:
        text = text.replace(name.casefold(), " ")
    return " ".join(_NOISE.sub(" ", text).split())


def digest(
    draft: Draft,
    *,
    timeline: int = TIMELINE_CAP,
    factors: int = FACTOR_CAP,
    actions: int = ACTION_CAP,
    figures: int = FIGURE_CAP,
    communications: int = COMMUNICATION_CAP,
    graphs: int = GRAPH_CAP,
) -> tuple[Draft, LeftOut]:
    """A copy of ``draft`` with its timeline, factors, action items, impact figures and appendix lists folded
    and capped."""
    left = LeftOut()
    names = [person.name for person in draft.responders]
    rows = _fold(draft.timeline, timeline, lambda e: (e.kind, shape(e.description, names)), left, "timeline")
    rows = _keep(rows, timeline, timeline_rank(draft), left, "timeline")
    found = _fold(draft.contributing_factors, factors, lambda f: shape(f.title, names), left, "contributing_factors")
    # Factors come strongest first already; the cap keeps that order.
    found = _keep(found, factors, lambda index, _: index, left, "contributing_factors")
    items = _fold(draft.action_items, actions, lambda a: shape(a.description, names), left, "action_items")
    items = _keep(items, actions, lambda index, _: index, left, "action_items")
    found = [f.model_copy(update={"evidence": f.evidence[:EVIDENCE_CAP]}) for f in found]
    items = [a.model_copy(update={"evidence": a.evidence[:EVIDENCE_CAP]}) for a in items]
    stated = _fold(draft.impact.figures, figures, lambda f: (f.metric, shape(f.quote, names)), left, "figures")
    # The first figure of each metric first: a reviewer sees every kind of impact stated.
    metrics: dict[str, int] = {}
    firsts = {id(f) for f in stated if metrics.setdefault(f.metric, id(f)) == id(f)}
    stated = _keep(stated, figures, lambda _, f: 0 if id(f) in firsts else 1, left, "figures")
    impact = draft.impact.model_copy(update={"figures": stated})
    told = _fold(draft.communications, communications, lambda c: shape(c.text, names), left, "communications")
    told = _keep(told, communications, lambda index, _: index, left, "communications")
    links = _keep(draft.graphs, graphs, lambda index, _: index, left, "graphs")
    short = draft.model_copy(
        update={
            "timeline": rows,
            "contributing_factors": found,
            "action_items": items,
            "impact": impact,
            "communications": told,
            "graphs": links,
        }
    )
    cited = short.cited_ids()
    index = [event for event in draft.evidence_index if event.id in cited]
    return short.model_copy(update={"evidence_index": index}), left


def _fold(items: Sequence[T], cap: int, key: Callable[[T], object], left: LeftOut, name: str) -> list[T]:
    """The first of each group of near-duplicates, in the original order; a list within its cap is left whole."""
    if len(items) <= cap:
        return list(items)
    seen: set[object] = set()
    kept = []
    for item in items:
        marker = key(item)
        if marker in seen:
            left.folded[name] = left.folded.get(name, 0) + 1
            continue
        seen.add(marker)
        kept.append(item)
    return kept


def _keep(
    items: list[T], cap: int, rank: Callable[[int, T], int | tuple[int, int]], left: LeftOut, name: str
) -> list[T]:
    """The ``cap`` best-ranked items, in their original order."""
    if len(items) <= cap:
        return items
    best = sorted(range(len(items)), key=lambda i: (rank(i, items[i]), i))[:cap]
    left.capped[name] = len(items) - cap
    return [items[i] for i in sorted(best)]


def timeline_rank(draft: Draft) -> Callable[[int, TimelineEntry], tuple[int, int]]:
    """How much a review needs each timeline row (lower first): key moments (what the impact window,
    trigger and summary cite), then rows by kind."""
    key = set(draft.impact.start_evidence) | set(draft.impact.end_evidence)
    key.update(event_id for item in draft.trigger + draft.summary for event_id in item.evidence)

    def rank(_: int, entry: TimelineEntry) -> tuple[int, int]:
        return (0 if key & set(entry.evidence) else 1, _KIND_RANK.get(entry.kind, 3))

    return rank
