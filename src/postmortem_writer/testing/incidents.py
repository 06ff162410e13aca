"""The bundled regression incidents (``fixtures/incidents/<name>/``), as tests and benchmarks read them.

Each folder holds ``sources/`` and, where pasted text needs them, an ``expected.yaml`` with the
``date`` and ``tz`` the copier was in, beside what the draft must find.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml

from postmortem_writer.sources import SourceOptions


def expected_of(folder: Path) -> dict[str, Any]:
    """The incident's ``expected.yaml`` (empty when it has none)."""
    path = folder / "expected.yaml"
    spec = yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else None
    return spec or {}


def incident_options(folder: Path) -> SourceOptions:
    """The source options the incident's sources need: the ``date`` and ``tz`` of its ``expected.yaml``."""
    spec = expected_of(folder)
    day = spec.get("date")
    return SourceOptions(
        tz=ZoneInfo(spec["tz"]) if spec.get("tz") else None, date=day if isinstance(day, date) else None
    )
