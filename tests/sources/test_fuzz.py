"""Damaged samples thrown at every adapter: the only exception that may escape is the tool's own.

Every file under ``fixtures/samples/`` is mutated (truncated, bytes flipped, lines deleted or
duplicated, JSON values swapped for another type, JSON keys removed) with a fixed seed, then read
once with sniffing and once forced through every adapter in the registry. Folders a bundle adapter
claims are also read with one member damaged. Adapters added to the registry are covered without
touching this file. JSON nested 100,000 deep, in every shape a reader might recurse into, is read
the same two ways.
"""

from __future__ import annotations

import json
import random
import shutil
import traceback
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from postmortem_writer.errors import UserError
from postmortem_writer.sources import SourceOptions, adapter_names, load_sources
from postmortem_writer.sources.base import Bundle
from postmortem_writer.sources.registry import BUNDLE_ADAPTERS
from postmortem_writer.timeparse import zone

SAMPLES = Path(__file__).resolve().parents[2] / "fixtures" / "samples"
# With a zone and a day, reading gets past the time checks into the rest of each adapter; without
# them, the "needs --tz" paths run too.
OPTIONS = (SourceOptions(), SourceOptions(tz=zone("Europe/Berlin"), date=date(2025, 3, 4)))
# JSON values a field might turn into: every JSON type, empty ones, and out-of-range numbers.
SWAPS: tuple[Any, ...] = (
    *(None, True, 0, -1, 10**30, 1.5e300, -1e18, "", "x", [], {}, [1], {"a": 1}),
    # Times that do not exist, or that exist but leave the datetime range once moved to UTC.
    *("2025-13-45T99:99:99Z", "0001-01-01T00:00:00+05:00", "9999-12-31T23:59:59-05:00", "1741079942.590465"),
)
NESTING = 5000  # levels: deeper than the json module can recurse


def _truncate(data: bytes, rng: random.Random) -> bytes:
    return data[: rng.randrange(len(data) + 1)]


def _flip_bytes(data: bytes, rng: random.Random) -> bytes:
    damaged = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        if damaged:
            damaged[rng.randrange(len(damaged))] = rng.randrange(256)
    return bytes(damaged)


def _delete_line(data: bytes, rng: random.Random) -> bytes:
    lines = data.splitlines(keepends=True)
    if lines:
        del lines[rng.randrange(len(lines))]
    return b"".join(lines)


def _duplicate_line(data: bytes, rng: random.Random) -> bytes:
    lines = data.splitlines(keepends=True)
    if lines:
        at = rng.randrange(len(lines))
        lines.insert(at, lines[at])
    return b"".join(lines)


def _nest_deeply(data: bytes, rng: random.Random) -> bytes:
    """The file, or one line of it, wrapped in arrays deeper than a JSON parser's recursion."""
    lines = data.splitlines(keepends=True) or [b""]
    at = rng.randrange(len(lines))
    lines[at] = b"[" * NESTING + lines[at].rstrip(b"\r\n") + b"]" * NESTING + b"\n"
    return b"".join(lines) if rng.random() < 0.5 else b"[" * NESTING + data + b"]" * NESTING


def _containers(node: Any) -> Iterator[dict[str, Any] | list[Any]]:
    if isinstance(node, dict | list):
        yield node
        for child in node.values() if isinstance(node, dict) else node:
            yield from _containers(child)


def _json_edit(edit: Callable[[list[dict[str, Any] | list[Any]], random.Random], None]) -> Mutation:
    """A mutation of each JSON document in the file (the whole file, or each JSON Lines line)."""

    def mutate(data: bytes, rng: random.Random) -> bytes:
        try:
            documents = [json.loads(data.decode("utf-8-sig"))]
            lines = False
        except (UnicodeDecodeError, json.JSONDecodeError):
            try:
                documents = [json.loads(line) for line in data.decode("utf-8").splitlines() if line.strip()]
                lines = True
            except (UnicodeDecodeError, json.JSONDecodeError):
                return data  # not JSON: the byte-level mutations cover it
        for document in documents:
            containers = list(_containers(document))
            if containers:
                for _ in range(rng.randint(1, 3)):
                    edit(containers, rng)
        if lines:
            return "".join(json.dumps(d) + "\n" for d in documents).encode()
        return json.dumps(documents[0], indent=2).encode()

    return mutate


def _swap_type(containers: list[dict[str, Any] | list[Any]], rng: random.Random) -> None:
    node = rng.choice(containers)
    if node:
        key: Any = rng.choice(list(node)) if isinstance(node, dict) else rng.randrange(len(node))
        node[key] = rng.choice(SWAPS)


def _remove_key(containers: list[dict[str, Any] | list[Any]], rng: random.Random) -> None:
    dicts = [node for node in containers if isinstance(node, dict) and node]
    if dicts:
        node = rng.choice(dicts)
        del node[rng.choice(list(node))]


Mutation = Callable[[bytes, random.Random], bytes]
MUTATIONS: dict[str, Mutation] = {
    "truncate": _truncate,
    "flip-bytes": _flip_bytes,
    "delete-line": _delete_line,
    "duplicate-line": _duplicate_line,
    "swap-json-types": _json_edit(_swap_type),
    "remove-json-keys": _json_edit(_remove_key),
    "nest-deeply": _nest_deeply,
}


