"""The rules extractor: a grounded first draft from structured signals and cue phrases, no model.

Structured events (alerts, pages, deploys) map straight to timeline kinds; chat is classified by
the cue tables in ``cues``. Everything the draft says cites the events it came from, times are
taken from those events (``grounding``), and whatever the sources do not state is left as a
``TODO(author)`` or an open question. Generated wording names systems and processes, never people.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import timedelta

from postmortem_writer.events import EventStream
from postmortem_writer.extract import cues
from postmortem_writer.extract.cues import normalise, sentences
from postmortem_writer.extract.factors import CHANGE_LOOKBACK, cause_factors, change_factors, gap_factors
from postmortem_writer.extract.grounding import grounded_entry
from postmortem_writer.extract.text import PUNCT, capitalise, clock, plain, span, trim
from postmortem_writer.models import (
    ActionItem,
    ActorKind,
    Cited,
    Confidence,
    ContributingFactor,
    Draft,
    Event,
    Impact,
    ImpactFigure,
    Provenance,
    Responder,
    Signal,
    SourceKind,
    TimelineEntry,
    TimelineKind,
)

MERGE_WINDOW = timedelta(seconds=60)
"""A bot's chat echo of a structured event within this window joins that event's entry."""

QUICK_MITIGATION = timedelta(minutes=30)
"""Mitigation starting within this time of detection is listed under what went well."""

_K = TimelineKind
_TOKEN = re.compile(r"\w[\w.-]{2,}\w")
_CAMEL = re.compile(r"[a-z][A-Z]")

_SIGNAL_KINDS: dict[Signal, TimelineKind] = {
    Signal.ALERT_FIRING: _K.DETECTION,
    Signal.PAGE_TRIGGERED: _K.DETECTION,
    Signal.PAGE_ACKNOWLEDGED: _K.ESCALATION,
    Signal.PAGE_ESCALATED: _K.ESCALATION,
    Signal.PAGE_RESOLVED: _K.RESOLUTION,
    Signal.ALERT_RESOLVED: _K.RESOLUTION,
    Signal.ROLLBACK: _K.MITIGATION,
    Signal.TOPIC: _K.COMMUNICATION,
}

_IMPACT_QUESTIONS: tuple[tuple[frozenset[str], str], ...] = (
    (frozenset({"users"}), "TODO(author): how many users or customers were affected?"),
    (frozenset({"error_rate", "requests"}), "TODO(author): what was the peak error rate, or how many requests failed?"),
    (frozenset({"orders", "revenue"}), "TODO(author): how many orders or how much revenue was lost?"),
)

_RANK = {Confidence.HIGH: 0, Confidence.MEDIUM: 1, Confidence.LOW: 2}


def classify_event(event: Event) -> TimelineKind | None:
    """The timeline kind of one event, or ``None`` when it is not timeline material.

    Structured signals decide by themselves; chat is classified by cue phrases, and noise or
    chat without a cue is left out (it stays citable, just not as a timeline row).
    """
    text = normalise(event.text)
    if event.signal is None:
        if not text or cues.noise_cue(text) is not None:
            return None
        hit = cues.timeline_cue(text)
        return hit[0] if hit else None
    if event.signal is Signal.PAGE_NOTE:
        for kind in (_K.DECISION, _K.DIAGNOSIS):
            if cues.TIMELINE_CUES[kind].search(text):
                return kind
        hit = cues.timeline_cue(text)
        return hit[0] if hit else _K.OTHER
    if event.signal is Signal.DEPLOY:
        return _K.MITIGATION if cues.DEPLOY_ROLLBACK.pattern.search(text) else _K.CHANGE
    return _SIGNAL_KINDS.get(event.signal)


@dataclass
class _Incident:
    """The stream, each event's timeline kind, and the key moments every section refers to."""

    stream: EventStream
    lookback: timedelta
    kinds: dict[str, TimelineKind] = field(init=False)
    detection: Event | None = field(init=False)
    mitigation: Event | None = field(init=False)
    resolution: Event | None = field(init=False)

    def __post_init__(self) -> None:
        self.kinds = {e.id: kind for e in self.stream if (kind := classify_event(e)) is not None}
        detections = self.of(_K.DETECTION)
        self.detection = detections[0] if detections else None
        start = self.detection.ts if self.detection else None
        mitigations = [e for e in self.of(_K.MITIGATION) if start is None or e.ts >= start]
        resolutions = [e for e in self.of(_K.RESOLUTION) if start is None or e.ts >= start]
        self.mitigation = mitigations[0] if mitigations else None
        self.resolution = resolutions[-1] if resolutions else None

    def of(self, kind: TimelineKind) -> list[Event]:
        return [e for e in self.stream if self.kinds.get(e.id) is kind]

    def prose(self) -> list[Event]:
        """What people wrote: chat messages and page notes by humans."""
        return [
            e
            for e in self.stream
            if e.actor_kind is ActorKind.HUMAN and e.signal in (None, Signal.PAGE_NOTE) and e.text.strip()
        ]


