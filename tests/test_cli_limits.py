"""The input size limit through the CLI: one error line, exit code 2, and the ways to raise it."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from postmortem_writer.cli import cli
from postmortem_writer.sources.limits import DEFAULT_MAX_INPUT_MB

GIB = 2**30


@pytest.fixture
def three_gib(tmp_path: Path) -> Path:
    """A 3 GiB file that uses no disk: sparse, all holes."""
    path = tmp_path / "export.json"
    with path.open("wb") as handle:
        os.truncate(handle.fileno(), 3 * GIB)
    return path


@pytest.mark.parametrize("command", ["draft", "ingest"])
def test_multi_gib_file_is_refused_unread_at_the_default_limit(command: str, three_gib: Path) -> None:
    started = time.perf_counter()
    result = CliRunner().invoke(cli, [command, str(three_gib)])
    seconds = time.perf_counter() - started
    assert result.exit_code == 2, result.output
    assert result.stderr.splitlines() == [
        f"error: {three_gib}: 3 GiB is over the {DEFAULT_MAX_INPUT_MB} MiB input limit "
        "(raise it with --max-input-mb or POSTMORTEM_MAX_INPUT_MB)"
    ]
    # Reading 3 GiB would take seconds and the memory of several; refusing takes neither.
    assert seconds < 2, seconds


def _records(tmp_path: Path) -> Path:
    """A JSON Lines log of a little over 1 MiB in three long records (few events keep the test fast)."""
    text = "checkout p99 at 2400 ms " * (2**20 // 3 // 24 + 1)
    path = tmp_path / "app.jsonl"
    path.write_text(
        "".join(f'{{"timestamp": "2025-03-04T09:1{n}:00Z", "message": "{text}"}}\n' for n in range(3)),
        encoding="utf-8",
    )
    return path


@pytest.mark.parametrize(
    ("args", "env", "exit_code"),
    [
        pytest.param(["--max-input-mb", "1"], {}, 2, id="option-below"),
        pytest.param(["--max-input-mb", "2"], {}, 0, id="option-above"),
        pytest.param([], {"POSTMORTEM_MAX_INPUT_MB": "1"}, 2, id="env-below"),
        pytest.param(["--max-input-mb", "2"], {"POSTMORTEM_MAX_INPUT_MB": "1"}, 0, id="option-beats-env"),
        pytest.param([], {}, 0, id="default"),
    ],
)
def test_limit_is_set_by_option_or_environment(
    tmp_path: Path, args: list[str], env: dict[str, str], exit_code: int
) -> None:
    path = _records(tmp_path)
    result = CliRunner().invoke(cli, ["ingest", str(path), "--format", "jsonl", *args], env=env)
    assert result.exit_code == exit_code, result.output
    if exit_code:
        assert result.stderr.splitlines() == [
            f"error: {path}: {path.stat().st_size:,} bytes is over the 1 MiB input limit (raise it with "
            "--max-input-mb or POSTMORTEM_MAX_INPUT_MB)"
        ]


def test_limit_must_be_positive(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["ingest", str(_records(tmp_path)), "--max-input-mb", "0"])
    assert result.exit_code == 2
    assert "Invalid value for '--max-input-mb'" in result.stderr
