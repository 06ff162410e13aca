"""Inputs built to hurt: files past the size limit, archive bombs, lying headers, links in archives.

Bombs are built in the test, streamed (64 MiB of zeros deflate to 64 KiB in a quarter second), so
nothing large is ever written or held. Refusals are one InputError naming archive and member.
"""

from __future__ import annotations

import io
import json
import os
import re
import struct
import tarfile
import threading
import time
import tracemalloc
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from postmortem_writer.errors import InputError
from postmortem_writer.sources import SourceOptions, base, limits, load_sources
from postmortem_writer.sources.limits import human, read_capped

SAMPLES = Path(__file__).resolve().parents[2] / "fixtures" / "samples"
ALERT = SAMPLES / "alertmanager" / "2025-03-04T091000Z_firing_latency.json"
MIB = 2**20
ZEROS = bytes(MIB)


def _zip_of_zeros(path: Path, mib: int, name: str = "zeros.json") -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive, archive.open(name, "w") as out:
        for _ in range(mib):
            out.write(ZEROS)
    return path


class _ZeroStream(io.RawIOBase):
    """``size`` zero bytes, made as they are read (a tar member needs a file to copy from)."""

    def __init__(self, size: int) -> None:
        self.left = size

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        count = min(len(buffer), self.left)
        buffer[:count] = bytes(count)
        self.left -= count
        return count


def _tar(path: Path, entries: list[tuple[tarfile.TarInfo, bytes | int]]) -> Path:
    """A tar (gzipped for ``.tar.gz``) of ``(header, content or a count of zeros)`` entries."""
    with tarfile.open(path, "w:gz" if path.name.endswith(".gz") else "w") as tar:
        for info, content in entries:
            if info.isfile():
                info.size = content if isinstance(content, int) else len(content)
                stream = _ZeroStream(content) if isinstance(content, int) else io.BytesIO(content)
                tar.addfile(info, io.BufferedReader(stream) if isinstance(stream, _ZeroStream) else stream)
            else:
                tar.addfile(info)
    return path


def _entry(name: str, kind: bytes = tarfile.REGTYPE, target: str = "") -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.type = kind
    info.linkname = target
    return info


def _zip_bomb(tmp: Path) -> Path:
    return _zip_of_zeros(tmp / "bomb.zip", 64)


def _zip_over_total(tmp: Path) -> Path:
    path = tmp / "big.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in ("a.json", "b.json", "c.json"):
            archive.writestr(name, bytes(600 * 1024))  # under the bomb floor
    return path


def _zip_lying_header(tmp: Path) -> Path:
    """64 MiB of zeros whose headers (local and central) declare 100 bytes: passes every check on the listing."""
    path = _zip_of_zeros(tmp / "liar.zip", 64)
    data = bytearray(path.read_bytes())
    struct.pack_into("<I", data, 22, 100)  # uncompressed size in the local header
    struct.pack_into("<I", data, data.rfind(b"PK\x01\x02") + 24, 100)  # and in the central directory
    path.write_bytes(bytes(data))
    return path


def _zip_dot_dot(tmp: Path) -> Path:
    path = tmp / "escape.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("../../evil.json", ALERT.read_bytes())
    return path


def _tar_bomb(tmp: Path) -> Path:
    return _tar(tmp / "bomb.tar.gz", [(_entry("zeros.json"), 64 * MIB)])


def _tar_over_total(tmp: Path) -> Path:
    return _tar(tmp / "big.tar.gz", [(_entry(name), 600 * 1024) for name in ("a.json", "b.json", "c.json")])


def _tar_dot_dot(tmp: Path) -> Path:
    return _tar(tmp / "escape.tar.gz", [(_entry("../evil.json"), ALERT.read_bytes())])


def _folder_over_limit(tmp: Path) -> Path:
    folder = tmp / "export"
    folder.mkdir()
    (folder / "alerts.json").write_bytes(ALERT.read_bytes())
    (folder / "huge.jsonl").write_bytes(b"{}\n" * MIB)
    return folder


