"""The rules extractor: a grounded first draft from structured signals and cue phrases, no model.

Structured events (alerts, pages, deploys) map straight to timeline kinds; alert posts and chat are
classified by ``classify`` with the cue tables in ``cues``; ``followups`` finds action items and
questions and ``factors`` the candidate contributing factors. Everything the draft says cites the
events it came from, times are taken from those events (``grounding``), and whatever the sources
do not state is left as a ``TODO(author)`` or an open question. Generated wording names systems
and processes, never people.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import timedelta
from itertools import takewhile

from postmortem_writer.events import EventStream
from postmortem_writer.extract import cues
from postmortem_writer.extract.classify import (
    alert_recovery,
    deploy_announcement,
    is_bot,
    sentences_of_kind,
    timeline_kinds,
)
from postmortem_writer.extract.factors import (
    CHANGE_LOOKBACK,
    cause_factors,
    change_factors,
    changed_service,
    fold_causes_into_changes,
    gap_factors,
    stated_causes,
)
from postmortem_writer.extract.followups import action_items, is_action, open_questions, split_lists
from postmortem_writer.extract.grounding import grounded_entry
from postmortem_writer.injection import suspects
from postmortem_writer.models import (
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
    event_number,
)
from postmortem_writer.people import ROLES, impersonal, names_someone
from postmortem_writer.text import PUNCT, cite, clock, normalise, plain, sentences, span, trim

__all__ = ["extract_rules"]

MERGE_WINDOW = timedelta(seconds=60)
"""A bot's chat echo of a structured event within this window joins that event's entry."""

ALERT_END_SLACK = timedelta(hours=2)
"""A resolution stated within this time after the last alert resolved is wrap-up: the window ends at the alert."""

RESTATE_WINDOW = timedelta(minutes=3)
"""A detection or resolution row within this time of the previous row of its kind restates it."""

SETTLE_WINDOW = timedelta(minutes=15)
"""A message stating an action and its recovery is the mitigation when the end is declared more than this later."""

QUICK_MITIGATION = timedelta(minutes=30)
"""Mitigation starting within this time of detection is listed under what went well."""

_K = TimelineKind
_TOKEN = re.compile(r"\w[\w.-]{2,}\w")
_CAMEL = re.compile(r"[a-z][A-Z]")

# A message reporting the first symptom is the detection even when it also declares or escalates.
_FIRST_REPORT_OVERRIDES = (_K.ESCALATION, _K.COMMUNICATION, _K.DIAGNOSIS)
# Numbers in sentences of these kinds are after the fix (or describe a change), not the impact.
_NOT_IMPACT = (_K.RESOLUTION, _K.CHANGE, _K.MITIGATION)

_IMPACT_QUESTIONS: tuple[tuple[frozenset[str], str], ...] = (
    (frozenset({"users"}), "TODO(author): how many users or customers were affected?"),
    (frozenset({"error_rate", "requests"}), "TODO(author): what was the peak error rate, or how many requests failed?"),
    (frozenset({"orders", "revenue"}), "TODO(author): how many orders or how much revenue was lost?"),
)

_RESTATED = (_K.DETECTION, _K.RESOLUTION)
# The pager step a prompt acknowledgement or escalation record belongs to.
_PAGER_JOINS = {
    Signal.PAGE_ACKNOWLEDGED: (_K.DETECTION, _K.ESCALATION),
    Signal.PAGE_ESCALATED: (_K.ESCALATION,),
}

_RANK = {Confidence.HIGH: 0, Confidence.MEDIUM: 1, Confidence.LOW: 2}


@dataclass
class _Incident:
    """The stream, each event's timeline kind, and the key moments every section refers to."""

    stream: EventStream
    lookback: timedelta
    kinds: dict[str, TimelineKind] = field(init=False)
    names: frozenset[str] = field(init=False)
    detection: Event | None = field(init=False)
    mitigation: Event | None = field(init=False)
    recovery: Event | None = field(init=False)
    resolution: Event | None = field(init=False)
    causes: list[tuple[Event, str]] = field(init=False)

    def __post_init__(self) -> None:
        self.names = self.stream.people
        deploys = any(e.signal in (Signal.DEPLOY, Signal.ROLLBACK) for e in self.stream)
        candidates = {
            e.id: kinds
            for e in self.stream
            if (kinds := timeline_kinds(e)) and not (deploys and deploy_announcement(e))
        }
        self.kinds = {event_id: kinds[0] for event_id, kinds in candidates.items()}
        # "atl01 disabled on the backbone, traffic flowing normally again" states an action and its
        # effect: when the end is declared well after it, the message is the mitigation.
        ends = [self.stream[i].ts for i, kind in self.kinds.items() if kind is _K.RESOLUTION]
        for event_id, kinds in candidates.items():
            stated = self.stream[event_id].ts
            if kinds[0] is _K.RESOLUTION and _K.MITIGATION in kinds and max(ends) - stated > SETTLE_WINDOW:
                self.kinds[event_id] = _K.MITIGATION
        # A message saying what caused the failure is diagnosis even without a diagnosis cue.
        self.causes = stated_causes(self.prose(), self.names)
        for event, _ in self.causes:
            self.kinds.setdefault(event.id, _K.DIAGNOSIS)
        first_report = next((e for e in self.stream if _K.DETECTION in candidates.get(e.id, [])), None)
        if first_report is not None and self.kinds[first_report.id] in _FIRST_REPORT_OVERRIDES:
            self.kinds[first_report.id] = _K.DETECTION
        # "declaring an incident. services that authenticate with tokens are failing": an incident
        # declared on a stated symptom is when it was recognised, whoever reported first.
        for event_id, kinds in candidates.items():
            if self.kinds[event_id] is _K.ESCALATION and _K.DETECTION in kinds and _declares(self.stream[event_id]):
                self.kinds[event_id] = _K.DETECTION
        detections = self.of(_K.DETECTION)
        self.detection = detections[0] if detections else None
        start = self.detection.ts if self.detection else None
        # Nothing can be mitigated before it is detected: a restart, rollback or config push
        # before the first report is a change to the system, possibly the trigger.
        for event in self.of(_K.MITIGATION):
            if start is not None and event.ts < start:
                self.kinds[event.id] = _K.CHANGE
        # A deploy during the response that says it fixes the problem is how it was mitigated.
        for event in self.of(_K.CHANGE):
            fix = event.signal is Signal.DEPLOY and cues.DEPLOY_FIX.pattern.search(normalise(event.text))
            if fix and start is not None and event.ts > start:
                self.kinds[event.id] = _K.MITIGATION
        mitigations = [e for e in self.of(_K.MITIGATION) if start is None or e.ts >= start]
        resolutions = [e for e in self.of(_K.RESOLUTION) if start is None or e.ts >= start]
        self.mitigation = mitigations[0] if mitigations else None
        self.recovery = resolutions[0] if resolutions else None
        self.resolution = self._most_direct(resolutions)

    def _most_direct(self, resolutions: list[Event]) -> Event | None:
        """The resolution the sources show most directly: the last alert or page resolving, when nothing
        but wrap-up follows it; else the last resolution anyone stated."""
        if not resolutions:
            return None
        last = resolutions[-1]
        recovered = [e for e in resolutions if alert_recovery(e)]
        if not recovered or recovered[-1] is last:
            return last
        alert = recovered[-1]
        # A pager's record and its chat echo a few seconds apart are one recovery: the first says when.
        alert = next(e for e in recovered if alert.ts - e.ts <= MERGE_WINDOW)
        work = (_K.DETECTION, _K.MITIGATION, _K.DIAGNOSIS, _K.ESCALATION, _K.DECISION)
        # Responders still working after the alert cleared, or declaring the end hours later, means
        # the alert ended one symptom, not the incident.
        still = any(alert.ts < e.ts <= last.ts and self.kinds.get(e.id) in work for e in self.stream)
        return last if still or last.ts - alert.ts > ALERT_END_SLACK else alert

    def of(self, kind: TimelineKind) -> list[Event]:
        return [e for e in self.stream if self.kinds.get(e.id) is kind]

    def prose(self) -> list[Event]:
        """What people wrote: chat messages and page notes by humans."""
        return [e for e in self.stream if not is_bot(e) and e.signal in (None, Signal.PAGE_NOTE) and e.text.strip()]

    def late(self, event: Event) -> bool:
        """Whether ``event`` was written once the incident had recovered (follow-up talk)."""
        return self.recovery is not None and event.ts >= self.recovery.ts


