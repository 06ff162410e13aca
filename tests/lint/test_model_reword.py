"""Model-backed rewording: verification inside validation, applying rewrites to a draft, the CLI."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import pytest
from click.testing import CliRunner

from postmortem_writer.cli import cli
from postmortem_writer.lint.apply import reword_draft
from postmortem_writer.lint.config import LintConfig
from postmortem_writer.lint.detect import lint_draft, lint_text
from postmortem_writer.lint.model_rewriter import ModelRewriter
from postmortem_writer.lint.reword import Rewrite, reword
from postmortem_writer.llm.cache import Cache
from postmortem_writer.llm.calls import Caller
from postmortem_writer.models import Draft, Finding
from postmortem_writer.pipeline import draft_from, ingest
from postmortem_writer.sources import SourceOptions
from postmortem_writer.testing.fake import ScriptedBackend
from postmortem_writer.testing.loopback import Answer, LoopbackServer

BLAMING = "The on-call engineer should have noticed the alert at 02:10."
GOOD = {
    "text": "The alert at 02:10 was not noticed.",
    "categories_addressed": ["counterfactual"],
    "rationale": "The alert is the subject; no hindsight.",
    "questions": ["What made the alert easy to miss?"],
}
STILL_BLAMING = {**GOOD, "text": "The engineer should have seen the alert at 02:10."}
LOST_TIME = {**GOOD, "text": "The alert was not noticed."}


def rewriter(script: list[object]) -> tuple[ModelRewriter, ScriptedBackend]:
    backend = ScriptedBackend(script)  # type: ignore[arg-type]
    return ModelRewriter(Caller(backend)), backend


def test_a_verified_rewrite_is_offered_with_its_questions() -> None:
    model, backend = rewriter([GOOD])
    result = reword(BLAMING, lint_text(BLAMING), rewriter=model)
    assert result.offered is not None
    assert result.offered.text == GOOD["text"]
    assert result.offered.questions == ["What made the alert easy to miss?"]
    assert backend.remaining == 0
    prompt = backend.requests[0].messages[1]["content"]
    assert BLAMING in prompt
    assert "counterfactual" in prompt


@pytest.mark.parametrize("bad", [STILL_BLAMING, LOST_TIME], ids=["still-blames", "loses-a-time"])
def test_a_rewrite_that_fails_verification_is_reasked(bad: dict[str, object]) -> None:
    model, backend = rewriter([bad, GOOD])
    result = reword(BLAMING, lint_text(BLAMING), rewriter=model)
    assert result.offered is not None
    assert result.offered.text == GOOD["text"]
    assert backend.remaining == 0


def test_when_every_attempt_fails_the_templates_stand() -> None:
    model, _ = rewriter([STILL_BLAMING] * 3)
    result = reword(BLAMING, lint_text(BLAMING), rewriter=model, offline=False)
    assert result.offered is None
    assert result.failure is not None
    assert "still blame.counterfactual" in result.failure
    assert result.templates


def test_when_the_model_fails_the_offline_rewrite_is_the_fallback() -> None:
    model, _ = rewriter([STILL_BLAMING] * 3)
    result = reword(BLAMING, lint_text(BLAMING), rewriter=model)
    assert result.offered is not None
    assert (result.source, result.offered.text) == ("offline", "The alert at 02:10 was not acted on.")
    assert result.reasons[0].startswith("model: ")


def test_a_sentence_the_model_cannot_reword_is_not_asked_again(tmp_path: Path) -> None:
    cache = Cache(tmp_path / "cache.sqlite")
    first = ScriptedBackend([STILL_BLAMING] * 3)  # type: ignore[arg-type]
    failed = reword(BLAMING, lint_text(BLAMING), rewriter=ModelRewriter(Caller(first, cache=cache)), offline=False)
    assert failed.offered is None
    assert first.remaining == 0
    # The re-run finds the refusal in the cache: no request, the same failure, counted as cached.
    second = ScriptedBackend([])
    caller = Caller(second, cache=cache)
    again = reword(BLAMING, lint_text(BLAMING), rewriter=ModelRewriter(caller), offline=False)
    assert again.offered is None
    assert again.failure == failed.failure
    assert second.requests == []
    assert (caller.totals.calls, caller.totals.cached) == (0, 1)


class Fixed:
    """A rewriter with one answer, to test where rewrites land."""

    def __init__(self, text: str) -> None:
        self.text = text

    def rewrite(self, sentence: str, findings: Sequence[Finding]) -> Rewrite:
        return Rewrite(text=self.text)


@pytest.mark.parametrize(
    ("field", "getter"),
    [
        ("summary", lambda d: d.summary[0].text),
        ("went_wrong", lambda d: d.went_wrong[0].text),
        ("timeline", lambda d: d.timeline[0].description),
        ("open_questions", lambda d: d.open_questions[0].text),
    ],
)
def test_rewrites_land_in_the_field_they_were_found_in(sample_incident: Path, field: str, getter: object) -> None:
    draft = draft_from(ingest([sample_incident], SourceOptions()))
    target = getattr(draft, field)[0]
    attribute = "text" if hasattr(target, "text") else "description"
    setattr(target, attribute, BLAMING)
    draft.blame_findings = lint_draft(draft)
    assert any(f.path == f"{field}[0]" for f in draft.blame_findings)
    applied = reword_draft(draft, Fixed(GOOD["text"]), LintConfig())  # type: ignore[arg-type]
    assert [(a.path, a.original) for a in applied] == [(f"{field}[0]", BLAMING)]
    assert getter(draft) == GOOD["text"]  # type: ignore[operator]
    assert not [f for f in lint_draft(draft) if f.path == f"{field}[0]"]


def test_an_unverified_rewrite_is_not_applied(sample_incident: Path) -> None:
    draft: Draft = draft_from(ingest([sample_incident], SourceOptions()))
    draft.summary[0].text = BLAMING
    draft.blame_findings = lint_draft(draft)
    assert reword_draft(draft, Fixed(STILL_BLAMING["text"]), LintConfig(), offline=False) == []  # type: ignore[arg-type]
    assert draft.summary[0].text == BLAMING


def test_reword_command_with_an_endpoint(tmp_path: Path) -> None:
    with LoopbackServer([Answer(STILL_BLAMING), Answer(GOOD)]) as server:
        result = CliRunner().invoke(cli, ["reword", BLAMING, "--base-url", server.url, "--model", "m"])
    assert result.exit_code == 0, result.output
    assert f"rewrite (model, verified): {GOOD['text']}" in result.stdout
    assert "question for the author: What made the alert easy to miss?" in result.stdout
    assert "still blame.counterfactual" in json_messages(server.requests[1])


def json_messages(body: dict[str, object]) -> str:
    return json.dumps(body["messages"])


def test_reword_sends_placeholders_and_shows_the_values_back() -> None:
    sentence = (
        "The on-call engineer jane.doe@acme.example should have noticed the alert for AKIAQ3EGRVXJ7KPL2WMN at 02:10."
    )
    answer = {**GOOD, "text": "The alert for [SECRET-1] at 02:10 was not noticed by the on-call engineer [EMAIL-1]."}
    with LoopbackServer([Answer(answer)]) as server:
        result = CliRunner().invoke(cli, ["reword", sentence, "--base-url", server.url, "--model", "m"])
        sent = json_messages(server.requests[0])
    assert result.exit_code == 0, result.output
    assert "AKIAQ3EGRVXJ7KPL2WMN" not in sent
    assert "jane.doe@acme.example" not in sent
    assert "[SECRET-1]" in sent
    expected = (
        "The alert for AKIAQ3EGRVXJ7KPL2WMN at 02:10 was not noticed by the on-call engineer jane.doe@acme.example."
    )
    assert f"rewrite (model, verified): {expected}" in result.stdout


def test_reword_without_redaction_sends_the_sentence_as_it_is() -> None:
    sentence = "The on-call engineer jane.doe@acme.example should have noticed the alert at 02:10."
    answer = {**GOOD, "text": "The alert at 02:10 was not noticed by the on-call engineer jane.doe@acme.example."}
    with LoopbackServer([Answer(answer)]) as server:
        args = ["reword", sentence, "--base-url", server.url, "--model", "m", "--no-redact"]
        result = CliRunner().invoke(cli, args)
        assert "jane.doe@acme.example" in json_messages(server.requests[0])
    assert result.exit_code == 0, result.output


def test_reword_keeps_a_placeholder_the_sentence_already_held() -> None:
    # A sentence of a redacted draft: its [EMAIL-1] is not the address the tool hides now.
    sentence = "The on-call engineer [EMAIL-1] should have told jane.doe@acme.example about the alert at 02:10."
    answer = {**GOOD, "text": "[EMAIL-2] was not told about the alert at 02:10 by the on-call engineer [EMAIL-1]."}
    with LoopbackServer([Answer(answer)]) as server:
        result = CliRunner().invoke(cli, ["reword", sentence, "--base-url", server.url, "--model", "m"])
        sent = json_messages(server.requests[0])
    assert result.exit_code == 0, result.output
    assert "jane.doe@acme.example" not in sent
    assert "[EMAIL-2]" in sent
    expected = "jane.doe@acme.example was not told about the alert at 02:10 by the on-call engineer [EMAIL-1]."
    assert f"rewrite (model, verified): {expected}" in result.stdout
