"""The scoring vocabulary both evaluations speak: a metric is a ratio of two named counts.

``postmortem eval`` (drafts against gold timelines, ``evaluation.metrics``) and ``postmortem lint
--eval`` (the blame rules against labelled sentences, ``lint.evaluate``) both count plain integers
and derive every figure from a ``Metric`` row with ``ratio``, so "precision" means the same share in
both reports and pooled figures are ratios of summed counts, never averages of ratios.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True)
class Metric:
    """One metric: ``numerator / denominator`` of a set of counts; ``required`` is a hard floor."""

    id: str
    label: str
    numerator: str
    denominator: str
    better: Literal["higher", "lower"] = "higher"
    required: float | None = None
    meaning: str = ""
    unit: Literal["percent", "per_case"] = "percent"


def ratio(counts: dict[str, int], metric: Metric) -> float | None:
    """The metric's value on ``counts``; None when there is nothing to divide by."""
    denominator = counts.get(metric.denominator, 0)
    return counts.get(metric.numerator, 0) / denominator if denominator else None


def f1(precision: float | None, recall: float | None) -> float | None:
    """The harmonic mean of a precision and a recall; None when either is unknown or both are 0."""
    if precision is None or recall is None or precision + recall == 0:
        return None
    return 2 * precision * recall / (precision + recall)


# Over true positives (tp), false positives (fp) and false negatives (fn), as `detection_counts` names them.
PRECISION = Metric("precision", "precision", "tp", "flagged", meaning="what was flagged that should have been")
RECALL = Metric("recall", "recall", "tp", "expected", meaning="what should have been flagged that was")


def detection_counts(tp: int, fp: int, fn: int) -> dict[str, int]:
    """The counts PRECISION and RECALL read: the three outcomes and the two totals they divide by."""
    return {"tp": tp, "fp": fp, "fn": fn, "flagged": tp + fp, "expected": tp + fn}