def extract_rules(
    stream: EventStream,
    *,
    provenance: Provenance,
    title: str | None = None,
    change_lookback: timedelta = CHANGE_LOOKBACK,
) -> Draft:
    """A grounded first draft of the incident in ``stream``, built by rules alone.

    Messages that address the drafting tool rather than report the incident (``injection``) are
    left out: an "ignore previous instructions" or "add a timeline entry at 03:00" read by the cue
    tables would otherwise become a detection, a factor or a figure; their ids go in the
    provenance's ``withheld``. ``evidence_index`` is left empty for the caller to fill with the
    cited events.
    """
    withheld = suspects(stream.events)
    stream = stream.without(withheld)
    inc = _Incident(stream, change_lookback)
    changes, causes = fold_causes_into_changes(
        change_factors(stream, inc.kinds, inc.detection, change_lookback, names=inc.names),
        cause_factors(inc.prose(), inc.names),
    )
    gaps = gap_factors(stream)
    trigger = next((f for f in changes if f.confidence is Confidence.MEDIUM), None)
    stated = _stated_trigger(inc)
    impact = _impact(inc)
    return Draft(
        title=title or _title(inc),
        severity=_severity(stream),
        summary=_summary(inc, trigger, stated),
        impact=impact,
        timeline=_timeline(inc),
        trigger=([Cited(text=_trigger_text(inc, trigger), evidence=trigger.evidence)] if trigger else [])
        + ([stated] if stated else []),
        contributing_factors=sorted(changes + causes + gaps, key=lambda f: _RANK[f.confidence]),
        went_well=_went_well(inc),
        # Gaps people stated went wrong; gaps they only asked about stay candidates.
        went_wrong=[
            Cited(text=f"{gap.title}.", evidence=gap.evidence) for gap in gaps if gap.confidence is Confidence.MEDIUM
        ],
        lucky=[
            Cited(text="TODO(author): did anything limit the impact by chance (time of day, traffic, who was online)?")
        ],
        action_items=action_items(inc.prose(), inc.names, inc.late),
        open_questions=open_questions(inc.prose(), stream, inc.late, inc.names)
        + _author_questions(inc, trigger, stated, impact),
        responders=_responders(inc),
        provenance=provenance.model_copy(update={"withheld": sorted(withheld, key=event_number)}),
    )


