"""The booklet's work on several processes: units to HTML, then each chapter's chain of runs.

Workers that make HTML are forked after the collection is loaded, so they share it (and the
fonts and templates) for free; after an edit, the one that renders is forked before
(`pool`), and the edit's few units are made HTML here. Each task's inputs and outputs are
small (a range of units, or a run's HTML; HTML, or a run's layout). The main process
decides what to render next: it asks `flow.resolve` how far each chapter's known runs (the
cache, the previous build's runs) carry its flow, and sends the next run of every chapter
that needs one, the longest chapters first, since a chapter's runs are a chain. A run after
an edit carries its stops, the units where the flow would meet known pages, and its layout
ends at the first one it reaches. A worker says when a run is laid out, before writing its
PDF (a third of its time), so the chain goes on meanwhile; and while it waits, this process
reads the finished parts into the booklet (`Reader`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from . import math as math_cache
from .book import Book, Chapter, Label, Unit
from .booklet import Levels, Renderer
from .cache import Cache, digest, run_of
from .engine import Rendered
from .flow import Need, Run, Segment, known_hashes, next_segment, plan, resolve
from .pool import Workers, render_task, stopped_at
from .units import UnitCache, unit_key

Progress = Callable[[int, int, str], None]


_TAGS = re.compile(r"<svg.*?</svg>|<[^>]*>", re.DOTALL)
HTML_BATCH = 48  # units per HTML task: small enough to spread a large chapter over workers
# A unit's weight, the room it takes: its text, and its heading as much text again as takes
# the same room (a paper that is only its heading takes a sixth of a page).
UNIT_WEIGHT = 500
# An edit's units are made HTML in this process, not sent to a worker forked for it, up to
# this many (one paper takes a few milliseconds; a worker, a fork and a round trip).
INLINE_UNITS = 6


class Reader(Protocol):
    """What joins the booklet (`assemble.Assembly`): told each part's file once it is
    known, it reads one when asked, while the workers render."""

    def want(self, path: Path) -> None: ...

    def step(self) -> bool: ...


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
    target: int  # weight of a cold run
    after_edit: int  # weight rendered past an edit
    previous: dict[str, list[str]]  # flow key -> runs the previous build used
    units: UnitCache | None = None


@dataclass
class Done:
    front: Rendered
    front_pdf: Path
    layouts: dict[str, Rendered]
    segments: dict[str, list[Segment]]
    rendered: int
    rendered_pages: int
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


# ---- the main process --------------------------------------------------------------------


def _units_to_html(job: Job, pool: Workers, progress: Progress | None) -> tuple[list[str],
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
    if sum(len(t[1]) for t in tasks) <= INLINE_UNITS:
        for index, positions in tasks:  # an edit: here, while a worker loads WeasyPrint
            results, added = _html_task(index, positions)
            for position, result in zip(positions, results, strict=True):
                new[keys[index][position]] = result
            math.update(added)
        todo = []
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
        job.units.keep_only(k for ks in keys for k in ks)
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


def _known(job: Job, flow: Flow, layouts: dict[str, Rendered], reader: Reader) -> None:
    """The runs the previous build used for this chapter, if still in the cache and laid
    out as this build would (the same styles, fonts, running head, publish): runs of
    another context would make every run planned as if after an edit, ten pages long."""
    for key in job.previous.get(flow.key, []):
        found = job.cache.get("runs", key)
        if found is not None and key not in layouts and found[1].get("context") in (
                flow.context, flow.opening_context):
            layouts[key] = found[0]
            flow.runs.append(run_of(key, *found))
            reader.want(job.cache.pdf("runs", key))


@dataclass
class _Task:
    flow: Flow
    start: int
    key: str
    html: str
    css: str
    extra: dict[str, Any]
    # spacer id -> (key, end) of the shorter run that ends where the flow meets known pages
    stops: dict[str, tuple[str, int]] = field(default_factory=dict)


def _task(job: Job, flow: Flow, start: int, end: int) -> _Task:
    """A run of units [start, end): its HTML, CSS, key, and what its cache entry records
    besides its layout (the context and hash of each unit, by its spacer's id)."""
    opening = start == 0
    html = job.renderer.run_html(flow.run, flow.opening if opening else "",
                                 flow.html[start:end])
    css = job.opening_css if opening else job.css
    extra = {"context": flow.opening_context if opening else flow.context,
             "opening": opening, "body": flow.context,
             "units": [[f"u-{a}", h] for a, h in zip(flow.anchors[start:end],
                                                    flow.hashes[start:end], strict=True)]}
    return _Task(flow, start, digest(job.key_base, css, html), html, css, extra)


def _with_stops(flow: Flow, task: _Task, end: int) -> None:
    """Where the flow could meet known pages again: past the first unit no known run has
    (the edit), or anywhere in a run that goes on after an edit. A run laid out that far
    ends there: a one-word edit renders the pages from the cut before it to the cut after
    it, not the whole run planned in case the paper grew."""
    if not flow.runs:
        return
    known = known_hashes(flow.runs)
    first = next((i for i in range(task.start, end) if flow.hashes[i] not in known),
                 task.start)
    for j in range(first + 1, end):
        if next_segment(flow.hashes, j, flow.runs, flow.context, flow.opening_context):
            spacer = f"u-{flow.anchors[j]}"
            # its pages are those of the run's first j - start units: the run's key and
            # where it stopped name them (no HTML made per stop)
            task.stops[spacer] = (digest(task.key, spacer), j)


def _cut(task: _Task, pages: int, places: dict[str, tuple[int, bool]],
         ) -> dict[str, tuple[int, bool]]:
    """A run's places, as the shorter run it became when its layout ended at a stop (its
    key and units too): the stop's spacer is that run's end."""
    cut = stopped_at(pages, places, task.stops)
    if not cut:
        return places
    key, end = task.stops[cut]
    if task.key != key:
        task.key = key
        task.extra = {**task.extra, "units": task.extra["units"][:end - task.start]}
    kept = {a for a, _h in task.extra["units"]}
    return {**{a: p for a, p in places.items() if a in kept}, "u-end": places[cut]}


def _tried(flow: Flow, need: Need) -> None:
    flow.tried[need.start] = max(flow.tried.get(need.start, 0), need.end)
    flow.rebuilt += need.rebuild


class _Chains:
    """Each chapter's flow, advanced as far as known runs carry it, and the runs to render
    where it stops."""

    def __init__(self, job: Job, flows: list[Flow], pool: Workers, reader: Reader) -> None:
        self.job = job
        self.flows = flows
        self.pool = pool
        self.reader = reader
        self.layouts: dict[str, Rendered] = {}
        self.pending: dict[str, _Task] = {}  # sent, not laid out yet
        self.writing: dict[str, _Task] = {}  # laid out, PDF being written
        self.segments: dict[str, list[Segment]] = {}
        self.waiting: dict[int, tuple[_Task, Need]] = {}  # planned, no worker free yet
        self.rendered = 0
        self.rendered_pages = 0
        for flow in flows:
            _known(job, flow, self.layouts, reader)

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
                self.reader.want(self.job.cache.pdf("runs", task.key))
        for _weight, task, need in sorted(wanted, key=lambda w: -w[0]):
            if free <= 0:
                break
            free -= 1
            # what a run tried is counted when it is sent: a run still waiting for a worker
            # must not make the next plan from the same start twice as long
            _tried(task.flow, need)
            del self.waiting[id(task.flow)]
            _with_stops(task.flow, task, need.end)
            self.pending[task.key] = task
            self.pool.submit(task.key, render_task, "runs", task.key, task.html, task.css,
                             {s: k for s, (k, _e) in task.stops.items()})

    def laid_out(self, key: str, pages: int, places: dict[str, Any]) -> None:
        """A run's pages are known (its PDF is still being written): its chapter goes on."""
        task = self.pending.pop(key, None)
        if task is None:
            return
        self.writing[key] = task
        places = _cut(task, pages, places)
        self.add(task.flow, task.key, Rendered(pages, 0.0, places=places), task.extra)

    def finished(self, key: str, layout: Rendered) -> None:
        if key in self.pending:  # its layout message is still on its way
            self.laid_out(key, layout.pages, layout.places)
        task = self.writing.pop(key)
        self.rendered += 1
        self.rendered_pages += layout.pages
        layout.places = _cut(task, layout.pages, layout.places)
        self.layouts[task.key] = layout
        self.job.cache.put("runs", task.key, layout, task.extra)
        self.reader.want(self.job.cache.pdf("runs", task.key))


def run_all(job: Job, pool: Workers, reader: Reader, progress: Progress | None = None
            ) -> Done:
    """Render what the booklet needs on `pool`; `reader` reads each part's file while
    the workers are busy."""
    global _JOB
    _JOB = job
    early = pool.state.early
    try:
        warnings, math = _units_to_html(job, pool, progress)
        _openings(job)
        flows = [f for f in job.flows if f.html]
        titles = {k: v for f in flows for k, v in f.titles.items()}
        if not titles:
            from ..errors import PublishError

            raise PublishError("nothing to print: --fallback skip left out every paper")
        papers = len({a.split("-", 2)[2] for a in titles})
        chains = _Chains(job, flows, pool, reader)
        chains.advance()  # the runs first: the contents is not what a rebuild waits for
        front_html = job.renderer.front_html(job.books, job.title, job.day, papers, titles)
        warnings.extend(w for w in job.renderer.warnings if w not in warnings)
        front_key = digest(job.key_base, job.css, front_html)
        front = job.cache.get("front", front_key)
        if front is None:
            pool.submit("front", render_task, "front", front_key, front_html, job.css)
        else:
            reader.want(job.cache.pdf("front", front_key))
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
            # while the workers work, read a part of the booklet; then only look
            finished = pool.next(timeout=0 if reader.step() else 0.02)
            arrived = bool(finished) or not early.empty()
            for tag, (key, layout) in finished:
                if tag == "front":
                    front = (layout, {})
                    job.cache.put("front", key, layout, {})
                    reader.want(job.cache.pdf("front", key))
                else:
                    chains.finished(key, layout)
            while not early.empty():
                chains.laid_out(*early.get())
        assert front is not None, "the front matter is rendered or cached"
        job.cache.touch("front", front_key)
        for key in {s.run.key for ss in chains.segments.values() for s in ss}:
            job.cache.touch("runs", key)
        return Done(front[0], job.cache.pdf("front", front_key), chains.layouts,
                    chains.segments, chains.rendered, chains.rendered_pages, papers, warnings, math)
    finally:
        _JOB = None
