"""``kill -9`` mid-run: the output is the old file or nothing, the cache keeps every answer that was
stored, the call log loses at most its last line, and a re-run pays only for what was not stored."""

from __future__ import annotations

import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

from postmortem_writer.extract.llm import Budget, chat_chunks
from postmortem_writer.output import write_atomic
from postmortem_writer.pipeline import ingest
from postmortem_writer.sources import SourceOptions
from postmortem_writer.testing.loopback import LoopbackServer, citing_responder

CONTEXT = 1024  # the sample's chat in eight chunks
DELAY = 0.15
KILL_AFTER = 3


def start(
    sample: Path, out: Path, server: LoopbackServer, cache: Path, log: Path, *extra: str
) -> subprocess.Popen[str]:
    """``postmortem draft`` in its own process, one call at a time."""
    return subprocess.Popen(
        [sys.executable, "-m", "postmortem_writer", "draft", str(sample), "-o", str(out), "--base-url", server.url,
         "--model", "m", "--context-tokens", str(CONTEXT), "--concurrency", "1", "--timeout", "10",
         "--cache-dir", str(cache), "--call-log", str(log), *extra],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


def logged(log: Path) -> int:
    """Calls the run has finished: each is cached before its log line is written."""
    return log.read_text(encoding="utf-8").count("\n") if log.exists() else 0


def kill_after(process: subprocess.Popen[str], log: Path, answers: int) -> None:
    deadline = time.monotonic() + 60
    while logged(log) < answers:
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "the run made no progress"
        time.sleep(0.01)
    os.kill(process.pid, signal.SIGKILL)
    process.communicate()
    assert process.returncode == -signal.SIGKILL


def finish(process: subprocess.Popen[str]) -> tuple[int, int, str]:
    """Model calls and cached calls of a run that ends by itself, from its summary line."""
    _, err = process.communicate(timeout=60)
    assert process.returncode == 0, err
    found = re.search(r"\((\d+) model calls, (\d+) cached\)", err)
    assert found is not None, err
    return int(found[1]), int(found[2]), err


def test_a_killed_run_writes_nothing_and_the_rerun_pays_only_for_the_rest(
    sample_incident: Path, tmp_path: Path
) -> None:
    out, cache = tmp_path / "out.md", tmp_path / "cache"
    calls = len(chat_chunks(ingest([sample_incident], SourceOptions()).stream, Budget.for_context(CONTEXT))) + 1
    assert calls > KILL_AFTER + 2
    with LoopbackServer(responder=citing_responder(delay=DELAY)) as server:
        killed = start(sample_incident, out, server, cache, tmp_path / "killed.jsonl")
        kill_after(killed, tmp_path / "killed.jsonl", KILL_AFTER)
        assert not out.exists()
        assert list(tmp_path.glob(".out.md*")) == [], "no temporary output: the kill came before any writing"
        lines = (tmp_path / "killed.jsonl").read_text(encoding="utf-8").splitlines()
        stored = [json.loads(line) for line in lines[:-1]]  # only the last line may be cut off
        assert len(stored) >= KILL_AFTER - 1
        with closing(sqlite3.connect(cache / "answers.sqlite3")) as db:
            assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)

        made, cached, _ = finish(start(sample_incident, out, server, cache, tmp_path / "rerun.jsonl"))
        assert cached >= KILL_AFTER, "every answer stored before the kill came from the cache"
        assert made + cached == calls
        assert made < calls
        first = out.read_bytes()
        assert b"## Appendix: evidence index" in first

        # Now an existing draft: a killed --force run must leave it byte for byte.
        again = start(sample_incident, out, server, cache, tmp_path / "again.jsonl", "--force", "--no-cache")
        kill_after(again, tmp_path / "again.jsonl", KILL_AFTER)
        assert out.read_bytes() == first
        assert [p.name for p in tmp_path.glob(".out.md*")] == []


STALL = """
import sys, time
from pathlib import Path
from postmortem_writer import output

def stall(fd):
    print("writing", flush=True)
    time.sleep(60)

output.os.fsync = stall
output.write_atomic(Path(sys.argv[1]), "new draft\\n" * 10_000, force=True)
"""


def test_a_kill_while_writing_keeps_the_old_file_and_the_next_write_clears_the_leftover(tmp_path: Path) -> None:
    out = tmp_path / "out.md"
    out.write_text("old draft\n", encoding="utf-8")
    writer = subprocess.Popen([sys.executable, "-c", STALL, str(out)], stdout=subprocess.PIPE, text=True)
    assert writer.stdout is not None
    assert writer.stdout.readline() == "writing\n"
    os.kill(writer.pid, signal.SIGKILL)
    writer.communicate()
    assert out.read_text(encoding="utf-8") == "old draft\n"
    [leftover] = tmp_path.glob(".out.md.*.tmp")
    assert leftover.name.startswith(f".out.md.{writer.pid}.")
    live = tmp_path / f".out.md.{os.getpid()}.inflight.tmp"  # a writer that is still running
    live.write_text("partial", encoding="utf-8")
    write_atomic(out, "newer draft\n", force=True)
    assert out.read_text(encoding="utf-8") == "newer draft\n"
    assert not leftover.exists(), "the dead writer's leftover is removed"
    assert live.exists(), "a running writer's file is left alone"
