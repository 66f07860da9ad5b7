"""`publish pdf`: the booklet, rendered in parallel runs, cached, and assembled.

This module is the entry: it starts the workers (after an edit, the one that renders forks
first and loads WeasyPrint while the rest loads, `pool`) and hands over to `build`.

1. The selection (lists or the whole collection) becomes books > chapters > units
   (`book`); worker processes (forked, so they share the loaded collection) turn every
   unit into HTML, and each unit's HTML is hashed; an edit's few units are made here.
2. Each chapter is one flow of pages, rendered as runs that meet where a unit starts a page
   (`flow`): a chapter's runs are a chain (each starts at the last cut of the one before),
   chapters render side by side. A run is cached by the hash of its HTML, CSS, fonts and
   versions, and every build records which runs it used (`cache/flows/`), so a rebuild
   after an edit lays out from the last cut before the edit until its pages meet the old
   ones again, stops there, and takes the rest from the cache.
3. The runs' pages give every paper its page; the front matter (cover, contents) is
   rendered alongside, then everything is joined (`assemble`, parts read while the workers
   render): page numbers stamped, the contents linked, the outline and the tagged structure
   rebuilt. A booklet the same parts made last time is not written again.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from ..config import Config
from ..model import Collection
from .pool import RenderState, Workers, early_queue
from .request import (
    EDIT_WEIGHT,
    RUN_WEIGHT,
    PdfRequest,
    PdfResult,
    Progress,
    base_url,
    default_out,
    start,
)

__all__ = ["EDIT_WEIGHT", "RUN_WEIGHT", "PdfRequest", "PdfResult", "build_pdf", "default_out",
           "render_single"]


def build_pdf(config: Config, request: PdfRequest, progress: Progress | None = None,
              collection: Collection | None = None) -> PdfResult:
    """Render the booklet `request` asks for; returns where it is and what it took."""
    begun = start(config, request, time.perf_counter())
    jobs = request.jobs or os.cpu_count() or 1
    # after an edit, the worker that renders forks first, to load WeasyPrint while the
    # collection loads (one: a chapter's runs are a chain); from nothing, the workers fork
    # with the collection loaded, make the HTML, then render
    state = RenderState(begun.cache, base_url(config), begun.roots, early_queue())
    with Workers(jobs, state, renderers=1 if begun.previous else 0) as pool:
        from .build import build  # the rest of the booklet's code, while the workers start

        if collection is None:
            from ..content.load import load_collection

            collection = load_collection(config)
        return build(config, request, collection, begun, pool, progress)


def render_single(config: Config, request: PdfRequest,
                  collection: Collection | None = None) -> tuple[Path, int]:
    """The same booklet as one WeasyPrint document (see `build.render_single`)."""
    from .build import render_single as single

    return single(config, request, collection)
