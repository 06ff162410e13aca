"""How much of an input we agree to read, and reading no more than that.

Every source is held in memory while it is parsed, and reading costs many times the input's size,
most of it in events (about 2 KiB each): ``benchmarks/input_limits.py`` measures 5.5 MiB of peak
memory per MiB of a Slack export, 10.5 per MiB of one large JSON document, 22 per MiB of JSON Lines
records and 38 per MiB of a CSV of short rows. So each input is checked against a limit before it
is read, and read in a way that stops once past it: a file's size is checked from the file system,
and a pipe, a device or an archive member whose header lies is cut off while reading. Archives are
checked for what they unpack to, not what they weigh.
"""

from __future__ import annotations

import os
import stat
import tarfile
import time
import zipfile
from pathlib import Path
from typing import IO

from postmortem_writer.errors import InputError

# At 256 MiB the worst shape measured (a CSV of short rows) peaks near 9.6 GiB, which a 16 GiB
# machine still holds, and every other shape stays under 6 GiB (one JSON document under 3 GiB).
# Incident exports of one channel or one alert history are megabytes, so the limit stops
# whole-workspace dumps and raw log archives, and the message says how to let them through.
DEFAULT_MAX_INPUT_MB = 256
DEFAULT_MAX_INPUT_BYTES = DEFAULT_MAX_INPUT_MB * 2**20
MAX_INPUT_ENV = "POSTMORTEM_MAX_INPUT_MB"
_RAISE_IT = f"raise it with --max-input-mb or {MAX_INPUT_ENV}"

# No export has anywhere near this many files; a listing this long is a bomb of empty members, and
# every member listed costs memory before a single one is read.
MAX_MEMBERS = 100_000
# Synthetic exports deflate at most 45:1 at the highest level (benchmarks/input_limits.py); zeros
# reach about 1000:1. Below the floor a high ratio costs nothing worth refusing an input for.
BOMB_RATIO = 200
BOMB_FLOOR = 8 * 2**20

# Each event read costs about 2 KiB held (benchmarks/input_limits.py), a CSV or JSON Lines row of a
# log as little as 60 bytes of input: a file of records is refused past this many, which keeps its
# events near the size of the input, and the whole read under 3 times it (a 200 MiB CSV in a zip:
# 0.5 GiB, benchmarks/large_csv.py).
# Incident alert, deploy and log extracts hold thousands; past a hundred thousand it is a raw dump.
MAX_RECORDS = 100_000

# Reading a stream of unknown length (a pipe, a device) goes in pieces of this size.
_PIECE = 2**20
# How long a named pipe with no writer is waited on before it reads as empty.
_WRITER_WAIT = 3.0


def human(size: int) -> str:
    """``size`` bytes for a person: ``3 GiB``, ``512 MiB``, ``63.7 KiB``, ``17 bytes``."""
    value, unit = _scaled(size)
    return f"{value:.0f} {unit}" if value == int(value) else f"{value:.1f} {unit}"


def _scaled(size: int) -> tuple[float, str]:
    for unit, scale in (("GiB", 2**30), ("MiB", 2**20), ("KiB", 2**10)):
        if size >= scale:
            return size / scale, unit
    return size, "bytes"


def check_file_size(path: Path, display: str, limit: int) -> None:
    """Refuse a regular file larger than ``limit`` before anything of it is read."""
    if not path.is_file():
        return  # pipes and devices report no size; read_file stops them while reading
    size = path.stat().st_size
    if size > limit:
        # Rounded, a size just over the limit would read as the limit itself.
        (value, unit), (limit_value, limit_unit) = _scaled(size), _scaled(limit)
        close = unit == limit_unit and round(value, 1) == round(limit_value, 1)
        shown = f"{size:,} bytes" if close else human(size)
        raise InputError(f"{shown} is over the {human(limit)} input limit ({_RAISE_IT})", path=display)


def read_file(path: Path, display: str, limit: int) -> bytes:
    """The bytes of ``path`` when they fit in ``limit``; a file over it is refused unread.

    A file that cannot be opened (no permission, a folder's entry gone) is an InputError saying why.
    """
    check_file_size(path, display, limit)
    try:
        if stat.S_ISFIFO(path.stat().st_mode):
            first, handle = _open_pipe(path)
        else:
            first, handle = b"", os.fdopen(os.open(path, os.O_RDONLY), "rb")
    except OSError as exc:
        raise InputError(f"cannot read it ({exc.strerror or exc})", path=display) from None
    with handle:
        # A regular file is read in one piece of its size; a pipe or device reports size 0.
        rest = read_capped(handle, limit - len(first), hint=path.stat().st_size if path.is_file() else 0)
    if rest is None:
        raise InputError(f"holds more than the {human(limit)} input limit ({_RAISE_IT})", path=display)
    return first + rest if first else rest


