"""Markdown awareness: what is skipped, where findings point, sections, inline switches."""

from __future__ import annotations

from postmortem_writer.lint import lint_text
from postmortem_writer.lint.markdown import parse, section_kind

BLAME = "The reviewer should have spotted the missing index."


def _rules(text: str) -> list[tuple[str, int, int]]:
    return [(f.rule_id, f.line, f.column) for f in lint_text(text) if f.category != "structure"]


def test_positions_are_one_based_line_and_column_of_the_match() -> None:
    text = "# Analysis\n\nFirst line is fine.\nThen, the reviewer should have spotted it.\n"
    finding = next(f for f in lint_text(text) if f.rule_id == "blame.counterfactual")
    assert (finding.line, finding.column) == (4, 20)
    assert text[finding.start : finding.end] == finding.match == "should have spotted"
    assert finding.section == "Analysis"


def test_code_blocks_block_quotes_and_inline_code_are_skipped() -> None:
    text = f"```\n{BLAME}\n```\n\n> {BLAME}\n\nRun `{BLAME}` now.\n\n    indented text is prose here\n"
    assert _rules(text) == []


def test_a_blaming_sentence_after_skipped_parts_is_still_found() -> None:
    text = f"```\ncode\n```\n\n> quote\n\n- {BLAME}\n"
    assert _rules(text) == [("blame.counterfactual", 7, 16)]


def test_table_cells_are_checked_one_by_one() -> None:
    text = "| time | what |\n| --- | --- |\n| 10:02 | The reviewer should have spotted it |\n"
    assert _rules(text) == [("blame.counterfactual", 3, 24)]


def test_disable_and_enable_comments_switch_rules_off_for_a_region() -> None:
    text = (
        f"<!-- postmortem-lint disable blame.counterfactual -->\n{BLAME}\n\n"
        f"<!-- postmortem-lint enable blame.counterfactual -->\n{BLAME}\n"
    )
    assert _rules(text) == [("blame.counterfactual", 5, 14)]


def test_disable_without_ids_switches_every_rule_off() -> None:
    text = f"<!-- postmortem-lint disable -->\n{BLAME} Obviously.\n<!-- postmortem-lint enable -->\n"
    assert _rules(text) == []


def test_disable_next_covers_only_the_next_paragraph() -> None:
    text = f"<!-- postmortem-lint disable-next -->\n{BLAME}\n\n{BLAME}\n"
    assert _rules(text) == [("blame.counterfactual", 4, 14)]


def test_a_disable_for_another_rule_does_not_silence_this_one() -> None:
    text = f"<!-- postmortem-lint disable blame.human_error -->\n{BLAME}\n"
    assert [r for r, _, _ in _rules(text)] == ["blame.counterfactual"]


def test_appendix_is_skipped_by_default() -> None:
    assert _rules(f"## Appendix: evidence index\n\n{BLAME}\n") == []


def test_sections_get_their_kind_from_the_title() -> None:
    doc = parse("# Incident\n\n## Action Items\n\n- a\n\n## Timeline (UTC)\n\n- b\n")
    assert [(s.title, s.kind) for s in doc.sections] == [
        ("Incident", "other"),
        ("Action Items", "actions"),
        ("Timeline (UTC)", "timeline"),
    ]
    assert section_kind("Contributing factors") == "analysis"


def test_sentences_are_split_and_offsets_kept() -> None:
    text = "One fact here. Obviously it broke.\n"
    doc = parse(text)
    assert [s.text for s in doc.sentences] == ["One fact here.", "Obviously it broke."]
    assert text[doc.sentences[1].start :].startswith("Obviously")


def test_link_targets_are_not_prose() -> None:
    assert _rules("See [the log](https://example.test/obviously-broken).\n") == []
