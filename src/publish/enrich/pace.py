"""Keeping to a service's etiquette: how many requests run at once and how far apart they
start. `Gate` is for services that take one request at a time with a pause after each
(arXiv: three seconds, held across processes through a lock file, and checked);
`Pace` for services that allow several at once but so many a second."""

from __future__ import annotations

import fcntl
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path


class RateBroken(AssertionError):
    """A request was about to start sooner after the previous one than the service allows:
    a bug here, never sent."""


class Gate:
    """One request at a time, each starting at least `gap` seconds after the previous one
    ended. With `path`, the previous one is any process's (the time is kept in the file,
    under an flock held for the whole request), so two runs together keep the pace too."""

    def __init__(self, gap: float, path: Path | None = None,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.gap = gap
        self.path = path
        self.sleep = sleep
        self._lock = threading.Lock()
        self._last: float | None = None  # wall-clock end of this process's last request
        self.starts: list[float] = []  # when each request was let through (for tests)

    @contextmanager
    def turn(self) -> Iterator[None]:
        with self._lock:
            handle = None
            if self.path is not None:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                handle = open(self.path, "a+", encoding="ascii")  # noqa: SIM115
                fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                last = self._previous(handle)
                # (a loop: a sleep may end a hair early by the wall clock)
                while last is not None and (wait := last + self.gap - time.time()) > 0:
                    self.sleep(wait)
                start = time.time()
                if last is not None and start - last < self.gap:
                    raise RateBroken(f"a request {start - last:.3f} s after the previous one; "
                                     f"the service allows one every {self.gap:g} s")
                self.starts.append(start)
                try:
                    yield
                finally:
                    self._last = time.time()
                    if handle is not None:
                        handle.seek(0)
                        handle.truncate()
                        handle.write(f"{self._last:.6f}\n")
                        handle.flush()
            finally:
                if handle is not None:
                    handle.close()  # releases the flock

    def _previous(self, handle: object) -> float | None:
        last = self._last
        if handle is not None:
            handle.seek(0)  # type: ignore[attr-defined]
            try:
                other = float(handle.read().strip() or "nan")  # type: ignore[attr-defined]
            except ValueError:
                other = float("nan")
            if other == other:  # not NaN
                last = other if last is None else max(last, other)
        return last


class Pace:
    """At most `concurrency` requests at once, starts at most `per_second` a second; both may
    be changed while requests run (a service announcing its limits in headers)."""

    def __init__(self, concurrency: int, per_second: float | None) -> None:
        self.concurrency = max(1, concurrency)
        self.per_second = per_second
        self._cond = threading.Condition()
        self._running = 0
        self._next_start = 0.0  # monotonic

    def limit(self, concurrency: int | None = None, per_second: float | None = None) -> None:
        with self._cond:
            if concurrency is not None:
                self.concurrency = max(1, concurrency)
            if per_second is not None:
                self.per_second = per_second
            self._cond.notify_all()

    @contextmanager
    def turn(self) -> Iterator[None]:
        with self._cond:
            while self._running >= self.concurrency:
                self._cond.wait()
            self._running += 1
            now = time.monotonic()
            start = max(now, self._next_start)
            if self.per_second:
                self._next_start = start + 1.0 / self.per_second
        try:
            if start > now:
                time.sleep(start - now)
            yield
        finally:
            with self._cond:
                self._running -= 1
                self._cond.notify()
