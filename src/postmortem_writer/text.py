"""Text vocabulary every stage shares: chat text normalised, split into sentences and lines, trimmed
for one-line display, and the cue-phrase table type the extraction and people tables are built from.

It sits below the stages (it imports nothing of this package), so redaction, extraction, lint,
render and the CLI read text the same way without importing each other.
"""

from __future__ import annotations

import re
from bisect import bisect_left, insort
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cached_property, wraps
from re import _constants, _parser  # type: ignore[attr-defined]  # re's own parser, which typeshed leaves out
from typing import Any, TypeVar

_R = TypeVar("_R")
_memos: list[dict[Any, Any]] = []
_analysing = 0


def once_per_text(function: Callable[[str], _R]) -> Callable[[str], _R]:
    """``function`` of a text, computed once per distinct text while an ``analysis()`` is open.

    Every stage reads each message's sentences and lines, often several times; inside an analysis
    they are worked out once. ``function`` must return a value nobody changes (a str or a tuple).
    """
    memo: dict[str, _R] = {}
    _memos.append(memo)

    @wraps(function)
    def once(text: str) -> _R:
        if not _analysing:
            return function(text)
        found = memo.get(text)
        if found is None:
            found = memo[text] = function(text)
        return found

    return once


@contextmanager
def analysis() -> Iterator[None]:
    """While open, ``once_per_text`` functions remember their results; on closing, they forget them."""
    global _analysing
    _analysing += 1
    try:
        yield
    finally:
        _analysing -= 1
        if not _analysing:
            for memo in _memos:
                memo.clear()


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
    """Cues tried in order; any matching negative means the table does not apply to the text.

    Most texts match no cue of a table, and a regex search costs microseconds even when it fails,
    so each cue carries the words its every match must contain (``required_words``): one scan of
    the text finds which of the table's words it holds, and a cue with none of its words in the
    text is not searched. The answers are those of searching every cue. A table whose every cue
    needs a character of some class (a digit in every figure) says so in ``needs``: a text without
    one is not scanned at all.
    """

    cues: tuple[Cue, ...]
    negatives: tuple[Cue, ...] = ()
    needs: re.Pattern[str] | None = None

    def __post_init__(self) -> None:
        _TABLES.append(self)

    @cached_property
    def _gates(self) -> _Gates:
        return _Gates(self.cues)

    @cached_property
    def _negative_gates(self) -> _Gates:
        return _Gates(self.negatives)

    def search(self, text: str) -> tuple[Cue, re.Match[str]] | None:
        """The first cue that matches ``text`` with its match, unless a negative matches."""
        if self.needs is not None and self.needs.search(text) is None:
            return None
        for item in self._gates.candidates(text):
            found = item.pattern.search(text)
            if found is not None:
                # Negatives only matter once a cue matched, and most texts match none.
                return None if self._vetoed(text) else (item, found)
        return None

    def find_all(self, text: str) -> Iterator[tuple[Cue, re.Match[str]]]:
        """Every non-overlapping match of every cue, earlier cues winning overlaps."""
        if self.needs is not None and self.needs.search(text) is None:
            return
        # The spans taken so far, disjoint and sorted, so an overlap check is one bisection.
        taken: list[tuple[int, int]] = []
        for item in self._gates.candidates(text):
            for found in item.pattern.finditer(text):
                if not taken and self._vetoed(text):  # checked at the first match, as in search
                    return
                start, end = found.span()
                before = bisect_left(taken, (end, -1)) - 1  # the last span that starts before this ends
                if before < 0 or taken[before][1] <= start:
                    insort(taken, (start, end))
                    yield item, found

    def gated(self) -> None:
        """Work out which words each cue requires (when first needed, for every table at once)."""
        _ = self._gates, self._negative_gates

    def _vetoed(self, text: str) -> bool:
        if not self.negatives:
            return False
        return any(item.pattern.search(text) for item in self._negative_gates.candidates(text))


