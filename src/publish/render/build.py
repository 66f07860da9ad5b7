"""The booklet's build once its workers are started (see `publish.render.pdf`): the
selection as books and chapters, their units as HTML, the runs rendered or taken from the
cache (`schedule`), and the parts joined (`assemble`)."""

from __future__ import annotations

import time
from pathlib import Path

from ..cachedb import package_hash
from ..clock import pinned, today
from ..config import Config
from ..errors import PublishError
from ..languages import BILINGUAL, choices, source_of
from ..lifetime import release_at_exit
from ..model import Collection
from ..outputs import check_output
from . import math as math_cache
from .assemble import Assembly, Metadata, Part, Piece
from .book import Book, Label, collection_book, list_book
from .booklet import PAPER_SIZES, BookletOptions, Renderer, levels, ui_lang
from .cache import digest
from .engine import render
from .fonts import coverage
from .i18n import format_day, hant
from .pool import Workers
from .request import PdfRequest, PdfResult, Progress, Start, base_url, default_out, file_roots
from .schedule import Flow, Job, run_all
from .text import FALLBACKS
from .units import CACHE_NAME, UnitCache, fingerprint


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


def _subtitle(config: Config, lang: str) -> Label | None:
    if lang == "bilingual" and config.title.get("zh"):
        return Label(config.title["zh"], "zh")
    return None


def _books(collection: Collection, request: PdfRequest) -> list[Book]:
    if request.lists:
        return [list_book(collection, collection.lists[lid], request.lang, i)
                for i, lid in enumerate(request.lists)]
    return [collection_book(collection, request.lang)]


def _files_hash(roots: list[Path]) -> str:
    """Project files WeasyPrint may read (images, fonts, templates): a change to any of
    them must not reuse a cached run even though the HTML is the same."""
    items = []
    for root in roots:
        if root.is_dir():
            for path in sorted(root.rglob("*")):
                if path.is_file():
                    st = path.stat()
                    items.append(f"{path}|{st.st_size}|{st.st_mtime_ns}")
    return digest(*items)


def _pango_version() -> str:
    """Without importing WeasyPrint (a second of start-up a rebuild rarely needs)."""
    import ctypes
    import ctypes.util

    name = ctypes.util.find_library("pango-1.0")
    try:
        return str(ctypes.CDLL(name or "libpango-1.0.so.0").pango_version())
    except (OSError, AttributeError):
        return "unknown"


def _key_base(files: str) -> str:
    """What a rendered run depends on besides its HTML and CSS: publish's own sources (the
    engine, its patches of WeasyPrint's justification, the tag folding: no version number
    to remember to bump), WeasyPrint, Pango, the fonts, the project's templates and assets."""
    from importlib.metadata import version

    return digest(package_hash(), version("weasyprint"), _pango_version(),
                 coverage().fingerprint, files)


def _flows(renderer: Renderer, books: list[Book]) -> list[Flow]:
    """Every chapter with a paper to show, as a flow of units."""
    papers = renderer.collection.papers

    def keep(pid: str) -> bool:
        return renderer.included(papers[pid]) is not None

    out = []
    for bi, book in enumerate(books):
        for chapter in book.chapters:
            units = chapter.units(keep if renderer.options.fallback == "skip" else None)
            if not units:
                continue
            out.append(Flow(f"{bi}/{chapter.anchor}", bi, book, chapter, units,
                            levels(chapter), renderer.run_label(book, chapter)))
    return out


