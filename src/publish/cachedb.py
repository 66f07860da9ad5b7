"""SQLite files that are caches — `build/index.sqlite` (publish.content.index) and
`build/site-cache.sqlite` (publish.site.cache) — and what they have in common: each carries a
fingerprint of everything its values depend on; a file that is missing, corrupt or written by
another version is deleted and made again, empty; a database another run holds is done
without this time; nothing is fsynced (a torn cache costs a rebuild, never a wrong answer,
because what is read is checked).
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import os
import sqlite3
import zlib
from collections.abc import Iterable
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
# What the package is made of: its code, templates and interface catalogs.
_PACKAGE_FILES = {".py", ".html", ".css", ".js", ".po", ".pot", ".xml", ".txt", ".svg"}


def _crc(kind: str, key: str, value: str) -> str:
    data = "\0".join((kind, key, value)).encode("utf-8", "surrogatepass")
    return f"{zlib.crc32(data):08x}"


def sealed(kind: str, key: str, value: str) -> str:
    """`value` as a cache stores it: with a CRC of its kind, key and value, so a damaged or
    misplaced row is recomputed, never used (see `opened`)."""
    return _crc(kind, key, value) + value


def opened(kind: str, key: object, stored: object) -> str | None:
    """The value, or None when the row is not what was written."""
    if not isinstance(key, str) or not isinstance(stored, str) or len(stored) < 8:
        return None
    value = stored[8:]
    return value if stored[:8] == _crc(kind, key, value) else None


@functools.cache
def package_hash(package: Path | None = None) -> str:
    """A hash of every source file of the publish package, found by walking it: a cache
    keyed by it is rebuilt when any of them changes, with no list of modules to keep up to
    date (rename a module and a hand-kept list silently stops invalidating)."""
    package = package or PACKAGE
    h = hashlib.sha1()
    for folder, subfolders, names in os.walk(package):
        subfolders[:] = sorted(name for name in subfolders if name != "__pycache__")
        for name in sorted(names):
            if os.path.splitext(name)[1] in _PACKAGE_FILES:
                path = os.path.join(folder, name)
                h.update(os.path.relpath(path, package).encode() + b"\0")
                with open(path, "rb") as fh:
                    h.update(fh.read())
    return h.hexdigest()


def fingerprint(head: str, modules: Iterable[str], files: Iterable[Path] = ()) -> str:
    """A hash of `head`, of the publish package's own sources (package_hash), of the bytes
    of further `files`, and of the installed `modules`' __init__ with its mtime (an upgrade
    rewrites it)."""
    h = hashlib.sha1(head.encode())
    h.update(package_hash(PACKAGE).encode())
    for path in files:
        h.update(path.read_bytes() if path.is_file() else b"-")
    for module in modules:
        spec = importlib.util.find_spec(module)
        if spec is not None and spec.origin:
            origin = Path(spec.origin)
            h.update(origin.read_bytes())
            h.update(str(origin.stat().st_mtime_ns).encode())
    return h.hexdigest()


class CacheDB:
    """One cache database. Subclasses name their tables (`TABLES`, besides `info` with the
    fingerprint) and how pages and the journal are kept."""

    TABLES = ""
    PAGE_SIZE: int | None = None
    JOURNAL: str | None = None  # e.g. MEMORY: a journal on disk would double every write
    GIVING_UP = ""  # what the user is told happens without the cache
    timeout = 5.0  # seconds to wait for another run's transaction

    def __init__(self, path: Path, fingerprint: str) -> None:
        self.path = path
        self.fingerprint = fingerprint
        self.warnings: list[str] = []
        self.usable = True
        self.con: sqlite3.Connection | None = None
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            con = self._db()
            assert con is not None
            row = con.execute("SELECT value FROM info WHERE name = 'fingerprint'").fetchone()
            if row is None or row[0] != fingerprint:
                self.reset()
        except OSError as exc:
            self._give_up(exc)
        except Exception as exc:  # sqlite3 on a garbage file raises more than its own errors
            self._broken(exc)

    def _db(self) -> sqlite3.Connection | None:
        """The connection, opened again after `close` (which a fork needs)."""
        if self.con is None and self.usable:
            self.con = sqlite3.connect(self.path, timeout=self.timeout, isolation_level=None)
            self.con.execute("PRAGMA synchronous = OFF")
            if self.JOURNAL:
                self.con.execute(f"PRAGMA journal_mode = {self.JOURNAL}")
        return self.con

    def _broken(self, exc: Exception) -> None:
        """Another run holding the database: do without it this time. Anything else (not a
        database, no tables, a torn page): start again, empty."""
        if "locked" in str(exc) or "busy" in str(exc):
            self._give_up(exc)
        else:
            self.reset()

    def reset(self) -> None:
        """Start from an empty database: deleted, corrupt or from another version."""
        self.close()
        try:
            for suffix in ("", "-journal", "-wal", "-shm"):
                Path(f"{self.path}{suffix}").unlink(missing_ok=True)
            con = self._db()
            assert con is not None
            if self.PAGE_SIZE:
                con.execute(f"PRAGMA page_size = {self.PAGE_SIZE}")
            con.executescript("CREATE TABLE info (name TEXT PRIMARY KEY, value TEXT) "
                              "WITHOUT ROWID;" + self.TABLES)
            con.execute("INSERT INTO info VALUES ('fingerprint', ?)", (self.fingerprint,))
        except (OSError, sqlite3.Error) as exc:
            self._give_up(exc)

    def _give_up(self, exc: Exception) -> None:
        self.warnings.append(f"{self.path}: cache not used ({exc}){self.GIVING_UP}")
        self.close()
        self.usable = False

    def close(self) -> None:
        if self.con is not None:
            self.con.close()
            self.con = None
