"""Candidate contributing factors: recent changes, causes people named, detection and paging gaps.

Every factor is a candidate for the review. A change is only MEDIUM when it is the nearest one
before detection that the detection signals do not rule out; a change to a service the signals
never name stays LOW, so a distractor is listed but never asserted as the cause.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping
from datetime import timedelta

from postmortem_writer.events import EventStream
from postmortem_writer.extract import cues
from postmortem_writer.extract.classify import is_bot
from postmortem_writer.extract.followups import is_action, split_lists
from postmortem_writer.models import Confidence, ContributingFactor, Event, Signal, TimelineKind
from postmortem_writer.people import impersonal, names_someone
from postmortem_writer.text import PUNCT, Cue, capitalise, cite, normalise, once_per_text, plain, sentences, span, trim

CHANGE_LOOKBACK = timedelta(hours=2)
"""How long before first detection a change still counts as a candidate trigger."""


def change_factors(
    stream: EventStream,
    kinds: Mapping[str, TimelineKind],
    detection: Event | None,
    lookback: timedelta = CHANGE_LOOKBACK,
    *,
    names: Collection[str] = (),
) -> list[ContributingFactor]:
    """Changes in the ``lookback`` before first ``detection``, nearest first; one MEDIUM at most.

    Chat posts announcing a change (a feature-flag tool, "bumped X to 100%") count like deploys.
    The titles quote the change without the ``names`` of the people who made it.
    """
    if detection is None:
        return []
    window = [
        e for e in stream if kinds.get(e.id) is TimelineKind.CHANGE and detection.ts - lookback <= e.ts <= detection.ts
    ]
    signals = " ".join(normalise(e.text).casefold() for e in stream if kinds.get(e.id) is TimelineKind.DETECTION)
    factors: list[ContributingFactor] = []
    for change in reversed(window):
        service = changed_service(change)
        related = _related(service, signals)
        # A push or build notification says code changed, not that it reached production.
        strongest = (
            related is not False and not _pushed(change) and not any(f.confidence is Confidence.MEDIUM for f in factors)
        )
        verb = "Announced in chat" if change.signal is None else "Deployed"
        description = f"{verb} {span(detection.ts - change.ts)} before the first detection"
        if related is False:
            description += f", to {service}, which the detection signals do not name; listed to be ruled in or out."
        else:
            description += ". Whether it contributed is to be confirmed."
        factors.append(
            ContributingFactor(
                title=f"Change shortly before detection: {trim(impersonal(change.text, names), 100)}",
                description=description,
                category="change",
                evidence=[change.id, detection.id],
                confidence=Confidence.MEDIUM if strongest else Confidence.LOW,
            )
        )
    factors.extend(_mentioned_changes(stream, kinds, detection, names))
    return factors


def _mentioned_changes(
    stream: EventStream, kinds: Mapping[str, TimelineKind], detection: Event, names: Collection[str]
) -> list[ContributingFactor]:
    # People often name the change only while responding ("1.8.2 went out at 1:58"); the message
    # time is not the change's time, so these stay LOW and say when they were first mentioned.
    factors: dict[str, ContributingFactor] = {}
    for event in stream:
        if event.signal is not None or kinds.get(event.id) is not TimelineKind.CHANGE or event.ts <= detection.ts:
            continue
        title = f"Change mentioned during the response: {trim(impersonal(event.text, names), 100)}"
        if title.casefold() in factors:
            cite(factors[title.casefold()].evidence, event.id)
            continue
        factors[title.casefold()] = ContributingFactor(
            title=title,
            description=f"Mentioned {span(event.ts - detection.ts)} after the first detection. "
            "Whether and when it reached production is to be confirmed.",
            category="change",
            evidence=[event.id, detection.id],
            confidence=Confidence.LOW,
        )
    return list(factors.values())


def cause_factors(prose: Iterable[Event], names: Collection[str] = ()) -> list[ContributingFactor]:
    """Causes people named in what they wrote ("caused by …", "root cause: …"), LOW confidence.

    A sentence naming one of the people is left out: the draft never makes a person the subject
    of a failure (the message stays in the timeline and the evidence).
    """
    factors: dict[str, ContributingFactor] = {}
    for event in prose:
        found = _stated_cause(event, names)
        if found is None:
            continue
        cause, sentence = found
        if cause.casefold() in factors:
            cite(factors[cause.casefold()].evidence, event.id)
        elif cause:
            category = cues.FACTOR_CATEGORIES.search(sentence)
            factors[cause.casefold()] = ContributingFactor(
                title=capitalise(trim(cause, 100)),
                description=f"Named as a cause during the incident: “{trim(plain(sentence))}” To be confirmed.",
                category=category[0].category if category else "other",
                evidence=[event.id],
            )
    return list(factors.values())


# What names one particular change: a version, a PR or issue number, a commit hash.
_CHANGE_ID = re.compile(r"#\d+\b|\bv?\d+\.\d+(?:\.\d+)*\b|\b(?=[0-9a-f]*\d)(?=[0-9a-f]*[a-f])[0-9a-f]{7,40}\b")


def fold_causes_into_changes(
    changes: list[ContributingFactor], causes: list[ContributingFactor]
) -> tuple[list[ContributingFactor], list[ContributingFactor]]:
    """Changes with the stated causes that name them folded in, and the causes left over.

    "Root-cause candidate: Redis pool config in checkout 1.42.0" and the deploy of checkout 1.42.0
    are one candidate, told twice: the change keeps its place and gains the sentence and its
    evidence, so the reviewer confirms or drops it once.
    """
    changes = list(changes)
    # Which change each identifier names first, read once: folding keeps a change's title, and a
    # long incident has hundreds of changes and causes (re-reading every title per cause was quadratic).
    first: dict[str, int] = {}
    for index, change in enumerate(changes):
        for change_id in _CHANGE_ID.findall(change.title):
            first.setdefault(change_id, index)
    left: list[ContributingFactor] = []
    for cause in causes:
        match = min((first[named] for named in _CHANGE_ID.findall(cause.title) if named in first), default=None)
        if match is None:
            left.append(cause)
            continue
        change = changes[match]
        evidence = list(change.evidence)
        for event_id in cause.evidence:
            cite(evidence, event_id)
        stated = cause.description.removesuffix(" To be confirmed.")
        changes[match] = change.model_copy(
            update={"description": f"{change.description} {stated}", "evidence": evidence}
        )
    return changes, left


def _stated_cause(event: Event, names: Collection[str]) -> tuple[str, str] | None:
    """The first cause ``event`` states, as (cause, sentence), or ``None``."""
    said = sentences(split_lists(event.text)[0])
    for index, sentence in enumerate(said):
        hit = None if is_action(sentence) else cues.CAUSES.search(sentence)
        if hit is None and not is_action(sentence) and about_systems(sentence):
            # "found the cause: the route reflectors select nodes by a label 1.24 removed".
            hit = cues.STATED_TRIGGER.search(sentence)
        if hit is None or names_someone(sentence, names):
            continue
        if hit[0].label == "sentence" and not about_systems(sentence):
            # "late because my train was stuck": an explanation of small talk is no factor.
            continue
        captured = hit[1].groupdict().get("cause")
        cause = plain(captured or "").strip(PUNCT)
        if hit[0].label == "sentence" or len(cause.split()) < 3:
            # "slow because of the volume": the reason only makes sense with what it explains.
            cause = plain(sentence).strip(PUNCT)
            if _ELIDED.match(sentence) and index and not names_someone(said[index - 1], names):
                # "… never shuts it down. was hidden before because of a cache": the subject is before.
                sentence = f"{said[index - 1]} {sentence}"
                cause = plain(sentence).strip(PUNCT)
        return cause, sentence
    return None


@once_per_text  # asked of a sentence by both the trigger and the factors
def about_systems(sentence: str) -> bool:
    """Whether ``sentence`` is about systems (an index, a deploy, "R-8821"), not small talk."""
    return cues.SYSTEM_TERMS.pattern.search(normalise(sentence)) is not None


def stated_causes(prose: Iterable[Event], names: Collection[str] = ()) -> list[tuple[Event, str]]:
    """Messages that say what caused or started the incident, with the sentence that says it.

    "that's what started this" and "cause is migration 0412" name the trigger; "full table scan
    because of the missing index" explains the failure. Both are trigger candidates for the review;
    questions, action items, sentences about people and small talk ("late because my train …") are not.
    """
    found: list[tuple[Event, str]] = []
    for event in prose:
        for sentence in sentences(split_lists(event.text)[0]):
            if is_action(sentence) or names_someone(sentence, names) or not about_systems(sentence):
                continue
            cause = cues.CAUSES.search(sentence)
            if cues.STATED_TRIGGER.search(sentence) or (cause is not None and cause[0].id in _EXPLAINING):
                found.append((event, sentence))
                break
    return found


# Causes that explain the failure itself; "nobody reads that channel" or "was never tested" are
# conditions for the review's factors, not what started the incident.
_EXPLAINING = frozenset(
    {"cause.root-cause", "cause.caused-by", "cause.because", "cause.due-to", "cause.triggered-by",
     "cause.as-a-result-of", "cause.led-to", "cause.expired"}
)  # fmt: skip


def gap_factors(stream: EventStream) -> list[ContributingFactor]:
    """Detection and paging gaps, worded from the cue's neutral label, never the speaker's words.

    Gaps people stated are MEDIUM; gaps they only asked about ("why didn't the expiry alert
    fire?") are LOW candidates for the review.
    """
    found: dict[str, tuple[Cue, list[str]]] = {}
    for event in stream:
        for item in _gaps_in(event):
            ids = found.setdefault(item.label, (item, []))[1]
            if not ids or ids[-1] != event.id:  # in stream order: cited already only if cited last
                ids.append(event.id)
    factors = []
    for label, (item, ids) in found.items():
        escalations = [i for i in ids if stream[i].signal is Signal.PAGE_ESCALATED]
        escalated = bool(escalations)
        if escalated:
            # The pager's own record is the evidence; a responder's apology is not needed to show it.
            ids = escalations
        asked = item in cues.GAP_QUESTIONS.cues
        description = (
            f"{'The page escalated after the acknowledgement timeout. ' if escalated else ''}"
            f"{'Raised as a question; to be confirmed. ' if asked else ''}The review can look at "
            f"the conditions around it ({_REVIEW_ANGLES.get(item.category, _REVIEW_ANGLES['process'])})."
        )
        factors.append(
            ContributingFactor(
                title=label,
                description=description,
                category=item.category,
                evidence=ids,
                confidence=Confidence.LOW if asked else Confidence.MEDIUM,
            )
        )
    return factors


# What a review usually examines for each kind of gap, so the prompt fits the factor.
_REVIEW_ANGLES = {
    "monitoring": "alert coverage, thresholds and routing, dashboards",
    "testing": "test coverage, canary analysis, review and pre-production checks",
    "process": "alert routing, notification channels, time of day, on-call load",
}


def _gaps_in(event: Event) -> list[Cue]:
    timeout = cues.ESCALATION_TIMEOUT
    if event.signal is Signal.PAGE_ESCALATED:
        texts = [event.text, *(value for value in event.meta.values() if isinstance(value, str))]
        return [timeout] if any(timeout.pattern.search(text) for text in texts) else []
    if event.signal is not None or is_bot(event):
        return []
    hits = (cues.DETECTION_GAPS.search(s) or cues.GAP_QUESTIONS.search(s) for s in sentences(event.text))
    return [hit[0] for hit in hits if hit is not None]


def _pushed(change: Event) -> bool:
    post = None if change.signal is not None else cues.alert_post_cue(change.text)
    return post is not None and post[1].label == "push"


def changed_service(change: Event) -> str | None:
    """The service a deploy or config change names in its record, if any."""
    values = (change.meta.get(key) for key in ("service", "app", "application", "component"))
    return next((v.strip() for v in values if isinstance(v, str) and v.strip()), None)


def _related(service: str | None, signals: str) -> bool | None:
    """Whether the detection signals name the changed service; ``None`` when that cannot be told."""
    words = [w for w in re.split(r"[^a-z0-9]+", (service or "").casefold()) if len(w) >= 3]
    words = [w for w in words if w not in cues.GENERIC_SERVICE_WORDS]
    return any(word in signals for word in words) if words else None


_ELIDED = re.compile(r"^(?:was|were|is|are|has|had|have)\b", re.IGNORECASE)