def extract_rules(
    stream: EventStream,
    *,
    provenance: Provenance,
    title: str | None = None,
    change_lookback: timedelta = CHANGE_LOOKBACK,
) -> Draft:
    """A grounded first draft of the incident in ``stream``, built by rules alone.

    ``evidence_index`` is left empty for the caller to fill with the cited events.
    """
    inc = _Incident(stream, change_lookback)
    changes = change_factors(stream, inc.kinds, inc.detection, change_lookback)
    gaps = gap_factors(stream)
    trigger = next((f for f in changes if f.confidence is Confidence.MEDIUM), None)
    impact = _impact(inc)
    return Draft(
        title=title or _title(inc),
        summary=_summary(inc, trigger),
        impact=impact,
        timeline=_timeline(inc),
        trigger=[Cited(text=_trigger_text(inc, trigger), evidence=trigger.evidence)] if trigger else [],
        contributing_factors=sorted(changes + cause_factors(inc.prose()) + gaps, key=lambda f: _RANK[f.confidence]),
        went_well=_went_well(inc),
        went_wrong=[Cited(text=f"{gap.title}.", evidence=gap.evidence) for gap in gaps],
        lucky=[
            Cited(text="TODO(author): did anything limit the impact by chance (time of day, traffic, who was online)?")
        ],
        action_items=_action_items(inc),
        open_questions=_chat_questions(inc) + _author_questions(inc, trigger, impact),
        responders=_responders(inc),
        provenance=provenance,
    )


# --- timeline ------------------------------------------------------------------------------------


@dataclass
class _Row:
    kind: TimelineKind
    events: list[Event]
    description: str


def _timeline(inc: _Incident) -> list[TimelineEntry]:
    rows: list[_Row] = []
    for event in inc.stream:
        kind = inc.kinds.get(event.id)
        # Changes long before detection are history, not the incident; they stay citable.
        if kind is None or (kind is _K.CHANGE and not _in_lookback(inc, event)):
            continue
        row = _Row(kind, [event], _describe(event))
        target = next((r for r in reversed(rows) if _echoes(r, row)), None)
        if target is None:
            rows.append(row)
        else:
            target.events.append(event)
            if event.signal is not None:
                target.description = row.description
    return [grounded_entry(r.kind, r.description, [e.id for e in r.events], inc.stream) for r in rows]


def _echoes(earlier: _Row, later: _Row) -> bool:
    """Whether one row is a bot's chat echo of the structured event in the other."""
    first, second = earlier.events[0], later.events[0]
    if earlier.kind is not later.kind or len(earlier.events) > 1 or second.ts - first.ts > MERGE_WINDOW:
        return False
    if (first.signal is None) == (second.signal is None):
        return False
    chat = first if first.signal is None else second
    if chat.kind is not SourceKind.CHAT or chat.actor_kind is ActorKind.HUMAN:
        return False
    return bool(_identifiers(first.text) & _identifiers(second.text))


def _identifiers(text: str) -> set[str]:
    """Alert names, versions and ids in ``text``: what an echo repeats and unrelated posts rarely share."""
    return {t.casefold() for t in _TOKEN.findall(text) if any(c.isdigit() for c in t) or _CAMEL.search(t)}


def _describe(event: Event) -> str:
    text = plain(event.text)
    if event.signal is None:
        return trim(f"{event.actor}: {text}")
    return trim(text or event.signal.value.replace(".", " ").capitalize())


# --- impact --------------------------------------------------------------------------------------


