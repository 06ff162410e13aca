"""Time and peak memory of reading one large CSV of short log rows inside a zip (issue 13's shape).

Writes a zip holding ``--mib`` MiB of ``timestamp,host,message`` rows (deflated, about 9:1), then
ingests it in a fresh process with the default limits and reports the seconds, the peak resident
memory (``ru_maxrss``) and its ratio to the CSV's size, and what ingest said: the event count, or
the one-line refusal (a file of more than ``MAX_RECORDS`` records is refused at the first one over).

    python benchmarks/large_csv.py [--mib 200]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

CHILD = (
    "import sys\n"
    "from pathlib import Path\n"
    "from postmortem_writer.errors import UserError\n"
    "from postmortem_writer.pipeline import ingest\n"
    "from postmortem_writer.sources import SourceOptions\n"
    "try:\n"
    "    print(len(ingest([Path(sys.argv[1])], SourceOptions()).stream), 'events')\n"
    "except UserError as error:\n"
    "    print('refused:', error)\n"
)
START = datetime(2025, 3, 4, 9, 0, tzinfo=UTC)


def write_zip(path: Path, mib: int) -> int:
    """A zip of one CSV of at least ``mib`` MiB of log rows; returns the CSV's size in bytes."""
    size = 0
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive, archive.open("log.csv", "w") as out:
        out.write(b"timestamp,host,message\n")
        n = 0
        while size < mib * 2**20:
            stamp = (START + timedelta(seconds=n)).isoformat()
            row = f"{stamp},web-{n % 37},checkout p99 at {900 + n % 700} ms\n".encode()
            out.write(row)
            size += len(row)
            n += 1
    return size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mib", type=int, default=200, help="MiB of CSV in the zip")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "export.zip"
        size = write_zip(path, options.mib)
        started = time.perf_counter()
        child = subprocess.Popen([sys.executable, "-c", CHILD, str(path)], stdout=subprocess.PIPE, text=True)
        assert child.stdout is not None
        out = child.stdout.read()
        child.stdout.close()
        _, status, usage = os.wait4(child.pid, 0)
        assert status == 0, out
        seconds = time.perf_counter() - started
        peak = usage.ru_maxrss * 1024  # ru_maxrss is in KiB on Linux
        print(f"{size / 2**20:.0f} MiB CSV in a {path.stat().st_size / 2**20:.1f} MiB zip: {out.strip()}")
        print(f"{seconds:.1f} s, peak {peak / 2**20:.0f} MiB ({peak / size:.1f}x the CSV)")


if __name__ == "__main__":
    main()
