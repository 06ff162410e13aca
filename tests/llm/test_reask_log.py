"""Each answer instructor re-asks is in the call log with why, and ``summarise`` counts it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from postmortem_writer.chunking import event_ids
from postmortem_writer.cli import cli
from postmortem_writer.testing.llama import summarise
from postmortem_writer.testing.loopback import Action, Answer, LoopbackServer

THREAD = Path(__file__).resolve().parents[2] / "fixtures" / "incidents" / "scribe-like-thread" / "thread.txt"

# What the first map answer gets wrong, and the call log's word for it. Later answers are valid.
WRONG_FIRST = {
    "unknown-id": ({"timeline": [{"kind": "other", "description": "Discussion.", "evidence": ["E999"]}]}, "grounding"),
    "whole-line-as-id": (
        {"timeline": [{"kind": "other", "description": "Discussion.", "evidence": ["E1 14:02 Alertmanager: ..."]}]},
        "grounding",
    ),
    "wrong-shape": ({"events": []}, "schema"),
    "not-json": ("Sure! Here is the timeline you asked for.", "schema"),
}


def responder(wrong: dict[str, Any] | str) -> Any:
    """Answers the first map request with ``wrong``, every other request validly."""
    sent = {"wrong": False}

    def respond(body: dict[str, Any]) -> Action:
        text = "\n".join(str(m.get("content") or "") for m in body.get("messages", []))
        ids = event_ids(text.splitlines()) or ["E1"]
        if "ChunkFindings" in json.dumps(body):
            if not sent["wrong"]:
                sent["wrong"] = True
                return Answer(wrong)
            return Answer({"timeline": [{"kind": "other", "description": "Discussion.", "evidence": ids[:1]}]})
        return Answer({"summary": [{"text": "An incident happened.", "evidence": ["E1"]}]})

    return respond


@pytest.mark.parametrize("case", sorted(WRONG_FIRST))
def test_a_reasked_answer_is_logged_with_its_reason(tmp_path: Path, case: str) -> None:
    wrong, kind = WRONG_FIRST[case]
    log = tmp_path / "calls.jsonl"
    with LoopbackServer(responder=responder(wrong)) as server:
        result = CliRunner().invoke(
            cli,
            ["draft", str(THREAD), "--date", "2024-04-18", "--tz", "UTC", "-o", str(tmp_path / "d.md"),
             "--base-url", server.url, "--model", "m", "--mode", "json", "--call-log", str(log),
             "--cache-dir", str(tmp_path / "cache")],
        )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    lines = [json.loads(line) for line in log.read_text().splitlines()]
    reasked = [line for line in lines if line.get("attempts", 0) > 1]
    assert len(reasked) == 1
    assert reasked[0]["outcome"] == "ok"
    assert [error.split(":", 1)[0] for error in reasked[0]["errors"]] == [kind]
    run = summarise(log)
    assert run.reasks == 1
    assert (run.grounding, run.schema) == ((1, 0) if kind == "grounding" else (0, 1))
    assert run.requests == len(server.requests)
    assert run.failed == 0
