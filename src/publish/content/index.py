"""The on-disk index: `build/index.sqlite`, so a second run re-reads only what changed.

A file is known by its path and its stat key (size, mtime_ns, ctime_ns, inode): a file whose
key is unchanged is not read again; any other file is read and parsed with the store's own
functions (`parse_paper_file`, `parse_list_file`) and checked as `the loader (content.load)`
checks the tree, with the same messages in the same order. The database holds blobs by
(kind, name):

- "file": per paper file, what parsing it produced (front matter fields, body, blocks with
  their hashes), for `load_collection`, the same Collection as `the loader (content.load)`;
- "list"/"listfull": per reading list, its entries;
- "shard", "snap", "detail", "report", "state": `publish status`, see status.cache.

Never a wrong "current": every blob carries a CRC and the database a fingerprint (schema,
Python version, languages, and the source of every module that decides what a file means or
what is cached), so a deleted, corrupt or foreign database is rebuilt, never a traceback. A
file modified less than `RACY_NS` before the scan may change again within the same timestamp
tick: its key is never trusted later. Files with problems are not cached: they are parsed,
and reported, on every run.
"""

from __future__ import annotations

import marshal
import os
import re
import stat
import sys
import time
import zlib
from collections.abc import Callable, Container, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import partial
from itertools import chain, starmap
from operator import attrgetter, itemgetter
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import cachedb
from ..config import Config
from ..errors import Problem, Problems, PublishError
from ..fields import meta_from_values, meta_values
from ..ids import all_valid, check_id
from ..model import Block, Entry, ReadingList, Text
from .textfile import _KEY, _STAT_FIELDS
from .write import version

if TYPE_CHECKING:
    from .files import ParsedFile

# store (PyYAML) and blocks (markdown-it) are imported when a file has to be read: a run that
# finds nothing changed does without them.

SCHEMA = 3  # 3: titles' translation markers
INDEX_NAME = "index.sqlite"
RACY_NS = 2_000_000_000  # coarser than any file system's timestamp tick
SHARDS = 64
# Besides publish's own sources (cachedb.package_hash), what decides what a file means.
_DEPENDENCIES = ("markdown_it", "yaml")
KEY_SIZE = _KEY.size


def trusted(key: bytes | None, start_ns: int) -> bytes | None:
    """`key`, or None when its file was modified so recently (before a scan that started at
    `start_ns`) that it may change again within the same timestamp tick, unseen."""
    if not key or len(key) != _KEY.size:
        return key or None
    _, mtime, ctime, _ = _KEY.unpack(key)
    limit = start_ns - RACY_NS
    return key if mtime < limit and ctime < limit else None


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
# Scanning: one stat per file, nothing read


@dataclass
class Scan:
    start_ns: int
    files: dict[str, dict[str, bytes]]  # lang -> paper id -> key of content/<lang>/<id>.md
    lists: list[tuple[Path, bytes | None]]
    bad_names: list[tuple[tuple[int, str], Problem]] = field(default_factory=list)

    def trusted(self, key: bytes | None) -> bytes | None:
        return trusted(key, self.start_ns)

    @property
    def present(self) -> set[str]:
        """Every <id>.md seen, well named or not (a list naming one is not "unknown")."""
        return set().union(*self.files.values(), (name[:-3] for (_, name), _ in
                                                   self.bad_names))

    def check_names(self, config: Config, known: Mapping[str, Container[str]] | None = None,
                    langs: Iterable[str] | None = None) -> None:
        """Take files whose name is not an id out of `files`, as problems. Ids in
        known[lang] were checked by an earlier run; only `langs` (default: all) are looked at."""
        for i, lang in enumerate(config.languages):
            if langs is not None and lang not in langs:
                continue
            keys = self.files[lang]
            seen = (known or {}).get(lang)
            names = list(keys.keys() - seen if seen is not None else keys)
            if all_valid(names):
                continue
            for pid in sorted(names):
                why = check_id(pid)
                if why:
                    del keys[pid]
                    path = config.lang_dir(lang) / f"{pid}.md"
                    self.bad_names.append(((i, path.name), Problem(f"bad file name: {why}",
                                                                   path, 1)))


_MODE = attrgetter("st_mode")


def _stat_folder(folder: Path) -> dict[str, bytes]:
    """id -> key of each regular `<id>.md` file in `folder`; a symlink counts as what it
    points to, as DirEntry.is_file() says. Every loop here runs in C: at 100,000 files, a
    Python statement per file is a noticeable part of a warm run."""
    if os.stat not in os.supports_dir_fd:
        names = [n for n in os.listdir(folder) if n.endswith(".md")]
        stats = list(map(partial(_stat_or_none, folder), names))
    else:
        fd = os.open(folder, os.O_RDONLY)
        try:
            names = [n for n in os.listdir(fd) if n.endswith(".md")]
            try:  # a file deleted meanwhile sends us the slow way
                stats = list(map(partial(os.stat, dir_fd=fd), names))
            except OSError:
                stats = [_stat_or_none(fd, n) for n in names]
        finally:
            os.close(fd)
    if None in stats or not all(map(stat.S_ISREG, map(_MODE, stats))):
        kept = [(n, st) for n, st in zip(names, stats, strict=True)
                if st is not None and stat.S_ISREG(st.st_mode)]
        names, stats = [n for n, _ in kept], [st for _, st in kept]
    return dict(zip(map(_STRIP_MD, names), starmap(_KEY.pack, map(_STAT_FIELDS, stats)),
                    strict=True))


