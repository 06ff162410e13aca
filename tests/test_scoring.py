"""One scoring vocabulary: the lint's precision and recall are the eval's kind of ratio over counts."""

from __future__ import annotations

import pytest

from postmortem_writer.lint.evaluate import Score
from postmortem_writer.scoring import PRECISION, RECALL, detection_counts, f1, ratio


@pytest.mark.parametrize(
    ("tp", "fp", "fn", "precision", "recall"),
    [(3, 1, 2, 0.75, 0.6), (0, 0, 4, None, 0.0), (2, 3, 0, 0.4, 1.0), (0, 0, 0, None, None)],
    ids=["both", "nothing-flagged", "nothing-missed", "empty"],
)
def test_lint_scores_are_ratios_of_counts(tp: int, fp: int, fn: int, precision: float | None,
                                          recall: float | None) -> None:  # fmt: skip
    counts = detection_counts(tp, fp, fn)
    assert ratio(counts, PRECISION) == precision
    assert ratio(counts, RECALL) == recall
    score = Score(tp=tp, fp=fp, fn=fn)
    assert (score.precision, score.recall) == (precision, recall)
    assert score.f1 == f1(precision, recall)


def test_f1_is_the_harmonic_mean() -> None:
    assert f1(0.75, 0.6) == pytest.approx(2 * 0.75 * 0.6 / 1.35)
    assert f1(0.0, 0.0) is None
