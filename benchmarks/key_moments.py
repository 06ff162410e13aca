"""Whether each eval case's draft has the key moments its sources state: trigger, detection, mitigation, resolution.

For every case and key kind with a gold timeline entry of that kind, the moment is *present* when
a draft timeline entry of the same kind is within the eval's time tolerance of it (30 minutes for
``approx`` entries) with similar text (the eval's rule: token-set ratio >= 0.5 against the entry or
the events it cites). A trigger also counts as present when the draft's trigger section cites an
event whose text is similar to the gold trigger. Prints a Markdown table: ``yes``, ``no``, or
``—`` when the gold has no entry of that kind.

    python benchmarks/key_moments.py [evals/cases]
"""

from __future__ import annotations

import sys
from datetime import timedelta
from pathlib import Path

from postmortem_writer.evaluation.cases import GoldEntry, find_cases, load_case
from postmortem_writer.evaluation.matching import best_similarity
from postmortem_writer.evaluation.metrics import DEFAULT_TOLERANCES
from postmortem_writer.events import EventStream
from postmortem_writer.models import Draft, TimelineKind
from postmortem_writer.pipeline import draft_from, ingest

ROOT = Path(__file__).resolve().parent.parent
KEY = (TimelineKind.TRIGGER, TimelineKind.DETECTION, TimelineKind.MITIGATION, TimelineKind.RESOLUTION)


def _present(gold: GoldEntry, draft: Draft, stream: EventStream) -> bool:
    tolerance = timedelta(minutes=DEFAULT_TOLERANCES.approx_minutes if gold.approx else DEFAULT_TOLERANCES.minutes)
    for entry in draft.timeline:
        if entry.kind is not gold.kind or abs(entry.time - gold.time) > tolerance:
            continue
        texts = [entry.description] + [stream[i].text for i in entry.evidence if i in stream]
        if best_similarity(gold.event, texts) >= DEFAULT_TOLERANCES.similar:
            return True
    if gold.kind is TimelineKind.TRIGGER:
        cited = [stream[i].text for item in draft.trigger for i in item.evidence if i in stream]
        stated = [item.text for item in draft.trigger]
        return best_similarity(gold.event, cited + stated) >= DEFAULT_TOLERANCES.similar
    return False


def main() -> None:
    """Print the per-case table and the share of stated key moments present."""
    root = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "evals" / "cases"
    print("| case | " + " | ".join(kind.value for kind in KEY) + " |")
    print("| --- |" + " :---: |" * len(KEY))
    stated = present = 0
    for folder in find_cases(root):
        case = load_case(folder)
        ingested = ingest([case.sources], case.source_options())
        draft = draft_from(ingested)
        cells = []
        for kind in KEY:
            golds = [entry for entry in case.gold.timeline if entry.kind is kind]
            if not golds:
                cells.append("—")
                continue
            found = any(_present(gold, draft, ingested.stream) for gold in golds)
            stated += 1
            present += found
            cells.append("yes" if found else "no")
        print(f"| {case.slug} | " + " | ".join(cells) + " |")
    print(f"\n{present} of {stated} stated key moments present")


if __name__ == "__main__":
    main()
