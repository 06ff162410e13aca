"""The shared logistic regression: it learns what the data says, stays reproducible, and explains scores."""

from __future__ import annotations

import pytest

from postmortem_writer.logreg import Model, fit, fold, sigmoid

PARAMS = {"l2": 0.001, "epochs": 300, "rate": 1.0, "min_count": 1}

# (id, samples, feature set to score, whether the positive class should win)
CASES = [
    (
        "single-word",
        [({"w=down"}, 1), ({"w=down", "w=api"}, 1), ({"w=fine"}, 0), ({"w=fine", "w=api"}, 0)],
        {"w=down"},
        True,
    ),
    (
        "negative-word",
        [({"w=down"}, 1), ({"w=down", "w=api"}, 1), ({"w=fine"}, 0), ({"w=fine", "w=api"}, 0)],
        {"w=fine", "w=api"},
        False,
    ),
    (
        "pair-needed",
        [({"a", "b"}, 1), ({"a"}, 0), ({"b"}, 0), ({"a", "b", "c"}, 1), ({"c"}, 0)],
        {"a", "b"},
        True,
    ),
]


@pytest.mark.parametrize(("samples", "probe", "positive"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_fit_learns_the_labels(samples: list[tuple[set[str], int]], probe: set[str], positive: bool) -> None:
    weights, bias = fit(samples, **PARAMS)
    assert (Model(weights, bias, 0.5).probability(probe) >= 0.5) is positive


def test_fit_is_reproducible_and_drops_rare_features() -> None:
    samples = [({"w=down", "w=rare"}, 1), ({"w=down"}, 1), ({"w=fine"}, 0), ({"w=fine"}, 0)]
    once = fit(samples, l2=0.01, epochs=50, rate=1.0, min_count=2)
    assert once == fit(list(reversed(samples)), l2=0.01, epochs=50, rate=1.0, min_count=2)
    assert "w=rare" not in once[0]
    assert once[0]["w=down"] > 0 > once[0]["w=fine"]


def test_reasons_are_the_features_that_pushed_up() -> None:
    model = Model({"up": 2.0, "more": 1.0, "down": -3.0}, 0.0, 0.5)
    assert model.reasons({"down", "more", "up", "unknown"}) == ["up", "more"]


@pytest.mark.parametrize(("z", "expected"), [(0.0, 0.5), (1000.0, 1.0), (-1000.0, 0.0)], ids=["zero", "huge", "tiny"])
def test_sigmoid_is_clamped(z: float, expected: float) -> None:
    assert sigmoid(z) == pytest.approx(expected, abs=1e-12)


def test_fold_is_stable_and_spread() -> None:
    keys = [f"incident-{i}" for i in range(200)]
    folds = [fold(k, 5) for k in keys]
    assert folds == [fold(k, 5) for k in keys]
    assert set(folds) == set(range(5))
