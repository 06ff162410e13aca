"""A content-addressed answer cache in sqlite: an unchanged request is never sent twice.

Each answer is committed as soon as it arrives, so a run killed halfway keeps what it paid for.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from datetime import UTC, datetime
from pathlib import Path

CACHE_ENV = "POSTMORTEM_CACHE_DIR"


def default_cache_dir() -> Path:
    """``$POSTMORTEM_CACHE_DIR``, else ``$XDG_CACHE_HOME/postmortem-writer``, else ``~/.cache/postmortem-writer``."""
    if configured := os.environ.get(CACHE_ENV):
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "postmortem-writer"


class Cache:
    """Validated answers (JSON text) by request key; safe to share between threads."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._lock = threading.Lock()
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("CREATE TABLE IF NOT EXISTS answers (key TEXT PRIMARY KEY, value TEXT NOT NULL, stored TEXT)")

    def get(self, key: str) -> str | None:
        """The stored answer for ``key``, or ``None``."""
        with self._lock:
            row = self._db.execute("SELECT value FROM answers WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def put(self, key: str, value: str) -> None:
        """Store ``value`` under ``key`` (committed at once)."""
        with self._lock:
            self._db.execute(
                "INSERT OR REPLACE INTO answers (key, value, stored) VALUES (?, ?, ?)",
                (key, value, datetime.now(UTC).isoformat()),
            )

    def close(self) -> None:
        """Close the database."""
        with self._lock:
            self._db.close()
