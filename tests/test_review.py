"""The review page as HTML (sections from the table, escaping, CSP, size) and folding a review back in."""

from __future__ import annotations

import base64
import hashlib
import re
from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from markupsafe import escape

from conftest import HOSTILE_INCIDENT, SAMPLE_INCIDENT
from postmortem_writer.cli import cli
from postmortem_writer.models import Draft, SourceKind, TimelineEntry, TimelineKind
from postmortem_writer.render import lane, render_json
from postmortem_writer.resources import templates_dir
from postmortem_writer.review import (
    Action,
    Decision,
    Review,
    apply_review,
    claims,
    draft_hash,
    render_review,
    threads,
)
from postmortem_writer.sections import SECTIONS
from review_support import PAYLOADS, blamed_draft, hostile_draft, sample_draft
from test_sections import _full_draft


class _Page(HTMLParser):
    """Every tag and attribute of a page, and the text of its scripts and style."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.raw: dict[str, list[str]] = {"script": [], "style": []}
        self._open: str | None = None
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag in self.raw:
            self._open = tag
            self.raw[tag].append("")

    def handle_endtag(self, tag: str) -> None:
        self._open = None

    def handle_data(self, data: str) -> None:
        if self._open:
            self.raw[self._open][-1] += data


def _csp_hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


@pytest.fixture(scope="module")
def sample() -> Draft:
    return sample_draft(SAMPLE_INCIDENT)[0]


@pytest.fixture(scope="module")
def hostile_page() -> str:
    draft, count = hostile_draft(HOSTILE_INCIDENT)
    return render_review(draft, event_count=count)


def test_every_section_of_the_table_shows_its_claims_with_their_evidence() -> None:
    draft = _full_draft()
    page = render_review(draft, event_count=0)
    for section in SECTIONS:
        assert f'id="h-{section.field}">{section.heading}</h2>' in page
    for claim in claims(draft):
        chips = "".join(f'<a class="chip" href="#ev-{i.lower()}" data-ev="{i}">{i}</a>' for i in claim.evidence)
        assert re.search(rf'data-claim="{re.escape(claim.key)}"[^>]*>.*?{re.escape(chips)}', page, re.S), claim.key


def test_the_csp_allows_exactly_the_inline_script_and_style(sample: Draft) -> None:
    page = render_review(sample, event_count=52)
    parsed = _Page(page)
    csp = next(attrs["content"] for tag, attrs in parsed.tags if tag == "meta" and attrs.get("http-equiv"))
    assert csp is not None
    policy = dict(part.strip().split(" ", 1) for part in csp.split(";"))
    assert policy["default-src"] == "'none'"
    [inline_script] = [
        text
        for text, (_, attrs) in zip(parsed.raw["script"], [t for t in parsed.tags if t[0] == "script"], strict=True)
        if "type" not in attrs
    ]
    assert policy["script-src"] == _csp_hash(inline_script)
    assert inline_script == (templates_dir() / "review.js").read_text(encoding="utf-8")
    assert policy["style-src"] == _csp_hash(parsed.raw["style"][0])
    # Nothing is loaded from anywhere: no element with a source or a stylesheet link.
    assert not [tag for tag, attrs in parsed.tags if "src" in attrs or tag == "link"]


@pytest.mark.parametrize("payload_id", list(PAYLOADS))
def test_no_source_text_becomes_markup(payload_id: str, hostile_page: str) -> None:
    page = hostile_page
    parsed = _Page(page)
    assert [tag for tag, _ in parsed.tags].count("script") == 2
    for tag, attrs in parsed.tags:
        assert tag not in {"img", "iframe", "svg"} or (tag == "svg" and "onload" not in attrs)
        assert not [name for name in attrs if name.startswith("on")], (tag, attrs)
        assert not str(attrs.get("href") or "").startswith("javascript:")
    # The payload is in the page as text.
    assert str(escape(PAYLOADS[payload_id])) in page


def test_the_evidence_is_the_cited_events_and_their_neighbours_only(sample: Draft) -> None:
    template = sample.evidence_index[0]
    stream = [
        template.model_copy(update={"id": f"E{n}", "ts": template.ts + timedelta(seconds=n), "text": f"message {n}"})
        for n in range(1, 2001)
    ]
    # E1000 and E1500 alone; E1700 and E1704 share their neighbours, shown once.
    cited = [stream[n - 1] for n in (1000, 1500, 1700, 1704)]
    row = TimelineEntry(time=cited[0].ts, kind=TimelineKind.OTHER, description="talk", evidence=[e.id for e in cited])
    draft = sample.model_copy(update={"evidence_index": cited, "timeline": [row]})
    shown = threads(draft, stream)
    assert [[e.id for e in t.events][:: len(t.events) - 1] for t in shown] == [
        ["E997", "E1003"],
        ["E1497", "E1503"],
        ["E1697", "E1707"],
    ]
    assert [sorted(t.cited) for t in shown] == [["E1000"], ["E1500"], ["E1700", "E1704"]]
    page = render_review(draft, event_count=len(stream), stream=stream)
    assert page.count('<li class="context">') == 6 + 6 + 9
    assert "message 1200" not in page


def test_neighbours_come_from_the_same_channel(sample: Draft) -> None:
    shown = threads(sample)
    assert len({t.lane for t in shown}) > 1
    for thread in shown:
        assert {lane(e) for e in thread.events} == {thread.lane}


def _decision(draft: Draft, key: str, action: Action, **fields: str) -> Decision:
    claim = next(c for c in claims(draft) if c.key == key)
    return Decision(
        section=claim.section.field, action=action, original=claim.fields, evidence=claim.evidence, fields=fields
    )


def _review(draft: Draft, *decisions: tuple[str, Action, dict[str, str]]) -> Review:
    return Review(
        draft_sha256=draft_hash(draft),
        reviewer="Ana",
        decisions={key: _decision(draft, key, action, **fields) for key, action, fields in decisions},
    )


# (id, decisions, check of the reviewed draft)
_APPLY_CASES: list[tuple[str, list[tuple[str, Action, dict[str, str]]], Any]] = [
    ("accept-factor", [("contributing_factors[0]", Action.ACCEPT, {})],
     lambda old, new: not new.contributing_factors[0].candidate and new.contributing_factors[1].candidate),
    ("reject-factor", [("contributing_factors[1]", Action.REJECT, {})],
     lambda old, new: new.contributing_factors == [old.contributing_factors[0], *old.contributing_factors[2:]]),
    ("edit-owner", [("action_items[0]", Action.EDIT, {"owner": "Ana Costa", "due": "2025-04-01"})],
     lambda old, new: (new.action_items[0].owner, new.action_items[0].due) == ("Ana Costa", "2025-04-01")),
    ("reject-timeline-row", [("timeline[0]", Action.REJECT, {})],
     lambda old, new: new.timeline == old.timeline[1:]),
    ("reject-figure", [("impact.figures[1]", Action.REJECT, {})],
     lambda old, new: len(new.impact.figures) == len(old.impact.figures) - 1),
    ("reword-summary", [("summary[0]", Action.EDIT, {"text": "Checkout latency rose at 09:04."})],
     lambda old, new: new.summary[0].text == "Checkout latency rose at 09:04." and not new.blame_findings),
    ("reject-summary-renumbers-finding", [("summary[0]", Action.ACCEPT, {}), ("timeline[3]", Action.REJECT, {})],
     lambda old, new: [f.path for f in new.blame_findings] == ["summary[0]"]),
]  # fmt: skip


@pytest.mark.parametrize(("case", "decisions", "check"), _APPLY_CASES, ids=[c[0] for c in _APPLY_CASES])
def test_apply_review(case: str, decisions: Any, check: Any, sample_incident: Path) -> None:
    draft, _ = blamed_draft(sample_incident)
    applied = apply_review(draft, _review(draft, *decisions))
    assert applied.stale == []
    assert applied.kept == len(decisions)
    assert check(draft, applied.draft)


def test_a_redraft_keeps_the_decisions_whose_claims_still_stand(sample: Draft) -> None:
    review = _review(
        sample,
        ("contributing_factors[0]", Action.REJECT, {}),
        ("action_items[1]", Action.EDIT, {"owner": "Ana Costa"}),
        ("timeline[2]", Action.ACCEPT, {}),
    )
    redraft = sample.model_copy(deep=True)
    redraft.action_items.insert(0, redraft.action_items.pop(1))  # the claim moved
    redraft.timeline[2].description = "Another reading of the page"  # the claim changed
    applied = apply_review(redraft, review)
    assert applied.kept == 2
    assert [line.split(" ")[0] for line in applied.stale] == ["timeline[2]"]
    assert applied.draft.action_items[0].owner == "Ana Costa"
    assert sample.contributing_factors[0] not in applied.draft.contributing_factors


def test_cli_review_and_apply(tmp_path: Path, sample_incident: Path) -> None:
    runner = CliRunner()
    draft_json = tmp_path / "draft.json"
    result = runner.invoke(cli, ["draft", str(sample_incident), "--format", "json", "-o", str(draft_json)])
    assert result.exit_code == 0, result.output
    page = tmp_path / "review.html"
    result = runner.invoke(cli, ["review", str(draft_json), "--sources", str(sample_incident), "-o", str(page)])
    assert result.exit_code == 0, result.output
    draft = Draft.model_validate_json(draft_json.read_text(encoding="utf-8"))
    assert f"Wrote the review page of {len(draft.evidence_index)} cited events" in result.output
    assert page.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    review = _review(draft, ("contributing_factors[0]", Action.REJECT, {}))
    review.decisions["summary[9]"] = _decision(draft, "summary[0]", Action.ACCEPT).model_copy(
        update={"original": {"text": "a line no draft has"}}
    )
    (tmp_path / "review.json").write_text(review.model_dump_json(), encoding="utf-8")
    result = runner.invoke(cli, ["apply", str(draft_json), str(tmp_path / "review.json"), "--strict"])
    assert result.exit_code == 2
    assert "Applied 1 of 2 decision(s)" in result.output
    assert "no longer stands: summary[9] (accept): a line no draft has" in result.output
    assert "Reviewed by Ana on" in result.output
    assert draft.contributing_factors[0].title not in result.output


def test_cli_draft_as_html_and_bad_inputs(tmp_path: Path, sample_incident: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(cli, ["draft", str(sample_incident), "--format", "html"])
    assert result.exit_code == 0
    assert '<script type="application/json" id="review-data">' in result.output
    bad = tmp_path / "draft.json"
    bad.write_text('{"title": 3}', encoding="utf-8")
    result = runner.invoke(cli, ["review", str(bad)])
    assert result.exit_code == 2
    assert result.output.strip().splitlines()[-1] == f"error: {bad}: title: Input should be a valid string"
    other = tmp_path / "other"
    other.mkdir()
    (other / "chat.txt").write_text("[09:00] Ana: hello\n", encoding="utf-8")
    good = tmp_path / "good.json"
    good.write_text(render_json(sample_draft(sample_incident)[0]), encoding="utf-8")
    result = runner.invoke(
        cli, ["review", str(good), "--sources", str(other / "chat.txt"), "--date", "2025-03-04", "--tz", "UTC"]
    )
    assert result.exit_code == 2
    assert "is not the same in these sources" in result.output


def test_the_page_marks_withheld_events_and_blame_findings(hostile_incident: Path, sample_incident: Path) -> None:
    draft, count = sample_draft(hostile_incident)
    page = render_review(draft, event_count=count)
    assert page.count('class="ev cited withheld"') == len(
        set(draft.provenance.withheld) & {e.id for e in draft.evidence_index}
    )
    draft, count = blamed_draft(sample_incident)
    page = render_review(draft, event_count=count)
    assert '<mark class="blame" title="blame.counterfactual: ' in page
    assert 'data-sentence="The on-call engineer should have noticed the alert sooner."' in page


def test_the_picture_draws_spans_and_markers(sample: Draft) -> None:
    page = render_review(sample, event_count=52)
    svg = page[page.index("<svg") : page.index("</svg>")]
    assert svg.count('class="mark mark-firing"') == 1  # the page fired at 09:10 and resolved at 09:55
    assert svg.count('class="mark mark-rollback"') == 2
    assert svg.count('class="mark mark-deploy"') == 3
    assert '<rect class="window"' in svg
    assert SourceKind.CHAT in {e.kind for e in sample.evidence_index}
    assert 'class="density"' in svg


def test_a_decision_changes_only_its_own_claim(sample: Draft) -> None:
    draft = sample.model_copy(deep=True)
    draft.trigger = [draft.summary[1]]  # one item in two sections, as an extractor may leave it
    applied = apply_review(draft, _review(draft, ("summary[1]", Action.EDIT, {"text": "Reworded."})))
    assert applied.draft.summary[1].text == "Reworded."
    assert applied.draft.trigger[0].text == sample.summary[1].text
