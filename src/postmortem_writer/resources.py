"""The one place that finds ``prompts/`` and ``templates/``, in a checkout or an installed wheel."""

from __future__ import annotations

from pathlib import Path

from postmortem_writer.errors import InternalError

_PACKAGE = Path(__file__).resolve().parent
# An installed wheel carries copies under the package; a source checkout has them at the top level.
_CANDIDATES = (_PACKAGE / "_data", _PACKAGE.parent.parent)


def resource_dir(name: str) -> Path:
    """The folder ``name`` ('prompts' or 'templates') shipped with this installation."""
    for base in _CANDIDATES:
        candidate = base / name
        if candidate.is_dir():
            return candidate
    raise InternalError(f"the {name}/ folder is missing from this installation; reinstall postmortem-writer")


def templates_dir() -> Path:
    """Where the Markdown postmortem templates live."""
    return resource_dir("templates")
