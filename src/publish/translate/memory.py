"""Translation memory: every finished draft, keyed by backend, language pair and the source
block's hash, in one SQLite file in the project.

Each draft is committed the moment it is finished, so a run that is interrupted (Ctrl-C, kill
-9, a crash) loses only the blocks in flight, and the next run — or a run over another paper
with the same paragraph — takes the draft from here instead of asking the service again.

The file lives at the project root (`translation-memory.sqlite`, beside publish.toml), not in
build/: drafts cost money or rate-limited requests and cannot be rebuilt offline, so the memory
is data to keep (and to commit, if the team wants to share it), not a cache to wipe.
"""

from __future__ import annotations

import sqlite3
import threading
from datetime import UTC, datetime
from pathlib import Path

from ..errors import PublishError

FILE_NAME = "translation-memory.sqlite"
_SCHEMA = """
CREATE TABLE IF NOT EXISTS drafts (
    backend      TEXT NOT NULL,
    source_lang  TEXT NOT NULL,
    target_lang  TEXT NOT NULL,
    source_hash  TEXT NOT NULL,
    source_text  TEXT NOT NULL,
    draft        TEXT NOT NULL,
    created      TEXT NOT NULL,
    PRIMARY KEY (backend, source_lang, target_lang, source_hash)
)
"""


class Memory:
    """Thread-safe: workers record drafts as they finish; one connection behind a lock is
    plenty at the rate any translation service answers."""

    def __init__(self, path: Path, readonly: bool = False):
        self.path = path
        self._lock = threading.Lock()
        self._closed = False
        try:
            # isolation_level=None: autocommit, each put is durable when it returns.
            target = f"file:{path}?mode=ro" if readonly else str(path)
            self._db = sqlite3.connect(target, uri=readonly, check_same_thread=False,
                                       isolation_level=None, timeout=30)
            if not readonly:
                # WAL with synchronous=NORMAL: a commit is in the OS's hands when it returns,
                # so a killed process loses nothing, without an fsync per block (which cost
                # 15 ms a block, serialised across all jobs). Only a power cut can lose the
                # last few drafts, and never corrupts the file.
                self._db.execute("PRAGMA journal_mode=WAL")
                self._db.execute("PRAGMA synchronous=NORMAL")
                self._db.execute(_SCHEMA)
        except sqlite3.DatabaseError as exc:
            raise PublishError(f"cannot open the translation memory: {exc}", path) from None

    @classmethod
    def of_project(cls, root: Path, readonly: bool = False) -> Memory | None:
        """The project's memory; with `readonly`, None when there is none yet (a dry run
        creates nothing)."""
        path = root / FILE_NAME
        if readonly and not path.is_file():
            return None
        return cls(path, readonly=readonly)

    def get(self, backend: str, source_lang: str, target_lang: str,
            source_hash: str) -> str | None:
        with self._lock:
            row = self._db.execute(
                "SELECT draft FROM drafts WHERE backend=? AND source_lang=? AND target_lang=? "
                "AND source_hash=?", (backend, source_lang, target_lang, source_hash)).fetchone()
        return row[0] if row else None

    def get_many(self, backend: str, source_lang: str, target_lang: str,
                 hashes: list[str]) -> dict[str, str]:
        return self._by_hash("SELECT source_hash, draft FROM drafts WHERE backend=? AND "
                             "source_lang=? AND target_lang=?",
                             (backend, source_lang, target_lang), hashes)

    def source_texts(self, source_lang: str, hashes: list[str]) -> dict[str, str]:
        """The source text of blocks by hash, from drafts of any backend and target: how an
        edited paragraph read when it was sent (`publish export` shows it to a translator)."""
        return self._by_hash("SELECT source_hash, source_text FROM drafts WHERE "
                             "source_lang=?", (source_lang,), hashes)

    def _by_hash(self, select: str, params: tuple[str, ...],
                 hashes: list[str]) -> dict[str, str]:
        """`select … AND source_hash IN (…)` for `hashes`, 500 at a time (SQLite's limit on
        parameters), as {source_hash: the selected column}."""
        found: dict[str, str] = {}
        with self._lock:
            for start in range(0, len(hashes), 500):
                part = hashes[start:start + 500]
                found.update(self._db.execute(
                    f"{select} AND source_hash IN ({','.join('?' * len(part))})",
                    (*params, *part)).fetchall())
        return found

    def put(self, backend: str, source_lang: str, target_lang: str, source_hash: str,
            source_text: str, draft: str) -> None:
        stamp = datetime.now(UTC).isoformat(timespec="seconds")
        with self._lock:
            if self._closed:
                return  # a call abandoned at a stop finished after the run was over
            self._db.execute(
                "INSERT OR REPLACE INTO drafts VALUES (?, ?, ?, ?, ?, ?, ?)",
                (backend, source_lang, target_lang, source_hash, source_text, draft, stamp))

    def count(self) -> int:
        with self._lock:
            return int(self._db.execute("SELECT COUNT(*) FROM drafts").fetchone()[0])

    def close(self) -> None:
        with self._lock:
            self._closed = True
            self._db.close()
