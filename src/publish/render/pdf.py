"""`publish pdf`: the booklet, rendered in parallel chunks, cached, and assembled.

1. The selection (lists or the whole collection) becomes books > chapters > sections, cut
   into chunks of at most 16 papers (`book.chunks`).
2. Worker processes (forked, so they share the loaded collection) build each chunk's HTML,
   hash it with the CSS, fonts and versions, and render it with WeasyPrint unless
   `build/pdf/cache/` already has that hash. A chunk carries no page numbers, so its PDF
   does not depend on where it lands and an edit re-renders only its own chunk.
3. The chunks' page counts give every paper its page; the front matter (cover, contents
   with those numbers) is rendered last, then everything is joined (`assemble`): page
   numbers stamped from a cached folio document, contents links and the outline rebuilt.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from multiprocessing import get_context
from pathlib import Path
from typing import Any

from ..config import Config
from ..errors import PublishError
from ..languages import BILINGUAL, choices, source_of
from ..model import Collection
from ..outputs import check_output, sweep_folder, write_output
from ..workers import pool_options
from . import math as math_cache
from .assemble import Part, assemble
from .book import Book, Chunk, Label, chunks, collection_book, list_book
from .booklet import PAPER_SIZES, BookletOptions, Renderer, paper_anchor, ui_lang
from .engine import Rendered, render
from .fonts import coverage
from .i18n import format_day, hant
from .text import FALLBACKS

RENDER_VERSION = "1"  # bump when a change here alters the output for the same HTML and CSS
CACHE_LIMIT = 512 * 1024 * 1024

Progress = Callable[[int, int, str], None]


@dataclass
class PdfRequest:
    lang: str
    lists: tuple[str, ...] = ()
    paper_size: str = "A5"
    fallback: str = "source"
    out: Path | None = None
    use_cache: bool = True
    jobs: int = 0  # 0: one per CPU


@dataclass
class PdfResult:
    path: Path
    pages: int
    papers: int
    chunks: int
    rendered: int  # chunks rendered now (the others came from the cache)
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0


@dataclass
class _Done:
    """A rendered part: chunk `index`, or the front matter (index -1)."""

    index: int
    path: Path
    layout: Rendered
    rendered: bool
    math: dict[str, str | None]


@dataclass
class _Job:
    """Everything a worker needs; set before the pool forks, so it is shared, not sent."""

    renderer: Renderer
    books: list[Book]
    chunks: list[Chunk]
    book_index: dict[int, int]
    css: str
    key_base: str
    cache: Path
    use_cache: bool
    base_url: str
    roots: list[Path]
    title: Label
    day: str


_JOB: _Job | None = None
FRONT = -1


def default_out(config: Config, request: PdfRequest) -> Path:
    name = "+".join(request.lists) if request.lists else "all"
    return config.build_dir / "pdf" / f"{name}.{request.lang}.pdf"


def _check(config: Config, collection: Collection, request: PdfRequest) -> None:
    if request.lang not in choices(editions=(BILINGUAL,)):
        raise PublishError(f"unknown booklet language {request.lang!r} "
                           f"(one of {', '.join(choices(editions=(BILINGUAL,)))})")
    needed = {"en", "zh"} if request.lang == "bilingual" else {source_of(request.lang)}
    missing = needed - set(config.languages)
    if missing:
        raise PublishError(f"publish.toml does not list {', '.join(sorted(missing))} in "
                           "'languages'", config.root / "publish.toml")
    if request.paper_size not in PAPER_SIZES:
        raise PublishError(f"unknown paper size {request.paper_size!r} "
                           f"(one of {', '.join(PAPER_SIZES)})")
    if request.fallback not in FALLBACKS:
        raise PublishError(f"unknown fallback {request.fallback!r} "
                           f"(one of {', '.join(FALLBACKS)})")
    for list_id in request.lists:
        if list_id not in collection.lists:
            known = ", ".join(sorted(collection.lists)) or "none yet"
            raise PublishError(f"unknown list id {list_id!r} (known: {known})")


def _title(config: Config, lang: str) -> Label:
    code = source_of(ui_lang(lang))
    text = config.title.get(code) or next(iter(config.title.values()), "publish")
    if lang == "zh-Hant":
        return Label(hant(text), "zh-Hant")
    return Label(text, ui_lang(lang) if code in config.title else "en")


def _today() -> date:
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), UTC).date()
    return date.today()


def _subtitle(config: Config, lang: str) -> Label | None:
    if lang == "bilingual" and config.title.get("zh"):
        return Label(config.title["zh"], "zh")
    return None


def _books(collection: Collection, request: PdfRequest) -> list[Book]:
    if request.lists:
        return [list_book(collection, collection.lists[lid], request.lang, i)
                for i, lid in enumerate(request.lists)]
    return [collection_book(collection, request.lang)]


def _hash(*parts: str | bytes) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update(part.encode("utf-8") if isinstance(part, str) else part)
        h.update(b"\0")
    return h.hexdigest()


def _files_hash(roots: list[Path]) -> str:
    """Project files WeasyPrint may read (images, fonts, templates): a change to any of
    them must not reuse a cached chunk even though the HTML is the same."""
    items = []
    for root in roots:
        if root.is_dir():
            for path in sorted(root.rglob("*")):
                if path.is_file():
                    st = path.stat()
                    items.append(f"{path}|{st.st_size}|{st.st_mtime_ns}")
    return _hash(*items)


def _pango_version() -> str:
    """Without importing WeasyPrint (a second of start-up a rebuild rarely needs)."""
    import ctypes
    import ctypes.util

    name = ctypes.util.find_library("pango-1.0")
    try:
        return str(ctypes.CDLL(name or "libpango-1.0.so.0").pango_version())
    except (OSError, AttributeError):
        return "unknown"


def _key_base(roots: list[Path]) -> str:
    from importlib.metadata import version

    return _hash(RENDER_VERSION, version("weasyprint"), _pango_version(),
                   coverage().fingerprint, _files_hash(roots))


def _cached(cache: Path, kind: str, key: str, use_cache: bool) -> tuple[Path, Rendered] | None:
    pdf, meta = cache / kind / f"{key}.pdf", cache / kind / f"{key}.json"
    if not use_cache or not (pdf.is_file() and meta.is_file()):
        return None
    try:
        layout = Rendered.from_json(json.loads(meta.read_text("utf-8")))
    except (ValueError, KeyError, TypeError):
        return None
    os.utime(pdf)
    return pdf, layout


def _store(cache: Path, kind: str, key: str, layout: Rendered) -> None:
    write_output(cache / kind / f"{key}.json",
                 json.dumps(layout.to_json(), ensure_ascii=False).encode("utf-8"))


def _render_cached(cache: Path, kind: str, key: str, use_cache: bool, html: str, css: str,
                   base_url: str, roots: list[Path], **kw: Any) -> tuple[Path, Rendered, bool]:
    found = _cached(cache, kind, key, use_cache)
    if found:
        return found[0], found[1], False
    pdf = cache / kind / f"{key}.pdf"
    layout = render(html, css, pdf, base_url, roots, **kw)
    _store(cache, kind, key, layout)
    return pdf, layout, True


def _contents_titles(job: _Job) -> dict[str, Label]:
    """Every paper the body shows, by anchor, with the title the contents lists."""
    titles: dict[str, Label] = {}
    papers = job.renderer.collection.papers
    for chunk in job.chunks:
        index = job.book_index[id(chunk.book)]
        for pid in chunk.paper_ids():
            found = job.renderer.included(papers[pid])
            if found is not None:
                titles[paper_anchor(index, pid)] = found
    return titles


def _front_html(job: _Job) -> str:
    titles = _contents_titles(job)
    if not titles:
        raise PublishError("nothing to print: --fallback skip left out every paper")
    count = len({a.split("-", 2)[2] for a in titles})
    return job.renderer.front_html(job.books, job.title, job.day, count, titles)


def _worker(index: int) -> _Done:
    job = _JOB
    assert job is not None, "the worker state is set before the pool starts"
    if index == FRONT:
        html = _front_html(job)
        kind, extra = "front", {"detach_internal_links": True, "number_slots": True,
                                "keep_anchors": ("pn-",)}
    else:
        chunk = job.chunks[index]
        context, _titles = job.renderer.chunk_context(chunk, job.book_index[id(chunk.book)])
        html = job.renderer.chunk_html(context)
        kind, extra = "chunks", {}
    key = _hash(job.key_base, job.css, html)
    path, layout, rendered = _render_cached(job.cache, kind, key, job.use_cache, html,
                                            job.css, job.base_url, job.roots, **extra)
    return _Done(index, path, layout, rendered, math_cache.added())


def _load_math(cache: Path) -> dict[str, str | None]:
    try:
        return json.loads((cache / "math-1.json").read_text("utf-8"))
    except (OSError, ValueError):
        return {}


def _save_math(cache: Path, entries: dict[str, str | None]) -> None:
    write_output(cache / "math-1.json",
                 json.dumps(entries, ensure_ascii=False, sort_keys=True).encode("utf-8"))


def _prune(cache: Path, limit: int = CACHE_LIMIT) -> None:
    """Keep the cache under `limit` bytes, dropping what was used least recently."""
    files = [p for p in cache.glob("*/*.pdf")]
    sizes = {p: p.stat().st_size for p in files}
    total = sum(sizes.values())
    for path in sorted(files, key=lambda p: p.stat().st_mtime):
        if total <= limit:
            break
        total -= sizes[path]
        path.unlink(missing_ok=True)
        path.with_suffix(".json").unlink(missing_ok=True)


def _run(job: _Job, jobs: int, progress: Progress | None) -> tuple[_Done, list[_Done]]:
    global _JOB
    _JOB = job
    # the front matter first: alone it is as long as the largest chunks
    order = [FRONT, *sorted(range(len(job.chunks)), key=lambda i: -len(job.chunks[i].paper_ids()))]
    done: list[_Done] = []

    def tick(result: _Done) -> None:
        done.append(result)
        if progress:
            label = ("contents" if result.index == FRONT
                     else job.chunks[result.index].chapter.title.text)
            progress(len(done), len(order), label)

    try:
        if jobs <= 1:
            for i in order:
                tick(_worker(i))
        else:
            # fork: workers inherit the loaded collection, fonts and templates for free
            with ProcessPoolExecutor(max_workers=min(jobs, len(order)),
                                     mp_context=get_context("fork"), **pool_options()) as pool:
                futures = [pool.submit(_worker, i) for i in order]
                for future in as_completed(futures):
                    tick(future.result())
    finally:
        _JOB = None
    front = next(r for r in done if r.index == FRONT)
    return front, sorted((r for r in done if r.index != FRONT), key=lambda r: r.index)


def build_pdf(config: Config, request: PdfRequest, progress: Progress | None = None,
              collection: Collection | None = None) -> PdfResult:
    """Render the booklet `request` asks for; returns where it is and what it took."""
    started = time.perf_counter()
    if collection is None:
        from ..content.load import load_collection

        collection = load_collection(config)
    _check(config, collection, request)
    target = (check_output(config.root, request.out) if request.out
              else default_out(config, request))
    lang = request.lang
    options = BookletOptions(lang, tuple(config.languages), request.fallback, request.paper_size)
    project_templates = config.root / "templates"
    roots = [project_templates, config.root / "assets",
             Path(__file__).resolve().parent.parent / "templates"]
    renderer = Renderer(collection, options, project_templates, coverage(),
                        _subtitle(config, request.lang))
    title = _title(config, lang)
    books = _books(collection, request)
    _check_labels(renderer, books)
    parts = chunks(books)
    if not parts:
        raise PublishError("nothing to print: the selection has no papers")
    cache = config.build_dir / "pdf" / "cache"
    for folder in (cache, cache / "chunks", cache / "front", target.parent):
        sweep_folder(folder)  # temporary files of runs that were killed
    math_cache.preload(_load_math(cache) if request.use_cache else {})
    job = _Job(renderer, books, parts, {id(b): i for i, b in enumerate(books)},
               renderer.css(), _key_base(roots[:2]), cache, request.use_cache,
               config.root.as_uri() + "/", roots, title, format_day(_today(), ui_lang(lang)))
    front, results = _run(job, request.jobs or os.cpu_count() or 1, progress)
    pages = assemble(Part(front.path, front.layout),
                     [Part(r.path, r.layout) for r in results], target,
                     title=title.text, lang=renderer.env.globals["html_lang"])
    added: dict[str, str | None] = {}
    for r in [front, *results]:
        added.update(r.math)
    if request.use_cache:
        if added:
            _save_math(cache, {**_load_math(cache), **added})
        _prune(cache)
    warnings = list(dict.fromkeys(w for r in [front, *results] for w in r.layout.warnings))
    papers = len({a.split("-", 2)[2] for r in results for a in r.layout.anchors
                  if a.startswith("p-")})
    return PdfResult(target, pages, papers, len(parts), sum(r.rendered for r in results),
                     warnings, time.perf_counter() - started)


def _check_labels(renderer: Renderer, books: list[Book]) -> None:
    """Book, chapter and section names must be drawable too."""
    for book in books:
        labels = [book.title] + [c.title for c in book.chapters] + [
            s.title for c in book.chapters for s in c.sections if s.title]
        for item in labels:
            missing = renderer.coverage.missing(item.text) if renderer.coverage else []
            if missing:
                chars = ", ".join(f"U+{ord(c):04X}" for c in missing)
                raise PublishError(f"no installed font has a glyph for {chars} in "
                                   f"{item.text!r} (list {book.id})")


def render_single(config: Config, request: PdfRequest,
                  collection: Collection | None = None) -> tuple[Path, int]:
    """The same booklet as one WeasyPrint document, contents by target-counter: the
    baseline `benchmarks/bench_pdf.py` measures the chunked build against."""
    if collection is None:
        from ..content.load import load_collection

        collection = load_collection(config)
    _check(config, collection, request)
    options = BookletOptions(request.lang, tuple(config.languages), request.fallback,
                      request.paper_size)
    project_templates = config.root / "templates"
    roots = [project_templates, config.root / "assets",
             Path(__file__).resolve().parent.parent / "templates"]
    renderer = Renderer(collection, options, project_templates, coverage(),
                        _subtitle(config, request.lang))
    title = _title(config, request.lang)
    books = _books(collection, request)
    book_index = {id(b): i for i, b in enumerate(books)}
    contexts, titles = [], {}
    for chunk in chunks(books):
        context, found = renderer.chunk_context(chunk, book_index[id(chunk.book)])
        contexts.append(context)
        titles.update(found)
    papers = len({a.split("-", 2)[2] for a in titles})
    html = renderer.single_html(books, title, format_day(_today(), ui_lang(request.lang)),
                                papers, titles, contexts)
    target = check_output(config.root, request.out) if request.out else \
        default_out(config, request).with_suffix(".single.pdf")
    layout = render(html, renderer.css(single=True), target, config.root.as_uri() + "/",
                    roots)
    return target, layout.pages
