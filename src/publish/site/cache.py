"""`build/site-cache.sqlite`: what earlier `publish html` runs computed and will not change.

Three kinds of entries, all pure functions of their key:

- "block": the HTML of one Markdown block, keyed by a hash of (language, text);
- "paper": a paper's translation state per content language, keyed by a hash of the paper's
  inputs (metadata, titles, bodies);
- "text": interface strings, numbers and Traditional Chinese conversions (gettext, babel,
  OpenCC), keyed by the call, so a rebuild does not compile catalogs or load OpenCC.

The database carries a fingerprint of everything else a value depends on: the source of the
modules that render blocks, decide states and pick strings, the catalogs (`locale/*.po`), the
installed markdown-it, plugins, math, babel and OpenCC packages, the Python version and the
project's languages. Any change empties the cache. Templates are not in it: no entry passes
through a template (the pages that do are keyed by the templates in the site manifest).

It is a cache: a missing, corrupt or foreign file is replaced, and a failed write only means
the next run computes again. Every value carries a CRC of its key and text: a value whose
bits flipped (on disk, in a torn write) is computed again, never shown.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import sys
from collections.abc import Iterable

from .. import cachedb

CACHE_NAME = "site-cache.sqlite"
SCHEMA = 2  # 2: a CRC in front of every value
# Besides publish's own sources and catalogs (cachedb.package_hash), what a page depends on.
_DEPENDENCIES = ("markdown_it", "mdit_py_plugins", "latex2mathml", "ziamath", "babel",
                 "opencc", "markupsafe")


def fingerprint(languages: Iterable[str]) -> str:
    return cachedb.fingerprint(f"{SCHEMA}|{sys.version_info[:2]}|{list(languages)}",
                               _DEPENDENCIES)


def block_key(text: str, lang: str) -> str:
    return hashlib.sha1(f"{lang}\0{text}".encode()).hexdigest()


class SiteCache(cachedb.CacheDB):
    """Reads never fail (a broken database is rebuilt empty); writes are best effort."""

    TABLES = ("CREATE TABLE entries (kind TEXT, key TEXT, value TEXT,"
              " PRIMARY KEY (kind, key)) WITHOUT ROWID;")

    def _broken(self, exc: Exception) -> None:
        super()._broken(exc)
        if self.usable:
            self.warnings.append(f"{self.path}: rebuilt ({exc})")

    def _flipped(self, kind: str) -> None:
        note = f"{self.path}: damaged {kind} entries computed again"
        if note not in self.warnings:
            self.warnings.append(note)

    def load(self, kind: str, keys: Iterable[str] | None = None) -> dict[str, str]:
        """Entries of one kind: all of them, or those of `keys` that exist."""
        if self.con is None:
            return {}
        try:
            if keys is None:
                rows = self.con.execute("SELECT key, value FROM entries WHERE kind = ?",
                                        (kind,)).fetchall()
            else:
                query = "SELECT key, value FROM entries WHERE kind = ? AND key = ?"
                rows = [row for key in keys
                        for row in self.con.execute(query, (kind, key)).fetchall()]
            out = {}
            for key, stored in rows:
                value = cachedb.opened(kind, key, stored)
                if value is None:
                    self._flipped(kind)
                else:
                    out[key] = value
            return out
        except sqlite3.Error as exc:
            self._broken(exc)
            return {}

    def save(self, kind: str, items: dict[str, str]) -> None:
        if self.con is None or not items:
            return
        try:
            with self.con:
                self.con.execute("BEGIN IMMEDIATE")
                self.con.executemany("INSERT OR REPLACE INTO entries VALUES (?, ?, ?)",
                                     [(kind, k, cachedb.sealed(kind, k, v))
                                      for k, v in items.items()])
        except sqlite3.Error as exc:
            self.warnings.append(f"{self.path}: not updated ({exc})")


class Texts:
    """i18n calls, remembered across runs: a call is only made when its result is unknown.

    The functions and catalogs behind them are in the cache's fingerprint."""

    def __init__(self, stored: dict[str, str]) -> None:
        self.known: dict[tuple[object, ...], str] = {}
        for key, value in stored.items():
            try:
                self.known[tuple(json.loads(key))] = value
            except (ValueError, TypeError):
                continue
        self.added: dict[tuple[object, ...], str] = {}

    def _get(self, *call: object) -> str:
        value = self.known.get(call)
        if value is None:
            from ..render import i18n

            name, *args = call
            value = self.known[call] = self.added[call] = getattr(i18n, str(name))(*args)
        return value

    @staticmethod
    def stored(added: dict[tuple[object, ...], str]) -> dict[str, str]:
        """Entries as the cache keeps them."""
        return {json.dumps(list(k), ensure_ascii=False): v for k, v in added.items()}

    def gettext(self, lang: str, message: str) -> str:
        return self._get("gettext", lang, message)

    def ngettext(self, lang: str, singular: str, plural: str, n: int) -> str:
        return self._get("ngettext", lang, singular, plural, n)

    def format_number(self, n: int, lang: str) -> str:
        if 0 <= n < 1000:
            # below a thousand no language publish knows groups digits or writes other
            # digits (tests/test_site_cache.py checks babel agrees): list numbers 1..939
            # would otherwise cost a babel call each
            return str(n)
        return self._get("format_number", n, lang)

    def format_count(self, n: int, lang: str) -> str:
        return self._get("format_count", n, lang)

    def hant(self, text: str) -> str:
        return self._get("hant", text)


class Blocks:
    """Block HTML: from this run's memory, the plain-text fast path, the cache, or
    markdown-it (the renderer is only built when a block needs it)."""

    def __init__(self, cache: SiteCache | None, known: dict[str, str] | None = None) -> None:
        self.cache = cache
        self.known: dict[str, str] = known or {}  # block_key -> HTML
        self.memo: dict[tuple[str, str], str] = {}
        self.added: dict[str, str] = {}
        self._markdown = None

    def preload(self) -> None:
        """Every cached block, in one query: before rendering many pages (or forking)."""
        if self.cache is not None:
            self.known.update(self.cache.load("block"))
            self.cache = None

    def html(self, text: str, lang: str) -> str:
        hit = self.memo.get((text, lang))
        if hit is not None:
            return hit
        from ..render.markdown import plain_block

        html = plain_block(text, lang)
        if html is None:
            key = block_key(text, lang)
            html = self.known.get(key)
            if html is None and self.cache is not None:
                html = self.cache.load("block", [key]).get(key)
            if html is None:
                html = self.added[key] = self.renderer().render(text, lang)
        self.memo[(text, lang)] = html
        return html

    def renderer(self):  # -> MarkdownRenderer
        if self._markdown is None:
            from ..render.markdown import MarkdownRenderer
            from ..render.math import mathml_math

            self._markdown = MarkdownRenderer(mathml_math)
        return self._markdown
