"""Scanning content/: one stat per file, nothing read.

A file is known by its stat key (size, mtime_ns, ctime_ns, inode; the index (content.index)
re-reads only files whose key changed). A file modified less than `RACY_NS` before the scan
may change again within the same timestamp tick: its key is never trusted later.

Every path stays inside the project: a folder of the tree, a paper file or a list file that
is a symlink leading outside it is refused (a problem in Scan.bad_names), so nothing is read
from it; content.write's Transaction refuses to write through one too.
"""

from __future__ import annotations

import marshal
import os
import re
import stat
import sys
import time
from collections.abc import Callable, Container, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import partial
from itertools import compress, count, starmap
from operator import attrgetter, itemgetter, not_
from pathlib import Path

from ..config import Config
from ..errors import Problem
from ..ids import all_valid, check_id
from .textfile import _KEY, _STAT_FIELDS, stat_key

RACY_NS = 2_000_000_000  # coarser than any file system's timestamp tick


def trusted(key: bytes | None, start_ns: int) -> bytes | None:
    """`key`, or None when its file was modified so recently (before a scan that started at
    `start_ns`) that it may change again within the same timestamp tick, unseen."""
    if not key or len(key) != _KEY.size:
        return key or None
    _, mtime, ctime, _ = _KEY.unpack(key)
    limit = start_ns - RACY_NS
    return key if mtime < limit and ctime < limit else None


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
                                                   self.bad_names if name.endswith(".md")))

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


@dataclass
class Folder:
    """What _stat_folder found in one folder."""

    keys: dict[str, bytes]  # id -> key of each regular `<id>.md`
    outside: list[tuple[str, str]] = field(default_factory=list)  # (name, real path) refused


def _stat_folder(folder: Path, root: Path) -> Folder:
    """The key of each regular `<id>.md` file in `folder`; a symlink counts as what it points
    to, as DirEntry.is_file() says, unless it leads outside `root` (resolved): then it is
    refused. Every loop here runs in C: at 100,000 files, a Python statement per file is a
    noticeable part of a warm run. Only the rare names that are not regular files (symlinks,
    folders) get one."""
    if os.stat not in os.supports_dir_fd:
        names = [n for n in os.listdir(folder) if n.endswith(".md")]
        stats = list(map(partial(_stat_or_none, folder), names))
    else:
        fd = os.open(folder, os.O_RDONLY)
        try:
            names = [n for n in os.listdir(fd) if n.endswith(".md")]
            try:  # a file deleted meanwhile sends us the slow way
                stats = list(map(partial(os.stat, dir_fd=fd, follow_symlinks=False), names))
            except OSError:
                stats = [_stat_or_none(fd, n) for n in names]
        finally:
            os.close(fd)
    if None in stats:  # deleted meanwhile
        kept = [(n, st) for n, st in zip(names, stats, strict=True) if st is not None]
        names, stats = [n for n, _ in kept], [st for _, st in kept]
    keys = dict(zip(map(_STRIP_MD, names), starmap(_KEY.pack, map(_STAT_FIELDS, stats)),
                    strict=True))
    outside: list[tuple[str, str]] = []
    if not all(map(stat.S_ISREG, map(_MODE, stats))):
        # Symlinks (lstat says so) and folders: rare, and only they get a statement each.
        for i in compress(count(), map(not_, map(stat.S_ISREG, map(_MODE, stats)))):
            name, st = names[i], stats[i]
            if stat.S_ISLNK(st.st_mode):
                real = outside_project(folder / name, root)
                if real is not None:
                    outside.append((name, str(real)))
                    st = None
                else:
                    st = _stat_or_none(folder, name, follow=True)
            if st is not None and stat.S_ISREG(st.st_mode):
                keys[name[:-3]] = _KEY.pack(*_STAT_FIELDS(st))
            else:
                del keys[name[:-3]]
    return Folder(keys, outside)


_STRIP_MD = itemgetter(slice(None, -3))


def _stat_or_none(where: Path | int, name: str, follow: bool = False) -> os.stat_result | None:
    try:
        return (os.stat(name, dir_fd=where, follow_symlinks=follow) if isinstance(where, int)
                else os.stat(where / name, follow_symlinks=follow))
    except OSError:
        return None


def outside_project(path: Path | str, root: Path) -> Path | None:
    """Where `path` really is when that is outside `root` (resolved): through a symlink, of
    the file itself or of a folder on the way. None when it stays inside."""
    real = Path(os.path.realpath(path))
    return None if real == root or root in real.parents else real


def refused(path: Path, real: Path | str, what: str = "file") -> Problem:
    return Problem(f"a symlink to a {what} outside the project ({real}): refused, so nothing "
                   f"is read from or written to it; copy the {what} in instead", path)


