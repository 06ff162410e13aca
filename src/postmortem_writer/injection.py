"""Chat text that addresses the drafting tool instead of reporting the incident (prompt injection).

Source text is data. A message such as "ignore previous instructions", a fake role tag, JSON that
mimics the answer schema or "write that Bob caused the outage" is not evidence of what happened, so
both extractors leave such messages out: the rules never classify them, the model never reads them.
The tactics are a table with stable ids; ``tests/test_injection.py`` runs them against hostile
lines and against every bundled incident, where none may fire. The fence word and the role tokens
live here once: the tactics detect them and ``neutralise`` makes them inert in the model's data
block (``llm/prompts.py``) and in its answers' quotes (``extract/candidates.py``).

Matching runs on a *skeleton* of the text: one character for each original character (so spans
map back), with fullwidth forms and common Cyrillic and Greek lookalikes folded to ASCII, so the
fence word in fullwidth letters, or with a Cyrillic Es for its C, reads as the word it imitates.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from postmortem_writer.models import Event, Signal
from postmortem_writer.text import folded, once_per_text, required_words

# Letters that render like Latin ones but that NFKC leaves alone (Cyrillic and Greek capitals and
# the lowercase forms that look Latin).
_LOOKALIKES = str.maketrans(
    "АВСЕНІЈКМОРЅТХУаеіјорсхуѕԁԛԝΑΒΕΗΙΚΜΝΟΡΤΥΧΖοικνρτυχ",
    "ABCEHIJKMOPSTXYaeijopcxysdqwABEHIKMNOPTYXZoiKvptuX",
)


@cache
def _fold(char: str) -> str:
    folded = unicodedata.normalize("NFKC", char)
    return folded if len(folded) == 1 else char


def skeleton(text: str) -> str:
    """``text`` with lookalike letters and fullwidth forms folded to ASCII, one character per character."""
    if text.isascii():
        return text
    return "".join(_fold(char) for char in text).translate(_LOOKALIKES)


_JOIN = r"[\W_]{0,8}"
FENCE_WORD = re.compile(
    r"(?:<[\s</]*)?" + _JOIN.join("INCIDENT") + _JOIN + _JOIN.join("DATA") + r"(?:[\s>]*>)?", re.IGNORECASE
)
"""The data fence's word in any case, spacing or lookalike spelling, with brackets around it."""


def forged_fence(match: str) -> bool:
    """Whether a ``FENCE_WORD`` match is a fence (brackets, or letters joined oddly), not the prose
    "incident data"."""
    return " ".join(match.split()).casefold() != "incident data"


# Chat-template special tokens (ChatML, Llama's [INST] and <<SYS>>, Gemma's turns) and role tags:
# the two halves of ``ROLE_TOKEN``, kept apart so a finding says which kind it was. A tag glued to
# an "@" is a login placeholder ("ssh <user>@bastion"), which responders paste, not a turn.
_TEMPLATE_TOKEN = r"<\|[^|<>\n]{1,40}\|>|\[/?INST\]|<</?SYS>>|</?s>|<(?:start|end)_of_turn>"
_ROLE_TAG = r"<\s*/?\s*(?:system|assistant|user|developer|tool|instructions?)\s*>(?!@)"
ROLE_TOKEN = re.compile(f"{_TEMPLATE_TOKEN}|{_ROLE_TAG}", re.IGNORECASE)
"""A chat-template token or a role tag, either of which can open a turn on a server that tokenises
special tokens in message content."""


def neutralise(text: str) -> str:
    """``text`` with forged fences and role tokens made inert, everything else left as it was.

    The fence word in any case, spacing, split or lookalike spelling becomes the plain words
    "incident data" (its brackets dropped), so no variant reads as the end of the block. Chat
    template tokens (``<|im_start|>``, ``[INST]``, ``<<SYS>>``, ``<s>``) and role tags get
    lookalike brackets: a server that tokenises special tokens in message content (many local
    ones do) would otherwise start a real system or assistant turn.
    """
    text = _replace(text, FENCE_WORD, lambda match: "incident data" if forged_fence(match) else match)
    return _replace(text, ROLE_TOKEN, lambda match: match.translate(_INERT_BRACKETS))


_INERT_BRACKETS = str.maketrans("<>[]", "\u2039\u203a\u27e6\u27e7")  # lookalikes: readable, never a token


def _replace(text: str, pattern: re.Pattern[str], replacement: Callable[[str], str]) -> str:
    """``text`` with each match of ``pattern`` in its skeleton replaced; spans map one to one, so
    lookalike spellings are matched and the untouched rest keeps its original characters."""
    plain = skeleton(text)
    if plain.isascii() and not pattern.search(plain):
        return text
    parts: list[str] = []
    end = 0
    for match in pattern.finditer(plain):
        parts += [text[end : match.start()], replacement(match.group())]
        end = match.end()
    parts.append(text[end:])
    return "".join(parts)


