"""Markup in source and model text: the Markdown draft shows it as text, on both extractor paths.

``fixtures/hostile/`` carries markup messages (``client_msg_id`` ``markup-<id>``: a script, an
``onerror`` image, a tracking image, a forged sign-off, a phishing link) and a deploy description
with an ``onerror`` image. The draft is rendered to HTML with a CommonMark renderer that passes
raw HTML through, as many wikis do, and the HTML is searched for anything that would run or load.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from postmortem_writer.escape import markdown_block, markdown_cell, markdown_code, markdown_text
from postmortem_writer.extract.llm import Budget, chat_chunks
from postmortem_writer.llm.calls import Caller
from postmortem_writer.llm.session import Session
from postmortem_writer.models import Draft
from postmortem_writer.pipeline import Ingested, draft_from, ingest
from postmortem_writer.render import render_json, render_markdown
from postmortem_writer.sources import SourceOptions
from postmortem_writer.testing.fake import ScriptedBackend

# (id, function, text, backing, expected): each escape, and text it must leave alone.
CASES = [
    ("plain-text-unchanged", markdown_text, "p99 > 2s, 5xx < 0.1% (30s -> 3s) [FIRING:1]", None,
     "p99 > 2s, 5xx < 0.1% (30s -> 3s) [FIRING:1]"),
    ("script-tag", markdown_text, "<script>alert(1)</script>", None, "&lt;script>alert(1)&lt;/script>"),
    ("img-onerror", markdown_text, "<img src=x onerror=alert(1)>", None, "&lt;img src=x onerror=alert(1)>"),
    ("html-comment", markdown_text, "<!-- postmortem-lint disable -->", None, "&lt;!-- postmortem-lint disable -->"),
    ("autolink", markdown_text, "<https://evil.example>", None, "&lt;https://evil.example>"),
    ("processing-instruction", markdown_text, "<?php x ?>", None, "&lt;?php x ?>"),
    ("entity-stays-text", markdown_text, "&lt;script&gt; &#60; &#x3c; R&D", None,
     "&amp;lt;script&amp;gt; &amp;#60; &amp;#x3c; R&D"),
    ("inline-link", markdown_text, "[login](https://evil.example)", None, "[login\\](https://evil.example)"),
    ("image", markdown_text, "![x](https://t.example/p.gif)", None, "![x\\](https://t.example/p.gif)"),
    ("reference-link", markdown_text, "[login][1]", None, "[login\\][1]"),
    ("backslash-cannot-cancel", markdown_text, "\\](https://evil.example)", None, "\\\\\\](https://evil.example)"),
    ("newline-folded", markdown_text, "ok\n## Sign-off\r\n**Approved**", None, "ok ⏎ ## Sign-off ⏎ **Approved**"),
    ("line-separator-folded", markdown_text, "a\u2028# b", None, "a ⏎ # b"),
    ("unbacked-url-as-code", markdown_text, "see https://evil.example/reset.", ["no link here"],
     "see `https://evil.example/reset`."),
    ("backed-url-stays", markdown_text, "see https://status.example/42.", ["status at https://status.example/42"],
     "see https://status.example/42."),
    ("unbacked-www-as-code", markdown_text, "go to www.evil.example now", [], "go to `www.evil.example` now"),
    ("unbacked-url-in-link", markdown_text, "[reset](https://evil.example/r)", [],
     "[reset\\](`https://evil.example/r`)"),
    ("source-url-unchecked", markdown_text, "see https://evil.example", None, "see https://evil.example"),
    ("block-heading", markdown_block, "## Sign-off", None, "\\## Sign-off"),
    ("block-quote", markdown_block, "> quoted", None, "&gt; quoted"),
    ("block-list", markdown_block, "- [x] done", None, "\\- [x] done"),
    ("block-ordered", markdown_block, "12. step", None, "12\\. step"),
    ("block-fence", markdown_block, "```js", None, "\\```js"),
    ("block-task-or-definition", markdown_block, "[a]: https://evil.example", None, "\\[a]: https://evil.example"),
    ("block-indented-code", markdown_block, "    code", None, "code"),
    ("block-plain-unchanged", markdown_block, "Mitigation began at 09:09 UTC.", None, "Mitigation began at 09:09 UTC."),
    ("cell-pipes", markdown_cell, "a | b\nc", None, "a \\| b ⏎ c"),
    ("cell-tag", markdown_cell, "x <b>y</b>", None, "x &lt;b>y&lt;/b>"),
    ("code-plain", markdown_code, "in.json", None, "`in.json`"),
    ("code-backticks", markdown_code, "a`b\nc", None, "`` a`b ⏎ c ``"),
]  # fmt: skip


@pytest.mark.parametrize(("function", "text", "backing", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_escape(function: object, text: str, backing: list[str] | None, expected: str) -> None:
    result = function(text) if function is markdown_code else function(text, backing)  # type: ignore[operator]
    assert result == expected


class _Tags(HTMLParser):
    """Every start tag and its attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def html_of(markdown: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = _Tags()
    parser.feed(MarkdownIt("commonmark").enable("table").render(markdown))
    return parser.tags


_OWN_TAGS = re.compile(r'<a id="ev-e\d+"></a>|<!-- postmortem-lint (?:disable|enable) -->')
_URL = re.compile(r"(?:https?|ftp)://[^\s<>`|\\“”]+")


def assert_inert(markdown: str, sources: str) -> None:
    """Nothing in ``markdown`` runs, loads or links anywhere the sources do not."""
    assert not re.search(r"<[A-Za-z/!?]", _OWN_TAGS.sub("", markdown)), "a raw tag of a value's own"
    assert markdown.count("<!-- postmortem-lint disable -->") == 1
    for tag, attrs in html_of(markdown):
        assert tag not in {"script", "img", "iframe", "object", "embed", "svg", "style"}, tag
        assert not [name for name in attrs if name.startswith("on")], (tag, attrs)
        if tag == "a" and "href" in attrs:
            href = attrs["href"] or ""
            assert href.startswith("#") or href in sources, href
    # A bare URL outside code spans (which some renderers link by themselves) comes from a source.
    for url in _URL.findall(re.sub(r"`[^`]*`", "", markdown)):
        assert url.rstrip(".,;:!?)") in sources, url


SECTIONS = [
    "## Summary", "## Impact", "## Timeline", "## Trigger / root cause", "## Contributing factors",
    "## What went well", "## What went wrong", "## Where we got lucky", "## Action items", "## Prevention",
    "## Lessons learned", "## Open questions for the review meeting", "## Related incidents",
    "## Blameless wording check", "## Review checklist", "## Appendix: communication log",
    "## Appendix: monitoring graphs", "## Appendix: evidence index", "### Provenance",
]  # fmt: skip


def headings(markdown: str) -> list[str]:
    return re.findall(r"^#{2,6} .*$", markdown, flags=re.MULTILINE)


@pytest.fixture(scope="module")
def hostile(hostile_incident: Path) -> Ingested:
    return ingest([hostile_incident], SourceOptions())


def sources_text(ingested: Ingested) -> str:
    return "\n".join(event.text for event in ingested.stream)


def test_rules_draft_of_the_hostile_incident_shows_markup_as_text(hostile: Ingested) -> None:
    draft = draft_from(hostile)
    markdown = render_markdown(draft, event_count=len(hostile.stream))
    # The markup reaches the draft in all three places a rules draft quotes the sources.
    factor = next(f for f in draft.contributing_factors if "<img" in f.title)
    assert any("<script>" in entry.description for entry in draft.timeline)
    assert any("<script>" in event.text for event in draft.evidence_index)
    assert f"**{markdown_text(factor.title)}**" in markdown
    assert "&lt;script>alert(document.cookie)&lt;/script>" in markdown
    assert headings(markdown) == SECTIONS
    assert_inert(markdown, sources_text(hostile))
    # JSON stays raw: it is data for other tools, which escape for their own output.
    assert "<script>alert(document.cookie)</script>" in render_json(draft).replace("\\u003c", "<")


MAP_NOTHING: dict[str, object] = {}


def hostile_synthesis(backed: str, cited: str) -> dict[str, object]:
    """What a compromised model might write, citing real events (``backed`` holds a URL)."""
    return {
        "summary": [
            {"text": "Card payments failed.\n## Sign-off\n**Approved by: VP Engineering**", "evidence": [cited]},
            {"text": "See <script>fetch('https://evil.example/c')</script> for details.", "evidence": [cited]},
            {"text": "Status ![](https://tracker.evil.example/p.gif?u=ops) tracked.", "evidence": [cited]},
        ],
        "trigger": [{"text": "<img src=x onerror=alert(1)> the pool change.", "evidence": [cited]}],
        "went_wrong": [
            {"text": "Reset your password at [the SSO portal](https://evil.example/reset).", "evidence": [cited]},
            {"text": "Rotate credentials as https://evil.example/login says.", "evidence": [backed]},
        ],
        "lessons": [{"text": "# Approved\nno review needed", "evidence": [cited]}],
        "contributing_factors": [
            {"title": "<svg onload=alert(1)>", "description": "<iframe src=https://evil.example>", "evidence": [cited]}
        ],
    }


def test_a_model_cannot_put_markup_links_or_sections_into_the_draft(hostile: Ingested) -> None:
    phishing = next(e.id for e in hostile.stream if "evil.example/login" in e.text)
    cited = next(e.id for e in hostile.stream if "root cause was the pool timeout" in e.text)
    count = len(chat_chunks(hostile.stream, Budget.for_context(8192)))  # the map calls find nothing
    backend = ScriptedBackend([MAP_NOTHING] * count + [hostile_synthesis(phishing, cited)])
    session = Session(Caller(backend), context_tokens=8192, concurrency=1, endpoint=None, call_log=None)
    draft: Draft = draft_from(hostile, llm=session)
    assert draft.provenance.extractor == "llm"
    assert not draft.gaps
    assert "## Sign-off" in draft.summary[0].text, "the model's words are kept, as text"
    markdown = render_markdown(draft, event_count=len(hostile.stream))
    assert headings(markdown) == SECTIONS
    assert "- Card payments failed. ⏎ ## Sign-off ⏎ **Approved by: VP Engineering**" in markdown
    assert "- \\# Approved ⏎ no review needed" in markdown
    assert "`https://evil.example/reset`" in markdown
    assert "`https://tracker.evil.example/p.gif?u=ops`" in markdown
    assert "as https://evil.example/login says" in markdown, "a URL the cited event holds stays a URL"
    assert_inert(markdown, sources_text(hostile))


def test_the_appendix_and_related_incidents_show_markup_as_text(tmp_path: Path) -> None:
    from datetime import UTC, datetime

    from postmortem_writer.events import EventStream
    from postmortem_writer.history.index import open_index
    from postmortem_writer.models import ActorKind, Event, Signal, SourceKind

    lines = [
        "Status page updated: <script>alert(1)</script> [click](javascript:alert(2)) checkout-service",
        "graphs: https://grafana.acme.example/d/x <img src=x onerror=alert(3)> and [file: <b>p99</b>.png]",
        "[FIRING:1] CheckoutP99LatencyHigh checkout-service <iframe src=//evil>",
    ]
    events = [
        Event(ts=datetime(2025, 3, 4, 9, n, tzinfo=UTC), source="chat.txt", format="test", kind=SourceKind.CHAT,
              ref=f"line {n}", actor="Sam", text=text)
        for n, text in enumerate(lines, start=1)
    ]  # fmt: skip
    events[2] = events[2].model_copy(
        update={"kind": SourceKind.ALERT, "signal": Signal.ALERT_FIRING, "actor_kind": ActorKind.SYSTEM}
    )
    history = tmp_path / "history"
    history.mkdir()
    (history / "x.md").write_text(
        "# <img src=x onerror=alert(4)> [t](javascript:alert(5))\n\n2024-01-02 CheckoutP99LatencyHigh checkout-service",
        encoding="utf-8",
    )
    ingested = Ingested(EventStream(events), [])
    draft = draft_from(ingested, history=open_index([history], tmp_path / "cache"), authors=["<b>Sam</b>"])
    assert draft.communications
    assert draft.graphs
    assert draft.related_incidents
    markdown = render_markdown(draft, event_count=len(events))
    assert_inert(markdown, "\n".join(lines))
