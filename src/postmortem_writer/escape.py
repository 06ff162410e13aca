"""Text from the sources or a model, made inert for the Markdown draft (JSON carries it raw).

A draft is pasted into wikis and repositories whose renderers pass HTML through, load images and
follow links, so every value the template shows is escaped where it could act, and only there
(ordinary text reads as it was written):

- ``<`` before a letter, ``/``, ``!`` or ``?`` (a tag, comment, declaration or autolink) becomes
  ``&lt;``; ``&`` that would start an entity becomes ``&amp;``, so ``&lt;script&gt;`` stays text.
- ``](`` and ``][`` get a backslash, so no inline link, image or reference link can form; the only
  links left are a bare URL's, and a model's URL that no cited event contains is shown as code.
- Line breaks are folded into a visible `` ⏎ ``: a value cannot end its bullet or cell and open a
  heading, quote, list or table of its own. A value that starts a bullet or heading has its
  leading block marker escaped (``- # Sign-off`` would be a heading inside the item).
- Backslashes are doubled, so a source's own backslash cannot cancel an escape.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_TAG_OPEN = re.compile(r"<(?=[A-Za-z/!?])")
_ENTITY = re.compile(r"&(?=#[0-9]{1,7};|#[xX][0-9A-Fa-f]{1,6};|[A-Za-z][A-Za-z0-9]{0,31};)")
_LINK_BRACKET = re.compile(r"\](?=[(\[])")
_BLOCK_START = re.compile(r"^(?:[#+*\-=\[|~`]|\d{1,9}(?=[.)]))")
_URL = re.compile(r"(?:(?:https?|ftp)://|mailto:|www\.)[^\s<>\"'`\\|\u201c\u201d\u2018\u2019«»]+", re.IGNORECASE)
_URL_TAIL = ".,;:!?)]}…'\""
BREAK = " ⏎ "
"""What a line break inside a value becomes."""


def one_line(text: str) -> str:
    """``text`` with every line break (any kind Python knows) folded into ``BREAK``."""
    return BREAK.join(str(text).splitlines())


def markdown_text(text: str, backing: Iterable[str] | None = None) -> str:
    """``text`` as inline Markdown on one line: no tag, entity, link, image or line break of its own.

    With ``backing`` (the texts of the events a statement cites), a URL that none of them
    contains is shown as code, not as a link: a model must not plant a link of its own.
    """
    flat = one_line(str(text))
    if backing is None:
        return _escape(flat)
    texts = list(backing)
    parts: list[str] = []
    end = 0
    for match in _URL.finditer(flat):
        url = match.group().rstrip(_URL_TAIL)
        if any(url in source for source in texts):
            continue
        parts += [_escape(flat[end : match.start()]), f"`{url}`"]
        end = match.start() + len(url)
    parts.append(_escape(flat[end:]))
    return "".join(parts)


def markdown_block(text: str, backing: Iterable[str] | None = None) -> str:
    """``markdown_text`` for a value that opens a bullet, list item or heading: no block marker
    at its start either (leading spaces dropped, since four of them open a code block)."""
    inline = markdown_text(str(text).lstrip(), backing)
    if inline.startswith(">"):
        return "&gt;" + inline[1:]
    return _BLOCK_START.sub(lambda m: m.group() + "\\" if m.group()[0].isdigit() else "\\" + m.group(), inline, 1)


def markdown_cell(text: str, backing: Iterable[str] | None = None) -> str:
    """``markdown_text`` for one table cell: pipes escaped too, so the table keeps its columns."""
    return markdown_text(str(text), backing).replace("|", "\\|").strip()


def markdown_code(text: str) -> str:
    """``text`` as one inline code span, fenced with more backticks than it contains."""
    flat = one_line(str(text))
    longest = max((len(run) for run in re.findall(r"`+", flat)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if longest else ""
    return f"{fence}{pad}{flat}{pad}{fence}"


def _escape(text: str) -> str:
    text = text.replace("\\", "\\\\")
    text = _ENTITY.sub("&amp;", text)
    text = _TAG_OPEN.sub("&lt;", text)
    return _LINK_BRACKET.sub(r"\\]", text)
