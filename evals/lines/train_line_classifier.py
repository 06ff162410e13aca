"""Retrain the timeline-line classifier shipped as src/postmortem_writer/extract/line_model.json.

One-vs-rest logistic regression (the shared plain-Python fit of ``postmortem_writer.logreg``): one
model for "is this line timeline material", one per kind trained on the timeline lines. It learns
from the ``train`` part of evals/lines/lines.jsonl only; the ``test`` part is fixed by a hash of the
incident id and never read here. Five folds over train incidents choose, by pooled out-of-fold
figures, the in-timeline threshold and how the model is combined with today's cue rules:

- ``rules``: the cue rules alone (what the extractor does today);
- ``model``: the model alone (the cue rules' kinds are among its features);
- ``rules-first``: the cue rules' kind when they give one, else the model's;
- ``model-first``: the model's kind, and the cue rules' kind for lines the model leaves out.

The combination with the best out-of-fold kind F1 (in-timeline F1 breaks ties) is written into
the model file.

    python evals/lines/train_line_classifier.py            # writes the model, prints the CV table
    python evals/lines/train_line_classifier.py --check    # exit 1 if the shipped model differs from a retrain
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from postmortem_writer.extract.line_model import (
    COMBINATIONS,
    IN_TIMELINE,
    MODEL_FILE,
    LineModel,
    cue_kind,
    features,
    from_json,
)
from postmortem_writer.logreg import Model, fit, fold, write_or_check
from postmortem_writer.models import TimelineKind

ROOT = Path(__file__).resolve().parents[2]
LINES = ROOT / "evals" / "lines" / "lines.jsonl"
OUT = ROOT / "src" / "postmortem_writer" / "extract" / MODEL_FILE
PARAMS = {"l2": 0.005, "epochs": 200, "rate": 1.0, "min_count": 3}
# Weights smaller than this change no decision and would triple the shipped file.
PRUNE = 0.02
FOLDS = 5

Row = dict[str, object]
Sample = tuple[set[str], Row]


def _fit(data: list[tuple[set[str], int]]) -> tuple[dict[str, float], float]:
    weights, bias = fit(data, **PARAMS)
    return {f: w for f, w in weights.items() if abs(w) >= PRUNE}, bias


def train(samples: list[Sample], threshold: float) -> LineModel:
    """The in-timeline model and one model per kind seen among the timeline lines of ``samples``."""
    weights, bias = _fit([(f, int(bool(r["in_timeline"]))) for f, r in samples])
    timeline = [(f, r) for f, r in samples if r["in_timeline"]]
    kinds = sorted({str(r["kind"]) for _, r in timeline})
    models = {}
    for kind in kinds:
        kind_weights, kind_bias = _fit([(f, int(r["kind"] == kind)) for f, r in timeline])
        models[TimelineKind(kind)] = Model(kind_weights, kind_bias, 0.5)
    return LineModel(Model(weights, bias, threshold), models)


def figures(pairs: list[tuple[TimelineKind | None, Row]]) -> dict[str, float]:
    """In-timeline precision, recall and F1, and kind precision, recall and F1, as the benchmark counts them."""
    said = sum(1 for kind, _ in pairs if kind is not None)
    true = sum(1 for _, r in pairs if r["in_timeline"])
    hits = sum(1 for kind, r in pairs if kind is not None and r["in_timeline"])
    right = sum(1 for kind, r in pairs if kind is not None and r["in_timeline"] and kind.value == r["kind"])
    found = sum(1 for kind, r in pairs if kind is not None and r["in_timeline"])
    out = {
        "tl_p": hits / max(1, said),
        "tl_r": hits / max(1, true),
        "k_p": right / max(1, found),
        "k_r": right / max(1, true),
    }
    out["tl_f1"] = 2 * out["tl_p"] * out["tl_r"] / max(1e-9, out["tl_p"] + out["tl_r"])
    out["k_f1"] = 2 * out["k_p"] * out["k_r"] / max(1e-9, out["k_p"] + out["k_r"])
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    rows: list[Row] = [json.loads(line) for line in LINES.read_text(encoding="utf-8").splitlines() if line.strip()]
    samples = [(features(str(r["text"])), r) for r in rows if r["split"] == "train"]
    # out-of-fold: the in-timeline probability and the model's kind per line, folds by incident
    oof: list[tuple[float, TimelineKind, TimelineKind | None, Row]] = []
    for k in range(FOLDS):
        held = [s for s in samples if fold(str(s[1]["incident"]), FOLDS) == k]
        fold_model = train([s for s in samples if fold(str(s[1]["incident"]), FOLDS) != k], 0.5)
        for feats, row in held:
            scores = fold_model.kind_probabilities(feats)
            best = max(scores, key=lambda kind: (scores[kind], kind.value))
            oof.append((fold_model.in_timeline.probability(feats), best, cue_kind(str(row["text"])), row))

    def at(threshold: float, method: str) -> dict[str, float]:
        pairs = []
        for p, best, ruled, row in oof:
            said = best if p >= threshold else None
            if method == "rules":
                kind = ruled
            elif method == "rules-first":
                kind = ruled or said
            elif method == "model-first":
                kind = said or ruled
            else:
                kind = said
            pairs.append((kind, row))
        return figures(pairs)

    grid = [x / 100 for x in range(5, 96, 5)]
    best_method, best_threshold, best = "rules", 0.5, at(0.5, "rules")
    print(f"{len(samples)} train lines, {FOLDS} folds by incident; out-of-fold figures at the best threshold:")
    print("| combination | threshold | in-timeline P | R | F1 | kind P | R | F1 |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for method in COMBINATIONS:
        by_threshold = {t: at(t, method) for t in grid}
        threshold = max(grid, key=lambda t: (round(by_threshold[t]["k_f1"], 3), round(by_threshold[t]["tl_f1"], 3), -t))
        f = by_threshold[threshold]
        print(
            f"| {method} | {threshold:.2f} | {f['tl_p']:.2f} | {f['tl_r']:.2f} | {f['tl_f1']:.2f} "
            f"| {f['k_p']:.2f} | {f['k_r']:.2f} | {f['k_f1']:.2f} |"
        )
        if (round(f["k_f1"], 3), round(f["tl_f1"], 3)) > (round(best["k_f1"], 3), round(best["tl_f1"], 3)):
            best_method, best_threshold, best = method, threshold, f
    print(f"chosen: {best_method} at threshold {best_threshold:.2f}")
    final = train(samples, best_threshold)
    models = {IN_TIMELINE: final.in_timeline} | {kind.value: m for kind, m in final.kinds.items()}
    data = {
        "about": "timeline-line classifier, see evals/lines/train_line_classifier.py",
        "params": PARAMS,
        "combination": best_method,
        "models": {
            name: {"threshold": m.threshold, "bias": m.bias, "weights": dict(sorted(m.weights.items()))}
            for name, m in models.items()
        },
    }
    text = json.dumps(data, indent=0) + "\n"
    from_json(data)  # the file must read back
    return write_or_check(OUT, text, check=args.check, weights=sum(len(m.weights) for m in models.values()))


if __name__ == "__main__":
    sys.exit(main())