def _stat_in_child(folder: Path, root: Path) -> Iterator[Folder | None]:
    """Start _stat_folder in a forked child: the first next() starts it, the second returns
    its result. Stat calls are most of a warm run over a big tree; a second core halves them."""
    r, w = os.pipe()
    try:
        child = os.fork()
    except OSError:
        os.close(r)
        os.close(w)
        yield None
        yield _stat_folder(folder, root)
        return
    if child == 0:  # pragma: no cover - the child only stats and reports
        try:
            os.close(r)
            with os.fdopen(w, "wb") as out:
                found = _stat_folder(folder, root)
                out.write(marshal.dumps((found.keys, found.outside)))
        finally:
            os._exit(0)
    os.close(w)
    yield None  # the caller works meanwhile
    with os.fdopen(r, "rb") as pipe:
        data = pipe.read()
    os.waitpid(child, 0)
    try:
        keys, outside = marshal.loads(data)
    except (ValueError, EOFError, TypeError):
        yield _stat_folder(folder, root)
    else:
        yield Folder(keys, outside)


FORK_STAT_FROM = 20_000  # files in a folder before a second process stats them


def scan(config: Config, expect: int = 0, keys: bool = True) -> Scan:
    """Stat every paper and list file, reading none; `expect`: about how many papers there
    are (a second process stats the second language when there are many). Names are not
    checked: see Scan.check_names. Without `keys` (no cache to compare them with), files are
    only listed: every key is b"" and nothing is statted."""
    if not keys:
        result = Scan(time.time_ns(), {}, [])
        result.bad_names.extend(check_folders(config))
        root = config.root.resolve()
        for i, lang in enumerate(config.languages):
            folder = config.lang_dir(lang)
            result.files[lang] = _list_folder(folder, root, i, result) if folder.is_dir() else {}
        _scan_lists(config, result, root, keys=False)
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
            real = outside_project(path, root)
            if real is not None:
                found.append(((-1, name), refused(path, real, "folder")))
        elif _LANGUAGE_LIKE.match(name):
            found.append(((-1, name), Problem(
                f"a folder for language {name!r}, which publish.toml does not list "
                f"(languages: {', '.join(config.languages)}): add it there, or move the "
                "folder out of content/", path)))
    real = outside_project(content, root)
    if real is not None:
        found.append(((-1, ""), refused(content, real, "folder")))
    return found


def _list_folder(folder: Path, root: Path, i: int, result: Scan) -> dict[str, bytes]:
    """id -> b"" for each regular `<id>.md` file (a symlink counts as what it points to,
    unless it leads outside the project: then it goes to result.bad_names under (i, name))."""
    with os.scandir(folder) as found:
        files = [e for e in found if e.name.endswith(".md") and (e.is_file() or e.is_symlink())]
    out = {}
    for entry in files:
        real = outside_project(entry.path, root) if entry.is_symlink() else None
        if real is not None:  # even a dangling one, as _stat_folder says
            result.bad_names.append(((i, entry.name), refused(Path(entry.path), real)))
        elif entry.is_file():
            out[entry.name[:-3]] = b""
    return out


def scan_begin(config: Config, expect: int = 0) -> Callable[[], Scan]:
    """`scan` in two steps: the second language's stat calls start in a child process now,
    the caller may do other work (read its cache), and calling the result does the rest."""
    result = Scan(time.time_ns(), {}, [])
    result.bad_names.extend(check_folders(config))
    folders = [config.lang_dir(lang) for lang in config.languages]
    present = [f.is_dir() for f in folders]
    root = config.root.resolve()
    stats: list[Iterator[Folder | None] | None] = [None] * len(folders)
    if hasattr(os, "fork") and sys.platform == "linux":
        for i in range(1, len(folders)):  # the first folder is the parent's own work
            if present[i] and (expect >= FORK_STAT_FROM or folders[i].stat().st_size >= 1 << 20):
                stats[i] = _stat_in_child(folders[i], root)
                next(stats[i])
    return partial(_scan_end, config, result, folders, present, stats, root)


def _scan_end(config: Config, result: Scan, folders: list[Path], present: list[bool],
              stats: list[Iterator[Folder | None] | None], root: Path) -> Scan:
    for i, lang in enumerate(config.languages):
        started = stats[i]
        found = (next(started) if started else
                 _stat_folder(folders[i], root) if present[i] else None)
        result.files[lang] = found.keys if found else {}
        for name, real in found.outside if found else ():
            result.bad_names.append(((i, name), refused(folders[i] / name, real)))
    _scan_lists(config, result, root, keys=True)
    return result


def _scan_lists(config: Config, result: Scan, root: Path, keys: bool) -> None:
    """The list files into result.lists, with their keys (else None); one leading outside
    the project goes to result.bad_names instead, after the paper files."""
    if not config.lists_dir.is_dir():
        return
    for path in sorted(config.lists_dir.glob("*.yaml")):
        real = outside_project(path, root) if path.is_symlink() else None
        if real is not None:
            result.bad_names.append(((len(config.languages), path.name),
                                     refused(path, real)))
            continue
        result.lists.append((path, stat_key(path) if keys else None))
