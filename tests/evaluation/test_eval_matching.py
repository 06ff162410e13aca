"""One-to-one assignment and text similarity, on tables whose right answer is known by construction."""

from __future__ import annotations

import pytest

from postmortem_writer.evaluation.matching import SIMILAR, assign, similarity

# (id, score matrix gold x draft with None = cannot match, expected gold->draft pairs)
ASSIGNMENTS = [
    ("identity", [[1.0, None], [None, 1.0]], {0: 0, 1: 1}),
    ("nothing-matches", [[None, None], [None, None]], {}),
    ("one-draft-two-golds-counts-once", [[0.9], [0.8]], {0: 0}),
    ("best-score-wins-a-tie-of-count", [[0.6], [0.9]], {1: 0}),
    # Greedy on score would give gold 0 the draft 0 and leave gold 1 with nothing; max matching keeps both.
    ("augmenting-path-beats-greedy", [[0.9, 0.7], [0.8, None]], {0: 1, 1: 0}),
    ("more-drafts-than-golds", [[None, 0.6, 0.9]], {0: 2}),
    ("empty-gold", [], {}),
]


@pytest.mark.parametrize(("matrix", "expected"), [case[1:] for case in ASSIGNMENTS], ids=[c[0] for c in ASSIGNMENTS])
def test_assign_is_one_to_one_and_maximal(matrix: list[list[float | None]], expected: dict[int, int]) -> None:
    drafts = len(matrix[0]) if matrix else 3
    pairs = assign(len(matrix), drafts, lambda g, d: matrix[g][d])
    assert {pair.gold: pair.draft for pair in pairs} == expected
    assert len({pair.draft for pair in pairs}) == len(pairs)


# (id, a, b, similar?)
SIMILARITIES = [
    ("same-words-other-case-and-punctuation", "Root cause found!", "root cause found", True),
    ("gold-words-inside-a-longer-message", "status post resolved", "Chloe: status post resolved, thanks all", True),
    ("unrelated", "Incident closed", "deploying the api gateway", False),
    ("empty", "", "anything", False),
]


@pytest.mark.parametrize(("a", "b", "similar"), [c[1:] for c in SIMILARITIES], ids=[c[0] for c in SIMILARITIES])
def test_similarity(a: str, b: str, similar: bool) -> None:
    assert (similarity(a, b) >= SIMILAR) is similar