_STRIP_MD = itemgetter(slice(None, -3))


def _stat_or_none(where: Path | int, name: str) -> os.stat_result | None:
    try:
        return os.stat(name, dir_fd=where) if isinstance(where, int) else os.stat(where / name)
    except OSError:
        return None


def _stat_in_child(folder: Path) -> Iterator[dict[str, bytes]]:
    """Start _stat_folder in a forked child: the first next() starts it, the second returns
    its result. Stat calls are most of a warm run over a big tree; a second core halves them."""
    r, w = os.pipe()
    try:
        child = os.fork()
    except OSError:
        os.close(r)
        os.close(w)
        yield {}
        yield _stat_folder(folder)
        return
    if child == 0:  # pragma: no cover - the child only stats and reports
        try:
            os.close(r)
            with os.fdopen(w, "wb") as out:
                out.write(marshal.dumps(_stat_folder(folder)))
        finally:
            os._exit(0)
    os.close(w)
    yield {}  # the caller works meanwhile
    with os.fdopen(r, "rb") as pipe:
        data = pipe.read()
    os.waitpid(child, 0)
    try:
        yield marshal.loads(data)
    except (ValueError, EOFError, TypeError):
        yield _stat_folder(folder)


FORK_STAT_FROM = 20_000  # files in a folder before a second process stats them


def scan(config: Config, expect: int = 0, keys: bool = True) -> Scan:
    """Stat every paper and list file, reading none; `expect`: about how many papers there
    are (a second process stats the second language when there are many). Names are not
    checked: see Scan.check_names. Without `keys` (no cache to compare them with), files are
    only listed: every key is b"" and nothing is statted."""
    if not keys:
        result = Scan(time.time_ns(), {}, [])
        result.bad_names.extend(check_folders(config))
        for lang in config.languages:
            folder = config.lang_dir(lang)
            result.files[lang] = _list_folder(folder) if folder.is_dir() else {}
        if config.lists_dir.is_dir():
            result.lists = [(path, None) for path in sorted(config.lists_dir.glob("*.yaml"))]
        return result
    return scan_begin(config, expect)()


# A folder name that reads as a language tag (fr, pt-BR, zh-Hant): content in a language the
# project does not have would be silently left out.
_LANGUAGE_LIKE = re.compile(r"^[a-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*$")
_OWN_FOLDERS = ("lists", "imports")


def check_folders(config: Config) -> list[tuple[tuple[int, str], Problem]]:
    """Problems with content/'s folders, as bad_names entries (reported first): a folder for
    a language publish.toml does not list, and a folder of the tree that is a symlink
    leading outside the project (it would be read, and written through)."""
    found: list[tuple[tuple[int, str], Problem]] = []
    content = config.content_dir
    try:
        with os.scandir(content) as entries:
            names = sorted(e.name for e in entries if e.is_dir())
    except OSError:
        return found
    root = config.root.resolve()
    for name in names:
        path = content / name
        if name in config.languages or name in _OWN_FOLDERS:
            real = path.resolve()
            if real != root and root not in real.parents:
                found.append(((-1, name), Problem(
                    f"a symlink to a folder outside the project ({real}): refused, so "
                    "nothing is read from or written to it; copy the folder in instead",
                    path)))
        elif _LANGUAGE_LIKE.match(name):
            found.append(((-1, name), Problem(
                f"a folder for language {name!r}, which publish.toml does not list "
                f"(languages: {', '.join(config.languages)}): add it there, or move the "
                "folder out of content/", path)))
    real = content.resolve()
    if real != root and root not in real.parents:
        found.append(((-1, ""), Problem(
            f"a symlink to a folder outside the project ({real}): refused", content)))
    return found


def _list_folder(folder: Path) -> dict[str, bytes]:
    """id -> b"" for each regular `<id>.md` file (a symlink counts as what it points to)."""
    with os.scandir(folder) as found:
        return {e.name[:-3]: b"" for e in found if e.name.endswith(".md") and e.is_file()}


def scan_begin(config: Config, expect: int = 0) -> Callable[[], Scan]:
    """`scan` in two steps: the second language's stat calls start in a child process now,
    the caller may do other work (read its cache), and calling the result does the rest."""
    result = Scan(time.time_ns(), {}, [])
    result.bad_names.extend(check_folders(config))
    folders = [config.lang_dir(lang) for lang in config.languages]
    present = [f.is_dir() for f in folders]
    stats: list[Iterator[dict[str, bytes]] | None] = [None] * len(folders)
    if hasattr(os, "fork") and sys.platform == "linux":
        for i in range(1, len(folders)):  # the first folder is the parent's own work
            if present[i] and (expect >= FORK_STAT_FROM or folders[i].stat().st_size >= 1 << 20):
                stats[i] = _stat_in_child(folders[i])
                next(stats[i])
    return partial(_scan_end, config, result, folders, present, stats)


def _scan_end(config: Config, result: Scan, folders: list[Path], present: list[bool],
              stats: list[Iterator[dict[str, bytes]] | None]) -> Scan:
    for i, lang in enumerate(config.languages):
        started = stats[i]
        result.files[lang] = (next(started) if started else
                              _stat_folder(folders[i]) if present[i] else {})
    if config.lists_dir.is_dir():
        for path in sorted(config.lists_dir.glob("*.yaml")):
            try:
                st = path.stat()
                key: bytes | None = _KEY.pack(st.st_size, st.st_mtime_ns, st.st_ctime_ns,
                                              st.st_ino)
            except OSError:
                key = None
            result.lists.append((path, key))
    return result


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
