"""Markdown as the linter sees it: sentences with their offsets and sections, and what is switched off.

Nothing is rewritten: skipped text (code blocks and spans, block quotes, HTML comments, link
targets, front matter, table separators, list markers) is blanked out with spaces in a copy of the
document, so every offset found in the copy is an offset in the original.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from postmortem_writer.models import Finding
from postmortem_writer.sections import SECTIONS

_FENCE = re.compile(r"^\s{0,3}(`{3,}|~{3,})")
_QUOTE = re.compile(r"^\s{0,3}>")
_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
_LIST_MARK = re.compile(r"^(\s*)(?:[-*+]|\d{1,3}[.)])(?:\s+\[[ xX]\])?\s+")
_TABLE_SEPARATOR = re.compile(r"^\s*\|?\s*:?-{3,}")
_COMMENT = re.compile(r"<!--(.*?)-->", re.DOTALL)
_DIRECTIVE = re.compile(r"^\s*postmortem-lint\s+(disable-next|disable|enable)\b\s*(.*?)\s*$", re.DOTALL)
_INLINE_SKIPS = (
    re.compile(r"(`+)[^`]*?\1"),  # code spans
    re.compile(r"(?<=\])\([^)\s]*(?:\s+\"[^\"]*\")?\)"),  # link targets, the text stays
    re.compile(r"<(?:https?://|mailto:)[^>]*>|</?[A-Za-z][^>]*>"),  # autolinks and HTML tags
)
_LETTER = re.compile(r"[^\W\d_]")
_NOT_NEWLINE = re.compile(r"[^\r\n]")
_SENTENCE_END = re.compile("(?<=[.!?])[\"'\u201d\u2019)\\]]*\\s+(?=[\"'\u201c\u2018(\\[]*[A-Z0-9@])")

# When a title holds words of two kinds ("Summary of action items"), the earlier kind here wins.
_KIND_PRECEDENCE = (
    "actions",
    "prevention",
    "timeline",
    "impact",
    "analysis",
    "lessons",
    "summary",
    "related",
    "appendix",
)
# Words that name a section in any postmortem (case-insensitive), and the kind of section they make.
SECTION_KINDS: tuple[tuple[str, str], ...] = tuple(
    (word, section.lint_kind)
    for kind in _KIND_PRECEDENCE
    for section in SECTIONS
    if section.lint_kind == kind
    for word in section.aliases
)


def section_kind(title: str) -> str:
    """What a section is for, from its title: a ``lint_kind`` of ``sections.SECTIONS``, or other."""
    lowered = title.casefold()
    return next((kind for word, kind in SECTION_KINDS if word in lowered), "other")


@dataclass(frozen=True)
class Sentence:
    """A sentence (or table cell) to check, with its offset in the document and its section."""

    text: str
    start: int
    section: str
    kind: str


@dataclass(frozen=True)
class Section:
    """A heading and the lines under it, up to the next heading of any level."""

    title: str
    kind: str
    start: int  # offset of the heading
    end: int  # offset where the next heading starts (or the end of the text)


@dataclass(frozen=True)
class Switch:
    """Rules switched off over ``[start, end)`` by an inline comment; no prefixes means every rule."""

    start: int
    end: int
    prefixes: tuple[str, ...]

    def covers(self, offset: int, rule_id: str) -> bool:
        """Whether this switch silences ``rule_id`` at ``offset``."""
        if not self.start <= offset < self.end:
            return False
        return not self.prefixes or any(under(rule_id, prefix) for prefix in self.prefixes)


@dataclass
class Markdown:
    """A parsed document: the original text, its sentences, sections, inline switches and line table."""

    text: str
    masked: str = ""  # the text with skipped parts blanked; same length, same offsets
    sentences: list[Sentence] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    switches: list[Switch] = field(default_factory=list)
    line_starts: list[int] = field(default_factory=list)

    def finding(self, start: int, end: int, **fields: Any) -> Finding:
        """The one way a finding is made: positions, the matched text and the section come from the document."""
        line, column = self.position(start)
        end_line, end_column = self.position(end)
        section = next((s.title for s in reversed(self.sections) if s.start <= start), "")
        return Finding.model_validate(
            {"section": section, **fields, "line": line, "column": column, "end_line": end_line,
             "end_column": end_column, "start": start, "end": end, "match": self.text[start:end]}
        )  # fmt: skip

    def position(self, offset: int) -> tuple[int, int]:
        """1-based line and column of a character offset."""
        index = bisect.bisect_right(self.line_starts, offset) - 1
        return index + 1, offset - self.line_starts[index] + 1

    def silenced(self, offset: int, rule_id: str) -> bool:
        """Whether an inline comment switches ``rule_id`` off at ``offset``."""
        return any(switch.covers(offset, rule_id) for switch in self.switches)

    def section(self, kind: str) -> Section | None:
        """The first section of a kind, if any."""
        return next((s for s in self.sections if s.kind == kind), None)


def parse(text: str, *, skip_sections: Sequence[str] = ()) -> Markdown:
    """Split Markdown into the sentences to check; sections whose title starts with ``skip_sections`` are left out."""
    doc = Markdown(text)
    masked = list(text)
    _blank_comments(text, masked, doc)
    lines = text.splitlines(keepends=True)
    offset = 0
    for line in lines:
        doc.line_starts.append(offset)
        offset += len(line)
    if not doc.line_starts:
        doc.line_starts.append(0)
    units = _units(text, lines, doc, masked)
    doc.masked = "".join(masked)
    skip = tuple(s.casefold() for s in skip_sections)
    starts = [s.start for s in doc.sections]
    for start, end in units:
        index = bisect.bisect_right(starts, start) - 1
        section = doc.sections[index] if index >= 0 else None
        title = section.title if section else ""
        if skip and title.casefold().startswith(skip):
            continue
        kind = section.kind if section else "other"
        chunk = doc.masked[start:end]
        for piece_start, piece_end in _sentence_spans(chunk):
            raw = chunk[piece_start:piece_end]
            stripped = raw.strip()
            if not _LETTER.search(stripped):
                continue
            lead = len(raw) - len(raw.lstrip())
            doc.sentences.append(Sentence(" ".join(stripped.split()), start + piece_start + lead, title, kind))
    return doc


def _units(text: str, lines: list[str], doc: Markdown, masked: list[str]) -> list[tuple[int, int]]:
    """Blank what is not prose and return the (start, end) ranges of paragraphs, list items and table cells."""
    units: list[tuple[int, int]] = []
    fence: str | None = None
    paragraph: int | None = None
    in_front_matter = bool(lines) and lines[0].strip() == "---"
    offset = 0

    def close(at: int) -> None:
        nonlocal paragraph
        if paragraph is not None and at > paragraph:
            units.append((paragraph, at))
        paragraph = None

    for number, line in enumerate(lines, start=1):
        start, end = offset, offset + len(line)
        offset = end
        body = line.rstrip("\r\n")
        if in_front_matter:
            _blank(masked, start, end)
            if number > 1 and body.strip() == "---":
                in_front_matter = False
            continue
        fence_match = _FENCE.match(body)
        if fence is not None or fence_match:
            close(start)
            _blank(masked, start, end)
            if fence is None and fence_match:
                fence = fence_match.group(1)[0]
            elif fence_match and fence_match.group(1)[0] == fence:
                fence = None
            continue
        if not body.strip() or _QUOTE.match(body):
            close(start)
            _blank(masked, start, end)
            continue
        heading = _HEADING.match(body)
        if heading:
            close(start)
            level = len(heading.group(1))
            title = _plain_title(heading.group(2))
            _end_previous(doc, start)
            section = Section(title, section_kind(title), start, len(text))
            doc.sections.append(section)
            units.append((start + len(body) - len(body.lstrip()) + level + 1, start + len(body)))
            continue
        _blank_inline(body, start, masked)
        if body.lstrip().startswith("|"):
            close(start)
            if _TABLE_SEPARATOR.match(body):
                _blank(masked, start, end)
                continue
            units.extend(_cells(body, start, masked))
            continue
        marker = _LIST_MARK.match(body)
        if marker:
            close(start)
            _blank(masked, start + len(marker.group(1)), start + marker.end())
            paragraph = start + marker.end()
            continue
        if paragraph is None:
            paragraph = start
    close(offset)
    return units


def _cells(body: str, start: int, masked: list[str]) -> list[tuple[int, int]]:
    cells: list[tuple[int, int]] = []
    position = 0
    for match in re.finditer(r"(?<!\\)\|", body):
        if match.start() > position:
            cells.append((start + position, start + match.start()))
        masked[start + match.start()] = " "
        position = match.end()
    if position < len(body) and body[position:].strip():
        cells.append((start + position, start + len(body)))
    return cells


def _blank_comments(text: str, masked: list[str], doc: Markdown) -> None:
    """Blank HTML comments, turning ``postmortem-lint`` directives into switches."""
    open_regions: dict[tuple[str, ...], int] = {}
    for match in _COMMENT.finditer(text):
        _blank(masked, match.start(), match.end())
        directive = _DIRECTIVE.match(match.group(1))
        if not directive:
            continue
        action, ids = directive.group(1), tuple(directive.group(2).replace(",", " ").split())
        if action == "disable":
            open_regions.setdefault(ids, match.end())
        elif action == "enable":
            for key in [k for k in open_regions if not ids or k == ids]:
                doc.switches.append(Switch(open_regions.pop(key), match.start(), key))
        else:  # disable-next: up to the end of the next paragraph (the next blank line after some text)
            following = re.search(r"\S.*?(?:\n[ \t]*\n|\Z)", text[match.end() :], re.DOTALL)
            stop = match.end() + following.end() if following else len(text)
            doc.switches.append(Switch(match.end(), stop, ids))
    for key, begin in open_regions.items():
        doc.switches.append(Switch(begin, len(text), key))


def _blank_inline(body: str, start: int, masked: list[str]) -> None:
    for pattern in _INLINE_SKIPS:
        for match in pattern.finditer(body):
            _blank(masked, start + match.start(), start + match.end())


def _blank(masked: list[str], start: int, end: int) -> None:
    end = min(end, len(masked))
    masked[start:end] = _NOT_NEWLINE.sub(" ", "".join(masked[start:end]))


def _sentence_spans(chunk: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    position = 0
    for match in _SENTENCE_END.finditer(chunk):
        spans.append((position, match.start()))
        position = match.end()
    spans.append((position, len(chunk)))
    return spans


def _plain_title(title: str) -> str:
    return re.sub(r"[*_`]", "", title).strip()


def _end_previous(doc: Markdown, at: int) -> None:
    if doc.sections:
        last = doc.sections[-1]
        doc.sections[-1] = Section(last.title, last.kind, last.start, at)


def under(rule_id: str, prefix: str) -> bool:
    """Whether ``rule_id`` is ``prefix`` or below it (``blame`` covers ``blame.counterfactual``)."""
    return rule_id == prefix or rule_id.startswith(prefix + ".")
