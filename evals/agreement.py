"""Second-annotator agreement on the labelled corpora `lines/lines_b.jsonl` and `lint/fresh5.jsonl`.

A fixed sample of each file (the items with the smallest sha256 of their id) is labelled again,
blind, by a second annotator; this script writes the blind sheets and compares the two labellings.

    python evals/agreement.py sheet [DIR]   # blind sheets (id, text, source only) into DIR or a temp folder
    python evals/agreement.py [--show]      # figures; --show also prints every disagreement

The second annotations live next to the files, as `<name>.second.jsonl` (id and labels only).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import tempfile
from collections import Counter
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

EVALS = Path(__file__).resolve().parent
SAMPLE = 120


@dataclass(frozen=True)
class Corpus:
    """A labelled file, its second annotations and the fields compared (name, how to read it)."""

    path: Path
    fields: tuple[tuple[str, Callable[[dict[str, Any]], Hashable], bool], ...]

    @property
    def second(self) -> Path:
        return self.path.with_suffix(".second.jsonl")


def _blame_prone(row: dict[str, Any]) -> Hashable:
    return bool(row["labels"])


def _categories(row: dict[str, Any]) -> Hashable:
    return frozenset(row["labels"])


# Each field: its name, its value in a row, and whether kappa means something for it (a set of
# categories is compared for exact agreement only: its "classes" are too many and too sparse).
CORPORA = (
    Corpus(
        EVALS / "lines" / "lines_b.jsonl",
        (("in_timeline", lambda row: bool(row["in_timeline"]), True), ("kind", lambda row: row["kind"], True)),
    ),
    Corpus(
        EVALS / "lint" / "fresh5.jsonl", (("blame-prone", _blame_prone, True), ("category set", _categories, False))
    ),
)


class InputError(Exception):
    """A file that cannot be read as expected; the message names the file and the line."""


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    """The JSON objects of ``path``, one per non-empty line, each with an ``id``."""
    rows = []
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise InputError(f"{path}: {error.strerror}") from None
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as error:
            raise InputError(f"{path}:{number}:{error.colno}: {error.msg}") from None
        if not isinstance(row, dict) or "id" not in row:
            raise InputError(f"{path}:{number}: expected an object with an 'id'")
        rows.append(row)
    return rows


def sample(rows: Sequence[dict[str, Any]], size: int = SAMPLE) -> list[dict[str, Any]]:
    """The ``size`` rows with the smallest sha256 of their id: fixed by the ids, not by file order."""
    return sorted(rows, key=lambda row: hashlib.sha256(str(row["id"]).encode("utf-8")).hexdigest())[:size]


def cohen_kappa(pairs: Sequence[tuple[Hashable, Hashable]]) -> float:
    """Cohen's kappa of two annotators' labels, one ``(first, second)`` pair per item.

    Agreement corrected for the agreement expected by chance from each annotator's label shares.
    When both always give the same single label, chance agreement is 1 and kappa is taken as 1.
    """
    if not pairs:
        raise ValueError("kappa needs at least one pair")
    total = len(pairs)
    observed = sum(first == second for first, second in pairs) / total
    firsts = Counter(first for first, _ in pairs)
    seconds = Counter(second for _, second in pairs)
    expected = sum(count * seconds[label] for label, count in firsts.items()) / total**2
    if expected == 1:
        return 1.0
    return (observed - expected) / (1 - expected)


@dataclass(frozen=True)
class Figure:
    """Agreement on one field: items compared, share agreed, kappa (``None`` when not computed)."""

    field: str
    items: int
    agreement: float
    kappa: float | None


def compare(corpus: Corpus, original: Sequence[dict[str, Any]], second: Sequence[dict[str, Any]]) -> list[Figure]:
    """Agreement between the original rows and the second annotations, per field of ``corpus``."""
    by_id = {row["id"]: row for row in original}
    missing = [row["id"] for row in second if row["id"] not in by_id]
    if missing:
        raise InputError(f"{corpus.second}: id {missing[0]!r} is not in {corpus.path.name}")
    if not second:
        raise InputError(f"{corpus.second}: no annotations")
    pairs = [(_values(corpus, by_id[row["id"]], corpus.path), _values(corpus, row, corpus.second)) for row in second]
    figures = []
    for index, (name, _, with_kappa) in enumerate(corpus.fields):
        field = [(first[index], other[index]) for first, other in pairs]
        agreed = sum(first == other for first, other in field) / len(field)
        figures.append(Figure(name, len(field), agreed, cohen_kappa(field) if with_kappa else None))
    return figures


def _values(corpus: Corpus, row: dict[str, Any], path: Path) -> list[Hashable]:
    try:
        return [value(row) for _, value, _ in corpus.fields]
    except (KeyError, TypeError) as error:
        raise InputError(f"{path}: id {row['id']!r}: missing or malformed field {error}") from None


def disagreements(
    corpus: Corpus, original: Sequence[dict[str, Any]], second: Sequence[dict[str, Any]]
) -> list[tuple[str, str, str, str]]:
    """``(id, text, original, second)`` for each item on which any field differs."""
    by_id = {row["id"]: row for row in original}
    found = []
    for row in second:
        first = by_id[row["id"]]
        mine, theirs = _values(corpus, first, corpus.path), _values(corpus, row, corpus.second)
        if mine != theirs:
            found.append((row["id"], first["text"], _show(mine), _show(theirs)))
    return found


def _show(values: list[Hashable]) -> str:
    return " / ".join(
        ",".join(sorted(value)) or "-" if isinstance(value, frozenset) else str(value) for value in values
    )


def write_sheets(folder: Path) -> list[Path]:
    """Write each corpus's blind sheet (id, text, source of the sample; no labels) into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for corpus in CORPORA:
        target = folder / corpus.path.name.replace(".jsonl", ".sheet.jsonl")
        rows = sample(read_jsonl(corpus.path))
        lines = [
            json.dumps({"id": r["id"], "text": r["text"], "source": r["source"]}, ensure_ascii=False) for r in rows
        ]
        target.write_text("\n".join(lines) + "\n", encoding="utf-8")
        written.append(target)
    return written


def main(argv: Sequence[str] | None = None) -> int:
    """Write the blind sheets or print the agreement figures; 2 on unreadable input."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("command", nargs="?", choices=["sheet", "compare"], default="compare")
    parser.add_argument("folder", nargs="?", type=Path, help="where `sheet` writes (default: a new temp folder)")
    parser.add_argument("--show", action="store_true", help="print every disagreement")
    args = parser.parse_args(argv)
    try:
        if args.command == "sheet":
            for path in write_sheets(args.folder or Path(tempfile.mkdtemp(prefix="agreement-"))):
                print(path)
            return 0
        print("| file | field | items | agreement | Cohen's kappa |\n| --- | --- | ---: | ---: | ---: |")
        shown = []
        for corpus in CORPORA:
            original, second = read_jsonl(corpus.path), read_jsonl(corpus.second)
            for figure in compare(corpus, original, second):
                kappa = "—" if figure.kappa is None else f"{figure.kappa:.2f}"
                print(f"| {corpus.path.name} | {figure.field} | {figure.items} | {figure.agreement:.0%} | {kappa} |")
            shown.extend(disagreements(corpus, original, second) if args.show else [])
        for item, text, first, other in shown:
            print(f"\n{item}: {text}\n  file: {first}\n  second: {other}")
    except InputError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except OSError as error:
        print(f"error: {error.filename}: {error.strerror}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
