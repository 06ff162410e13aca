"""Redaction: secrets and personal data in the events become stable placeholders before any model call.

The placeholders (``[SECRET-1]``, ``[EMAIL-3]``) are numbered by first appearance in the stream,
so the same sources always give the same requests (and the answer cache still hits), and one value
is one placeholder wherever it recurs, so the model can still tell that two messages name the same
host. The mapping back to the values lives only in this process: it is never written into a
request, a cache entry or the call log, and the draft gets the values back only with
``--rehydrate``. People become role labels with ``--pseudonymize``; those stay in the draft.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from postmortem_writer.events import EventStream
from postmortem_writer.models import ActorKind, Draft, Event
from postmortem_writer.redact.detect import Detector, Hit
from postmortem_writer.redact.patterns import Kind
from postmortem_writer.redact.people import Pseudonyms, pseudonyms

__all__ = ["PLACEHOLDER", "Kind", "Privacy", "Redaction", "redact_stream"]

PLACEHOLDER = re.compile(r"\[(?:" + "|".join(kind.label for kind in Kind) + r")-[1-9][0-9]*\]")
"""What a placeholder looks like: ``[SECRET-1]``, ``[EMAIL-12]``."""
_J = TypeVar("_J")
# Short repeated strings (names, channels, metadata) are remembered; long messages rarely repeat.
_REMEMBERED_CHARS = 200
_REMEMBERED_STRINGS = 200_000


@dataclass(frozen=True)
class Privacy:
    """What to hide from the model, and what the draft may show again.

    ``redact=None`` means: redact when a model is used, not on the offline rules path (nothing
    leaves the machine there, and a local draft reads better with its hosts and addresses).
    """

    redact: bool | None = None
    rehydrate: bool = False
    pseudonymize: bool = False
    keep: frozenset[Kind] = frozenset()
    allow: frozenset[str] = frozenset()
    phone_region: str | None = "US"

    def applies(self, *, model: bool) -> bool:
        """Whether to redact on this run (``model``: a model will read the events)."""
        return self.pseudonymize or (model if self.redact is None else self.redact)


@dataclass(frozen=True)
class Replaced:
    """One value given a placeholder: where it was first seen and which rule found it."""

    placeholder: str
    kind: Kind
    rule: str
    value: str
    first_event: str


@dataclass
class Redaction:
    """Replaces values with placeholders and remembers them (in memory only) to restore on request."""

    detector: Detector
    people: Pseudonyms | None = None
    taken: frozenset[str] = frozenset()
    """Placeholders the sources already hold (a pasted earlier postmortem): never handed out."""
    replaced: dict[str, Replaced] = field(default_factory=dict)
    _by_value: dict[tuple[Kind, str], str] = field(default_factory=dict)
    _counters: Counter[Kind] = field(default_factory=Counter)
    _done: dict[str, str] = field(default_factory=dict)

    def text(self, text: str, event_id: str = "") -> str:
        """``text`` with every detected value replaced by its placeholder, then people by their labels."""
        # Speakers, channels and metadata values repeat on event after event; a value's placeholders
        # are fixed once given, so a string seen before redacts the same way again.
        done = self._done.get(text)
        if done is not None:
            return done
        hits = self.detector.find(text) if text else []
        result = self._replace(text, hits, event_id) if hits else text
        if self.people is not None:
            result = self.people.text(result)
        if len(text) <= _REMEMBERED_CHARS and len(self._done) < _REMEMBERED_STRINGS:
            self._done[text] = result
        return result

    def event(self, event: Event) -> Event:
        """A copy of ``event`` with its text, speaker and metadata redacted (ids, times, refs kept)."""
        actor = self.text(event.actor, event.id)
        if self.people is not None and event.actor_kind is ActorKind.HUMAN:
            actor = self.people.actor(actor)
        update: dict[str, object] = {}
        text = self.text(event.text, event.id)
        if text != event.text:
            update["text"] = text
        if actor != event.actor:
            update["actor"] = actor
        meta = _strings(event.meta, lambda text: self.text(text, event.id))
        if meta != event.meta:
            update["meta"] = meta
        return event.model_copy(update=update) if update else event

    def stream(self, stream: EventStream) -> EventStream:
        """The redacted stream: the same events under the same ids, in the same order."""
        return EventStream.numbered([self.event(event) for event in stream])

    def restore(self, text: str) -> str:
        """``text`` with the placeholders this redaction gave out replaced by their values again."""

        def value(match: re.Match[str]) -> str:
            known = self.replaced.get(match.group(0))
            return known.value if known is not None else match.group(0)

        return PLACEHOLDER.sub(value, text) if "[" in text else text

    def restore_draft(self, draft: Draft) -> Draft:
        """``draft`` with every placeholder in every field (evidence index included) restored."""
        return Draft.model_validate(_strings(draft.model_dump(), self.restore))

    def counts(self) -> dict[str, int]:
        """Distinct values replaced, by kind (``person``: people given a role label)."""
        counts = Counter(item.kind.value for item in self.replaced.values())
        result = {kind.value: counts[kind.value] for kind in Kind if counts[kind.value]}
        if self.people is not None and len(self.people):
            result["person"] = len(self.people)
        return result

    def _replace(self, text: str, hits: list[Hit], event_id: str) -> str:
        parts: list[str] = []
        at = 0
        for hit in hits:
            parts.append(text[at : hit.start])
            parts.append(self._placeholder(hit, text[hit.start : hit.end], event_id))
            at = hit.end
        parts.append(text[at:])
        return "".join(parts)

    def _placeholder(self, hit: Hit, value: str, event_id: str) -> str:
        key = (hit.kind, value)
        known = self._by_value.get(key)
        if known is not None:
            return known
        placeholder = ""
        while not placeholder or placeholder in self.taken:
            self._counters[hit.kind] += 1
            placeholder = f"[{hit.kind.label}-{self._counters[hit.kind]}]"
        self._by_value[key] = placeholder
        self.replaced[placeholder] = Replaced(placeholder, hit.kind, hit.rule, value, event_id)
        return placeholder


def _strings(item: _J, change: Callable[[str], str]) -> _J:
    """``item`` (JSON-like: strings, lists, dicts) with ``change`` applied to every string in it."""
    if isinstance(item, str):
        return change(item)  # type: ignore[return-value]
    if isinstance(item, list):
        return [_strings(x, change) for x in item]  # type: ignore[return-value]
    if isinstance(item, dict):
        return {key: _strings(x, change) for key, x in item.items()}  # type: ignore[return-value]
    return item


def _placeholders_in(stream: EventStream) -> frozenset[str]:
    found: set[str] = set()

    def collect(text: str) -> str:
        if "[" in text:
            found.update(PLACEHOLDER.findall(text))
        return text

    for event in stream:
        _strings([event.text, event.actor, event.meta], collect)
    return frozenset(found)


def redact_stream(stream: EventStream, privacy: Privacy) -> tuple[EventStream, Redaction]:
    """``stream`` with secrets, personal data and (when asked) people replaced, and the mapping back."""
    # --no-redact with --pseudonymize: people become roles, every other value stays.
    keep = frozenset(Kind) if privacy.redact is False else privacy.keep
    detector = Detector(keep=keep, allow=privacy.allow, phone_region=privacy.phone_region)
    redaction = Redaction(detector, pseudonyms(stream) if privacy.pseudonymize else None, _placeholders_in(stream))
    return redaction.stream(stream), redaction
