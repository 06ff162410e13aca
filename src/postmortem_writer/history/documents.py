"""Earlier postmortems as the history index reads them: our JSON drafts, and Markdown written by people.

A Markdown postmortem may use any headings: its sections are read by the words that name them
(``lint.markdown.section_kind``), so "Follow-ups" are its action items and "Why it happened" or
"Root cause" its analysis. Its title is the first ``#`` heading (else the file name), its date the
first ``YYYY-MM-DD`` in the text or the file name. A JSON file must be a ``Draft``.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError

from postmortem_writer.errors import InputError
from postmortem_writer.lint.markdown import parse, section_kind
from postmortem_writer.models import Draft

SUFFIXES = (".md", ".markdown", ".json")

_DATE = re.compile(r"\b(20\d\d)-(\d\d)-(\d\d)\b")
_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$", re.MULTILINE)
_ITEM = re.compile(r"^\s{0,3}(?:[-*+]|\d{1,3}[.)])\s+(?:\[[ xX]\]\s+)?(?P<item>\S.*)$")
_ROW = re.compile(r"^\s*\|(?P<cells>.+)\|\s*$")
_RULE_ROW = re.compile(r"^[\s|:-]+$")


class PastIncident(BaseModel):
    """What the history keeps of one earlier postmortem."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    path: str  # relative to the history folder it was found in, prefixed with that folder as given
    title: str
    date: str | None = None
    text: str  # everything it says, for the search index and for finding shared names
    factors: tuple[str, ...] = ()  # its contributing factors or root-cause statements
    actions: tuple[str, ...] = ()  # its action items
    action_kinds: tuple[str | None, ...] = ()  # for JSON drafts, each action item's kind as the draft says


def read_incident(path: Path, shown: str) -> PastIncident:
    """One earlier postmortem; a file that cannot be read or a JSON that is no draft is an ``InputError``."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read the postmortem ({exc})", path=shown) from None
    if path.suffix == ".json":
        return _from_draft(text, shown)
    return _from_markdown(text, shown, path.stem)


def _from_draft(text: str, shown: str) -> PastIncident:
    try:
        draft = Draft.model_validate_json(text)
    except ValidationError as exc:
        error = exc.errors()[0]
        where = ".".join(str(part) for part in error["loc"]) or "the document"
        raise InputError(f"not a postmortem draft: {where}: {error['msg']}", path=shown) from None
    moments = [draft.impact.start] + [entry.time for entry in draft.timeline]
    first = min((moment for moment in moments if moment is not None), default=None)
    factors = tuple(f"{factor.title}. {factor.description}" for factor in draft.contributing_factors)
    parts = [draft.title, *(c.text for c in draft.summary), *(c.text for c in draft.trigger), *factors]
    parts += [entry.description for entry in draft.timeline] + [item.description for item in draft.action_items]
    return PastIncident(
        path=shown,
        title=draft.title,
        date=first.date().isoformat() if first else None,
        text="\n".join(parts),
        factors=factors,
        actions=tuple(item.description for item in draft.action_items),
        action_kinds=tuple(item.kind.value if item.kind else None for item in draft.action_items),
    )


def _from_markdown(text: str, shown: str, stem: str) -> PastIncident:
    headings = list(_HEADING.finditer(text))
    top = next((h for h in headings if len(h.group(1)) == 1), None)
    title = top.group(2).strip() if top else stem
    found = _DATE.search(text) or _DATE.search(stem)
    factors: list[str] = []
    actions: list[str] = []
    for section in parse(text).sections:
        kind = section_kind(section.title)
        if kind in ("analysis", "actions"):
            items = _items(text[section.start : section.end])
            (actions if kind == "actions" else factors).extend(items)
    return PastIncident(
        path=shown,
        title=title,
        date=_valid(found),
        text=text,
        factors=tuple(factors),
        actions=tuple(actions),
        action_kinds=tuple(None for _ in actions),
    )


def _items(body: str) -> list[str]:
    """The list items and table rows (first cell with words) of a section's body."""
    items: list[str] = []
    header = True
    for line in body.splitlines()[1:]:
        if item := _ITEM.match(line):
            items.append(item.group("item").strip())
        elif row := _ROW.match(line):
            if _RULE_ROW.match(line):
                continue
            cells = [cell.strip() for cell in row.group("cells").split("|")]
            if header:  # a table's first row names its columns
                header = False
                continue
            words = next((cell for cell in cells if re.search(r"[^\W\d_]{3}", cell)), "")
            if words:
                items.append(words)
    return items


def _valid(found: re.Match[str] | None) -> str | None:
    if found is None:
        return None
    try:
        return date(int(found.group(1)), int(found.group(2)), int(found.group(3))).isoformat()
    except ValueError:
        return None