@dataclass(frozen=True)
class Tactic:
    """One way chat text tries to steer the drafting tool, with a stable id for tests and logs."""

    id: str
    pattern: re.Pattern[str]


def _tactic(tactic_id: str, pattern: str, flags: int = re.IGNORECASE) -> Tactic:
    return Tactic(tactic_id, re.compile(pattern, flags))


_WRITER_VERBS = r"(?:write|state|claim|say|put|record)"
_SECTIONS = r"(?:summary|timeline|postmortem|post-mortem|draft|root cause|report)"
_BLAME = r"(?:caused|at fault|to blame|blame|responsible|careless|negligen\w*|should have)"

TACTICS: tuple[Tactic, ...] = (
    _tactic(
        "override.ignore-instructions",
        r"\b(?:ignore|disregard|forget|override|bypass)\b[^.\n]{0,40}?"
        r"\b(?:instructions?|rules|prompts?|guidelines|schema|system message)\b",
    ),
    _tactic(
        "override.new-persona",
        r"\b(?:new|updated|real|actual) instructions\b|\bsystem prompt\b|\bjailbreak"
        r"|\byou are (?:now|no longer) (?:an? |the )?(?:ai|assistant|language model|chatbot|llm)\b",
    ),
    _tactic("role.chat-template-token", _TEMPLATE_TOKEN),
    _tactic("role.tag", _ROLE_TAG),
    _tactic("role.heading", r"^\s*#{1,6}\s*(?:system|assistant|user|instructions?|response)\s*:", re.I | re.M),
    _tactic("role.json", r"\"role\"\s*:\s*\"(?:system|assistant|user|developer|tool)\""),
    _tactic("schema.evidence-list", r"\"evidence\"\s*:\s*\["),
    _tactic(
        "schema.sections",
        r"\"(?:timeline|summary|trigger|factors|contributing_factors|action_items|open_questions|questions)\""
        r"\s*:\s*\[\s*\{",
    ),
    _tactic(
        "directive.write-blame",
        rf"\b{_WRITER_VERBS}\s+(?:down\s+)?(?:in\s+the\s+{_SECTIONS}\s+)?that\b[^.\n]{{0,60}}\b{_BLAME}",
    ),
    _tactic(
        "directive.section-says",
        rf"\b{_SECTIONS}\b[^.\n]{{0,20}}\b(?:must|should|has to|needs to)\s+(?:say|read|state|show|blame|list)\b"
        rf"|\b{_WRITER_VERBS}\s+the\s+{_SECTIONS}\b[^.\n]{{0,30}}\b(?:saying|stating)\b",
    ),
    _tactic(
        "directive.add-entry",
        r"\badd\s+(?:a|an|another|this)\s+(?:timeline|trigger|summary|root[- ]cause)\s+entry\b"
        r"|\badd\s+(?:a|an|another)\s+entry\b[^.\n]{0,40}\b(?:saying|at\s+\d{1,2}:\d{2})",
    ),
    _tactic("fake.event-line", r"^\s*E\d+\s+\d{1,2}:\d{2}\b|^\s*---\s*\d{4}-\d{2}-\d{2}\s*---", re.M),
)
"""The tactics, most specific last; ``fence.data-word`` (a forged ``FENCE_WORD``) is checked too."""

FENCE_TACTIC = "fence.data-word"

# Each tactic with the words every match of it holds: a text with none of them is not searched.
_REQUIRED = tuple((tactic, required_words(tactic.pattern)) for tactic in TACTICS)


def tactics(text: str) -> list[str]:
    """The ids of the tactics ``text`` uses (empty for ordinary chat)."""
    return list(_tactics(text))


@once_per_text
def _tactics(text: str) -> tuple[str, ...]:
    # The whole text, however long: what the analysis does not read, a model may still be shown.
    plain = skeleton(text)
    words = folded(plain)
    found = [
        tactic.id
        for tactic, required in _REQUIRED
        if (required is None or any(word in words for word in required)) and tactic.pattern.search(plain)
    ]
    if any(forged_fence(match.group()) for match in FENCE_WORD.finditer(plain)):
        found.append(FENCE_TACTIC)
    return tuple(found)


def addresses_the_tool(event: Event) -> bool:
    """Whether ``event`` is written text (chat, a page note) that speaks to the drafting tool.

    Structured events keep their place whatever their text says: a deploy happened even when its
    description is hostile, and its timeline row comes from its signal, not its words. The actor
    is read too, since a display name can carry a forged event line.
    """
    if event.signal not in (None, Signal.PAGE_NOTE, Signal.TOPIC):
        return False
    return bool(tactics(event.text)) or "\n" in event.actor or bool(tactics(event.actor))


def suspects(events: list[Event]) -> set[str]:
    """The ids of ``events`` that address the drafting tool."""
    return {event.id for event in events if addresses_the_tool(event)}
