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
from .textfile import stat_key

JOURNAL = ".publish-journal.json"
LOCK = ".publish.lock"
TMP_SUFFIX = ".publish-tmp"
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
        commit when the caller does not hold it already."""
        with project_lock(self.root, command):
            changed = self.changed()
            conflicts = self.conflicts(list(changed))
            removed = sorted(p for p in self.removed if os.path.lexists(p))
            conflicts += self.conflicts(removed)
            if conflicts:
                raise PublishError.many(conflicts)
            if not changed and not removed:
                return []
            _remove_strays(self.root)
            pairs = []
            for path, text in changed.items():
                path.parent.mkdir(parents=True, exist_ok=True)
                tmp = path.with_name(path.name + TMP_SUFFIX)
                with open(tmp, "wb") as fh:
                    fh.write(text.encode("utf-8"))
                pairs.append((str(tmp), str(path)))
            pairs += [(None, str(path)) for path in removed]  # None: delete the target
            # One flush of everything staged instead of an fsync per file (a thousand fsyncs
            # were half of an import): the journal is written only once all of it is safe.
            os.sync()
            journal = self.root / JOURNAL
            _atomic_write(journal, json.dumps(pairs, ensure_ascii=False).encode("utf-8"))
            _apply(pairs)
            journal.unlink()
            return sorted([*changed, *removed])


def _atomic_write(path: Path, data: bytes) -> None:
    tmp = path.with_name(path.name + TMP_SUFFIX)
    with open(tmp, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def _apply(pairs: list[tuple[str | None, str]]) -> None:
    for tmp, final in pairs:
        if tmp is None:
            if os.path.lexists(final):
                os.unlink(final)
        elif os.path.exists(tmp):
            os.replace(tmp, final)


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
                return _roll_forward(journal)
        except OSError:  # held by a live writer (BlockingIOError), or a read-only project
            return False
    return _roll_forward(journal)


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


def _roll_forward(journal: Path) -> bool:
    try:
        pairs = json.loads(journal.read_text("utf-8"))
    except FileNotFoundError:
        return False
    except (OSError, ValueError):
        pairs = []
    _apply([(None if a is None else str(a), str(b)) for a, b in pairs])
    journal.unlink(missing_ok=True)
    return True


def _remove_strays(root: Path) -> None:
    """Staged files of a run killed before its journal existed: that run changed nothing.
    Only called with the writer lock held, so no other run's staged files are taken."""
    strays = list(root.glob("*" + TMP_SUFFIX))
    if (root / "content").is_dir():
        strays += (root / "content").rglob("*" + TMP_SUFFIX)
    for stray in strays:
        stray.unlink(missing_ok=True)
