"""`postmortem eval` on the LLM path: record through the loopback server, replay offline, exactly."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from postmortem_writer.cli import cli
from postmortem_writer.testing.loopback import LoopbackServer, citing_responder

CASES = Path(__file__).resolve().parents[2] / "evals" / "cases"
SLUGS = ("stackexchange-2016-07-20-regex-homepage", "discord-2017-10-13-redis-migration-cascade")


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


@pytest.fixture
def cases(tmp_path: Path) -> Path:
    root = tmp_path / "cases"
    for slug in SLUGS:
        shutil.copytree(CASES / slug, root / slug)
    return root


def overall(path: Path) -> dict[str, float | None]:
    report = json.loads(path.read_text(encoding="utf-8"))
    return {key: report["overall"][key] for key in report["overall"] if key != "model_latency"}


def test_record_then_replay_offline_gives_the_same_report(cases: Path, tmp_path: Path) -> None:
    recording = tmp_path / "rec"
    with LoopbackServer(responder=citing_responder()) as server:
        live = run(
            "eval", str(cases), "--extractor", "llm", "--base-url", server.url, "--model", "m",
            "--record", str(recording), "-o", str(tmp_path / "live.json"),
        )  # fmt: skip
        assert live.exit_code == 0, live.output
        calls = len(server.requests)
    assert calls >= 2 * len(SLUGS), "every case made map and synthesis calls"
    assert len(list(recording.glob("*.json"))) == calls + 1  # one file per request, and the manifest
    assert "sk-" not in "".join(p.read_text(encoding="utf-8") for p in recording.iterdir())
    report = json.loads((tmp_path / "live.json").read_text(encoding="utf-8"))
    assert report["extractors"] == ["llm"]
    assert sum(case["counts"]["model_calls"] for case in report["cases"]) == calls
    # No server now: a replay that needed the network would fail.
    replay = run("eval", str(cases), "--replay", str(recording), "-o", str(tmp_path / "replay.json"))
    assert replay.exit_code == 0, replay.output
    assert "extractor: llm (replaying" in replay.stderr
    live_overall = overall(tmp_path / "live.json")
    assert live_overall["model_calls"] == calls / len(SLUGS)
    assert live_overall["prompt_tokens"]
    assert overall(tmp_path / "replay.json") == live_overall


def test_a_replay_miss_is_an_error_not_a_live_call(cases: Path, tmp_path: Path) -> None:
    recording = tmp_path / "rec"
    with LoopbackServer(responder=citing_responder()) as server:
        first = run("eval", str(cases / SLUGS[0]), "--base-url", server.url, "--model", "m", "--record", str(recording))
        assert first.exit_code == 0, first.output
    # The other case was never recorded.
    result = run("eval", str(cases), "--replay", str(recording), "--base-url", "http://127.0.0.1:9/v1")
    assert result.exit_code == 2
    assert "holds no answer for map" in result.stderr
    assert "record again" in result.stderr.splitlines()[-1]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--record", "a", "--replay", "."], "--record and --replay exclude each other"),
        (["--replay", ".", "--extractor", "rules"], "cannot be used with --extractor rules"),
    ],
)
def test_bad_record_replay_options(cases: Path, args: list[str], message: str) -> None:
    result = run("eval", str(cases), *args)
    assert result.exit_code == 2
    assert message in result.stderr


def test_replay_of_a_folder_that_is_no_recording(cases: Path, tmp_path: Path) -> None:
    result = run("eval", str(cases), "--replay", str(tmp_path))
    assert result.exit_code == 2
    assert "is not a recording (no manifest.json" in result.stderr