def _samples() -> list[Path]:
    return sorted(path for path in SAMPLES.rglob("*") if path.is_file())


# Reads (mutants times adapters) per run: about 10 s on one core. As samples and adapters are added, each
# gets fewer mutants per kind (never none), so the test stays fast; the seeds stay fixed.
READS = 12_000
ROUNDS = max(1, READS // (len(_samples()) * len(MUTATIONS) * (len(adapter_names()) + 1)))


def _bundle_samples() -> list[Path]:
    folders = [Bundle.from_path(path, str(path)) for path in sorted(SAMPLES.rglob("*")) if path.is_dir()]
    return [bundle.root for bundle in folders if any(adapter.sniff_bundle(bundle) for adapter in BUNDLE_ADAPTERS)]


def _read_everyway(path: Path, round_: int) -> list[str]:
    """Read ``path`` sniffed and forced through every adapter; describe every foreign exception."""
    failures = []
    options = OPTIONS[round_ % len(OPTIONS)]
    for forced in (None, *adapter_names()):
        try:
            load_sources([path], SourceOptions(tz=options.tz, date=options.date, source_format=forced))
        except UserError:
            pass
        except Exception as exc:  # the point of the test: anything else is a crash to report
            where = traceback.extract_tb(exc.__traceback__)[-1]
            failures.append(
                f"{forced or 'sniffed'}: {type(exc).__name__}: {exc} at {Path(where.filename).name}:{where.lineno}"
            )
    return failures


@pytest.mark.parametrize("sample", _samples(), ids=lambda path: path.relative_to(SAMPLES).as_posix())
def test_damaged_sample_raises_only_input_errors(tmp_path: Path, sample: Path) -> None:
    data = sample.read_bytes()
    failures = []
    for kind, mutate in MUTATIONS.items():
        for round_ in range(ROUNDS):
            rng = random.Random(f"{sample.relative_to(SAMPLES).as_posix()}:{kind}:{round_}")
            damaged = tmp_path / f"{kind}-{round_}" / sample.name
            damaged.parent.mkdir()
            damaged.write_bytes(mutate(data, rng))
            failures += [f"{kind} #{round_}: {failure}" for failure in _read_everyway(damaged, round_)]
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("folder", _bundle_samples(), ids=lambda path: path.relative_to(SAMPLES).as_posix())
def test_bundle_with_a_damaged_member_raises_only_input_errors(tmp_path: Path, folder: Path) -> None:
    members = sorted(path.relative_to(folder) for path in folder.rglob("*") if path.is_file())
    failures = []
    for number, member in enumerate(members):
        rng = random.Random(f"{folder.relative_to(SAMPLES).as_posix()}:{member}")
        kind = rng.choice(list(MUTATIONS))
        copy = tmp_path / f"{number}" / folder.name
        shutil.copytree(folder, copy)
        (copy / member).write_bytes(MUTATIONS[kind]((folder / member).read_bytes(), rng))
        failures += [f"{member} ({kind}): {failure}" for failure in _read_everyway(copy, number)]
    assert not failures, "\n".join(failures)


def test_mutations_change_the_sample() -> None:
    """Guards the fuzzer itself: a mutation that never changes anything would test nothing."""
    data = (SAMPLES / "alertmanager" / "2025-03-04T091000Z_firing_latency.json").read_bytes()
    for kind, mutate in MUTATIONS.items():
        outcomes = {mutate(data, random.Random(f"{kind}:{seed}")) for seed in range(5)}
        assert outcomes - {data}, kind


VERY_DEEP = 100_000  # levels: the whole file is still under a megabyte
RECORD = b'{"timestamp": "2025-03-04T09:17:00Z", "message": "p99 at 2.4s"}'
DEEP = b"[" * VERY_DEEP + b"]" * VERY_DEEP
# id, file name, content, what reading it sniffed says: every way a JSON reader could be made to
# recurse past the stack. JSON Lines lose only the deep line.
DEEP_SHAPES = [
    ("arrays", "deep.json", DEEP, "JSON nested too deeply"),
    ("objects", "deep.json", b'{"a":' * VERY_DEEP + b"1" + b"}" * VERY_DEEP, "JSON nested too deeply"),
    ("never-closed", "deep.json", b"[" * VERY_DEEP, "JSON nested too deeply"),
    ("inside-an-export", "deep.json", b'{"log_entries": [' + DEEP + b"]}", "JSON nested too deeply"),
    ("pages-back-to-back", "deep.json", b"[]" + DEEP, "not a format we read"),
    ("one-json-line", "deep.jsonl", RECORD + b"\n" + DEEP + b"\n" + RECORD + b"\n", None),
]


@pytest.mark.parametrize(("name", "content", "message"), [s[1:] for s in DEEP_SHAPES], ids=[s[0] for s in DEEP_SHAPES])
def test_very_deep_json_is_an_input_error_for_every_adapter(
    tmp_path: Path, name: str, content: bytes, message: str | None
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    assert not _read_everyway(path, 0)
    if message is None:
        loaded = load_sources([path], SourceOptions())
        assert len(loaded.events) == 2
        assert any("line 2: JSON nested too deeply" in warning for warning in loaded.warnings), loaded.warnings
    else:
        with pytest.raises(UserError, match=message):
            load_sources([path], SourceOptions())
