"""A content-addressed answer cache in sqlite: an unchanged request is never sent twice.

Each answer is committed as soon as it arrives (autocommit, write-ahead log), so a run killed
halfway, even mid-write, keeps every answer it finished storing. The cache is only a saving: a
file that is not a database is moved aside and rebuilt, and an answer that cannot be stored or
read (locked, damaged) is asked again rather than failing the run. Only a cache another
process holds locked from the start is an error, since every answer would then be paid twice.
"""

from __future__ import annotations

import os
import sqlite3
import sys
import threading
from datetime import UTC, datetime
from pathlib import Path

from postmortem_writer.errors import UserError

CACHE_ENV = "POSTMORTEM_CACHE_DIR"
# answers: validated answers by request key; endpoints: what an endpoint was found to take and state.
_TABLES = ("answers", "endpoints")


def default_cache_dir() -> Path:
    """``$POSTMORTEM_CACHE_DIR``, else ``$XDG_CACHE_HOME/postmortem-writer``, else ``~/.cache/postmortem-writer``."""
    if configured := os.environ.get(CACHE_ENV):
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "postmortem-writer"


class Cache:
    """Validated answers (JSON text) by request key; safe to share between threads."""

    def __init__(self, path: Path, *, busy_timeout: float = 5.0) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._lock = threading.Lock()
        self._unusable = False
        try:
            self._db = _open(path, busy_timeout)
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) and "busy" not in str(exc):
                raise UserError(
                    f"{path}: cannot open the answer cache ({exc}); pass --cache-dir or --no-cache"
                ) from None
            raise UserError(
                f"{path}: the answer cache is locked by another process; wait for it, or pass --cache-dir or --no-cache"
            ) from None
        except sqlite3.DatabaseError as exc:
            # Not a database (damaged, or some other file): keep it for a look, start an empty one.
            aside = path.with_name(path.name + ".corrupt")
            os.replace(path, aside)
            for suffix in ("-wal", "-shm"):
                path.with_name(path.name + suffix).unlink(missing_ok=True)
            print(
                f"warning: {path}: not a usable cache ({exc}); moved to {aside.name}, starting empty", file=sys.stderr
            )
            self._db = _open(path, busy_timeout)

    def get(self, key: str) -> str | None:
        """The stored answer for ``key``, or ``None`` (also when it cannot be read)."""
        return self._read("answers", key)

    def put(self, key: str, value: str) -> None:
        """Store ``value`` under ``key`` (committed at once); a failure costs only the saving."""
        self._write("answers", key, value)

    def recall(self, endpoint: str) -> str | None:
        """What was learned about ``endpoint`` (a base URL and model), or ``None``."""
        return self._read("endpoints", endpoint)

    def remember(self, endpoint: str, value: str) -> None:
        """Keep what was learned about ``endpoint`` (its request shape, context, slots) for the next run."""
        self._write("endpoints", endpoint, value)

    def _read(self, table: str, key: str) -> str | None:
        with self._lock:
            if self._unusable:
                return None
            try:
                row = self._db.execute(f"SELECT value FROM {table} WHERE key = ?", (key,)).fetchone()
            except sqlite3.Error as exc:
                self._warn(exc)
                return None
        return None if row is None else str(row[0])

    def _write(self, table: str, key: str, value: str) -> None:
        with self._lock:
            if self._unusable:
                return
            try:
                self._db.execute(
                    f"INSERT OR REPLACE INTO {table} (key, value, stored) VALUES (?, ?, ?)",
                    (key, value, datetime.now(UTC).isoformat()),
                )
            except sqlite3.Error as exc:
                self._warn(exc)

    def _warn(self, exc: sqlite3.Error) -> None:
        # A locked or damaged cache fails every call alike (each after the busy timeout): say it
        # once and stop using it for the rest of the run.
        if not self._unusable:
            self._unusable = True
            print(f"warning: {self.path}: answer cache unusable ({exc}); answers are not cached", file=sys.stderr)

    def close(self) -> None:
        """Close the database."""
        with self._lock:
            self._db.close()


def _open(path: Path, busy_timeout: float) -> sqlite3.Connection:
    db = sqlite3.connect(path, timeout=busy_timeout, check_same_thread=False, isolation_level=None)
    try:
        db.execute("PRAGMA journal_mode=WAL")
        for table in _TABLES:
            db.execute(f"CREATE TABLE IF NOT EXISTS {table} (key TEXT PRIMARY KEY, value TEXT NOT NULL, stored TEXT)")
    except sqlite3.Error:
        db.close()
        raise
    return db
