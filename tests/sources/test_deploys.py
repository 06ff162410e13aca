"""The deploy-history adapter: CSV, JSON Lines and JSON arrays; rollbacks; zones; line numbers."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from postmortem_writer.errors import InputError
from postmortem_writer.models import ActorKind, Event, Signal, SourceKind
from postmortem_writer.sources import SourceOptions, load_sources
from postmortem_writer.timeparse import zone

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
CSV = FIXTURES / "incidents" / "inc-2025-0304" / "sources" / "deploys.csv"
SAMPLES = FIXTURES / "samples" / "deploys"


def read(path: Path, tz: str | None = None) -> list[Event]:
    loaded = load_sources([path], SourceOptions(tz=zone(tz) if tz else None))
    assert [record.format for record in loaded.inputs] == ["deploy-history"]
    return loaded.events


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_csv_sample() -> None:
    events = read(CSV)
    assert len(events) == 6
    assert [event.signal for event in events] == [Signal.DEPLOY] * 4 + [Signal.ROLLBACK] * 2
    assert [event.ref for event in events] == [f"line {n}" for n in range(2, 8)]
    train = events[2]
    assert train.ts == datetime(2025, 3, 4, 9, 2, 37, tzinfo=UTC)
    assert train.text.startswith("Deployed checkout-service 1.42.0 — Deploy train #1187: checkout 1.42.0 (PR #4812")
    assert (train.actor, train.actor_kind) == ("deploy-bot", ActorKind.BOT)
    assert train.meta == {"service": "checkout-service", "version": "1.42.0"}
    assert {(event.format, event.kind) for event in events} == {("deploy-history", SourceKind.DEPLOY)}
    rollback = events[4]
    assert rollback.text == "Rolled back checkout-service, now at 1.41.3 — Rollback to Argo CD history 40 (e3d9a77)"
    assert (rollback.actor, rollback.actor_kind) == ("zoe.odegard@acme.example", ActorKind.HUMAN)
    assert events[0].actor_kind is ActorKind.BOT  # argocd-auto-sync


def test_jsonl_sample_with_aliases_offsets_and_a_blank_line() -> None:
    events = read(SAMPLES / "deploys.jsonl", tz="UTC")
    assert [event.ref for event in events] == ["line 1", "line 3", "line 4"]
    assert [event.ts.strftime("%H:%M:%S") for event in events] == ["09:02:37", "09:41:19", "09:44:02"]
    assert [event.signal for event in events] == [Signal.DEPLOY, Signal.ROLLBACK, Signal.ROLLBACK]
    assert (events[0].actor, events[0].actor_kind) == ("github-actions[bot]", ActorKind.BOT)
    assert events[0].text == "Deployed checkout-service 1.42.0 — Deploy train #1187"


def test_json_array_sample() -> None:
    events = read(SAMPLES / "deploys.json")
    assert [(event.ref, event.signal) for event in events] == [
        ("record 1", Signal.DEPLOY),
        ("record 2", Signal.ROLLBACK),
    ]


def test_csv_with_bom_crlf_multiline_cell_and_naive_times() -> None:
    path = SAMPLES / "deploys_naive_bom_crlf.csv"
    with pytest.raises(InputError, match=r"deploys_naive_bom_crlf\.csv:line 2: time has no time zone; pass --tz"):
        read(path)
    events = read(path, tz="Europe/Berlin")
    assert [event.ts for event in events] == [
        datetime(2025, 3, 4, 8, 2, 37, tzinfo=UTC),
        datetime(2025, 3, 4, 8, 41, 19, tzinfo=UTC),
    ]
    # The quoted cell spans two lines, so the next row starts on line 4.
    assert [event.ref for event in events] == ["line 2", "line 4"]
    assert (
        events[0].text
        == 'Deployed checkout-service 1.42.0 — Deploy train #1187:\nPR #4812, "redis.pool.max_idle" 64 -> 4'
    )
    assert [(event.actor, event.actor_kind) for event in events] == [
        ("ci-runner", ActorKind.BOT),
        ("Zoë Ødegård", ActorKind.HUMAN),
    ]


@pytest.mark.parametrize(
    ("text", "signal"),
    [
        pytest.param("revert PR #4812", Signal.ROLLBACK, id="revert"),
        pytest.param("rolled back after alerts", Signal.ROLLBACK, id="rolled-back"),
        pytest.param("roll-back of the canary", Signal.ROLLBACK, id="roll-back"),
        pytest.param("enrollback campaign", Signal.DEPLOY, id="word-boundary"),
        pytest.param("feature flag rollout", Signal.DEPLOY, id="rollout"),
    ],
)
def test_rollback_wording(tmp_path: Path, text: str, signal: Signal) -> None:
    path = write(tmp_path, "d.csv", f"timestamp,app,notes\n2025-03-04T09:00:00Z,web,{text}\n")
    assert read(path)[0].signal is signal


def test_missing_actor_and_service(tmp_path: Path) -> None:
    path = write(tmp_path, "d.csv", "time,version\n2025-03-04T09:00:00Z,2.0\n")
    event = read(path)[0]
    assert (event.actor, event.actor_kind, event.text) == ("unknown", ActorKind.SYSTEM, "Deployed 2.0")
    assert event.meta == {"service": None, "version": "2.0"}


GOOD_JSONL = '{"time": "2025-03-04T09:00:00Z", "service": "web"}\n'
GOOD_CSV = "time,service\n2025-03-04T09:00:00Z,web\n"


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        pytest.param("d.jsonl", GOOD_JSONL + '{"time": \n', r"line 2: malformed JSON", id="bad-jsonl-line"),
        pytest.param("d.jsonl", GOOD_JSONL + "[1]\n", r"line 2: .*not a JSON object", id="jsonl-not-object"),
        pytest.param("d.csv", GOOD_CSV + ",web\n", r"line 3: deploy record has no time", id="empty-time"),
        pytest.param("d.csv", GOOD_CSV + "soon,web\n", r"line 3: cannot read 'soon'", id="bad-time"),
    ],
)
def test_malformed_records_are_skipped_with_a_warning_naming_the_line(
    tmp_path: Path, name: str, text: str, message: str
) -> None:
    loaded = load_sources([write(tmp_path, name, text)], SourceOptions())
    assert len(loaded.events) == 1
    assert [record.skipped for record in loaded.inputs] == [1]
    assert len(loaded.warnings) == 1
    assert re.fullmatch(rf"skipped .*{name.replace('.', '[.]')}:{message}.*", loaded.warnings[0])


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        pytest.param(
            "d.jsonl",
            '{"time": "", "service": "web"}\n{"time": \n',
            r"line 1: deploy record has no time",
            id="only-bad-jsonl",
        ),
        pytest.param("d.csv", "time,service\nsoon,web\n", r"line 2: cannot read 'soon'", id="only-bad-time"),
    ],
)
def test_a_file_whose_every_record_fails_is_an_error(tmp_path: Path, name: str, text: str, message: str) -> None:
    with pytest.raises(InputError, match=rf"{name.replace('.', '[.]')}:{message}"):
        read(write(tmp_path, name, text))


def test_many_skips_are_summed_up(tmp_path: Path) -> None:
    path = write(tmp_path, "d.csv", GOOD_CSV + "soon,web\n" * 50)
    loaded = load_sources([path], SourceOptions())
    assert len(loaded.warnings) == 21
    assert loaded.warnings[-1].endswith("skipped 50 malformed records in all")
