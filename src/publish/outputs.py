"""Where outputs may go and how they are written: never into the project's sources, always
whole (a temporary file renamed into place, removed again on any failure), every failure
one line naming the file; temporary files of runs that were killed are swept.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from .errors import PublishError

# What a person writes in a project: no command writes its outputs into these.
SOURCE_FOLDERS = ("content", "templates", "assets", ".git")
SOURCE_FILES = ("publish.toml", ".publish.lock", ".publish-journal.json")


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def check_output(root: Path, out: Path, folder: bool = False) -> Path:
    """`out` resolved, or a PublishError when it would write into the project's sources
    (content/, templates/, assets/, .git/, publish.toml) — or, for an output folder, when
    one of them is inside it."""
    root = root.resolve()
    target = out.resolve()
    sources = [root / name for name in SOURCE_FOLDERS]
    for source in sources:
        if _inside(target, source):
            raise PublishError(f"refusing to write an output into {source.name}/, which holds "
                               "the project's sources: choose a path under build/ or outside "
                               "the project", out)
    if target in [root / name for name in SOURCE_FILES]:
        raise PublishError("refusing to overwrite a file of the project's own", out)
    if folder:
        for source in sources:
            if _inside(source, target) and source.exists():
                raise PublishError(f"refusing to write an output folder that holds the "
                                   f"project's {source.name}/: choose a folder under build/ "
                                   "or outside the project", out)
    return target


def error_line(exc: OSError, path: Path | str | None = None,
               doing: str | None = "write") -> PublishError:
    """An OSError as the one line a user reads: the file and what went wrong."""
    where = path if path is not None else exc.filename
    why = exc.strerror or str(exc)
    if exc.errno == errno.ENOSPC:
        why = "no space left on the device"
    elif exc.errno == errno.EDQUOT:
        why = "disk quota exceeded"
    if exc.filename2 is not None and path is None:
        why += f" ({exc.filename2})"
    return PublishError(f"cannot {doing}: {why}" if doing else why, where)


def _write_fd(path: str, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_CLOEXEC", 0),
                 0o666)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
    finally:
        os.close(fd)


def temp_name(path: Path) -> Path:
    """Where `path` is staged: beside it, hidden, with this process's id (see sweep)."""
    return path.with_name(f".{path.name}.{os.getpid()}.tmp")


def write_output(path: Path, data: bytes, atomic: bool = True) -> None:
    """Write `path` (its folder made as needed): atomically by default, through a temporary
    file that is removed again if anything fails; `atomic=False` writes in place (a new
    file nobody reads yet). An OSError becomes a PublishError naming the file."""
    tmp = temp_name(path) if atomic else path
    try:
        try:
            _write_fd(str(tmp), data)
        except FileNotFoundError:
            path.parent.mkdir(parents=True, exist_ok=True)
            _write_fd(str(tmp), data)
        if atomic:
            os.replace(tmp, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise error_line(exc, path) from None


@contextlib.contextmanager
def staged(path: Path) -> Iterator[Path]:
    """A temporary name for a library to write `path` to (`doc.write_pdf(tmp)`), renamed
    into place when the block ends, removed if it fails (an OSError becomes one line)."""
    tmp = temp_name(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        yield tmp
        os.replace(tmp, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise error_line(exc, path) from None
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


_TEMP = re.compile(r"^\..+\.(\d+)\.tmp$")


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # another user's process: alive
        return True
    return True


def sweep(paths: Iterable[Path | str]) -> int:
    """Remove the temporary files (`.NAME.PID.tmp`) among `paths` whose process is gone: a
    run killed while writing. A live process's are its own. Returns how many."""
    removed = 0
    for path in paths:
        m = _TEMP.match(os.path.basename(path))
        if m and not _alive(int(m.group(1))):
            with contextlib.suppress(OSError):
                os.unlink(path)
                removed += 1
    return removed


def sweep_folder(folder: Path) -> int:
    """`sweep` on the files of one folder."""
    try:
        with os.scandir(folder) as entries:
            return sweep([e.path for e in entries if e.name.endswith(".tmp")])
    except OSError:
        return 0
