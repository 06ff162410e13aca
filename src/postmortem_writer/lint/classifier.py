"""A learned sentence classifier for blame: logistic regression over words and the agent analysis.

The weights (``blame_model.json`` beside this module) are trained by ``evals/lint/train_classifier.py``
on the labelled sentences outside the ``test`` part; nothing is downloaded. Inference is a dictionary
lookup per feature and a sigmoid, so it costs next to nothing, and every score can be explained by
the features that pushed it up.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from itertools import pairwise

from postmortem_writer import logreg
from postmortem_writer.lint.agents import CLAUSE_SPLIT, PERSON_TOKEN, SYSTEM_TOKEN, names_in
from postmortem_writer.lint.rules import about_blame

MODEL_FILE = "blame_model.json"
_TOKEN = re.compile(r"[A-Za-z]+(?:'[A-Za-z]+)?")
_PERSON_HINT = re.compile(r"\b(?:i|he|she|they|you|someone|somebody|nobody|everyone|anyone)\b")
# Word classes, so that "Tom pushed ... without" and "the nurse gave ... instead of" share features.
_CLASSES = (
    ("NEG", re.compile(r"not|never|no|nobody|n't|didn't|don't|doesn't|wasn't|weren't|hadn't|couldn't|wouldn't")),
    ("MODAL", re.compile(r"should|could|would|must|should've|could've|would've")),
    (
        "FAIL",
        re.compile(
            r"forgot|forgotten|neglected|omitted|overlooked|ignored|missed|skipped|failed|failure|mistake|mistakes|"
            r"error|errors|typo|blunder|wrong|incorrect|incorrectly|accidentally|mistakenly|inadvertently|broke|"
            r"caused|deleted|dropped|wiped|removed|destroyed|panicked|rushed|careless|lazy|sloppy|negligent|"
            r"reckless|incompetent|stupid|idiot|fault|blame|blamed|unplugged|cut|crashed|messed|screwed|botched"
        ),
    ),
)


@dataclass(frozen=True)
class Model(logreg.Model):
    """The shared logistic model, with reasons a reader can follow for the lint's letter features."""

    def reasons(self, features: Iterable[str], top: int = 4) -> list[str]:
        """The features that pushed the score up most, strongest first.

        Letter groups are no reason a reader can follow ("letters 'unp'"): each word's push is its own
        weight plus those of its letter groups, and a word pair's is its own plus those of the letters
        across its gap, so that a word or a pair stands for them.
        """
        found = set(features)
        push = {f: self.weights.get(f, 0.0) for f in found if not f.startswith(("g=", "x="))}
        for f in push:
            if f.startswith("w="):
                push[f] += sum(self.weights.get(g, 0.0) for g in _letter_groups(f[2:]))
            elif f.startswith("b="):
                push[f] += sum(self.weights.get(x, 0.0) for x in _joins(*f[2:].split("_", 1)))
        pushing = sorted(((w, f) for f, w in push.items()), reverse=True)
        return [f for w, f in pushing[:top] if w > 0]


@cache
def model() -> Model:
    """The shipped model (read once, on first use)."""
    data = json.loads(resources.files("postmortem_writer.lint").joinpath(MODEL_FILE).read_text(encoding="utf-8"))
    return Model(dict(data["weights"]), float(data["bias"]), float(data["threshold"]))


def features(text: str, names: list[tuple[int, int]] | None = None) -> set[str]:
    """Sparse binary features of one sentence (names as <name>): words, word pairs, three to five letters
    of each word, four or five letters across the gap between two words, word-class pairs within a
    clause, a personal pronoun, and whether the sentence talks about blame itself.

    The classifier only hears sentences in which neither the cue rules nor the agent analysis found
    anything, so their results are no features: it is trained as a text classifier of its own.
    """
    names = names_in(text) if names is None else names
    masked = text
    for start, end in reversed(names):
        masked = masked[:start] + " Qqname " + masked[end:]
    masked = masked.replace("\u2019", "'")
    words = ["<name>" if w == "Qqname" else w.lower() for w in _TOKEN.findall(masked)]
    found = {f"w={w}" for w in words}
    found |= {f"b={a}_{b}" for a, b in pairwise(words)}
    # letter groups carry what a word list cannot: "forgetting", "misrouted", "overlooking" share
    # parts with the forms the training sentences happen to use
    for word in words:
        if word != "<name>":
            found |= _letter_groups(word)
    # and letters across the gap between two words ("d no" of "did not", "t ch" of "didn't check")
    # (they use at most three letters of either word: pairs are mostly new, their ends are not)
    for a, b in pairwise(words):
        found |= _joins(a[-3:], b[:3])
    # word classes within a clause: "someone noticed | that the checks were skipped" pairs no person
    # with the failure
    for clause in CLAUSE_SPLIT.split(masked):
        clause_tokens = _TOKEN.findall(clause)
        classes = [_class(tok, "<name>" if tok == "Qqname" else tok.lower(), i) for i, tok in enumerate(clause_tokens)]
        tagged = [(i, c) for i, c in enumerate(classes) if c]
        for (i, a), (j, b) in pairwise(tagged):
            if j - i <= 4:
                found.add(f"c={a}_{b}")
    lowered = masked.lower()
    if about_blame(lowered):
        found.add("m=about_blame")
    if _PERSON_HINT.search(lowered):
        found.add("p=pronoun")
    return found


@lru_cache(maxsize=16384)
def _letter_groups(word: str) -> frozenset[str]:
    """Three to five letters of a word, its start and end marked ("<for", "got>")."""
    marked = f"<{word}>"
    return frozenset(f"g={marked[i : i + n]}" for n in (3, 4, 5) for i in range(len(marked) - n + 1))


@lru_cache(maxsize=16384)
def _joins(first: str, second: str) -> frozenset[str]:
    """Four and five letters across the space between two words, at least one on either side."""
    pair = f"{first} {second}"
    gap = len(first)
    return frozenset(
        f"x={pair[i : i + n]}" for n in (4, 5) for i in range(max(0, gap - n + 2), min(gap, len(pair) - n + 1))
    )


def _class(token: str, word: str, index: int) -> str:
    """The class of one word: a person, the organisation's voice, the writer, a system, a failure word."""
    if word in {"we", "us", "our", "ours"}:
        return "WE"  # an organisation's own voice, not a person
    if token == "I" or word in {"me", "my", "mine"}:
        return "SELF"
    if word == "<name>":
        return "PERSON"
    if _is_role(word) and word != "i" and (index == 0 or not token[0].isupper() or token.isupper()):
        return "PERSON"  # a capitalised role inside a sentence is a name of a thing ("the Developer Story")
    return _word_class(word)


@lru_cache(maxsize=8192)
def _is_role(word: str) -> bool:
    return PERSON_TOKEN.fullmatch(word) is not None


@lru_cache(maxsize=8192)
def _word_class(word: str) -> str:
    """The class of a word that is no person: a system, a negation, a modal, a failure word, or none."""
    if SYSTEM_TOKEN.fullmatch(word):
        return "SYSTEM"
    return next((name for name, pattern in _CLASSES if pattern.fullmatch(word)), "")


def describe(feature: str) -> str:
    """A feature as a reader would say it: a word, a word pair, an analysis or a rule."""
    kind, _, value = feature.partition("=")
    if kind == "w":
        return f"word {value!r}"
    if kind == "b":
        return f"words {value.replace('_', ' ')!r}"
    if kind == "p":
        return "a personal pronoun"
    if kind == "c":
        return "word classes " + value.replace("_", " then ")
    return "talks about blame"
