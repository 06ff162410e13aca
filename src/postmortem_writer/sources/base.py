"""What every source adapter sees and returns: documents, bundles, options, the adapter protocol."""

from __future__ import annotations

import codecs
import csv
import io
import json
import os
import re
import tarfile
import zipfile
import zlib
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, tzinfo
from functools import cached_property
from pathlib import Path, PurePosixPath
from typing import Any, Protocol, TypeVar

from postmortem_writer.errors import InputError, printable
from postmortem_writer.models import ActorKind, Event, SourceKind
from postmortem_writer.sources.limits import (
    DEFAULT_MAX_INPUT_BYTES,
    MAX_RECORDS,
    TarTally,
    check_zip_members,
    human,
    not_a_file,
    read_capped,
    read_file,
)
from postmortem_writer.sources.scope import Scope

# Integrations that post into incident channels under their product name, and words that mark an
# account as automation; formats without a bot flag (pasted chat, deploy CSVs) rely on these.
_TOOL_NAMES = frozenset(
    {
        "pagerduty", "opsgenie", "datadog", "grafana", "alertmanager", "prometheus", "sentry", "statuspage",
        "newrelic", "splunk", "cloudwatch", "github", "gitlab", "jenkins", "argocd", "spinnaker", "circleci",
        "buildkite", "firehydrant", "rootly", "launchdarkly", "slackbot", "honeycomb", "victorops", "icinga",
        "nagios", "zabbix", "pingdom", "uptimerobot", "bugsnag", "rollbar", "kubernetes", "flux", "heroku", "aws",
    }
)  # fmt: skip
_BOT_WORDS = frozenset({"bot", "bots", "auto", "ci", "automation", "integration", "webhook"})
# What adapters call an author the source does not name; it is no one, so never a responder.
UNKNOWN_ACTOR = "unknown"


def guess_actor_kind(name: str) -> ActorKind:
    """Bot for integration and automation accounts by name, system for no name, else human."""
    words = [w for w in re.split(r"[^a-z0-9]+", name.lower()) if w]
    if not words:
        return ActorKind.SYSTEM
    joined = "".join(words)
    # No suffix match: "incidentbot" would be caught, but so would people called Talbot or Abbot.
    if any(w in _BOT_WORDS for w in words) or joined in _TOOL_NAMES or words[0] in _TOOL_NAMES:
        return ActorKind.BOT
    return ActorKind.HUMAN


def as_object(value: Any) -> dict[str, Any]:
    """``value`` when it is a JSON object, else an empty one: optional nested objects may be null or absent."""
    return value if isinstance(value, dict) else {}


def as_list(value: Any) -> list[Any]:
    """``value`` when it is a JSON array, else an empty one: optional lists may be null, absent or mistyped."""
    return value if isinstance(value, list) else []


@dataclass(frozen=True)
class SourceOptions:
    """What the user told us about the sources: zone and day for zone-less or date-less times.

    ``field_map`` (``--map``) names the time, text and actor fields of generic records;
    ``max_input_bytes`` (``--max-input-mb``) is the most one input may hold (see ``limits``);
    ``scope`` (``--since``, ``--until``, ``--channel``) which of the events read are kept (see ``scope``).
    """

    tz: tzinfo | None = None
    date: date | None = None
    source_format: str | None = None
    field_map: Mapping[str, str] | None = None
    max_input_bytes: int = DEFAULT_MAX_INPUT_BYTES
    scope: Scope = field(default_factory=Scope)


# The json module recurses once per nesting level; no export nests anywhere near a thousand deep.
_TOO_DEEP = "JSON nested too deeply to be an export"


