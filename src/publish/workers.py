"""Worker processes that die with the run that started them.

`publish pdf` and `publish html` fork workers. Killed by its process group (Ctrl-C, a
timeout's SIGKILL to the group), everything stops; but a kill of the main process alone
would leave the workers rendering for nobody. On Linux each worker asks the kernel for a
SIGKILL when its parent dies (prctl PR_SET_PDEATHSIG), and checks that the parent did not
die before it asked.
"""

from __future__ import annotations

import os
import signal
import sys

_PR_SET_PDEATHSIG = 1


def die_with_parent(parent: int) -> None:
    """A pool's `initializer` (initargs=(os.getpid(),)): this process is killed when
    `parent` dies."""
    if sys.platform == "linux":
        try:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent:  # the parent died before the request was made
        os._exit(1)


def pool_options() -> dict[str, object]:
    """Keyword arguments for a ProcessPoolExecutor whose workers die with this process."""
    return {"initializer": die_with_parent, "initargs": (os.getpid(),)}
