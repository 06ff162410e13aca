"""Verified rewrites put into a Markdown file: each flagged sentence found where its finding points,
replaced in place, and the change shown as a unified diff.

Pure functions over text. Every byte outside a replaced sentence stays as it was, line endings
included. A sentence wrapped over several lines is re-wrapped at the width of the lines it
touched, with the original line breaks (and their indentation); a sentence that appears twice is
replaced at each place a finding points to; text the lint does not read (fenced code, quotes,
comments) is never touched. Where a rewrite cannot go in safely, the sentence is skipped with the
reason, and its templates stand.
"""

from __future__ import annotations

import bisect
import difflib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from postmortem_writer.escape import markdown_text
from postmortem_writer.lint.markdown import Sentence, parse
from postmortem_writer.lint.reword import Reworded

# A word that would open a Markdown block (list item, heading, quote, table row, fence, setext
# underline) if a re-wrapped line began with it.
_BLOCK_WORD = re.compile(r"^(?:[-+*>#|=]|\d{1,9}[.)]$|`{3}|~{3})")
_LINE = re.compile(r"[^\n]*\n|[^\n]+\Z")
_INDENT_CODE = re.compile(r"^(?: {4}|\t)")
_LIST_ITEM = re.compile(r"^\s{0,3}(?:[-*+]|\d{1,9}[.)])\s")

MARKUP = "it holds markup the lint does not read (a code span, link target, HTML tag or comment); reword it by hand"
MOVED = "it is not where the lint found it (the file changed since)"
INDENTED_CODE = "it sits in an indented code block"
UNSAFE = "the rewrite holds markup or control characters its original does not"
PIPE = "it is a table cell and the rewrite holds a '|'"
BLOCK = "the rewrite would start a Markdown block (list item, heading, quote) at the start of its line"


@dataclass(frozen=True)
class Edit:
    """One occurrence of a sentence replaced: its span in the text and what takes its place."""

    start: int
    end: int
    text: str
    line: int  # 1-based, counted by "\n" as diff and patch count them


@dataclass(frozen=True)
class Skip:
    """One occurrence of a sentence left as it is, and why."""

    line: int
    reason: str


@dataclass(frozen=True)
class Placement:
    """A reworded sentence and where its verified rewrite goes in the text (or why it does not)."""

    item: Reworded
    edits: tuple[Edit, ...] = ()
    skips: tuple[Skip, ...] = ()

    @property
    def findings_fixed(self) -> int:
        """How many of the sentence's findings lie in a replaced occurrence."""
        return sum(1 for f in self.item.findings if any(e.start <= f.start < e.end for e in self.edits))


def place(text: str, items: Sequence[Reworded]) -> list[Placement]:
    """Where each item's verified rewrite goes in ``text`` (the text its findings were found in)."""
    doc = parse(text)
    sentences = sorted(doc.sentences, key=lambda s: s.start)
    starts = [s.start for s in sentences]
    newlines = [match.start() for match in re.finditer("\n", text)]
    placements = []
    for item in items:
        if item.offered is None:
            placements.append(Placement(item))
            continue
        edits: dict[int, Edit] = {}
        skips: dict[int, Skip] = {}
        for finding in item.findings:
            index = bisect.bisect_right(starts, finding.start) - 1
            sentence = sentences[index] if index >= 0 else None
            if sentence is None or sentence.text != item.sentence:
                skips[finding.start] = Skip(finding.line, MOVED)
                continue
            if sentence.start in edits or sentence.start in skips:
                continue
            line = bisect.bisect_left(newlines, sentence.start) + 1
            outcome = _replace(text, doc.masked, sentence, item.offered.text, line)
            if isinstance(outcome, Edit):
                edits[sentence.start] = outcome
            else:
                skips[sentence.start] = outcome
        placements.append(Placement(item, tuple(edits.values()), tuple(skips.values())))
    return placements