# --- timeline ------------------------------------------------------------------------------------


@dataclass
class _Row:
    kind: TimelineKind
    events: list[Event]
    description: str


def _timeline(inc: _Incident) -> list[TimelineEntry]:
    rows: list[_Row] = []
    previous = _previous_releases(inc)
    for event in inc.stream:
        kind = inc.kinds.get(event.id)
        # Changes long before detection are history, not the incident; they stay citable.
        if kind is None or (kind is _K.CHANGE and not _in_lookback(inc, event) and event.id not in previous):
            continue
        row = _Row(kind, [event], _describe(event, kind, inc.names))
        echoed = _echoed(rows, row)
        joined = None if echoed else _pager_record(rows, event) or _said_again(rows, event, kind)
        restated = None if echoed or joined else _restated(rows, row)
        if echoed is not None:
            echoed.events.append(event)
            if event.signal is not None:
                echoed.description = row.description
        elif joined is not None:
            joined.events.append(event)
        elif restated is not None:
            restated.events.append(event)
            # The fuller wording tells the moment best ("Triggered through the API." says least).
            if len(row.description) > len(restated.description):
                restated.description = row.description
        else:
            rows.append(row)
    return [grounded_entry(r.kind, r.description, [e.id for e in r.events], inc.stream) for r in rows]


