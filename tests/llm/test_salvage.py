"""Salvage keeps the items of an answer that pass the validators and names the ones that do not."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from postmortem_writer.chunking import event_ids
from postmortem_writer.cli import cli
from postmortem_writer.extract.candidates import ChunkFindings
from postmortem_writer.llm.salvage import salvage
from postmortem_writer.models import Draft
from postmortem_writer.testing.llama import summarise
from postmortem_writer.testing.loopback import Action, Answer, LoopbackServer

THREAD = Path(__file__).resolve().parents[2] / "fixtures" / "incidents" / "scribe-like-thread" / "thread.txt"

TEXTS = {"E1": "checkout p99 is 2.4s, about 1,200 users saw errors", "E2": "rolled back to 1.41.3"}
CONTEXT: dict[str, Any] = {
    "event_ids": ["E1", "E2"],
    "texts": TEXTS,
    "moments": {"E1": datetime(2025, 3, 4, 9, 10, tzinfo=UTC), "E2": datetime(2025, 3, 4, 9, 30, tzinfo=UTC)},
}
GOOD_ROW = {"kind": "mitigation", "description": "Checkout was rolled back.", "evidence": ["E2"]}

# (answer, rows kept or None when nothing is salvaged, how many items are named as dropped)
CASES: dict[str, tuple[Any, int | None, int]] = {
    "one-unknown-id-among-good": ({"timeline": [GOOD_ROW, {**GOOD_ROW, "evidence": ["E9"]}]}, 1, 1),
    "a-whole-line-as-id": ({"timeline": [GOOD_ROW, {**GOOD_ROW, "evidence": ["E1 09:10 checkout p99"]}]}, 1, 1),
    "a-written-time": ({"timeline": [GOOD_ROW, {**GOOD_ROW, "description": "Rolled back at 11:45."}]}, 1, 1),
    "all-valid-needs-no-salvage": ({"timeline": [GOOD_ROW]}, None, 0),
    "nothing-survives": ({"timeline": [{**GOOD_ROW, "evidence": ["E9"]}]}, None, 1),
    "not-json": ("Sure, here is the timeline", None, 0),
    "not-an-object": ([GOOD_ROW], None, 0),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_salvage_keeps_only_what_passes_every_validator(case: str) -> None:
    answer, kept, dropped = CASES[case]
    raw = answer if isinstance(answer, str) else json.dumps(answer)
    result = salvage(raw, ChunkFindings, CONTEXT)
    if kept is None:
        assert result is None
        return
    assert result is not None
    findings, reasons = result
    assert len(findings.timeline) == kept
    assert len(reasons) == dropped
    assert all(reason.startswith("timeline.1") for reason in reasons)
    # What is kept is exactly what an accepted answer could hold.
    assert ChunkFindings.model_validate(findings.model_dump(), context=CONTEXT) == findings


def test_a_chunk_whose_answer_keeps_one_bad_item_is_salvaged_not_a_gap(tmp_path: Path) -> None:
    """The model repeats its mistake on every re-ask (as a small model at temperature 0 does)."""

    def respond(body: dict[str, Any]) -> Action:
        text = "\n".join(str(m.get("content") or "") for m in body.get("messages", []))
        ids = event_ids(text.splitlines()) or ["E1"]
        if "ChunkFindings" in json.dumps(body):
            good = {"kind": "other", "description": "Responders discussed the query.", "evidence": ids[:1]}
            return Answer({"timeline": [good, {**good, "evidence": ["E999"]}]})
        return Answer({"summary": [{"text": "An incident happened.", "evidence": ["E1"]}]})

    log = tmp_path / "calls.jsonl"
    with LoopbackServer(responder=respond) as server:
        result = CliRunner().invoke(
            cli,
            ["draft", str(THREAD), "--date", "2024-04-18", "--tz", "UTC", "-o", str(tmp_path / "d.json"),
             "--format", "json", "--base-url", server.url, "--model", "m", "--mode", "json", "--context-tokens", "8192",
             "--call-log", str(log), "--cache-dir", str(tmp_path / "cache")],
        )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    draft = Draft.model_validate_json((tmp_path / "d.json").read_text())
    assert draft.gaps == []
    assert draft.provenance.extractor == "llm"
    assert any(entry.description == "Responders discussed the query." for entry in draft.timeline)
    lines = [json.loads(line) for line in log.read_text().splitlines()]
    salvaged = [line for line in lines if line.get("outcome") == "salvaged"]
    assert len(salvaged) == 1
    assert salvaged[0]["errors"][-1].startswith("grounding: dropped timeline.1.evidence")
    run = summarise(log)
    assert (run.accepted, run.salvaged, run.failed) == (2, 1, 0)
