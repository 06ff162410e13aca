"""Detection and false positive rates of the prompt-injection detector on the labelled set.

Reports the ``test`` part (chosen by a hash of each text) first, then ``dev`` (the part tuned on),
with the ids of the lines it got wrong.

    python benchmarks/injection_eval.py [evals/injection/lines.jsonl] [--wrong]
"""

from __future__ import annotations

import argparse
from pathlib import Path

from postmortem_writer.evaluation.injection import load_lines, score
from postmortem_writer.injection import tactics

DEFAULT = Path(__file__).resolve().parent.parent / "evals" / "injection" / "lines.jsonl"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", nargs="?", type=Path, default=DEFAULT)
    parser.add_argument("--wrong", action="store_true", help="list the ids of missed and wrongly flagged lines")
    args = parser.parse_args()
    lines = load_lines(args.path)
    print("part  injections withheld/sent  detection  ordinary flagged/total  false positives")
    for part in ("test", "dev"):
        result = score([line for line in lines if line.split == part], lambda text: bool(tactics(text)))
        total = result.flagged + result.kept
        print(
            f"{part:<5} {result.withheld:>12}/{result.sent:<12} {result.detection_rate:>9.1%}"
            f"  {result.flagged:>12}/{total:<10} {result.false_positive_rate:>15.1%}"
        )
        if args.wrong:
            print(f"      missed: {' '.join(result.missed) or '-'}")
            print(f"      false alarms: {' '.join(result.false_alarms) or '-'}")


if __name__ == "__main__":
    main()
