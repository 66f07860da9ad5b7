"""XLIFF 1.2 (strict) and 2.1 (core) out of export units. Valid against the OASIS schemas;
the shapes and the reasons for them are in docs/notes-exchange.md.

One `<file>` per paper, one unit per block. The states are chosen for how tools read them:

- missing: no target (1.2), no state and no target (2.1);
- machine draft: 1.2 `<target state="needs-review-translation"
  state-qualifier="mt-suggestion">`; 2.1 `<segment state="initial" subState="publish:machine">`;
- outdated: 1.2 `state="needs-review-translation"`, the old source in `<alt-trans>`; 2.1
  `state="initial" subState="publish:outdated"`, the old source in a note.

So an untouched suggestion never comes back as translated: translate-toolkit and Weblate
read both as fuzzy ("needs editing"), OmegaT writes `state="translated"` on the segments a
translator confirms. (`translated` for a machine draft in 2.1 would come back unchanged as a
finished translation.) Markdown syntax is native code: 1.2 `<ph>`/`<bpt>`/`<ept>` hold it as
text (translate-toolkit's `xliff2po` gives the exact Markdown back), 2.1 keeps it in
`<originalData>`, referenced from `<ph>`/`<pc>`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from lxml import etree

from ..errors import PublishError
from .inline import LINK, PAIR, Code, Piece
from .units import ExportUnit, Pair, PaperUnits

NS12 = "urn:oasis:names:tc:xliff:document:1.2"
NS11 = "urn:oasis:names:tc:xliff:document:1.1"
NS2 = "urn:oasis:names:tc:xliff:document:2.0"
XML_NS = "http://www.w3.org/XML/1998/namespace"
SPACE = f"{{{XML_NS}}}space"
TOOL = "publish"

# ctype (1.2) / subType (2.1) of each kind of code
_CTYPE12 = {"bold": "bold", "italic": "italic", "link": "link"}
_SUBTYPE2 = {"bold": "xlf:b", "italic": "xlf:i"}


def _check_text(text: str, where: tuple[str, int]) -> str:
    """XML 1.0 cannot hold most control characters: say where one is rather than fail."""
    for ch in text:
        if (ord(ch) < 0x20 and ch not in "\t\n\r") or 0xFFFE <= ord(ch) <= 0xFFFF:
            raise PublishError(f"U+{ord(ch):04X} cannot be written in XLIFF (XML 1.0); remove "
                               "it from the block", where[0], where[1])
    return text


class _Builder:
    """Appends text and child elements to one element, in order (lxml's text/tail)."""

    def __init__(self, element: etree._Element, where: tuple[str, int]):
        self.element = element
        self.where = where

    def text(self, value: str) -> None:
        value = _check_text(value, self.where)
        if len(self.element):
            last = self.element[-1]
            last.tail = (last.tail or "") + value
        else:
            self.element.text = (self.element.text or "") + value

    def child(self, tag: str, text: str | None = None, **attrs: str) -> etree._Element:
        el = etree.SubElement(self.element, tag, {k.replace("_", "-"): v for k, v in
                                                  attrs.items()})
        if text is not None:
            el.text = _check_text(text, self.where)
        return el


# ---------------------------------------------------------------------------------------------
# XLIFF 1.2


def _inline12(out: _Builder, pieces: Iterable[Piece]) -> None:
    tag = f"{{{NS12}}}"
    for piece in pieces:
        if isinstance(piece, str):
            out.text(piece)
            continue
        code = piece.code
        if code.form != PAIR:
            out.child(tag + "ph", code.open, id=code.id, ctype=f"x-{code.ctype}")
            continue
        out.child(tag + "bpt", code.open, id=code.id, ctype=_CTYPE12[code.ctype])
        _inline12(out, piece.children)
        out.child(tag + "ept", code.close, id=code.id)


def _unit12(body: etree._Element, unit: ExportUnit) -> None:
    tag = f"{{{NS12}}}"
    attrs = {"id": str(unit.id), "resname": str(unit.id), SPACE: "preserve"}
    tu = etree.SubElement(body, tag + "trans-unit", attrs)
    where = unit.location
    _inline12(_Builder(etree.SubElement(tu, tag + "source"), where), unit.segment.pieces)
    if unit.suggestion is not None:
        target = etree.SubElement(tu, tag + "target", {"state": "needs-review-translation"})
        if unit.state == "machine" or (unit.target is not None and unit.target.state ==
                                       "machine"):
            target.set("state-qualifier", "mt-suggestion")
        _inline12(_Builder(target, where), unit.suggestion)
    group = _Builder(etree.SubElement(tu, tag + "context-group", {"purpose": "location"}),
                     where)
    group.child(tag + "context", unit.location[0], context_type="sourcefile")
    group.child(tag + "context", str(unit.location[1]), context_type="linenumber")
    if unit.previous is not None and unit.suggestion is not None:
        alt = _Builder(etree.SubElement(tu, tag + "alt-trans", {
            "alttranstype": "previous-version", "origin": TOOL}), where)
        alt.child(tag + "source", unit.previous)
        _inline12(_Builder(alt.child(tag + "target"), where), unit.suggestion)
    notes = _Builder(tu, where)
    for note in (*unit.notes, unit.record.format()):
        notes.child(tag + "note", note, **{"from": TOOL, "annotates": "general"})


def xliff12(pair: Pair, papers: Sequence[PaperUnits]) -> bytes:
    tag = f"{{{NS12}}}"
    root = etree.Element(tag + "xliff", {"version": "1.2"}, nsmap={None: NS12})
    for paper in papers:
        file = etree.SubElement(root, tag + "file", {
            "original": paper.source_path, "source-language": pair.source,
            "target-language": pair.target, "datatype": "x-markdown"})
        header = _Builder(etree.SubElement(file, tag + "header"), (paper.source_path, 1))
        header.child(tag + "tool", tool_id=TOOL, tool_name=TOOL)
        header.child(tag + "note", paper.note, **{"from": TOOL})
        body = etree.SubElement(file, tag + "body")
        for unit in paper.units:
            _unit12(body, unit)
    return _serialise(root)


# ---------------------------------------------------------------------------------------------
# XLIFF 2.1


class _Data:
    """A unit's `<originalData>`: one `<data>` per distinct piece of Markdown."""

    def __init__(self) -> None:
        self.ids: dict[str, str] = {}

    def ref(self, native: str) -> str:
        return self.ids.setdefault(native, f"d{len(self.ids) + 1}")


def _disp(text: str) -> str:
    return text if len(text) <= 40 else text[:39] + "…"


def _inline2(out: _Builder, pieces: Iterable[Piece], data: _Data) -> None:
    tag = f"{{{NS2}}}"
    for piece in pieces:
        if isinstance(piece, str):
            out.text(piece)
            continue
        code: Code = piece.code
        can_delete = {"canDelete": "no"} if code.protected else {}
        if code.form != PAIR:
            out.child(tag + "ph", id=code.id, dataRef=data.ref(code.open), type="other",
                      subType=f"publish:{code.ctype}", disp=_disp(code.open), **can_delete)
            continue
        kind = ({"type": "link"} if code.ctype == LINK else
                {"type": "fmt", "subType": _SUBTYPE2[code.ctype]})
        pc = out.child(tag + "pc", id=code.id, dataRefStart=data.ref(code.open),
                       dataRefEnd=data.ref(code.close), dispStart=_disp(code.open),
                       dispEnd=_disp(code.close), **kind, **can_delete)
        _inline2(_Builder(pc, out.where), piece.children, data)


def _unit2(file: etree._Element, unit: ExportUnit) -> None:
    tag = f"{{{NS2}}}"
    where = unit.location
    el = etree.SubElement(file, tag + "unit", {"id": str(unit.id), "name": str(unit.id)})
    notes = _Builder(etree.SubElement(el, tag + "notes"), where)
    for note in unit.notes:
        notes.child(tag + "note", note, category="publish:state")
    notes.child(tag + "note", f"{unit.location[0]}:{unit.location[1]}",
                category="publish:location")
    if unit.previous is not None and unit.suggestion is not None:
        notes.child(tag + "note", unit.previous, category="publish:previous-source",
                    appliesTo="source")
    notes.child(tag + "note", unit.record.format(), category="publish:export")
    original = etree.SubElement(el, tag + "originalData")
    data = _Data()
    segment = etree.SubElement(el, tag + "segment")
    if unit.suggestion is not None:
        segment.set("state", "initial")
        segment.set("subState", "publish:machine" if unit.state == "machine" else
                    "publish:outdated")
    source = etree.SubElement(segment, tag + "source", {SPACE: "preserve"})
    _inline2(_Builder(source, where), unit.segment.pieces, data)
    if unit.suggestion is not None:
        target = etree.SubElement(segment, tag + "target", {SPACE: "preserve"})
        _inline2(_Builder(target, where), unit.suggestion, data)
    for native, data_id in data.ids.items():
        d = etree.SubElement(original, tag + "data", {"id": data_id, SPACE: "preserve"})
        d.text = _check_text(native, where)
    if not data.ids:
        el.remove(original)


def xliff21(pair: Pair, papers: Sequence[PaperUnits]) -> bytes:
    tag = f"{{{NS2}}}"
    root = etree.Element(tag + "xliff", {"version": "2.1", "srcLang": pair.source,
                                         "trgLang": pair.target}, nsmap={None: NS2})
    for paper in papers:
        file = etree.SubElement(root, tag + "file", {"id": paper.paper.id,
                                                     "original": paper.source_path})
        notes = _Builder(etree.SubElement(file, tag + "notes"), (paper.source_path, 1))
        notes.child(tag + "note", paper.note, category="publish:paper")
        for unit in paper.units:
            _unit2(file, unit)
    return _serialise(root)


# Elements whose content is text: indenting inside them would change the text.
_CONTENT = frozenset({"source", "target", "note", "data", "context"})


def _indent(el: etree._Element, level: int = 0) -> None:
    """Indent the structure, never inside text (lxml's indent and pretty_print both add
    whitespace inside a `<target>` that holds only a code)."""
    if etree.QName(el).localname in _CONTENT or not len(el):
        return
    pad = "\n" + "  " * (level + 1)
    el.text = pad
    for child in el:
        _indent(child, level + 1)
        child.tail = pad
    el[-1].tail = "\n" + "  " * level


def _serialise(root: etree._Element) -> bytes:
    _indent(root)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8") + b"\n"