# id, what to build, --max-input-mb (None: the default), what the one error line must say.
REFUSALS: list[tuple[str, Callable[[Path], Path], int | None, str]] = [
    ("zip-bomb", _zip_bomb, None, r"bomb\.zip:zeros\.json: refusing a likely archive bomb: 64 MiB packed into"),
    ("zip-over-limit", _zip_over_total, 1, r"big\.zip:b\.json: members unpack to more than the 1 MiB input limit"),
    ("zip-lying-header", _zip_lying_header, None, r"liar\.zip:zeros\.json: damaged archive member \(Bad CRC-32"),
    ("zip-dot-dot", _zip_dot_dot, None, r"escape\.zip: refusing archive member with an unsafe path: '\.\./\.\./evil"),
    ("tar-bomb", _tar_bomb, None, r"bomb\.tar\.gz:zeros\.json: refusing a likely archive bomb: 64 MiB packed into"),
    ("tar-over-limit", _tar_over_total, 1, r"big\.tar\.gz:b\.json: members unpack to more than the 1 MiB input limit"),
    ("tar-dot-dot", _tar_dot_dot, None, r"escape\.tar\.gz: refusing archive member with an unsafe path: '\.\./evil"),
    ("folder-file-over-limit", _folder_over_limit, 2, r"export/huge\.jsonl: 3 MiB is over the 2 MiB input limit"),
]


@pytest.mark.parametrize(("build", "limit_mb", "message"), [r[1:] for r in REFUSALS], ids=[r[0] for r in REFUSALS])
def test_hostile_input_is_refused_cheaply(
    tmp_path: Path, build: Callable[[Path], Path], limit_mb: int | None, message: str
) -> None:
    path = build(tmp_path)
    options = SourceOptions() if limit_mb is None else SourceOptions(max_input_bytes=limit_mb * MIB)
    tracemalloc.start()
    started = time.perf_counter()
    try:
        with pytest.raises(InputError) as caught:
            load_sources([path], options)
        seconds = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert re.search(message, str(caught.value)), str(caught.value)
    assert "\n" not in str(caught.value)
    # Refused from the headers, or after reading no more than was declared: no bomb is unpacked.
    assert peak < 16 * MIB, human(peak)
    assert seconds < 2, seconds


def test_member_count_is_capped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Building 100,001 members takes seconds; the cap is the same code at any number.
    monkeypatch.setattr(limits, "MAX_MEMBERS", 20)
    for name in ("many.zip", "many.tar"):
        path = tmp_path / name
        if name.endswith(".zip"):
            with zipfile.ZipFile(path, "w") as archive:
                for number in range(21):
                    archive.writestr(f"m{number:02d}.json", b"[]")
        else:
            _tar(path, [(_entry(f"m{number:02d}.json"), b"[]") for number in range(21)])
        with pytest.raises(InputError, match=rf"{name}:m20\.json: more than 20 members in the archive"):
            load_sources([path], SourceOptions())


def test_tar_links_and_devices_are_skipped_not_followed(tmp_path: Path) -> None:
    alert = ALERT.read_bytes()
    path = _tar(
        tmp_path / "export.tar.gz",
        [
            (_entry("alerts.json"), alert),
            # Same name as the file: it must neither replace it nor be read through it.
            (_entry("alerts.json", tarfile.SYMTYPE, "/etc/hostname"), b""),
            (_entry("passwd.json", tarfile.SYMTYPE, "../../../../etc/passwd"), b""),
            (_entry("copy.json", tarfile.LNKTYPE, "alerts.json"), b""),
            (_entry("tty.json", tarfile.CHRTYPE), b""),
            (_entry("pipe.json", tarfile.FIFOTYPE), b""),
        ],
    )
    loaded = load_sources([path], SourceOptions())
    alone = load_sources([ALERT], SourceOptions())
    assert [event.text for event in loaded.events] == [event.text for event in alone.events]
    assert [record.path for record in loaded.inputs] == [f"{path}:alerts.json"]
    assert loaded.warnings == [
        f"{path}:alerts.json: skipped, a symbolic link in an archive is not followed",
        f"{path}:passwd.json: skipped, a symbolic link in an archive is not followed",
        f"{path}:copy.json: skipped, a hard link in an archive is not followed",
        f"{path}:tty.json: skipped, a device or FIFO in an archive is not followed",
        f"{path}:pipe.json: skipped, a device or FIFO in an archive is not followed",
    ]


def test_zip_symlink_member_is_skipped(tmp_path: Path) -> None:
    path = tmp_path / "export.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.write(ALERT, "alerts.json")
        link = zipfile.ZipInfo("secret.json")
        link.external_attr = 0o120777 << 16  # how Info-ZIP marks a symlink; the content is its target
        archive.writestr(link, "/etc/passwd")
    loaded = load_sources([path], SourceOptions())
    assert [record.path for record in loaded.inputs] == [f"{path}:alerts.json"]
    assert loaded.warnings == [f"{path}:secret.json: skipped, a symbolic link in an archive is not followed"]


