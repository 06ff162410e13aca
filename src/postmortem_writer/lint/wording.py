"""The word-level vocabulary of rewording, shared by the offline rewriter and the verifier.

Which words judge (and may go), which words a rewrite may add (connectives and the words of a
passive or a "was not acted on"), which words carry no content, and when two spellings are one
word ("renew"/"renewed", "ran"/"run"). Irregular verb forms come from ``lemminflect``, loaded only
when a form is not regular: its tables take about a second to load, and most rewrites never
need them.
"""

from __future__ import annotations

import re
from functools import cache

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
    """Whether two words are forms of one word (by stem, else by the verb lemmas ``lemminflect`` knows)."""
    if one == other or stem(one) == stem(other):
        return True
    if not (one.isalpha() and other.isalpha()):
        return False
    return bool(set(verb_lemmas(one)) & set(verb_lemmas(other)))


def verb_lemmas(word: str) -> tuple[str, ...]:
    """The verb lemmas of ``word`` ("ran" → ("run",)), empty for a word no table lists."""
    from lemminflect import getAllLemmas  # a second of loading: only when a form is irregular

    return tuple(getAllLemmas(word.lower(), upos="VERB").get("VERB", ()))


@cache
def is_verb(word: str) -> bool:
    """Whether ``word`` is the base form of a verb lemminflect knows."""
    from lemminflect import getAllInflections  # see participle

    return bool(getAllInflections(word.lower(), upos="VERB"))


@cache
def participle(verb: str, *, past: bool = False) -> str:
    """The past participle of a verb in its base form, or its past form with ``past`` ("renew" → "renewed",
    "ran" → "run", "saw" → "seen"). A past form ending in -ed is its own participle in English; any other
    form is looked up.
    """
    lowered = verb.lower()
    if lowered.endswith("ed") and len(lowered) > 3:
        return lowered
    from lemminflect import getAllInflections  # see verb_lemmas

    # a past form's lemma comes from the lemma table ("saw" → "see", not the verb "to saw")
    lemma = (verb_lemmas(lowered) or (lowered,))[0] if past else lowered
    forms = getAllInflections(lemma, upos="VERB") or getAllInflections((verb_lemmas(lowered) or (lowered,))[0])
    # the table lists a regular verb's -ed form once, as its past tense
    return (forms.get("VBN") or forms.get("VBD") or (lowered,))[0]
