"""Ingest pauses the cycle collector while reading and always restores it as it was."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path

import pytest

from postmortem_writer import pipeline
from postmortem_writer.errors import InputError
from postmortem_writer.sources import SourceOptions
from postmortem_writer.sources.registry import Loaded

SAMPLE = Path(__file__).resolve().parents[1] / "fixtures" / "samples" / "mattermost" / "bulk_export.jsonl"


@pytest.fixture
def collector_on() -> Iterator[None]:
    was = gc.isenabled()
    gc.enable()
    yield
    if not was:
        gc.disable()


@pytest.mark.usefixtures("collector_on")
def test_collector_is_off_while_reading_and_on_after(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[bool] = []
    real = pipeline.load_sources

    def spy(paths: list[Path], options: SourceOptions) -> Loaded:
        seen.append(gc.isenabled())
        return real(paths, options)

    monkeypatch.setattr(pipeline, "load_sources", spy)
    assert len(pipeline.ingest([SAMPLE], SourceOptions()).stream) == 8
    assert seen == [False]
    assert gc.isenabled()


@pytest.mark.usefixtures("collector_on")
def test_collector_is_restored_after_an_error(tmp_path: Path) -> None:
    empty = tmp_path / "empty.log"
    empty.write_text("")
    with pytest.raises(InputError):
        pipeline.ingest([empty], SourceOptions())
    assert gc.isenabled()


def test_a_disabled_collector_stays_disabled() -> None:
    was = gc.isenabled()
    gc.disable()
    try:
        pipeline.ingest([SAMPLE], SourceOptions())
        assert not gc.isenabled()
    finally:
        if was:
            gc.enable()
