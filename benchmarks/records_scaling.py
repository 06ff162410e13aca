"""How reading generic records and deploy exports grows with their size, against plain parsing.

Builds files of growing size (JSON array, JSON Lines and CSV records whose fields are found by
name, and a ``git log --pretty=format:`` history) and ingests each. Prints one row per file with
the seconds, events per second, peak memory (tracemalloc, a separate run) and the ratio to the
plain parse of the same file (``json.load``, ``json.loads`` per line, ``csv.reader``, splitting
lines on tabs). Reading should stay a small constant multiple of the plain parse at every size.

    python benchmarks/records_scaling.py [--sizes 10000,100000]
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from postmortem_writer.pipeline import ingest
from postmortem_writer.sources import SourceOptions

START = datetime(2025, 3, 4, 9, 0, tzinfo=UTC)
PEOPLE = ("priya", "marco", "zoe", "sam", "deploy-bot")


def _rows(count: int) -> list[dict[str, str]]:
    return [
        {
            "timestamp": (START + timedelta(seconds=i)).isoformat(),
            "user": PEOPLE[i % len(PEOPLE)],
            "message": f"checkout p99 at {900 + i % 700} ms on node {i % 37}",
            "level": "warn" if i % 9 == 0 else "info",
        }
        for i in range(count)
    ]


def write_files(folder: Path, count: int) -> dict[str, tuple[Path, Callable[[Path], object]]]:
    """The files of one size, each with the plain parse it is compared with."""
    rows = _rows(count)
    array, lines, table, log = (folder / f"{count}.{ext}" for ext in ("json", "jsonl", "csv", "gitlog"))
    array.write_text(json.dumps(rows), encoding="utf-8")
    lines.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    with table.open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    log.write_text(
        "".join(
            f"{i:040x}\t{row['timestamp']}\t{row['timestamp']}\t{row['user']}\t{row['message']}\n"
            for i, row in enumerate(rows)
        ),
        encoding="utf-8",
    )
    return {
        "records (JSON array)": (array, lambda p: json.loads(p.read_text(encoding="utf-8"))),
        "records (JSON Lines)": (lines, lambda p: [json.loads(x) for x in p.read_text(encoding="utf-8").splitlines()]),
        "records (CSV)": (table, lambda p: list(csv.reader(io.StringIO(p.read_text(encoding="utf-8"))))),
        "git-log (pretty, tabs)": (log, lambda p: [x.split("\t") for x in p.read_text(encoding="utf-8").splitlines()]),
    }


def timed(action: Callable[[], object]) -> float:
    """Best of three wall-clock runs, in seconds."""
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        action()
        best = min(best, time.perf_counter() - started)
    return best


def peak_mib(action: Callable[[], object]) -> float:
    """Peak traced allocation of one run, in MiB."""
    tracemalloc.start()
    action()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 2**20


def main() -> None:
    """Print the scaling table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000", help="comma-separated record counts")
    sizes = [int(part) for part in parser.parse_args().sizes.split(",")]
    print("| file | records | seconds | events/s | peak MiB | plain parse s | ratio to plain parse |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    with tempfile.TemporaryDirectory() as folder:
        for size in sizes:
            for label, (path, plain) in write_files(Path(folder), size).items():
                events = len(ingest([path], SourceOptions()).stream)
                assert events == size, (label, events)
                seconds = timed(lambda path=path: ingest([path], SourceOptions()))
                baseline = timed(lambda path=path, plain=plain: plain(path))
                memory = peak_mib(lambda path=path: ingest([path], SourceOptions()))
                print(
                    f"| {label} | {size} | {seconds:.2f} | {size / seconds:,.0f} | {memory:.0f} | "
                    f"{baseline:.3f} | {seconds / baseline:.1f} |"
                )


if __name__ == "__main__":
    main()