@dataclass
class Document:
    """One file's bytes, from disk or from inside an archive, named as the user would name it."""

    name: str
    data: bytes

    def __post_init__(self) -> None:
        # Exports saved on Windows (Excel's "Unicode text", PowerShell's Out-File) are UTF-16 with a
        # byte order mark: read as the UTF-8 every adapter and sniffer expects.
        if self.data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            try:
                self.data = self.data.decode("utf-16").encode("utf-8")
            except UnicodeDecodeError as exc:
                raise InputError(f"not UTF-16 text (bad byte at offset {exc.start})", path=self.name) from None

    @property
    def text(self) -> str:
        """The content as text (UTF-8, a BOM dropped); an error if it is not text at all.

        Bytes that are not UTF-8 are read as Windows-1252 (Latin-1 where that has no character),
        and ``decoding_note`` says where: one stray byte must not cost the user the whole log.
        """
        return self._decoded[0]

    @property
    def decoding_note(self) -> str | None:
        """The warning for bytes that were not UTF-8 (``None`` when all were, or the text was never read)."""
        if "_decoded" not in self.__dict__:
            return None
        return self._decoded[1]

    @cached_property
    def _decoded(self) -> tuple[str, str | None]:
        if b"\x00" in self.data[:8192]:
            raise InputError("not a text file (it contains NUL bytes)", path=self.name)
        try:
            return self.data.decode("utf-8-sig"), None
        except UnicodeDecodeError as exc:
            first = exc.start
        text, stray = _unstray(self.data.decode("utf-8-sig", errors="surrogateescape"))
        return text, (
            f"{self.name}: not UTF-8 at byte offset {first} ({stray} such byte{'' if stray == 1 else 's'} in all); "
            "read those bytes as Windows-1252 (Latin-1)"
        )

    @cached_property
    def json(self) -> Any:
        """The content parsed as JSON; malformed JSON is an error naming line and column."""
        try:
            return json.loads(self.text)
        except json.JSONDecodeError as exc:
            values = self.json_values if exc.msg == "Extra data" else None
            pages = _pages(values) if values is not None else None
            if pages is not None:
                return pages
            raise InputError(
                f"malformed JSON: {exc.msg}", path=self.name, position=f"{exc.lineno}:{exc.colno}"
            ) from None
        except RecursionError:
            raise InputError(_TOO_DEEP, path=self.name) from None

    @cached_property
    def json_values(self) -> list[Any] | None:
        """The JSON values of a file that holds several back to back, else ``None``.

        ``kubectl get -w -o json`` writes indented objects one after another, ``gh api --paginate``
        writes pages, JSON Lines one object a line: all are read here, whatever the spacing.
        """
        if not self.looks_like_json():
            return None
        try:
            text = self.text
        except InputError:
            return None
        decoder = json.JSONDecoder()
        values: list[Any] = []
        at = 0
        # "\s*" always matches, so the match is never None.
        while (at := _SPACE.match(text, at).end()) < len(text):  # type: ignore[union-attr]
            try:
                value, at = decoder.raw_decode(text, at)
            except (json.JSONDecodeError, RecursionError):
                return None
            values.append(value)
        return values if len(values) > 1 else None

    def stream(self) -> Iterator[str]:
        """The text line by line, each ending in ``"\n"``, decoded as it is read.

        A file read this way (a large CSV or JSON Lines) is never held as one string beside its
        bytes. A binary or undecodable file raises the InputError ``text`` would, when reached.
        """
        if "_decoded" in self.__dict__:  # decoded already: cut lines from that
            yield from _lines(self.text)
            return
        if b"\x00" in self.data[:8192]:
            raise InputError("not a text file (it contains NUL bytes)", path=self.name)
        # BytesIO shares the bytes until written to; universal newlines as in ``_lines``.
        # Stray bytes that are not UTF-8 are read as ``text`` reads them (Windows-1252), line by line.
        reader = io.TextIOWrapper(io.BytesIO(self.data), encoding="utf-8-sig", errors="surrogateescape", newline=None)
        for line in reader:
            yield _unstray(line)[0]

    def lines(self) -> Iterator[str]:
        """The text line by line, without line ends, read as asked for (sniffers read a few)."""
        return (line.rstrip("\n") for line in self.stream())

    def opens_with(self) -> bytes:
        """The first byte after a BOM and white space: ``[``, ``{`` or anything else, for choosing a reader."""
        return self.data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n\x0b\x0c")[:1]

    def looks_like_json(self) -> bool:
        """Cheap check used by sniffers before paying for a full parse."""
        head = self.data[:256].lstrip(b"\xef\xbb\xbf \t\r\n")
        if head[:1] == b"{":
            return True
        # "[" also opens chat lines such as "[09:17] Priya: …"; an export's array holds objects,
        # arrays or strings, or is empty.
        return head[:1] == b"[" and head[1:].lstrip()[:1] in (b"{", b"[", b'"', b"]")

    def try_json(self) -> Any:
        """The parsed JSON, or ``None`` when the content is not JSON (for sniffing)."""
        if not self.looks_like_json():
            return None
        try:
            return self.json
        except InputError:
            return None


