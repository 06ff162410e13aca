"""Chunking: the event stream as numbered lines, cut into chunks that fit a model's token budget.

Cuts fall between whole event lines (langchain-text-splitters with a newline separator), with a
little overlap so a reply in the next chunk still sees what it answers. Tokens are estimated from
characters: this must work air-gapped, and tokenizer downloads fail there. Exact counts come
later from the ``usage`` the endpoint reports.
"""

from __future__ import annotations

import hashlib
import logging
import math
import re
from datetime import date

from langchain_text_splitters import RecursiveCharacterTextSplitter
from pydantic import BaseModel

from postmortem_writer.models import ActorKind, Event

# The splitter logs a warning for a piece over budget; our lines are capped, and stderr is the user's.
logging.getLogger("langchain_text_splitters").addHandler(logging.NullHandler())

CHARS_PER_TOKEN = 3.0
"""Conservative: English prose runs near 4 characters a token, timestamps and ids nearer 2.5."""
MAX_EVENT_CHARS = 1500
"""Longer messages (pasted logs, stack traces) are cut in the prompt; the evidence index keeps them whole."""

_LINE_ID = re.compile(r"^(E\d+) \d")


class Chunk(BaseModel):
    """Consecutive event lines sent in one call; ``id`` is stable for the same events and text."""

    id: str
    event_ids: list[str]
    lines: list[str]
    tokens: int


def estimate_tokens(text: str) -> int:
    """A download-free token estimate for budgeting (over- rather than under-estimates)."""
    return math.ceil(len(text) / CHARS_PER_TOKEN)


def event_line(event: Event, *, channel: bool = False) -> str:
    """One event as one compact prompt line: ``E12 09:14 [#channel] Actor [bot]: text``.

    The day is not repeated on every line (``day_line`` marks it) and newlines are flattened:
    every character here is paid for on every call, and the source text is the yardstick.
    """
    text = " ⏎ ".join(part.strip() for part in event.text.splitlines() if part.strip())
    if len(text) > MAX_EVENT_CHARS:
        text = text[:MAX_EVENT_CHARS] + " …[cut]"
    # Names come from the sources too: a display name with a line break in it would start a forged
    # event line ("E998 03:00 …") that the chunk would then offer the model as citable.
    where = f" #{_one_line(_channel(event))}" if channel else ""
    kind = "" if event.actor_kind is ActorKind.HUMAN else f" [{event.actor_kind.value}]"
    # Minutes suffice: ids keep the order, and entry times are taken from the events, not the model.
    return f"{event.id} {event.ts:%H:%M}{where} {_one_line(event.actor)}{kind}: {text}"


def _one_line(name: str) -> str:
    return " ".join(name.split())


def day_line(day: date) -> str:
    """The marker giving the UTC day of the event lines after it."""
    return f"--- {day.isoformat()} ---"


def chunk_events(events: list[Event], *, budget: int, overlap: int = 0, per_event: int = 0) -> list[Chunk]:
    """``events`` as chunks of at most ``budget`` estimated tokens, consecutive chunks sharing ~``overlap``.

    Each event costs its line plus ``per_event`` tokens (what else the request carries for each
    event: its id in the answer schema). Each chunk starts with the day of its first event, so no
    line is read without its date.
    """
    if not events:
        return []
    channels = len({_channel(event) for event in events}) > 1
    lines: list[str] = []
    days = {event.id: event.ts.date() for event in events}
    previous: date | None = None
    for event in events:
        if days[event.id] != previous:
            previous = days[event.id]
            lines.append(day_line(previous))
        lines.append(event_line(event, channel=channels))
    splitter = RecursiveCharacterTextSplitter(
        separators=["\n"],
        chunk_size=budget - estimate_tokens(day_line(date.min)),  # room for the day marker added below
        chunk_overlap=min(overlap, budget // 2),
        length_function=lambda text: estimate_tokens(text) + per_event * len(event_ids(text.split("\n"))),
        keep_separator=False,
        strip_whitespace=True,
    )
    chunks = []
    for text in splitter.split_text("\n".join(lines)):
        body = text.split("\n")
        ids = event_ids(body)
        if not ids:
            continue  # a piece holding only a day marker
        if not body[0].startswith("---"):
            body.insert(0, day_line(days[ids[0]]))
        chunks.append(_chunk(body))
    return chunks


def event_ids(lines: list[str]) -> list[str]:
    """The ids of the event lines among ``lines`` (day markers have none), in order."""
    return [match.group(1) for line in lines if (match := _LINE_ID.match(line))]


def _channel(event: Event) -> str:
    channel = event.meta.get("channel")
    return channel if isinstance(channel, str) else event.format


def split_chunk(chunk: Chunk) -> tuple[Chunk, Chunk]:
    """``chunk`` in two halves of its events, each line still under the day marker it had."""
    first = set(chunk.event_ids[: len(chunk.event_ids) // 2])
    halves: tuple[list[str], list[str]] = ([], [])
    marked: list[str | None] = [None, None]  # the day each half last said
    day: str | None = None
    for line in chunk.lines:
        match = _LINE_ID.match(line)
        if match is None:
            day = line
            continue
        side = 0 if match.group(1) in first else 1
        if day is not None and marked[side] != day:
            halves[side].append(day)
            marked[side] = day
        halves[side].append(line)
    return _chunk(halves[0]), _chunk(halves[1])


def _chunk(lines: list[str]) -> Chunk:
    text = "\n".join(lines)
    ids = event_ids(lines)
    digest = hashlib.sha256(text.encode()).hexdigest()[:8]
    return Chunk(id=f"{ids[0]}-{ids[-1]}#{digest}", event_ids=ids, lines=lines, tokens=estimate_tokens(text))
