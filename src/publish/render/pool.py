"""The booklet's worker processes, and the one task every worker can do: render a run.

Importing WeasyPrint takes a worker half a second (most of it cffi reading the C
declarations of Pango and HarfBuzz), as long as everything else a one-word rebuild does
before its one run is sent. So after an edit the worker that will render is forked first
thing, before the collection is loaded, and imports WeasyPrint while this process loads
and plans: what a run needs (the cache, where files may be read from, the queue saying a
run is laid out) is known from the configuration alone. Workers that turn units into HTML
need the loaded collection: they are forked later, when a task of that kind first wants
one (and render too, once the HTML is made).

Each worker is its own one-process executor, so a run goes to a worker that has WeasyPrint
loaded (or is loading it), and on a machine with two cores no worker imports it for
nothing: after an edit, one worker renders (a chapter's runs are a chain).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass
from multiprocessing import get_context
from pathlib import Path
from types import TracebackType
from typing import Any

from ..workers import pool_options
from .cache import Cache
from .engine import Rendered, render


@dataclass
class RenderState:
    """What rendering a run needs in a worker; set before any worker forks."""

    cache: Cache
    base_url: str
    roots: list[Path]
    early: Any  # a queue: (key, pages, places) of each run once it is laid out


_STATE: RenderState | None = None


def render_task(kind: str, key: str, html: str, css: str,
                stops: dict[str, str] | None = None) -> tuple[str, Rendered]:
    """Render a run (or the front matter) into the cache. A run that stops where the flow
    meets known pages (`stops`: spacer id -> the key of the shorter run that ends there)
    is filed under the shorter run's key."""
    state = _STATE
    assert state is not None, "the render state is set before the workers fork"
    extra: dict[str, Any] = {"keep_anchors": ("pn-",), "number_slots": True}
    if kind != "front":
        # the chain can go on as soon as the pages are known: tell the main process before
        # the PDF is written
        extra = {"laid_out": lambda r: state.early.put((key, r.pages, r.places)),
                 "stops": frozenset(stops or ())}
    layout = render(html, css, state.cache.pdf(kind, key), state.base_url, state.roots,
                    **extra)
    cut = stopped_at(layout.pages, layout.places, stops or {})
    if cut:
        os.replace(state.cache.pdf(kind, key), state.cache.pdf(kind, (stops or {})[cut]))
    return key, layout


def stopped_at(pages: int, places: dict[str, tuple[int, bool]], stops: dict[str, Any]) -> str:
    """The stop a run's layout ended at ('' when it was laid out to its end)."""
    if "u-end" in places:
        return ""
    return next((s for s in stops if places.get(s) == (pages - 1, True)), "")


def _warm_task() -> None:
    import weasyprint  # noqa: F401


class Workers:
    """Tasks on forked workers, or in this process when there is one job. `renderers`
    workers are forked at once and import WeasyPrint; they render runs only."""

    def __init__(self, jobs: int, state: RenderState, renderers: int) -> None:
        global _STATE
        _STATE = state
        self.jobs = max(1, jobs)
        self.state = state
        self.workers: list[ProcessPoolExecutor] = []
        self.load: list[int] = []  # tasks sent to each worker, not done yet
        self.render_only: set[int] = set()  # forked before the collection was loaded
        self.warmed: set[int] = set()  # import (or imported) WeasyPrint
        self.running: dict[Future[Any], str] = {}
        self.worker_of: dict[Future[Any], int] = {}
        if self.jobs > 1:
            for _ in range(min(renderers, self.jobs)):
                worker = self._fork()
                self.render_only.add(worker)
                self.workers[worker].submit(_warm_task)  # nobody waits for it
                self.warmed.add(worker)

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    def _fork(self) -> int:
        self.workers.append(ProcessPoolExecutor(max_workers=1, mp_context=get_context("fork"),
                                                **pool_options()))
        self.load.append(0)
        return len(self.workers) - 1

    def _pick(self, render: bool) -> int:
        """An idle worker that can do the task (for a run, one with WeasyPrint first), a
        new one while there may be more, else the least busy: never more busy workers than
        `jobs`, whatever was forked early."""
        able = [i for i in range(len(self.workers)) if render or i not in self.render_only]
        busy = sum(1 for n in self.load if n)
        idle = sorted((i for i in able if self.load[i] == 0),
                      key=lambda i: render and i not in self.warmed)
        if idle and busy < self.jobs:
            return idle[0]
        if not able or (busy < self.jobs and len(able) < self.jobs):
            return self._fork()
        return min(able, key=lambda i: (self.load[i], i not in self.warmed))

    def submit(self, tag: str, fn: Callable[..., Any], *args: Any) -> None:
        """Send `fn(*args)` to a worker; `next` gives its result, tagged."""
        future: Future[Any] = Future()
        if self.jobs <= 1:
            future.set_result(fn(*args))
        else:
            render = fn is render_task
            worker = self._pick(render)
            future = self.workers[worker].submit(fn, *args)
            self.load[worker] += 1
            self.worker_of[future] = worker
            if render:
                self.warmed.add(worker)
        self.running[future] = tag

    def free(self) -> int:
        return self.jobs - len(self.running)

    def next(self, timeout: float | None = None) -> list[tuple[str, Any]]:
        finished, _ = wait(list(self.running), timeout=timeout, return_when=FIRST_COMPLETED)
        for future in finished:
            worker = self.worker_of.pop(future, None)
            if worker is not None:
                self.load[worker] -= 1
        return [(self.running.pop(f), f.result()) for f in finished]

    def close(self) -> None:
        """Stop the workers; they exit on their own while this process goes on."""
        global _STATE
        if _STATE is None:
            return
        for worker in self.workers:
            worker.shutdown(wait=False, cancel_futures=True)
        self.state.early.close()
        _STATE = None


def early_queue() -> Any:
    """The queue workers tell this process on that a run is laid out."""
    return get_context("fork").Queue()
