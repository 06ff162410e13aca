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
from typing import TYPE_CHECKING

from postmortem_writer.errors import InputError
from postmortem_writer.lint.config import LintConfig
from postmortem_writer.lint.detect import lint_text
from postmortem_writer.lint.rules import RULES
from postmortem_writer.scoring import PRECISION, RECALL, detection_counts, f1, ratio

if TYPE_CHECKING:
    from postmortem_writer.lint.model_judge import ModelJudge


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
    sent: int = 0
    """Sentences a model was asked about (none offline)."""
    warning: str | None = None
    """What the model did not judge, one line."""


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


def evaluate(
    cases: Iterable[Case], config: LintConfig | None = None, *, learned: bool = True, judge: ModelJudge | None = None
) -> Report:
    """Lint every case as a sentence on its own and compare the categories flagged with its labels.

    ``learned=False`` scores the cue rules alone; a ``judge`` decides the sentences the offline lint
    is unsure of.
    """
    config = config or LintConfig()
    cases = list(cases)
    sent, warning = 0, None
    if judge is None:
        linted = [lint_text(case.text, config=config, learned=learned) for case in cases]
    else:
        # Imported here: the model's plumbing is no part of an offline lint's start-up.
        from postmortem_writer.lint.model_judge import lint_with_model

        run = lint_with_model([("-", case.text) for case in cases], config, judge)
        linted, sent, warning = run.findings, run.sent, run.warning()
    per_category = {rule.category: Score() for rule in RULES}
    overall, sentences = Score(), Score()
    errors: list[tuple[Case, frozenset[str]]] = []
    for case, findings in zip(cases, linted, strict=True):
        found = frozenset(f.category for f in findings if f.category != "structure")
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
    return Report(len(cases), per_category, overall, sentences, errors, sent, warning)


def format_report(report: Report, title: str) -> str:
    """The scores as a Markdown table."""
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
        lines.append(f"| {name} | {support} | {s.tp} | {s.fp} | {s.fn} | {_cells(s)} |")
    return "\n".join(lines)


def format_paths(offline: Report, judged: Report, model: str) -> str:
    """The offline lint and the lint with ``model`` on the same sentences, one row each."""

    lines = [
        "| path | sent to the model | sentence P | R | F1 | category P | R | F1 |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        f"| offline | — | {_cells(offline.sentences)} | {_cells(offline.overall)} |",
        f"| with {model} | {judged.sent} | {_cells(judged.sentences)} | {_cells(judged.overall)} |",
    ]
    return "\n".join(lines)


def _cells(score: Score) -> str:
    """Precision, recall and F1 as table cells ("—" where undefined)."""
    return " | ".join("—" if v is None else f"{v:.2f}" for v in (score.precision, score.recall, score.f1))
