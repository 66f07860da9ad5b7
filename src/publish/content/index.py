"""The on-disk index: `build/index.sqlite`, so a second run re-reads only what changed.

A file is known by its path and its stat key (size, mtime_ns, ctime_ns, inode; see
content.scan): a file whose key is unchanged is not read again; any other file is read and
parsed with the store's own functions (`parse_paper_file`, `parse_list_file`) and checked as
`the loader (content.load)` checks the tree, with the same messages in the same order. The
database holds blobs by (kind, name):

- "file": per paper file, what parsing it produced (front matter fields, body, blocks with
  their hashes), for `load_collection`, the same Collection as `the loader (content.load)`;
- "list"/"listfull": per reading list, its entries;
- "shard", "snap", "detail", "report", "state": `publish status`, see status.cache.

Never a wrong "current": every blob carries a CRC and the database a fingerprint (schema,
Python version, languages, and the source of every module that decides what a file means or
what is cached), so a deleted, corrupt or foreign database is rebuilt, never a traceback. A
file modified in the moments before a scan is not known by its key later
(content.scan.trusted). Files with problems are not
cached: they are parsed, and reported, on every run.
"""

from __future__ import annotations

import marshal
import sys
import zlib
from collections.abc import Iterable
from itertools import chain
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import cachedb
from ..config import Config
from ..errors import Problem, Problems, PublishError
from ..fields import meta_from_values, meta_values
from ..model import Block, Entry, ReadingList, Text
from .scan import Scan
from .textfile import _KEY
from .write import version

if TYPE_CHECKING:
    from .files import ParsedFile

# store (PyYAML) and blocks (markdown-it) are imported when a file has to be read: a run that
# finds nothing changed does without them.

SCHEMA = 3  # 3: titles' translation markers
INDEX_NAME = "index.sqlite"
SHARDS = 64
# Besides publish's own sources (cachedb.package_hash), what decides what a file means.
_DEPENDENCIES = ("markdown_it", "yaml")
KEY_SIZE = _KEY.size


# ---------------------------------------------------------------------------------------------
# The database: blobs by (kind, name), each a CRC-checked marshal dump


class Corrupt(Exception):
    """The cache cannot be trusted: rebuild it."""


def _fingerprint(config: Config) -> str:
    return cachedb.fingerprint(f"{SCHEMA}|{sys.version_info[:2]}|{config.languages}",
                               _DEPENDENCIES)


def _pack(obj: object) -> bytes:
    data = marshal.dumps(obj)
    return zlib.crc32(data).to_bytes(4, "big") + data


def unpack(blob: object) -> Any:
    if not isinstance(blob, bytes) or len(blob) < 4:
        raise Corrupt("not a blob")
    data = memoryview(blob)[4:]  # not a copy: the report blob is tens of MB at 100,000
    if zlib.crc32(data).to_bytes(4, "big") != blob[:4]:
        raise Corrupt("checksum mismatch")
    try:
        return marshal.loads(data)
    except (ValueError, EOFError, TypeError) as exc:
        raise Corrupt(str(exc)) from None


