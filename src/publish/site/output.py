"""Writing the site: pages rendered in forked workers (or in this process), each written
only when its bytes changed, atomically when it replaces a page; the folders' listing and
the manifest of what was written.

What a page is made of is the site's business (`build._Site`): here a page is a `Job` with
a path and a key, and the site an object that renders a job to bytes and hands over what it
added to its caches.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from ..outputs import write_output
from ..sanitise import safe_relative
from ..workers import pool_options

# Pages to render before a second process pays for itself: forking, and the cache entries
# each worker computes and sends back, cost about 0.1 s.
PARALLEL_FROM = 600
# Pages per chunk: small, so that the workers finish together (with 4 chunks per worker, one
# waited up to 0.2 s for the other's last chunk), large enough that handing chunks out costs
# nothing.
CHUNK = 96


@dataclass
class Job:
    path: str  # relative to out
    key: str
    kind: str  # paper, list, all, index, root, css, js, search, terms, issue, feed, sitemap
    lang: str
    arg: str = ""


class Renderer(Protocol):
    def render(self, job: Job) -> bytes: ...

    def take_added(self) -> dict[str, dict[str, str]]:
        """Cache entries computed since the last call, by kind (and forgotten here)."""
        ...

    def prepare(self, todo: list[Job]) -> None: ...

    def preload(self) -> None: ...


@dataclass
class Run:
    """What a worker needs besides the site: where pages go and what is there now."""

    site: Renderer
    out: Path
    old: dict[str, list[str]]
    existing: set[str]


@dataclass
class Done:
    pages: list[tuple[str, str, bool]] = field(default_factory=list)  # (path, hash, written)
    added: dict[str, dict[str, str]] = field(default_factory=dict)  # cache kind -> entries

    def merge(self, other: Done) -> None:
        self.pages.extend(other.pages)
        for kind, entries in other.added.items():
            self.added.setdefault(kind, {}).update(entries)


SHARED: Run | None = None


def render_many(jobs: list[Job]) -> Done:
    """Render and write (only pages whose bytes changed); in a worker or in the parent."""
    run = SHARED
    assert run is not None
    site = run.site
    done: list[tuple[str, str, bool]] = []
    for job in jobs:
        data = site.render(job)
        digest = hashlib.sha1(data).hexdigest()
        target = run.out / job.path
        there = job.path in run.existing
        previous = run.old.get(job.path)
        same = there and ((previous is not None and previous[1] == digest)
                          or target.read_bytes() == data)
        if not same:
            write(target, data, atomic=there)
        done.append((job.path, digest, not same))
    # what this batch added to the caches goes back to the parent (once: a worker's next
    # batch starts afresh)
    return Done(done, site.take_added())


def write(path: Path, data: bytes, atomic: bool = True) -> None:
    """A page replaces its old version atomically, so a reader never sees half of it. A new
    page is written in place (creating files is slow enough here that a rename doubles the
    cost): it has no manifest entry until the run ends, so a torn one is rendered again.
    (outputs.write_output: a failed write leaves no temporary file, its error names it.)"""
    write_output(path, data, atomic)


def existing(out: Path, folders: Iterable[str]) -> set[str]:
    """The files in the folders the site writes: one directory listing each, not a stat
    per page."""
    found: set[str] = set()
    for rel in folders:
        try:
            with os.scandir(out / rel) as entries:
                found.update(f"{rel}/{e.name}" if rel else e.name
                             for e in entries if e.is_file())
        except OSError:
            pass
    return found


def load_manifest(path: Path) -> dict[str, list[str]]:
    try:
        data = json.loads(path.read_text("utf-8"))
        pages = data.get("pages", {})
        # a manifest is data: a page outside the site (`en/../../x`) is never removed
        return {k: v for k, v in pages.items() if isinstance(v, list) and len(v) == 2
                and safe_relative(k)}
    except (OSError, ValueError, AttributeError):
        return {}


def _pieces(todo: list[Job]) -> list[list[Job]]:
    """Chunks for the workers, in the order they are handed out: the lists, indexes and
    search index first (the longest jobs), then a paper's pages in every language in the
    same chunk (the untranslated ones show the same source blocks, rendered once per
    worker)."""
    todo = sorted(todo, key=lambda j: (j.kind == "paper", j.arg, j.lang))
    return [todo[i : i + CHUNK] for i in range(0, len(todo), CHUNK)]


def render_all(site: Renderer, todo: list[Job], jobs: int,
               progress: Callable[[int, int], None] | None) -> Done:
    workers = jobs or min(os.cpu_count() or 1, 8)
    if not todo:
        return Done()
    if len(todo) > 50:
        site.preload()
    if workers <= 1 or len(todo) < PARALLEL_FROM:
        return render_many(todo)
    import gc
    from concurrent.futures import ProcessPoolExecutor
    from multiprocessing import get_context

    site.prepare(todo)
    # the collector would write to every object the workers inherit, copying their pages
    gc.freeze()
    result = Done()
    # forked workers share the loaded collection and caches
    pieces = _pieces(todo)
    try:
        with ProcessPoolExecutor(workers, mp_context=get_context("fork"),
                                 **pool_options()) as pool:
            for n, part in enumerate(pool.map(render_many, pieces), 1):
                result.merge(part)
                if progress:
                    progress(n, len(pieces))
    finally:
        gc.unfreeze()
    return result
