"""A response cache on disk, so an interrupted run re-sends nothing that completed.

Every target reply and judge answer is stored as it arrives, keyed by a hash of what
determines it: the role, the model, the endpoint (without secrets), the messages, the
generation settings and, for judges, the rubric version. Re-judging a finished run with
other judges therefore re-uses the target replies. SQLite in WAL mode makes the file safe
to share between xdist workers (each process opens its own connection).
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any

SCHEMA = """
CREATE TABLE IF NOT EXISTS responses (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    created REAL NOT NULL
)
"""


def cache_key(**parts: Any) -> str:
    """A stable key; callers pass only secret-free parts (never an API key)."""
    canonical = json.dumps(parts, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


class ResponseCache:
    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        # One connection per process, used from the engine's thread; the lock covers the
        # rare use from another thread (closing at the end of the session).
        self._db = sqlite3.connect(path, timeout=60, check_same_thread=False, isolation_level=None)
        self._lock = threading.Lock()
        self._db.execute("PRAGMA busy_timeout=60000")
        # Switching to WAL needs a moment of exclusive access; workers opening the file
        # together may collide, so try again briefly (WAL then persists in the file).
        for attempt in range(50):
            try:
                self._db.execute("PRAGMA journal_mode=WAL")
                self._db.execute(SCHEMA)
                break
            except sqlite3.OperationalError:
                if attempt == 49:
                    raise
                time.sleep(0.1)
        self._db.execute("PRAGMA synchronous=NORMAL")

    def get(self, key: str) -> str | None:
        with self._lock:
            row = self._db.execute("SELECT value FROM responses WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def put(self, key: str, value: str) -> None:
        with self._lock:
            self._db.execute(
                "INSERT OR REPLACE INTO responses (key, value, created) VALUES (?, ?, ?)",
                (key, value, time.time()),
            )

    def close(self) -> None:
        with self._lock:
            self._db.close()


def cache_problem(path: Path) -> str | None:
    """Why the cache at ``path`` cannot be used (not a database, not writable), or None:
    opened once, and created if it is not there, before any call or worker needs it."""
    try:
        ResponseCache(path).close()
    except (OSError, sqlite3.Error) as exc:
        return str(exc)
    return None
