"""Plain-Python logistic regression shared by the learned classifiers (blame lint, timeline lines).

Training is full-batch gradient descent with an L2 penalty and a fixed schedule, so a retrain gives
the same weights on every machine and needs nothing beyond the project. Inference is a dictionary
lookup per feature and a sigmoid, and every score can be explained by the features that pushed it.
"""

from __future__ import annotations

import hashlib
import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import repeat
from pathlib import Path


def sigmoid(z: float) -> float:
    """The logistic function, clamped so that extreme scores cannot overflow."""
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


@dataclass(frozen=True)
class Model:
    """Weights by feature, the bias, and the score above which the positive class is given."""

    weights: dict[str, float]
    bias: float
    threshold: float

    def probability(self, features: Iterable[str]) -> float:
        """P(positive class) for a set of features."""
        # map() over dict.get: the lint scores every sentence, and this is its inner loop.
        return sigmoid(self.bias + sum(map(self.weights.get, features, repeat(0.0))))

    def reasons(self, features: Iterable[str], top: int = 4) -> list[str]:
        """The features that pushed the score up most, strongest first."""
        pushing = sorted(((self.weights.get(f, 0.0), f) for f in set(features)), reverse=True)
        return [f for w, f in pushing[:top] if w > 0]


def fit(
    samples: Sequence[tuple[Iterable[str], int]], *, l2: float, epochs: int, rate: float, min_count: int
) -> tuple[dict[str, float], float]:
    """Weights and bias of L2-penalised logistic regression over binary features.

    Features seen in fewer than ``min_count`` samples get no weight; weights are rounded to four
    places and near-zero ones dropped, so the shipped JSON stays small and diffs stay readable.
    """
    listed = [(list(dict.fromkeys(feats)), y) for feats, y in samples]
    counts = Counter(f for feats, _ in listed for f in feats)
    vocab = sorted(f for f, n in counts.items() if n >= min_count)
    index = {f: i for i, f in enumerate(vocab)}
    rows = [([index[f] for f in feats if f in index], y) for feats, y in listed]
    w = [0.0] * len(vocab)
    b = 0.0
    n = len(rows)
    for _ in range(epochs):
        grad = [0.0] * len(vocab)
        grad_b = 0.0
        for cols, y in rows:
            err = sigmoid(b + sum(w[c] for c in cols)) - y
            grad_b += err
            for c in cols:
                grad[c] += err
        for i in range(len(w)):
            w[i] -= rate * (grad[i] / n + l2 * w[i])
        b -= rate * grad_b / n
    weights = {f: round(w[i], 4) for f, i in index.items() if abs(w[i]) >= 1e-3}
    return weights, round(b, 4)


def fold(key: str, k: int) -> int:
    """A stable cross-validation fold for ``key`` (the first 8 hex digits of its SHA-256, mod ``k``)."""
    return int(hashlib.sha256(key.encode("utf-8")).hexdigest()[:8], 16) % k


def write_or_check(path: Path, text: str, *, check: bool, weights: int) -> int:
    """Write a retrained model's JSON to ``path``, or with ``check`` compare it to the shipped file.

    The exit code for the training scripts: 0 when written or identical, 1 when it differs.
    """
    if check:
        same = path.read_text(encoding="utf-8") == text
        print("the shipped model matches a retrain" if same else "the shipped model differs from a retrain")
        return 0 if same else 1
    path.write_text(text, encoding="utf-8")
    print(f"wrote {path.name} ({weights} weights)")
    return 0
