"""People's names in text: who the sources know, whether a sentence names someone, text without them.

Generated wording must never make a person the subject of a failure, so every place that copies
source words into a title or a question goes through here. A name counts in any case, with or
without a leading ``@`` and with a possessive ``'s``; any other ``@Someone`` mention counts too.
"""

from __future__ import annotations

import re
from collections.abc import Collection

from postmortem_writer.events import EventStream
from postmortem_writer.extract.text import plain
from postmortem_writer.models import ActorKind

# Mentions of everyone or of a team are not a person.
_BROADCAST = frozenset({"here", "channel", "everyone", "all"})
_MENTION = re.compile(r"(?<![\w@.])@([^\W\d_][\w.'-]*(?: [A-Z][\w'-]+)?)")


def people(stream: EventStream) -> set[str]:
    """The people in the sources, speakers and @mentioned: full names and, when safe, first names."""
    names = {e.actor.strip() for e in stream if e.actor_kind is ActorKind.HUMAN and e.actor.strip()}
    for event in stream:
        names.update(m for m in _MENTION.findall(event.text) if m.split()[0].casefold() not in _BROADCAST)
    firsts = {name.split()[0] for name in names if " " in name and len(name.split()[0]) >= 3}
    return names | firsts


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
    return any(_name_pattern(name).search(text) for name in names)


def impersonal(text: str, names: Collection[str]) -> str:
    """``text`` as one plain line without names or @mentions ("@Mei Zhang changed X" -> "changed X")."""
    text = plain(text)
    for name in sorted(names, key=len, reverse=True):
        text = _name_pattern(name, by=True).sub("", text)
    text = _MENTION.sub(lambda m: m.group(0) if m.group(1).split()[0].casefold() in _BROADCAST else "", text)
    return " ".join(text.split())


def _name_pattern(name: str, *, by: bool = False) -> re.Pattern[str]:
    lead = r"(?:\bby\s+)?" if by else ""
    return re.compile(rf"{lead}(?<![\w.])@?{re.escape(name)}(?:'s)?(?![\w@])\s*", re.IGNORECASE)
