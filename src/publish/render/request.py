"""What `publish pdf` is asked for and what it answers: the booklet's request and result,
kept apart from the build so that starting one imports next to nothing (see `pdf`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..config import Config
from .cache import digest

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
