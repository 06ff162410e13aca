"""Scoring the blame rules on a labelled set of sentences: precision, recall and F1 per category.

The set is JSON Lines, one sentence per line::

    {"id": "s001", "text": "...", "labels": ["counterfactual"], "source": "https://...", "split": "dev"}

``labels`` are the categories a careful reviewer would flag (empty for a clean sentence).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from postmortem_writer.errors import InputError
from postmortem_writer.lint.config import LintConfig
from postmortem_writer.lint.detect import lint_text
from postmortem_writer.lint.rules import RULES
from postmortem_writer.scoring import PRECISION, RECALL, detection_counts, f1, ratio


@dataclass(frozen=True)
class Case:
    """One labelled sentence."""

    id: str
    text: str
    labels: frozenset[str]
    split: str
    source: str


@dataclass
class Score:
    """Counts for one category (or all of them) and the measures they give."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    support: int = 0

    @property
    def precision(self) -> float | None:
        """TP / (TP + FP); ``None`` when nothing was flagged."""
        return ratio(detection_counts(self.tp, self.fp, self.fn), PRECISION)

    @property
    def recall(self) -> float | None:
        """TP / (TP + FN); ``None`` when nothing should have been flagged."""
        return ratio(detection_counts(self.tp, self.fp, self.fn), RECALL)

    @property
    def f1(self) -> float | None:
        """Harmonic mean of precision and recall."""
        return f1(self.precision, self.recall)


@dataclass
class Report:
    """Scores per category, overall (micro-averaged) and per sentence (flagged or clean), plus the misses."""

    cases: int
    per_category: dict[str, Score]
    overall: Score
    sentences: Score
    errors: list[tuple[Case, frozenset[str]]] = field(default_factory=list)


def load_cases(path: Path) -> list[Case]:
    """The labelled sentences in ``path``; a malformed line is an InputError naming it."""
    known = {rule.category for rule in RULES}
    cases: list[Case] = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise InputError(f"cannot read the labelled set ({exc.strerror})", path=str(path)) from None
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            labels = frozenset(row.get("labels", []))
            case = Case(str(row["id"]), str(row["text"]), labels, str(row.get("split", "dev")), str(row["source"]))
        except (json.JSONDecodeError, KeyError, TypeError) as exc:
            raise InputError(f"not a labelled sentence ({exc})", path=str(path), position=f"line {number}") from None
        if labels - known:
            unknown = ", ".join(sorted(labels - known))
            raise InputError(f"unknown category {unknown}", path=str(path), position=f"line {number}")
        cases.append(case)
    return cases


def evaluate(cases: Iterable[Case], config: LintConfig | None = None, *, learned: bool = True) -> Report:
    """Lint every case as a sentence on its own and compare the categories flagged with its labels.

    ``learned=False`` scores the cue rules alone.
    """
    config = config or LintConfig()
    per_category = {rule.category: Score() for rule in RULES}
    overall, sentences = Score(), Score()
    errors: list[tuple[Case, frozenset[str]]] = []
    count = 0
    for case in cases:
        count += 1
        found = frozenset(
            f.category for f in lint_text(case.text, config=config, learned=learned) if f.category != "structure"
        )
        for category, score in per_category.items():
            expected, got = category in case.labels, category in found
            score.support += expected
            score.tp += expected and got
            score.fp += got and not expected
            score.fn += expected and not got
        sentences.tp += bool(case.labels) and bool(found)
        sentences.fp += bool(found) and not case.labels
        sentences.fn += bool(case.labels) and not found
        if found != case.labels:
            errors.append((case, found))
    for score in per_category.values():
        overall.tp, overall.fp, overall.fn = overall.tp + score.tp, overall.fp + score.fp, overall.fn + score.fn
        overall.support += score.support
    return Report(count, per_category, overall, sentences, errors)


def format_report(report: Report, title: str) -> str:
    """The scores as a Markdown table."""

    def cell(value: float | None) -> str:
        return "—" if value is None else f"{value:.2f}"

    lines = [
        f"{title}: {report.cases} sentences",
        "",
        "| category | support | TP | FP | FN | precision | recall | F1 |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    rows = [*report.per_category.items(), ("overall (micro)", report.overall)]
    rows.append(("any blame (sentence)", report.sentences))
    for name, s in rows:
        support = s.support if name != "any blame (sentence)" else s.tp + s.fn
        lines.append(
            f"| {name} | {support} | {s.tp} | {s.fp} | {s.fn} | {cell(s.precision)} | {cell(s.recall)} | {cell(s.f1)} |"
        )
    return "\n".join(lines)
