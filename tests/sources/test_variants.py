"""Exports shaped as the real tools emit them, unlike the samples: other fields, time formats, wrappers.

Each file under ``fixtures/samples/<tool>/variants/`` once failed (not recognised, wrong time or
actor); one row per file gives its format and, in time order, each event's UTC time and actor.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from postmortem_writer.sources import SourceOptions, load_sources

SAMPLES = Path(__file__).resolve().parents[2] / "fixtures" / "samples"


def at(clock: str) -> datetime:
    """A UTC instant on the incident day (2025-03-04) from ``HH:MM:SS[.ffffff]``."""
    return datetime.fromisoformat(f"2025-03-04T{clock}+00:00").astimezone(UTC)


CASES: list[tuple[str, str, list[tuple[datetime, str]]]] = [
    # The API's alert list: a bare array of alerts whose status is an object; endsAt is an expiry.
    ("alertmanager/variants/api_v2_alerts_amtool.json", "alertmanager", [(at("09:12:30.127"), "Alertmanager")]),
    # Times with a +01:00 offset and nanoseconds: read as UTC instants.
    (
        "alertmanager/variants/webhook_offset_times_resolved.json",
        "alertmanager",
        [(at("09:09:30.127843"), "Alertmanager"), (at("09:55:00.5"), "Alertmanager")],
    ),
]


@pytest.mark.parametrize(("sample", "fmt", "rows"), CASES, ids=[case[0] for case in CASES])
def test_variant(sample: str, fmt: str, rows: list[tuple[datetime, str]]) -> None:
    loaded = load_sources([SAMPLES / sample], SourceOptions())
    assert [record.format for record in loaded.inputs] == [fmt]
    assert [(event.ts, event.actor) for event in sorted(loaded.events, key=lambda event: event.ts)] == rows