def _open_pipe(path: Path) -> tuple[bytes, IO[bytes]]:
    """A named pipe opened without blocking, and what it held at once.

    open() on a pipe waits for a writer, for ever if none comes. Opened without waiting, a read
    tells the cases apart: data, or "nothing yet" while a writer is there (then the pipe is read
    as long as that writer lives), or end of file while there is none (one is waited for a few
    seconds, then the pipe reads as empty).
    """
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    deadline = time.monotonic() + _WRITER_WAIT
    first = b""
    while True:
        try:
            first = os.read(fd, _PIECE)
        except BlockingIOError:
            break
        if first or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    os.set_blocking(fd, True)
    return first, os.fdopen(fd, "rb")


def read_capped(handle: IO[bytes], cap: int, *, hint: int) -> bytes | None:
    """Everything ``handle`` holds, or ``None`` as soon as it holds more than ``cap`` bytes.

    ``hint`` is the expected size: when it is right the content is read in one piece and never
    copied; at most ``cap + 1`` bytes are ever held, whatever the stream turns out to hold.
    """
    first = handle.read(min(hint, cap) + 1) if hint else b""
    pieces = [first]
    held = len(first)
    while held <= cap:
        piece = handle.read(min(_PIECE, cap + 1 - held))
        if not piece:
            break
        pieces.append(piece)
        held += len(piece)
    if held > cap:
        return None
    return first if len(pieces) == 1 else b"".join(pieces)


def check_zip_members(infos: list[zipfile.ZipInfo], display: str, limit: int) -> None:
    """Refuse a zip whose listing is a bomb: too many members, too much unpacked, or an absurd ratio.

    Declared sizes can lie low, but zipfile then stops at the declared size (and fails the CRC),
    and ``read_capped`` stops at it too, so what is declared here is the most that can be read.
    """
    if len(infos) > MAX_MEMBERS:
        raise _too_many(display, infos[MAX_MEMBERS].filename)
    total = 0
    for info in infos:
        total += info.file_size
        _check_total(total, display, info.filename, limit)
        _check_ratio(info.file_size, info.compress_size, display, info.filename)


class TarTally:
    """The running checks over a tar's headers, made before the data behind each header is read.

    Listing a compressed tar decompresses each member to reach the next header, so a bomb must be
    refused at its header, not after its listing.
    """

    def __init__(self, display: str, packed: int, limit: int) -> None:
        self.display = display
        self.packed = packed
        self.limit = limit
        self.count = 0
        self.total = 0

    def add(self, info: tarfile.TarInfo) -> None:
        """Count one header; raise when the archive has passed a limit with it."""
        self.count += 1
        if self.count > MAX_MEMBERS:
            raise _too_many(self.display, info.name)
        if info.isfile():
            self.total += info.size
            _check_total(self.total, self.display, info.name, self.limit)
            # A tar compresses as one stream, so the ratio is the whole archive's so far (a lower
            # bound of the true ratio, never a false alarm).
            _check_ratio(self.total, self.packed, self.display, info.name)


def not_a_file(info: tarfile.TarInfo | zipfile.ZipInfo) -> str | None:
    """What an archive entry is when it is a link or a device rather than a file, else ``None``."""
    if isinstance(info, zipfile.ZipInfo):
        # Unix zip tools keep a symlink as a member holding its target, marked in the mode bits.
        return "a symbolic link" if (info.external_attr >> 16) & 0o170000 == 0o120000 else None
    kinds = ((info.issym(), "a symbolic link"), (info.islnk(), "a hard link"), (info.isdev(), "a device or FIFO"))
    return next((kind for matched, kind in kinds if matched), None)


def _check_total(total: int, display: str, member: str, limit: int) -> None:
    if total > limit:
        raise InputError(
            f"members unpack to more than the {human(limit)} input limit by this one ({_RAISE_IT})",
            path=f"{display}:{member}",
        )


def _check_ratio(unpacked: int, packed: int, display: str, member: str) -> None:
    if unpacked > BOMB_FLOOR and unpacked > BOMB_RATIO * max(packed, 1):
        raise InputError(
            f"refusing a likely archive bomb: {human(unpacked)} packed into {human(packed)} "
            f"(over {BOMB_RATIO}:1; exports compress far less). Unpack it yourself if you trust it",
            path=f"{display}:{member}",
        )


def _too_many(display: str, member: str) -> InputError:
    return InputError(
        f"more than {MAX_MEMBERS:,} members in the archive; refusing it as a likely archive bomb",
        path=f"{display}:{member}",
    )
