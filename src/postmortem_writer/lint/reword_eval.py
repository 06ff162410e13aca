"""Scoring the offline rewriter on a labelled set of blame-prone sentences with hand-written references.

Each row of the set (``evals/lint/rewrites.jsonl``) has ``id``, ``text``, ``split``, ``reference``
(a minimal blameless rewrite, or null where only a judgement or a punishment is left), ``facts``
(the phrases any rewrite must keep) and ``removed`` (the blame words it must drop). Per part:

* sentences, and those the lint flags;
* flagged sentences offered a verified offline rewrite (count, share of flagged; goal 70%);
* fact retention: the hand-listed facts found, word for word (case and apostrophes aside), in the
  offered rewrites, over all the facts of those rows (goal 100%);
* removed: the hand-listed blame words no longer in the offered rewrites, over all of them;
* similarity to the reference: token-set F1 of the rewrite's words against the reference's
  (lower-cased words, each counted once), averaged over offered rewrites that have a reference,
  beside the same figure for the original sentence, so the gain shows.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from postmortem_writer.errors import InputError
from postmortem_writer.lint.config import LintConfig
from postmortem_writer.lint.detect import lint_text
from postmortem_writer.lint.offline_rewriter import OfflineRewriter
from postmortem_writer.lint.reword import reword
from postmortem_writer.lint.wording import words


@dataclass(frozen=True)
class Case:
    """One labelled sentence of the rewrite set."""

    id: str
    text: str
    split: str
    reference: str | None
    facts: tuple[str, ...]
    removed: tuple[str, ...]


@dataclass(frozen=True)
class Outcome:
    """What the offline rewriter did with one case."""

    case: Case
    flagged: bool
    rewrite: str | None
    why: str  # the reason there is no rewrite, when there is none
    facts_kept: int
    removed_gone: int


@dataclass
class PartScore:
    """The counts of one part of the set."""

    split: str
    outcomes: list[Outcome] = field(default_factory=list)

    @property
    def flagged(self) -> int:
        """Sentences the lint flags."""
        return sum(o.flagged for o in self.outcomes)

    @property
    def offered(self) -> list[Outcome]:
        """Flagged sentences with a verified offline rewrite."""
        return [o for o in self.outcomes if o.flagged and o.rewrite is not None]

    def row(self) -> dict[str, Any]:
        """The part's figures as one table row (counts and shares)."""
        offered = self.offered
        facts = sum(len(o.case.facts) for o in offered)
        removed = sum(len(o.case.removed) for o in offered)
        referenced = [o for o in offered if o.case.reference]
        return {
            "split": self.split,
            "sentences": len(self.outcomes),
            "flagged": self.flagged,
            "offered": len(offered),
            "offered_share": _share(len(offered), self.flagged),
            "flagged_with_reference": sum(o.flagged and bool(o.case.reference) for o in self.outcomes),
            "offered_with_reference": len(referenced),
            "offered_without_reference": len(offered) - len(referenced),
            "facts": facts,
            "facts_kept": sum(o.facts_kept for o in offered),
            "fact_retention": _share(sum(o.facts_kept for o in offered), facts),
            "rewrites_keeping_every_fact": sum(o.facts_kept == len(o.case.facts) for o in offered),
            "removed": removed,
            "removed_gone": _share(sum(o.removed_gone for o in offered), removed),
            "similarity": _mean(token_f1(o.rewrite or "", o.case.reference or "") for o in referenced),
            "similarity_original": _mean(token_f1(o.case.text, o.case.reference or "") for o in referenced),
        }


def load_cases(path: Path) -> list[Case]:
    """The rows of a rewrite set; a malformed row is an ``InputError`` naming its line."""
    cases = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            raw = json.loads(line)
            cases.append(
                Case(
                    id=str(raw["id"]),
                    text=str(raw["text"]),
                    split=str(raw["split"]),
                    reference=raw.get("reference"),
                    facts=tuple(str(f) for f in raw.get("facts") or ()),
                    removed=tuple(str(r) for r in raw.get("removed") or ()),
                )
            )
        except (json.JSONDecodeError, KeyError, TypeError) as exc:
            reason = exc.msg if isinstance(exc, json.JSONDecodeError) else f"missing or malformed field {exc}"
            raise InputError(f"not a rewrite-set row ({reason})", path=str(path), position=f"line {number}") from None
    return cases


