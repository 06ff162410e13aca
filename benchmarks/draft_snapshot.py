"""Every bundled incident and eval case drafted offline, written to one folder, to compare two versions.

A change meant for speed only must leave every draft byte-identical. Run this before and after it
and compare the folders::

    .venv/bin/python benchmarks/draft_snapshot.py /tmp/before      # on the old code
    .venv/bin/python benchmarks/draft_snapshot.py /tmp/after       # on the new code
    .venv/bin/python benchmarks/draft_snapshot.py --compare /tmp/before /tmp/after

Each incident is drafted three ways (rules; redacted; redacted with pseudonyms) so the paths
through redaction are covered too, as Markdown and as JSON.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from postmortem_writer.evaluation.cases import find_cases, load_case
from postmortem_writer.pipeline import draft_from, ingest
from postmortem_writer.redact import Privacy
from postmortem_writer.render import render_json, render_markdown
from postmortem_writer.sources import SourceOptions
from postmortem_writer.testing.incidents import incident_options

ROOT = Path(__file__).resolve().parent.parent

VARIANTS = {
    "rules": Privacy(),
    "redacted": Privacy(redact=True),
    "pseudonyms": Privacy(redact=True, pseudonymize=True),
}


def incidents() -> list[tuple[str, Path, SourceOptions]]:
    """``(name, sources, options)`` of every bundled incident and eval case."""
    found = []
    for folder in sorted(path.parent for path in (ROOT / "fixtures" / "incidents").glob("*/sources")):
        found.append((folder.name, folder / "sources", incident_options(folder)))
    found.append(("hostile", ROOT / "fixtures" / "hostile", SourceOptions()))
    for folder in find_cases(ROOT / "evals" / "cases"):
        case = load_case(folder)
        found.append((f"eval-{folder.name}", case.sources, case.source_options()))
    return found


def write(out: Path) -> None:
    """Draft everything into ``out`` (one .md and one .json per incident and variant)."""
    out.mkdir(parents=True, exist_ok=True)
    for name, sources, options in incidents():
        ingested = ingest([sources.relative_to(ROOT)], options)
        for variant, privacy in VARIANTS.items():
            draft = draft_from(ingested, privacy=privacy)
            markdown = render_markdown(draft, event_count=len(ingested.stream))
            (out / f"{name}.{variant}.md").write_text(markdown, encoding="utf-8")
            (out / f"{name}.{variant}.json").write_text(render_json(draft), encoding="utf-8")


def compare(before: Path, after: Path) -> int:
    """Print every file that differs or is missing on one side; 0 when the folders are identical."""
    names = sorted({p.name for p in before.iterdir()} | {p.name for p in after.iterdir()})
    differ = [n for n in names if not (before / n).exists() or not (after / n).exists()]
    differ += [n for n in names if n not in differ and (before / n).read_bytes() != (after / n).read_bytes()]
    for name in differ:
        print(f"differs: {name}")
    print(f"{len(names) - len(differ)} of {len(names)} drafts identical")
    return 1 if differ else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folders", nargs="+", type=Path, help="output folder, or two folders with --compare")
    parser.add_argument("--compare", action="store_true", help="compare two folders written earlier")
    args = parser.parse_args()
    if args.compare:
        if len(args.folders) != 2:
            parser.error("--compare takes two folders")
        return compare(*args.folders)
    out = args.folders[0].resolve()
    os.chdir(ROOT)  # relative source paths, so the drafts do not depend on where the clone is
    write(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
