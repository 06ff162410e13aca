from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from postmortem_writer.errors import OutputExistsError, UserError
from postmortem_writer.output import write_atomic


def test_writes_new_file(tmp_path: Path) -> None:
    target = tmp_path / "a.md"
    write_atomic(target, "hello\n", force=False)
    assert target.read_text(encoding="utf-8") == "hello\n"


def test_keeps_existing_file_without_force(tmp_path: Path) -> None:
    target = tmp_path / "a.md"
    target.write_text("mine", encoding="utf-8")
    with pytest.raises(OutputExistsError, match="--force"):
        write_atomic(target, "new", force=False)
    assert target.read_text(encoding="utf-8") == "mine"


def test_failed_write_leaves_old_file_and_no_temp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "a.md"
    target.write_text("mine", encoding="utf-8")

    def broken_replace(src: str, dst: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr("postmortem_writer.output.os.replace", broken_replace)
    with pytest.raises(OSError, match="disk full"):
        write_atomic(target, "new", force=True)
    assert target.read_text(encoding="utf-8") == "mine"
    assert [p.name for p in tmp_path.iterdir()] == ["a.md"]


def test_missing_folder_is_a_user_error(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="does not exist"):
        write_atomic(tmp_path / "no" / "a.md", "x", force=False)


def test_new_file_gets_the_usual_mode_not_a_private_one(tmp_path: Path) -> None:
    target = tmp_path / "a.md"
    old = os.umask(0o022)
    try:
        write_atomic(target, "x", force=False)
    finally:
        os.umask(old)
    assert stat.S_IMODE(target.stat().st_mode) == 0o644
