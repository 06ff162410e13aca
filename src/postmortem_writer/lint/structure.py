"""Completeness rules (``structure.*``): the sections a postmortem needs and what they must contain.

They run only on documents that look like a postmortem (at least two of the known sections), so a
README or a single sentence is not told it lacks a timeline.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from postmortem_writer.lint.config import LintConfig
from postmortem_writer.lint.markdown import Markdown, Section
from postmortem_writer.lint.rules import STRUCTURE_RULES
from postmortem_writer.models import Finding

REQUIRED = (("summary", "Summary"), ("impact", "Impact"), ("timeline", "Timeline"),
            ("analysis", "Root cause / contributing factors"), ("actions", "Action items"))  # fmt: skip
# Sections the postmortem template asks for beyond the required ones: what stops the class of
# incident, and the earlier incidents like it.
RECOMMENDED = (("prevention", "Prevention"), ("related", "Related incidents"))
_EMPTY = {"", "tbd", "todo", "?", "-", "—", "none", "n/a", "unknown", "unassigned"}
_CLOCK = re.compile(r"\b\d{1,2}:\d{2}")
_UTC = re.compile(r"\bUTC\b|\dZ\b|[+-]00:?00\b|\bGMT\b")
_EVIDENCE = re.compile(r"\]\(|\bE\d+\b|https?://|\bevidence\b", re.IGNORECASE)
_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b|\bdue\b", re.IGNORECASE)
_OWNER = re.compile(r"\bowner\b|(?<![\w@])@\w|\(\s*[A-Z][\w.-]+(?: [A-Z][\w.-]+)?\s*[,)]", re.IGNORECASE)
_ITEM = re.compile(r"^\s{0,3}(?:[-*+]|\d{1,3}[.)])\s+\S")
_QUANTITY = re.compile(r"\d|\bunknown\b|\bnot known\b|\bno (?:customer|user)s?\b", re.IGNORECASE)


def check_structure(doc: Markdown, path: str, config: LintConfig) -> list[Finding]:
    """Completeness findings for a postmortem document (none for other texts)."""
    kinds = {s.kind for s in doc.sections}
    if len(kinds & {kind for kind, _ in REQUIRED}) < 2:
        return []
    found: list[Finding] = []
    for kind, name in REQUIRED:
        if kind not in kinds:
            found.append(_finding(doc, "structure.required_sections", 0, 0, path, config, name=name))
    for kind, name in RECOMMENDED:
        if kind not in kinds:
            found.append(_finding(doc, "structure.recommended_sections", 0, 0, path, config, name=name))
    actions = doc.section("actions")
    if actions:
        found.extend(_action_items(doc, actions, path, config))
    timeline = doc.section("timeline")
    if timeline:
        found.extend(_timeline(doc, timeline, path, config))
    impact = doc.section("impact")
    if impact and not _QUANTITY.search(_body(doc, impact)):
        found.append(_finding(doc, "structure.impact_quantified", impact.start, impact.start, path, config))
    factors = next((s for s in doc.sections if "contributing" in s.title.casefold()), None)
    count = sum(1 for _, line in _lines(doc, factors) if _ITEM.match(line)) if factors else 0
    if count < 2 and "analysis" in kinds:
        at = factors.start if factors else 0
        found.append(_finding(doc, "structure.contributing_factors", at, at, path, config, count=count))
    return [f for f in found if config.enabled(f.rule_id)]


def _action_items(doc: Markdown, section: Section, path: str, config: LintConfig) -> Iterator[Finding]:
    header: list[str] | None = None
    for start, line in _lines(doc, section):
        if line.lstrip().startswith("|"):
            cells = [c.strip() for c in re.split(r"(?<!\\)\|", line.strip())[1:-1]]
            if header is None:
                header = [c.casefold() for c in cells]
                continue
            if set(line.strip()) <= set("|-: "):
                continue
            owner = _column(header, cells, ("owner", "assignee", "who"))
            due = _column(header, cells, ("due", "deadline", "date"))
            if owner is None or owner.casefold() in _EMPTY:
                yield _finding(doc, "structure.action_item_owner", start, start + len(line), path, config)
            if due is None or due.casefold() in _EMPTY:
                yield _finding(doc, "structure.action_item_due", start, start + len(line), path, config)
        elif _ITEM.match(line):
            if not _OWNER.search(line):
                yield _finding(doc, "structure.action_item_owner", start, start + len(line), path, config)
            if not _DATE.search(line):
                yield _finding(doc, "structure.action_item_due", start, start + len(line), path, config)


def _timeline(doc: Markdown, section: Section, path: str, config: LintConfig) -> Iterator[Finding]:
    utc_header = False
    for start, line in _lines(doc, section):
        if line.lstrip().startswith("|") and not _CLOCK.search(line):
            utc_header = utc_header or bool(_UTC.search(line))
            continue
        if not (_ITEM.match(line) or line.lstrip().startswith("|") or _CLOCK.match(line.strip())):
            continue
        clock = _CLOCK.search(line)
        if not clock:
            continue
        if not (utc_header or _UTC.search(line) or _UTC.search(section.title)):
            at = start + clock.start()
            yield _finding(doc, "structure.timeline_utc", at, start + clock.end(), path, config)
        if not _EVIDENCE.search(line):
            yield _finding(doc, "structure.timeline_evidence", start, start + len(line), path, config)


def _column(header: list[str], cells: list[str], names: tuple[str, ...]) -> str | None:
    for index, title in enumerate(header):
        if any(name in title for name in names) and index < len(cells):
            return cells[index]
    return None


def _lines(doc: Markdown, section: Section) -> Iterator[tuple[int, str]]:
    """(offset, line) for each line under the section's heading, outside code blocks."""
    offset = section.start
    body = doc.text[section.start : section.end]
    for number, line in enumerate(body.splitlines(keepends=True)):
        if number and doc.masked[offset : offset + len(line)].strip():
            yield offset, line.rstrip("\r\n")
        offset += len(line)


def _body(doc: Markdown, section: Section) -> str:
    return "\n".join(line for _, line in _lines(doc, section))


def _finding(
    doc: Markdown, rule_id: str, start: int, end: int, path: str, config: LintConfig, **fill: object
) -> Finding:
    severity, message = STRUCTURE_RULES[rule_id]
    return doc.finding(
        start, end, rule_id=rule_id, category="structure", severity=config.severity_of(rule_id, severity),
        message=message.format(**fill), path=path,
    )  # fmt: skip