class _Gates:
    """Which of some cues can match a text, by the required words the text holds."""

    def __init__(self, cues: tuple[Cue, ...]) -> None:
        self.cues = cues
        words = [_selective(required_words(item.pattern)) for item in cues]
        self.ungated = frozenset(n for n, gate in enumerate(words) if gate is None)
        self.cues_of: dict[str, set[int]] = {}
        for number, gate in enumerate(words):
            for word in gate or ():
                self.cues_of.setdefault(word, set()).add(number)
        self.words = frozenset(self.cues_of)
        self.always = [cues[n] for n in sorted(self.ungated)]
        # Texts hold few distinct combinations of a table's words: each combination's cues, once.
        self.by_held: dict[frozenset[str], list[Cue]] = {}
        # Inside an analysis the word sets are shared objects whose hash is kept: the cues of each,
        # looked up without building the intersection again (a third of the extractor's time).
        self.by_found: dict[frozenset[str], list[Cue]] = {}
        _memos.append(self.by_found)
        _WORDS.add(self.words)

    def candidates(self, text: str) -> list[Cue]:
        """The cues, in order, that ``text`` holds a required word of (or that require none)."""
        if not self.cues:
            return []
        found = _WORDS.found(text)
        known = self.by_found.get(found)
        if known is None:
            known = self._of(found)
            if _analysing:
                self.by_found[found] = known
        return known

    def _of(self, found: frozenset[str]) -> list[Cue]:
        held = self.words & found
        if not held:
            return self.always
        known = self.by_held.get(held)
        if known is None:
            numbers = set(self.ungated)
            for word in held:
                numbers |= self.cues_of[word]
            known = self.by_held[held] = [self.cues[n] for n in sorted(numbers)]
        return known


class _Words:
    """The required words of every cue table, and which of them a text holds, by one scan per text."""

    def __init__(self) -> None:
        self.words: set[str] = set()
        self.scan: WordScan | None = None
        self.memo: dict[str, frozenset[str]] = {}
        self.interned: dict[frozenset[str], frozenset[str]] = {}
        _memos.extend([self.memo, self.interned])

    def add(self, words: Iterable[str]) -> None:
        """Count ``words`` in from now on (a table built after a scan makes the next scan anew)."""
        new = set(words) - self.words
        if new:
            self.words |= new
            self.scan = None
            self.memo.clear()

    def found(self, text: str) -> frozenset[str]:
        """The words ``text`` holds, case-folded (once per text while an ``analysis()`` is open)."""
        known = self.memo.get(text)
        if known is not None:
            return known
        # Read once into a local: the rules may run in a thread beside the model calls.
        scan = self.scan
        if scan is None:
            for table in _TABLES:  # every table's words, so that one scan serves them all
                table.gated()
            scan = self.scan = WordScan(self.words)
        found = scan.held(folded(text))
        if _analysing:
            # Texts hold few distinct sets of words: one copy of each set serves them all.
            found = self.memo[text] = self.interned.setdefault(found, found)
        return found


class WordScan:
    """Which of some words a text holds, by one scan of the text however many words there are."""

    def __init__(self, words: Iterable[str]) -> None:
        every = sorted(set(words))
        known = set(every)
        # A lookahead at each position finds the longest word starting there; the shorter words
        # starting there are its prefixes, so every place a word occurs is seen.
        self.prefixes = {
            word: frozenset(word[:n] for n in range(1, len(word) + 1) if word[:n] in known) for word in every
        }
        self.scan = re.compile(f"(?=({trie(every)}))") if every else None

    def held(self, text: str) -> frozenset[str]:
        """The words that occur in ``text`` (as written: fold the text first to find them in any case)."""
        if self.scan is None:
            return frozenset()
        # The distinct longest words first (findall and set() run in C), then their prefixes.
        return frozenset().union(*(self.prefixes[word] for word in set(self.scan.findall(text))))


_WORDS = _Words()
_TABLES: list[CueTable] = []


def _selective(words: tuple[str, ...] | None) -> tuple[str, ...] | None:
    # A gate with a short word ("a", "is", "to") passes nearly every text and costs a scan hit at
    # every one of its places: cheaper to search the cue.
    if words is None or _broad(words):
        return None
    return words


def _broad(words: tuple[str, ...]) -> bool:
    """Whether one of ``words`` is short and found inside nearly every text ("a", "is", "ai", a space)."""
    return any(len(word) < 3 and any(char.isalnum() or char.isspace() for char in word) for word in words)


