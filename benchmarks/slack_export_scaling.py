"""How reading a Slack workspace export grows with its number of day files, as folder and as zip.

Builds exports of growing size (five messages per channel-day file) and ingests each. Prints one
row per size and shape with the milliseconds per file and the ratio to the smallest size of the
same shape: reading each file should cost the same however many there are, so the ratio stays near
1 (a step that rescans the member list or the archive per file shows up as a growing ratio).

    python benchmarks/slack_export_scaling.py [--files 300,1000,3000]
"""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
import time
from pathlib import Path

from postmortem_writer.pipeline import ingest
from postmortem_writer.sources import SourceOptions

START = 1741078800  # 2025-03-04T09:00:00Z


def write_export(root: Path, files: int) -> None:
    """A minimal export: channels.json, users.json and ``files`` day files over 30 channels."""
    root.mkdir(parents=True)
    channels = [{"id": f"C{c:04d}", "name": f"ch{c}", "created": START, "creator": "U1"} for c in range(30)]
    (root / "channels.json").write_text(json.dumps(channels), encoding="utf-8")
    users = [{"id": "U1", "name": "priya", "real_name": "Priya Natarajan", "profile": {"display_name": "priya"}}]
    (root / "users.json").write_text(json.dumps(users), encoding="utf-8")
    for number in range(files):
        channel, day = number % 30, number // 30
        folder = root / f"ch{channel}"
        folder.mkdir(exist_ok=True)
        messages = [
            {"type": "message", "user": "U1", "text": f"update {i}", "ts": f"{START + day * 86400 + i * 60}.000100"}
            for i in range(5)
        ]
        (folder / f"day{day:04d}.json").write_text(json.dumps(messages), encoding="utf-8")


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
            write_export(export, size)
            archive = Path(shutil.make_archive(str(export), "zip", export))
            for shape, path in (("folder", export), ("zip", archive)):
                seconds = seconds_to_ingest(path)
                per_file = seconds / size * 1000
                base.setdefault(shape, per_file)
                print(f"| {size} | {shape} | {seconds:.2f} | {per_file:.2f} | {per_file / base[shape]:.2f} |")


if __name__ == "__main__":
    main()
