"""Writing the content tree: one writer at a time, every change of a run checked against what
the run read, staged, journaled, then swapped in.

- `project_lock` makes the commands that write content/ (import, translate, review, …) take
  turns: a second one waits for the first, saying so, up to a limit, then fails with nothing
  written. The lock is an flock on `.publish.lock`: the kernel releases it when its process
  dies, so a killed run never leaves the project locked.
- A `Transaction` stages every file, flushes them, records a journal of (staged, final)
  pairs, then renames. Before staging, each file is compared with what the run planned on
  (`expect`: the bytes it read, a version the loader recorded, or "absent"): a file someone
  changed meanwhile refuses the whole transaction, so no plan overwrites text it did not see.
- A run killed half way is rolled forward by the next one (`recover`), so the tree is always
  as it was or as it will be.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from ..errors import Problem, PublishError
from ..outputs import error_line
from .scan import outside_project
from .textfile import stat_key

JOURNAL = ".publish-journal.json"
LOCK = ".publish.lock"
TMP_SUFFIX = ".publish-tmp"
BACKUP_SUFFIX = ".publish-old"  # a hard link to a file being replaced, while it is
DEFAULT_WAIT = 60.0  # seconds a writer waits for another one (--wait)

# What a planned write expects to find on disk: the bytes it read (bytes), a version the
# loader recorded (str, see `version`), nothing (ABSENT), or no check (UNCHECKED).
ABSENT = None
UNCHECKED = object()
Expect = bytes | str | None | object


# ---------------------------------------------------------------------------------------------
# One writer per project


_HELD: dict[Path, int] = {}  # project roots this process holds the lock of: depth


def _say(message: str) -> None:
    print(f"publish: {message}", file=sys.stderr, flush=True)


@contextmanager
def project_lock(root: Path, command: str, wait: float = DEFAULT_WAIT,
                 notice: Callable[[str], None] = _say) -> Iterator[None]:
    """Hold the project's writer lock for the `with` block. Another process holding it is
    waited for (`notice` says so once) up to `wait` seconds; then PublishError, nothing
    written. Re-entrant within a process."""
    root = root.resolve()
    if root in _HELD:
        _HELD[root] += 1
        try:
            yield
        finally:
            _HELD[root] -= 1
        return
    path = root / LOCK
    try:
        fh = open(path, "a+", encoding="utf-8")  # noqa: SIM115 - held for the block
    except OSError as exc:
        raise PublishError(f"cannot open the writer lock: {exc.strerror}", path) from None
    try:
        deadline = time.monotonic() + wait
        told = False
        while True:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                fh.seek(0)
                holder = fh.read().strip() or "another publish"
                if time.monotonic() >= deadline:
                    raise PublishError(
                        f"another run is writing to this project ({holder}); nothing was "
                        f"written. Run again when it has finished (or wait longer: --wait "
                        f"SECONDS, now {wait:g})", path) from None
                if not told:
                    notice(f"waiting for another run to finish writing ({holder}); up to "
                           f"{wait:g} s (--wait)")
                    told = True
                time.sleep(0.1)
        fh.seek(0)
        fh.truncate()
        fh.write(f"`publish {command}`, pid {os.getpid()}\n")
        fh.flush()
        _HELD[root] = 1
        try:
            recover(root)
            yield
        finally:
            del _HELD[root]
    finally:
        fh.close()  # closing releases the flock


def holds_lock(root: Path) -> bool:
    return root.resolve() in _HELD


# ---------------------------------------------------------------------------------------------
# What a run read: versions


def version(key: bytes | None, data: bytes | None) -> str | None:
    """How a run remembers the file it read: its stat key (size, mtime, ctime, inode) when
    that can be trusted (not written in the last moments before it was read), else a hash of
    its bytes. `matches` says later whether the file is still that one."""
    if key:
        return "stat:" + key.hex()
    if data is not None:
        return "sha1:" + hashlib.sha1(data).hexdigest()
    return None


def matches(path: Path, expect: Expect) -> bool:
    """Whether `path` on disk is what a plan expected (see Expect)."""
    if expect is UNCHECKED:
        return True
    if expect is ABSENT:
        return not os.path.lexists(path)
    if isinstance(expect, bytes):
        try:
            return path.read_bytes() == expect
        except OSError:
            return False
    assert isinstance(expect, str)
    kind, _, value = expect.partition(":")
    if kind == "stat":
        key = stat_key(path)
        return key is not None and key.hex() == value
    try:
        return hashlib.sha1(path.read_bytes()).hexdigest() == value
    except OSError:
        return False


# ---------------------------------------------------------------------------------------------
# Transactions


class Transaction:
    """Stage files, then swap them all in. Unchanged files are not touched; a file that is
    not what its writer expected refuses the whole transaction."""

    def __init__(self, root: Path):
        self.root = root
        self.files: dict[Path, str] = {}
        self.removed: set[Path] = set()
        self.expected: dict[Path, Expect] = {}

    def write(self, path: Path, text: str, expect: Expect = UNCHECKED) -> None:
        self.files[path] = text
        self.removed.discard(path)
        self.expected[path] = expect

    def remove(self, path: Path, expect: Expect = UNCHECKED) -> None:
        """Delete `path` in the same commit (a paper folded into another by `merge`)."""
        self.files.pop(path, None)
        self.removed.add(path)
        self.expected[path] = expect

    def conflicts(self, paths: Iterator[Path] | list[Path] | None = None) -> list[Problem]:
        """The files (of `paths`, default all) that changed on disk since the run read
        them."""
        return [Problem("changed on disk since this run read it (another program, or a "
                        "person's editor?); nothing was written: run again", path)
                for path in ([*self.files, *self.removed] if paths is None else paths)
                if not matches(path, self.expected[path])]

    def changed(self) -> dict[Path, str]:
        out = {}
        for path, text in self.files.items():
            data = text.encode("utf-8")
            try:
                if path.read_bytes() == data:
                    continue
            except FileNotFoundError:
                pass
            out[path] = text
        return out

    def commit(self, command: str = "write") -> list[Path]:
        """Write every changed file, or nothing. Takes the project's writer lock for the
        commit when the caller does not hold it already. What can be found out before
        writing is (a folder outside the project, too little space, a file that cannot be
        replaced); a failure while writing leaves nothing behind (staged files removed; a
        failure while swapping in rolls the swapped files back). Errors name the file."""
        with project_lock(self.root, command):
            _refuse_outside(self.root, [*self.files, *self.removed])  # before reading any
            changed = self.changed()
            conflicts = self.conflicts(list(changed))
            removed = sorted(p for p in self.removed if os.path.lexists(p))
            conflicts += self.conflicts(removed)
            if conflicts:
                raise PublishError.many(conflicts)
            if not changed and not removed:
                return []
            _remove_strays(self.root)
            data = {path: text.encode("utf-8") for path, text in changed.items()}
            _preflight(data, removed)
            entries = _stage(data, removed)
            journal = self.root / JOURNAL
            try:
                # One flush of everything staged instead of an fsync per file (a thousand
                # fsyncs were half of an import): the journal is written only once all of
                # it is safe.
                os.sync()
                _atomic_write(journal, json.dumps(entries, ensure_ascii=False).encode("utf-8"))
            except OSError as exc:
                _discard(entries)
                raise error_line(exc, journal) from None
            try:
                _apply(entries)
            except OSError as exc:
                target = exc.filename2 or exc.filename
                if _roll_back(entries):  # else the next run rolls it forward
                    journal.unlink(missing_ok=True)
                    err = error_line(exc, target, "replace")
                    err.problems[0].message += ("; the files already replaced were put back: "
                                                "nothing changed")
                    raise err from None
                raise error_line(exc, target, "replace") from None
            # backups go before the journal: a run killed in between is finished by the next
            # one (which drops the rest), never leaves backups no journal names
            _drop_backups(entries)
            journal.unlink()
            return sorted([*changed, *removed])


# A journal entry: [staged file (null: the commit deletes the final file), final file, backup
# of the final file (a hard link to what it was) or null when it is new]. Journals of earlier
# versions have no third item.
Entry = list


def _refuse_outside(root: Path, paths: list[Path]) -> None:
    """Refuse a file that is, or is in a folder that is, a symlink leading outside the
    project: it would be read (to compare) and replaced by what the run made of it."""
    inside = root.resolve()
    for parent in {path.parent for path in paths}:
        real = outside_project(parent, inside)
        if real is not None:
            raise PublishError(f"refusing to write through a folder that leads outside the "
                               f"project (to {real})", parent)
    for path in paths:
        real = outside_project(path, inside) if os.path.islink(path) else None
        if real is not None:
            raise PublishError(f"refusing to write through a symlink to a file outside the "
                               f"project (to {real}); nothing was written", path)


def _preflight(data: dict[Path, bytes], removed: list[Path]) -> None:
    """Refuse, before anything is written, what would fail half way: a file system without
    room for the files (folders outside the project were refused already)."""
    devices: dict[Path, tuple[int, Path]] = {}  # folder -> (device, a folder that exists)
    for parent in {path.parent for path in [*data, *removed]}:
        there = _existing_folder(parent)
        try:
            devices[parent] = (os.stat(there).st_dev, there)
        except OSError as exc:
            raise error_line(exc, parent) from None
    need: dict[int, int] = {}
    for path, blob in data.items():
        dev = devices[path.parent][0]
        need[dev] = need.get(dev, 0) + len(blob) + 4096  # a block per file, at most
    for dev, size in need.items():
        folder = next(there for d, there in devices.values() if d == dev)
        try:
            st = os.statvfs(folder)
        except OSError:
            continue
        free = st.f_bavail * st.f_frsize
        if free < size + (1 << 16):
            raise PublishError(f"not enough space to write {len(data)} file(s): "
                               f"{size:,} bytes needed, {free:,} free; nothing was written",
                               folder)


def _existing_folder(folder: Path) -> Path:
    while not folder.exists() and folder.parent != folder:
        folder = folder.parent
    return folder


def _stage(data: dict[Path, bytes], removed: list[Path]) -> list[Entry]:
    """Every file written beside its target, and a hard link kept to each file it replaces
    or deletes (so a failed swap can be undone, and so a file that cannot be replaced —
    immutable, on a read-only folder — is found before anything changes). On failure
    everything staged is removed and the error names the file."""
    entries: list[Entry] = []
    for path, blob in [*data.items(), *((p, None) for p in removed)]:
        tmp = None if blob is None else path.with_name(path.name + TMP_SUFFIX)
        entries.append([None if tmp is None else str(tmp), str(path), None])
        try:
            if tmp is not None:
                if not path.parent.is_dir():
                    path.parent.mkdir(parents=True, exist_ok=True)
                with open(tmp, "wb") as fh:
                    fh.write(blob)
        except OSError as exc:
            _discard(entries)
            raise error_line(exc, path) from None
        if os.path.lexists(path):
            backup = path.with_name(path.name + BACKUP_SUFFIX)
            try:
                try:
                    os.link(path, backup, follow_symlinks=False)
                except FileExistsError:  # a killed run's, outside content/'s sweep
                    os.unlink(backup)
                    os.link(path, backup, follow_symlinks=False)
            except OSError as exc:
                _discard(entries)
                raise PublishError(f"cannot replace this file: {exc.strerror} (is it "
                                   "immutable, or its folder read-only?); nothing was "
                                   "written", path) from None
            entries[-1][2] = str(backup)
    return entries


def _discard(entries: list[Entry]) -> None:
    """Remove what staging made; the targets are untouched."""
    for tmp, _final, *rest in entries:
        if tmp is not None:
            _unlink(tmp)
        if rest and rest[0]:
            _unlink(rest[0])


def _unlink(path: str) -> None:
    with contextlib.suppress(OSError):
        os.unlink(path)


def _drop_backups(entries: list[Entry]) -> None:
    for _tmp, _final, *rest in entries:
        if rest and rest[0]:
            _unlink(rest[0])


def _atomic_write(path: Path, data: bytes) -> None:
    tmp = path.with_name(path.name + TMP_SUFFIX)
    try:
        with open(tmp, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except OSError:
        _unlink(str(tmp))
        raise


def _apply(entries: list[Entry]) -> None:
    for tmp, final, *_ in entries:
        if tmp is None:  # a file the commit deletes
            if os.path.lexists(final):
                os.unlink(final)
        elif os.path.exists(tmp):
            os.replace(tmp, final)


def _roll_back(entries: list[Entry]) -> bool:
    """Undo a swap that failed half way: files already swapped get their backup back (or
    are removed again when they were new), staged ones are removed. Only for entries with
    the backup column (a journal of an earlier version is rolled forward). True when
    everything was undone."""
    done = True
    for tmp, final, *rest in entries:
        if not rest:
            return False
        backup = rest[0]
        try:
            if tmp is None:  # a deletion: done when the file is gone
                if backup is not None and not os.path.lexists(final):
                    os.replace(backup, final)
                    continue
            elif os.path.lexists(tmp):
                os.unlink(tmp)
            elif backup is not None:
                os.replace(backup, final)
                continue
            else:
                os.unlink(final)
        except FileNotFoundError:
            pass
        except OSError:
            done = False
        if backup is not None:
            _unlink(backup)
    return done


def recover(root: Path) -> bool:
    """Finish a write that was interrupted after its journal was written. Returns True when
    something was rolled forward. A journal another run is writing right now (it holds the
    writer lock) is that run's to finish: left alone."""
    journal = root / JOURNAL
    if not journal.exists():
        return False
    if not holds_lock(root):
        try:
            with _try_lock(root):
                return _roll_forward(root, journal)
        except OSError:  # held by a live writer (BlockingIOError), or a read-only project
            return False
    return _roll_forward(root, journal)


