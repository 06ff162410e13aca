"""Size and render time of the review page on large synthetic incidents.

For each size, writes a folder with a Slack export of that many messages, a PagerDuty log and a
deploy CSV (``synthetic.py``), drafts it with the rules, and renders the review page with the whole
stream given for context (as ``postmortem draft --format html`` does). The page carries the cited
events and their neighbours only, so its size follows what the draft cites, not the export.

The page shows the draft's digest, as the Markdown does (``extract.digest``). Prints one row per
size: events read, events the draft cites, events the page cites (its digest) and shows (with their
neighbours), the page's size in KiB, the Markdown draft's for comparison, and the seconds the page took.

    python benchmarks/review_size.py [--sizes 10000,100000]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from synthetic import write_incident

from postmortem_writer.extract.digest import digest
from postmortem_writer.pipeline import draft_from, ingest
from postmortem_writer.render import render_markdown
from postmortem_writer.review import render_review, threads
from postmortem_writer.sources import SourceOptions


def main() -> None:
    """Print the page size and render time per incident size."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000")
    sizes = [int(size) for size in parser.parse_args().sizes.split(",")]
    print(
        f"{'messages':>9} {'events':>8} {'cited':>6} {'on page':>7} {'shown':>6} "
        f"{'page KiB':>9} {'md KiB':>7} {'page s':>7}"
    )
    for size in sizes:
        with tempfile.TemporaryDirectory() as folder:
            write_incident(Path(folder), size)
            ingested = ingest([Path(folder)], SourceOptions())
            draft = draft_from(ingested)
            stream = list(ingested.stream)
            started = time.perf_counter()
            page = render_review(draft, event_count=len(stream), stream=stream)
            seconds = time.perf_counter() - started
            shown_draft, _ = digest(draft)
            shown = sum(len(thread.events) for thread in threads(shown_draft, stream))
            markdown = render_markdown(draft, event_count=len(stream))
        print(
            f"{size:>9} {len(stream):>8} {len(draft.evidence_index):>6} "
            f"{len(shown_draft.evidence_index):>7} {shown:>6} "
            f"{len(page.encode()) / 1024:>9.0f} {len(markdown.encode()) / 1024:>7.0f} {seconds:>7.2f}"
        )


if __name__ == "__main__":
    main()
