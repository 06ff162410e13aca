"""Drafts through a real llama-server with the small model and prints what each run cost.

Needs the binary and model from ``.ci/live-setup``. For each mode it drafts the sources once
(a fresh cache each time) and prints requests, accepted and failed calls, re-asks split into
grounding and schema rejections, prompt tokens and tokens per second. The 0.5B model proves wires
and validators; its drafts are never a quality figure.

    python benchmarks/live_draft.py                       # the incident-scribe-like thread
    python benchmarks/live_draft.py fixtures/incidents/inc-2025-0304/sources --modes json-schema
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from postmortem_writer.testing.llama import LlamaServer, draft_through, live_paths, table

ROOT = Path(__file__).resolve().parent.parent
THREAD = ROOT / "fixtures" / "incidents" / "scribe-like-thread" / "thread.txt"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("sources", nargs="*", type=Path, default=[THREAD])
    parser.add_argument("--modes", default="json-schema,json,tools,md-json", help="comma-separated; '' = default")
    parser.add_argument("--context", type=int, default=4096, help="the server's context size")
    parser.add_argument("--extra", default="--date 2024-04-18 --tz UTC", help="more draft options")
    args = parser.parse_args()
    paths = live_paths()
    if paths is None:
        print("no llama-server or model: run .ci/live-setup", file=sys.stderr)
        return 2
    rows = []
    with (
        tempfile.TemporaryDirectory() as tmp,
        LlamaServer(*paths, log=Path(tmp) / "server.log", context=args.context) as server,
    ):
        for mode in args.modes.split(","):
            label = mode or "default"
            result = draft_through(
                server.url, args.sources, Path(tmp) / label, mode=mode or None, extra=args.extra.split()
            )
            rows.append((label, result))
            print(f"{label}: exit {result.exit_code}, {result.wall:.0f} s", file=sys.stderr, flush=True)
    for line in table(rows):
        print(line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
