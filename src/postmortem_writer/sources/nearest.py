"""The formats a file came closest to, for the error when no adapter reads it.

Each adapter may declare a ``signature``: a tuple of features, each a tuple of alternatives. An
alternative is a JSON key or CSV column (matched case-insensitively anywhere in the first records)
or, when it starts with ``^``, a pattern for one of the first lines. The first alternative names
the feature in messages, so a line feature starts with a readable label. The score is the share
of features found: cheap, and enough to tell "a GitHub deployments file without statuses_url"
from prose.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from postmortem_writer.errors import InputError
from postmortem_writer.sources.base import Adapter, Document, csv_records

_LINES = 50
_DEPTH = 3


@dataclass(frozen=True)
class Candidate:
    """A format the file partly matches: what it has of the format's features and what it lacks."""

    name: str
    score: float
    found: tuple[str, ...]
    missing: tuple[str, ...]

    def describe(self) -> str:
        """``name (has a, b; lacks c)`` for an error message."""
        parts = [f"has {', '.join(self.found)}"] if self.found else []
        if self.missing:
            parts.append(f"lacks {', '.join(self.missing)}")
        return f"{self.name} ({'; '.join(parts)})"


def nearest(doc: Document, adapters: Iterable[Adapter], limit: int = 3) -> list[Candidate]:
    """Up to ``limit`` adapters whose signature ``doc`` matches best (at least one feature), best first."""
    keys, lines = _features(doc)
    candidates = []
    for order, adapter in enumerate(adapters):
        signature = adapter.signature
        if not signature:
            continue
        found: list[str] = []
        missing: list[str] = []
        for feature in signature:
            hit = any(_matches(alternative, keys, lines) for alternative in feature)
            (found if hit else missing).append(feature[0])
        if found:
            score = round(len(found) / len(signature), 2)
            candidates.append((score, -order, Candidate(adapter.name, score, tuple(found), tuple(missing))))
    # Best score first; among equals, the adapter that sniffs first (the more specific format).
    candidates.sort(key=lambda item: (item[0], item[1]), reverse=True)
    return [candidate for _, _, candidate in candidates[:limit]]


def _matches(alternative: str, keys: set[str], lines: list[str]) -> bool:
    if alternative.startswith("^"):
        pattern = re.compile(alternative)
        return any(pattern.match(line) for line in lines)
    return alternative.lower() in keys


def _features(doc: Document) -> tuple[set[str], list[str]]:
    """Lower-cased keys or columns of the first records, and the first lines of text."""
    try:
        text = doc.text
    except InputError:
        return set(), []
    lines = text.lstrip("\ufeff").splitlines()[:_LINES]
    keys: set[str] = set()
    data = doc.try_json()
    if data is None and lines and lines[0].lstrip().startswith("{"):
        try:
            data = json.loads(lines[0])  # JSON Lines: the first record
        except json.JSONDecodeError:
            data = None
    if data is not None:
        _collect(data, keys, _DEPTH)
    else:
        try:
            first = next(csv_records(doc.name, text), None)
        except InputError:  # an unreadable header: no columns to compare
            first = None
        if first is not None and isinstance(first[1], dict) and len(first[1]) > 1:
            keys.update(str(column).strip().lower() for column in first[1])
    return keys, lines


def _collect(value: Any, keys: set[str], depth: int) -> None:
    if depth == 0:
        return
    if isinstance(value, list):
        if value:
            _collect(value[0], keys, depth)
    elif isinstance(value, dict):
        for key, item in value.items():
            keys.add(str(key).lower())
            _collect(item, keys, depth - 1)