def build(config: Config, request: PdfRequest, collection: Collection, begun: Start,
          pool: Workers, progress: Progress | None) -> PdfResult:
    _check(config, collection, request)
    target, cache, roots = begun.target, begun.cache, begun.roots
    lang = request.lang
    options = BookletOptions(lang, tuple(config.languages), request.fallback, request.paper_size)
    renderer = Renderer(collection, options, roots[0], coverage(),
                        _subtitle(config, lang), _sources(config, collection))
    books = _books(collection, request)
    flows = _flows(renderer, books)
    if not flows:
        raise PublishError("nothing to print: the selection has no papers")
    cache.sweep(target.parent)  # temporary files of runs that were killed
    drawn = cache.math() if request.use_cache else {}
    math_cache.preload(drawn)
    files = _files_hash(roots[:2])  # the project's templates and assets
    job = Job(renderer=renderer, books=books, flows=flows, title=_title(config, lang),
              day=format_day(today(), ui_lang(lang)), css=renderer.css(),
              opening_css=renderer.css(opening=True), key_base=_key_base(files),
              cache=cache, target=request.run_weight, after_edit=request.edit_weight,
              previous=begun.previous, units=_unit_cache(config, request, files))
    assembly = Assembly()
    done = run_all(job, pool, assembly, progress)
    pool.close()  # its workers are done: not kept alive while the booklet is joined
    pieces = [Piece(Part(cache.pdf("runs", s.run.key), done.layouts[s.run.key]),
                    s.first_page, s.end_page)
              for flow in flows for s in done.segments[flow.key]]
    meta, labels = _metadata(request, job.title, books, renderer), _labels(flows)
    # what the booklet is joined from: when the file there is the one these parts made
    # last time, nothing is written again
    joined = digest(job.key_base, done.front_pdf.name, repr(meta), repr(sorted(labels.items())),
                    str(pinned()), *(f"{p.part.path.name}:{p.first_page}:{p.end_page}"
                                     for p in pieces))
    pages = cache.joined(target, joined)
    written = pages is None
    if pages is None:
        pages = assembly.finish(Part(done.front_pdf, done.front), pieces, target, meta,
                                labels, cache.root / "fonts" / coverage().fingerprint[:16]
                                if request.use_cache else None)
        cache.save_joined(target, joined, pages)
    if request.use_cache:
        if done.math:
            cache.save_math(done.math, drawn)
        cache.save_flows(begun.booklet, {f.key: [s.run.key for s in done.segments[f.key]]
                                         for f in flows})
        cache.prune()
    release_at_exit(assembly, collection, job)  # the booklet is written: not torn down
    used = {s.run.key for f in flows for s in done.segments[f.key]}
    warnings = list(dict.fromkeys([*done.warnings, *(
        w for key in used for w in done.layouts[key].warnings)]))
    return PdfResult(target, pages, done.papers, len(used), done.rendered,
                     done.rendered_pages, warnings, time.perf_counter() - begun.started, written)


def _unit_cache(config: Config, request: PdfRequest, files: str) -> UnitCache | None:
    if not request.use_cache:
        return None
    return UnitCache(config.build_dir / "pdf" / CACHE_NAME,
                     fingerprint(coverage().fingerprint + files))


def _sources(config: Config, collection: Collection) -> tuple[Path, ...]:
    lists = tuple(rl.path for rl in collection.lists.values() if rl.path is not None)
    return (config.root / "publish.toml", *lists)


def _labels(flows: list[Flow]) -> dict[str, str]:
    """What each contents entry points at, by anchor."""
    labels: dict[str, str] = {}
    for flow in flows:
        labels[flow.book.anchor] = flow.book.title.text
        labels[flow.chapter.anchor] = flow.chapter.title.text
        for unit, anchor in zip(flow.units, flow.anchors, strict=True):
            labels[anchor] = flow.titles[anchor].text
            if unit.section is not None:
                labels[f"s-{anchor}"] = unit.section.text
    return labels


def _metadata(request: PdfRequest, title: Label, books: list[Book],
              renderer: Renderer) -> Metadata:
    """What the PDF says about itself: a list booklet is titled by its lists; the
    collection's title is its subject."""
    heading = " · ".join(b.title.text for b in books) if request.lists else title.text
    subject = title.text if request.lists else ""
    return Metadata(heading, subject, renderer.env.globals["html_lang"], title.text,
                    [b.id for b in books])


def render_single(config: Config, request: PdfRequest,
                  collection: Collection | None = None) -> tuple[Path, int]:
    """The same booklet as one WeasyPrint document, contents by target-counter: the
    baseline `benchmarks/bench_pdf.py` measures the runs against, and what their pages
    must add up to."""
    if collection is None:
        from ..content.load import load_collection

        collection = load_collection(config)
    _check(config, collection, request)
    options = BookletOptions(request.lang, tuple(config.languages), request.fallback,
                             request.paper_size)
    roots = file_roots(config)
    renderer = Renderer(collection, options, roots[0], coverage(),
                        _subtitle(config, request.lang), _sources(config, collection))
    books = _books(collection, request)
    chapters, titles = [], {}
    first: set[int] = set()
    for flow in _flows(renderer, books):
        units = []
        for unit in flow.units:
            found = renderer.unit_html(unit, flow.book_index, flow.levels)
            if found is not None:
                units.append(found[0])
                titles[f"p-{flow.book_index}-{unit.paper}"] = found[1]
        if not units:
            continue
        opening = renderer.opening_html(flow.book, flow.chapter, flow.book_index not in first)
        first.add(flow.book_index)
        chapters.append({"run": flow.run, "opening": opening, "units": units})
    papers = len({a.split("-", 2)[2] for a in titles})
    html = renderer.single_html(books, _title(config, request.lang),
                                format_day(today(), ui_lang(request.lang)), papers, titles,
                                chapters)
    target = check_output(config.root, request.out) if request.out else \
        default_out(config, request).with_suffix(".single.pdf")
    layout = render(html, renderer.css(single=True), target, base_url(config), roots)
    return target, layout.pages