@contextmanager
def _try_lock(root: Path) -> Iterator[None]:
    """The writer lock if nobody holds it (else BlockingIOError), without waiting."""
    with open(root / LOCK, "a+", encoding="utf-8") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        _HELD[root.resolve()] = 1
        try:
            yield
        finally:
            del _HELD[root.resolve()]


def read_journal(root: Path, journal: Path) -> list[Entry] | str:
    """The journal's entries, or why it is not one `Transaction.commit` wrote: every
    entry names a file inside the project, staged beside it under the staged name (or a
    file of content/ to delete), with its backup (if any) under the backup name. A journal
    is data: anything else is never acted on."""
    try:
        raw = journal.read_bytes()
    except OSError as exc:
        return f"cannot be read ({exc.strerror})"
    try:
        entries = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return "is not JSON"
    if not isinstance(entries, list):
        return "is not a list of files"
    inside = root.resolve()
    own = {str(root / JOURNAL), str(root / LOCK)}
    for entry in entries:
        if not (isinstance(entry, list) and len(entry) in (2, 3)
                and (entry[0] is None or isinstance(entry[0], str)) and isinstance(entry[1], str)
                and (len(entry) == 2 or entry[2] is None or isinstance(entry[2], str))):
            return f"has an entry of the wrong shape: {str(entry)[:80]}"
        tmp, final = entry[0], entry[1]
        if "\0" in final or not os.path.isabs(final) or final in own:
            return f"names a file it may not: {final[:80]!r}"
        real = Path(os.path.realpath(os.path.dirname(final)))
        if real != inside and inside not in real.parents:
            return f"names a file outside the project: {final[:80]!r}"
        if os.path.normpath(final) != final or tmp not in (None, final + TMP_SUFFIX) or (
                len(entry) == 3 and entry[2] is not None and entry[2] != final + BACKUP_SUFFIX):
            return f"names files that are not a staged file and its target: {final[:80]!r}"
        content = inside / "content"
        if tmp is None and content not in real.parents and real != content:
            return f"deletes a file outside content/: {final[:80]!r}"
    return entries


