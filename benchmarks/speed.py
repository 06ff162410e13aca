"""The offline draft against the speed of reading its input: one table of time and peak memory.

For each size, a realistic Slack export (``slack_generator.py``) is written once (kept under
``--work`` for later runs), then each step runs in a fresh process, so its peak memory is its own:

- ``json.load``: every JSON file of the export parsed and kept, the floor any reader pays;
- ``ingest``: ``pipeline.ingest`` (sources → one numbered event stream);
- ``draft``: the whole ``postmortem draft --extractor rules`` command, ingest included;
- ``lint``: ``lint_text`` on every message (the linter on the volume of the input);
- ``redaction``: ``redact_stream`` of the ingested stream (ingest not counted).

Times are medians of ``--repeat`` runs, seconds inside the process (interpreter start and imports
not counted); memory is the process's peak resident size, MiB, and ``x input`` its ratio to the
export's size on disk. ``--line-mb`` also drafts one message of one line that long.

    python benchmarks/speed.py [--sizes 10000,100000] [--repeat 1] [--line-mb 4]
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from slack_generator import write_export, write_long_line

STEPS = ("json.load", "ingest", "draft", "lint", "redaction")


def run_step(step: str, path: Path) -> float:
    """Run ``step`` on the export at ``path`` in this process; the seconds it took."""
    started = time.perf_counter()
    if step == "json.load":
        kept = [json.loads(file.read_bytes()) for file in sorted(path.rglob("*.json"))]
        assert kept
    elif step == "draft":
        from postmortem_writer.cli import cli

        out = path.parent / f"{path.name}.draft.md"
        cli.main(["draft", str(path), "--extractor", "rules", "-o", str(out), "--force"], standalone_mode=False)
    else:
        from postmortem_writer.lint import lint_text
        from postmortem_writer.pipeline import ingest
        from postmortem_writer.redact import Privacy, redact_stream
        from postmortem_writer.sources import SourceOptions

        started = time.perf_counter()
        ingested = ingest([path], SourceOptions())
        if step == "lint":
            started = time.perf_counter()
            for event in ingested.stream:
                lint_text(event.text)
        elif step == "redaction":
            started = time.perf_counter()
            redact_stream(ingested.stream, Privacy(redact=True))
    return time.perf_counter() - started


def measure(step: str, path: Path) -> tuple[float, float]:
    """Seconds and peak resident MiB of ``step`` on ``path``, in a fresh process."""
    child = subprocess.run(
        [sys.executable, __file__, "--step", step, str(path)], check=True, capture_output=True, text=True
    )
    seconds, peak = child.stdout.split()[-2:]
    return float(seconds), float(peak)


def export(work: Path, name: str, write: Callable[[Path], None]) -> tuple[Path, float]:
    """The export ``name`` under ``work`` (written by ``write`` the first time) and its MB on disk."""
    path = work / name
    if not path.exists():
        write(path)
    size = sum(file.stat().st_size for file in path.rglob("*") if file.is_file())
    return path, size / 1e6


def main() -> None:
    """Print the table (or, with ``--step``, run one step and print its seconds and peak MiB)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000", help="comma-separated message counts")
    parser.add_argument("--repeat", type=int, default=1, help="runs per step (the median is shown)")
    parser.add_argument("--line-mb", type=float, default=4.0, help="also draft one line this long (0: skip)")
    parser.add_argument("--steps", default=",".join(STEPS), help="comma-separated steps to run")
    parser.add_argument("--work", type=Path, default=Path("/tmp/postmortem-speed"), help="where exports are kept")
    parser.add_argument("--step", help=argparse.SUPPRESS)
    parser.add_argument("path", nargs="?", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.step:
        seconds = run_step(args.step, args.path)
        print(f"{seconds:.3f} {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f}")
        return
    args.work.mkdir(parents=True, exist_ok=True)
    steps = [step for step in args.steps.split(",") if step]
    print(
        f"| messages | MB on disk | {' | '.join(steps)} | draft ÷ json.load | ingest ÷ json.load | µs/message (draft) |"
    )
    print("| ---: " * (len(steps) + 5) + "|")
    for size in [int(part) for part in args.sizes.split(",")]:
        path, megabytes = export(args.work, f"slack-{size}", lambda p, size=size: write_export(p, size))
        results = {}
        for step in steps:
            runs = [measure(step, path) for _ in range(args.repeat)]
            results[step] = (statistics.median(r[0] for r in runs), max(r[1] for r in runs))
        cells = [f"{s:.2f} s, {m:.0f} MiB ({m * 1.048576 / megabytes:.1f}x input)" for s, m in results.values()]
        floor = results.get("json.load", (float("nan"), 0))[0]
        draft = results.get("draft", (float("nan"), 0))[0]
        ingest = results.get("ingest", (float("nan"), 0))[0]
        print(
            f"| {size:,} | {megabytes:.0f} | {' | '.join(cells)} | {draft / floor:.1f}x | {ingest / floor:.1f}x "
            f"| {draft / size * 1e6:.0f} |"
        )
    if args.line_mb:
        path, megabytes = export(args.work, f"line-{args.line_mb:g}mb", lambda p: write_long_line(p, args.line_mb))
        seconds, peak = measure("draft", path)
        print(f"\nOne message of one {args.line_mb:g} MB line: draft {seconds:.2f} s, peak {peak:.0f} MiB")


if __name__ == "__main__":
    main()
