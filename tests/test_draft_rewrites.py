"""The draft's own "Blameless wording check" offers a verified rewrite beside each finding that has
one: in the Markdown, the review page and the JSON, escaped like every text from a model."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from postmortem_writer import pipeline
from postmortem_writer.lint.apply import offer_rewrites
from postmortem_writer.models import Draft
from postmortem_writer.pipeline import draft_from, ingest
from postmortem_writer.render import render_json, render_markdown
from postmortem_writer.review import render_review
from postmortem_writer.sources import SourceOptions
from review_support import BLAME_SENTENCE, blamed_draft
from rewriter_support import KnownRewriter, without_offline

REWRITE = "The alert was not acted on sooner."
# Markup a renderer would act on: the verifier refuses new words, so only a renderer's own escaping
# stands between such a rewrite and the page.
HOSTILE = "The alert was not acted on sooner <img src=x onerror=alert(1)> [status](https://evil.example)."


@pytest.fixture(autouse=True)
def _test_rewriter_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    """The test rewriter alone: the offline rewriter's fallback would rewrite what it leaves."""
    without_offline(monkeypatch)


def _offered(sources: Path, rewrite: str) -> tuple[Draft, int]:
    draft, count = blamed_draft(sources)
    assert offer_rewrites(draft, KnownRewriter({BLAME_SENTENCE: rewrite})) == 1
    return draft, count


def test_each_finding_of_the_sentence_carries_its_verified_rewrite(sample_incident: Path) -> None:
    draft, _ = _offered(sample_incident, REWRITE)
    on_sentence = [f for f in draft.blame_findings if f.sentence == BLAME_SENTENCE]
    assert on_sentence
    assert {f.rewrite for f in on_sentence} == {REWRITE}


def test_a_rewrite_that_fails_verification_is_not_offered(sample_incident: Path) -> None:
    draft, _ = blamed_draft(sample_incident)
    assert offer_rewrites(draft, KnownRewriter({BLAME_SENTENCE: BLAME_SENTENCE})) == 0
    assert all(f.rewrite is None for f in draft.blame_findings)
    assert "verified rewrite" not in render_markdown(draft, event_count=52)


def test_the_markdown_check_shows_the_rewrite_beside_each_finding_of_its_sentence(sample_incident: Path) -> None:
    draft, count = _offered(sample_incident, REWRITE)
    text = render_markdown(draft, event_count=count)
    check = text[text.index("## Blameless wording check") : text.index("## Review checklist")]
    rows = [line for line in check.splitlines() if line.startswith("| summary[0] |")]
    assert rows
    assert all(row.endswith(f" — verified rewrite: “{REWRITE}” |") for row in rows)
    assert check.count("verified rewrite") == len(rows)


def test_the_json_draft_carries_the_rewrite(sample_incident: Path) -> None:
    draft, _ = _offered(sample_incident, REWRITE)
    findings = json.loads(render_json(draft))["blame_findings"]
    assert {f["rewrite"] for f in findings if f["sentence"] == BLAME_SENTENCE} == {REWRITE}


def test_the_review_page_offers_the_rewrite_as_the_suggestion(sample_incident: Path) -> None:
    draft, count = _offered(sample_incident, REWRITE)
    page = render_review(draft, event_count=count)
    assert f'data-sentence="{BLAME_SENTENCE}">{REWRITE}</textarea>' in page
    assert "A verified rewrite: it lints clean" in page
    assert f'<span class="rewrite">Verified rewrite: “{REWRITE}”</span>' in page


def test_a_rewrite_is_escaped_for_markdown_and_html(sample_incident: Path) -> None:
    draft, count = _offered(sample_incident, REWRITE)
    for finding in draft.blame_findings:
        if finding.rewrite is not None:
            finding.rewrite = HOSTILE  # what a renderer must survive, whatever let it through
    text = render_markdown(draft, event_count=count)
    row = next(line for line in text.splitlines() if "verified rewrite" in line)
    assert "<img" not in row
    assert "&lt;img src=x" in row
    assert "[status\\](`https://evil.example`)" in row  # no link can form
    page = render_review(draft, event_count=count)
    assert "<img src=x" not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page


def test_draft_from_hands_its_rewriter_to_the_check(sample_incident: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    given: list[Any] = []
    monkeypatch.setattr(pipeline, "offer_rewrites", lambda draft, rewriter, config: given.append(rewriter))
    rewriter = KnownRewriter()
    draft_from(ingest([sample_incident], SourceOptions()), rewriter=rewriter)
    draft_from(ingest([sample_incident], SourceOptions()))
    assert given == [rewriter, None]
