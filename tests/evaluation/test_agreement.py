"""evals/agreement.py: Cohen's kappa and agreement of two labellings, and the shipped second annotations."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "evals" / "agreement.py"


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("agreement", SCRIPT)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    # dataclasses look the module up by name while the class bodies run.
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


agreement = _load()
LINES, BLAME = agreement.CORPORA

# (first annotator's in_timeline labels, second's, agreement, kappa); kappa worked out by hand:
# (observed - chance) / (1 - chance), chance from each annotator's label shares.
KAPPA_CASES = {
    "half": ("TTFF", "TFFF", 0.75, 0.5),  # chance (2*1 + 2*3) / 16 = 0.5
    "chance-only": ("TTFF", "TFTF", 0.5, 0.0),
    "opposite": ("TF", "FT", 0.0, -1.0),
    "perfect": ("TFTF", "TFTF", 1.0, 1.0),
    "one-label-only": ("TTT", "TTT", 1.0, 1.0),
    "skewed": ("TTTTTTTTTF", "TTTTTTTTFT", 0.8, -0.111),  # chance 0.82: high agreement, no skill
}


@pytest.mark.parametrize(("first", "second", "agreed", "kappa"), KAPPA_CASES.values(), ids=KAPPA_CASES.keys())
def test_compare_gives_the_agreement_and_kappa_worked_out_by_hand(
    first: str, second: str, agreed: float, kappa: float
) -> None:
    original = [{"id": n, "in_timeline": v == "T", "kind": "other"} for n, v in enumerate(first)]
    again = [{"id": n, "in_timeline": v == "T", "kind": "other"} for n, v in enumerate(second)]
    in_timeline, kind = agreement.compare(LINES, original, again)
    assert (in_timeline.field, in_timeline.items) == ("in_timeline", len(first))
    assert in_timeline.agreement == pytest.approx(agreed)
    assert in_timeline.kappa == pytest.approx(kappa, abs=0.001)
    assert (kind.agreement, kind.kappa) == (1.0, 1.0)


def test_blame_categories_are_compared_as_sets_and_blame_prone_by_kappa() -> None:
    original = [{"id": 1, "labels": ["counterfactual", "naming_individuals"]}, {"id": 2, "labels": []}]
    again = [{"id": 1, "labels": ["naming_individuals", "counterfactual"]}, {"id": 2, "labels": ["human_error"]}]
    prone, categories = agreement.compare(BLAME, original, again)
    assert (prone.agreement, prone.kappa) == (0.5, 0.0)
    assert (categories.agreement, categories.kappa) == (0.5, None)


def test_an_annotation_of_an_unknown_id_or_without_its_field_is_an_input_error() -> None:
    with pytest.raises(agreement.InputError, match=r"'x' is not in lines_b\.jsonl"):
        agreement.compare(LINES, [{"id": "a", "in_timeline": True, "kind": "other"}], [{"id": "x"}])
    with pytest.raises(agreement.InputError, match="'a': missing or malformed field 'kind'"):
        agreement.compare(
            LINES, [{"id": "a", "in_timeline": True, "kind": "other"}], [{"id": "a", "in_timeline": True}]
        )


@pytest.mark.parametrize("corpus", agreement.CORPORA, ids=lambda corpus: corpus.path.name)
def test_the_second_annotations_cover_exactly_the_hashed_sample(corpus: Any) -> None:
    rows = agreement.read_jsonl(corpus.path)
    second = agreement.read_jsonl(corpus.second)
    # A line dropped from the file after the annotation leaves the sample one short, not shifted.
    assert [row["id"] for row in second] == [row["id"] for row in agreement.sample(rows, len(second))]
    assert len(second) >= agreement.SAMPLE - 1
