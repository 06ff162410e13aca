"""How the rules extractor's line classifier does on public incident-timeline lines it was not written for.

Reads ``evals/lines/lines.jsonl`` (one labelled line a row: ``text``, ``kind``, ``in_timeline``,
``incident``, ``source``, ``split``) and scores a line classifier on it: whether it found timeline
material at all (in-timeline precision and recall) and, per kind, precision and recall of the kind
it gave. ``--method model`` (the default) is the learned classifier as shipped, joined with the cue
rules the way its training chose; ``--method rules`` reads each line as a responder's chat message
through ``classify.timeline_kinds`` alone. The split is by incident, fixed by a hash of the incident
id before any rule or model was tuned; quote ``test`` figures.

    python benchmarks/line_classifier.py [--split test|train|all] [--method model|rules] [--misses]
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path

from postmortem_writer.extract import line_model
from postmortem_writer.models import TimelineKind

ROOT = Path(__file__).resolve().parent.parent
LINES = ROOT / "evals" / "lines" / "lines.jsonl"


def _ratio(part: int, whole: int) -> str:
    return f"{part / whole:.2f}" if whole else "—"


def main() -> None:
    """Print the in-timeline and per-kind table for the chosen split."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", default="test", choices=["test", "train", "all"])
    parser.add_argument("--method", default="model", choices=["model", "rules"])
    parser.add_argument("--misses", action="store_true", help="list the lines whose kind was wrong")
    parser.add_argument(
        "--file", type=Path, default=LINES, help="labelled lines to score (evals/lines/lines_b.jsonl: never trained on)"
    )
    args = parser.parse_args()
    predict = line_model.model().kind_of if args.method == "model" else line_model.cue_kind
    rows = [json.loads(line) for line in args.file.read_text(encoding="utf-8").splitlines() if line.strip()]
    rows = [row for row in rows if args.split == "all" or row["split"] == args.split]
    truth, found, right = Counter[str](), Counter[str](), Counter[str]()
    timeline_hits = timeline_said = timeline_true = 0
    misses = []
    for row in rows:
        kind = predict(row["text"])
        said = kind is not None
        timeline_said += said
        timeline_true += row["in_timeline"]
        timeline_hits += said and row["in_timeline"]
        if not row["in_timeline"]:
            continue
        truth[row["kind"]] += 1
        if kind is not None:
            found[kind.value] += 1
            right[kind.value] += kind.value == row["kind"]
        if kind is None or kind.value != row["kind"]:
            misses.append(f"{row['id']} {row['kind']} -> {kind.value if kind else '-'}: {row['text']}")
    print(f"{len(rows)} lines ({args.split}, {args.method}), {timeline_true} in a timeline")
    precision, recall = _ratio(timeline_hits, timeline_said), _ratio(timeline_hits, timeline_true)
    print(f"in timeline: precision {precision}, recall {recall}")
    print("| kind | support | precision | recall |")
    print("| --- | ---: | ---: | ---: |")
    for kind in TimelineKind:
        if truth[kind.value] or found[kind.value]:
            value = kind.value
            precision, recall = _ratio(right[value], found[value]), _ratio(right[value], truth[value])
            print(f"| {value} | {truth[value]} | {precision} | {recall} |")
    total = sum(truth.values())
    print(
        f"| overall (kind of in-timeline lines) | {total} | {_ratio(sum(right.values()), sum(found.values()))} "
        f"| {_ratio(sum(right.values()), total)} |"
    )
    if args.misses:
        print("\n".join(misses))


if __name__ == "__main__":
    main()
