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

from langchain_text_splitters import RecursiveCharacterTextSplitter
from pydantic import BaseModel

from postmortem_writer.models import Event

# The splitter logs a warning for a piece over budget; our lines are capped, and stderr is the user's.
logging.getLogger("langchain_text_splitters").addHandler(logging.NullHandler())

CHARS_PER_TOKEN = 3.0
"""Conservative: English prose runs near 4 characters a token, timestamps and ids nearer 2.5."""
MAX_EVENT_CHARS = 1500
"""Longer messages (pasted logs, stack traces) are cut in the prompt; the evidence index keeps them whole."""

_LINE_ID = re.compile(r"^(E\d+) \|")


class Chunk(BaseModel):
    """Consecutive event lines sent in one call; ``id`` is stable for the same events and text."""

    id: str
    event_ids: list[str]
    lines: list[str]
    tokens: int


def estimate_tokens(text: str) -> int:
    """A download-free token estimate for budgeting (over- rather than under-estimates)."""
    return math.ceil(len(text) / CHARS_PER_TOKEN)


def event_line(event: Event) -> str:
    """One event as one prompt line: id, UTC time, source, actor and text (newlines flattened)."""
    text = " ⏎ ".join(part.strip() for part in event.text.splitlines() if part.strip())
    if len(text) > MAX_EVENT_CHARS:
        text = text[:MAX_EVENT_CHARS] + " …[cut]"
    where = event.meta.get("channel") if isinstance(event.meta.get("channel"), str) else event.format
    when = event.ts.strftime("%Y-%m-%d %H:%M:%SZ")
    return f"{event.id} | {when} | {event.kind.value} {where} | {event.actor} ({event.actor_kind.value}): {text}"


def chunk_events(events: list[Event], *, budget: int, overlap: int = 0) -> list[Chunk]:
    """``events`` as chunks of at most ``budget`` estimated tokens, consecutive chunks sharing ~``overlap``."""
    if not events:
        return []
    splitter = RecursiveCharacterTextSplitter(
        separators=["\n"],
        chunk_size=budget,
        chunk_overlap=min(overlap, budget // 2),
        length_function=estimate_tokens,
        keep_separator=False,
        strip_whitespace=True,
    )
    chunks = []
    for text in splitter.split_text("\n".join(event_line(event) for event in events)):
        lines = text.split("\n")
        ids = [match.group(1) for line in lines if (match := _LINE_ID.match(line))]
        digest = hashlib.sha256(text.encode()).hexdigest()[:8]
        chunks.append(
            Chunk(id=f"{ids[0]}-{ids[-1]}#{digest}", event_ids=ids, lines=lines, tokens=estimate_tokens(text))
        )
    return chunks
