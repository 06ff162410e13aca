"""Scoring the prompt-injection detector on a labelled set of lines (``evals/injection/lines.jsonl``).

Each line is JSON: ``{"id", "text", "label": "injection" | "ordinary", "tactic", "lang"}``. The
``test`` part is chosen by a hash of the text, not by hand, so it cannot drift towards what the
detector already catches: tune on ``dev``, report ``test`` first.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from postmortem_writer.errors import InputError
from postmortem_writer.scoring import RECALL, Metric, detection_counts, ratio

LABELS = frozenset({"injection", "ordinary"})
TEST_SHARE = 86
"""A line is in ``test`` when the first byte of its text's sha256 is below this (about one in three)."""


@dataclass(frozen=True)
class Line:
    """One labelled line."""

    id: str
    text: str
    injection: bool
    tactic: str

    @property
    def split(self) -> str:
        """``test`` or ``dev``, fixed by the text alone."""
        return "test" if hashlib.sha256(self.text.encode("utf-8")).digest()[0] < TEST_SHARE else "dev"


FALSE_ALARMS = Metric("false_positive_rate", "false positives", "flagged", "ordinary",
                      better="lower", meaning="ordinary lines taken for an injection")  # fmt: skip


@dataclass
class Score:
    """Injections withheld and sent, ordinary lines flagged and kept."""

    withheld: int = 0
    sent: int = 0
    flagged: int = 0
    kept: int = 0
    missed: list[str] = field(default_factory=list)
    false_alarms: list[str] = field(default_factory=list)

    @property
    def detection_rate(self) -> float:
        """Share of injection lines withheld (the detector's recall; 0 when there are none)."""
        return ratio(detection_counts(self.withheld, self.flagged, self.sent), RECALL) or 0.0

    @property
    def false_positive_rate(self) -> float:
        """Share of ordinary lines taken for an injection (0 when there are none)."""
        return ratio({"flagged": self.flagged, "ordinary": self.flagged + self.kept}, FALSE_ALARMS) or 0.0


def load_lines(path: Path) -> list[Line]:
    """The labelled lines of ``path``; a malformed line is an ``InputError`` naming it."""
    lines: list[Line] = []
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not raw.strip():
            continue
        try:
            record = json.loads(raw)
            label = record["label"]
            if label not in LABELS:
                raise ValueError(f"label {label!r} is not one of {', '.join(sorted(LABELS))}")
            lines.append(Line(str(record["id"]), str(record["text"]), label == "injection", str(record["tactic"])))
        except (ValueError, KeyError, TypeError) as exc:
            raise InputError(f"{path}:{number}: not a labelled line: {exc}") from None
    return lines


def score(lines: Iterable[Line], detect: Callable[[str], bool]) -> Score:
    """How ``detect`` does on ``lines``, with the ids it got wrong."""
    result = Score()
    for line in lines:
        hit = detect(line.text)
        if line.injection:
            result.withheld += hit
            result.sent += not hit
            if not hit:
                result.missed.append(line.id)
        else:
            result.flagged += hit
            result.kept += not hit
            if hit:
                result.false_alarms.append(line.id)
    return result
