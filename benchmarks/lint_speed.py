"""How fast ``postmortem lint`` reads Markdown, beside proselint and alex on the same text.

Builds a Markdown corpus of at least ``--megabytes`` MB by repeating postmortem sections filled with
the labelled sentences of ``evals/lint/sentences.jsonl`` and the golden sample draft, writes it to a
temporary file, and times:

* our lint in-process (parse + rules + agent analysis + classifier, best of ``--repeat``), as the
  ``postmortem lint`` command, and as the command with ``--rules-only`` (the cue rules alone);
* proselint (``proselint check``, its default checks) if it is installed in this environment
  (``pip install proselint``; it is not a dependency of this project);
* alex (``alex``, its default checks) from ``--alex-dir`` (a folder where ``npm install alex`` ran,
  default ``$ALEX_DIR``); when npm or the package is missing the table says so.

Each row: wall-clock seconds, CPU seconds (user + system, of the process or the child process),
MB/s by CPU time, findings, and the tool's CPU time as a multiple of our command's. The machine is
shared with other work, so wall-clock times swing with its load; CPU time swings much less.

    python benchmarks/lint_speed.py [--megabytes 1] [--alex-dir /tmp/alexbench]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
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


def timed(command: list[str], cwd: Path) -> tuple[float, float, str, str]:
    """Wall and CPU seconds of a command (CPU of the child and its children), and its output."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=1800, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, done.stdout, done.stderr


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--megabytes", type=float, default=1.0)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--alex-dir", type=Path, default=Path(os.environ.get("ALEX_DIR", "/tmp/alexbench")))
    args = parser.parse_args()

    text = corpus(args.megabytes)
    megabytes = len(text.encode("utf-8")) / (1024 * 1024)
    rows: list[tuple[str, tuple[float, float] | None, int | None, str]] = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        path = folder / "corpus.md"
        path.write_text(text, encoding="utf-8")

        best = min((_in_process(text) for _ in range(args.repeat)), key=lambda times: times[1])
        rows.append(("postmortem lint (in-process)", best, len(lint_text(text)), f"best of {args.repeat}"))

        command = [sys.executable, "-m", "postmortem_writer", "lint", str(path), "--fail-level", "never"]
        wall, cpu, out, _ = timed(command, folder)
        ours = cpu
        rows.append(("postmortem lint (command)", (wall, cpu), out.count("\n"), "includes start-up"))
        wall, cpu, out, _ = timed([*command, "--rules-only"], folder)
        rows.append(("postmortem lint --rules-only (command)", (wall, cpu), out.count("\n"), "cue rules alone"))

        proselint = shutil.which("proselint", path=str(Path(sys.executable).parent)) or shutil.which("proselint")
        if proselint:
            wall, cpu, out, _ = timed([proselint, "check", str(path)], folder)
            found = len(re.findall(r"^\S.*:\d+:\d+:", out, re.M))
            rows.append(("proselint check (defaults)", (wall, cpu), found, ""))
        else:
            rows.append(("proselint", None, None, "not installed here (pip install proselint)"))

        alex = args.alex_dir / "node_modules" / ".bin" / "alex"
        node = shutil.which("node")
        if alex.exists() and node:
            wall, cpu, out, err = timed([str(alex), str(path)], folder)
            found = len(re.findall(r"^\s+\d+:\d+-\d+:\d+\s", out + err, re.M))
            rows.append(("alex (defaults)", (wall, cpu), found, ""))
        else:
            missing = "node/npm" if not node else f"alex (run `npm install alex` in {args.alex_dir})"
            rows.append(("alex", None, None, f"not available: {missing}"))

    print(f"Corpus: {megabytes:.2f} MB of postmortem Markdown ({text.count(chr(10))} lines)")
    print(f"Load average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs\n")
    print("| tool | wall s | CPU s | MB/s (CPU) | findings | CPU time vs our command | note |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | --- |")
    for name, times, findings, note in rows:
        if times is None:
            print(f"| {name} | — | — | — | — | — | {note} |")
            continue
        wall, cpu = times
        print(f"| {name} | {wall:.2f} | {cpu:.2f} | {megabytes / cpu:.2f} | {findings} | {cpu / ours:.1f}x | {note} |")


def _in_process(text: str) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    lint_text(text)
    return time.perf_counter() - wall, time.process_time() - cpu


if __name__ == "__main__":
    main()
