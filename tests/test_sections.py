"""The table of draft sections: every site derives from it, so a heading, a citation or a wording cannot be missed.

A draft with one item in every section (each citing its own event, each wording blame-prone) goes
round: the template renders every heading in the table's order, the lint reads every heading as the
kind the table says, the lint of the draft's wording finds each wording at its table path, a rewrite
lands there, ``cited_ids`` sees every citation, and the eval counts and claims what the table says.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from postmortem_writer.evaluation.metrics import COUNTED, _claims
from postmortem_writer.extract.candidates import Synthesis
from postmortem_writer.lint import lint_draft, lint_text
from postmortem_writer.lint.apply import _replace
from postmortem_writer.lint.markdown import parse, section_kind
from postmortem_writer.models import (
    ActionItem,
    Cited,
    ContributingFactor,
    Draft,
    ImpactFigure,
    Link,
    Provenance,
    RelatedIncident,
    TimelineEntry,
    TimelineKind,
)
from postmortem_writer.render import render_markdown
from postmortem_writer.sections import SECTIONS, Filled, Section

_AT = datetime(2025, 3, 4, 10, 0, tzinfo=UTC)
# Blame-prone wording the lint flags wherever it stands (hindsight-minimising "obviously").
_BLAME = "Obviously the pool was too small"


def _item(section: Section, number: int) -> object:
    evidence = [f"E{number}"]
    match section.field:
        case "impact":
            return ImpactFigure(metric="users", value="40%", quote="40% of users", evidence=evidence)
        case "timeline":
            return TimelineEntry(time=_AT, kind=TimelineKind.OTHER, description=_BLAME, evidence=evidence)
        case "contributing_factors":
            return ContributingFactor(title="Pool size", description=_BLAME, category="capacity", evidence=evidence)
        case "action_items":
            return ActionItem(description=_BLAME, evidence=evidence)
        case "related_incidents":
            return RelatedIncident(text=_BLAME, title="Earlier", path="pm/earlier.md", evidence=evidence)
        case "graphs":
            return Link(url="https://grafana.example/d/abc", tool="grafana", text=_BLAME, evidence=evidence)
    return Cited(text=_BLAME, evidence=evidence)


def _full_draft() -> Draft:
    draft = Draft(title="Checkout latency", provenance=Provenance(tool_version="0", extractor="rules"))
    for number, section in enumerate(SECTIONS, start=1):
        _list(draft, section.cited).append(_item(section, number))
        if section.wording != section.cited:  # impact: the figures cite, the unknowns are its wording
            section.wordings(draft).append(_BLAME)
    return draft


def _list(draft: Draft, path: str) -> list[object]:
    holder: object = draft
    for name in path.split("."):
        holder = getattr(holder, name)
    assert isinstance(holder, list)
    return holder


def test_the_table_names_every_draft_field_once() -> None:
    fields = [section.field for section in SECTIONS]
    assert len(fields) == len(set(fields))
    assert set(fields) <= set(Draft.model_fields)


@pytest.mark.parametrize("section", SECTIONS, ids=lambda section: section.field)
def test_every_heading_is_read_by_the_lint_as_its_kind(section: Section) -> None:
    assert section_kind(section.heading) == section.lint_kind
    for alias in section.aliases:
        assert section_kind(alias) == section.lint_kind


def test_the_template_renders_every_heading_in_table_order_and_the_lint_finds_them() -> None:
    for draft in (_full_draft(), Draft(title="t", provenance=Provenance(tool_version="0", extractor="rules"))):
        text = render_markdown(draft, event_count=0)
        positions = [text.index(f"\n## {section.heading}\n") for section in SECTIONS]
        assert positions == sorted(positions)
        kinds = {s.title: s.kind for s in parse(text).sections}
        assert {section.heading: section.lint_kind for section in SECTIONS}.items() <= kinds.items()


def test_an_empty_section_says_what_the_table_says() -> None:
    text = render_markdown(Draft(title="t", provenance=Provenance(tool_version="0", extractor="rules")), event_count=0)
    for section in SECTIONS:
        assert f"_{section.empty}_" in text


def test_cited_ids_sees_every_section() -> None:
    assert _full_draft().cited_ids() == {f"E{number}" for number in range(1, len(SECTIONS) + 1)}


def test_the_lint_reads_every_wording_at_its_table_path_and_a_rewrite_lands_there() -> None:
    draft = _full_draft()
    paths = {finding.path for finding in lint_draft(draft)}
    # The appendix quotes the sources; the lint skips it as it skips any "Appendix" section.
    linted = [section for section in SECTIONS if not section.appendix]
    assert paths == {f"{section.wording}[0]" for section in linted}
    for section in linted:
        assert _replace(draft, f"{section.wording}[0]", "Obviously", "Then")
        assert "Obviously" not in section.text(section.wordings(draft)[0])
    assert lint_draft(draft) == []
    assert not [f for f in lint_text(render_markdown(draft, event_count=0)) if f.rule_id.startswith("blame.")]


def test_the_eval_counts_and_claims_what_the_table_says() -> None:
    draft = _full_draft()
    assert {section.field for section in COUNTED} == {s.field for s in SECTIONS if s.filled is not None}
    assert all(section.filled is not Filled.WINDOW for section in COUNTED if section.field != "impact")
    claimed = {(text, tuple(evidence)) for text, evidence in _claims(draft)}
    for number, section in enumerate(SECTIONS, start=1):
        assert any(evidence == (f"E{number}",) for _, evidence in claimed) is (section.claim is not None)


def test_every_merged_section_is_a_list_of_the_synthesis_answer() -> None:
    merged = {section.field for section in SECTIONS if section.merge is not None}
    assert merged <= set(Synthesis.model_fields)
    assert set(Synthesis.model_fields) <= {section.field for section in SECTIONS}
