"""Fault storms through the real openai client and the CLI: no event is ever lost, every gap is marked
where its chunk is, and the accounting that says so can fail."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from postmortem_writer.cli import cli
from postmortem_writer.events import EventStream
from postmortem_writer.extract.llm import ANALYSIS_GAP, Budget, chat_chunks
from postmortem_writer.models import Draft, Gap
from postmortem_writer.pipeline import ingest
from postmortem_writer.render import render_markdown
from postmortem_writer.sources import SourceOptions
from postmortem_writer.testing.faults import FAULT_KINDS, FaultStorm, account
from postmortem_writer.testing.loopback import LoopbackServer

CONTEXT = 1024  # the sample's chat in eight chunks
TIMEOUT = 0.5


def run_draft(sample: Path, out: Path, storm: FaultStorm, *extra: str) -> tuple[int, str, Draft]:
    """Draft ``sample`` as JSON through the CLI against a loopback server answering with ``storm``."""
    config = out.with_suffix(".toml")
    config.write_text("[llm]\nbackoff = 0.01\n", encoding="utf-8")
    with LoopbackServer(responder=storm) as server:
        result = CliRunner().invoke(
            cli,
            ["draft", str(sample), "-o", str(out), "--format", "json", "--config", str(config),
             "--base-url", server.url, "--model", "m", "--context-tokens", str(CONTEXT), "--timeout", str(TIMEOUT),
             "--concurrency", "8", "--cache-dir", str(out.parent / "cache"), *extra],
        )  # fmt: skip
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.stderr
    return result.exit_code, result.stderr, Draft.model_validate_json(out.read_text(encoding="utf-8"))


SAMPLE = Path(__file__).resolve().parents[2] / "fixtures" / "incidents" / "inc-2025-0304" / "sources"


@pytest.fixture(scope="module")
def rules(tmp_path_factory: pytest.TempPathFactory) -> tuple[EventStream, Draft]:
    """The sample's event stream and its rules-only draft (the baseline of the structured events)."""
    out = tmp_path_factory.mktemp("rules") / "rules.json"
    result = CliRunner().invoke(cli, ["draft", str(SAMPLE), "-o", str(out), "--format", "json", "--extractor", "rules"])
    assert result.exit_code == 0, result.stderr
    return ingest([SAMPLE], SourceOptions()).stream, Draft.model_validate_json(out.read_text(encoding="utf-8"))


# Every kind at a 100% rate, one retry: what the chunks' gaps must say, or None when the answers are valid.
EVERY_CALL_FAILS = {
    "429-retry-after": "still failing after 2 attempts: HTTP 429",
    "429": "still failing after 2 attempts: HTTP 429",
    "500": "still failing after 2 attempts: HTTP 500",
    "502": "still failing after 2 attempts: HTTP 502",
    "503": "still failing after 2 attempts: HTTP 503",
    # The loopback server is on this machine: a request it may still be computing is not sent again.
    "timeout": "request timed out; not sent again, since the server may still be computing it",
    "dropped": "still failing after 2 attempts: connection failed or was dropped",
    "cut-body": "still failing after 2 attempts: connection failed or was dropped",
    "invalid-json": "output still invalid after 3 attempt(s)",
    "truncated-json": "output still invalid after 3 attempt(s)",
    "length": "output was cut off at the token limit",
    "slow": None,
}


def test_the_table_covers_every_fault_kind() -> None:
    assert set(EVERY_CALL_FAILS) == set(FAULT_KINDS)


