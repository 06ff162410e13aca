"""How drafting time and memory grow with the size of a chat, measured in one run.

Generates pasted-chat incidents of growing size (every line a realistic responder message, in a
fixed random order) and drafts each in-process with the rules extractor. Prints one table row per
size: seconds, microseconds per event, and the ratio of time per event to the smallest size, so
a quadratic step shows up as a ratio that grows with size (linear work keeps it near 1). Figures
come from one run on a shared machine: compare the ratios, not the absolute times.

    python benchmarks/draft_scaling.py [--sizes 1000,5000,20000]
"""

from __future__ import annotations

import argparse
import random
import resource
import tempfile
import time
from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo

from postmortem_writer.pipeline import draft_from, ingest
from postmortem_writer.render import render_markdown
from postmortem_writer.sources import SourceOptions

LINES = [
    "looking",
    "on it",
    "seeing errors on checkout since 09:02",
    "why didn't the latency alert fire?",
    "rolled back checkout-api to 1.41.3",
    "restarted the api pods",
    "we should add a canary for pool config changes",
    "I'll file a ticket to page on redis pool wait",
    "p99 is 2.4s, about 12% of requests failing",
    "thanks all",
    "do we know the blast radius?",
    "error rate back to normal",
    "deploying 1.42.1 with the fix",
    "customers report failed payments",
    "+1",
]
PEOPLE = ["Ana Lima", "Bo Chen", "Cy Diaz", "Di Eko", "Ed Fox"]


def write_chat(path: Path, size: int) -> None:
    """A ``[HH:MM] Name: text`` transcript of ``size`` messages, one a minute."""
    rng = random.Random(size)
    rows = [f"[{(i // 60) % 24:02d}:{i % 60:02d}] {rng.choice(PEOPLE)}: {rng.choice(LINES)}" for i in range(size)]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")


def measure(path: Path) -> tuple[float, int]:
    """Seconds to ingest, draft and render ``path``, and the number of events read."""
    options = SourceOptions(tz=ZoneInfo("UTC"), date=date(2025, 3, 4))
    started = time.perf_counter()
    ingested = ingest([path], options)
    render_markdown(draft_from(ingested), event_count=len(ingested.stream))
    return time.perf_counter() - started, len(ingested.stream)


def main() -> None:
    """Print the scaling table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,5000,20000", help="comma-separated message counts")
    sizes = [int(part) for part in parser.parse_args().sizes.split(",")]
    print("| messages | seconds | µs per event | ratio to smallest | peak RSS MiB |")
    print("| ---: | ---: | ---: | ---: | ---: |")
    base: float | None = None
    with tempfile.TemporaryDirectory() as folder:
        for size in sizes:
            path = Path(folder) / f"chat-{size}.txt"
            write_chat(path, size)
            seconds, events = measure(path)
            per_event = seconds / events * 1e6
            base = base or per_event
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            print(f"| {size} | {seconds:.2f} | {per_event:.0f} | {per_event / base:.2f} | {peak:.0f} |")


if __name__ == "__main__":
    main()
