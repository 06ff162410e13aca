"""``postmortem draft`` lints its own wording: findings on the Draft, listed in the Markdown."""

from __future__ import annotations

from pathlib import Path

from conftest import chat_event
from postmortem_writer.lint import lint_draft
from postmortem_writer.models import ActionItem, Cited, Draft, Provenance, TimelineEntry, TimelineKind
from postmortem_writer.pipeline import draft_from, ingest
from postmortem_writer.render import render_markdown
from postmortem_writer.sources import SourceOptions


def _draft() -> Draft:
    return Draft(
        title="Checkout latency",
        summary=[Cited(text="Checkout slowed at 10:02 UTC.")],
        went_wrong=[Cited(text="Obviously the pool was too small.")],
        action_items=[ActionItem(description="Remind engineers to be more careful with pool settings.")],
        open_questions=[Cited(text="Why didn't Marco check the canary?")],
        provenance=Provenance(tool_version="0", extractor="rules"),
    )


def test_lint_draft_names_the_field_and_uses_section_and_people() -> None:
    # In the draft's reading order (the section table's), as the rendered list shows them.
    findings = lint_draft(_draft(), people=("Marco Rossi",))
    assert [(f.path, f.rule_id, f.match, f.line, f.column) for f in findings] == [
        ("went_wrong[0]", "blame.hindsight_minimizing", "Obviously", 1, 1),
        ("action_items[0]", "blame.person_focused_remediation", "be more careful", 1, 21),
        ("open_questions[0]", "blame.counterfactual", "Why didn't", 1, 1),
        ("open_questions[0]", "blame.naming_individuals", "Marco", 1, 12),
    ]
    assert findings[1].section == "Action items"


def test_findings_are_listed_in_the_rendered_draft() -> None:
    draft = _draft()
    draft.blame_findings = lint_draft(draft)
    text = render_markdown(draft, event_count=0)
    assert "## Blameless wording check" in text
    assert "| went_wrong[0] | `blame.hindsight_minimizing` | “Obviously” |" in text


def test_the_rendered_list_is_not_linted_again() -> None:
    from postmortem_writer.lint import lint_text

    draft = _draft()
    draft.blame_findings = lint_draft(draft)
    text = render_markdown(draft, event_count=0)
    in_check = [f for f in lint_text(text) if f.section == "Blameless wording check"]
    assert in_check == []


def test_pipeline_fills_blame_findings(sample_incident: Path) -> None:
    draft = draft_from(ingest([sample_incident], SourceOptions()))
    assert draft.blame_findings == lint_draft(draft, people=tuple(sorted(_people(sample_incident))))


def _people(sample_incident: Path) -> set[str]:
    return set(ingest([sample_incident], SourceOptions()).stream.people)


def test_a_quote_of_a_cited_message_is_judged_by_the_cue_rules_alone() -> None:
    from datetime import UTC, datetime

    from postmortem_writer.models import Event, SourceKind, TimelineEntry, TimelineKind

    said = "Mei Zhang changed the percentage rollout in Production from 25% to 100%"
    event = Event(id="E1", ts=datetime(2025, 3, 4, 9, tzinfo=UTC), source="flags.json", format="records",
                  kind=SourceKind.DEPLOY, ref="record 1", actor="LaunchDarkly", text=said)  # fmt: skip
    quoted = Draft(
        title="Search ranking",
        timeline=[
            TimelineEntry(time=event.ts, kind=TimelineKind.CHANGE, description=f"LaunchDarkly: {said}", evidence=["E1"])
        ],
        evidence_index=[event],
        provenance=Provenance(tool_version="0", extractor="rules"),
    )
    assert lint_draft(quoted) == []
    # The same words as the tool's own prose (citing nothing it quotes) go through every layer.
    own = quoted.model_copy(update={"summary": [Cited(text=said)]})
    assert {f.path for f in lint_draft(own)} == {"summary[0]"}


def test_a_sentence_repeated_across_fields_is_flagged_in_each() -> None:
    # lint_draft checks each clean sentence once: a flagged one must still be reported every time.
    said = "Obviously the pool was too small."
    draft = _draft()
    draft.went_wrong = [Cited(text=said), Cited(text="The pool was resized."), Cited(text=said)]
    findings = [(f.path, f.rule_id) for f in lint_draft(draft) if f.path.startswith("went_wrong")]
    assert findings == [
        ("went_wrong[0]", "blame.hindsight_minimizing"),
        ("went_wrong[2]", "blame.hindsight_minimizing"),
    ]


def test_a_name_of_thousands_of_characters_is_matched_like_any_other() -> None:
    # Names come from the sources: a pasted blob read as a display name must not break the lint.
    long_name = "Q" + "q" * 3000
    draft = _draft()
    draft.open_questions = [Cited(text=f"Why didn't {long_name} check the canary?")]
    found = [f.rule_id for f in lint_draft(draft, people=(long_name,)) if f.path == "open_questions[0]"]
    assert found == ["blame.counterfactual", "blame.naming_individuals"]


def test_a_row_quoting_its_source_with_a_name_of_thousands_of_characters_is_linted() -> None:
    # A quoted row is screened for names before the people pattern runs: the screen must take such a name too.
    long_name = "Q" + "q" * 3000
    said = f"{long_name} broke the checkout deploy at 10:02"
    draft = _draft()
    draft.evidence_index = [chat_event(said, id="E3")]
    draft.timeline = [
        TimelineEntry(time=draft.evidence_index[0].ts, kind=TimelineKind.CHANGE, description=said, evidence=["E3"])
    ]
    found = [f.rule_id for f in lint_draft(draft, people=(long_name,)) if f.path == "timeline[0]"]
    assert found == ["blame.naming_individuals", "blame.individual_as_cause"]