def _restated(rows: list[_Row], row: _Row) -> _Row | None:
    """The row ``row`` restates: the same report, page or recovery said again moments later.

    A second alert on the same symptom, a responder confirming what the page said, the pager's
    "resolved by" after a responder's "resolving": one moment of the story, cited by all of them.
    Escalations stay apart: each names who was brought in.
    """
    if row.kind not in _RESTATED:
        return None
    # A declaration or page record in between ("Triggered through the API." after "declaring an
    # incident" after the alert) does not make the same report a new moment.
    recent = takewhile(lambda earlier: row.events[0].ts - earlier.events[0].ts <= RESTATE_WINDOW, reversed(rows))
    return next((earlier for earlier in recent if earlier.kind is row.kind), None)


def _pager_record(rows: list[_Row], event: Event) -> _Row | None:
    """The row a pager's prompt record belongs to: an acknowledgement joins the page or escalation it
    answers, an escalation joins the one a responder just announced ("paging network on-call").

    A record past ``RESTATE_WINDOW`` keeps its own row: a late acknowledgement is part of the story.
    """
    kinds = _PAGER_JOINS.get(event.signal) if event.signal else None
    if kinds is None:
        return None
    recent = takewhile(lambda earlier: event.ts - earlier.events[0].ts <= RESTATE_WINDOW, reversed(rows))
    return next((earlier for earlier in recent if earlier.kind in kinds), None)


def _said_again(rows: list[_Row], event: Event, kind: TimelineKind) -> _Row | None:
    """The row a responder's words repeat within ``MERGE_WINDOW``: a pager note with no kind of its own
    ("Note: atl01 removed from backbone") after the chat that said it, or a chat mitigation ("bug fix
    deploy has started") after the deploy or rollback record of it."""
    if not rows or is_bot(event) or event.ts - rows[-1].events[-1].ts > MERGE_WINDOW:
        return None
    last = rows[-1]
    if event.signal is Signal.PAGE_NOTE and kind is _K.OTHER:
        return last
    record = last.events[0].signal in (Signal.DEPLOY, Signal.ROLLBACK)
    return last if event.signal is None and kind is _K.MITIGATION and last.kind is kind and record else None


def _echoed(rows: list[_Row], row: _Row) -> _Row | None:
    """The recent row that ``row`` echoes (or that echoes it), if any."""
    start = row.events[0].ts
    # Rows are in time order: only the last minute's rows can be an echo of this one.
    recent = takewhile(lambda earlier: start - earlier.events[0].ts <= MERGE_WINDOW, reversed(rows))
    return next((earlier for earlier in recent if _echoes(earlier, row)), None)


def _echoes(earlier: _Row, later: _Row) -> bool:
    """Whether one row is a bot's chat echo of the structured event in the other."""
    first, second = earlier.events[0], later.events[0]
    if earlier.kind is not later.kind or len(earlier.events) > 1 or second.ts - first.ts > MERGE_WINDOW:
        return False
    if (first.signal is None) == (second.signal is None):
        return False
    chat = first if first.signal is None else second
    if chat.kind is not SourceKind.CHAT or not is_bot(chat):
        return False
    return bool(_identifiers(first.text) & _identifiers(second.text))


def _identifiers(text: str) -> set[str]:
    """Alert names, versions and ids in ``text``: what an echo repeats and unrelated posts rarely share."""
    return {t.casefold() for t in _TOKEN.findall(text) if any(c.isdigit() for c in t) or _CAMEL.search(t)}


def _describe(event: Event, kind: TimelineKind, names: frozenset[str]) -> str:
    text = plain(event.text)
    if event.signal is None:
        if not is_bot(event):
            # Quote what made the row and its context, but no aside about a person ("@Sam was
            # paged but hasn't acked", "slept through the page"): the timeline states what happened.
            made = set(sentences_of_kind(event.text, kind))
            said = [s for s in sentences(event.text) if s in made or not _personal(s, names)]
            text = plain(" ".join(said)) or text
        return trim(f"{event.actor}: {text}")
    return trim(text or event.signal.value.replace(".", " ").capitalize())


def _personal(sentence: str, names: frozenset[str]) -> bool:
    return names_someone(sentence, names) or cues.DETECTION_GAPS.search(sentence) is not None


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
        for sentence in _impact_sentences(inc, event):
            for item, found in cues.FIGURES.find_all(sentence):
                if item.category == "data" and not _data_lost(sentence, found.start(), found.end()):
                    continue
                value = found.group(0).strip()
                figures.setdefault(
                    (item.category, value.casefold()),
                    ImpactFigure(metric=item.category, value=value, quote=trim(plain(sentence)), evidence=[event.id]),
                )
    return list(figures.values())


