"""Text vocabulary every stage shares: chat text normalised, split into sentences and lines, trimmed
for one-line display, and the cue-phrase table type the extraction and people tables are built from.

It sits below the stages (it imports nothing of this package), so redaction, extraction, lint,
render and the CLI read text the same way without importing each other.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class Cue:
    """One pattern with a stable id; ``category`` and ``label`` mean what the owning table says."""

    id: str
    pattern: re.Pattern[str]
    category: str = ""
    label: str = ""


def cue(cue_id: str, regex: str, *, category: str = "", label: str = "", flags: int = re.IGNORECASE) -> Cue:
    """A compiled cue (case-insensitive by default)."""
    return Cue(cue_id, re.compile(regex, flags), category, label)


@dataclass(frozen=True)
class CueTable:
    """Cues tried in order; any matching negative means the table does not apply to the text."""

    cues: tuple[Cue, ...]
    negatives: tuple[Cue, ...] = ()

    def search(self, text: str) -> tuple[Cue, re.Match[str]] | None:
        """The first cue that matches ``text`` with its match, unless a negative matches."""
        if any(negative.pattern.search(text) for negative in self.negatives):
            return None
        for item in self.cues:
            found = item.pattern.search(text)
            if found is not None:
                return item, found
        return None

    def find_all(self, text: str) -> Iterator[tuple[Cue, re.Match[str]]]:
        """Every non-overlapping match of every cue, earlier cues winning overlaps."""
        if any(negative.pattern.search(text) for negative in self.negatives):
            return
        taken: list[tuple[int, int]] = []
        for item in self.cues:
            for found in item.pattern.finditer(text):
                start, end = found.span()
                if all(end <= s or start >= e for s, e in taken):
                    taken.append((start, end))
                    yield item, found


# Emoji codes (``:tada:``) and pictographs; chat noise is made of them too.
EMOJI = r"(?::[a-z][a-z0-9_+-]*:|:\+1:|[\U0001F300-\U0001FAFF\u2600-\u27BF\u2B50\u2705\uFE0F\u200D])"
# A list item: its marker and the item.
BULLET = cue("act.bullet", r"^\s*(?:[-*\u2022\u00b7\u25e6\u25aa\u2023\u2013]|\d{1,2}[.)])\s+(?P<item>\S.*)$")

_MARKUP = str.maketrans({"`": "", "\u2019": "'", "\u2018": "'"})
# Slack bold: a pair of asterisks hugging text. Lone asterisks ("* * * * *", "svc_*") are content.
_BOLD = re.compile(r"(?<![\w*])\*(?=[^\s*])([^*\n]*?[^\s*])\*(?![\w*])")
_SPACE = re.compile(r"\s+")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\s*\n+\s*")
_EMOJI_CODES = re.compile(EMOJI)


def normalise(text: str) -> str:
    """Text as the cues expect it: chat markup and curly quotes gone, entities undone, one line."""
    return _SPACE.sub(" ", _unmark(text)).strip()


def sentences(text: str) -> list[str]:
    """The sentences of ``text`` (lines and ``.!?`` followed by space end one), normalised, emoji gone."""
    parts = (strip_emoji(normalise(_unbullet(part))) for part in _SENTENCE_END.split(_unmark(text)))
    return [part for part in parts if part]


def _unbullet(sentence: str) -> str:
    # A list item ("- why didnt the canary catch this?") is a sentence of its own, without its marker.
    item = BULLET.pattern.match(sentence)
    return item["item"] if item else sentence


def lines(text: str) -> list[str]:
    """The non-blank lines of ``text``, each normalised without emoji (for bullet lists)."""
    parts = (strip_emoji(normalise(line)) for line in _unmark(text).splitlines())
    return [part for part in parts if part]


def _unmark(text: str) -> str:
    text = text.replace("&gt;", ">").replace("&lt;", "<").replace("&amp;", "&").translate(_MARKUP)
    return _BOLD.sub(r"\1", text)


def strip_emoji(text: str) -> str:
    """``text`` without ``:emoji:`` codes and pictographs, whitespace collapsed."""
    return _SPACE.sub(" ", _EMOJI_CODES.sub(" ", text)).strip()


PUNCT = " .,:;!\u2014\u2013-"
"""Punctuation and dashes stripped from the ends of phrases cut out of sentences."""


def plain(text: str) -> str:
    """Source text as one plain line: chat markup, entities and emoji codes removed."""
    return strip_emoji(normalise(text))


def trim(text: str, limit: int = 200) -> str:
    """``text`` on one line, cut at a word boundary with an ellipsis when longer than ``limit``."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    return text[: limit - 1].rsplit(" ", 1)[0].rstrip(PUNCT) + "…"


def capitalise(text: str) -> str:
    """``text`` with its first character upper-cased and the rest untouched.

    A leading identifier ("svc_airflow", "maximum_lag_on_failover", "iOS") is left as written.
    """
    first = text.split(" ", 1)[0]
    if any(c in first for c in "_./@#") or any(c.isupper() for c in first[1:]):
        return text
    return text[:1].upper() + text[1:]


def clock(moment: datetime) -> str:
    """A UTC time of day as the draft writes it, e.g. ``09:10 UTC``."""
    return moment.strftime("%H:%M UTC")


def span(delta: timedelta) -> str:
    """A duration in whole minutes, e.g. ``7 minutes``."""
    minutes = round(delta.total_seconds() / 60)
    if minutes < 1:
        return "less than a minute"
    return "1 minute" if minutes == 1 else f"{minutes} minutes"


def cite(evidence: list[str], event_id: str) -> None:
    """Add ``event_id`` to ``evidence`` once, keeping the order of first citation."""
    if event_id not in evidence:
        evidence.append(event_id)
