"""Prevention: action items classified by what they do about the class of incident, and the section built from them.

Each action item is read by the cues below, tried in order (the first that matches decides):
finding the problem sooner (detection) and changing how people work (process) are asked before
limiting the impact (mitigation) and stopping the fault from shipping (prevention), because an
"alert on the canary" is about detection first. An item no cue matches keeps no kind, for the
author. The section groups the items by kind, and warns about every contributing factor of a kind
an earlier related incident had too: the action items that followed it did not stop this one.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from postmortem_writer.models import ActionItem, ActionKind, Cited, ContributingFactor, RelatedIncident
from postmortem_writer.text import CueTable, cue, normalise

ACTION_KINDS = CueTable(
    cues=(
        cue("kind.detection", r"\b(?:alert|alerting|alarm|monitor|monitoring|dashboard|detect|detection|observability"
            r"|synthetic|slo|probe|paged? (?:on|when|before)|anomaly)\w*", category=ActionKind.DETECTION),
        cue("kind.process", r"\b(?:escalation|on-?call|rota|rotation|handover|hand-off|runbook|playbook|training"
            r"|document|docs|communicat|comms|status ?page|post[- ]?mortem|game ?day|drill|checklist|ownership|owner"
            r"|practices|procedure)\w*",
            category=ActionKind.PROCESS),
        cue("kind.mitigation", r"\b(?:roll ?back|rollback|revert|failover|fail over|kill ?switch|feature flag|circuit"
            r" breaker|fallback|degrade|shed|throttl|autoscal|auto-scal|backup|restore|recover|retry|retries"
            r"|timeout|remediation|disable|during an outage)\w*",
            category=ActionKind.MITIGATION),
        cue("kind.prevention", r"\b(?:test|tests|testing|canary|staging|pre-?prod|validat|lint|review|guard|gate|limit"
            r"|cap|quota|schema|fix|patch|upgrade|migrate|remove|redundan|capacity|require|enforce|block|prevent"
            r"|rollout|roll out|progressive|stage|staged|deprecat|audit)\w*",
            category=ActionKind.PREVENTION),
    ),
)  # fmt: skip

LISTED_PER_KIND = 5
"""Action items a line of the section names (the first ones); the rest are counted, and all stay in Action items."""

# The lines of the section, in this order, and how each introduces its items.
_LEADS = (
    (ActionKind.PREVENTION, "Keep this class of fault from reaching production"),
    (ActionKind.DETECTION, "Detect it sooner"),
    (ActionKind.MITIGATION, "Limit the impact and recover faster"),
    (ActionKind.PROCESS, "Change how the response works"),
)


def action_kind(description: str) -> ActionKind | None:
    """What an action item does about the class of incident, by the first cue of ``ACTION_KINDS`` it matches."""
    hit = ACTION_KINDS.search(normalise(description))
    return ActionKind(hit[0].category) if hit else None


def classify_actions(items: Iterable[ActionItem]) -> None:
    """Give every action item without a kind the one its description reads as (in place)."""
    for item in items:
        if item.kind is None:
            item.kind = action_kind(item.description)


def prevention(
    items: Sequence[ActionItem], factors: Sequence[ContributingFactor], related: Sequence[RelatedIncident]
) -> list[Cited]:
    """The Prevention section: the classified action items by kind, then the factors that recur in related incidents."""
    lines: list[Cited] = []
    for kind, lead in _LEADS:
        chosen = [item for item in items if item.kind is kind and item.evidence]
        if chosen:
            named = chosen[:LISTED_PER_KIND]
            # An item's first event is enough to find it; a follow-up asked a hundred times cites a hundred.
            evidence = list(dict.fromkeys(item.evidence[0] for item in named))
            listed = "; ".join(_phrase(item.description) for item in named)
            more = f"; and {len(chosen) - len(named)} more under Action items" if len(chosen) > len(named) else ""
            lines.append(Cited(text=f"{lead}: {listed}{more}.", evidence=evidence))
    for factor in factors:
        earlier = [past for past in related if factor.title in past.recurring]
        if earlier:
            names = ", ".join(f"{past.title} ({past.date or 'undated'})" for past in earlier)
            actions = sum(len(past.past_actions) for past in earlier)
            lines.append(
                Cited(
                    text=f"Recurring {factor.category} factor: “{factor.title}” is of the same kind as in {names}; "
                    f"check whether the {actions} action item(s) that followed were done and why they did not "
                    "prevent this.",
                    evidence=factor.evidence,
                )
            )
    return lines


def _phrase(description: str) -> str:
    text = description.strip().rstrip(".")
    # "Add an alert" reads on after a colon as "add an alert"; "SLO burn alert" keeps its acronym.
    return text if text[1:2].isupper() else text[:1].lower() + text[1:]