def _roll_forward(root: Path, journal: Path) -> bool:
    entries = read_journal(root, journal)
    if isinstance(entries, str):
        _set_aside(journal, entries)
        return False
    try:
        _apply(entries)
    except OSError as exc:
        # A file that can no longer be replaced: the write is undone instead.
        undone = _roll_back(entries)
        if not undone:
            raise PublishError(f"an interrupted write cannot be finished ({exc.strerror}: "
                               f"{exc.filename}) nor undone; fix that file and run again",
                               journal) from None
        _say(f"warning: an interrupted write could not be finished ({exc.strerror}: "
             f"{exc.filename}); it was undone, the files are as before it")
        journal.unlink(missing_ok=True)
        return False
    _drop_backups(entries)
    journal.unlink(missing_ok=True)
    return True


def _set_aside(journal: Path, why: str) -> None:
    """Rename a journal that is not ours, once, and say so; it is never executed."""
    target = journal.with_name(f"{journal.name}.rejected-{time.strftime('%Y%m%d%H%M%S')}")
    try:
        os.replace(journal, target)
    except OSError as exc:
        raise PublishError(f"this journal {why}; it was not acted on and cannot be moved "
                           f"aside ({exc.strerror}): remove it", journal) from None
    _say(f"warning: {journal}: this journal {why}: not acted on, moved aside to "
         f"{target.name}")


def _remove_strays(root: Path) -> None:
    """Staged files of a run killed before its journal existed: that run changed nothing.
    Only called with the writer lock held, so no other run's staged files are taken."""
    strays = list(root.glob("*" + TMP_SUFFIX))
    if (root / "content").is_dir():
        strays += (root / "content").rglob("*" + TMP_SUFFIX)
        strays += (root / "content").rglob("*" + BACKUP_SUFFIX)
    for stray in strays:
        stray.unlink(missing_ok=True)