_SPACE = re.compile(r"\s*")
# What surrogateescape turns bytes 0x80-0xFF that are not UTF-8 into.
_STRAY_BYTES = re.compile("[\udc80-\udcff]+")


def _unstray(text: str) -> tuple[str, int]:
    """Text decoded with surrogateescape, each stray byte read as Windows-1252; and how many there were.

    surrogateescape keeps each stray byte as one lone surrogate, so one pass finds them all.
    """
    stray = 0

    def legacy(match: re.Match[str]) -> str:
        nonlocal stray
        stray += len(match[0])
        return "".join(_legacy_char(ord(char) - 0xDC00) for char in match[0])

    return _STRAY_BYTES.sub(legacy, text), stray


def _legacy_char(byte: int) -> str:
    """A byte as Windows-1252 reads it, or as Latin-1 for the five bytes Windows-1252 leaves undefined."""
    try:
        return bytes([byte]).decode("cp1252")
    except UnicodeDecodeError:
        return chr(byte)


def _pages(pages: list[Any]) -> Any:
    """Pages written back to back, as ``gh api --paginate`` saves them, as one response; else ``None``.

    Array pages are one array; GitHub's object pages (``total_count`` beside one list, such as
    ``workflow_runs``) are the first page with every page's list. Other objects one after another
    are JSON Lines or a watch stream, which their adapters read from ``json_values``.
    """
    if all(isinstance(page, list) for page in pages):
        return [item for page in pages for item in page]
    if all(isinstance(page, dict) and "total_count" in page for page in pages):
        merged = dict(pages[0])
        for key, value in merged.items():
            if isinstance(value, list):
                merged[key] = [item for page in pages for item in as_list(page.get(key))]
        return merged
    return None


# What zipfile and zlib raise on a damaged archive: a bad header or CRC, a bad deflate stream, an
# offset pointing outside the file, a cut-off member, a compression method we lack.
_ZIP_DAMAGE = (zipfile.BadZipFile, zlib.error, ValueError, EOFError, NotImplementedError, OSError)


