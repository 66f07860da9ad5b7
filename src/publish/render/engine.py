"""WeasyPrint, called one way: HTML and CSS strings in, a tagged PDF file and what the
assembly needs to know about it out (pages, anchors, bookmarks, where each unit of the flow
starts, warnings)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from ..outputs import staged

PX_TO_PT = 0.75  # WeasyPrint lays out in CSS px; PDF user space is in points


@dataclass
class Rendered:
    """A rendered document's layout facts, in PDF points from the page's bottom-left."""

    pages: int
    height: float  # page height in points
    anchors: dict[str, tuple[int, float, float]] = field(default_factory=dict)
    bookmarks: list[tuple[int, int, str, float, float]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # number slots (see `publish.render.stamp`): (page, kind, key, x, y, size, r, g, b,
    # family, weight); kind is "folio" or "toc"
    slots: list[tuple[Any, ...]] = field(default_factory=list)
    # each unit spacer (`u-…` ids, see `publish.render.flow`): its page, and whether it is
    # at the top of that page's text area
    places: dict[str, tuple[int, bool]] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Rendered:
        return cls(
            pages=data["pages"], height=data["height"],
            anchors={k: (int(v[0]), float(v[1]), float(v[2]))
                     for k, v in data["anchors"].items()},
            bookmarks=[(int(a), int(b), str(c), float(d), float(e))
                       for a, b, c, d, e in data["bookmarks"]],
            warnings=list(data["warnings"]), slots=[tuple(s) for s in data["slots"]],
            places={k: (int(v[0]), bool(v[1])) for k, v in data["places"].items()})


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def render(html: str, css: str, target: Path, base_url: str, roots: list[Path],
           keep_anchors: tuple[str, ...] = ("p-", "c", "l-", "s-"),
           number_slots: bool = False,
           laid_out: Callable[[Rendered], None] | None = None,
           stops: frozenset[str] = frozenset()) -> Rendered:
    """Render to `target` (written atomically), tagged for accessibility. `laid_out` is
    told the pages (and where each unit starts) as soon as they are known, before the PDF
    is written, which takes a third of the time.

    `stops` are ids of unit spacers where the flow meets pages known from before: the
    layout ends with the first page (after the first) that one of them starts at its top,
    and only the pages up to it are written. The result then has no `u-end` place, and
    the stop's place is the last page's top (see `publish.render.flow`: a cut leaves the
    pages before it as they are, whatever follows)."""
    from weasyprint import CSS, HTML
    from weasyprint.logger import LOGGER
    from weasyprint.text.fonts import FontConfiguration

    from . import cjk
    from .fetcher import SafeFetcher

    cjk.install()
    collect = _Collect()
    LOGGER.addHandler(collect)
    previous = LOGGER.propagate
    LOGGER.propagate = False  # warnings are reported by the command, once, not by logging
    fetcher = SafeFetcher(roots)
    try:
        fonts = FontConfiguration()
        with _stopping(stops):
            doc = HTML(string=html, base_url=base_url, url_fetcher=fetcher).render(
                stylesheets=[CSS(string=css, base_url=base_url, url_fetcher=fetcher,
                                 font_config=fonts)],
                font_config=fonts)
        height = doc.pages[0].height * PX_TO_PT if doc.pages else 0.0
        out = Rendered(pages=len(doc.pages), height=height)
        for index, page in enumerate(doc.pages):
            top = page._page_box.content_box_y()
            for name, (x, y, _w, _h) in page.anchors.items():
                if name.startswith("u-"):
                    out.places.setdefault(name, (index, _at_top(y, top)))
                elif name.startswith(keep_anchors) and name not in out.anchors:
                    out.anchors[name] = (index, x * PX_TO_PT, height - y * PX_TO_PT)
            for level, label, (x, y), _state in page.bookmarks:
                out.bookmarks.append((index, level, label, x * PX_TO_PT,
                                      height - y * PX_TO_PT))
            if number_slots:
                out.slots.extend(_slots(page, index, height, folio=not out.slots))
        if laid_out is not None:
            laid_out(out)
        with staged(target) as tmp:  # removed again if writing fails
            doc.write_pdf(tmp, pdf_tags=True)
            _simplify(tmp)
    finally:
        LOGGER.removeHandler(collect)
        LOGGER.propagate = previous
    out.warnings = [f"refused to load {url}" for url in fetcher.refused] + [
        m for m in collect.messages if "refused to load" not in m]
    return out


@contextmanager
def _stopping(stops: frozenset[str]) -> Iterator[None]:
    """Have WeasyPrint's page maker end with the first page a spacer of `stops` tops.

    `layout_document` takes every page `make_all_pages` yields (and lays out margin boxes
    and bookmarks for those only), so ending that generator early is a shorter document,
    not a broken one. Without the function (another WeasyPrint), the whole run is laid
    out: slower, never wrong."""
    from weasyprint import layout

    make_all_pages = getattr(layout, "make_all_pages", None)
    if not stops or make_all_pages is None:
        yield
        return

    def until_stop(*args: Any, **kwargs: Any) -> Iterator[Any]:
        for index, page in enumerate(make_all_pages(*args, **kwargs)):
            yield page
            if index > 0 and _first_spacer_on_top(page) in stops:
                return

    layout.make_all_pages = until_stop
    try:
        yield
    finally:
        layout.make_all_pages = make_all_pages


def _at_top(y: float, top: float) -> bool:
    """A box at `y` starts the page whose content area starts at `top` (CSS px)."""
    return abs(y - top) < 0.01


def _first_spacer_on_top(page_box: Any) -> str:
    """The id of the unit spacer a page's content area starts with, or ''."""
    top = page_box.content_box_y()
    for box in page_box.descendants():
        name = box.style["anchor"]
        if name and name.startswith("u-"):
            return name if _at_top(box.border_box_y(), top) else ""
    return ""