class Cache(cachedb.CacheDB):
    """build/index.sqlite; every read error means "rebuild", every write error "skip"."""

    TABLES = ("CREATE TABLE blobs (kind TEXT, name TEXT, data BLOB, PRIMARY KEY (kind, name))"
              " WITHOUT ROWID;")
    PAGE_SIZE = 65536  # blobs of megabytes: fewer, larger pages
    # A cache: a torn write is caught by the CRCs and the keys inside the records, and a
    # rollback journal on disk would double every write.
    JOURNAL = "MEMORY"
    GIVING_UP = "; reading every file"

    def load(self, kind: str, names: Iterable[str] | None = None) -> dict[str, Any]:
        """Blobs of one kind (all, or these names). Raises Corrupt."""
        try:
            con = self._db()
            if con is None:
                return {}
            if names is None:
                rows = con.execute("SELECT name, data FROM blobs WHERE kind = ?", (kind,))
                return {name: unpack(data) for name, data in rows}
            out = {}
            query = "SELECT data FROM blobs WHERE kind = ? AND name = ?"
            for name in names:
                row = con.execute(query, (kind, name)).fetchone()
                if row is not None:
                    out[name] = unpack(row[0])
            return out
        except Corrupt:
            raise
        except Exception as exc:  # e.g. UnicodeDecodeError of a garbage message
            raise Corrupt(str(exc)) from None

    def save(self, kind: str, items: dict[str, object], drop: Iterable[str] = ()) -> None:
        self.save_all([(kind, items, drop)])

    def names(self, kind: str) -> set[str]:
        try:
            con = self._db()
            return ({name for (name,) in con.execute(
                "SELECT name FROM blobs WHERE kind = ?", (kind,))} if con is not None else set())
        except Exception as exc:
            raise Corrupt(str(exc)) from None

    def raw(self, kind: str, name: str) -> bytes | None:
        """A blob as stored, to tell later whether another run replaced it."""
        try:
            con = self._db()
            row = con.execute("SELECT data FROM blobs WHERE kind = ? AND name = ?",
                              (kind, name)).fetchone() if con is not None else None
        except Exception as exc:
            raise Corrupt(str(exc)) from None
        return row[0] if row else None

    def save_all(self, changes: list[tuple[str, dict[str, object], Iterable[str]]],
                 unless_changed: tuple[str, str, bytes | None] | None = None) -> bool:
        """(kind, blobs to write, names to drop) for several kinds, in one transaction;
        nothing when the blob `unless_changed` (kind, name, bytes read earlier) is not what
        it was: another run wrote meanwhile, and its blobs must not be mixed with ours."""
        rows = [(kind, name) for kind, _, drop in changes for name in drop]
        blobs = [(kind, k, _pack(v)) for kind, items, _ in changes for k, v in items.items()]
        if not (rows or blobs):
            return True
        try:
            con = self._db()
            if con is None:
                return False
            with con:
                con.execute("BEGIN IMMEDIATE")
                if unless_changed is not None:
                    kind, name, seen = unless_changed
                    row = con.execute("SELECT data FROM blobs WHERE kind = ? AND name = ?",
                                      (kind, name)).fetchone()
                    if (row[0] if row else None) != seen:
                        self.warnings.append(f"{self.path}: not updated: another run "
                                             "updated it meanwhile")
                        return False
                con.executemany("DELETE FROM blobs WHERE kind = ? AND name = ?", rows)
                con.executemany("INSERT OR REPLACE INTO blobs VALUES (?, ?, ?)", blobs)
            return True
        except Exception as exc:  # locked by another run, disk full, corrupt
            self.warnings.append(f"{self.path}: cache not updated ({exc})")
            return False


def open_cache(config: Config) -> Cache:
    return Cache(config.build_dir / INDEX_NAME, _fingerprint(config))


def shard_of(pid: str) -> str:
    return str(zlib.crc32(pid.encode()) % SHARDS)


# ---------------------------------------------------------------------------------------------
# One paper: parse its files as the loader (content.load) does, then its status


_FOLDERS: dict[tuple[Path, str], Path] = {}


def _folder(config: Config, lang: str) -> Path:
    """config.lang_dir(lang), made once: building Paths is a tenth of reading a paper."""
    key = (config.root, lang)
    if key not in _FOLDERS:
        _FOLDERS[key] = config.lang_dir(lang)
    return _FOLDERS[key]


def paper_path(config: Config, lang: str, pid: str) -> Path:
    return _folder(config, lang) / f"{pid}.md"


def parse_file(config: Config, lang: str, pid: str,
               problems: list[tuple[tuple[int, str], list[Problem]]],
               data: bytes | OSError | None = None) -> ParsedFile | None:
    """files.parse_paper_file on content/<lang>/<pid>.md (its bytes, or the error reading
    them, in `data` when they were read ahead); its problems go to `problems`, under the key
    that sorts them as the loader (content.load) reports them."""
    from .files import parse_paper_file
    from .textfile import read_text, text_of

    path = paper_path(config, lang, pid)
    found = Problems()
    try:
        text = read_text(path) if data is None else text_of(data, path)
        pf = parse_paper_file(path, lang, text, found, config.languages)
    except PublishError as exc:
        found.items.extend(exc.problems)
        pf = None
    if found:
        problems.append(((config.languages.index(lang), path.name), found.items))
    return pf


# ---------------------------------------------------------------------------------------------
# Reading lists


def _list_payload(rl: ReadingList) -> tuple:
    return (rl.lang, rl.title, rl.source, rl.description,
            tuple((e.paper, e.position, e.added.isoformat(), e.section, e.rank, e.year,
                   e.also_in, e.line) for e in rl.entries))


def _list_from(path: Path, payload: tuple, seen: str | None = None) -> ReadingList:
    from datetime import date

    lang, title, source, description, entries = payload
    return ReadingList(
        id=path.stem, lang=lang, title=title, source=source, description=description, path=path,
        version=seen,
        entries=[Entry(paper=p, position=pos, added=date.fromisoformat(added), section=section,
                       rank=rank, year=year, also_in=also, line=line)
                 for p, pos, added, section, rank, year, also, line in entries])


