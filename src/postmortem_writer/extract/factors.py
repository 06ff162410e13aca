"""Candidate contributing factors: recent changes, causes people named, detection and paging gaps.

Every factor is a candidate for the review. A change is only MEDIUM when it is the nearest one
before detection that the detection signals do not rule out; a change to a service the signals
never name stays LOW, so a distractor is listed but never asserted as the cause.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import timedelta

from postmortem_writer.events import EventStream
from postmortem_writer.extract import cues
from postmortem_writer.extract.cues import normalise, sentences
from postmortem_writer.extract.text import PUNCT, capitalise, plain, span, trim
from postmortem_writer.models import ActorKind, Confidence, ContributingFactor, Event, Signal, TimelineKind

CHANGE_LOOKBACK = timedelta(hours=2)
"""How long before first detection a change still counts as a candidate trigger."""


def change_factors(
    stream: EventStream,
    kinds: Mapping[str, TimelineKind],
    detection: Event | None,
    lookback: timedelta = CHANGE_LOOKBACK,
) -> list[ContributingFactor]:
    """Changes in the ``lookback`` before first ``detection``, nearest first; one MEDIUM at most."""
    if detection is None:
        return []
    window = [
        e for e in stream if kinds.get(e.id) is TimelineKind.CHANGE and detection.ts - lookback <= e.ts <= detection.ts
    ]
    signals = " ".join(normalise(e.text).casefold() for e in stream if kinds.get(e.id) is TimelineKind.DETECTION)
    factors: list[ContributingFactor] = []
    for change in reversed(window):
        service = _service(change)
        related = _related(service, signals)
        strongest = related is not False and not any(f.confidence is Confidence.MEDIUM for f in factors)
        description = f"Deployed {span(detection.ts - change.ts)} before the first detection"
        if related is False:
            description += f", to {service}, which the detection signals do not name; listed to be ruled in or out."
        else:
            description += ". Whether it contributed is to be confirmed."
        factors.append(
            ContributingFactor(
                title=f"Change shortly before detection: {trim(plain(change.text), 100)}",
                description=description,
                category="change",
                evidence=[change.id, detection.id],
                confidence=Confidence.MEDIUM if strongest else Confidence.LOW,
            )
        )
    factors.extend(_mentioned_changes(stream, kinds, detection))
    return factors


def _mentioned_changes(
    stream: EventStream, kinds: Mapping[str, TimelineKind], detection: Event
) -> list[ContributingFactor]:
    # People often name the change only while responding ("1.8.2 went out at 1:58"); the message
    # time is not the change's time, so these stay LOW and say when they were mentioned.
    return [
        ContributingFactor(
            title=f"Change mentioned during the response: {trim(plain(event.text), 100)}",
            description=f"Mentioned {span(event.ts - detection.ts)} after the first detection. "
            "Whether and when it reached production is to be confirmed.",
            category="change",
            evidence=[event.id, detection.id],
            confidence=Confidence.LOW,
        )
        for event in stream
        if event.signal is None and kinds.get(event.id) is TimelineKind.CHANGE and event.ts > detection.ts
    ]


def cause_factors(prose: Iterable[Event]) -> list[ContributingFactor]:
    """Causes people named in what they wrote ("caused by …", "root cause: …"), LOW confidence."""
    factors: dict[str, ContributingFactor] = {}
    for event in prose:
        hits = ((s, cues.CAUSES.search(s)) for s in sentences(event.text))
        sentence, hit = next(((s, h) for s, h in hits if h is not None), ("", None))
        if hit is None:
            continue
        cause = plain(hit[1].groupdict().get("cause") or sentence).strip(PUNCT)
        if cause.casefold() in factors:
            _cite(factors[cause.casefold()].evidence, event.id)
        elif cause:
            category = cues.FACTOR_CATEGORIES.search(sentence)
            factors[cause.casefold()] = ContributingFactor(
                title=capitalise(trim(cause, 100)),
                description=f"Named as a cause during the incident: “{trim(plain(sentence))}” To be confirmed.",
                category=category[0].category if category else "other",
                evidence=[event.id],
            )
    return list(factors.values())


def gap_factors(stream: EventStream) -> list[ContributingFactor]:
    """Detection and paging gaps, worded from the cue's neutral label, never the speaker's words."""
    found: dict[str, tuple[cues.Cue, list[str]]] = {}
    for event in stream:
        for item in _gaps_in(event):
            _cite(found.setdefault(item.label, (item, []))[1], event.id)
    factors = []
    for label, (item, ids) in found.items():
        escalated = any(stream[event_id].signal is Signal.PAGE_ESCALATED for event_id in ids)
        description = (
            f"{'The page escalated after the acknowledgement timeout. ' if escalated else ''}The review can look at "
            "the conditions around it (alert coverage and routing, notification channels, time of day, on-call load)."
        )
        factors.append(
            ContributingFactor(
                title=label, description=description, category=item.category, evidence=ids, confidence=Confidence.MEDIUM
            )
        )
    return factors


def _gaps_in(event: Event) -> list[cues.Cue]:
    timeout = cues.ESCALATION_TIMEOUT
    if event.signal is Signal.PAGE_ESCALATED:
        texts = [event.text, *(value for value in event.meta.values() if isinstance(value, str))]
        return [timeout] if any(timeout.pattern.search(text) for text in texts) else []
    if event.signal is not None or event.actor_kind is not ActorKind.HUMAN:
        return []
    hits = (cues.DETECTION_GAPS.search(sentence) for sentence in sentences(event.text))
    return [hit[0] for hit in hits if hit is not None]


def _service(change: Event) -> str | None:
    values = (change.meta.get(key) for key in ("service", "app", "application", "component"))
    return next((v.strip() for v in values if isinstance(v, str) and v.strip()), None)


def _related(service: str | None, signals: str) -> bool | None:
    """Whether the detection signals name the changed service; ``None`` when that cannot be told."""
    words = [w for w in re.split(r"[^a-z0-9]+", (service or "").casefold()) if len(w) >= 3]
    words = [w for w in words if w not in cues.GENERIC_SERVICE_WORDS]
    return any(word in signals for word in words) if words else None


def _cite(evidence: list[str], event_id: str) -> None:
    if event_id not in evidence:
        evidence.append(event_id)