def _simplify(path: Path) -> None:
    import pikepdf

    from .tags import simplify

    with pikepdf.open(path, allow_overwriting_input=True) as pdf:
        simplify(pdf)
        # qpdf's own object streams of 100 objects, not the one stream per document pydyf
        # writes: every assembly opens this file, and reading any object of a stream means
        # parsing all of it (measured on a 257-page run: opened and copied in 19 ms instead
        # of 68 ms)
        pdf.save(path, object_stream_mode=pikepdf.ObjectStreamMode.generate)


def _style(box: Any) -> tuple[float, float, float, float, str, int]:
    color = box.style["color"]
    try:
        r, g, b = (float(v) for v in color.to("srgb").coordinates)
    except (AttributeError, TypeError, ValueError):
        r = g = b = 0.0
    family = box.style["font_family"][0] if box.style["font_family"] else "serif"
    return (box.style["font_size"] * PX_TO_PT, r, g, b, family, int(box.style["font_weight"]))


def _slots(page: Any, index: int, height: float, folio: bool) -> list[tuple[Any, ...]]:
    """Where the numbers to stamp go: each contents entry's empty `.pn` marker (right edge
    of the page's content area, on the marker's baseline, with the stretch its dot leader
    spans: from the marker to the entry's right padding), and the page-number margin box
    as the model for the body's folios."""
    from weasyprint.formatting_structure import boxes

    page_box = page._page_box
    right = (page_box.content_box_x() + page_box.width) * PX_TO_PT
    found: list[tuple[Any, ...]] = []

    def walk(box: Any, column: float) -> None:
        nonlocal folio
        if isinstance(box, boxes.MarginBox):
            if folio and box.at_keyword == "@bottom-center":
                for text in box.descendants():
                    if isinstance(text, boxes.TextBox):
                        center = (box.content_box_x() + box.width / 2) * PX_TO_PT
                        base = height - (text.position_y + text.baseline) * PX_TO_PT
                        found.append((index, "folio", "", center, base, *_style(text), 0, 0))
                        folio = False
                        break
            return
        element = getattr(box, "element", None)
        if isinstance(box, boxes.BlockBox) and getattr(box, "element_tag", "") == "a":
            column = (box.content_box_x() + box.width) * PX_TO_PT
        elif isinstance(box, boxes.InlineBox) and element is not None:
            name = element.get("id") or ""
            if name.startswith("pn-") and box.baseline is not None:
                base = height - (box.position_y + box.baseline) * PX_TO_PT
                found.append((index, "toc", name[3:], right, base, *_style(box),
                              box.position_x * PX_TO_PT, column))
                return
        for child in getattr(box, "children", ()):
            walk(child, column)

    walk(page_box, right)
    return found