def test_nested_zip_bomb_is_not_opened(tmp_path: Path) -> None:
    inner = _zip_of_zeros(tmp_path / "inner.zip", 64).read_bytes()
    path = tmp_path / "outer.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("inner.zip", inner)
        archive.writestr("more/inner.tar.gz", _tar_bomb(tmp_path).read_bytes())
        archive.write(ALERT, "alerts.json")
    tracemalloc.start()
    try:
        loaded = load_sources([path], SourceOptions())
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 16 * MIB, human(peak)
    assert [record.path for record in loaded.inputs] == [f"{path}:alerts.json"]
    assert sorted(loaded.warnings) == [
        f"{path}:{name}: skipped, an archive inside a folder or archive is not opened (pass it as a path of its own)"
        for name in ("inner.zip", "more/inner.tar.gz")
    ]


def test_stream_without_a_size_is_cut_off_at_the_limit() -> None:
    # /dev/zero reports size 0 and never ends: only reading with a cap stops it.
    with pytest.raises(InputError, match=r"^/dev/zero: holds more than the 1 MiB input limit \(raise it with"):
        load_sources([Path("/dev/zero")], SourceOptions(max_input_bytes=MIB))


def test_pipe_is_read_whole_once(tmp_path: Path) -> None:
    """A pipe (``<(kubectl get events -o json)``) is read once: sniffing it for an archive would eat its start."""
    fifo = tmp_path / "alerts.json"
    os.mkfifo(fifo)

    def write() -> None:
        with fifo.open("wb") as out:  # blocks until the reader opens the other end
            out.write(ALERT.read_bytes())

    writer = threading.Thread(target=write, daemon=True)
    writer.start()
    loaded = load_sources([fifo], SourceOptions())
    writer.join(timeout=5)
    assert len(loaded.events) == len(load_sources([ALERT], SourceOptions()).events) > 0


@pytest.mark.parametrize(
    ("content", "cap", "hint", "expected"),
    [
        pytest.param(b"abc", 3, 3, b"abc", id="exact-size"),
        pytest.param(b"abcd", 3, 3, None, id="longer-than-hinted"),
        pytest.param(b"abc", 3, 0, b"abc", id="no-hint"),
        pytest.param(b"a" * (3 * MIB), 2 * MIB, 0, None, id="no-hint-over-cap"),
        pytest.param(b"a" * (3 * MIB), 3 * MIB, 10, b"a" * (3 * MIB), id="hint-too-small"),
        pytest.param(b"", 3, 0, b"", id="empty"),
    ],
)
def test_read_capped(content: bytes, cap: int, hint: int, expected: bytes | None) -> None:
    assert read_capped(io.BytesIO(content), cap, hint=hint) == expected


def _log_rows(count: int) -> Iterator[bytes]:
    for n in range(count):
        stamp = f"2025-03-04T09:{n // 60 % 60:02d}:{n % 60:02d}Z"
        yield f"{stamp},web-{n % 37},checkout p99 at {900 + n % 700} ms\n".encode()


@pytest.mark.parametrize(
    ("name", "header", "row"),
    [
        pytest.param("log.csv", b"timestamp,host,message\n", lambda line: line, id="csv"),
        pytest.param(
            "log.jsonl",
            b"",
            lambda line: (
                json.dumps(dict(zip(("timestamp", "host", "message"), line.decode().strip().split(","), strict=True)))
                + "\n"
            ).encode(),
            id="jsonl",
        ),
    ],
)
def test_a_file_of_records_past_the_cap_is_refused_at_the_first_record_over(
    name: str, header: bytes, row: Callable[[bytes], bytes], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(base, "MAX_RECORDS", 50)
    path = tmp_path / name
    path.write_bytes(header + b"".join(row(line) for line in _log_rows(51)))
    with pytest.raises(InputError, match="more than 50 records") as caught:
        load_sources([path], SourceOptions())
    assert caught.value.path == str(path)
    assert caught.value.position == f"line {51 + bool(header)}"
    path.write_bytes(header + b"".join(row(line) for line in _log_rows(50)))
    assert len(load_sources([path], SourceOptions()).events) == 50


def test_a_large_csv_in_a_zip_is_read_in_under_three_times_its_size(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # 8 MiB of short log rows (the red team's shape at a 25th of the size): a text copy, a
    # four-bytes-a-character buffer or a list of every line would each break the bound. The cap on
    # records keeps the events to a few MiB, so what is measured is the reading.
    monkeypatch.setattr(base, "MAX_RECORDS", 2_000)
    path = tmp_path / "export.zip"
    size = 0
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive, archive.open("log.csv", "w") as out:
        out.write(b"timestamp,host,message\n")
        for line in _log_rows(2**20):
            out.write(line)
            size += len(line)
            if size > 8 * MIB:
                break
    tracemalloc.start()
    try:
        with pytest.raises(InputError, match="more than 2,000 records"):
            load_sources([path], SourceOptions())
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 3 * size, f"peak {human(peak)} for {human(size)} of CSV"
