"""build/enrich-cache.sqlite: every answer a service gave, keyed by service and lookup
(`arxiv` + `arxiv:1706.03762`, `openalex` + `title:…`), so a re-run asks nothing again and an
interrupted run resumes where it stopped. Each answer is committed as it arrives.

Answers are kept as the cleaned records they became (`record.Answer`), not as raw bodies: a
batch answer is stored once per id in it, and a work a title search found is also stored
under each of its ids (what the next run, which knows those ids, will ask). A change in what
is kept bumps SCHEMA, which empties the cache; nothing in it is anything but a cache.
"""

from __future__ import annotations

import sqlite3
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

from .record import Answer

FILE_NAME = "enrich-cache.sqlite"
SCHEMA = 1
_TABLE = """CREATE TABLE IF NOT EXISTS answers (
    source  TEXT NOT NULL,
    key     TEXT NOT NULL,
    fetched TEXT NOT NULL,
    answer  TEXT NOT NULL,
    PRIMARY KEY (source, key)
) WITHOUT ROWID"""


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class Cache:
    """Thread-safe: one connection behind a lock (answers come at network speed)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self.warning: str | None = None
        try:
            self._db = self._open()
        except sqlite3.DatabaseError:  # not a database, or a torn one: it is only a cache
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
            self._db = self._open()
            self.warning = f"{path}: unreadable, started again empty"

    def _open(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None,
                             timeout=30)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")  # an answer lost to a power cut is asked again
        if db.execute("PRAGMA user_version").fetchone()[0] != SCHEMA:
            db.execute("DROP TABLE IF EXISTS answers")
            db.execute(f"PRAGMA user_version = {SCHEMA}")
        db.execute(_TABLE)
        return db

    def get(self, source: str, key: str, max_age: timedelta | None = None) -> Answer | None:
        """The stored answer, unless it is older than `max_age`."""
        with self._lock:
            row = self._db.execute("SELECT fetched, answer FROM answers WHERE source=? AND "
                                   "key=?", (source, key)).fetchone()
        if row is None:
            return None
        fetched, text = row
        if max_age is not None and datetime.fromisoformat(fetched) < \
                datetime.now(UTC) - max_age:
            return None
        try:
            return Answer.loads(text, fetched)
        except (ValueError, TypeError, KeyError):
            return None  # a damaged row: asked again

    def put(self, source: str, key: str, answer: Answer, replace: bool = True) -> None:
        """Store `answer` (with `replace=False`, only where there is none yet)."""
        verb = "INSERT OR REPLACE" if replace else "INSERT OR IGNORE"
        with self._lock:
            self._db.execute(f"{verb} INTO answers VALUES (?, ?, ?, ?)",
                             (source, key, answer.fetched or now(), answer.dumps()))

    def count(self) -> int:
        with self._lock:
            return int(self._db.execute("SELECT COUNT(*) FROM answers").fetchone()[0])

    def close(self) -> None:
        with self._lock:
            self._db.close()
