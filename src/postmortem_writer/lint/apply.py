"""Putting verified rewrites back into a draft: each flagged sentence replaced where it was found.

A finding's ``path`` names the draft field it came from (``summary[0]``, ``timeline[3]``,
``contributing_factors[1]``…), so a rewrite lands exactly there and nowhere else. Only rewrites
that passed ``verify_rewrite`` are applied; the caller keeps the originals (the run log).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from postmortem_writer.lint.config import LintConfig
from postmortem_writer.lint.offline_rewriter import OfflineRewriter
from postmortem_writer.lint.reword import reword_findings
from postmortem_writer.lint.rewrite import Rewriter
from postmortem_writer.models import Draft
from postmortem_writer.sections import SECTIONS

# Where each section keeps its wording: a finding's path starts with it (``impact.unknowns[0]``).
_BY_WORDING = {section.wording: section for section in SECTIONS}
_PATH = re.compile(r"^(?P<field>[a-z_]+(?:\.[a-z_]+)?)(?:\[(?P<index>\d+)\])?$")


@dataclass(frozen=True)
class Applied:
    """One rewrite put into the draft."""

    path: str
    original: str
    rewrite: str


def reword_draft(draft: Draft, rewriter: Rewriter, config: LintConfig, *, offline: bool = True) -> list[Applied]:
    """Rewrite the sentences ``draft.blame_findings`` flags, in place, with verified rewrites only.

    The model's rewrite is preferred; with ``offline`` the offline rewriter is the fallback, with the
    draft's timeline times for "not acted on until <next time>".
    """
    fallback = OfflineRewriter(times=[entry.time.strftime("%H:%M") for entry in draft.timeline]) if offline else False
    applied = []
    for item in reword_findings(draft.blame_findings, rewriter=rewriter, config=config, offline=fallback):
        rewrite = item.offered
        path = item.findings[0].path
        if rewrite is not None and _replace(draft, path, item.sentence, rewrite.text):
            applied.append(Applied(path, item.sentence, rewrite.text))
    return applied


def offer_rewrites(draft: Draft, rewriter: Rewriter | None = None, config: LintConfig | None = None) -> int:
    """Give each of ``draft.blame_findings`` its sentence's verified rewrite, where one exists, for the
    author to take or leave (the wording itself is not changed); return how many sentences got one.

    Without a ``rewriter``, whatever ``reword_findings`` does by default.
    """
    offered = {
        (item.findings[0].path, item.sentence): item.offered.text
        for item in reword_findings(draft.blame_findings, rewriter=rewriter, config=config)
        if item.offered is not None
    }
    draft.blame_findings = [
        finding.model_copy(update={"rewrite": offered.get((finding.path, finding.sentence))})
        for finding in draft.blame_findings
    ]
    return len(offered)


def _replace(draft: Draft, path: str, old: str, new: str) -> bool:
    """Replace ``old`` by ``new`` in the field at ``path``; False when it is not there (left alone)."""
    match = _PATH.match(path)
    if match is None:
        return False
    field, index = match["field"], match["index"]
    if field == "title" and old in draft.title:
        draft.title = draft.title.replace(old, new, 1)
        return True
    section = _BY_WORDING.get(field)
    if section is None or index is None:
        return False
    items = section.wordings(draft)
    if int(index) >= len(items):
        return False
    item = items[int(index)]
    if not section.texts:
        if old not in item:
            return False
        items[int(index)] = item.replace(old, new, 1)
        return True
    for attribute in section.texts:
        text = getattr(item, attribute)
        if old in text:
            setattr(item, attribute, text.replace(old, new, 1))
            return True
    return False
