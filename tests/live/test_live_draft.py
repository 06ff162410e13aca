"""Drafts through a real llama.cpp server and a 0.5B model: the wires and the validators.

The model is small on purpose: it answers badly, and what it gets wrong is real, not scripted.
These tests check what must hold whatever it answers (exit codes, grounding, accounting, the
cache, the call log), never the quality of the draft.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date
from pathlib import Path

import pytest

from postmortem_writer.extract.grounding import draft_problems
from postmortem_writer.models import Draft
from postmortem_writer.pipeline import ingest
from postmortem_writer.sources import SourceOptions
from postmortem_writer.testing.llama import LiveDraft

pytestmark = pytest.mark.live

THREAD = Path(__file__).resolve().parents[2] / "fixtures" / "incidents" / "scribe-like-thread" / "thread.txt"
DAY = ["--date", "2024-04-18", "--tz", "UTC"]
# What llama-server takes for constrained output (the dialect table's row): a JSON schema in
# response_format, a json_object response_format with or without a schema, tool calls (with
# --jinja), and plain JSON asked for in the prompt.
MODES = ["json-schema", "json-object-schema", "json", "tools", "md-json"]

LiveRunner = Callable[..., LiveDraft]


def checked(result: LiveDraft) -> Draft:
    """The run's draft, after the checks every live draft must pass whatever the model said."""
    assert result.exit_code == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert result.draft_json is not None
    draft = Draft.model_validate_json(result.draft_json)
    stream = ingest([THREAD], SourceOptions(tz=UTC, date=date(2024, 4, 18))).stream
    assert draft_problems(draft, stream) == []
    run = result.run
    assert draft.provenance.calls == run.requests
    assert draft.provenance.extractor == ("llm" if run.accepted + run.cached else "rules")
    assert len(draft.gaps) <= run.failed, "a gap is a call that failed"
    return draft


def test_the_readme_command_drafts_with_the_model_or_says_why_in_one_line(live_draft: LiveRunner) -> None:
    result = live_draft("readme (no --mode)", [THREAD], extra=DAY)
    if result.exit_code == 0:
        checked(result)
        assert result.run.accepted >= 1, "no chunk's answer survived grounding"
    else:
        one_clear_line(result)
        assert result.run.requests <= 1, "a deterministic refusal is sent once"


def one_clear_line(result: LiveDraft) -> str:
    """The single error line of a run that stopped, after checking it is the only one."""
    assert result.exit_code != 0
    assert "Traceback" not in result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("error")]
    assert len(errors) == 1, result.stderr
    return errors[0]


@pytest.mark.parametrize("mode", MODES)
def test_every_mode_the_server_takes_gives_a_grounded_draft_or_one_clear_line(
    live_draft: LiveRunner, mode: str
) -> None:
    result = live_draft(mode, [THREAD], mode=mode, extra=DAY)
    if result.exit_code == 0:
        assert checked(result).provenance.mode == mode
    else:
        # In the modes that write the schema into the prompt, 4,096 tokens can be too few for the
        # synthesis: llama-server refuses it, once, and the line says what to change.
        assert "pass a smaller --context-tokens" in one_clear_line(result)


def test_the_advice_on_a_context_refusal_gives_a_draft(live_draft: LiveRunner) -> None:
    result = live_draft(
        "md-json, --context-tokens 3072", [THREAD], mode="md-json", extra=[*DAY, "--context-tokens", "3072"]
    )
    assert checked(result).provenance.mode == "md-json"


@pytest.mark.parametrize("mode", MODES)
def test_the_call_log_carries_the_servers_own_token_counts(live_draft: LiveRunner, mode: str) -> None:
    run = live_draft(mode, [THREAD], mode=mode, extra=DAY).run
    assert run.requests >= 1
    # An answer the server gave is metered by it; a failed call may carry none.
    assert run.unmetered == 0
    assert (run.prompt_tokens > 0) == (run.accepted - run.salvaged > 0)
    assert run.accepted + run.failed == run.requests - run.reasks


def test_a_rerun_is_answered_from_the_cache(live_draft: LiveRunner) -> None:
    first = live_draft("json-schema", [THREAD], mode="json-schema", extra=DAY)
    again = live_draft(
        "json-schema, again", [THREAD], mode="json-schema", workdir="json-schema", name="again", extra=DAY
    )
    checked(again)
    assert again.run.cached == first.run.accepted
    # Only what failed the first time is asked again.
    assert again.run.accepted + again.run.failed <= first.run.failed
