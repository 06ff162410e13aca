"""Earlier postmortems read (drafts and Markdown with any headings), indexed once, and ranked."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from postmortem_writer.cli import cli
from postmortem_writer.config import load_config
from postmortem_writer.errors import InputError
from postmortem_writer.history.documents import read_incident
from postmortem_writer.history.index import open_index, tokens
from postmortem_writer.models import Draft

HISTORY = Path(__file__).resolve().parents[2] / "fixtures" / "history"

_WRITTEN = """# Checkout down after pool change

Date of the incident: 2024-11-18.

## Why it happened
- Redis pool lowered by config
- No load test

## Follow-ups
| Action | Owner |
| --- | --- |
| Alert on pool wait | Marco |

## Notes
- not a factor
"""


def test_a_written_postmortem_is_read_by_its_headings_words(tmp_path: Path) -> None:
    path = tmp_path / "pm.md"
    path.write_text(_WRITTEN, encoding="utf-8")
    past = read_incident(path, "h/pm.md")
    assert (past.title, past.date, past.path) == ("Checkout down after pool change", "2024-11-18", "h/pm.md")
    assert past.factors == ("Redis pool lowered by config", "No load test")
    assert past.actions == ("Alert on pool wait",)


def test_a_draft_is_read_with_its_factors_actions_and_date() -> None:
    past = read_incident(HISTORY / "drafts" / "2024-08-02-checkout-retries.json", "x.json")
    assert past.date == "2024-08-02"
    assert past.title == "Checkout errors after payment retries change"
    assert len(past.actions) == len(past.action_kinds) == 2


def test_a_json_file_that_is_no_draft_is_one_error_naming_it(tmp_path: Path) -> None:
    path = tmp_path / "other.json"
    path.write_text('{"title": 3}', encoding="utf-8")
    with pytest.raises(InputError, match=r"other\.json: not a postmortem draft: title"):
        read_incident(path, str(path))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("checkout-service", ["checkout-service", "checkout", "service"]),
        ("CheckoutP99LatencyHigh", ["checkoutp99latencyhigh", "checkout", "p99", "latency", "high"]),
        ("redis.pool.max_idle", ["redis.pool.max_idle", "redis", "pool", "max", "idle"]),
        ("the pool of a DB", ["pool", "db"]),
    ],
    ids=["hyphenated", "camel-case", "dotted-key", "stopwords"],
)
def test_identifiers_are_searched_whole_and_in_parts(text: str, expected: list[str]) -> None:
    assert tokens(text) == expected


def test_the_index_is_built_once_and_read_back_until_a_file_changes(tmp_path: Path) -> None:
    folder = tmp_path / "h"
    folder.mkdir()
    (folder / "a.md").write_text("# Redis pool exhausted\n\ncheckout redis pool", encoding="utf-8")
    (folder / "b.md").write_text("# DNS outage\n\nresolver servfail", encoding="utf-8")
    cache = tmp_path / "cache"
    first = open_index([folder], cache)
    again = open_index([folder], cache)
    assert (first.cached, again.cached) == (False, True)
    assert [p.path for p, _ in again.scores("redis pool")][:1] == ["h/a.md"]
    (folder / "b.md").write_text("# DNS outage\n\nresolver servfail, redis too", encoding="utf-8")
    changed = open_index([folder], cache)
    assert not changed.cached
    assert changed.location != first.location


def test_the_history_command_lists_the_index_and_ranks_a_query(tmp_path: Path) -> None:
    runner = CliRunner()
    listing = runner.invoke(cli, ["history", str(HISTORY), "--cache-dir", str(tmp_path)], catch_exceptions=False)
    assert listing.exit_code == 0, listing.output
    assert "13 earlier postmortem(s) indexed" in listing.stderr
    assert "2024-11-18" in listing.stdout
    assert "Checkout requests time out after Redis pool change" in listing.stdout
    ranked = runner.invoke(
        cli, ["history", str(HISTORY), "--cache-dir", str(tmp_path), "-q", "certificate expired TLS handshake"]
    )
    assert "read from the cache" in ranked.stderr
    assert "2024-09-09-tls-certificate.md" in ranked.stdout.splitlines()[1]


def test_history_folders_in_the_settings_file_are_taken_from_its_folder(tmp_path: Path) -> None:
    settings = tmp_path / "team" / ".postmortem.toml"
    settings.parent.mkdir()
    settings.write_text('[history]\ndirs = ["postmortems", "/srv/pm"]\n', encoding="utf-8")
    assert load_config(settings).history.dirs == (str(tmp_path / "team" / "postmortems"), "/srv/pm")


def test_a_draft_lists_related_incidents_from_the_settings_history(sample_incident: Path, tmp_path: Path) -> None:
    settings = tmp_path / ".postmortem.toml"
    settings.write_text(f"[history]\ndirs = [{str(HISTORY)!r}]\n", encoding="utf-8")
    result = CliRunner().invoke(
        cli, ["draft", str(sample_incident), "--config", str(settings), "--format", "json"], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    assert len(Draft.model_validate_json(result.stdout).related_incidents) == 4


def test_an_absolute_history_folder_is_named_without_the_home_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "team" / "postmortems"
    folder.mkdir(parents=True)
    (folder / "a.md").write_text("# A\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path / "team")
    assert [p.path for p in open_index([folder], tmp_path / "c1").incidents] == ["postmortems/a.md"]
    monkeypatch.chdir(tmp_path.parent)
    elsewhere = tmp_path.parent / "elsewhere"
    elsewhere.mkdir(exist_ok=True)
    monkeypatch.chdir(elsewhere)
    assert [p.path for p in open_index([folder], tmp_path / "c2").incidents] == ["postmortems/a.md"]
