"""Which events this agency already has: a small SQLite file, so duplicates stay out after a restart.

An event id is recorded only after every sink took the event, so a crash between the two
hands the event over again (at least once) rather than losing it; the JSON directory writes
the same file name again and the HTTP forward carries the event id for the agency's system.
"""

from __future__ import annotations

import sqlite3
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path


@dataclass(frozen=True)
class Counts:
    accepted: int
    last_received_at: str | None


class Ledger:
    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA busy_timeout=5000")
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS received ("
            " event_id TEXT PRIMARY KEY, event_type TEXT NOT NULL, via TEXT NOT NULL,"
            " received_at TEXT NOT NULL)"
        )

    def has(self, event_id: str) -> bool:
        with self._lock:
            row = self._db.execute("SELECT 1 FROM received WHERE event_id = ?", (event_id,))
            return row.fetchone() is not None

    def record(self, event_id: str, event_type: str, via: str) -> bool:
        """Remember the event; False when it was already there (another replica was first)."""
        at = datetime.now(UTC).isoformat()
        with self._lock:
            cursor = self._db.execute(
                "INSERT OR IGNORE INTO received (event_id, event_type, via, received_at)"
                " VALUES (?, ?, ?, ?)",
                (event_id, event_type, via, at),
            )
            return cursor.rowcount == 1

    def counts(self) -> Counts:
        with self._lock:
            total, last = self._db.execute(
                "SELECT count(*), max(received_at) FROM received"
            ).fetchone()
        return Counts(int(total), last)

    def close(self) -> None:
        with self._lock:
            self._db.close()
