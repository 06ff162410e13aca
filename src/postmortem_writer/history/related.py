"""Related incidents: the earlier postmortems of the history that share something with this draft.

The draft becomes one search query (its title, summary, trigger, factors, and the texts of the
alerts, changes and detections it cites); the index ranks the history by BM25, and each of the
best candidates is kept only when a reason can be named, each reason citing this incident's
event that shows it:

- service: a service the incident was about (named by its alerts, trigger or title) appears there;
- alert: an alert name of this incident appears there;
- error signature: an exception, error code or HTTP status of this incident's messages appears there;
- change: a config key or setting this incident's changes touched appears there;
- factor: one of its contributing factors shares the distinctive words of one of this incident's.

A shared factor is a recurring one: the earlier postmortem's action items were meant to stop it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from postmortem_writer.extract.prevention import action_kind
from postmortem_writer.history.documents import PastIncident
from postmortem_writer.history.index import HistoryIndex, tokens
from postmortem_writer.models import (
    ActionKind,
    ContributingFactor,
    Draft,
    Event,
    RelatedIncident,
    Signal,
    SourceKind,
    TimelineKind,
)

CANDIDATES = 5  # the best-ranked postmortems looked at for reasons
FACTOR_CANDIDATES = 2  # and for each contributing factor, the best-ranked for its title alone
MAX_RELATED = 4
RELATIVE_FLOOR = 0.3  # a candidate scoring under this share of the best one is not looked at
SHARED_FACTOR_WORDS = 2  # distinctive words a past factor must share with one of ours to be the same factor

_SERVICE = re.compile(r"\b[a-z][a-z0-9]*(?:-[a-z0-9]+)*-(?:service|svc|api|worker|gateway|frontend|backend|db)\b")
_ALERT = re.compile(r"\b[A-Z][a-z0-9]+(?:[A-Z][a-z0-9]*){2,}\b")
_ERROR = re.compile(
    r"\b(?:[A-Z]\w*(?:Error|Exception|Timeout|Exhausted|Killed)|OOMKilled|E[A-Z]{4,}"
    r"|(?:HTTP )?5\d\d(?= errors?| responses?\b)|5xx)\b"
)
_SETTING = re.compile(r"\b[a-z][a-z0-9_]*(?:\.[a-z0-9_]+){2,}\b|\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\b")
# Words every factor of a kind says, which make two factors alike without making them the same.
_GENERIC = frozenset(
    {
        "change", "changes", "shortly", "before", "detection", "deployed", "deploy", "deployment", "minutes",
        "whether", "contributed", "confirmed", "candidate", "named", "cause", "during", "incident", "review",
        "listed", "ruled", "out", "signals", "service", "config", "mentioned", "response",
    }
)  # fmt: skip
# Action items of these kinds were meant to stop a recurrence (a faster rollback was not).
_PREVENTING = (ActionKind.PREVENTION, ActionKind.DETECTION, ActionKind.PROCESS)


@dataclass(frozen=True)
class _Facet:
    reason: str  # "service", "alert", "error signature", "change"
    name: str
    evidence: str  # the event of this incident that shows it


def related_incidents(draft: Draft, index: HistoryIndex) -> list[RelatedIncident]:
    """The earlier postmortems related to ``draft`` (its ``evidence_index`` filled), closest first, with reasons."""
    facets = _facets(draft)
    found: list[RelatedIncident] = []
    for past, score in _candidates(draft, index):
        lowered = past.text.lower()
        shared = [facet for facet in facets if _mentions(lowered, facet.name)]
        recurring = _recurring(draft.contributing_factors, past.factors)
        if not shared and not recurring:
            continue
        reasons = list(dict.fromkeys(f"{facet.reason} {facet.name}" for facet in shared))
        reasons += [f"factor “{factor.title}”" for factor in recurring]
        evidence = list(
            dict.fromkeys([facet.evidence for facet in shared] + [e for f in recurring for e in f.evidence])
        )
        kinds = past.action_kinds or tuple(None for _ in past.actions)
        meant = [
            action
            for action, kind in zip(past.actions, kinds, strict=False)
            if (ActionKind(kind) if kind else action_kind(action)) in _PREVENTING
        ]
        found.append(
            RelatedIncident(
                text=f"Shares {_join(reasons)}.",
                title=past.title,
                date=past.date,
                path=past.path,
                reasons=reasons,
                past_actions=meant if recurring else [],
                recurring=[factor.title for factor in recurring],
                score=round(score, 3),
                evidence=evidence,
            )
        )
        if len(found) == MAX_RELATED:
            break
    return found


def _candidates(draft: Draft, index: HistoryIndex) -> list[tuple[PastIncident, float]]:
    """The postmortems worth looking at for reasons, best first: the draft's query's best, then each factor's.

    One query for the whole draft favours the incident's dominant words (its service); a factor of
    another kind (a late page) finds its earlier occurrences only when asked for by itself.
    """
    ranked = index.scores(query_of(draft))
    if not ranked or ranked[0][1] <= 0:
        return []
    floor = ranked[0][1] * RELATIVE_FLOOR
    chosen = {past.path: (past, score) for past, score in ranked[:CANDIDATES] if score >= floor}
    for factor in draft.contributing_factors:
        for past, score in index.scores(factor.title)[:FACTOR_CANDIDATES]:
            if score > 0:
                chosen.setdefault(past.path, (past, score))
    return list(chosen.values())


def query_of(draft: Draft) -> str:
    """The search query a draft stands for: what it says the incident was, and its key events' words."""
    parts = [draft.title]
    parts += [item.text for item in draft.summary + draft.trigger]
    parts += [f"{factor.title}. {factor.description}" for factor in draft.contributing_factors]
    key = {TimelineKind.DETECTION, TimelineKind.TRIGGER, TimelineKind.DIAGNOSIS, TimelineKind.CHANGE}
    parts += [entry.description for entry in draft.timeline if entry.kind in key]
    return "\n".join(parts)


