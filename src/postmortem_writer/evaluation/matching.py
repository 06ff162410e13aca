"""Text similarity and one-to-one matching of draft items to gold items.

A draft item is represented by several texts (its own wording and the texts of the events it
cites), because a draft quotes the sources while gold is written in the report's words; an item
is as similar to a gold text as its most similar representation.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz, utils

SIMILAR = 0.5
"""Similarity at or above which two texts say the same thing (token-set ratio, 0..1)."""


def similarity(a: str, b: str) -> float:
    """0..1: how far the words of the shorter text are found in the longer one (case and punctuation ignored)."""
    return float(fuzz.token_set_ratio(a, b, processor=utils.default_process)) / 100


def best_similarity(gold: str, texts: Sequence[str]) -> float:
    """The similarity of ``gold`` to the most similar of ``texts`` (0 when there are none)."""
    return max((similarity(gold, text) for text in texts), default=0.0)


@dataclass(frozen=True)
class Pair:
    """A gold item matched to a draft item, by their positions in their lists."""

    gold: int
    draft: int
    score: float


def assign(gold_count: int, draft_count: int, score: Callable[[int, int], float | None]) -> list[Pair]:
    """A one-to-one matching with as many pairs as possible, preferring higher scores.

    ``score(g, d)`` is None when the two cannot match. Maximum bipartite matching by augmenting
    paths; gold items with the strongest candidates go first and try their candidates best first,
    so that where the pair count is the same either way, the better-scoring pairs are kept.
    """
    candidates: list[list[tuple[float, int]]] = []
    for g in range(gold_count):
        row = [(s, d) for d in range(draft_count) if (s := score(g, d)) is not None]
        candidates.append(sorted(row, key=lambda item: (-item[0], item[1])))
    owner: dict[int, int] = {}  # draft index -> gold index

    def augment(g: int, seen: set[int]) -> bool:
        for _, d in candidates[g]:
            if d in seen:
                continue
            seen.add(d)
            if d not in owner or augment(owner[d], seen):
                owner[d] = g
                return True
        return False

    for g in sorted(range(gold_count), key=lambda g: -candidates[g][0][0] if candidates[g] else 0):
        augment(g, set())
    scores = {(g, d): s for g, row in enumerate(candidates) for s, d in row}
    return sorted((Pair(g, d, scores[g, d]) for d, g in owner.items()), key=lambda pair: pair.gold)