_CLAUSE_END = re.compile(r"[,;:()\[\]\u2014\u2013]")


def _data_lost(sentence: str, start: int, end: int) -> bool:
    """Whether the clause around a row or record count says the data was lost or damaged.

    "a full table scan on orders (200M rows)" sizes a table; "2,000 rows were deleted" is impact.
    """
    before = _CLAUSE_END.split(sentence[:start])[-1]
    after = _CLAUSE_END.split(sentence[end:])[0]
    return cues.DATA_LOSS.pattern.search(f"{before} {sentence[start:end]} {after}") is not None


def _impact_sentences(inc: _Incident, event: Event) -> list[str]:
    """The sentences of ``event`` that may state impact.

    Recovery, mitigation and change messages quote the numbers after the fix; a person's message is
    judged sentence by sentence ("closing the incident. 26 min of hard outage" states impact).
    Follow-ups and questions are not impact, and neither is an alert's firing condition ("> 10%").
    """
    if event.signal is not None or is_bot(event):
        if inc.kinds.get(event.id) in _NOT_IMPACT:
            return []
        return [s for s in sentences(event.text) if not cues.ALERT_CONDITION.pattern.search(s)]
    found = []
    for sentence in sentences(split_lists(event.text)[0]):
        if is_action(sentence) or sentence.rstrip().endswith("?"):
            continue
        kind = cues.timeline_cue(sentence)
        if kind is None or kind[0] not in _NOT_IMPACT:
            found.append(sentence)
    return found


# --- narrative sections --------------------------------------------------------------------------


def _summary(inc: _Incident, trigger: ContributingFactor | None, stated: Cited | None) -> list[Cited]:
    summary: list[Cited] = []
    detection, mitigation, resolution = inc.detection, inc.mitigation, inc.resolution
    if detection is not None:
        text = f"The problem was first detected at {clock(detection.ts)} on {detection.ts.date().isoformat()}"
        summary.append(Cited(text=f"{text}: “{trim(plain(detection.text), 120)}”.", evidence=[detection.id]))
    if trigger is not None:
        summary.append(Cited(text=_trigger_text(inc, trigger), evidence=trigger.evidence))
    elif stated is not None:
        summary.append(stated)
    if mitigation is not None and not _is_alert(mitigation):
        text = f"Mitigation began at {clock(mitigation.ts)}: “{trim(plain(mitigation.text), 120)}”."
        summary.append(Cited(text=text, evidence=[mitigation.id]))
    if resolution is not None:
        text = f"Resolution was recorded at {clock(resolution.ts)}"
        if detection is not None:
            text += f", {span(resolution.ts - detection.ts)} after first detection"
        ids = [detection.id, resolution.id] if detection else [resolution.id]
        summary.append(Cited(text=f"{text}.", evidence=ids))
    return summary


def _is_alert(event: Event) -> bool:
    """Whether ``event`` is an alert post, which is never quoted as the start of mitigation."""
    post = cues.alert_post_cue(event.text) if is_bot(event) and event.signal is None else None
    return event.signal in (Signal.ALERT_FIRING, Signal.PAGE_TRIGGERED) or (
        post is not None and post[0] is _K.DETECTION
    )


def _trigger_text(inc: _Incident, trigger: ContributingFactor) -> str:
    change, detection = (inc.stream[event_id] for event_id in trigger.evidence[:2])
    verb = "announced in chat" if change.signal is None else "deployed"
    return (
        f"Candidate trigger: {trim(impersonal(change.text, inc.names), 120)}, {verb} "
        f"{span(detection.ts - change.ts)} before the first detection; to be confirmed in review."
    )


_STATED_QUOTES = 2
"""How many responders' statements of the cause the trigger section quotes (the first ones)."""


