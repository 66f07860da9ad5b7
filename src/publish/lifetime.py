"""How the `publish` command ends: with its output flushed and every file written, the
process exits without tearing down its heap.

A booklet's build holds the joined PDF's objects (qpdf frees them one by one: 0.15 s for
the whole collection), the loaded collection and the workers' executors; tearing all that
down was a sixth of a rebuild after a one-word edit, for memory the system takes back at
once anyway. Only the console script ends this way (`end`); a library caller, or a test
calling the command group, keeps Python's normal teardown, and `release_at_exit` is then
nothing at all.
"""

from __future__ import annotations

import contextlib
import os
import sys

_ENDING = False  # set by the console script: the process ends with this command
_KEPT: list[object] = []


def ends_after_command() -> None:
    global _ENDING
    _ENDING = True


def release_at_exit(*objects: object) -> None:
    """Keep `objects` until the process ends, when it ends after this command: they are
    then never torn down one by one. Otherwise, nothing."""
    if _ENDING:
        _KEPT.extend(objects)


def end(code: int) -> None:
    """Flush the output and exit with `code`, skipping the teardown of the heap (every
    write of publish is done and closed by then: files through `outputs`, databases
    committed and closed)."""
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a closed pipe: nothing to say
            stream.flush()
    os._exit(code)
