"""The search index over earlier postmortems: built once per set of files, kept in the cache folder.

Ranking is BM25 from ``bm25s`` (a maintained library, numpy only) over words that keep service
names, alert names and config keys whole as well as in parts (``checkout-service`` is also
``checkout``; ``CheckoutP99LatencyHigh`` also ``latency``). The index of a history is stored under
``<cache>/history/<key>``, where the key is a hash of the tokeniser and of every file's path, size
and content hash, so an unchanged history is read back instead of re-indexed, and any edit makes a
new one.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import re
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from postmortem_writer.errors import InputError
from postmortem_writer.history.documents import SUFFIXES, PastIncident, read_incident

if TYPE_CHECKING:
    import bm25s

INDEX_VERSION = 1  # bump when the stored shape changes (the tokeniser is part of the key by itself)
_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*[A-Za-z0-9]|[A-Za-z0-9]")
_PART = re.compile(r"[A-Z]?[a-z]+\d*|[A-Z]+\d*(?![a-z])|\d+")
# Words that say nothing about which incident it is; kept short, the IDF does the rest.
STOPWORDS = frozenset(
    {
        "a", "an", "and", "are", "as", "at", "be", "been", "but", "by", "for", "from", "had", "has", "have", "in",
        "into", "is", "it", "its", "of", "on", "or", "that", "the", "their", "then", "there", "these", "this", "to",
        "was", "were", "which", "while", "with", "we", "our", "us", "not", "no", "todo", "author", "tbd",
    }
)  # fmt: skip


def tokens(text: str) -> list[str]:
    """The search words of ``text``: each identifier whole (lower-cased) and, when compound, its parts too."""
    found: list[str] = []
    for match in _WORD.finditer(text):
        word = match.group()
        whole = word.lower().strip(".")
        parts = [part.lower() for part in _PART.findall(word)]
        for item in (whole, *parts) if len(parts) > 1 else (whole,):
            if len(item) > 1 and item not in STOPWORDS:
                found.append(item)
    return found


@dataclass
class HistoryIndex:
    """The earlier postmortems and their BM25 index; ``cached`` says whether it was read back from the cache."""

    incidents: list[PastIncident]
    retriever: bm25s.BM25 | None  # None for an empty history
    location: Path
    cached: bool

    def scores(self, query: str) -> list[tuple[PastIncident, float]]:
        """Every earlier postmortem with its BM25 score for ``query``, best first (ties in path order)."""
        words = tokens(query)
        if self.retriever is None or not words:
            return []
        values = self.retriever.get_scores(words)
        return sorted(zip(self.incidents, (float(v) for v in values), strict=True), key=lambda p: (-p[1], p[0].path))


def history_files(folders: Sequence[Path]) -> list[tuple[Path, str]]:
    """The postmortem files under ``folders`` (recursively, sorted), each with the name it is shown by."""
    found: list[tuple[Path, str]] = []
    for folder in folders:
        if not folder.is_dir():
            raise InputError("not a folder of earlier postmortems", path=str(folder))
        for path in sorted(folder.rglob("*")):
            if path.is_file() and path.suffix.lower() in SUFFIXES and not path.name.startswith("."):
                found.append((path, _shown(folder, path)))
    return found


def _shown(folder: Path, path: Path) -> str:
    """How a draft names an earlier postmortem: as given when relative, else from the working folder or the
    history folder's name, so that no home folder's absolute path reaches a shared draft."""
    if not folder.is_absolute():
        return str(folder / path.relative_to(folder))
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(Path(folder.name) / path.relative_to(folder))


def open_index(folders: Sequence[Path], cache_dir: Path) -> HistoryIndex:
    """The index of the postmortems under ``folders``: read from ``cache_dir`` if built before, else built, stored."""
    files = history_files(folders)
    key = _key(files)
    location = cache_dir / "history" / key
    if (location / "incidents.json").is_file():
        try:
            return _load(location)
        except (OSError, ValueError, KeyError):
            shutil.rmtree(location, ignore_errors=True)  # a torn or older index: build it again
    incidents = [read_incident(path, shown) for path, shown in files]
    retriever = _build(incidents)
    _store(location, incidents, retriever)
    return HistoryIndex(incidents, retriever, location, cached=False)


def _key(files: list[tuple[Path, str]]) -> str:
    tokeniser = f"v{INDEX_VERSION}\0{_WORD.pattern}\0{_PART.pattern}\0{' '.join(sorted(STOPWORDS))}"
    digest = hashlib.sha256(tokeniser.encode())
    for path, shown in files:
        data = path.read_bytes()
        digest.update(f"\0{shown}\0{len(data)}\0".encode())
        digest.update(hashlib.sha256(data).digest())
    return digest.hexdigest()[:24]


def _build(incidents: list[PastIncident]) -> bm25s.BM25 | None:
    if not incidents:
        return None
    import bm25s  # here, not at the top: it loads numpy, which a draft without --history never needs

    retriever = bm25s.BM25()
    # Every document needs one word for the index's shape; an empty file gets a word nothing asks for.
    retriever.index([tokens(f"{item.title}\n{item.text}") or ["\0"] for item in incidents], show_progress=False)
    return retriever


def _store(location: Path, incidents: list[PastIncident], retriever: bm25s.BM25 | None) -> None:
    """Write the index beside its final place and move it there, so a reader never sees half of one."""
    location.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=location.parent, prefix=".building-"))
    try:
        if retriever is not None:
            retriever.save(str(staging / "bm25"))
        payload = [item.model_dump() for item in incidents]
        (staging / "incidents.json").write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")
        # Another run may have stored the same index first: theirs is as good.
        with contextlib.suppress(OSError):
            staging.rename(location)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _load(location: Path) -> HistoryIndex:
    payload = json.loads((location / "incidents.json").read_text(encoding="utf-8"))
    incidents = [PastIncident.model_validate(item) for item in payload]
    import bm25s  # see _build

    retriever = bm25s.BM25.load(str(location / "bm25")) if incidents else None
    return HistoryIndex(incidents, retriever, location, cached=True)
