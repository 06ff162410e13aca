"""How reading a Slack workspace export grows with its number of day files, as folder and as zip.

Builds exports of growing size (five messages per channel-day file, with ``synthetic.py``) and ingests each. Prints one
row per size and shape with the milliseconds per file and the ratio to the smallest size of the
same shape: reading each file should cost the same however many there are, so the ratio stays near
1 (a step that rescans the member list or the archive per file shows up as a growing ratio).

    python benchmarks/slack_export_scaling.py [--files 300,1000,3000]
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path

from synthetic import write_slack_export

from postmortem_writer.pipeline import ingest
from postmortem_writer.sources import SourceOptions


def seconds_to_ingest(path: Path) -> float:
    """Wall-clock seconds to read ``path`` into an event stream."""
    started = time.perf_counter()
    ingest([path], SourceOptions())
    return time.perf_counter() - started


def main() -> None:
    """Print the scaling table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", default="300,1000,3000", help="comma-separated day-file counts")
    sizes = [int(part) for part in parser.parse_args().files.split(",")]
    print("| day files | shape | seconds | ms per file | ratio to smallest |")
    print("| ---: | --- | ---: | ---: | ---: |")
    base: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as folder:
        for size in sizes:
            export = Path(folder) / f"export-{size}"
            # Five messages per day file, thirty channels: the count of files is what grows.
            write_slack_export(export, size * 5, channels=30, days=max(1, size // 30))
            archive = Path(shutil.make_archive(str(export), "zip", export))
            for shape, path in (("folder", export), ("zip", archive)):
                seconds = seconds_to_ingest(path)
                per_file = seconds / size * 1000
                base.setdefault(shape, per_file)
                print(f"| {size} | {shape} | {seconds:.2f} | {per_file:.2f} | {per_file / base[shape]:.2f} |")


if __name__ == "__main__":
    main()