def _replace(text: str, masked: str, sentence: Sentence, rewrite: str, line: int) -> Edit | Skip:
    """The edit that puts ``rewrite`` in place of one occurrence of ``sentence`` (on ``line``), or why not."""
    start = sentence.start
    words = sentence.text.split()
    found = re.compile(r"\s+".join(map(re.escape, words))).match(masked, start)
    if found is None:
        return Skip(line, MOVED)
    end = found.end()
    if text[start:end] != masked[start:end]:
        return Skip(line, MARKUP)
    line_start = text.rfind("\n", 0, start) + 1
    if _in_indented_code(text, line_start):
        return Skip(line, INDENTED_CODE)
    inert = _inert(rewrite, sentence.text)
    if inert is None:
        return Skip(line, UNSAFE)
    new_words = inert.split()
    first_line = text[line_start : _line_end(text, start)]
    if first_line.lstrip().startswith("|") and "|" in inert:
        return Skip(line, PIPE)
    if not text[line_start:start].strip() and _BLOCK_WORD.match(new_words[0]) and new_words[0] != words[0]:
        return Skip(line, BLOCK)
    raw = text[start:end]
    if "\n" not in raw:
        return Edit(start, end, " ".join(new_words), line)
    last_line_end = _line_end(text, end)
    width = max(len(row.rstrip("\r")) for row in text[line_start:last_line_end].split("\n"))
    breaks = re.findall(r"[^\S\n]*\n\s*", raw)
    return Edit(start, end, _wrap(new_words, breaks, start - line_start, width), line)


def _line_end(text: str, offset: int) -> int:
    end = text.find("\n", offset)
    return len(text) if end < 0 else end


def _in_indented_code(text: str, line_start: int) -> bool:
    """Whether the line at ``line_start`` is in an indented code block: indented four columns, its
    block opened after a blank line (one cannot interrupt a paragraph), and no list item's."""
    if not _INDENT_CODE.match(text[line_start:]):
        return False
    rows = text[:line_start].split("\n")[:-1]
    index = len(rows) - 1
    while index >= 0 and rows[index].strip() and _INDENT_CODE.match(rows[index]):
        index -= 1
    if index >= 0 and rows[index].strip():
        return False  # the indented lines continue a paragraph or list item
    for row in reversed(rows[:index]):
        if row.strip() and not _INDENT_CODE.match(row):
            return not _LIST_ITEM.match(row)
    return True


def _inert(rewrite: str, original: str) -> str | None:
    """``rewrite`` as Markdown that does nothing its original did not: unchanged when it holds no
    markup, escaped when its original held none either, else None (it cannot be placed safely)."""
    flat = " ".join(rewrite.split())
    if not flat or not flat.isprintable():
        return None
    if markdown_text(flat, [original]) == flat:
        return flat
    if markdown_text(original, [original]) == original:
        return markdown_text(flat, [original])
    return None


def _wrap(words: list[str], breaks: list[str], column: int, width: int) -> str:
    """``words`` filled to ``width`` from ``column``, each line ended by the next original break
    (the last one again when the rewrite needs more lines than the original had)."""
    parts = [words[0]]
    position = column + len(words[0])
    used = 0
    for word in words[1:]:
        if position + 1 + len(word) > width and not _BLOCK_WORD.match(word):
            gap = breaks[min(used, len(breaks) - 1)]
            used += 1
            parts.append(gap)
            position = len(gap) - gap.rfind("\n") - 1
        else:
            parts.append(" ")
            position += 1
        parts.append(word)
        position += len(word)
    return "".join(parts)


def apply_edits(text: str, edits: Iterable[Edit]) -> str:
    """``text`` with each edit made (they do not overlap: each is its own sentence)."""
    parts: list[str] = []
    position = 0
    for edit in sorted(edits, key=lambda e: e.start):
        parts += [text[position : edit.start], edit.text]
        position = edit.end
    parts.append(text[position:])
    return "".join(parts)


def unified_diff(before: str, after: str, old_name: str, new_name: str, *, context: int = 3) -> str:
    """The change from ``before`` to ``after`` as a unified diff that ``git apply`` and ``patch`` take:
    lines split at "\\n" only, their endings kept, a last line without one marked as such."""
    old, new = _LINE.findall(before), _LINE.findall(after)
    out = []
    for row in difflib.unified_diff(old, new, old_name, new_name, n=context):
        if row.endswith("\n"):
            out.append(row)
        else:
            out.append(row + "\n\\ No newline at end of file\n")
    return "".join(out)
