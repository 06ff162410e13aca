"""What redaction costs next to reading the sources, on large synthetic incidents.

For each size, writes the synthetic incident of ``synthetic.py`` (a Slack export, a PagerDuty log
and a deploy CSV), then, in this process, times ``pipeline.ingest`` and ``redact_stream`` over the
ingested events (best of ``--repeat``), with and without ``--pseudonymize``. The synthetic chat
carries hosts, numbers and ids but few secrets, which is the common case: most of the detectors'
time goes to deciding that a line holds nothing. Every message text is made unique first (the
generator repeats a few templates; people do not), so no text is redacted from memory.

Prints one row per size: events, ingest seconds, redaction seconds, the ratio of redaction to
ingest, µs per event, values replaced, and the same with pseudonyms.

    python benchmarks/redaction_cost.py [--sizes 10000,50000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from synthetic import write_incident

from postmortem_writer.events import EventStream
from postmortem_writer.pipeline import ingest
from postmortem_writer.redact import Privacy, redact_stream
from postmortem_writer.sources import SourceOptions

_T = TypeVar("_T")


def best(repeat: int, work: Callable[[], _T]) -> tuple[float, _T]:
    """The fastest of ``repeat`` runs of ``work``, and its result."""
    times = []
    result: _T | None = None
    for _ in range(repeat):
        start = time.perf_counter()
        result = work()
        times.append(time.perf_counter() - start)
    assert result is not None
    return min(times), result


def row(size: int, repeat: int) -> str:
    """One table row for an incident of ``size`` chat messages."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        write_incident(root, size)
        read, ingested = best(repeat, lambda: ingest([root], SourceOptions()))
    # The generator draws messages from a few templates; people rarely write the same line twice, so
    # each text is made unique (speakers and metadata still repeat, as in a real export).
    stream = EventStream.numbered([e.model_copy(update={"text": f"{e.text} ({e.id})"}) for e in ingested.stream])
    plain, (_, redaction) = best(repeat, lambda: redact_stream(stream, Privacy()))
    people, _ = best(repeat, lambda: redact_stream(stream, Privacy(pseudonymize=True)))
    replaced = sum(redaction.counts().values())
    return (
        f"| {size:,} | {len(stream):,} | {read:.2f} | {plain:.2f} | {plain / read:.2f} | "
        f"{plain / len(stream) * 1e6:.0f} | {replaced:,} | {people:.2f} | {people / read:.2f} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10000,50000", help="chat messages per incident, comma-separated")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print(
        "| messages | events | ingest s | redact s | redact ÷ ingest | µs/event | replaced | +pseudonyms s | ÷ ingest |"
    )
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for size in (int(s) for s in args.sizes.split(",")):
        print(row(size, args.repeat))


if __name__ == "__main__":
    main()
