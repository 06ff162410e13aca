"""Writing outputs so that nothing already written is ever lost or half-written.

A draft is written to a hidden temporary file beside its target (``.<name>.<pid>.<random>.tmp``),
flushed to disk and renamed over the target in one step. A process killed before the rename
leaves the target as it was and, at worst, that temporary file: hidden, never read as the
output, and removed by the next successful write of the same target once its writer's process
is gone.
"""

from __future__ import annotations

import glob
import os
import stat
import tempfile
from collections.abc import Callable
from pathlib import Path

from postmortem_writer.errors import OutputExistsError, UserError


def check_writable(path: Path, *, force: bool) -> Path:
    """Refuse an output that cannot be written (it exists and ``force`` is not set, it is a folder,
    its folder is missing); return that folder. Commands call it before any work they would pay for.
    """
    if path.exists() and not force:
        raise OutputExistsError(f"{path}: already exists; pass --force to overwrite it")
    if path.is_dir():
        raise UserError(f"{path}: is a folder, not a file")
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.is_dir():
        raise UserError(f"{path}: the folder {parent} does not exist")
    return parent


def write_atomic(path: Path, content: str, *, force: bool) -> None:
    """Write ``content`` to ``path`` all at once: a reader sees the old file or the new, never half.

    An existing file is kept unless ``force`` is set.
    """
    parent = check_writable(path, force=force)
    # mkstemp makes the file private (0600); a draft gets the mode any new file would get.
    _swap_in(path, parent, content.encode("utf-8"), _default_mode())


def replace_atomic(path: Path, content: str, *, read: bytes, force: bool) -> None:
    """Replace the existing file ``path``, whose bytes were ``read``, with ``content`` all at once,
    keeping its mode (a symlink's target is replaced, the link stays).

    When the file no longer holds ``read`` (someone saved or removed it meanwhile), nothing is
    written unless ``force`` is set: the edits were made to the old text.
    """
    target = Path(os.path.realpath(path))
    refusal = OutputExistsError(
        f"{path}: changed since it was read; nothing written (run again, or pass --force to overwrite it)"
    )

    def unchanged() -> None:
        try:
            now = target.read_bytes()
        except FileNotFoundError:
            now = None
        if not force and now != read:
            raise refusal

    try:
        mode = stat.S_IMODE(target.stat().st_mode)
    except FileNotFoundError:
        if not force:
            raise refusal from None
        mode = _default_mode()
    try:
        _swap_in(target, target.parent, content.encode("utf-8"), mode, before=unchanged)
    except OSError as exc:
        raise UserError(f"{path}: cannot write ({exc.strerror})") from None


def _swap_in(path: Path, parent: Path, data: bytes, mode: int, before: Callable[[], None] | None = None) -> None:
    """Write ``data`` to a temporary file in ``parent`` and rename it over ``path``; ``before`` runs
    just before the rename (a last check that may refuse it)."""
    # The writer's pid in the name tells a later run whether the file is still being written.
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.{os.getpid()}.", suffix=".tmp", dir=parent)
    try:
        os.fchmod(fd, mode)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if before is not None:
            before()
        os.replace(tmp_name, path)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
    remove_stale_temporaries(path)


def remove_stale_temporaries(path: Path) -> list[Path]:
    """Remove the temporary files that writers of ``path`` left when they were killed; return them.

    Only files whose writer process no longer exists are removed: another run may be writing the
    same target right now.
    """
    parent = path.parent if str(path.parent) else Path(".")
    removed = []
    for leftover in parent.glob(f".{glob.escape(path.name)}.*.tmp"):
        pid = leftover.name[len(path.name) + 2 :].split(".", 1)[0]
        if pid.isdigit() and not _running(int(pid)):
            leftover.unlink(missing_ok=True)
            removed.append(leftover)
    return removed


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # someone else's process, but one that exists
    return True


def _default_mode() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask
