"""Join the separately rendered parts into one booklet with pikepdf (qpdf).

Front matter, then the body chunks in order; body pages get their numbers stamped (so a
chunk's own PDF never depends on where it lands) and so do the contents entries; the
contents' links point at the pages the chunks' anchors ended up on; the outline is rebuilt
from every part's `bookmark-level`s in document order, exactly as WeasyPrint nests them in
one document; page labels number the front matter i, ii… and the body 1, 2…

pikepdf rather than pypdf: joining ~1,500 pages takes 0.3 s instead of 2.5 s, which is most
of a rebuild after one edit.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pikepdf
from pikepdf import Array, Dictionary, Name, OutlineItem, Pdf

from ..outputs import staged
from .engine import Rendered
from .stamp import Slot, Stamper, Style


@dataclass
class Part:
    path: Path
    layout: Rendered


def assemble(front: Part, body: list[Part], target: Path, *, title: str, lang: str) -> int:
    """Write the booklet to `target` atomically; returns its page count."""
    out = Pdf.new()
    sources = [Pdf.open(front.path)] + [Pdf.open(p.path) for p in body]
    try:
        starts: list[int] = []  # index in `out` of each part's first page
        for src in sources:
            starts.append(len(out.pages))
            out.pages.extend(src.pages)
        where = _anchors(body, starts)
        _stamp_numbers(out, front, where, first_body=front.layout.pages)
        _link_contents(out, front, where, starts[0])
        _outline(out, [front, *body], starts)
        front_pages = front.layout.pages
        out.Root.PageLabels = Dictionary(Nums=Array([
            0, Dictionary(S=Name.r),
            front_pages, Dictionary(S=Name.D, St=1)]))
        out.Root.Lang = pikepdf.String(lang)
        out.Root.ViewerPreferences = Dictionary(DisplayDocTitle=True)
        out.Root.PageMode = Name.UseOutlines
        out.docinfo[Name.Title] = title
        out.docinfo[Name.Creator] = "publish"
        with staged(target) as tmp:  # removed again if writing fails
            out.save(tmp, compress_streams=True,
                     object_stream_mode=pikepdf.ObjectStreamMode.generate)
        return len(out.pages)
    finally:
        for src in sources:
            src.close()
        out.close()


def _anchors(body: list[Part], starts: list[int]) -> dict[str, tuple[int, float, float]]:
    """Every body anchor's page (index in the booklet) and point."""
    where: dict[str, tuple[int, float, float]] = {}
    for part, start in zip(body, starts[1:], strict=True):
        for name, (page, x, y) in part.layout.anchors.items():
            where.setdefault(name, (start + page, x, y))
    return where


def _slot(raw: tuple[Any, ...]) -> Slot:
    page, kind, key, x, y, size, r, g, b, family, weight = raw
    return Slot(int(page), float(x), float(y), "center" if kind == "folio" else "right",
                Style(str(family), int(weight), float(size), (float(r), float(g), float(b))),
                str(key))


def _stamp_numbers(out: Pdf, front: Part, where: dict[str, tuple[int, float, float]],
                   first_body: int) -> None:
    slots = [_slot(raw) for raw in front.layout.slots]
    stamper = Stamper(out)
    model = next((s for s in slots if s.align == "center"), None)
    if model is None:  # a project stylesheet without front-matter numbers: a sober default
        width = float(out.pages[0].mediabox[2])
        model = Slot(0, width / 2, 28.0, "center", Style("Noto Serif", 400, 8.0,
                                                         (0.27, 0.27, 0.27)))
    for n in range(first_body, len(out.pages)):
        stamper.stamp(n, [(str(n - first_body + 1), model)])
    by_page: dict[int, list[tuple[str, Slot]]] = {}
    for slot in slots:
        found = where.get(slot.key)
        if slot.align == "right" and found is not None:
            by_page.setdefault(slot.page, []).append((str(found[0] - first_body + 1), slot))
    for page, items in by_page.items():
        stamper.stamp(page, items)


def _dest(out: Pdf, page: int, left: float, top: float) -> Array:
    return Array([out.pages[page].obj, Name.XYZ, left, top, 0])


def _link_contents(out: Pdf, front: Part, where: dict[str, tuple[int, float, float]],
                   first: int) -> None:
    for page, target, rect in front.layout.links:
        found = where.get(target.lstrip("#"))
        if found is None:
            continue
        annot = Dictionary(Type=Name.Annot, Subtype=Name.Link, Rect=Array(list(rect)),
                           Border=Array([0, 0, 0]),
                           Dest=_dest(out, found[0], found[1], found[2]))
        pdf_page = out.pages[first + page]
        if Name.Annots not in pdf_page.obj:
            pdf_page.obj.Annots = Array()
        pdf_page.obj.Annots.append(out.make_indirect(annot))


def _outline(out: Pdf, parts: list[Part], starts: list[int]) -> None:
    """Bookmarks nested by CSS level across parts: a level-3 paper in a chunk that
    continues a chapter hangs under the chapter bookmark of an earlier chunk."""
    with out.open_outline() as outline:
        stack: list[tuple[int, OutlineItem]] = []
        for part, start in zip(parts, starts, strict=True):
            for page, level, label, x, y in part.layout.bookmarks:
                item = OutlineItem(label, _dest(out, start + page, x, y))
                while stack and stack[-1][0] >= level:
                    stack.pop()
                if stack:
                    stack[-1][1].children.append(item)
                else:
                    outline.root.append(item)
                stack.append((level, item))