def trie(words: list[str]) -> str:
    """A pattern matching any of ``words`` (longest first), branching one character at a time."""
    tree: dict[str, Any] = {}
    for word in words:
        node = tree
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def pattern(node: dict[str, Any]) -> str:
        branches = [re.escape(char) + pattern(child) for char, child in sorted(node.items()) if char]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body

    return pattern(tree)


def required_words(pattern: re.Pattern[str], *, ascii_text: bool = False) -> tuple[str, ...] | None:
    """Strings, case-folded, at least one of which is in the case-folded text of every match of
    ``pattern``; ``None`` when no such set is found (the pattern is then always searched).

    Read from the parsed pattern: a run of ASCII literal characters is required where it stands in a
    sequence, a group or a repeat of at least one; so is one of the characters of a class of
    characters that have no case (``[$€£]``); an alternation requires one of its branches' words; a
    positive lookaround's words are in the text too. Of a sequence's requirements the one whose
    shortest word is longest is kept, as it rules out most texts, unless it holds a short word found
    inside nearly every text ("ai", "p") and another requirement does not. With ``ascii_text`` the
    words are those of every match in an ASCII text: branches that need a character no ASCII
    character matches (a Cyrillic or CJK word) are left out, and ``()`` means no match at all.
    """
    return _required(list(_parser.parse(pattern.pattern, pattern.flags)), ascii_text)


def _required(items: list[tuple[Any, Any]], ascii_text: bool) -> tuple[str, ...] | None:
    options: list[tuple[str, ...]] = []
    run = ""
    for op, value in [*items, (None, None)]:
        if op is _constants.LITERAL and value < 128:
            run += chr(value).casefold()
            continue
        if run:
            options.append((run,))
            run = ""
        if ascii_text and op is _constants.LITERAL and not _ascii_matches(chr(value)):
            return ()
        found = _required_of(op, value, ascii_text)
        if found == ():
            return ()
        if found is not None:
            options.append(found)
    return max(options, key=lambda words: (not _broad(words), min(len(word) for word in words)), default=None)


def _required_of(op: Any, value: Any, ascii_text: bool) -> tuple[str, ...] | None:
    if op is _constants.SUBPATTERN:
        return _required(list(value[-1]), ascii_text)
    if op in (_constants.MAX_REPEAT, _constants.MIN_REPEAT, _constants.POSSESSIVE_REPEAT) and value[0] >= 1:
        return _required(list(value[2]), ascii_text)
    if op is _constants.ATOMIC_GROUP:
        return _required(list(value), ascii_text)
    if op is _constants.ASSERT:
        return _required(list(value[1]), ascii_text)
    if op is _constants.IN:
        return _caseless_class(value, ascii_text)
    if op is _constants.BRANCH:
        # A branch that cannot match (``()``) requires nothing of the texts the others match.
        branches = [words for branch in value[1] if (words := _required(list(branch), ascii_text)) != ()]
        if any(words is None for words in branches):
            return None
        return tuple(sorted({word for words in branches if words is not None for word in words}))
    return None


def _caseless_class(items: list[tuple[Any, Any]], ascii_text: bool) -> tuple[str, ...] | None:
    # A class of single characters that have no case matches one of them as written, whatever the
    # flags: one of them is in the text. A range, a category or a negation is not read.
    if not items or any(op is not _constants.LITERAL for op, _ in items):
        return None
    chars = {chr(value) for _, value in items}
    if any(char.lower() != char or char.upper() != char or char.casefold() != char for char in chars):
        return None
    if ascii_text:
        chars = {char for char in chars if char.isascii()}
        if not chars:
            return ()
    return tuple(sorted(chars))


def _ascii_matches(char: str) -> bool:
    # Case-insensitively, whatever the pattern's flags: the Kelvin sign matches "k", long s "s".
    return any(re.fullmatch(re.escape(char), chr(code), re.IGNORECASE) for code in range(128))


def folded(text: str) -> str:
    """``text`` case-folded, so that a word a case-insensitive pattern matches in it is in it."""
    # Dotless i is the one letter that matches an ASCII letter ("i") that casefold leaves apart.
    return text.casefold() if text.isascii() else text.casefold().replace("\u0131", "i")


