"""Pseudonyms: each person in the sources becomes a stable role ("Incident commander", "Responder 2")."""

from __future__ import annotations

import re
from collections.abc import Iterator

from postmortem_writer.events import EventStream
from postmortem_writer.models import ActorKind, SourceKind
from postmortem_writer.people import ROLES, person
from postmortem_writer.text import sentences

# The role a person is named after, strongest first; everyone else is a numbered responder.
_ROLE_LABELS = {"incident commander": "Incident commander", "communications": "Comms lead", "on-call": "On-call"}
_RESPONDER = "Responder"
_TEAM_HANDLE = re.compile(r"^[\w.]+[-_][\w.-]+$")


class Pseudonyms:
    """Who is who: full names, first names and @handles mapped to one role label per person."""

    def __init__(self, labels: dict[str, str]) -> None:
        self.labels = labels
        # Longest first, so "Mei Zhang" is replaced before "Mei". A name matches in its own case
        # only: a person called Will must not turn "we will restart" into a pseudonym. An @mention
        # matches in any case, as chat tools write them.
        names = sorted(labels, key=len, reverse=True)
        self._plain = re.compile("|".join(rf"(?<![\w@.]){re.escape(n)}(?![\w])" for n in names)) if names else None
        self._mention = (
            re.compile("|".join(rf"(?<![\w.])@{re.escape(n)}(?![\w])" for n in names), re.IGNORECASE) if names else None
        )
        self._folded = {name.casefold(): label for name, label in labels.items()}

    def actor(self, name: str) -> str:
        """The label of a speaker (a name the sources do not know stays as it is)."""
        return self.labels.get(name.strip(), name)

    def text(self, text: str) -> str:
        """``text`` with every known name and @mention replaced by its label."""
        if self._mention is None or self._plain is None:
            return text
        # Substring tests first: most lines name nobody, and one scan per name is far cheaper than
        # the alternation's attempt at every position.
        if "@" in text:
            text = self._mention.sub(lambda m: "@" + self._folded[m.group(0)[1:].casefold()], text)
        if any(name in text for name in self.labels):
            text = self._plain.sub(lambda m: self.labels[m.group(0)], text)
        return text

    def __len__(self) -> int:
        return len(set(self.labels.values()))


def pseudonyms(stream: EventStream) -> Pseudonyms:
    """A label for each person in ``stream``, by the role the sources give them and first appearance."""
    speakers = {e.actor.strip() for e in stream if e.actor_kind is ActorKind.HUMAN}
    # An address is redacted as an email, and "@sre-oncall" is a team's handle, not a person.
    names = {n for n in stream.people if "@" not in n and (n in speakers or not _TEAM_HANDLE.search(n))}
    roles: dict[str, str | None] = {}
    for full, role in _roles(stream, names):
        if "@" in full:
            continue
        current = roles.get(full)
        if full not in roles or (role is not None and (current is None or _rank(role) < _rank(current))):
            roles[full] = role
    counts: dict[str, int] = {}
    labels: dict[str, str] = {}
    for full, role in roles.items():
        base = _ROLE_LABELS.get(role or "", _RESPONDER)
        counts[base] = counts.get(base, 0) + 1
        number = counts[base]
        # A role one person holds reads as the role; responders are always numbered.
        labels[full] = base if base != _RESPONDER and number == 1 else f"{base} {number}"
    # First names and any other spelling point at their person's label.
    for name in names:
        owner = person(name, names)
        if owner is not None and owner in labels:
            labels.setdefault(name, labels[owner])
    return Pseudonyms(labels)


def _rank(role: str) -> int:
    return list(_ROLE_LABELS).index(role) if role in _ROLE_LABELS else len(_ROLE_LABELS)


def _roles(stream: EventStream, names: set[str]) -> Iterator[tuple[str, str | None]]:
    """``(full name, role or None)`` in order of appearance: speakers, mentions, stated roles."""
    full_names: dict[str, str] = {}
    for event in stream:
        speaker = event.actor.strip() if event.actor_kind is ActorKind.HUMAN else None
        if speaker:
            if speaker not in full_names:
                full_names[speaker] = person(speaker, names) or speaker
            yield full_names[speaker], None
        if event.kind not in (SourceKind.CHAT, SourceKind.PAGE):
            continue
        for sentence in sentences(event.text):
            for item, found in ROLES.find_all(sentence):
                named = (found.groupdict().get("name") or speaker or "").strip(" .,:;!?'\"")
                full = person(named, names) if named else None
                if full is not None:
                    yield full, item.category
    for name in sorted(names):
        if " " in name or person(name, names) in (None, name):
            yield person(name, names) or name, None
