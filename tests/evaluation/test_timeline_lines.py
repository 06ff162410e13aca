"""The labelled timeline-line corpora in evals/lines: well-formed rows, known kinds, unique ids, split by incident."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

from postmortem_writer.models import TimelineKind

LINES = Path(__file__).resolve().parents[2] / "evals" / "lines"
CASES = LINES.parent / "cases"
FIELDS = {"id", "text", "kind", "in_timeline", "incident", "source", "split"}
# lines_b.jsonl was split by this rule before any classifier saw it; lines.jsonl predates the rule.
HASHED = {"lines_b.jsonl"}


def _rows(name: str) -> list[dict[str, Any]]:
    text = (LINES / name).read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def _hashed_split(incident: str) -> str:
    return "test" if int(hashlib.sha256(incident.encode("utf-8")).hexdigest()[:8], 16) % 3 == 0 else "train"


@pytest.mark.parametrize("name", ["lines.jsonl", "lines_b.jsonl"])
def test_every_row_is_well_formed_and_each_incident_sits_in_one_split(name: str) -> None:
    rows = _rows(name)
    kinds = {kind.value for kind in TimelineKind}
    for row in rows:
        assert set(row) == FIELDS, row
        assert row["kind"] in kinds, row
        assert isinstance(row["in_timeline"], bool), row
        assert row["text"], row
        assert row["text"] == row["text"].strip(), row
        assert row["source"].startswith(("http://", "https://")), row
        assert row["split"] in {"train", "test"}, row
        if name in HASHED:
            assert row["split"] == _hashed_split(row["incident"]), row
    splits: dict[str, set[str]] = {}
    for row in rows:
        splits.setdefault(row["incident"], set()).add(row["split"])
    assert all(len(found) == 1 for found in splits.values()), splits


def test_ids_are_unique_and_the_second_corpus_shares_no_incident_with_the_first_or_the_cases() -> None:
    first, second = _rows("lines.jsonl"), _rows("lines_b.jsonl")
    ids = [row["id"] for row in first + second]
    assert len(ids) == len(set(ids))
    assert all(row["id"].startswith("l3-") for row in second)
    assert len(second) >= 900
    assert len({row["incident"] for row in second}) >= 40
    seen = {row["incident"] for row in first} | {case.name for case in CASES.iterdir() if case.is_dir()}
    for incident in {row["incident"] for row in second}:
        assert not any(other.startswith(incident) for other in seen), incident
