"""The word-level vocabulary of rewording, shared by the offline rewriter and the verifier.

Which words judge (and may go), which words a rewrite may add (connectives and the words of a
passive or a "was not acted on"), which words carry no content, and when two spellings are one
word ("renew"/"renewed", "ran"/"run"). Verb forms come from lemminflect's tables, exported once
into ``verb_forms.json`` by ``evals/lint/export_verb_forms.py``: loading lemminflect itself takes one
to two seconds, more than rewording a whole postmortem may take; the export loads in milliseconds.
"""

from __future__ import annotations

import json
import re
from functools import cache
from importlib import resources
from typing import Any

WORD = re.compile(r"[A-Za-z][A-Za-z'\u2019-]*[A-Za-z]|[A-Za-z]")

# Words that judge a person's care, competence or effort: a rewrite drops them and keeps the event.
JUDGEMENT_WORDS = frozenset(
    {
        "careless", "carelessly", "carelessness", "mistakenly", "accidentally", "inadvertently", "erroneously",
        "wrongly", "incorrectly", "obviously", "simply", "clearly", "just", "recklessly", "reckless", "hastily",
        "hasty", "lazily", "lazy", "sloppily", "sloppy", "negligently", "negligent", "foolishly", "foolish",
        "stupidly", "stupid", "blindly", "unfortunately", "needlessly", "incompetent", "clueless", "dumb",
        "idiotic", "boneheaded", "bone-headed", "amateurish", "rookie", "rushed", "botched", "bungled",
        "silly", "mistake", "accident", "human", "inexperienced", "complacent", "inattentive", "somehow",
        "apparently", "evidently", "own", "even", "bothered", "bother", "simple", "pure", "plain", "basic",
        "classic", "accidental",
    }
)  # fmt: skip

# Words a rewrite may add that the original need not hold: the passive, negation, connectives, and
# the wording of a missing safeguard or an alert not acted on.
ALLOWED_NEW = frozenset(
    {
        "was", "were", "is", "are", "be", "been", "being", "not", "no", "did", "does", "do", "had", "has",
        "have", "acted", "on", "until", "when", "while", "after", "before", "and", "then", "it", "its",
        "they", "their", "this", "that", "these", "those", "a", "an", "the", "require", "required",
        "requires", "error", "errors", "began", "during", "first", "which", "as", "of", "by", "in", "to",
    }
)  # fmt: skip

# Words that carry no fact: dropping them loses nothing a reader needs.
FUNCTION_WORDS = frozenset(
    {
        "a", "an", "the", "this", "that", "these", "those", "and", "or", "but", "so", "of", "to", "in", "on",
        "at", "by", "for", "with", "from", "into", "onto", "as", "is", "was", "were", "are", "be", "been",
        "being", "had", "has", "have", "did", "do", "does", "not", "no", "it", "its", "he", "she", "they",
        "them", "him", "her", "his", "hers", "their", "theirs", "i", "me", "my", "we", "us", "our", "you",
        "your", "who", "whom", "whose", "which", "what", "then", "than", "also", "too", "very", "all",
        "both", "one", "some", "any", "should", "could", "would", "must", "might", "may", "can", "will",
        "shall", "if", "when", "while", "because", "after", "before", "since", "until", "there", "here",
        "just", "only", "even", "still", "already", "again", "up", "down", "out", "off", "over", "about",
        "without", "call", "duty", "shift",
        "ve", "d", "s", "t", "n't", "didn't", "wasn't", "weren't", "hadn't", "couldn't", "shouldn't",
        "wouldn't", "don't", "doesn't", "never", "ever", "whether", "how", "why", "where",
    }
)  # fmt: skip

_SUFFIXES = ("ing", "ied", "ies", "ed", "es", "en", "s", "d")


def words(text: str) -> list[str]:
    """The words of ``text``, lower-cased, with typographic apostrophes made plain and possessive 's dropped."""
    found = []
    for match in WORD.finditer(text):
        word = match.group(0).lower().replace("\u2019", "'")
        found.append(word.removesuffix("'s"))
    return found


def stem(word: str) -> str:
    """A crude stem: one inflectional suffix off, and a final "e" ("noticed" and "notice" → "notic")."""
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[: -len(suffix)]
            break
    if len(word) > 3 and word[-1] == word[-2] and word[-1] not in "aeiouls":
        word = word[:-1]  # "skipped" → "skipp" → "skip"
    return word.removesuffix("e")


def same_word(one: str, other: str) -> bool:
    """Whether two words are forms of one word (by stem, else by the verb lemmas of the exported tables)."""
    if one == other or stem(one) == stem(other):
        return True
    if not (one.isalpha() and other.isalpha()):
        return False
    return bool(set(verb_lemmas(one)) & set(verb_lemmas(other)))


@cache
def _verb_forms() -> dict[str, Any]:
    """The exported tables (read once, on first use)."""
    text = resources.files("postmortem_writer.lint").joinpath("verb_forms.json").read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    data["verbs"] = frozenset(data["verbs"])
    return data


def verb_lemmas(word: str) -> tuple[str, ...]:
    """The verb lemma of ``word`` ("ran" → ("run",)), empty for a word that is no verb form the tables list."""
    lowered = word.lower()
    forms = _verb_forms()
    if lowered in forms["lemmas"]:
        return (forms["lemmas"][lowered],)
    if lowered in forms["verbs"]:
        return (lowered,)
    # a regular form: the spelling rule undone ("applied" → "apply", "committed" → "commit")
    for suffix, ending in (("ied", "y"), ("ed", ""), ("ed", "e"), ("ing", ""), ("ing", "e"), ("s", "")):
        if lowered.endswith(suffix):
            base = lowered[: -len(suffix)] + ending
            for candidate in (base, base[:-1] if len(base) > 2 and base[-1] == base[-2] else base):
                if candidate in forms["verbs"]:
                    return (candidate,)
    return ()


def is_verb(word: str) -> bool:
    """Whether ``word`` is the base form of a verb the tables list."""
    return word.lower() in _verb_forms()["verbs"]


def regular_participle(base: str) -> str:
    """The past participle by the spelling rule: +ed, e → ed, consonant + y → ied."""
    if base.endswith("e"):
        return base + "d"
    if re.search(r"[^aeiou]y$", base):
        return base[:-1] + "ied"
    return base + "ed"


@cache
def participle(verb: str, *, past: bool = False) -> str:
    """The past participle of a verb in its base form, or its past form with ``past`` ("renew" → "renewed",
    "ran" → "run", "saw" → "seen"). A past form ending in -ed is its own participle in English.
    """
    lowered = verb.lower()
    if lowered.endswith("ed") and len(lowered) > 3:
        return lowered
    forms = _verb_forms()
    # a past form's lemma from the tables ("saw" → "see", not the verb "to saw")
    lemma = forms["lemmas"].get(lowered, lowered) if past else lowered
    return str(forms["participles"].get(lemma) or regular_participle(lemma))
