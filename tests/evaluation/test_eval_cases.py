"""gold.yaml: what is accepted, what is ignored, and one clear error line for each way it can be broken."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from postmortem_writer.cli import cli
from postmortem_writer.evaluation import load_case

VALID = """\
title: Cache TTL zero
urls: [https://example.org/pm]
date: 2024-05-01
timezone: Europe/Berlin
timeline:
  - {time: 2024-05-01T10:03:00Z, event: alert fired, kind: detection}
  - {time: "2024-05-01T12:20:00+02:00", event: back to normal, kind: resolution, approx: true}
contributing_factors: [ttl zero]
action_items: [add a canary]
"""


def _case(tmp_path: Path, gold: str) -> Path:
    folder = tmp_path / "my-case"
    (folder / "sources").mkdir(parents=True)
    (folder / "sources" / "chat.txt").write_text("[12:03] Ana: alert fired\n[12:20] Ana: back to normal\n")
    (folder / "gold.yaml").write_text(gold, encoding="utf-8")
    return folder


def test_a_valid_gold_sets_the_day_and_zone_and_ignores_unknown_keys(tmp_path: Path) -> None:
    case = load_case(_case(tmp_path, VALID + "reviewers: [someone]\nseverity: SEV1\n"))
    assert case.slug == "my-case"
    assert case.gold.timeline[1].time == datetime(2024, 5, 1, 10, 20, tzinfo=UTC)
    assert case.gold.timeline[1].approx
    options = case.source_options()
    assert options.date == date(2024, 5, 1)
    assert str(options.tz) == "Europe/Berlin"


# (id, how the valid gold is broken, the field the error must name, a word of the message)
BROKEN = [
    ("missing-title", lambda g: g.replace("title: Cache TTL zero\n", ""), "title", "required"),
    ("naive-time", lambda g: g.replace("2024-05-01T10:03:00Z", '"2024-05-01T10:03:00"'), "timeline[0].time", "zone"),
    ("unknown-kind", lambda g: g.replace("kind: detection", "kind: panic"), "timeline[0].kind", "panic"),
    ("unknown-zone", lambda g: g.replace("Europe/Berlin", "Mars/Olympus"), "timezone", "Mars/Olympus"),
    ("bad-date", lambda g: g.replace("date: 2024-05-01", "date: first of May"), "date", "date"),
    ("empty-timeline", lambda g: g.split("timeline:")[0] + "timeline: []\ncontributing_factors: []\naction_items: []\n",
     "timeline", "at least 1"),
    ("not-yaml", lambda g: g + "  - {unclosed: [\n", "line", "YAML"),
    ("not-a-mapping", lambda g: "- just\n- a list\n", "gold.yaml", "mapping"),
]  # fmt: skip


@pytest.mark.parametrize(("breaks", "field", "word"), [c[1:] for c in BROKEN], ids=[c[0] for c in BROKEN])
def test_a_broken_gold_is_one_error_line_naming_file_and_field(
    tmp_path: Path, breaks: object, field: str, word: str
) -> None:
    assert callable(breaks)
    folder = _case(tmp_path, breaks(VALID))
    result = CliRunner().invoke(cli, ["eval", str(tmp_path)])
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith(f"error: {folder / 'gold.yaml'}")
    assert field in lines[0]
    assert word in lines[0]
    assert "Traceback" not in result.output


def test_a_folder_without_cases_is_an_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["eval", str(tmp_path)])
    assert result.exit_code == 2
    assert "no case folders" in result.stderr
