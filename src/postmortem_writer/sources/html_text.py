"""Reducing the HTML bodies chat tools store (Teams, Zulip) to the plain text a reader sees."""

from __future__ import annotations

import re
from html.parser import HTMLParser

# Tags that end a line when rendered; everything else is inline and only its text is kept.
_BLOCKS = frozenset(
    {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "ul", "ol", "table", "hr"}
)
# Their content is not text a person wrote.
_SKIPPED = frozenset({"script", "style", "head", "template"})
_BLANK_RUNS = re.compile(r"[ \t\u00a0]+")
_NEWLINE_RUNS = re.compile(r"\s*\n\s*")


class _Reducer(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0
        self.images = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIPPED:
            self.skipping += 1
        elif tag in _BLOCKS:
            self.parts.append("\n")
        elif tag == "img":
            # Emoji carry their meaning in alt text (Teams writes emoji this way); a pasted picture's
            # alt is empty or just "image", so it is counted instead.
            alt = (dict(attrs).get("alt") or "").strip()
            if alt and alt.casefold() != "image":
                self.parts.append(alt)
            else:
                self.images += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED:
            self.skipping = max(0, self.skipping - 1)
        elif tag in _BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(data)


def html_to_text(html: str) -> str:
    """The text of an HTML fragment: tags gone, entities decoded, one line per paragraph or break."""
    return html_text_and_images(html)[0]


def html_text_and_images(html: str) -> tuple[str, int]:
    """The text of an HTML fragment (as ``html_to_text``) and how many pictures without alt text it shows."""
    reducer = _Reducer()
    reducer.feed(html)
    reducer.close()
    text = _BLANK_RUNS.sub(" ", "".join(reducer.parts))
    return _NEWLINE_RUNS.sub("\n", text).strip(), reducer.images