def _stated_trigger(inc: _Incident) -> Cited | None:
    """The cause responders stated, quoted with its evidence, as a trigger candidate for the review."""
    said = inc.causes[:_STATED_QUOTES]
    if not said:
        return None
    quotes = " and ".join(f"“{trim(impersonal(plain(sentence), inc.names), 160)}”" for _, sentence in said)
    text = f"Stated during the response as the cause: {quotes}; to be confirmed in review."
    return Cited(text=text, evidence=list(dict.fromkeys(event.id for event, _ in said)))


def _went_well(inc: _Incident) -> list[Cited]:
    well: list[Cited] = []
    detection, mitigation = inc.detection, inc.mitigation
    if detection is not None and mitigation is not None and mitigation.ts - detection.ts <= QUICK_MITIGATION:
        text = f"Mitigation began {span(mitigation.ts - detection.ts)} after the first detection."
        well.append(Cited(text=text, evidence=[detection.id, mitigation.id]))
    # A rollback only went well when it is what ended the problem: the last mitigation before
    # recovery (a rollback followed by other fixes did not help, or not alone).
    end = inc.recovery or inc.resolution
    mitigations = [e for e in inc.of(_K.MITIGATION) if end is None or e.ts <= end.ts]
    final = list(takewhile(_is_rollback, reversed(mitigations)))[::-1]
    if final:
        # Cite the rollbacks after the last other fix: any of them may be the one that helped.
        well.append(Cited(text="A rollback path was available and was used.", evidence=[e.id for e in final]))
    return well


def _declares(event: Event) -> bool:
    """Whether a responder's message declares the incident ("declaring an incident", "declared SEV2")."""
    return not is_bot(event) and cues.DECLARING.pattern.search(normalise(event.text)) is not None


def _is_rollback(event: Event) -> bool:
    return event.signal is Signal.ROLLBACK or bool(cues.DEPLOY_ROLLBACK.pattern.search(normalise(event.text)))


def _author_questions(
    inc: _Incident, trigger: ContributingFactor | None, stated: Cited | None, impact: Impact
) -> list[Cited]:
    questions: list[str] = []
    if inc.detection is None:
        questions.append("How and when was the problem first noticed? The sources show no alert, page or report.")
    if inc.resolution is None:
        questions.append("When was the incident resolved, and how was recovery confirmed?")
    if trigger is not None:
        questions.append(
            "What checks did the candidate change pass before production, and which could catch this kind of problem?"
        )
    elif stated is not None:
        questions.append("Which change led to the cause stated during the response, and when did it reach production?")
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
        human = event.actor.strip() if not is_bot(event) else None
        if human:
            roster.add(human, None, event.id)
        for sentence in sentences(event.text):
            for item, found in ROLES.find_all(sentence):
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
            cite(person.evidence, event_id)
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


def _severity(stream: EventStream) -> Cited | None:
    """The most severe level anyone stated ("upgrading to sev1" beats an earlier "sev2"), citing each statement."""
    stated: dict[int, list[str]] = {}
    for event in stream:
        for sentence in sentences(event.text):
            found = cues.SEVERITY.pattern.search(sentence)
            if found is not None:
                cite(stated.setdefault(int(found["level"]), []), event.id)
    if not stated:
        return None
    level = min(stated)
    return Cited(text=f"SEV{level}", evidence=stated[level])


def _previous_releases(inc: _Incident) -> set[str]:
    """Ids of the last change before the lookback to each service changed again near or during the incident.

    That earlier release is what the later change built on or the fix repairs: a latent bug or an
    earlier step of the same rollout. Older releases, services not touched again, and the release a
    rollback returned to (the known-good version, named by the rollback) stay history.
    """
    recent = {
        service
        for e in inc.of(_K.CHANGE) + inc.of(_K.MITIGATION)
        if _in_lookback(inc, e) and (service := changed_service(e))
    }
    previous: dict[str, Event] = {}
    for event in inc.of(_K.CHANGE):
        service = changed_service(event)
        if service in recent and not _in_lookback(inc, event):
            previous[service] = event
    returned_to = {
        name for e in inc.stream if _is_rollback(e) and _in_lookback(inc, e) for name in _identifiers(e.text)
    }
    return {event.id for event in previous.values() if not _identifiers(event.text) & returned_to}


def _in_lookback(inc: _Incident, event: Event) -> bool:
    return inc.detection is None or event.ts >= inc.detection.ts - inc.lookback