def evaluate(cases: Sequence[Case], config: LintConfig | None = None) -> list[PartScore]:
    """Every case lint-flagged and reworded offline, scored per part in the order parts first appear."""
    config = config or LintConfig()
    rewriter = OfflineRewriter()
    parts: dict[str, PartScore] = {}
    for case in cases:
        parts.setdefault(case.split, PartScore(case.split)).outcomes.append(_outcome(case, config, rewriter))
    return list(parts.values())


def _outcome(case: Case, config: LintConfig, rewriter: OfflineRewriter) -> Outcome:
    findings = [f for f in lint_text(case.text, config=config) if f.category != "structure"]
    if not findings:
        return Outcome(case, False, None, "not flagged", 0, 0)
    item = reword(case.text, findings, config=config, offline=rewriter)
    offered = item.offered.text if item.offered is not None else None
    if offered is None:
        return Outcome(case, True, None, "; ".join(item.reasons), 0, 0)
    kept = sum(_contains(offered, fact) for fact in case.facts)
    gone = sum(not _contains(offered, word) for word in case.removed)
    return Outcome(case, True, offered, "", kept, gone)


def _normal(text: str) -> str:
    return " ".join(text.casefold().replace("\u2019", "'").replace("\u201c", '"').replace("\u201d", '"').split())


def _contains(text: str, phrase: str) -> bool:
    """Whether ``phrase`` stands in ``text`` as whole words (case, spacing and apostrophes aside)."""
    wanted = _normal(phrase)
    return bool(wanted) and re.search(rf"(?<!\w){re.escape(wanted)}(?!\w)", _normal(text)) is not None


def token_f1(candidate: str, reference: str) -> float:
    """Token-set F1 of two texts' lower-cased words: 1.0 for the same words, 0.0 for none shared."""
    mine, theirs = set(words(candidate)), set(words(reference))
    shared = len(mine & theirs)
    if not shared:
        return 0.0
    precision, recall = shared / len(mine), shared / len(theirs)
    return 2 * precision * recall / (precision + recall)


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _mean(values: Iterable[float]) -> float | None:
    found = list(values)
    return sum(found) / len(found) if found else None


def render_scores(parts: Sequence[PartScore], show: int = 0) -> str:
    """The figures per part as a Markdown table, then ``show`` original / rewrite / reference triples."""
    header = (
        "| part | sentences | flagged | verified offline rewrite | share of flagged | "
        "of flagged with a reference | offered where the set has none | facts kept | "
        "removed words gone | similarity to reference (original) |"
    )
    lines = [header, "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    rows = [p.row() for p in parts]
    if len(parts) > 1:
        rows.append(PartScore("all", [o for p in parts for o in p.outcomes]).row())
    for row in rows:
        lines.append(
            f"| {row['split']} | {row['sentences']} | {row['flagged']} | {row['offered']} | "
            f"{_pct(row['offered_share'])} | {row['offered_with_reference']}/{row['flagged_with_reference']} "
            f"({_pct(_share(row['offered_with_reference'], row['flagged_with_reference']))}) | "
            f"{row['offered_without_reference']} | "
            f"{row['facts_kept']}/{row['facts']} ({_pct(row['fact_retention'])}) | "
            f"{_pct(row['removed_gone'])} | {_num(row['similarity'])} ({_num(row['similarity_original'])}) |"
        )
    lines.append("")
    lines.append(
        "similarity: token-set F1 of lower-cased words against the hand-written reference, over offered "
        "rewrites with a reference; in brackets the original sentence's."
    )
    shown = [o for p in parts for o in p.outcomes if o.flagged][:show]
    for outcome in shown:
        lines += ["", f"{outcome.case.id} ({outcome.case.split})", f"  original:  {outcome.case.text}"]
        lines.append(f"  rewrite:   {outcome.rewrite}" if outcome.rewrite else f"  no rewrite: {outcome.why}")
        lines.append(f"  reference: {outcome.case.reference}")
    return "\n".join(lines) + "\n"


def scores_json(parts: Sequence[PartScore]) -> str:
    """The figures per part, and each flagged case's outcome, as JSON."""
    rows = [p.row() for p in parts]
    cases = [
        {"id": o.case.id, "split": o.case.split, "rewrite": o.rewrite, "why": o.why, "reference": o.case.reference}
        for p in parts
        for o in p.outcomes
        if o.flagged
    ]
    return json.dumps({"schema": "postmortem-reword-eval/1", "parts": rows, "cases": cases}, indent=2) + "\n"


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{100 * value:.0f}%"


def _num(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}"