def read_lists(config: Config, found: Scan, cache: Cache | None, problems: Problems,
               full: bool) -> dict[str, Any]:
    """list id -> ReadingList (full) or (lang, title, paper ids, entry lines), each list read
    from its file unless the cache has it under the same key; list problems added."""
    kind = "listfull" if full else "list"
    try:
        cached = cache.load(kind) if cache else {}
    except Corrupt:
        cached = {}
    out: dict[str, Any] = {}
    fresh: dict[str, object] = {}
    for path, key in found.lists:
        hit = cached.get(path.name)
        if hit is not None and key is not None and hit[0] == key:
            value = hit[1]
            seen = version(key, None)
        else:
            from .files import parse_list_file
            from .textfile import read_text

            mine = Problems()
            try:
                text = read_text(path)
                seen = version(found.trusted(key), text.encode("utf-8"))
                rl = parse_list_file(path, text, mine, config.languages)
            except PublishError as exc:
                mine.items.extend(exc.problems)
                rl = None
            problems.items.extend(mine.items)
            if rl is None:
                continue
            value = (_list_payload(rl) if full else
                     (rl.lang, rl.title, tuple(rl.paper_ids()),
                      tuple(e.line for e in rl.entries)))
            if not mine and found.trusted(key):
                fresh[path.name] = (key, value)
        out[path.stem] = _list_from(path, value, seen) if full else value
    if cache:
        cache.save(kind, fresh, drop=set(cached) - {p.name for p, _ in found.lists})
    return out


def check_references(config: Config, present: set[str] | None, lists: dict[str, Any],
                     papers: dict[str, tuple[str, Iterable[str]]], problems: Problems) -> None:
    """Unknown paper ids in lists (unless present is None: no file came or went), then
    unknown list ids in papers (id -> holder, lists), as the loader (content.load) reports them.
    Set operations first: usually there are none."""
    for list_id, value in lists.items() if present is not None else ():
        if isinstance(value, ReadingList):
            ids, lines, path = value.paper_ids(), [e.line for e in value.entries], value.path
        else:
            ids, lines, path = value[2], value[3], config.lists_dir / f"{list_id}.yaml"
        if not present.issuperset(ids):
            for pid, line in zip(ids, lines, strict=True):
                if pid not in present:
                    problems.add(f"unknown paper id {pid!r}: no content/<lang>/{pid}.md", path,
                                 line)
    named = set(chain.from_iterable(ls for _, ls in papers.values()))
    if named.issubset(lists):
        return
    from .files import value_line
    from .textfile import read_text

    for pid in sorted(papers):
        holder, paper_lists = papers[pid]
        for list_id in paper_lists:
            if list_id not in lists:
                path = config.lang_dir(holder) / f"{pid}.md"
                problems.add(f"unknown list id {list_id!r}: no content/lists/{list_id}.yaml",
                             path, value_line(read_text(path), list_id))


def sorted_problems(found: Scan, file_problems: list[tuple[tuple[int, str], list[Problem]]],
                     paper_problems: dict[str, list[Problem]]) -> Problems:
    """Problems in the loader (content.load)'s order: file by file (languages in order, names
    sorted), then paper by paper."""
    problems = Problems()
    for _, items in sorted([*((k, [p]) for k, p in found.bad_names), *file_problems],
                           key=lambda pair: pair[0]):
        problems.items.extend(items)
    for pid in sorted(paper_problems):
        problems.items.extend(paper_problems[pid])
    return problems


# ---------------------------------------------------------------------------------------------
# The whole Collection, through the cache


def file_payload(pf: ParsedFile, blocks: list[Block]) -> tuple:
    m, t = pf.meta, pf.text
    meta = None if m is None else meta_values(m)
    start = t.body_line
    rows = tuple((b.kind, b.line - start, b.text.count("\n") + 1, b.origin, b.hash,
                  b.source_hash, b.state, b.by, b.at, b.provenance) for b in blocks)
    return (meta, t.local_title, t.meta_in, t.title_translation, t.title_line, t.body,
            t.body_line, rows)


def file_from_payload(path: Path, lang: str, payload: tuple, with_blocks: bool) -> ParsedFile:
    from .files import ParsedFile

    meta, local_title, meta_in, title_translation, title_line, body, body_line, rows = payload
    text = Text(lang=lang, path=path, body=body, body_line=body_line, local_title=local_title,
                meta_in=meta_in, title_translation=title_translation, title_line=title_line)
    if with_blocks:
        lines = body.split("\n")
        text.__dict__["blocks"] = [
            Block(kind, "\n".join(lines[start:start + n]).rstrip(), lang, origin,
                  body_line + start, h, src, state, by, at, provenance)
            for kind, start, n, origin, h, src, state, by, at, provenance in rows]
    return ParsedFile(id=path.stem, text=text,
                      meta=None if meta is None else meta_from_values(meta))
