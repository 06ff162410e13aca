"""Grounding: every cited id must exist, and every derived time must come from the cited events.

Extractors (rules or model) may only *choose* events; times are never generated. ``ground`` gives
the one time an entry citing some events may carry, and ``check_draft`` refuses a draft where any
citation dangles or any time differs from its evidence.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from postmortem_writer.errors import GroundingError
from postmortem_writer.events import EventStream
from postmortem_writer.models import Draft, TimelineEntry, TimelineKind, event_number


def ground(evidence: Iterable[str], stream: EventStream) -> datetime:
    """The time of the earliest cited event; ``GroundingError`` for no evidence or an unknown id."""
    ids = list(evidence)
    if not ids:
        raise GroundingError("no evidence cited")
    unknown = [event_id for event_id in ids if event_id not in stream]
    if unknown:
        raise GroundingError(f"unknown event id(s): {', '.join(unknown)}")
    return min(stream[event_id].ts for event_id in ids)


def grounded_entry(kind: TimelineKind, description: str, evidence: list[str], stream: EventStream) -> TimelineEntry:
    """A timeline entry whose time is taken from its evidence, never supplied by the caller."""
    ordered = sorted(set(evidence), key=event_number)
    return TimelineEntry(time=ground(ordered, stream), kind=kind, description=description, evidence=ordered)


def draft_problems(draft: Draft, stream: EventStream) -> list[str]:
    """Every way ``draft`` is not grounded in ``stream``, as readable lines (empty when sound)."""
    problems: list[str] = []
    for event_id in sorted(draft.cited_ids() - {event.id for event in stream}, key=event_number):
        problems.append(f"cites {event_id}, which is not in the event stream")
    if draft.evidence_index:
        indexed = {event.id for event in draft.evidence_index}
        for event_id in sorted((draft.cited_ids() & {e.id for e in stream}) - indexed, key=event_number):
            problems.append(f"cites {event_id}, which is missing from the evidence index")
    for number, entry in enumerate(draft.timeline, start=1):
        expected = _earliest(entry.evidence, stream)
        if expected is not None and entry.time != expected:
            problems.append(
                f"timeline entry {number} is at {entry.time.isoformat()} but its earliest evidence is at "
                f"{expected.isoformat()}"
            )
    times = [entry.time for entry in draft.timeline]
    if times != sorted(times):
        problems.append("timeline entries are not in time order")
    for name, moment, evidence in (
        ("start", draft.impact.start, draft.impact.start_evidence),
        ("end", draft.impact.end, draft.impact.end_evidence),
    ):
        if moment is None:
            continue
        expected = _earliest(evidence, stream)
        if not evidence:
            problems.append(f"impact {name} has no evidence")
        elif expected is not None and moment != expected:
            problems.append(f"impact {name} is {moment.isoformat()} but its evidence is at {expected.isoformat()}")
    return problems


def check_draft(draft: Draft, stream: EventStream) -> None:
    """Raise ``GroundingError`` listing every grounding problem of ``draft``; return quietly if none."""
    problems = draft_problems(draft, stream)
    if problems:
        raise GroundingError("draft is not grounded in its sources:\n- " + "\n- ".join(problems))


def _earliest(evidence: list[str], stream: EventStream) -> datetime | None:
    # Unknown ids are reported once, as dangling citations, not again as time mismatches.
    known = [event_id for event_id in evidence if event_id in stream]
    return min((stream[event_id].ts for event_id in known), default=None)
