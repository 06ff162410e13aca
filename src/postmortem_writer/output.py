"""Writing outputs so that nothing already written is ever lost or half-written."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from postmortem_writer.errors import OutputExistsError, UserError


def write_atomic(path: Path, content: str, *, force: bool) -> None:
    """Write ``content`` to ``path`` all at once: a reader sees the old file or the new, never half.

    An existing file is kept unless ``force`` is set.
    """
    if path.exists() and not force:
        raise OutputExistsError(f"{path}: already exists; pass --force to overwrite it")
    if path.is_dir():
        raise UserError(f"{path}: is a folder, not a file")
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.is_dir():
        raise UserError(f"{path}: the folder {parent} does not exist")
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=parent)
    try:
        # mkstemp makes the file private (0600); a draft gets the mode any new file would get.
        os.fchmod(fd, _default_mode())
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp_name, path)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise


def _default_mode() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask
