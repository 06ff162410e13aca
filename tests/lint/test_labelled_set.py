"""The labelled development set: big enough, sourced, split before tuning, and scored by one function."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from postmortem_writer.lint.evaluate import Case, evaluate, load_cases

SET = Path(__file__).resolve().parents[2] / "evals" / "lint" / "sentences.jsonl"


def test_the_set_is_large_sourced_mostly_real_and_held_out() -> None:
    cases = load_cases(SET)
    rows = [json.loads(line) for line in SET.read_text(encoding="utf-8").splitlines()]
    assert len(cases) >= 150
    assert len({c.id for c in cases}) == len(cases)
    real = [r for r in rows if r["origin"] == "real"]
    assert len(real) > len(rows) / 2
    assert all(r["source"].startswith("http") for r in real)
    tuned_or_held = [c for c in cases if c.split in {"dev", "holdout"}]  # "fresh*" came after freezes
    holdout = sum(c.split == "holdout" for c in tuned_or_held) / len(tuned_or_held)
    assert 0.25 <= holdout <= 0.35
    assert {c.split for c in cases} == {
        "dev",
        "holdout",
        "fresh",
        "fresh2",
        "fresh3",
        "train",
        "test",
        "fresh4",
        "train2",
    }
    train2 = [r for r in rows if r["split"] == "train2"]
    assert len(train2) >= 600
    assert all(r["id"].startswith("t2-") and r["origin"] == "real" for r in train2)
    assert sum(bool(r["labels"]) for r in train2) >= 0.4 * len(train2)
    texts = [r["text"] for r in rows]
    assert len(set(texts)) == len(texts)
    assert sum(not c.labels for c in cases) >= 50  # hard negatives


# Unseen parts kept in their own files: id prefix, smallest size, smallest blame-prone share.
UNSEEN_PARTS = {"fresh5": ("f5-", 350, 0.5), "fresh6": ("f6-", 450, 0.40)}


def _rows(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.mark.parametrize("part", sorted(UNSEEN_PARTS))
def test_an_unseen_part_is_a_separate_real_part_with_known_labels_and_no_shared_text(part: str) -> None:
    prefix, smallest, share = UNSEEN_PARTS[part]
    path = SET.with_name(f"{part}.jsonl")
    # load_cases rejects labels outside the rule categories; it parses only, it does not lint.
    cases = load_cases(path)
    rows = _rows(path)
    assert [set(r) for r in rows] == [{"id", "text", "labels", "source", "origin", "split"}] * len(rows)
    assert len(cases) >= smallest
    assert len({c.id for c in cases}) == len(cases)
    assert all(c.id.startswith(prefix) and c.split == part for c in cases)
    assert all(r["origin"] == "real" and str(r["source"]).startswith("http") for r in rows)
    assert all(isinstance(r["labels"], list) and len(set(r["labels"])) == len(r["labels"]) for r in rows)
    assert sum(bool(c.labels) for c in cases) >= len(cases) * share
    texts = [c.text for c in cases]
    assert len(set(texts)) == len(texts)
    others = [SET] + [SET.with_name(f"{other}.jsonl") for other in UNSEEN_PARTS if other != part]
    elsewhere = {c.text for other_path in others for c in load_cases(other_path)}
    assert not set(texts) & elsewhere


def test_fresh6_comes_from_many_new_pages_with_few_sentences_each() -> None:
    rows = _rows(SET.with_name("fresh6.jsonl"))
    per_page = Counter(str(r["source"]) for r in rows)
    assert len(per_page) >= 100
    assert max(per_page.values()) <= 8
    earlier = {str(r["source"]) for name in ("sentences", "fresh5") for r in _rows(SET.with_name(f"{name}.jsonl"))}
    assert not set(per_page) & earlier


def test_scores_count_each_category_once_per_sentence() -> None:
    cases = [
        Case("1", "The reviewer should have spotted it.", frozenset({"counterfactual"}), "dev", "x"),
        Case("2", "Obviously the job failed.", frozenset(), "dev", "x"),
        Case("3", "Cause: operator error.", frozenset({"human_error", "single_root_cause"}), "dev", "x"),
    ]
    report = evaluate(cases)
    cf, hm, sr = (report.per_category[k] for k in ("counterfactual", "hindsight_minimizing", "single_root_cause"))
    assert (cf.tp, cf.fp, cf.fn) == (1, 0, 0)
    assert (hm.tp, hm.fp, hm.fn, hm.precision) == (0, 1, 0, 0.0)
    assert (sr.tp, sr.fn, sr.recall) == (0, 1, 0.0)
    assert (report.overall.tp, report.overall.fp, report.overall.fn) == (2, 1, 1)
    assert (report.sentences.tp, report.sentences.fp, report.sentences.fn) == (2, 1, 0)
    assert [c.id for c, _ in report.errors] == ["2", "3"]