@dataclass
class Bundle:
    """A folder, a zip or a tar archive, read as a tree of documents with ``/``-separated paths.

    ``limit`` is the most bytes one input may hold: a folder's files each, an archive all its
    members together. ``notes`` are the entries left out (links, devices), as warnings.
    """

    name: str
    root: Path
    is_zip: bool = False
    _members: list[str] = field(default_factory=list)
    is_tar: bool = False
    limit: int = DEFAULT_MAX_INPUT_BYTES
    notes: list[str] = field(default_factory=list)
    # The archive's entries by member path, and the archive itself, open over its bytes in memory
    # (one index for every member, and no file handle outliving the bundle).
    _entries: Mapping[str, zipfile.ZipInfo | tarfile.TarInfo] = field(default_factory=dict)
    _archive: zipfile.ZipFile | tarfile.TarFile | None = None

    @classmethod
    def from_path(cls, path: Path, display: str, limit: int = DEFAULT_MAX_INPUT_BYTES) -> Bundle:
        """A bundle over a directory, a zip or a tar file (hidden files and folders are left out).

        An archive is refused when it is over ``limit`` on disk or unpacked, holds too many
        members, or packs them at a ratio no export reaches.
        """
        if path.is_dir():
            members, notes = _folder_files(path, display)
            return cls(display, path, False, members, limit=limit, notes=notes)
        data = read_file(path, display, limit)
        if is_tar(path):
            return cls._from_tar(data, path, display, limit)
        try:
            archive = zipfile.ZipFile(io.BytesIO(data))
            infos = archive.infolist()
        except _ZIP_DAMAGE:
            raise InputError("not a readable zip archive", path=display) from None
        check_zip_members(infos, display, limit)
        files: dict[str, zipfile.ZipInfo | tarfile.TarInfo] = {}
        left_out: list[str] = []
        for info in infos:
            if info.is_dir():
                continue
            kind = not_a_file(info)
            if kind is None:
                files[info.filename] = info
            else:
                left_out.append(_not_followed(f"{display}:{info.filename}", kind))
        return cls(
            display,
            path,
            is_zip=True,
            _members=_safe_members(list(files), display),
            limit=limit,
            notes=left_out,
            _entries=files,
            _archive=archive,
        )

    @classmethod
    def _from_tar(cls, data: bytes, path: Path, display: str, limit: int) -> Bundle:
        # Zulip ships its organization export as a .tar.gz.
        tally = TarTally(display, len(data), limit)
        files: dict[str, zipfile.ZipInfo | tarfile.TarInfo] = {}
        left_out: list[str] = []
        try:
            # Kept open for the bundle's life; it reads bytes in memory, so it holds no file handle.
            archive = tarfile.open(fileobj=io.BytesIO(data))  # noqa: SIM115
            for info in archive:
                tally.add(info)
                kind = not_a_file(info)
                if info.isfile():
                    # A later entry of the same name replaces an earlier one, as on extraction;
                    # only regular files are kept, so a link never stands in for one.
                    files[info.name] = info
                elif kind is not None:
                    left_out.append(_not_followed(f"{display}:{info.name}", kind))
        except (tarfile.TarError, EOFError, OSError, zlib.error):
            raise InputError("not a readable tar archive", path=display) from None
        return cls(
            display,
            path,
            _members=_safe_members(list(files), display),
            is_tar=True,
            limit=limit,
            notes=left_out,
            _entries=files,
            _archive=archive,
        )

    @property
    def members(self) -> list[str]:
        """Relative paths of every file in the bundle, sorted."""
        return list(self._members)

    def open(self, member: str) -> Document:
        """The document at ``member`` (a path from ``members``), read no further than its declared size."""
        if self._archive is None:
            name = printable(str(PurePosixPath(self.name) / member))
            return Document(name, read_file(self.root / member, name, self.limit))
        where = printable(f"{self.name}:{member}")
        try:
            data, declared = _read_member(self._archive, self._entries[member])
        except (*_ZIP_DAMAGE, tarfile.TarError) as exc:
            raise InputError(f"damaged archive member ({exc})", path=where) from None
        if data is None:
            raise InputError(
                f"refusing a member that holds more than its header declares ({human(declared)})", path=where
            )
        return Document(where, data)


def _not_followed(where: str, kind: str) -> str:
    return f"{printable(where)}: skipped, {kind} in an archive is not followed"


def _folder_files(root: Path, display: str) -> tuple[list[str], list[str]]:
    """The readable regular files under ``root`` (hidden ones left out), and a note per entry skipped.

    A subfolder or file that cannot be read, and a pipe, socket or device, is skipped with a note
    (a warning), never silently and never as a traceback; a pipe is never opened (with no writer
    it would block for ever).
    """
    members: list[str] = []
    notes: list[str] = []

    def unreadable(error: OSError) -> None:
        where = Path(error.filename).relative_to(root).as_posix() if error.filename else ""
        notes.append(f"{printable(f'{display}/{where}')}: skipped, cannot read the folder ({error.strerror or error})")

    for folder, subfolders, files in os.walk(root, onerror=unreadable):
        subfolders[:] = sorted(name for name in subfolders if not name.startswith("."))
        for name in sorted(files):
            if name.startswith("."):
                continue
            full = Path(folder) / name
            relative = full.relative_to(root).as_posix()
            shown = printable(f"{display}/{relative}")
            if not full.is_file():
                if full.exists():
                    notes.append(f"{shown}: skipped, not a regular file (a pipe, socket or device)")
                continue
            try:
                os.close(os.open(full, os.O_RDONLY))
            except OSError as exc:
                notes.append(f"{shown}: skipped, cannot read it ({exc.strerror or exc})")
                continue
            members.append(relative)
    return sorted(members), notes


