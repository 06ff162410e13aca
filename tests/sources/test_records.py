"""Generic records: fields found by name and by content, --map, epoch and zoned times, bad records."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from postmortem_writer.errors import InputError, UsageError
from postmortem_writer.models import ActorKind, Event, SourceKind
from postmortem_writer.sources import SourceOptions, load_sources
from postmortem_writer.sources.records import parse_field_map
from postmortem_writer.timeparse import zone

T0 = datetime(2025, 3, 4, 9, 17, 5, tzinfo=UTC)


def read(tmp_path: Path, name: str, text: str, tz: str | None = None, mapping: str | None = None) -> list[Event]:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    options = SourceOptions(tz=zone(tz) if tz else None, field_map=parse_field_map(mapping) if mapping else None)
    loaded = load_sources([path], options)
    assert [record.format for record in loaded.inputs] == ["records"]
    return loaded.events


# Each case: file name, content, expected (time, actor, text) of the first event. Field names from
# the lists, epoch seconds and milliseconds (numbers and strings), offsets, and a field
# found by content alone.
CASES = [
    pytest.param(
        "log.csv", "ts,user,message\n2025-03-04T09:17:05Z,Priya,I'm IC\n", (T0, "Priya", "I'm IC"), id="csv-by-name"
    ),
    pytest.param(
        "log.json",
        '[{"@timestamp": "2025-03-04T10:17:05+01:00", "author": "Marco", "text": "p99 is 2.4s"}]',
        (T0, "Marco", "p99 is 2.4s"),
        id="json-array-offset",
    ),
    pytest.param(
        "log.jsonl",
        '{"timestamp": 1741079825, "actor": "deploy-bot", "summary": "Deploying 1.42.0"}\n',
        (T0, "deploy-bot", "Deploying 1.42.0"),
        id="jsonl-epoch-seconds",
    ),
    pytest.param(
        "log.jsonl",
        '{"time": 1741079825000, "source": "grafana", "description": "Redis hit ratio low"}\n',
        (T0, "grafana", "Redis hit ratio low"),
        id="jsonl-epoch-ms",
    ),
    pytest.param(
        "log.csv",
        'date,who,what\n"1741079825.250000",Zoë,found the config change\n',
        (T0.replace(microsecond=250000), "unknown", "found the config change"),
        id="csv-epoch-string-text-by-content",
    ),
    pytest.param(
        "log.json",
        '[{"when": "2025-03-04 09:17:05Z", "note": "checkout latency is back to normal", "level": "info"}]',
        (T0, "unknown", "checkout latency is back to normal"),
        id="time-and-text-by-content",
    ),
]


@pytest.mark.parametrize(("name", "text", "expected"), CASES)
def test_fields_found_by_name_and_content(tmp_path: Path, name: str, text: str, expected: tuple[object, ...]) -> None:
    [event] = read(tmp_path, name, text)
    assert (event.ts, event.actor, event.text) == expected
    assert event.kind is SourceKind.OTHER


def test_actor_kind_and_the_other_fields_kept(tmp_path: Path) -> None:
    events = read(
        tmp_path,
        "log.csv",
        "time,user,message,level\n2025-03-04T09:17:05Z,incident-bot,declared,info\n2025-03-04T09:18:05Z,,hi,\n",
    )
    assert [(e.actor, e.actor_kind) for e in events] == [("incident-bot", ActorKind.BOT), ("unknown", ActorKind.SYSTEM)]
    assert events[0].meta == {"level": "info"}
    assert [e.ref for e in events] == ["line 2", "line 3"]


def test_naive_times_need_tz(tmp_path: Path) -> None:
    text = "time,user,message\n2025-03-04 10:17:05,Priya,I'm IC\n"
    with pytest.raises(InputError, match=r"log\.csv:line 2: time has no time zone; pass --tz"):
        read(tmp_path, "log.csv", text)
    [event] = read(tmp_path, "log.csv", text, tz="Europe/Berlin")
    assert event.ts == T0


def test_malformed_records_are_skipped_with_their_position(tmp_path: Path) -> None:
    path = tmp_path / "log.jsonl"
    path.write_text(
        '{"ts": "2025-03-04T09:17:05Z", "message": "one"}\n'
        "{not json\n"
        '{"ts": "", "message": "no time"}\n'
        '{"ts": "soon", "message": "bad time"}\n'
        '["not", "an object"]\n'
        '{"ts": "2025-03-04T09:18:05Z", "message": "two"}\n',
        encoding="utf-8",
    )
    loaded = load_sources([path], SourceOptions())
    assert [event.text for event in loaded.events] == ["one", "two"]
    assert [warning.split(":", 2)[1] for warning in loaded.warnings] == ["line 2", "line 3", "line 4", "line 5"]
    assert "cannot read 'soon' as a date and time" in loaded.warnings[2]


def test_map_overrides_detection_and_reads_nested_fields(tmp_path: Path) -> None:
    text = '[{"ts": "2025-03-04T08:00:00Z", "at": 1741079825, "log": {"message": "pool exhausted"}, "host": "web-1"}]'
    [event] = read(tmp_path, "app.json", text, mapping="time=at,text=log.message,actor=host")
    assert (event.ts, event.text, event.actor) == (T0, "pool exhausted", "web-1")


def test_map_reads_a_file_detection_cannot(tmp_path: Path) -> None:
    text = "stamp,job,result\n2025-03-04T09:17:05Z,build,ok\n"
    [event] = read(tmp_path, "builds.csv", text, mapping="time=stamp,text=result")
    assert (event.ts, event.text) == (T0, "ok")


def test_map_on_a_file_a_specific_format_reads_says_it_was_not_used(tmp_path: Path) -> None:
    path = tmp_path / "deploys.csv"
    path.write_text("time,service,notes\n2025-03-04T09:17:05Z,checkout,shipped it\n", encoding="utf-8")
    loaded = load_sources([path], SourceOptions(field_map={"text": "notes"}))
    assert [record.format for record in loaded.inputs] == ["deploy-history"]
    assert loaded.warnings == [
        f"{path}: read as deploy-history, so --map was not used (--source-format records applies it)"
    ]
    forced = load_sources([path], SourceOptions(field_map={"text": "notes"}, source_format="records"))
    assert [(e.text, e.actor) for e in forced.events] == [("shipped it", "unknown")]
    assert forced.warnings == []


def test_mapped_field_missing_from_the_file_is_one_clear_error(tmp_path: Path) -> None:
    expected = r"log\.csv: --map text=msg: no field 'msg' in this file \(fields: ts, message\)"
    with pytest.raises(InputError, match=expected):
        read(tmp_path, "log.csv", "ts,message\n2025-03-04T09:17:05Z,hi\n", mapping="text=msg")


@pytest.mark.parametrize(
    ("spec", "error"),
    [
        ("time", "expected ROLE=FIELD pairs"),
        ("time=ts,,text=msg", "expected ROLE=FIELD pairs"),
        ("time=", "expected ROLE=FIELD pairs"),
        ("when=ts", "unknown role 'when' (roles: time, text, actor)"),
    ],
)
def test_bad_map_syntax(spec: str, error: str) -> None:
    with pytest.raises(UsageError, match=re.escape(f"--map '{spec}': {error}")):
        parse_field_map(spec)


def test_parse_field_map() -> None:
    assert parse_field_map(" time = @timestamp , text=log.message,actor=host") == {
        "time": "@timestamp",
        "text": "log.message",
        "actor": "host",
    }