@pytest.mark.parametrize("kind", list(EVERY_CALL_FAILS))
def test_a_storm_of_one_fault_kind_marks_every_chunk_and_loses_nothing(
    kind: str, sample_incident: Path, tmp_path: Path, rules: tuple[EventStream, Draft]
) -> None:
    storm = FaultStorm(1.0, seed=kind, timeout=TIMEOUT, kinds=[kind])
    code, err, draft = run_draft(sample_incident, tmp_path / "d.json", storm, "--max-retries", "1", "--strict")
    stream, baseline = rules
    accounting = account(stream, draft, baseline, render_markdown(draft, event_count=len(stream)))
    assert accounting.lost == []
    assert accounting.bad_gaps == []
    assert accounting.placed > 0, "the pages and deploys are on the timeline"
    reason = EVERY_CALL_FAILS[kind]
    chunk_gaps = [gap for gap in draft.gaps if not gap.reason.startswith(ANALYSIS_GAP)]
    if reason is None:
        assert code == 0, err
        assert draft.gaps == []
        assert accounting.analysed == accounting.chat
        return
    assert code == 4, "--strict: the draft has gaps"
    chunks = chat_chunks(stream, Budget.for_context(CONTEXT))
    assert [(g.first, g.last, g.events) for g in chunk_gaps] == [
        (c.event_ids[0], c.event_ids[-1], len(c.event_ids)) for c in chunks
    ]
    assert all(reason in gap.reason for gap in chunk_gaps), chunk_gaps[0].reason
    assert [gap.first for gap in draft.gaps if gap.reason.startswith(ANALYSIS_GAP)] == ["E1"]
    assert accounting.in_gaps == accounting.chat
    assert f"warning: events {chunks[0].event_ids[0]} to {chunks[0].event_ids[-1]} could not be analysed" in err
    assert storm.injected[kind] == storm.requests


@pytest.mark.parametrize("seed", [1, 2])
def test_a_mixed_storm_loses_no_event(
    seed: int, sample_incident: Path, tmp_path: Path, rules: tuple[EventStream, Draft]
) -> None:
    # Without the one kind that waits a whole second: the kind-by-kind test covers it.
    storm = FaultStorm(0.6, seed=seed, timeout=TIMEOUT, kinds=[k for k in FAULT_KINDS if k != "429-retry-after"])
    code, err, draft = run_draft(sample_incident, tmp_path / "d.json", storm, "--max-retries", "2")
    assert code == 0, err
    stream, baseline = rules
    accounting = account(stream, draft, baseline, render_markdown(draft, event_count=len(stream)))
    assert (accounting.lost, accounting.bad_gaps) == ([], [])
    assert accounting.analysed + accounting.in_gaps == accounting.chat
    assert storm.injected.total() > 0


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory) -> Draft:
    """A fault-free LLM draft of the sample."""
    out = tmp_path_factory.mktemp("clean") / "d.json"
    return run_draft(SAMPLE, out, FaultStorm(0.0, seed=0, timeout=TIMEOUT))[2]


def _drop_chunk_entries(draft: Draft) -> Draft:
    # The model's findings of the chunk E13-E18 vanish without a gap saying so.
    kept = [e for e in draft.timeline if not set(e.evidence) & {"E13", "E14"}]
    return draft.model_copy(update={"timeline": kept})


def _drop_a_page(draft: Draft) -> Draft:
    return draft.model_copy(update={"timeline": [e for e in draft.timeline if "E7" not in e.evidence]})


def _unindex(draft: Draft) -> Draft:
    return draft.model_copy(update={"evidence_index": draft.evidence_index[1:]})


def _miscount_gap(draft: Draft) -> Draft:
    gap = Gap(first="E13", last="E18", events=6, reason="HTTP 500", fallback="rules")
    return draft.model_copy(update={"gaps": [gap]})


@pytest.mark.parametrize(
    ("mutate", "lost", "bad_gaps"),
    [
        pytest.param(_drop_chunk_entries, True, False, id="chat-findings-dropped-without-a-gap"),
        pytest.param(_drop_a_page, True, False, id="structured-event-dropped"),
        pytest.param(_unindex, True, False, id="cited-event-not-in-the-index"),
        pytest.param(_miscount_gap, False, True, id="gap-claims-more-events-than-it-holds"),
    ],
)
def test_the_accounting_sees_each_kind_of_loss(
    mutate: Callable[[Draft], Draft], lost: bool, bad_gaps: bool, clean: Draft, rules: tuple[EventStream, Draft]
) -> None:
    (stream, baseline), draft = rules, clean
    assert account(stream, draft, baseline).lost == []
    broken = account(stream, mutate(draft), baseline)
    assert bool(broken.lost) is lost
    assert bool(broken.bad_gaps) is bad_gaps