def _read_member(
    archive: zipfile.ZipFile | tarfile.TarFile, info: zipfile.ZipInfo | tarfile.TarInfo
) -> tuple[bytes | None, int]:
    """A member's bytes (``None`` past its declared size), and that size."""
    if isinstance(archive, zipfile.ZipFile) and isinstance(info, zipfile.ZipInfo):
        with archive.open(info) as handle:
            return read_capped(handle, info.file_size, hint=info.file_size), info.file_size
    if isinstance(archive, tarfile.TarFile) and isinstance(info, tarfile.TarInfo):
        member = archive.extractfile(info)
        if member is not None:  # only regular files are listed, and extractfile opens every one
            with member:
                return read_capped(member, info.size, hint=info.size), info.size
    raise tarfile.TarError(f"{info} is not a file of {archive}")


_TAR_SUFFIXES = (".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tar.xz", ".txz")


def is_tar(path: Path) -> bool:
    """Whether ``path`` is named as a tar archive (a damaged one then gets the archive's error)."""
    return path.name.lower().endswith(_TAR_SUFFIXES) and path.is_file()


def _safe_members(names: list[str], display: str) -> list[str]:
    """The archive's visible members, sorted; a member that would land outside the archive is refused."""
    for name in names:
        if PurePosixPath(name).is_absolute() or ".." in PurePosixPath(name).parts:
            raise InputError(f"refusing archive member with an unsafe path: {name!r}", path=display)
    return sorted(n for n in names if not any(p.startswith(".") or p == "__MACOSX" for p in PurePosixPath(n).parts))


_R = TypeVar("_R")


@dataclass
class Parsed:
    """What an adapter read from one source: its events, the records it skipped, the noise it dropped.

    A malformed record is skipped, not fatal, so one bad line does not cost the user the rest of an
    export; every skip keeps its error (file and position) so nothing is dropped silently. ``dropped``
    counts what the format itself marks as noise (joins, leaves, deleted messages), by reason.
    """

    events: list[Event] = field(default_factory=list)
    skipped: list[InputError] = field(default_factory=list)
    dropped: Counter[str] = field(default_factory=Counter)

    def collect(self, records: Iterable[tuple[str, _R]], read: Callable[[str, _R], Event | list[Event] | None]) -> None:
        """Read each ``(position, record)``; an InputError skips that record, ``None`` means dropped noise.

        ``read`` counts its own drops (in ``dropped``) when it returns ``None``; it returns a list
        when one record tells several events (an alert's firing and its resolve).
        """
        for position, record in records:
            try:
                event = read(position, record)
            except InputError as exc:
                self.skipped.append(exc)
                continue
            if isinstance(event, list):
                self.events.extend(event)
            elif event is not None:
                self.events.append(event)

    def extend(self, other: Parsed) -> None:
        """Add another source's events, skips and drops to these."""
        self.events.extend(other.events)
        self.skipped.extend(other.skipped)
        self.dropped.update(other.dropped)

    def usable(self) -> Parsed:
        """These results, or the first skip as an error when every record was skipped.

        A file whose every record fails (all times zone-less and no ``--tz``, say) is not "read with
        some skips": the user needs the reason, not an empty source.
        """
        if self.skipped and not self.events and not self.dropped:
            raise self.skipped[0]
        return self


class Adapter(Protocol):
    """What every adapter tells about itself (``postmortem formats`` lists these)."""

    name: str
    kind: SourceKind
    description: str
    hint: str
    example: str

    @property
    def signature(self) -> tuple[tuple[str, ...], ...]:
        """What a file of this format has, for the nearest-format hint (``sources.nearest``).

        Features, each a tuple of alternatives (a JSON key or CSV column, or ``^`` and a pattern for
        a line); empty for a format that is not a set of keys, columns or line shapes to compare (an
        archive, free text).
        """
        ...


class DocumentAdapter(Adapter, Protocol):
    """Reads one file format. ``sniff`` must be cheap and must not raise."""

    def sniff(self, doc: Document) -> bool: ...

    def parse(self, doc: Document, options: SourceOptions) -> Parsed: ...


