"""Files a folder or a command line can hold besides exports: unreadable, pipes, junk, UTF-16, odd names.

Each is skipped with one warning or refused with one error line naming it, never a traceback and
never a hang; the rest of a folder is still read. Permissions are simulated (the tests may run as
root, who reads everything) by failing the one open or listing the test names.
"""

from __future__ import annotations

import errno
import os
import shutil
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from postmortem_writer.cli import cli
from postmortem_writer.errors import InputError
from postmortem_writer.sources import SourceOptions, load_sources
from postmortem_writer.timeparse import zone

SAMPLES = Path(__file__).resolve().parents[2] / "fixtures" / "samples"
ALERT = SAMPLES / "alertmanager" / "2025-03-04T091000Z_firing_latency.json"
CHAT = "09:14 Mei: the db is down\n09:15 Kai: restarting it now\n"


def _folder(tmp_path: Path) -> Path:
    folder = tmp_path / "sources"
    folder.mkdir()
    shutil.copy(ALERT, folder / ALERT.name)
    return folder


def _denied(monkeypatch: pytest.MonkeyPatch, name: str, target: Path) -> None:
    """``os.<name>`` fails with "Permission denied" for ``target`` only."""
    real: Callable[..., Any] = getattr(os, name)

    def guarded(path: Any, *args: Any, **kwargs: Any) -> Any:
        if Path(os.fsdecode(path)) == target:
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), os.fsdecode(path))
        return real(path, *args, **kwargs)

    monkeypatch.setattr(os, name, guarded)


def _ingest(path: Path) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["ingest", str(path), "--tz", "UTC", "--date", "2025-03-04"])
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    return result.exit_code, result.output


def test_an_unreadable_file_in_a_folder_is_skipped_with_a_warning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = _folder(tmp_path)
    (folder / "notes.txt").write_text(CHAT, encoding="utf-8")
    _denied(monkeypatch, "open", folder / "notes.txt")
    code, output = _ingest(folder)
    assert code == 0
    assert f"warning: {folder}/notes.txt: skipped, cannot read it (Permission denied)" in output
    assert "alertmanager, 1 events" in output


def test_an_unreadable_file_given_by_itself_is_one_error_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "notes.txt"
    path.write_text(CHAT, encoding="utf-8")
    _denied(monkeypatch, "open", path)
    code, output = _ingest(path)
    assert (code, output) == (2, f"error: {path}: cannot read it (Permission denied)\n")


def test_an_unreadable_subfolder_is_skipped_with_a_warning(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = _folder(tmp_path)
    (folder / "private").mkdir()
    (folder / "private" / "notes.txt").write_text(CHAT, encoding="utf-8")
    _denied(monkeypatch, "scandir", folder / "private")
    code, output = _ingest(folder)
    assert code == 0
    assert f"warning: {folder}/private: skipped, cannot read the folder (Permission denied)" in output


def test_junk_that_starts_like_json_is_skipped_like_other_junk(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    (folder / "half.json").write_text('{"incident": ', encoding="utf-8")
    (folder / "notes.bin").write_bytes(b"\x00\x01junk")
    code, output = _ingest(folder)
    assert code == 0
    assert f"warning: {folder}/half.json: skipped, malformed JSON: Expecting value" in output
    assert "alertmanager, 1 events" in output


def _finishes(work: Callable[[], object], seconds: float = 10.0) -> BaseException | None:
    """Run ``work`` in a thread; fail the test if it is still running after ``seconds``."""
    outcome: list[BaseException | None] = []

    def run() -> None:
        try:
            work()
            outcome.append(None)
        except BaseException as exc:  # handed to the test thread
            outcome.append(exc)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), "still blocked: a pipe with no writer was opened"
    return outcome[0]


def test_a_named_pipe_with_no_writer_never_blocks(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    os.mkfifo(folder / "stream")
    loaded = []
    assert _finishes(lambda: loaded.append(load_sources([folder], SourceOptions()))) is None
    assert f"{folder}/stream: skipped, not a regular file (a pipe, socket or device)" in loaded[0].warnings
    alone = tmp_path / "alone"
    os.mkfifo(alone)
    error = _finishes(lambda: load_sources([alone], SourceOptions()))
    assert isinstance(error, InputError)
    assert str(error) == f"{alone}: empty: nothing to read"


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_with_a_byte_order_mark_is_read(encoding: str, tmp_path: Path) -> None:
    path = tmp_path / "chat.txt"
    path.write_bytes("\ufeff".encode(encoding) + CHAT.encode(encoding))
    loaded = load_sources([path], SourceOptions(tz=zone("UTC"), date=__import__("datetime").date(2025, 3, 4)))
    assert [(e.actor, e.text) for e in loaded.events] == [("Mei", "the db is down"), ("Kai", "restarting it now")]


def test_a_newline_in_a_file_name_cannot_forge_an_output_line(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    (folder / "x\nerror: all sources are fine.txt").write_text("nothing here", encoding="utf-8")
    code, output = _ingest(folder)
    assert code == 0
    assert not any(line.startswith("error:") for line in output.splitlines())
    assert f"warning: {folder}/x\\nerror: all sources are fine.txt: skipped" in output
    alone = tmp_path / "y\nerror: forged"
    alone.write_text("nothing here", encoding="utf-8")
    code, output = _ingest(alone)
    assert code == 2
    assert output.count("\n") == 1
    assert output.startswith(f"error: {tmp_path}/y\\nerror: forged: ")
