"""Rewording: templates without a model, and any rewriter's candidate gated by the verifier."""

from __future__ import annotations

import json
from collections.abc import Sequence

from postmortem_writer.lint import lint_text
from postmortem_writer.lint.report import render
from postmortem_writer.lint.reword import (
    TEMPLATE_LABEL,
    Rewrite,
    findings_from_json,
    render_reworded,
    reword_findings,
    reword_text,
)
from postmortem_writer.models import Finding

SENTENCE = "At 02:10 the on-call engineer should have noticed the disk alert on db-7."


class ScriptedRewriter:
    """A test double for the Rewriter protocol: returns the rewrite it was given, records its calls."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.calls: list[tuple[str, list[str]]] = []

    def rewrite(self, sentence: str, findings: Sequence[Finding]) -> Rewrite:
        self.calls.append((sentence, [f.rule_id for f in findings]))
        return Rewrite(
            text=self.text,
            categories_addressed=[f.category for f in findings],
            rationale="describes what was visible",
            questions=["What else was paging at 02:10?"],
        )


def test_without_any_rewriter_the_templates_are_labelled_as_templates() -> None:
    items = reword_text(SENTENCE, offline=False)
    assert len(items) == 1
    assert items[0].candidate is None
    assert items[0].offered is None
    assert items[0].templates[0][0] == "blame.counterfactual"
    text = render_reworded(items)
    assert TEMPLATE_LABEL in text
    assert "verified" not in text


def test_without_a_model_the_offline_rewrite_is_offered() -> None:
    item = reword_text(SENTENCE)[0]
    assert item.offered is not None
    assert item.source == "offline"
    assert "rewrite (offline, verified): At 02:10 the disk alert on db-7 was not acted on." in render_reworded([item])
    row = json.loads(render_reworded([item], "json"))["sentences"][0]
    assert (row["source"], row["rewrite"]["text"]) == ("offline", item.offered.text)


def test_the_models_verified_rewrite_is_preferred() -> None:
    rewriter = ScriptedRewriter("At 02:10 the disk alert on db-7 was not noticed.")
    item = reword_text(SENTENCE, rewriter=rewriter)[0]
    assert rewriter.calls == [(SENTENCE, ["blame.counterfactual"])]
    assert item.offered is not None
    assert "rewrite (model, verified): At 02:10 the disk alert on db-7 was not noticed." in render_reworded([item])
    assert "question for the author: What else was paging at 02:10?" in render_reworded([item])


def test_a_rewrite_that_loses_a_fact_or_still_blames_is_not_offered() -> None:
    lost = reword_text(SENTENCE, rewriter=ScriptedRewriter("At 02:10 the disk alert was not noticed."), offline=False)[
        0
    ]
    assert lost.offered is None
    assert lost.verdict is not None
    assert lost.verdict.problems == ["lost identifier 'db-7'"]
    text = "At 02:10 the responder failed to read db-7's alert."
    blaming = reword_text(SENTENCE, rewriter=ScriptedRewriter(text), offline=False)[0]
    assert blaming.offered is None
    assert "no rewrite: model rewrite rejected: still blame.counterfactual" in render_reworded([blaming])


def test_findings_of_one_sentence_are_grouped() -> None:
    items = reword_findings(lint_text("Obviously the reviewer should have spotted it. Fine sentence."))
    assert [[f.rule_id for f in item.findings] for item in items] == [
        ["blame.hindsight_minimizing", "blame.counterfactual"]
    ]


def test_lint_json_round_trips_into_reword() -> None:
    report = render({"pm.md": lint_text(SENTENCE, path="pm.md")}, "json")
    findings = findings_from_json(report, path="lint.json")
    assert [f.rule_id for f in findings] == ["blame.counterfactual"]
    data = json.loads(render_reworded(reword_findings(findings, offline=False), "json"))
    assert data["sentences"][0]["rules"] == ["blame.counterfactual"]
    assert data["sentences"][0]["rewrite"] is None
