"""The event stream: all sources' events in one time order, with short stable ids."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator
from datetime import datetime
from functools import cached_property
from operator import attrgetter

from postmortem_writer.models import Event
from postmortem_writer.people import people


class EventStream:
    """Events sorted by ``(ts, source, position in source)`` and numbered ``E1…En``.

    The same inputs always give the same ids, so a draft's citations survive re-runs. Thread
    parents given by the sources' own ids are resolved to event ids here, once every source
    has been read (a reply may come from another day file than its parent).
    """

    def __init__(self, events: Iterable[Event], *, owned: bool = False):
        """Number ``events`` in time order; ``owned=True`` hands them over to be numbered in place.

        By default each event is copied, so events the caller keeps are left as they were. A caller
        that holds them nowhere else (ingest, fresh from the adapters) passes ``owned=True`` and
        saves a copy per event: a fifth of ingest time, and half its peak memory for events.
        """
        # The position within the whole input keeps equal-time events in file order, which is
        # only ever a tie-breaker, never the primary key: list.sort is stable, so events with equal
        # keys keep their input order without the position in the key (a fifth of the sort's time).
        ordered = sorted(_unique(events), key=attrgetter("ts", "source"))
        # One pass numbers, indexes and notes the replies: at 100k events each extra pass over them
        # costs more than its work (the events lie all over memory).
        self._events: list[Event] = []
        self._by_id: dict[str, Event] = {}
        by_native: dict[tuple[str, str], str] = {}
        replies: list[tuple[Event, str]] = []
        fields_sets: dict[frozenset[str], set[str]] = {}
        for number, event in enumerate(ordered, start=1):
            event_id = f"E{number}"
            if owned:
                event.id, numbered = event_id, event
                if event.thread is not None:  # adapters leave it unset; each assignment goes through pydantic
                    event.thread = None
                # Pydantic keeps a set of the fields each event was given (some 700 bytes, more than
                # most messages' text); no stage reads it, and events hold a few distinct ones, so
                # they share one per content. The stream sets the thread of every event, so it is
                # in all of them and the replies below add nothing to a shared set.
                given = event.__pydantic_fields_set__ | {"thread"}
                shared = fields_sets.setdefault(frozenset(given), given)
                object.__setattr__(event, "__pydantic_fields_set__", shared)
            else:
                numbered = event.model_copy(update={"id": event_id})
            self._events.append(numbered)
            self._by_id[event_id] = numbered
            if numbered.native_id is not None:
                by_native.setdefault((numbered.format, numbered.native_id), event_id)
            if numbered.parent_native_id is not None:
                replies.append((numbered, numbered.parent_native_id))
        for event, parent_native_id in replies:
            parent = by_native.get((event.format, parent_native_id))
            if parent is not None and parent != event.id:
                event.thread = parent

    @classmethod
    def numbered(cls, events: list[Event]) -> EventStream:
        """A stream of events that are already numbered and in order (a redacted copy of a stream)."""
        stream = cls.__new__(cls)
        stream._events = list(events)
        stream._by_id = {event.id: event for event in events}
        return stream

    def __iter__(self) -> Iterator[Event]:
        return iter(self._events)

    def __len__(self) -> int:
        return len(self._events)

    def __contains__(self, event_id: object) -> bool:
        return event_id in self._by_id

    def __getitem__(self, event_id: str) -> Event:
        """The event with this id; ``KeyError`` names the id when it does not exist."""
        return self._by_id[event_id]

    @property
    def events(self) -> list[Event]:
        """The events in stream order (a copy of the list, the same event objects)."""
        return list(self._events)

    @cached_property
    def people(self) -> frozenset[str]:
        """The people in this stream's events (``people.people``), computed once: redaction, extraction
        and lint all ask. A redacted or shortened stream is other text, so it has its own."""
        return people(self._events)

    def without(self, event_ids: Collection[str]) -> EventStream:
        """This stream less ``event_ids``; every other event keeps its id, so citations still hold."""
        if not event_ids:
            return self
        return EventStream.numbered([event for event in self._events if event.id not in event_ids])


def _unique(events: Iterable[Event]) -> Iterator[Event]:
    """The events less repeats: one message saved in two files (a Slack thread parent in both a
    ``conversations.history`` and a ``conversations.replies`` page) is one event, the first read."""
    seen: dict[tuple[str, str], datetime] = {}
    for event in events:
        if event.native_id is not None:
            key = (event.format, event.native_id)
            if seen.get(key) == event.ts:
                continue
            seen.setdefault(key, event.ts)
        yield event