# Month and day names, lower case, in calendar order (dates in log headers; words that are not names).
MONTHS = (
    "january", "february", "march", "april", "may", "june",
    "july", "august", "september", "october", "november", "december",
)  # fmt: skip
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")

# Emoji codes (``:tada:``) and pictographs; chat noise is made of them too.
EMOJI = r"(?::[a-z][a-z0-9_+-]*:|:\+1:|[\U0001F300-\U0001FAFF\u2600-\u27BF\u2B50\u2705\uFE0F\u200D])"
# A list item: its marker and the item.
BULLET = cue("act.bullet", r"^\s*(?:[-*\u2022\u00b7\u25e6\u25aa\u2023\u2013]|\d{1,2}[.)])\s+(?P<item>\S.*)$")

# Slack bold: a pair of asterisks hugging text. Lone asterisks ("* * * * *", "svc_*") are content.
_BOLD = re.compile(r"(?<![\w*])\*(?=[^\s*])([^*\n]*?[^\s*])\*(?![\w*])")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\s*\n+\s*")
_EMOJI_CODES = re.compile(EMOJI)


ANALYSED_CHARS = 4000
"""How much of one message the analysis reads. A longer message is nearly always a pasted log or
dump: it stays whole in the sources and the evidence, but scanning all of it line by line adds
nothing a draft can use and would make time grow with the paste, not with the incident."""


def analysed(text: str) -> str:
    """The part of ``text`` the analysis reads: at most ``ANALYSED_CHARS``, cut at a space or line end."""
    if len(text) <= ANALYSED_CHARS:
        return text
    cut = text[:ANALYSED_CHARS]
    end = max(cut.rfind(" "), cut.rfind("\n"))
    return cut[:end] if end > 0 else cut


@once_per_text
def normalise(text: str) -> str:
    """Text as the cues expect it: chat markup and curly quotes gone, entities undone, one line."""
    return _same(text, " ".join(_unmark(analysed(text)).split()))


@once_per_text
def sentences(text: str) -> tuple[str, ...]:
    """The sentences of ``text`` (lines and ``.!?`` followed by space end one), normalised, emoji gone."""
    parts = (strip_emoji(normalise(_unbullet(part))) for part in _SENTENCE_END.split(_unmark(analysed(text))))
    return tuple(_same(text, part) for part in parts if part)


def _unbullet(sentence: str) -> str:
    # A list item ("- why didnt the canary catch this?") is a sentence of its own, without its marker.
    item = BULLET.pattern.match(sentence)
    return item["item"] if item else sentence


@once_per_text
def lines(text: str) -> tuple[str, ...]:
    """The non-blank lines of ``text``, each normalised without emoji (for bullet lists)."""
    parts = (strip_emoji(normalise(line)) for line in _unmark(analysed(text)).splitlines())
    return tuple(_same(text, part) for part in parts if part)


def _unmark(text: str) -> str:
    # Each replacement only where its character occurs: most chat has none of them.
    if "&" in text:
        text = text.replace("&gt;", ">").replace("&lt;", "<").replace("&amp;", "&")
    if "`" in text:
        text = text.replace("`", "")
    if "\u2019" in text or "\u2018" in text:
        text = text.replace("\u2019", "'").replace("\u2018", "'")
    return _BOLD.sub(r"\1", text) if "*" in text else text


def strip_emoji(text: str) -> str:
    """``text`` without ``:emoji:`` codes and pictographs, whitespace collapsed."""
    if ":" in text or not text.isascii():  # every emoji code has a colon, every pictograph is not ASCII
        text = _EMOJI_CODES.sub(" ", text)
    return " ".join(text.split())


def _same(text: str, result: str) -> str:
    # A text that is already as asked is kept as the one object: memos then hold no second copy.
    return text if result == text else result


PUNCT = " .,:;!\u2014\u2013-"
"""Punctuation and dashes stripped from the ends of phrases cut out of sentences."""


@once_per_text
def plain(text: str) -> str:
    """Source text as one plain line: chat markup, entities and emoji codes removed."""
    return _same(text, strip_emoji(normalise(text)))


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
