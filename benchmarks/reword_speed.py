"""How long offline rewording of a 5 KB postmortem takes, start-up included (goal: under a second).

Writes a postmortem of about ``--kilobytes`` KB (a sample written for this benchmark: a summary, a
timeline and contributing factors, with blame-prone sentences among neutral ones, repeated until the
size is reached) to a temporary file, and times:

* ``postmortem reword --file F``: the command as a user runs it, wall-clock and CPU seconds
  (median of ``--repeat`` runs);
* ``postmortem lint F``: the same start-up and lint without rewording, for comparison;
* ``reword_text`` in-process, in a fresh interpreter: the first call (the lint's and lemminflect's
  tables loaded on first use) and a second call on the same text.

The machine is shared with other work: wall-clock times swing with its load, CPU time much less.

    python benchmarks/reword_speed.py [--kilobytes 5] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SAMPLE = """# Checkout outage on 2026-03-04

## Summary

Checkout returned errors for 47 minutes after a configuration change to `payments-api`.
The DBA's careless change took the cluster down for two hours.
Dana forgot to renew the certificate, and checkout went down.

## Timeline

- 02:10 UTC the disk alert on db-7 fired.
- 02:12 UTC the on-call engineer should have noticed the alert at 02:10.
- 02:25 UTC the outage happened because an engineer ran the script against production by mistake.
- 02:31 UTC the deploy of v2.4.1 finished in eu-west-1.
- 02:40 UTC Tom pushed the change to production without review.
- 02:57 UTC error rates returned to normal.

## Contributing factors

- The runbook step for rotating certificates was manual and had no reminder.
- Nobody on the team bothered to read the runbook.
- The engineer was careless.
- The health check did not cover the replica lag.

"""


def postmortem(kilobytes: float) -> str:
    """The sample repeated (sections numbered) until it is at least ``kilobytes`` KB."""
    parts, size, index = [], 0, 0
    while size < kilobytes * 1024:
        index += 1
        part = SAMPLE.replace("# Checkout outage", f"# Checkout outage {index}") if index > 1 else SAMPLE
        parts.append(part)
        size += len(part.encode("utf-8"))
    return "".join(parts)


def timed(command: list[str]) -> tuple[float, float, str]:
    """Wall-clock and CPU seconds of one run of ``command``, and its standard output."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if done.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(command)} exited {done.returncode}: {done.stderr.strip()[:300]}")
    return wall, cpu, done.stdout


IN_PROCESS = """
import json, sys, time
from pathlib import Path
from postmortem_writer.lint.reword import reword_text
text = Path(sys.argv[1]).read_text(encoding="utf-8")
started = time.perf_counter(); items = reword_text(text); first = time.perf_counter() - started
started = time.perf_counter(); reword_text(text); second = time.perf_counter() - started
print(json.dumps({"first": first, "second": second, "flagged": len(items),
                  "offered": sum(item.offered is not None for item in items)}))
"""


def main() -> None:
    """Print the timing table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kilobytes", type=float, default=5.0)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    command = shutil.which("postmortem") or str(Path(sys.executable).parent / "postmortem")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "postmortem.md"
        path.write_text(postmortem(args.kilobytes), encoding="utf-8")
        size = path.stat().st_size
        rows = []
        for label, argv in (
            ("postmortem reword --file", [command, "reword", "--file", str(path)]),
            ("postmortem lint (no rewording)", [command, "lint", str(path)]),
        ):
            runs = [timed(argv) for _ in range(args.repeat)]
            rows.append((label, statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs)))
            if label.startswith("postmortem reword"):
                offered = runs[0][2].count("rewrite (offline, verified)")
        _, _, out = timed([sys.executable, "-c", IN_PROCESS, str(path)])
        inside = json.loads(out)
    print(f"postmortem of {size:,} bytes; {inside['flagged']} flagged sentences, {offered} offline rewrites offered")
    print()
    print("| what | wall s | CPU s |")
    print("| --- | ---: | ---: |")
    for label, wall, cpu_s in rows:
        print(f"| {label} (median of {args.repeat}) | {wall:.2f} | {cpu_s:.2f} |")
    print(f"| reword_text in-process, first call | {inside['first']:.2f} | |")
    print(f"| reword_text in-process, second call | {inside['second']:.2f} | |")
    print()
    print("goal: under 1 s of wall time for `postmortem reword --file` on 5 KB")


if __name__ == "__main__":
    main()
