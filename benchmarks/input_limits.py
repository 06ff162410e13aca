"""The figures behind the input limits (``sources/limits.py``): memory per input MiB, export ratios, refusal cost.

Three tables:

1. Peak memory of ingesting one input of each shape (a synthetic Slack export folder with its
   PagerDuty log and deploy CSV, one large PagerDuty log JSON document, a JSON Lines and a CSV log
   of generic records), each in a fresh process, as its peak resident set (``ru_maxrss``) minus
   that of a process that only imports the package. MiB of peak per MiB of input is what the
   default ``--max-input-mb`` is chosen from.
2. The deflate ratio of every file of those inputs and of ``fixtures/samples`` zipped at the
   highest level: how far below the bomb ratio (``BOMB_RATIO``) real-looking exports stay.
3. Seconds and peak traced memory to refuse hostile inputs: a sparse file of 3 GiB, a zip and a
   tar.gz of zeros, a zip whose headers understate its member, an archive with a bomb inside.

    python benchmarks/input_limits.py [--sizes 20000,100000] [--bomb-mib 256]
"""

from __future__ import annotations

import argparse
import io
import json
import os
import struct
import subprocess
import sys
import tarfile
import tempfile
import time
import tracemalloc
import zipfile
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from synthetic import write_incident, write_pagerduty_log

from postmortem_writer.errors import InputError
from postmortem_writer.sources import SourceOptions, load_sources
from postmortem_writer.sources.limits import BOMB_RATIO, DEFAULT_MAX_INPUT_MB

SAMPLES = Path(__file__).resolve().parents[1] / "fixtures" / "samples"
CHILD = (
    "import sys\n"
    "from pathlib import Path\n"
    "from postmortem_writer.pipeline import ingest\n"
    "from postmortem_writer.sources import SourceOptions\n"
    "if len(sys.argv) > 1:\n"
    "    print(len(ingest([Path(sys.argv[1])], SourceOptions(max_input_bytes=2**40)).stream))\n"
)
START = datetime(2025, 3, 4, 9, 0, tzinfo=UTC)


def peak_rss_mib(path: Path | None) -> tuple[float, int]:
    """Peak resident MiB of a fresh process ingesting ``path`` (only importing, for ``None``), and its events."""
    command = [sys.executable, "-c", CHILD, *([str(path)] if path else [])]
    child = subprocess.Popen(command, stdout=subprocess.PIPE)
    assert child.stdout is not None
    out = child.stdout.read()
    child.stdout.close()
    _, status, usage = os.wait4(child.pid, 0)
    assert status == 0, command
    return usage.ru_maxrss / 1024, int(out or 0)  # ru_maxrss is in KiB on Linux


def write_records(path: Path, count: int) -> None:
    """A generic log of ``count`` records, as JSON Lines or CSV after ``path``'s suffix."""
    rows = [
        (START + timedelta(seconds=n)).isoformat() + f",web-{n % 37},checkout p99 at {900 + n % 700} ms"
        for n in range(count)
    ]
    if path.suffix == ".csv":
        path.write_text("timestamp,host,message\n" + "\n".join(rows) + "\n", encoding="utf-8")
        return
    with path.open("w", encoding="utf-8") as out:
        for row in rows:
            stamp, host, message = row.split(",")
            out.write(json.dumps({"timestamp": stamp, "host": host, "message": message}) + "\n")


def input_mib(path: Path) -> float:
    """Size of a file, or of every file in a folder, in MiB."""
    files = [p for p in path.rglob("*") if p.is_file()] if path.is_dir() else [path]
    return sum(p.stat().st_size for p in files) / 2**20


