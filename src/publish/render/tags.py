"""The tagged structure of an assembled booklet, from the structures of its parts.

WeasyPrint tags each document it writes (`pdf_tags`): a StructTreeRoot whose Document
element holds, page after page, the structure elements of that page's boxes (an element
split by a page break is one element per page), and a ParentTree that maps each page's
marked content (its MCIDs, numbered per page) and each link annotation to its element.
Because every top-level element lives on one page, the pages a booklet takes from a part
bring their elements with them: the assembly copies those elements under one Document
element, in page order, and renumbers the ParentTree keys (a page's `StructParents`, an
annotation's `StructParent`). MCIDs stay as they are, since they are per page.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pikepdf
from pikepdf import Array, Dictionary, Name, Pdf


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

    def add(self, src: Pdf, first: int, end: int, at: int) -> None:
        """Pages [first, end) of `src`, already copied to the booklet from page `at` on."""
        tree = src.Root.get("/StructTreeRoot")
        if tree is None:
            return
        parents = _number_tree(tree.get("/ParentTree"))
        source_doc = tree.K[0] if isinstance(tree.K, Array) else tree.K
        kept = {src.pages[i].objgen: at + i - first for i in range(first, end)}
        elements = [e for e in source_doc.get("/K", Array())
                    if isinstance(e, Dictionary) and "/Pg" in e and e.Pg.objgen in kept]
        # Cut the source document off before copying, so that nothing drags it (and with
        # it every page it has) into the booklet.
        source_doc.K = Array()
        if "/P" in source_doc:
            del source_doc["/P"]
        for element in elements:
            copied = self.out.copy_foreign(element)
            copied.P = self.document
            self.document.K.append(copied)
        for i in range(first, end):
            page = src.pages[i]
            target = self.out.pages[at + i - first]
            key = page.obj.get("/StructParents")
            if key is not None and int(key) in parents:
                target.obj.StructParents = self._entry(src, parents[int(key)])
            for annot in page.obj.get("/Annots", Array()):
                key = annot.get("/StructParent")
                if key is not None and int(key) in parents and annot.is_indirect:
                    # the page brought its annotations along: this finds the copy
                    self.out.copy_foreign(annot).StructParent = self._entry(
                        src, parents[int(key)])

    def _entry(self, src: Pdf, value: pikepdf.Object) -> int:
        if not value.is_indirect:
            value = src.make_indirect(value)
        self.nums.append((len(self.nums), self.out.copy_foreign(value)))
        return len(self.nums) - 1

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