def _impact(inc: _Incident) -> Impact:
    impact = Impact(figures=_figures(inc))
    if inc.detection is not None:
        impact.start, impact.start_evidence = inc.detection.ts, [inc.detection.id]
    else:
        impact.unknowns.append("TODO(author): when did the impact start? The sources show no alert, page or report.")
    if inc.resolution is not None:
        impact.end, impact.end_evidence = inc.resolution.ts, [inc.resolution.id]
    else:
        impact.unknowns.append("TODO(author): when did the impact end? The sources show no resolution.")
    stated = {figure.metric for figure in impact.figures}
    impact.unknowns += [question for metrics, question in _IMPACT_QUESTIONS if not stated & metrics]
    return impact


def _figures(inc: _Incident) -> list[ImpactFigure]:
    figures: dict[tuple[str, str], ImpactFigure] = {}
    for event in inc.stream:
        # Recovery messages quote the numbers after the fix, which are not the impact.
        if inc.kinds.get(event.id) in (_K.RESOLUTION, _K.CHANGE, _K.MITIGATION):
            continue
        for sentence in sentences(event.text):
            for item, found in cues.FIGURES.find_all(sentence):
                value = found.group(0).strip()
                figures.setdefault(
                    (item.category, value.casefold()),
                    ImpactFigure(metric=item.category, value=value, quote=trim(plain(sentence)), evidence=[event.id]),
                )
    return list(figures.values())


# --- narrative sections --------------------------------------------------------------------------


def _summary(inc: _Incident, trigger: ContributingFactor | None) -> list[Cited]:
    summary: list[Cited] = []
    detection, mitigation, resolution = inc.detection, inc.mitigation, inc.resolution
    if detection is not None:
        text = f"The problem was first detected at {clock(detection.ts)} on {detection.ts.date().isoformat()}"
        summary.append(Cited(text=f"{text}: “{trim(plain(detection.text), 120)}”.", evidence=[detection.id]))
    if trigger is not None:
        summary.append(Cited(text=_trigger_text(inc, trigger), evidence=trigger.evidence))
    if mitigation is not None:
        text = f"Mitigation began at {clock(mitigation.ts)}: “{trim(plain(mitigation.text), 120)}”."
        summary.append(Cited(text=text, evidence=[mitigation.id]))
    if resolution is not None:
        text = f"Resolution was recorded at {clock(resolution.ts)}"
        if detection is not None:
            text += f", {span(resolution.ts - detection.ts)} after first detection"
        ids = [detection.id, resolution.id] if detection else [resolution.id]
        summary.append(Cited(text=f"{text}.", evidence=ids))
    return summary


def _trigger_text(inc: _Incident, trigger: ContributingFactor) -> str:
    change, detection = (inc.stream[event_id] for event_id in trigger.evidence)
    return (
        f"Candidate trigger: {trim(plain(change.text), 120)}, deployed {span(detection.ts - change.ts)} "
        "before the first detection; to be confirmed in review."
    )


def _went_well(inc: _Incident) -> list[Cited]:
    well: list[Cited] = []
    detection, mitigation = inc.detection, inc.mitigation
    if detection is not None and mitigation is not None and mitigation.ts - detection.ts <= QUICK_MITIGATION:
        text = f"Mitigation began {span(mitigation.ts - detection.ts)} after the first detection."
        well.append(Cited(text=text, evidence=[detection.id, mitigation.id]))
    rollbacks = [
        e
        for e in inc.of(_K.MITIGATION)
        if e.signal is Signal.ROLLBACK or cues.DEPLOY_ROLLBACK.pattern.search(normalise(e.text))
    ]
    if rollbacks:
        well.append(Cited(text="A rollback path was available and was used.", evidence=[rollbacks[0].id]))
    return well


def _action_items(inc: _Incident) -> list[ActionItem]:
    items: dict[str, ActionItem] = {}
    for event in inc.prose():
        for sentence in sentences(event.text):
            hit = cues.ACTIONS.search(sentence)
            if hit is None:
                continue
            description = capitalise(plain(sentence[hit[1].end("lead") :]).strip(PUNCT))
            if description.casefold() in items:
                _cite(items[description.casefold()].evidence, event.id)
            elif description:
                owner = event.actor if hit[0].category == "commitment" else "TBD"
                items[description.casefold()] = ActionItem(
                    description=trim(description), owner=owner, evidence=[event.id]
                )
    return list(items.values())


def _chat_questions(inc: _Incident) -> list[Cited]:
    questions: list[Cited] = []
    for event in inc.prose():
        for sentence in sentences(event.text):
            hit = cues.QUESTIONS.search(sentence)
            if hit is not None and (hit[0].category == "review" or _unanswered(inc, event)):
                text = f"Asked during the incident: “{trim(plain(sentence))}”"
                questions.append(Cited(text=text, evidence=[event.id]))
    return questions


