"""What the prompt-injection defences cost per event, beside the whole rules draft of the same chat.

Generates the pasted-chat incidents of ``draft_scaling.py`` and times, best of ``--repeat``:
``suspects`` (the tactic table over every event), ``data_block`` over every event line (fence and
role-token neutralising), and the whole ingest + rules draft + render for scale. Prints one table
row per size. The machine is shared: compare the columns of one row, not runs.

    python benchmarks/injection_cost.py [--sizes 5000,20000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo

from postmortem_writer.chunking import event_line
from postmortem_writer.injection import suspects
from postmortem_writer.llm.prompts import data_block
from postmortem_writer.pipeline import draft_from, ingest
from postmortem_writer.render import render_markdown
from postmortem_writer.sources import SourceOptions

sys.path.insert(0, str(Path(__file__).resolve().parent))
from draft_scaling import write_chat  # a sibling script, not a package

OPTIONS = SourceOptions(date=date(2025, 3, 4), tz=ZoneInfo("UTC"))


def best(repeat: int, work: Callable[[], object]) -> float:
    """The fastest of ``repeat`` timings of ``work``, in seconds."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return min(times)


def draft(path: Path) -> None:
    """Ingest, draft by rules and render ``path``."""
    ingested = ingest([path], OPTIONS)
    render_markdown(draft_from(ingested), event_count=len(ingested.stream))


def main() -> None:
    """Print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="5000,20000")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print("| messages | suspects µs/event | data_block µs/line | draft µs/event | defences share |")
    print("| ---: | ---: | ---: | ---: | ---: |")
    with tempfile.TemporaryDirectory() as folder:
        for size in (int(s) for s in args.sizes.split(",")):
            path = Path(folder) / f"chat-{size}.txt"
            write_chat(path, size)
            events = ingest([path], OPTIONS).stream.events
            lines = [event_line(event) for event in events]
            detect = best(args.repeat, lambda events=events: suspects(events))
            fence = best(args.repeat, lambda lines=lines: data_block(lines))
            whole = best(1, lambda path=path: draft(path))
            n = len(events)
            share = (detect + fence) / whole
            print(f"| {n} | {detect / n * 1e6:.1f} | {fence / n * 1e6:.1f} | {whole / n * 1e6:.0f} | {share:.1%} |")


if __name__ == "__main__":
    main()