class BundleAdapter(Adapter, Protocol):
    """Reads a format that spans several files (a Slack workspace export)."""

    def sniff_bundle(self, bundle: Bundle) -> bool: ...

    def parse_bundle(self, bundle: Bundle, options: SourceOptions) -> Parsed: ...

    def unclaimed(self, bundle: Bundle) -> list[str]:
        """Members that are not part of the export (read on their own, like a CSV beside it)."""
        ...


_LINE_END = re.compile(r"\r\n?|\n")


def _lines(text: str) -> Iterator[str]:
    """``text`` line by line, each ending in ``"\n"`` (universal newlines), never all at once."""
    at = 0
    for end in _LINE_END.finditer(text):
        yield text[at : end.start()] + "\n"
        at = end.end()
    if at < len(text):
        yield text[at:]


def _capped(path: str, records: Iterator[tuple[str, _R]]) -> Iterator[tuple[str, _R]]:
    """``records``, refused with an error at the first one past ``MAX_RECORDS``."""
    for count, (position, record) in enumerate(records, start=1):
        if count > MAX_RECORDS:
            raise InputError(
                f"more than {MAX_RECORDS:,} records; an incident's history holds thousands: "
                "cut the file to the incident's window",
                path=path,
                position=position,
            )
        yield position, record


def jsonl_records(path: str, text: str | Iterable[str]) -> Iterator[tuple[str, Any]]:
    """``("line N", object)`` per non-blank line; a malformed line yields its InputError as the record.

    Past ``MAX_RECORDS`` records the file is refused (an InputError raised, not yielded).
    """
    return _capped(path, _jsonl_records(path, text))


def _jsonl_records(path: str, text: str | Iterable[str]) -> Iterator[tuple[str, Any]]:
    for number, line in enumerate(_lines(text) if isinstance(text, str) else text, start=1):
        if not line.strip():
            continue
        try:
            yield f"line {number}", json.loads(line)
        except json.JSONDecodeError as exc:
            # Handed on as the record, so the adapter raises it and only this line is skipped.
            yield f"line {number}", InputError(f"malformed JSON: {exc.msg}", path=path, position=f"line {number}")
        except RecursionError:
            yield f"line {number}", InputError(_TOO_DEEP, path=path, position=f"line {number}")


def csv_records(path: str, text: str | Iterable[str]) -> Iterator[tuple[str, dict[str, str] | InputError]]:
    """``("line N", {header: cell})`` per non-blank row, N being the line the row starts on.

    ``text`` is the whole text, or its lines with their ends (``Document.stream``).

    A row the csv module cannot read (a NUL byte, a runaway quoted cell) yields its InputError as
    the record, like a malformed JSON line; the rows after it are still read. Past ``MAX_RECORDS``
    rows the file is refused.
    """
    return _capped(path, _csv_records(path, text))


def _csv_records(path: str, text: str | Iterable[str]) -> Iterator[tuple[str, dict[str, str] | InputError]]:
    # Universal newlines: CRLF inside a quoted cell reads as "\n", and line numbers still count.
    # Lines are cut from the text as the reader asks for them: a StringIO would copy the whole
    # text at four bytes a character first.
    reader = csv.reader(_lines(text) if isinstance(text, str) else text)
    try:
        header = next(reader, [])
    except csv.Error as exc:
        raise InputError(f"unreadable CSV header: {exc}", path=path, position="line 1") from None
    # A quoted cell can span lines, so a row starts on the line after the previous row ended.
    start = reader.line_num + 1
    while True:
        try:
            row = next(reader, None)
        except csv.Error as exc:
            yield f"line {start}", InputError(f"unreadable CSV row: {exc}", path=path, position=f"line {start}")
            start = reader.line_num + 1
            continue
        if row is None:
            return
        if any(cell.strip() for cell in row):
            yield f"line {start}", dict(zip(header, row, strict=False))
        start = reader.line_num + 1


def record_object(record: Any, path: str, position: str) -> dict[str, Any]:
    """``record`` as a JSON object, or the InputError that skips it."""
    if not isinstance(record, dict):
        raise InputError("record is not a JSON object", path=path, position=position)
    return record


def first_object(data: Any) -> dict[str, Any] | None:
    """The first element of a JSON array when it is an object (what sniffers look at)."""
    return data[0] if isinstance(data, list) and data and isinstance(data[0], dict) else None
