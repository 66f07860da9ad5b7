"""The booklet's work on several processes: units to HTML, then each chapter's chain of runs.

Workers are forked once, after the collection is loaded, so they share it (and the fonts
and templates) for free; each task's inputs and outputs are small (a range of units, or a
run's HTML; HTML, or a run's layout). The main process decides what to render next: it
asks `flow.resolve` how far each chapter's known runs (the cache, the previous build's
runs) carry its flow, and sends the next run of every chapter that needs one, the longest
chapters first, since a chapter's runs are a chain. A worker says when a run is laid out,
before writing its PDF (a third of its time), so the chain goes on meanwhile.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path
from typing import Any

from ..workers import pool_options
from . import math as math_cache
from .book import Book, Chapter, Label, Unit
from .booklet import Levels, Renderer
from .cache import Cache, digest, run_of
from .engine import Rendered, render
from .flow import Need, Run, Segment, plan, resolve
from .units import UnitCache, unit_key

Progress = Callable[[int, int, str], None]
_TAGS = re.compile(r"<svg.*?</svg>|<[^>]*>", re.DOTALL)
HTML_BATCH = 48  # units per HTML task: small enough to spread a large chapter over workers
# A unit's weight, the room it takes: its text, and its heading as much text again as takes
# the same room (a paper that is only its heading takes a sixth of a page).
UNIT_WEIGHT = 500


@dataclass
class Flow:
    """One chapter of one book, as the flow of units it is rendered from."""

    key: str
    book_index: int
    book: Book
    chapter: Chapter
    units: list[Unit]
    levels: Levels
    run: str  # running head
    # filled once the units are HTML (papers --fallback skip leaves out are dropped)
    html: list[str] = field(default_factory=list)
    hashes: list[str] = field(default_factory=list)
    anchors: list[str] = field(default_factory=list)
    weights: list[int] = field(default_factory=list)  # text, not markup (UNIT_WEIGHT)
    titles: dict[str, Label] = field(default_factory=dict)
    opening: str = ""
    context: str = ""
    opening_context: str = ""
    runs: list[Run] = field(default_factory=list)
    tried: dict[int, int] = field(default_factory=dict)  # start -> furthest end rendered
    rebuilt: int = 0  # runs after an edit that did not meet the old pages yet


@dataclass
class Job:
    """Everything a worker needs; set before the pool forks, so it is shared, not sent."""

    renderer: Renderer
    books: list[Book]
    flows: list[Flow]
    title: Label
    day: str
    css: str
    opening_css: str
    key_base: str
    cache: Cache
    base_url: str
    roots: list[Path]
    target: int  # weight of a cold run
    after_edit: int  # weight rendered past an edit
    previous: dict[str, list[str]]  # flow key -> runs the previous build used
    units: UnitCache | None = None
    early: Any = None  # a queue: (key, pages, places) of each run once it is laid out


@dataclass
class Done:
    front: Rendered
    front_pdf: Path
    layouts: dict[str, Rendered]
    segments: dict[str, list[Segment]]
    rendered: int
    papers: int
    warnings: list[str]
    math: dict[str, str | None]


_JOB: Job | None = None


# ---- tasks (run in the workers) ----------------------------------------------------------


def _html_task(index: int, positions: list[int]) -> list[list[Any]]:
    """Units of one flow as [html, title, title's lang, warnings], or None when left out."""
    job = _JOB
    assert job is not None, "the worker state is set before the pool starts"
    flow = job.flows[index]
    out: list[Any] = []
    for position in positions:
        before = len(job.renderer.warnings)
        found = job.renderer.unit_html(flow.units[position], flow.book_index, flow.levels)
        warned = job.renderer.warnings[before:]
        out.append(None if found is None else
                   [found[0], found[1].text, found[1].lang, warned])
    return [out, math_cache.added()]


def _warm_task() -> None:
    """WeasyPrint's import (half a second) done in a worker while the main process is
    still finding out what to render, not after."""
    import weasyprint  # noqa: F401


def _render_task(kind: str, key: str, html: str, css: str) -> tuple[str, Rendered]:
    job = _JOB
    assert job is not None, "the worker state is set before the pool starts"
    extra: dict[str, Any] = {"keep_anchors": ("pn-",), "number_slots": True}
    if kind != "front":
        # the chain can go on as soon as the pages are known: tell the main process before
        # the PDF is written
        extra = {"laid_out": lambda r: job.early.put((key, r.pages, r.places))}
    layout = render(html, css, job.cache.pdf(kind, key), job.base_url, job.roots, **extra)
    return key, layout


# ---- the main process --------------------------------------------------------------------


class _Pool:
    """Tasks on forked workers, or in this process when there is one job."""

    def __init__(self, jobs: int) -> None:
        self.jobs = jobs
        self.pool: ProcessPoolExecutor | None = None  # forked on the first task
        self.running: dict[Future[Any], str] = {}

    def submit(self, tag: str, fn: Callable[..., Any], *args: Any) -> None:
        future: Future[Any] = Future()
        if self.jobs <= 1:
            future.set_result(fn(*args))
        else:
            if self.pool is None:
                self.pool = ProcessPoolExecutor(max_workers=self.jobs,
                                                mp_context=get_context("fork"),
                                                **pool_options())
            future = self.pool.submit(fn, *args)
        self.running[future] = tag

    def free(self) -> int:
        return self.jobs - len(self.running)

    def warm(self) -> None:
        """Have each worker import WeasyPrint once the tasks sent so far are done (when
        there are workers; in this process a task imports it when it first needs it)."""
        if self.jobs > 1:
            for _ in range(self.jobs):
                self.submit("warm", _warm_task)
                self.running.popitem()  # nobody waits for it

    def next(self, timeout: float | None = None) -> list[tuple[str, Any]]:
        finished, _ = wait(list(self.running), timeout=timeout, return_when=FIRST_COMPLETED)
        return [(self.running.pop(f), f.result()) for f in finished]

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(cancel_futures=True)


def _units_to_html(job: Job, pool: _Pool, progress: Progress | None) -> tuple[list[str],
                                                                               dict[str, Any]]:
    """Every unit's HTML: from the unit cache, or rendered by the workers (the largest
    chapters first) and cached."""
    keys = [[unit_key(job.renderer.collection, job.renderer.options, f.book_index, f.levels, u)
             for u in f.units] for f in job.flows]
    found: dict[str, Any] = {}
    if job.units is not None:
        found = job.units.load(k for ks in keys for k in ks)
        job.units.close()  # not across the fork; saving opens it again
    tasks = []
    for index, _flow in sorted(enumerate(job.flows), key=lambda x: -len(x[1].units)):
        missing = [p for p, key in enumerate(keys[index]) if key not in found]
        tasks.extend((index, missing[s:s + HTML_BATCH])
                     for s in range(0, len(missing), HTML_BATCH))
    math: dict[str, str | None] = {}
    new: dict[str, Any] = {}
    total = sum(len(f.units) for f in job.flows)
    count = total - sum(len(t[1]) for t in tasks)
    todo = list(reversed(tasks))
    if tasks and job.previous and len(tasks) <= pool.jobs:
        # A rebuild after an edit: the edited papers' HTML first, then WeasyPrint's import
        # in every worker while this process finds out which pages to render again.
        while todo:
            index, positions = todo.pop()
            pool.submit(f"html-{index}-{positions[0]}", _html_task, index, positions)
        pool.warm()
    while todo or pool.running:
        while todo and pool.free() > 0:
            index, positions = todo.pop()
            pool.submit(f"html-{index}-{positions[0]}", _html_task, index, positions)
        for tag, (results, added) in pool.next():
            index, first = (int(x) for x in tag.split("-")[1:])
            positions = next(t[1] for t in tasks if t[0] == index and t[1][0] == first)
            for position, result in zip(positions, results, strict=True):
                new[keys[index][position]] = result
            math.update(added)
            count += len(results)
            if progress:
                progress(count, total, "text")
    if job.units is not None and new:
        job.units.save(new)
        job.units.close()
    found.update(new)
    warnings: list[str] = []
    for index, flow in enumerate(job.flows):
        for unit, key in zip(flow.units, keys[index], strict=True):
            result = found[key]
            if result is None:
                continue
            html, title, lang, warned = result
            anchor = f"p-{flow.book_index}-{unit.paper}"
            flow.html.append(html)
            flow.hashes.append(digest(html))
            flow.weights.append(len(_TAGS.sub("", html)) + UNIT_WEIGHT)
            flow.anchors.append(anchor)
            flow.titles[anchor] = Label(title, lang)
            warnings.extend(w for w in warned if w not in warnings)
    return warnings, math


def _openings(job: Job) -> None:
    first: set[int] = set()
    for flow in job.flows:
        if not flow.html:
            continue
        flow.opening = job.renderer.opening_html(flow.book, flow.chapter,
                                                 flow.book_index not in first)
        first.add(flow.book_index)
        flow.context = digest(job.key_base, job.css, flow.run)
        flow.opening_context = digest(job.key_base, job.opening_css, flow.run, flow.opening)


def _known(job: Job, flow: Flow, layouts: dict[str, Rendered]) -> None:
    """The runs the previous build used for this chapter, if still in the cache."""
    for key in job.previous.get(flow.key, []):
        found = job.cache.get("runs", key)
        if found is not None and key not in layouts:
            layouts[key] = found[0]
            flow.runs.append(run_of(key, *found))


@dataclass
class _Task:
    flow: Flow
    start: int
    key: str
    html: str
    css: str
    extra: dict[str, Any]


def _task(job: Job, flow: Flow, start: int, end: int) -> _Task:
    """A run of units [start, end): its HTML, CSS, key, and what its cache entry records
    besides its layout (the context and hash of each unit, by its spacer's id)."""
    opening = start == 0
    html = job.renderer.run_html(flow.run, flow.opening if opening else "",
                                 flow.html[start:end])
    css = job.opening_css if opening else job.css
    extra = {"context": flow.opening_context if opening else flow.context,
             "opening": opening,
             "units": [[f"u-{a}", h] for a, h in zip(flow.anchors[start:end],
                                                    flow.hashes[start:end], strict=True)]}
    return _Task(flow, start, digest(job.key_base, css, html), html, css, extra)


def _tried(flow: Flow, need: Need) -> None:
    flow.tried[need.start] = max(flow.tried.get(need.start, 0), need.end)
    flow.rebuilt += need.rebuild


class _Chains:
    """Each chapter's flow, advanced as far as known runs carry it, and the runs to render
    where it stops."""

    def __init__(self, job: Job, flows: list[Flow], pool: _Pool) -> None:
        self.job = job
        self.flows = flows
        self.pool = pool
        self.layouts: dict[str, Rendered] = {}
        self.pending: dict[str, _Task] = {}  # sent, not laid out yet
        self.writing: dict[str, _Task] = {}  # laid out, PDF being written
        self.segments: dict[str, list[Segment]] = {}
        self.waiting: dict[int, tuple[_Task, Need]] = {}  # planned, no worker free yet
        self.rendered = 0
        for flow in flows:
            _known(job, flow, self.layouts)

    def add(self, flow: Flow, key: str, layout: Rendered, extra: dict[str, Any]) -> None:
        self.layouts[key] = layout
        if all(run.key != key for run in flow.runs):
            flow.runs.append(run_of(key, layout, extra))

    def advance(self) -> None:
        """Resolve every chapter; send the next run of those that stop, longest remaining
        first, while workers are free (a chapter waits for its run before the next)."""
        wanted: list[tuple[int, _Task, Need]] = []
        busy = {id(t.flow) for t in self.pending.values()}
        free = self.pool.jobs - len(self.pending)  # a run being written frees its core soon
        for flow in self.flows:
            while True:
                found, pos = resolve(flow.hashes, flow.runs, flow.context,
                                     flow.opening_context)
                self.segments[flow.key] = found
                if pos >= len(flow.hashes) or id(flow) in busy:
                    break
                waiting = self.waiting.get(id(flow))
                if waiting is not None and waiting[1].start == pos:
                    # planned before and not sent yet (no worker was free): the same run,
                    # not a longer one, and not its HTML made again
                    wanted.append((sum(flow.weights[pos:]), *waiting))
                    break
                # past an edit, each run that has not met the old pages is twice as long:
                # a few long runs rather than many short ones where cuts are far apart
                need = plan(flow.hashes, flow.weights, pos, flow.runs, self.job.target,
                            flow.tried.get(pos, 0), self.job.after_edit << flow.rebuilt)
                task = _task(self.job, flow, need.start, need.end)
                cached = self.job.cache.get("runs", task.key)
                if cached is None:
                    self.waiting[id(flow)] = (task, need)
                    wanted.append((sum(flow.weights[pos:]), task, need))
                    break
                _tried(flow, need)
                self.add(flow, task.key, *cached)
        for _weight, task, need in sorted(wanted, key=lambda w: -w[0]):
            if free <= 0:
                break
            free -= 1
            # what a run tried is counted when it is sent: a run still waiting for a worker
            # must not make the next plan from the same start twice as long
            _tried(task.flow, need)
            del self.waiting[id(task.flow)]
            self.pending[task.key] = task
            self.pool.submit(task.key, _render_task, "runs", task.key, task.html, task.css)

    def laid_out(self, key: str, pages: int, places: dict[str, Any]) -> None:
        """A run's pages are known (its PDF is still being written): its chapter goes on."""
        task = self.pending.pop(key, None)
        if task is None:
            return
        self.writing[key] = task
        self.add(task.flow, key, Rendered(pages, 0.0, places=places), task.extra)

    def finished(self, key: str, layout: Rendered) -> None:
        if key in self.pending:  # its layout message is still on its way
            self.laid_out(key, layout.pages, layout.places)
        task = self.writing.pop(key)
        self.rendered += 1
        self.layouts[key] = layout
        self.job.cache.put("runs", key, layout, task.extra)


def run_all(job: Job, jobs: int, progress: Progress | None = None) -> Done:
    global _JOB
    _JOB = job
    job.early = get_context("fork").Queue()
    pool = _Pool(max(1, jobs))
    try:
        warnings, math = _units_to_html(job, pool, progress)
        _openings(job)
        flows = [f for f in job.flows if f.html]
        titles = {k: v for f in flows for k, v in f.titles.items()}
        if not titles:
            from ..errors import PublishError

            raise PublishError("nothing to print: --fallback skip left out every paper")
        papers = len({a.split("-", 2)[2] for a in titles})
        chains = _Chains(job, flows, pool)
        chains.advance()  # the runs first: the contents is not what a rebuild waits for
        front_html = job.renderer.front_html(job.books, job.title, job.day, papers, titles)
        warnings.extend(w for w in job.renderer.warnings if w not in warnings)
        front_key = digest(job.key_base, job.css, front_html)
        front = job.cache.get("front", front_key)
        if front is None:
            pool.submit("front", _render_task, "front", front_key, front_html, job.css)
        total = sum(len(f.hashes) for f in flows)
        arrived = True
        while True:
            if arrived:  # nothing else changes what the chapters need
                chains.advance()
                if progress:
                    progress(sum(s.end - s.start for ss in chains.segments.values()
                                 for s in ss), total, "pages")
            if not pool.running:
                break
            finished = pool.next(timeout=0.02)
            arrived = bool(finished) or not job.early.empty()
            for tag, (key, layout) in finished:
                if tag == "front":
                    front = (layout, {})
                    job.cache.put("front", key, layout, {})
                else:
                    chains.finished(key, layout)
            while not job.early.empty():
                chains.laid_out(*job.early.get())
        assert front is not None, "the front matter is rendered or cached"
        job.cache.touch("front", front_key)
        for key in {s.run.key for ss in chains.segments.values() for s in ss}:
            job.cache.touch("runs", key)
        return Done(front[0], job.cache.pdf("front", front_key), chains.layouts,
                    chains.segments, chains.rendered, papers, warnings, math)
    finally:
        _JOB = None
        pool.close()
        job.early.close()
