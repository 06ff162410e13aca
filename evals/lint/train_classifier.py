"""Retrain the blame classifier shipped as src/postmortem_writer/lint/blame_model.json.

Logistic regression with an L2 penalty, fitted by full-batch gradient descent in plain Python, so
the result is the same on every machine and needs nothing beyond the project itself. It learns from
every labelled sentence of evals/lint/sentences.jsonl except the parts kept for unseen scores
(``test``, fixed before any tuning, and ``fresh4``, collected after the method was frozen). The decision threshold is
chosen by 5-fold cross-validation on the same training sentences: the score that gives the best
pooled out-of-fold F1 of the whole lint (cue rules, or agent analysis, or the classifier).

    python evals/lint/train_classifier.py            # writes the model, prints the cross-validated figures
    python evals/lint/train_classifier.py --check    # exit 1 if the shipped model differs from a retrain
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from postmortem_writer.lint import LintConfig
from postmortem_writer.lint.agents import analyse
from postmortem_writer.lint.classifier import MODEL_FILE, features
from postmortem_writer.lint.detect import rule_categories
from postmortem_writer.logreg import Model, fit, fold

ROOT = Path(__file__).resolve().parents[2]
SET = ROOT / "evals" / "lint" / "sentences.jsonl"
OUT = ROOT / "src" / "postmortem_writer" / "lint" / MODEL_FILE
NEVER_TRAINED_ON = ("test", "fresh4")


def featurise(rows: list[dict[str, object]]) -> list[tuple[set[str], int, bool]]:
    """(features, label, whether the cue rules or the agent analysis flag it) per sentence."""
    config = LintConfig()
    data = []
    for row in rows:
        text = str(row["text"])
        other = bool(rule_categories(text, config) or analyse(text))
        data.append((features(text), int(bool(row["labels"])), other))
    return data


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    params = {"l2": 0.01, "epochs": 300, "rate": 1.0, "min_count": 2}
    rows = [json.loads(line) for line in SET.read_text(encoding="utf-8").splitlines() if line.strip()]
    rows = [r for r in rows if r["split"] not in NEVER_TRAINED_ON]
    data = featurise(rows)
    # out-of-fold scores for the threshold: the rules and the agent analysis flag on their own
    oof: list[tuple[float, bool, int]] = []
    for k in range(5):
        train = [d for d, r in zip(data, rows, strict=True) if fold(str(r["text"]), 5) != k]
        weights, bias = fit([(feats, y) for feats, y, _ in train], **params)
        fold_model = Model(weights, bias, 0.5)
        for d, r in zip(data, rows, strict=True):
            if fold(str(r["text"]), 5) == k:
                oof.append((fold_model.probability(d[0]), d[2], d[1]))

    def counts(t: float) -> tuple[int, int, int]:
        tp = sum(1 for s, o, y in oof if (s >= t or o) and y)
        fp = sum(1 for s, o, y in oof if (s >= t or o) and not y)
        fn = sum(1 for s, o, y in oof if not (s >= t or o) and y)
        return tp, fp, fn

    def f1(t: float) -> float:
        tp, fp, fn = counts(t)
        return 2 * tp / max(1, 2 * tp + fp + fn)

    threshold = max((x / 100 for x in range(30, 100)), key=lambda t: (round(f1(t), 3), t))
    tp, fp, fn = counts(threshold)
    rules_only = counts(2.0)
    print(
        f"cue rules and agent analysis alone: P {rules_only[0] / max(1, sum(rules_only[:2])):.2f} "
        f"R {rules_only[0] / max(1, rules_only[0] + rules_only[2]):.2f}"
    )
    print(
        f"{len(rows)} training sentences; threshold {threshold:.2f}; "
        f"cross-validated P {tp / max(1, tp + fp):.2f} R {tp / max(1, tp + fn):.2f}"
    )
    weights, bias = fit([(feats, y) for feats, y, _ in data], **params)
    model = {
        "about": "blame classifier, see evals/lint/train_classifier.py",
        "params": params,
        "threshold": threshold,
        "bias": bias,
        "weights": dict(sorted(weights.items())),
    }
    text = json.dumps(model, indent=0, sort_keys=False) + "\n"
    if args.check:
        same = OUT.read_text(encoding="utf-8") == text
        print("the shipped model matches a retrain" if same else "the shipped model differs from a retrain")
        return 0 if same else 1
    OUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUT.relative_to(ROOT)} ({len(weights)} weights)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
