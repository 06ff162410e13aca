"""The labelled development set: big enough, sourced, split before tuning, and scored by one function."""

from __future__ import annotations

import json
from pathlib import Path

from postmortem_writer.lint.evaluate import Case, evaluate, load_cases

SET = Path(__file__).resolve().parents[2] / "evals" / "lint" / "sentences.jsonl"
FRESH5 = SET.with_name("fresh5.jsonl")


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


def test_fresh5_is_a_separate_real_part_with_known_labels_and_no_shared_text() -> None:
    # load_cases rejects labels outside the rule categories; it parses only, it does not lint.
    cases = load_cases(FRESH5)
    rows = [json.loads(line) for line in FRESH5.read_text(encoding="utf-8").splitlines()]
    assert [set(r) for r in rows] == [{"id", "text", "labels", "source", "origin", "split"}] * len(rows)
    assert len(cases) >= 350
    assert len({c.id for c in cases}) == len(cases)
    assert all(c.id.startswith("f5-") and c.split == "fresh5" for c in cases)
    assert all(r["origin"] == "real" and r["source"].startswith("http") for r in rows)
    assert all(isinstance(r["labels"], list) and len(set(r["labels"])) == len(r["labels"]) for r in rows)
    assert sum(bool(c.labels) for c in cases) >= len(cases) / 2
    texts = [c.text for c in cases]
    assert len(set(texts)) == len(texts)
    assert not set(texts) & {c.text for c in load_cases(SET)}


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
