"""How fast ``postmortem lint`` reads Markdown, beside proselint and alex on the same text.

Builds a Markdown corpus of at least ``--megabytes`` MB by repeating postmortem sections filled with
the labelled sentences of ``evals/lint/sentences.jsonl`` and the golden sample draft, writes it to a
temporary file, and times:

* our lint in-process (parse + rules, best of ``--repeat``) and as the ``postmortem lint`` command;
* proselint (``proselint check``, its default checks) if it is installed in this environment
  (``pip install proselint``; it is not a dependency of this project);
* alex (``alex``, its default checks) from ``--alex-dir`` (a folder where ``npm install alex`` ran,
  default ``$ALEX_DIR``); when npm or the package is missing the table says so.

Each row: seconds, MB/s, findings, and the tool's time as a multiple of ours (command vs command).
Figures come from one run on a shared machine.

    python benchmarks/lint_speed.py [--megabytes 1] [--alex-dir /tmp/alexbench]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from postmortem_writer.lint import lint_text

ROOT = Path(__file__).resolve().parent.parent
SENTENCES = ROOT / "evals" / "lint" / "sentences.jsonl"
GOLDEN = ROOT / "fixtures" / "golden" / "inc-2025-0304.md"


def corpus(megabytes: float) -> str:
    """Postmortem-shaped Markdown of at least ``megabytes`` MB (deterministic)."""
    sentences = [json.loads(line)["text"] for line in SENTENCES.read_text(encoding="utf-8").splitlines()]
    golden = GOLDEN.read_text(encoding="utf-8")
    parts: list[str] = []
    size, n = 0, 0
    while size < megabytes * 1024 * 1024:
        chunk = sentences[n % len(sentences) :] + sentences[: n % len(sentences)]
        rows = "\n".join(
            f"| {9 + i % 12:02d}:{i % 60:02d} | {s} | [E{i + 1}](#ev-e{i + 1}) |" for i, s in enumerate(chunk[:20])
        )
        section = (
            f"# Incident {n}\n\n## Summary\n\n{' '.join(chunk[:8])}\n\n## Timeline (UTC)\n\n"
            f"| Time | What happened | Evidence |\n| --- | --- | --- |\n{rows}\n\n## Contributing factors\n\n"
            + "\n".join(f"{i + 1}. {s}" for i, s in enumerate(chunk[20:30]))
            + "\n\n## Action items\n\n"
            + "\n".join(f"- {s} (owner: platform, due 2026-01-{i + 1:02d})" for i, s in enumerate(chunk[30:40]))
            + f"\n\n```\n$ kubectl rollout undo deploy/api\n```\n\n> {chunk[40]}\n\n"
            + (golden if n % 10 == 0 else "")
        )
        parts.append(section)
        size += len(section.encode("utf-8"))
        n += 1
    return "".join(parts)


def timed(command: list[str], cwd: Path) -> tuple[float, str, str]:
    start = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=1800, check=False)
    return time.perf_counter() - start, done.stdout, done.stderr


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--megabytes", type=float, default=1.0)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--alex-dir", type=Path, default=Path(os.environ.get("ALEX_DIR", "/tmp/alexbench")))
    args = parser.parse_args()

    text = corpus(args.megabytes)
    megabytes = len(text.encode("utf-8")) / (1024 * 1024)
    rows: list[tuple[str, float | None, int | None, str]] = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        path = folder / "corpus.md"
        path.write_text(text, encoding="utf-8")

        best = min(_in_process(text) for _ in range(args.repeat))
        rows.append(("postmortem lint (in-process)", best, len(lint_text(text)), ""))

        ours_seconds, out, _ = timed(
            [sys.executable, "-m", "postmortem_writer", "lint", str(path), "--fail-level", "never"], folder
        )
        rows.append(("postmortem lint (command)", ours_seconds, out.count("\n"), "baseline for the ratios"))

        proselint = shutil.which("proselint", path=str(Path(sys.executable).parent)) or shutil.which("proselint")
        if proselint:
            seconds, out, _ = timed([proselint, "check", str(path)], folder)
            rows.append(("proselint check (defaults)", seconds, len(re.findall(r"^\S.*:\d+:\d+:", out, re.M)), ""))
        else:
            rows.append(("proselint", None, None, "not installed here (pip install proselint)"))

        alex = args.alex_dir / "node_modules" / ".bin" / "alex"
        node = shutil.which("node")
        if alex.exists() and node:
            seconds, out, err = timed([str(alex), str(path)], folder)
            rows.append(("alex (defaults)", seconds, len(re.findall(r"^\s+\d+:\d+-\d+:\d+\s", out + err, re.M)), ""))
        else:
            missing = "node/npm" if not node else f"alex (run `npm install alex` in {args.alex_dir})"
            rows.append(("alex", None, None, f"not available: {missing}"))

    print(f"Corpus: {megabytes:.2f} MB of postmortem Markdown ({text.count(chr(10))} lines)\n")
    print("| tool | seconds | MB/s | findings | time vs our command | note |")
    print("| --- | ---: | ---: | ---: | ---: | --- |")
    for name, seconds, findings, note in rows:
        if seconds is None:
            print(f"| {name} | — | — | — | — | {note} |")
            continue
        ratio = f"{seconds / ours_seconds:.1f}x"
        print(f"| {name} | {seconds:.2f} | {megabytes / seconds:.2f} | {findings} | {ratio} | {note} |")


def _in_process(text: str) -> float:
    start = time.perf_counter()
    lint_text(text)
    return time.perf_counter() - start


if __name__ == "__main__":
    main()
