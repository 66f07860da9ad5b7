"""What `publish pdf` is asked for and what it answers: the booklet's request and result,
kept apart from the build so that starting one imports next to nothing (see `pdf`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..config import Config
from ..outputs import check_output
from .cache import Cache, digest

# Characters of text in a run: a cold one, about 120 pages (a chapter's runs are a chain, so
# few long ones finish first: each waits for the one before and for a free worker; WeasyPrint
# takes about as long a page either way); and past an edit, about 10 pages at most (where a
# grown paper's shift is absorbed, in nine edits out of ten): its layout ends where its
# pages meet the previous build's (`schedule`'s stops), often two or three pages on.
RUN_WEIGHT = 400_000
EDIT_WEIGHT = 30_000

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
    run_weight: int = RUN_WEIGHT  # smaller runs: more joins (the tests check they are unseen)
    edit_weight: int = EDIT_WEIGHT


@dataclass
class PdfResult:
    path: Path
    pages: int
    papers: int
    runs: int  # runs whose pages the booklet uses
    rendered: int  # runs rendered now (the others came from the cache)
    rendered_pages: int  # their pages
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0
    written: bool = True  # False: the booklet there was already this one


def default_out(config: Config, request: PdfRequest) -> Path:
    name = "+".join(request.lists) if request.lists else "all"
    return config.build_dir / "pdf" / f"{name}.{request.lang}.pdf"


def booklet_id(request: PdfRequest) -> str:
    return digest(request.lang, "+".join(request.lists), request.paper_size,
                 request.fallback)[:24]


def file_roots(config: Config) -> list[Path]:
    """Where a booklet may read files from: the project's templates and assets, then the
    package's templates (`fetcher.SafeFetcher` refuses anything else)."""
    return [config.root / "templates", config.root / "assets",
            Path(__file__).resolve().parent.parent / "templates"]


def base_url(config: Config) -> str:
    return config.root.as_uri() + "/"


@dataclass
class Start:
    """What a build knows before its workers fork (from the configuration alone)."""

    target: Path
    cache: Cache
    booklet: str  # booklet_id
    previous: dict[str, list[str]]  # flow key -> runs the previous build used
    roots: list[Path]
    started: float  # time.perf_counter() when the command began


def start(config: Config, request: PdfRequest, started: float) -> Start:
    target = (check_output(config.root, request.out) if request.out
              else default_out(config, request))
    cache = Cache(config.build_dir / "pdf" / "cache", request.use_cache)
    booklet = booklet_id(request)
    return Start(target, cache, booklet, cache.flows(booklet), file_roots(config), started)

