"""The check every rewording must pass before it is offered: blameless, and no fact lost.

A rewrite keeps every time, date, number, identifier and system name of the original. People's
names and @handles are the exception: taking them out is the point of a rewrite. Identifiers are
tokens with a digit, underscore, dot or slash (``db-7``, ``us-east-1``, ``v2.4.1``) or in backticks;
plain hyphenated words ("on-call", "checkout-api") are left to the reader, as prose uses them too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from postmortem_writer.lint.config import LintConfig
from postmortem_writer.lint.detect import lint_text
from postmortem_writer.models import Finding

_MONTHS = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?"
_FACTS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("time", re.compile(r"\b\d{1,2}:\d{2}(?::\d{2})?(?:\s?[AaPp]\.?[Mm]\.?)?(?:\s?(?:UTC|GMT|Z|[A-Z]{2,4}T))?")),
    ("date", re.compile(rf"\b\d{{4}}-\d{{2}}-\d{{2}}\b|\b{_MONTHS} \d{{1,2}}(?:, \d{{4}})?|\b\d{{1,2}} {_MONTHS}")),
    ("identifier", re.compile(r"`[^`]+`|(?<![\w@'])(?=[\w./-]*[\d_./])[A-Za-z_][\w./-]*\w|\b\d+[a-z][\w-]*\b")),
    ("number", re.compile(r"(?<![\w.:-])\d+(?:[.,]\d+)*(?:\s?%|\s?(?:ms|s|GB|MB|KB|TB|k|x))?(?![\w:])")),
    ("system", re.compile(r"(?<![\w@])(?:[A-Z][a-z]+[A-Z]\w*|[A-Z]{2,}[\w]*|[a-z]+[A-Z]\w*)\b")),
)
_NOT_SYSTEMS = frozenset({"UTC", "GMT", "PST", "PDT", "EST", "EDT", "CET", "AM", "PM", "OK", "I"})


@dataclass(frozen=True)
class Fact:
    """Something a rewrite must keep, word for word."""

    kind: str
    text: str


@dataclass
class Verdict:
    """Whether a rewrite may be offered, and if not, why."""

    ok: bool
    findings: list[Finding] = field(default_factory=list)  # blame findings still in the rewrite
    missing: list[Fact] = field(default_factory=list)  # facts of the original the rewrite lost

    @property
    def problems(self) -> list[str]:
        """One line per reason to reject the rewrite."""
        lines = [f"still {f.rule_id}: {f.match!r}" for f in self.findings]
        return lines + [f"lost {fact.kind} {fact.text!r}" for fact in self.missing]


def facts(text: str, *, people: tuple[str, ...] = ()) -> list[Fact]:
    """The times, dates, numbers, identifiers and system names in ``text``, in order, without duplicates."""
    names = {p.casefold().lstrip("@") for p in people} | {p.split()[0].casefold() for p in people if p.split()}
    found: list[Fact] = []
    taken: list[tuple[int, int]] = []
    for kind, pattern in _FACTS:
        for match in pattern.finditer(text):
            span = match.span()
            if any(a < span[1] and span[0] < b for a, b in taken):
                continue  # part of a fact already found ("09:37" inside a time, "2017" inside a date)
            value = match.group(0).strip()
            if value in _NOT_SYSTEMS or value.casefold().lstrip("@") in names or value.startswith("@"):
                continue
            taken.append(span)
            if all(f.text != value for f in found):
                found.append(Fact(kind, value))
    return found


def verify_rewrite(original: str, rewrite: str, *, config: LintConfig | None = None) -> Verdict:
    """Whether ``rewrite`` passes lint (no blame findings) and keeps every fact of ``original``."""
    config = config or LintConfig()
    remaining = [f for f in lint_text(rewrite, config=config) if f.category != "structure"]
    missing = [fact for fact in facts(original, people=config.people) if fact.text not in rewrite]
    return Verdict(ok=not remaining and not missing, findings=remaining, missing=missing)
