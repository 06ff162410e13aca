"""People's vocabulary every stage shares: who the sources know, the roles they state, whether a
sentence names someone, and text without them.

Generated wording must never make a person the subject of a failure, so every place that copies
source words into a title or a question goes through here. A name counts in any case, with or
without a leading ``@`` and with a possessive ``'s``; any other ``@Someone`` mention counts too.
Redaction (pseudonyms by role), extraction (responders, impersonal wording) and lint (names as
subjects) read the same people: ``EventStream.people`` computes them once per stream.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from functools import lru_cache

from postmortem_writer.models import ActorKind, Event
from postmortem_writer.text import CueTable, cue, folded, plain

# Mentions of everyone or of a team are not a person.
_BROADCAST = frozenset({"here", "channel", "everyone", "all"})
_MENTION = re.compile(r"(?<![\w@.])@([^\W\d_][\w.'-]*(?: [A-Z][\w'-]+)?)")

# --- roles people state ("IC: Priya", "I'll take comms", "assigned to Nur") -----------------------

# Names are matched case-sensitively (capitalised words), the surrounding words are not.
_NAME = r"@?(?P<name>[A-Z][\w'-]*(?: [A-Z][\w'-]*){0,2})"

ROLES = CueTable(
    (
        cue(
            "role.ic-self",
            r"(?i:\bI(?:'m| am) (?:the )?)(?:IC|(?i:incident commander))\b"
            r"|(?i:\bI'?ll (?:take|be) (?:the )?)(?:IC|(?i:incident commander))\b"
            r"|(?i:\btaking )IC\b|\bIC(?i: (?:is )?me)\b",
            category="incident commander",
            flags=0,
        ),
        cue(
            "role.ic-named",
            r"\b(?:IC|(?i:incident commander))\s*[:=]\s*" + _NAME,
            category="incident commander",
            flags=0,
        ),
        cue(
            "role.comms-self",
            r"(?i:\bi'?ll (?:own|handle|take|do) (?:the )?(?:comms|communications?|status (?:page|updates)))",
            category="communications",
            flags=0,
        ),
        cue("role.assigned", r"(?i:\bassigned to):?\s+" + _NAME, category="on-call", flags=0),
        cue("role.notified", r"(?i:\bnotified)\s+" + _NAME + r"\s+(?i:via)\b", category="on-call", flags=0),
        cue("role.acknowledged", r"(?i:\backnowledged by)\s+" + _NAME, category="on-call", flags=0),
    ),
)


def people(events: list[Event]) -> frozenset[str]:
    """The people in ``events``, speakers and @mentioned: full names and, when safe, first names.

    Read it from ``EventStream.people``, which computes it once per stream.
    """
    names = {e.actor.strip() for e in events if e.actor_kind is ActorKind.HUMAN and e.actor.strip()}
    for event in events:
        names.update(m for m in _MENTION.findall(event.text) if m.split()[0].casefold() not in _BROADCAST)
    firsts = {name.split()[0] for name in names if " " in name and len(name.split()[0]) >= 3}
    return frozenset(names | firsts)


def person(name: str, names: Collection[str]) -> str | None:
    """The one person ``name`` can mean ("Nur" or "nur" -> "Nur Aziz"), else ``None``."""
    key = name.casefold()
    full = [n for n in names if " " in n and key in (n.casefold(), n.split()[0].casefold())]
    if len(full) == 1:
        return full[0]
    return next((n for n in names if n.casefold() == key), None)


def names_someone(text: str, names: Collection[str]) -> bool:
    """Whether ``text`` names one of ``names`` or @mentions anyone."""
    if any(m.split()[0].casefold() not in _BROADCAST for m in _MENTION.findall(text)):
        return True
    return bool(names) and _any_name(frozenset(names)).search(text) is not None


def impersonal(text: str, names: Collection[str]) -> str:
    """``text`` as one plain line without names or @mentions ("@Mei Zhang changed X" -> "changed X")."""
    text = plain(text)
    for name in sorted(names, key=len, reverse=True):
        if folded(name) in folded(text):  # a name not in the text in any case has nothing to take out
            text = _name_pattern(name, by=True).sub("", text)
    text = _MENTION.sub(lambda m: m.group(0) if m.group(1).split()[0].casefold() in _BROADCAST else "", text)
    return " ".join(text.split())


@lru_cache(maxsize=16)
def _any_name(names: frozenset[str]) -> re.Pattern[str]:
    """One pattern for a whole set of names: it matches where any one name's pattern does."""
    alternatives = "|".join(re.escape(name) for name in sorted(names))
    return re.compile(rf"(?<![\w.])@?(?:{alternatives})(?:'s)?(?![\w@])", re.IGNORECASE)


def _name_pattern(name: str, *, by: bool = False) -> re.Pattern[str]:
    lead = r"(?:\bby\s+)?" if by else ""
    return re.compile(rf"{lead}(?<![\w.])@?{re.escape(name)}(?:'s)?(?![\w@])\s*", re.IGNORECASE)
