"""The learned timeline-line classifier: its features, its file, and the shipped model on clear lines."""

from __future__ import annotations

import json

import pytest

from postmortem_writer.extract.line_model import cue_kind, features, from_json, model
from postmortem_writer.models import TimelineKind

# (id, line, features it must have)
FEATURE_CASES = [
    ("status-lead", "Resolved - This incident has been resolved.", {"lead=resolved", "t=perfect"}),
    ("progressive-we", "We are investigating elevated error rates.", {"t=progressive", "p=we", "f=we"}),
    ("future", "We will provide another update in 30 minutes.", {"t=future", "n=duration"}),
    ("percent-clock-zone", "Between 14:02 and 14:20 UTC, 5% of requests failed.", {"n=percent", "n=clock", "n=zone"}),
    ("count-of-users", "About 1,200 users could not log in.", {"n=count", "p=users", "m=negation"}),
    ("mention", "@nova confirms TLS expired", {"p=mention", "w=confirms"}),
    ("question", "is checkout down?", {"m=question"}),
    ("hedged", "Some customers may see delays.", {"m=hedge", "p=users"}),
    ("apology", "We apologize for the inconvenience.", {"m=apology"}),
    ("rule-kind", "rolling back the deploy now", {"r=mitigation", "r1=mitigation"}),
    ("no-rule-kind", "Thanks for your patience.", {"r=none"}),
    ("numbers-folded", "error rate hit 45", {"w=<num>", "b=hit_<num>"}),
]


@pytest.mark.parametrize(("line", "expected"), [c[1:] for c in FEATURE_CASES], ids=[c[0] for c in FEATURE_CASES])
def test_features_describe_the_line(line: str, expected: set[str]) -> None:
    assert expected <= features(line)


# (id, line, kind the shipped model gives) -- plain lines any reader would agree on
PREDICT_CASES = [
    ("resolved", "This incident has been resolved.", TimelineKind.RESOLUTION),
    ("investigating", "We are investigating elevated error rates on the API.", TimelineKind.DETECTION),
    ("fix-monitoring", "A fix has been implemented and we are monitoring the results.", TimelineKind.MITIGATION),
    ("identified", "The issue has been identified and a fix is being implemented.", TimelineKind.DIAGNOSIS),
]


@pytest.mark.parametrize(("line", "kind"), [c[1:] for c in PREDICT_CASES], ids=[c[0] for c in PREDICT_CASES])
def test_shipped_model_on_clear_lines(line: str, kind: TimelineKind) -> None:
    assert model().kind_of(line) is kind


def test_shipped_model_covers_the_kinds_and_a_combination() -> None:
    shipped = model()
    assert {TimelineKind.DETECTION, TimelineKind.MITIGATION, TimelineKind.RESOLUTION} <= set(shipped.kinds)
    assert 0.0 < shipped.in_timeline.threshold < 1.0


def _spec(weights: dict[str, float]) -> dict[str, object]:
    return {"threshold": 0.5, "bias": 0.0, "weights": weights}


@pytest.mark.parametrize(
    ("combination", "line", "kind"),
    [
        ("model", "rolling back the deploy now", TimelineKind.RESOLUTION),
        ("rules", "rolling back the deploy now", TimelineKind.MITIGATION),
        ("rules-first", "rolling back the deploy now", TimelineKind.MITIGATION),
        ("model-first", "rolling back the deploy now", TimelineKind.RESOLUTION),
        ("rules-first", "the weather is nice", TimelineKind.RESOLUTION),
    ],
    ids=["model", "rules", "rules-first", "model-first", "rules-first-falls-back"],
)
def test_combinations(combination: str, line: str, kind: TimelineKind) -> None:
    # a toy model that calls every line timeline material and every kind a resolution
    data = {
        "combination": combination,
        "models": {"in_timeline": _spec({"len=short": 5.0, "len=medium": 5.0}), "resolution": _spec({"r=none": 1.0})},
    }
    data["models"]["resolution"]["bias"] = 1.0  # type: ignore[index]
    assert cue_kind("rolling back the deploy now") is TimelineKind.MITIGATION
    assert from_json(json.loads(json.dumps(data))).kind_of(line) is kind


def test_unknown_combination_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown combination"):
        from_json({"combination": "vote", "models": {"in_timeline": _spec({})}})