def _facets(draft: Draft) -> list[_Facet]:
    events = {event.id: event for event in draft.evidence_index}
    facets: list[_Facet] = []
    about = [draft.title] + [item.text for item in draft.trigger]
    alerts = [e for e in draft.evidence_index if e.signal in (Signal.ALERT_FIRING, Signal.PAGE_TRIGGERED)]
    for event in alerts:
        facets += [_Facet("service", name, event.id) for name in _SERVICE.findall(event.text)]
        facets += [_Facet("alert", name, event.id) for name in _ALERT.findall(event.text)]
    trigger_ids = [event_id for item in draft.trigger for event_id in item.evidence if event_id in events]
    for text in about:
        for name in _SERVICE.findall(text):
            holder = next((i for i in trigger_ids if name in events[i].text), trigger_ids[0] if trigger_ids else None)
            if holder is None:
                holder = next((e.id for e in draft.evidence_index if name in e.text), None)
            if holder is not None:
                facets.append(_Facet("service", name, holder))
    for event in draft.evidence_index:
        facets += [_Facet("error signature", name, event.id) for name in _ERROR.findall(event.text)]
        if _is_change(event):
            facets += [_Facet("change", name, event.id) for name in _SETTING.findall(event.text)]
    unique: dict[tuple[str, str], _Facet] = {}
    for facet in facets:
        unique.setdefault((facet.reason, facet.name.lower()), facet)
    return list(unique.values())


def _is_change(event: Event) -> bool:
    return event.kind is SourceKind.DEPLOY or event.signal in (Signal.DEPLOY, Signal.CONFIG_CHANGE, Signal.ROLLBACK)


def _mentions(lowered: str, name: str) -> bool:
    """Whether a past postmortem names ``name`` (a service also when written with spaces: "checkout service")."""
    name = name.lower()
    return re.search(rf"(?<![\w.-]){re.escape(name)}(?![\w-])", lowered) is not None or (
        "-" in name and name.replace("-", " ") in lowered
    )


_QUOTED = re.compile(r"“([^”]*)”")


def _recurring(factors: Iterable[ContributingFactor], past: Iterable[str]) -> list[ContributingFactor]:
    """This incident's factors that one of the past factors states again (enough distinctive words shared)."""
    # Titles and the sources' sentences quoted in the description (a cause stated in chat that was
    # folded into the change it names): the rest of a description is boilerplate ("to be confirmed").
    past_words = [_distinctive(text.split(". ")[0]) for text in past]
    return [
        factor
        for factor in factors
        if any(len(_distinctive(" ".join([factor.title, *_QUOTED.findall(factor.description)])) & words)
               >= SHARED_FACTOR_WORDS for words in past_words)
    ]  # fmt: skip


def _distinctive(text: str) -> set[str]:
    return {word for word in tokens(text) if word not in _GENERIC and not word.isdigit() and len(word) > 2}


def _join(reasons: list[str]) -> str:
    return reasons[0] if len(reasons) == 1 else ", ".join(reasons[:-1]) + " and " + reasons[-1]
