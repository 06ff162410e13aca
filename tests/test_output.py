from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

import pytest

from postmortem_writer.errors import OutputExistsError, UserError
from postmortem_writer.output import replace_atomic, write_atomic


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


def test_replace_atomic_keeps_the_mode_and_a_symlink(tmp_path: Path) -> None:
    real = tmp_path / "real.md"
    real.write_bytes(b"old\r\n")
    real.chmod(0o600)
    link = tmp_path / "link.md"
    link.symlink_to(real)
    replace_atomic(link, "new\r\n", read=b"old\r\n", force=False)
    assert link.is_symlink()
    assert real.read_bytes() == b"new\r\n"
    assert stat.S_IMODE(real.stat().st_mode) == 0o600


REFUSED = {
    "changed": lambda path: path.write_bytes(b"saved meanwhile\n"),
    "removed": lambda path: path.unlink(),
}


@pytest.mark.parametrize("meddle", REFUSED.values(), ids=REFUSED.keys())
def test_replace_atomic_refuses_a_file_changed_since_it_was_read(meddle: Any, tmp_path: Path) -> None:
    path = tmp_path / "pm.md"
    path.write_bytes(b"old\n")
    meddle(path)
    before = sorted(p.name for p in tmp_path.iterdir()), path.read_bytes() if path.exists() else None
    with pytest.raises(OutputExistsError, match="changed since it was read; nothing written"):
        replace_atomic(path, "new\n", read=b"old\n", force=False)
    assert (sorted(p.name for p in tmp_path.iterdir()), path.read_bytes() if path.exists() else None) == before
    replace_atomic(path, "new\n", read=b"old\n", force=True)
    assert path.read_bytes() == b"new\n"
