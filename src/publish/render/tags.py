"""The tagged structure of an assembled booklet, from the structures of its parts.

WeasyPrint tags each document it writes (`pdf_tags`): a StructTreeRoot whose Document
element holds, page after page, the structure elements of that page's boxes (an element
split by a page break is one element per page), and a ParentTree that maps each page's
marked content (its MCIDs, numbered per page) and each link annotation to its element.
Because every top-level element lives on one page, the pages a booklet takes from a part
bring their elements with them: the assembly copies those elements under one Document
element, in page order, and renumbers the ParentTree keys (a page's `StructParents`, an
annotation's `StructParent`). MCIDs stay as they are, since they are per page. A part is
read (copied in) once, whenever it is ready, and its pages placed in order at the end.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pikepdf
from pikepdf import Array, Dictionary, Name, Pdf


@dataclass
class Read:
    """A part read into the booklet: its pages copied in (not placed yet) and, page by
    page, what its structure gives the booklet. Reading is the slow half of joining, and
    needs no order: it is done while other parts are still being rendered."""

    pages: list[pikepdf.Object]  # the copies, by the part's page index
    elements: list[list[pikepdf.Object]]  # top-level structure elements, by page
    parents: list[pikepdf.Object | None]  # ParentTree value of the page's marked content
    annots: list[list[tuple[pikepdf.Object, pikepdf.Object]]]  # (annotation, its element)


@dataclass
class Structure:
    """The booklet's structure tree, filled part by part."""

    out: Pdf
    root: pikepdf.Object = field(init=False)
    document: pikepdf.Object = field(init=False)
    nums: list[tuple[int, pikepdf.Object]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.root = self.out.make_indirect(Dictionary(Type=Name.StructTreeRoot))
        self.document = self.out.make_indirect(Dictionary(
            Type=Name.StructElem, S=Name.Document, P=self.root, K=Array()))
        self.root.K = Array([self.document])

    def read(self, src: Pdf) -> Read:
        """Copy every page of `src` into the booklet, with its structure."""
        pages = list(src.pages)
        copied = [self.out.copy_foreign(page.obj) for page in pages]
        n = len(pages)
        part = Read(copied, [[] for _ in range(n)], [None] * n, [[] for _ in range(n)])
        tree = src.Root.get("/StructTreeRoot")
        if tree is None:
            return part
        parents = _number_tree(tree.get("/ParentTree"))
        source_doc = tree.K[0] if isinstance(tree.K, Array) else tree.K
        index = {page.objgen: i for i, page in enumerate(pages)}
        elements = [e for e in source_doc.get("/K", Array())
                    if isinstance(e, Dictionary) and "/Pg" in e and e.Pg.objgen in index]
        # Cut the source document off before copying, so that nothing drags it (and with
        # it every page it has) into the booklet.
        source_doc.K = Array()
        if "/P" in source_doc:
            del source_doc["/P"]
        # What the booklet takes from this part, gathered in one array and copied in one
        # call (a call per element costs a third of the assembly).
        wanted: list[pikepdf.Object] = list(elements)
        holders: list[tuple[int, pikepdf.Object | None]] = []  # (page, annotation or None)
        for i, page in enumerate(pages):
            key = page.obj.get("/StructParents")
            if key is not None and int(key) in parents:
                wanted.append(parents[int(key)])
                holders.append((i, None))
            for annot in page.obj.get("/Annots", Array()):
                key = annot.get("/StructParent")
                if key is not None and int(key) in parents and annot.is_indirect:
                    wanted.append(parents[int(key)])
                    # the page brought its annotations along: this finds the copy
                    holders.append((i, self.out.copy_foreign(annot)))
        found = list(self.out.copy_foreign(src.make_indirect(Array(wanted))))
        for element, copy in zip(elements, found[:len(elements)], strict=True):
            part.elements[index[element.Pg.objgen]].append(copy)
        for (i, annot), value in zip(holders, found[len(elements):], strict=True):
            if annot is None:
                part.parents[i] = value
            else:
                part.annots[i].append((annot, value))
        return part

    def place(self, part: Read, first: int, end: int) -> None:
        """Pages [first, end) of a part read before, now the booklet's next pages."""
        for i in range(first, end):
            page = part.pages[i]
            self.out.pages.append(pikepdf.Page(page))
            for element in part.elements[i]:
                element.P = self.document
                self.document.K.append(element)
            if part.parents[i] is not None:
                page.StructParents = len(self.nums)
                self.nums.append((len(self.nums), part.parents[i]))
            for annot, value in part.annots[i]:
                annot.StructParent = len(self.nums)
                self.nums.append((len(self.nums), value))

    def finish(self, lang: str) -> None:
        nums = Array()
        for key, value in self.nums:
            nums.append(key)
            nums.append(value)
        self.root.ParentTree = self.out.make_indirect(Dictionary(Nums=nums))
        self.root.ParentTreeNextKey = len(self.nums)
        catalog = self.out.Root
        catalog.StructTreeRoot = self.root
        catalog.MarkInfo = Dictionary(Marked=True)
        catalog.Lang = pikepdf.String(lang)


def _number_tree(node: pikepdf.Object | None) -> dict[int, pikepdf.Object]:
    """A number tree's leaves (WeasyPrint writes one /Nums array; others may nest /Kids)."""
    found: dict[int, pikepdf.Object] = {}
    if node is None:
        return found
    nums = node.get("/Nums")
    if nums is not None:
        for i in range(0, len(nums) - 1, 2):
            found[int(nums[i])] = nums[i + 1]
    for kid in node.get("/Kids", Array()):
        found.update(_number_tree(kid))
    return found


_KEEP = ("/A", "/Alt", "/ActualText", "/Lang", "/ID", "/E", "/T", "/C")


def simplify(pdf: Pdf) -> None:
    """Fold away what WeasyPrint's tagging adds that says nothing: a `Span` around each
    piece of text that is its parent's content anyway (its MCID goes to the parent) and
    elements with no content (the layout's spacers). Half the objects of a booklet, which
    every assembly copies, writes and frees."""
    tree = pdf.Root.get("/StructTreeRoot")
    if tree is None:
        return
    moved: dict[tuple[int, int], pikepdf.Object] = {}  # span -> the parent taking its MCID

    def fold(element: pikepdf.Object) -> bool:
        """Simplify under `element`; False when it is left with nothing in it."""
        kids = element.get("/K")
        if not isinstance(kids, Array):
            return kids is not None
        kept = Array()
        for kid in kids:
            if isinstance(kid, Dictionary) and kid.get("/Type") == Name.StructElem:
                inner = kid.get("/K")
                if (kid.get("/S") == Name.Span and isinstance(inner, Array) and len(inner) == 1
                        and isinstance(inner[0], int) and not any(k in kid for k in _KEEP)
                        and kid.get("/Pg") == element.get("/Pg")):
                    kept.append(inner[0])
                    moved[kid.objgen] = element
                    continue
                if not fold(kid) and not any(k in kid for k in _KEEP):
                    continue
            kept.append(kid)
        element.K = kept
        return len(kept) > 0

    fold(tree.K[0] if isinstance(tree.K, Array) else tree.K)
    for value in _number_tree(tree.get("/ParentTree")).values():
        if isinstance(value, Array):
            for i, item in enumerate(value):
                if isinstance(item, Dictionary) and item.objgen in moved:
                    value[i] = moved[item.objgen]
