"""The hand-written rewrite references: tied to the lint set, facts kept, blame dropped, unseen parts whole."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

LINT = Path(__file__).resolve().parents[2] / "evals" / "lint"
REWRITES = LINT / "rewrites.jsonl"
TUNING_SPLITS = {"train", "dev", "holdout", "fresh", "fresh2", "fresh3", "fresh4"}
FIELDS = {"id", "text", "split", "reference", "facts", "removed", "labels"}


def _read(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


LINT_ROWS = {r["id"]: r for r in _read(LINT / "sentences.jsonl") + _read(LINT / "fresh5.jsonl")}
ROWS = _read(REWRITES)


def _spans(item: str, text: str) -> list[tuple[int, int]]:
    # Word-bounded and case-insensitive, so that "he" is not found inside "the" nor "I" inside "It".
    pattern = r"(?<!\w)" + re.escape(item) + r"(?!\w)"
    return [m.span() for m in re.finditer(pattern, text, re.IGNORECASE)]


def problems(row: dict[str, Any], lint: dict[str, dict[str, Any]]) -> list[str]:
    """Every way one row of the rewrite set breaks its rules (empty when it is sound)."""
    if set(row) - {"note"} != FIELDS:
        return [f"fields {sorted(row)}"]
    found: list[str] = []
    source = lint.get(row["id"])
    if source is None:
        return [f"{row['id']} is not in the lint set"]
    found += [f"{key} differs from the lint set" for key in ("text", "split", "labels") if row[key] != source[key]]
    if not row["labels"]:
        found.append("not blame-prone in the lint set")
    text, reference, facts, removed = row["text"], row["reference"], row["facts"], row["removed"]
    found += [f"{item!r} is not in the text" for item in facts + removed if item not in text]
    for fact in facts:
        for blame in removed:
            if any(a < d and c < b for a, b in _spans(fact, text) for c, d in _spans(blame, text)):
                found.append(f"fact {fact!r} overlaps removed {blame!r}")
    if reference is None:
        if not row.get("note"):
            found.append("a null reference needs a note saying why")
        return found
    found += [f"reference lacks fact {fact!r}" for fact in facts if fact not in reference]
    found += [f"reference keeps {blame!r}" for blame in removed if _spans(blame, reference)]
    if not removed and not row.get("note"):
        found.append("a reference that drops nothing needs a note saying why")
    return found


@pytest.mark.parametrize("row", ROWS, ids=[r["id"] for r in ROWS])
def test_each_reference_keeps_its_facts_and_drops_its_blame(row: dict[str, Any]) -> None:
    assert problems(row, LINT_ROWS) == []


GOOD = {
    "id": "x1",
    "text": "Dana forgot to renew the certificate at 02:10, and checkout went down.",
    "split": "test",
    "reference": "The certificate was not renewed at 02:10, and checkout went down.",
    "facts": ["certificate", "02:10", "checkout"],
    "removed": ["Dana", "forgot"],
    "labels": ["individual_as_cause", "naming_individuals"],
}
BROKEN = [
    ("unknown-id", {"id": "x2"}, "x2 is not in the lint set"),
    ("other-text", {"text": GOOD["text"] + " "}, "text differs from the lint set"),
    ("other-split", {"split": "train"}, "split differs from the lint set"),
    ("other-labels", {"labels": ["individual_as_cause"]}, "labels differs from the lint set"),
    ("fact-not-in-text", {"facts": ["02:15"]}, "'02:15' is not in the text"),
    ("fact-lost", {"reference": "Certificate not renewed; checkout down."}, "reference lacks fact '02:10'"),
    ("blame-kept", {"reference": "Dana: certificate not renewed at 02:10; checkout down."}, "reference keeps 'Dana'"),
    ("blame-kept-case", {"reference": "DANA: certificate at 02:10; checkout down."}, "reference keeps 'Dana'"),
    ("overlap", {"facts": ["Dana forgot"], "reference": "Dana forgot"}, "fact 'Dana forgot' overlaps removed 'Dana'"),
    ("null-without-note", {"reference": None}, "a null reference needs a note saying why"),
    ("extra-field", {"source": "https://example.invalid/"}, "fields"),
]


@pytest.mark.parametrize(("change", "expected"), [(c, e) for _, c, e in BROKEN], ids=[i for i, _, _ in BROKEN])
def test_the_checks_catch_a_broken_row(change: dict[str, Any], expected: str) -> None:
    lint = {"x1": {k: GOOD[k] for k in ("id", "text", "split", "labels")}}
    assert problems(GOOD, lint) == []
    found = problems(GOOD | change, lint)
    assert any(p.startswith(expected) for p in found), found


def test_a_removed_word_is_not_found_inside_another_word() -> None:
    lint = {"x1": {k: GOOD[k] for k in ("id", "text", "split", "labels")}}
    assert problems(GOOD | {"removed": ["Dana", "forgot", "he"]}, lint) == []


def test_the_parts_are_whole_and_in_order() -> None:
    ids = [r["id"] for r in ROWS]
    assert len(set(ids)) == len(ids)
    by_split: dict[str, list[str]] = {}
    for row in ROWS:
        part = "tuning" if row["split"] in TUNING_SPLITS else row["split"]
        by_split.setdefault(part, []).append(row["id"])
    assert set(by_split) == {"tuning", "test", "fresh5"}
    # The tuning part: real sentences only, and never a sentence of an unseen part.
    assert len(by_split["tuning"]) == 110
    assert all(LINT_ROWS[i]["origin"] == "real" for i in by_split["tuning"])
    # The unseen parts were not chosen: every blame-prone test sentence, and fresh5's first 100 in file order.
    lint_order = list(LINT_ROWS)
    blame_prone = [i for i in lint_order if LINT_ROWS[i]["labels"]]
    assert by_split["test"] == [i for i in blame_prone if LINT_ROWS[i]["split"] == "test"]
    assert len(by_split["test"]) == 147
    assert by_split["fresh5"] == [i for i in blame_prone if LINT_ROWS[i]["split"] == "fresh5"][:100]
    assert len(ROWS) >= 150
    assert sum(r["reference"] is not None for r in ROWS if r["split"] in {"test", "fresh5"}) >= 150