def _unanswered(inc: _Incident, question: Event) -> bool:
    """A threaded question nobody else replied to later in its thread (channel questions are skipped)."""
    root = question.thread or question.id
    later = [e for e in inc.stream if e.ts >= question.ts and e.id != question.id and e.thread == root]
    if question.thread is None and not later:
        return False
    return not any(e.actor != question.actor and e.actor_kind is ActorKind.HUMAN for e in later)


def _author_questions(inc: _Incident, trigger: ContributingFactor | None, impact: Impact) -> list[Cited]:
    questions: list[str] = []
    if inc.detection is None:
        questions.append("How and when was the problem first noticed? The sources show no alert, page or report.")
    if inc.resolution is None:
        questions.append("When was the incident resolved, and how was recovery confirmed?")
    if trigger is not None:
        questions.append(
            "What checks did the candidate change pass before production, and which could catch this kind of problem?"
        )
    elif inc.detection is not None:
        questions.append("What triggered the incident? The sources show no change shortly before detection.")
    if not {figure.metric for figure in impact.figures} & {"users", "orders", "revenue", "requests"}:
        questions.append("What was the customer impact (users affected, failed requests, orders, support tickets)?")
    return [Cited(text=text) for text in questions]


# --- responders ----------------------------------------------------------------------------------


def _responders(inc: _Incident) -> list[Responder]:
    roster = _Roster()
    for event in inc.stream:
        if event.kind not in (SourceKind.CHAT, SourceKind.PAGE):
            continue
        human = event.actor.strip() if event.actor_kind is ActorKind.HUMAN else None
        if human:
            roster.add(human, None, event.id)
        for sentence in sentences(event.text):
            for item, found in cues.ROLES.find_all(sentence):
                name = (found.groupdict().get("name") or human or "").strip(PUNCT + "'")
                if name:
                    roster.add(name, item.category, event.id)
        if human and event.signal is Signal.PAGE_ACKNOWLEDGED:
            roster.add(human, "on-call", event.id)
        if human and inc.kinds.get(event.id) is _K.MITIGATION:
            roster.add(human, "mitigation", event.id)
    return roster.people


class _Roster:
    """People by name; a first name alone ("IC: Priya") joins the one full name it can mean."""

    def __init__(self) -> None:
        self.people: list[Responder] = []

    def add(self, name: str, role: str | None, event_id: str) -> None:
        person = self._find(name)
        if person is None:
            person = Responder(name=name)
            self.people.append(person)
        elif " " in name and " " not in person.name:
            person.name = name
        if role is not None and role not in person.roles:
            person.roles.append(role)
            _cite(person.evidence, event_id)
        elif not person.evidence:
            person.evidence.append(event_id)

    def _find(self, name: str) -> Responder | None:
        key = name.casefold()
        exact = [p for p in self.people if p.name.casefold() == key]
        if exact:
            return exact[0]
        first = key.split()[0]
        same = [p for p in self.people if p.name.casefold().split()[0] == first and (" " in p.name) != (" " in key)]
        return same[0] if len(same) == 1 else None


# --- small helpers -------------------------------------------------------------------------------


def _title(inc: _Incident) -> str:
    # A human-written declaration ("INC-42 declared — checkout p99 > 2s") reads better than an
    # alert name, so it wins over the pager's incident title.
    for event in inc.stream:
        if event.kind is SourceKind.CHAT and event.text.strip() and cues.DECLARED.pattern.search(event.text):
            return trim(plain(event.text.strip().splitlines()[0]), 120)
    for event in inc.stream:
        for key in ("incident_title", "incident_summary", "title"):
            value = event.meta.get(key)
            if event.kind is SourceKind.PAGE and isinstance(value, str) and value.strip():
                return trim(plain(value), 120)
    anchor = inc.detection or next(iter(inc.stream), None)
    return f"Incident on {anchor.ts.date().isoformat()}" if anchor else "Untitled incident"


def _in_lookback(inc: _Incident, event: Event) -> bool:
    return inc.detection is None or event.ts >= inc.detection.ts - inc.lookback


def _cite(evidence: list[str], event_id: str) -> None:
    if event_id not in evidence:
        evidence.append(event_id)
