"""`build/pdf/units.sqlite`: each unit's HTML from earlier `publish pdf` runs.

A unit's HTML (a paper with its section heading, see `book.Unit`) is a pure function of the
paper as loaded (metadata and every language's file), the titles of the lists it is in,
the booklet's options and the unit's place (book, heading levels, section, rank), which
make its key; and of the package's code, templates and catalogs, the Markdown and math
packages, the fonts installed and the project's own templates, which make the database's
fingerprint. A rebuild then renders Markdown and math only for the papers that changed,
and a rebuild with nothing changed does not even import them.
"""

from __future__ import annotations

import json
import sqlite3
import sys
from collections.abc import Iterable
from typing import Any

from .. import cachedb
from ..model import Collection
from .book import Unit
from .booklet import BookletOptions, Levels
from .cache import digest

CACHE_NAME = "units.sqlite"
SCHEMA = 2  # 2: each value sealed with a CRC (cachedb.sealed)
_DEPENDENCIES = ("markdown_it", "mdit_py_plugins", "latex2mathml", "ziamath", "babel",
                 "opencc", "markupsafe", "jinja2")


def fingerprint(extra: str) -> str:
    """`extra`: what else the HTML depends on (the fonts installed, project templates)."""
    return cachedb.fingerprint(f"{SCHEMA}|{sys.version_info[:2]}|{extra}", _DEPENDENCIES)


def unit_key(collection: Collection, options: BookletOptions, book_index: int,
             levels: Levels, unit: Unit) -> str:
    paper = collection.papers[unit.paper]
    texts = [(t.lang, str(t.path), t.body, t.local_title, t.meta_in, repr(t.extra),
              t.title_translation) for _, t in sorted(paper.texts.items())]
    lists = [(lid, repr(sorted(rl.title.items())), rl.lang) for lid in paper.meta.lists
             if (rl := collection.lists.get(lid)) is not None]
    return digest(repr(options), str(book_index), repr(levels), repr(unit), paper.id,
                  repr(paper.meta), paper.source_lang, repr(texts), repr(lists))


class UnitCache(cachedb.CacheDB):
    """Reads never fail (a broken database is rebuilt empty); writes are best effort."""

    TABLES = "CREATE TABLE units (key TEXT PRIMARY KEY, value TEXT) WITHOUT ROWID;"
    JOURNAL = "MEMORY"
    # Past this size (every edit of a paper adds a row per booklet it is in: thousands of
    # edits), a build keeps only its own units; other booklets make theirs again, once.
    LIMIT = 128 * 2**20

    def load(self, keys: Iterable[str]) -> dict[str, Any]:
        con = self._db()
        if con is None:
            return {}
        found: dict[str, Any] = {}
        try:
            for key in keys:
                row = con.execute("SELECT value FROM units WHERE key = ?", (key,)).fetchone()
                value = cachedb.opened("unit", key, row[0]) if row is not None else None
                if value is not None:  # a damaged row is a unit made again
                    found[key] = json.loads(value)
        except (sqlite3.Error, ValueError) as exc:
            self._broken(exc)
            return {}
        return found

    def save(self, items: dict[str, Any]) -> None:
        con = self._db()
        if con is None or not items:
            return
        try:
            with con:
                con.execute("BEGIN IMMEDIATE")
                con.executemany("INSERT OR REPLACE INTO units VALUES (?, ?)",
                                [(k, cachedb.sealed("unit", k, json.dumps(
                                    v, ensure_ascii=False))) for k, v in items.items()])
        except sqlite3.Error as exc:
            self._broken(exc)

    def keep_only(self, keys: Iterable[str]) -> bool:
        """Over `LIMIT` bytes: drop every row but those of `keys` and give the space
        back. True when it did."""
        try:
            if self.path.stat().st_size <= self.LIMIT:
                return False
        except OSError:
            return False
        con = self._db()
        if con is None:
            return False
        try:
            with con:
                con.execute("BEGIN IMMEDIATE")
                con.execute("CREATE TEMP TABLE keep (key TEXT PRIMARY KEY) WITHOUT ROWID")
                con.executemany("INSERT OR IGNORE INTO keep VALUES (?)", ((k,) for k in keys))
                con.execute("DELETE FROM units WHERE key NOT IN (SELECT key FROM keep)")
                con.execute("DROP TABLE keep")
            con.execute("VACUUM")
        except sqlite3.Error as exc:
            self._broken(exc)
            return False
        return True