def memory_table(scratch: Path, sizes: list[int]) -> list[Path]:
    """Print peak memory per input MiB for each shape and size; return the inputs written."""
    print("| input | records | input MiB | events | peak RSS MiB | over import MiB | per input MiB |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    base, _ = peak_rss_mib(None)
    written: list[Path] = []
    for size in sizes:
        shapes: dict[str, Callable[[Path], object]] = {
            "Slack export folder (+PD log, CSV)": lambda p, size=size: write_incident(p, size),
            "one PagerDuty log JSON": lambda p, size=size: write_pagerduty_log(p, size),
            "JSON Lines records": lambda p, size=size: write_records(p, size),
            "CSV records": lambda p, size=size: write_records(p, size),
        }
        suffixes = ("", ".json", ".jsonl", ".csv")
        for (label, write), suffix in zip(shapes.items(), suffixes, strict=True):
            path = scratch / f"{label.split()[0].lower()}-{size}{suffix}"
            write(path)
            written.append(path)
            peak, events = peak_rss_mib(path)
            mib = input_mib(path)
            print(
                f"| {label} | {size} | {mib:.1f} | {events} | {peak:.0f} | {peak - base:.0f} "
                f"| {(peak - base) / mib:.1f} |",
                flush=True,
            )
    print(f"\nimport alone: {base:.0f} MiB; default limit {DEFAULT_MAX_INPUT_MB} MiB\n")
    return written


def ratio_table(inputs: list[Path]) -> None:
    """Print the highest deflate ratio (level 9) among the files of each input and of the samples."""
    print("| files | count | highest deflate ratio (level 9) | bomb ratio |")
    print("| --- | ---: | ---: | ---: |")
    groups = {path.name: [path] if path.is_file() else sorted(path.rglob("*.*")) for path in inputs}
    groups["fixtures/samples"] = sorted(p for p in SAMPLES.rglob("*") if p.is_file())
    for name, files in groups.items():
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
            for number, path in enumerate(files):
                archive.write(path, f"{number}-{path.name}")
            infos = archive.infolist()
        highest = max(info.file_size / max(info.compress_size, 1) for info in infos)
        print(f"| {name} | {len(files)} | {highest:.1f}:1 | {BOMB_RATIO}:1 |")
    print()


def _zeros_zip(path: Path, mib: int) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive, archive.open("zeros.json", "w") as out:
        for _ in range(mib):
            out.write(bytes(2**20))
    return path


def _zeros_tar(path: Path, mib: int) -> Path:
    class Zeros(io.RawIOBase):
        left = mib * 2**20

        def readable(self) -> bool:
            return True

        def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
            count = min(len(buffer), self.left)
            buffer[:count] = bytes(count)
            self.left -= count
            return count

    with tarfile.open(path, "w:gz") as tar:
        info = tarfile.TarInfo("zeros.json")
        info.size = mib * 2**20
        tar.addfile(info, io.BufferedReader(Zeros()))
    return path


def hostile_inputs(scratch: Path, mib: int) -> dict[str, Path]:
    """The hostile inputs of table 3, written to ``scratch``."""
    sparse = scratch / "sparse.json"
    with sparse.open("wb") as handle:
        os.truncate(handle.fileno(), 3 * 2**30)
    liar = _zeros_zip(scratch / "liar.zip", mib)
    data = bytearray(liar.read_bytes())
    struct.pack_into("<I", data, 22, 100)
    struct.pack_into("<I", data, data.rfind(b"PK\x01\x02") + 24, 100)
    liar.write_bytes(bytes(data))
    nested = scratch / "nested.zip"
    with zipfile.ZipFile(nested, "w") as archive:
        archive.write(_zeros_zip(scratch / "inner.zip", mib), "inner.zip")
        archive.write(SAMPLES / "alertmanager" / "2025-03-04T091000Z_firing_latency.json", "alerts.json")
    return {
        "sparse file, 3 GiB": sparse,
        f"zip of {mib} MiB of zeros": _zeros_zip(scratch / "bomb.zip", mib),
        f"tar.gz of {mib} MiB of zeros": _zeros_tar(scratch / "bomb.tar.gz", mib),
        f"zip declaring 100 bytes of its {mib} MiB": liar,
        "zip holding the zip bomb and one alert": nested,
    }


def refusal_table(scratch: Path, mib: int) -> None:
    """Print what reading each hostile input costs at the default limit, and what it says."""
    print("| input | on disk | seconds | peak traced MiB | outcome |")
    print("| --- | ---: | ---: | ---: | --- |")
    for label, path in hostile_inputs(scratch, mib).items():
        tracemalloc.start()
        started = time.perf_counter()
        try:
            loaded = load_sources([path], SourceOptions())
            outcome = f"read: {len(loaded.events)} event(s); " + "; ".join(loaded.warnings)
        except InputError as exc:
            outcome = f"refused: {exc.message}"
        seconds = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
        on_disk = path.stat().st_blocks * 512 / 2**20
        print(f"| {label} | {on_disk:.2f} MiB | {seconds:.3f} | {peak:.1f} | {outcome.replace(str(scratch), '')} |")


def main() -> None:
    """Print the three tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="20000,100000", help="comma-separated record counts")
    parser.add_argument("--bomb-mib", type=int, default=256, help="MiB of zeros in each archive bomb")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        scratch = Path(folder)
        inputs = memory_table(scratch, [int(part) for part in args.sizes.split(",")])
        ratio_table(inputs)
        refusal_table(scratch, args.bomb_mib)


if __name__ == "__main__":
    main()
