"""The answer cache when its file is damaged or held by another process: a warning or one clear
error line, never a traceback."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest
from click.testing import CliRunner

from postmortem_writer.cli import cli
from postmortem_writer.errors import UserError
from postmortem_writer.llm.cache import Cache
from postmortem_writer.testing.loopback import LoopbackServer, citing_responder


@pytest.fixture
def held(tmp_path: Path) -> Iterator[Path]:
    """A cache file another connection holds an exclusive write transaction on."""
    path = tmp_path / "answers.sqlite3"
    cache = Cache(path)
    cache.put("k", "stored before")
    cache.close()
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    yield path
    other.execute("ROLLBACK")
    other.close()


def test_a_file_that_is_no_database_is_moved_aside_and_rebuilt(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "answers.sqlite3"
    path.write_bytes(b"\x00garbage" * 512)
    cache = Cache(path)
    cache.put("k", "v")
    assert cache.get("k") == "v"
    cache.close()
    assert (tmp_path / "answers.sqlite3.corrupt").read_bytes() == b"\x00garbage" * 512
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith(f"warning: {path}: not a usable cache (file is not a database); moved to")


def test_a_cache_locked_mid_run_costs_only_the_saving(held: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cache = Cache(held, busy_timeout=0.05)
    assert cache.get("k") == "stored before", "readers are not blocked in WAL mode"
    cache.put("k2", "v")
    cache.put("k3", "v")
    assert cache.get("k2") is None
    cache.close()
    err = capsys.readouterr().err
    assert err == f"warning: {held}: answer cache unusable (database is locked); answers are not cached\n"


def test_a_new_cache_locked_from_the_start_is_one_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "answers.sqlite3"
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    other.execute("CREATE TABLE held (x)")
    with pytest.raises(UserError, match="the answer cache is locked by another process; wait for it, or pass"):
        Cache(path, busy_timeout=0.05)
    other.execute("ROLLBACK")
    other.close()


def test_the_cli_drafts_past_a_damaged_cache(sample_incident: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / "answers.sqlite3").write_text("not sqlite at all " * 100, encoding="utf-8")
    with LoopbackServer(responder=citing_responder()) as server:
        result = CliRunner().invoke(
            cli,
            ["draft", str(sample_incident), "-o", str(tmp_path / "d.md"), "--base-url", server.url, "--model", "m",
             "--cache-dir", str(cache)],
        )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert "not a usable cache (file is not a database); moved to answers.sqlite3.corrupt" in result.stderr
    assert (tmp_path / "d.md").exists()
    with closing(sqlite3.connect(cache / "answers.sqlite3")) as db:
        assert db.execute("SELECT count(*) FROM answers").fetchone()[0] > 0
