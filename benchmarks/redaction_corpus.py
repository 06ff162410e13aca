"""What the default redaction replaces in the bundled corpora: each value, so a reader can judge it.

Reads every bundled incident, the hostile fixture and every format sample (with a zone and a day,
so chat without them is read too), redacts each with the defaults, and prints a table of the
values replaced by rule, then one row per distinct value. Then runs the detector over every line
of the labelled lint sentences and the public eval cases (postmortem prose and its sources). On
these corpora every value replaced should be a real address, secret or number: a row that is not
is a false positive to fix.

    python benchmarks/redaction_corpus.py
"""

from __future__ import annotations

import datetime
from collections import Counter
from pathlib import Path

from postmortem_writer.errors import UserError
from postmortem_writer.pipeline import ingest
from postmortem_writer.redact import Privacy, redact_stream
from postmortem_writer.redact.detect import Detector
from postmortem_writer.sources import SourceOptions
from postmortem_writer.timeparse import zone

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
_TEXT_SUFFIXES = (".md", ".txt", ".json", ".jsonl", ".csv", ".log", ".yaml")


def corpus() -> list[Path]:
    """Each incident's sources, the hostile fixture, and every sample file or export folder."""
    incidents = [p / "sources" for p in sorted((FIXTURES / "incidents").iterdir()) if (p / "sources").is_dir()]
    samples = sorted(p for p in (FIXTURES / "samples").rglob("*") if p.is_file() and "export" not in p.parts)
    exports = [FIXTURES / "samples" / "slack" / "export", FIXTURES / "samples" / "zulip" / "export"]
    return [*incidents, FIXTURES / "hostile" / "sources", *samples, *exports]


def prose_hits() -> tuple[int, list[tuple[str, str, str]]]:
    """Every value found in the lines of the labelled lint sentences and the public eval cases."""
    detector = Detector()
    evals = FIXTURES.parent / "evals"
    files = [evals / "lint" / "sentences.jsonl"]
    files += sorted(p for p in (evals / "cases").rglob("*") if p.is_file() and p.suffix in _TEXT_SUFFIXES)
    lines = 0
    hits: list[tuple[str, str, str]] = []
    for path in files:
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
            lines += 1
            for hit in detector.find(line):
                hits.append((path.relative_to(evals).parts[1], hit.rule, line[hit.start : hit.end]))
    return lines, hits


def main() -> None:
    options = SourceOptions(tz=zone("UTC"), date=datetime.date(2025, 3, 4))
    events = 0
    rules: Counter[str] = Counter()
    values: set[tuple[str, str]] = set()
    for path in corpus():
        try:
            stream = ingest([path], options).stream
        except UserError:
            continue  # a sample that is an error case of its own (no times, a legacy format)
        events += len(stream)
        _, redaction = redact_stream(stream, Privacy())
        for item in redaction.replaced.values():
            rules[item.rule] += 1
            values.add((item.rule, item.value))
    print(f"{events:,} events read; distinct values replaced per source, by rule:\n")
    print("| rule | values |\n| --- | ---: |")
    for rule, count in rules.most_common():
        print(f"| {rule} | {count} |")
    print("\n| rule | value |\n| --- | --- |")
    for rule, value in sorted(values):
        print(f"| {rule} | {value} |")
    lines, hits = prose_hits()
    print(f"\n{lines:,} lines of the lint sentences and eval cases; {len(hits)} values found:\n")
    print("| where | rule | value | times |\n| --- | --- | --- | ---: |")
    for (where, rule, value), count in sorted(Counter(hits).items()):
        print(f"| {where} | {rule} | {value} | {count} |")


if __name__ == "__main__":
    main()
