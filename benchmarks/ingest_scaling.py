"""Ingest speed and memory on large synthetic incidents, against plain ``json.load`` of the same files.

For each size, writes a folder holding a Slack export of that many messages (ten channels over five
days), a PagerDuty log with a fifth as many entries and a deploy CSV with a fiftieth as many rows
(see ``synthetic.py``), then measures, in this process:

* ingest: ``pipeline.ingest`` on the folder (sniffing, every adapter, the sorted event stream);
* baseline: ``json.load`` of every JSON file and ``csv.reader`` over the CSV, results kept, with the
  cycle collector paused as ingest pauses it;
* floor: ``json.load`` of the Slack day files plus one bare ``Event`` per message, no other work;
  its ratio to the baseline is what the pydantic event model alone costs, whatever the adapters do;
* peak memory of each (``tracemalloc``, in a separate run from the timing, as it slows Python down).

Prints one row per size: events, ingest and baseline seconds (best of ``--repeat``), events per
second, the ratio of ingest to baseline time (the goal is at most 3), peak MiB of both, and µs per
event relative to the smallest size (near 1 when time grows linearly).

    python benchmarks/ingest_scaling.py [--sizes 10000,100000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import csv
import gc
import json
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

from synthetic import write_incident

from postmortem_writer.models import Event, SourceKind
from postmortem_writer.pipeline import ingest
from postmortem_writer.sources import SourceOptions
from postmortem_writer.timeparse import from_epoch


def plain_parse(folder: Path) -> list[Any]:
    """Every JSON file parsed with ``json.load`` and the CSV split into rows: the floor for ingest."""
    parsed: list[Any] = []
    for path in sorted(folder.rglob("*")):
        if path.suffix == ".json":
            with path.open("rb") as handle:
                parsed.append(json.load(handle))
        elif path.suffix == ".csv":
            with path.open(encoding="utf-8", newline="") as handle:
                parsed.append(list(csv.reader(handle)))
    return parsed


def floor(folder: Path) -> list[Event]:
    """``json.load`` of the Slack day files plus one bare ``Event`` per message: what the event model alone costs."""
    events: list[Event] = []
    for path in sorted((folder / "slack-export").glob("*/*.json")):
        with path.open("rb") as handle:
            for message in json.load(handle):
                events.append(
                    Event(
                        ts=from_epoch(message["ts"]),
                        source=str(path),
                        format="floor",
                        kind=SourceKind.CHAT,
                        ref=message["ts"],
                        actor=str(message.get("user")),
                        text=str(message.get("text")),
                    )
                )
    return events


def ingest_folder(folder: Path) -> int:
    """Events ingested from ``folder``."""
    return len(ingest([folder], SourceOptions()).stream)


def best_seconds(run: Callable[[], object], repeat: int) -> float:
    """The fastest of ``repeat`` wall-clock runs (the others pay for a busy machine).

    The cycle collector is paused for every run, as ingest pauses it: with it running, ``json.load``
    of 100k messages takes several times longer than of 10k, and the ratio would flatter ingest.
    """
    times = []
    for _ in range(repeat):
        gc.collect()
        gc.disable()
        try:
            started = time.perf_counter()
            run()
            times.append(time.perf_counter() - started)
        finally:
            gc.enable()
    return min(times)


def peak_mib(run: Callable[[], object]) -> float:
    """Peak traced allocation of one run, in MiB."""
    gc.collect()
    tracemalloc.start()
    run()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 2**20


def main() -> None:
    """Print the ingest table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000", help="comma-separated Slack message counts")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per size; the best is reported")
    args = parser.parse_args()
    sizes = [int(part) for part in args.sizes.split(",")]
    print(
        "| slack msgs | PD entries | deploys | events | ingest s | json.load s | events/s | ratio to json.load "
        "| floor ratio | ingest peak MiB | json.load peak MiB | µs/event vs smallest |"
    )
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    base: float | None = None
    with tempfile.TemporaryDirectory() as scratch:
        for size in sizes:
            folder = Path(scratch) / f"incident-{size}"
            written = write_incident(folder, size)
            events = ingest_folder(folder)
            ingest_s = best_seconds(lambda folder=folder: ingest_folder(folder), args.repeat)
            plain_s = best_seconds(lambda folder=folder: plain_parse(folder), args.repeat)
            floor_s = best_seconds(lambda folder=folder: floor(folder), args.repeat)
            per_event = ingest_s / events * 1e6
            base = base or per_event
            print(
                f"| {written['slack messages']} | {written['pagerduty entries']} | {written['deploy rows']} "
                f"| {events} | {ingest_s:.2f} | {plain_s:.2f} | {events / ingest_s:,.0f} | {ingest_s / plain_s:.1f} "
                f"| {floor_s / plain_s:.1f} "
                f"| {peak_mib(lambda folder=folder: ingest_folder(folder)):.0f} "
                f"| {peak_mib(lambda folder=folder: plain_parse(folder)):.0f} | {per_event / base:.2f} |",
                flush=True,
            )


if __name__ == "__main__":
    main()
