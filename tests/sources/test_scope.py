"""--since, --until and --channel, and sources far apart in time: what is kept, and what the user is told."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from postmortem_writer.cli import cli
from postmortem_writer.errors import UsageError
from postmortem_writer.sources import SourceOptions, load_sources
from postmortem_writer.sources.scope import Scope
from postmortem_writer.timeparse import zone

SAMPLES = Path(__file__).resolve().parents[2] / "fixtures" / "samples"
EXPORT = SAMPLES / "slack" / "export"
UTC = zone("UTC")

# (scope, zone, events kept of the export's 24, the note)
CASES = [
    pytest.param(Scope(), UTC, 24, None, id="no-scope-keeps-everything"),
    pytest.param(
        Scope(since="2025-03-04T09:20:00Z"), None, 17, "since 2025-03-04 09:20 UTC", id="since-a-time-with-a-zone"
    ),
    pytest.param(
        Scope(since="2025-03-04 10:20"), zone("Europe/Berlin"), 17, "since 2025-03-04 09:20 UTC", id="since-in-tz"
    ),
    pytest.param(Scope(until="2025-03-04"), UTC, 23, "until 2025-03-05 00:00 UTC", id="until-a-date-means-its-end"),
    pytest.param(
        Scope(channels=("#inc-checkout-latency",)), UTC, 19, "channel #inc-checkout-latency", id="one-channel"
    ),
    pytest.param(
        Scope(since="2025-03-04T09:20Z", channels=("DEPLOYS",)),
        UTC,
        2,
        "channel DEPLOYS; since 2025-03-04 09:20 UTC",
        id="channel-names-ignore-case-and-combine-with-a-window",
    ),
]


@pytest.mark.parametrize(("scope", "tz", "kept", "note"), CASES)
def test_scope_keeps(scope: Scope, tz: object, kept: int, note: str | None) -> None:
    loaded = load_sources([EXPORT], SourceOptions(tz=UTC if tz is None else tz, scope=scope))  # type: ignore[arg-type]
    assert len(loaded.events) == kept
    assert loaded.scope_note == (f"kept {kept} of 24 events ({note})" if note else None)


ERRORS = [
    pytest.param(Scope(since="2025-03-04"), None, "--since 2025-03-04 has no time zone; pass --tz", id="date-no-zone"),
    pytest.param(Scope(since="yesterday"), UTC, "--since 'yesterday': cannot read", id="not-a-time"),
    pytest.param(
        Scope(since="2025-03-05", until="2025-03-04"), UTC, "--until 2025-03-04 is not after --since", id="inverted"
    ),
    pytest.param(Scope(since="2026-01-01"), UTC, "leaves none of the 24 events read (they run from", id="empty"),
]


@pytest.mark.parametrize(("scope", "tz", "message"), ERRORS)
def test_scope_errors(scope: Scope, tz: object, message: str) -> None:
    with pytest.raises(UsageError, match=message.replace("(", r"\(")):
        load_sources([EXPORT], SourceOptions(tz=tz, scope=scope))  # type: ignore[arg-type]


def test_an_unknown_channel_is_named_with_the_known_ones() -> None:
    loaded = load_sources([EXPORT], SourceOptions(scope=Scope(channels=("inc-checkout-latency", "nope"))))
    assert "--channel nope: no such channel in the sources (channels: deploys, inc-checkout-latency)" in (
        loaded.warnings
    )


def test_far_apart_sources_are_named_and_the_ones_around_the_first_detection_drafted(tmp_path: Path) -> None:
    # An IRC log from 2018 beside alerts from 2025: the log is left out, with a warning naming it.
    log = SAMPLES / "irc" / "znc_oftc_#db-ops_20181022.log"
    hooks = SAMPLES / "opsgenie" / "variants" / "outgoing_webhooks.jsonl"
    loaded = load_sources([log, hooks], SourceOptions(tz=UTC))
    assert {event.source for event in loaded.events} == {str(hooks)}
    assert f"{log}: far from the other sources in time (2018-10-22 09:58 UTC to 2018-10-22 10:49 UTC, 6 years" in (
        " ".join(loaded.warnings)
    )
    assert loaded.scope_note == (
        "kept 4 of 49 events (sources far apart in time: drafting those around the first detection at "
        "2025-03-04 09:10 UTC (2025-03-04 09:10 UTC to 2025-03-04 09:51 UTC); choose with --since/--until)"
    )
    # A window given by the user is theirs: nothing is chosen for them.
    chosen = load_sources([log, hooks], SourceOptions(tz=UTC, scope=Scope(since="2018-10-22")))
    assert len(chosen.events) == 49


def test_sources_weeks_apart_that_overlap_are_kept_whole(tmp_path: Path) -> None:
    # A deploy history from weeks before, running up to the incident, is one stretch with it.
    deploys = tmp_path / "deploys.csv"
    deploys.write_text(
        "time,service,version\n2025-02-01T10:00:00Z,checkout,1.40.0\n2025-03-04T09:02:00Z,checkout,1.42.0\n"
    )
    shutil.copy(SAMPLES / "opsgenie" / "variants" / "outgoing_webhooks.jsonl", tmp_path / "hooks.jsonl")
    loaded = load_sources([deploys, tmp_path / "hooks.jsonl"], SourceOptions())
    assert len(loaded.events) == 6
    assert loaded.scope_note is None


def test_ingest_says_what_the_scope_kept() -> None:
    result = CliRunner().invoke(
        cli, ["ingest", str(EXPORT), "--since", "2025-03-04T09:20Z", "--channel", "inc-checkout-latency"]
    )
    assert result.exit_code == 0, result.output
    assert "scope: kept 15 of 24 events (channel inc-checkout-latency; since 2025-03-04 09:20 UTC)\n" in result.stderr
    assert "15 events from 1 source(s)" in result.stderr


@pytest.mark.parametrize(
    ("inside", "shown"),
    [
        pytest.param(False, "ops.log", id="outside-the-current-folder-relative-to-the-inputs-parent"),
        pytest.param(True, "inc/ops.log", id="inside-the-current-folder-relative-to-it"),
    ],
)
def test_a_draft_never_names_an_input_by_its_absolute_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, inside: bool, shown: str
) -> None:
    home = tmp_path / "home" / "ana"
    (home / "inc").mkdir(parents=True)
    log = home / "inc" / "ops.log"
    log.write_text("[09:10] <ana> checkout p99 is 2.4s\n[09:12] <bo> rolling back\n", encoding="utf-8")
    (tmp_path / "work").mkdir()
    monkeypatch.chdir(home if inside else tmp_path / "work")
    result = CliRunner().invoke(cli, ["draft", str(log), "--tz", "UTC", "--date", "2025-03-04", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert str(tmp_path) not in result.stdout
    assert f'"source":"{shown}"' in result.stdout.replace(": ", ":")
    assert f'"path":"{shown}"' in result.stdout.replace(": ", ":")
