"""Reading XLIFF back: 1.2 (and 1.1, as translate-toolkit's po2xliff writes it) and 2.x, as
tools save them — not only as publish wrote them.

Codes are matched by id against the same unit's source: a target code the source does not
have, or whose Markdown was changed, makes the unit unimportable; codes a tool flattened to
text are fine (their Markdown is then checked as a PO translation's is). 1.2 `<g>` and 2.x
`<sc>`/`<ec>` (what some tools turn pairs into) are understood; `<mrk>` is looked through.

A unit is finished when a person or tool said so: 1.2 `state` translated, signed-off or
final, or `approved="yes"`, or a target without any state (as Weblate reads it); 2.x every
segment `translated`, `reviewed` or `final`. `new` and `needs-*` states, 2.x `initial`, and
empty targets are left alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from ..errors import Problem
from .ids import find_record
from .read import ReadFile, ReadUnit
from .xliff import NS2, NS11, NS12

DONE_12 = ("translated", "signed-off", "final")
DONE_2 = ("translated", "reviewed", "final")
_PARSER_OPTIONS = {"resolve_entities": False, "no_network": True, "load_dtd": False,
                   "huge_tree": False, "remove_blank_text": False}


@dataclass(frozen=True)
class _Native:
    form: str  # ph, pair
    open: str
    close: str = ""


@dataclass
class _Flat:
    """A source or target element written out as Markdown, with the code ids it used."""

    text: list[str] = field(default_factory=list)
    ids: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def value(self) -> str:
        return "".join(self.text)


def _local(el: etree._Element) -> str:
    return etree.QName(el).localname if isinstance(el.tag, str) else ""


def read_xliff(path: Path, data: bytes) -> ReadFile:
    try:
        parser = etree.XMLParser(**_PARSER_OPTIONS)
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        line = exc.lineno if exc.lineno else None
        message = str(exc.msg if hasattr(exc, "msg") else exc).split(", line ")[0]
        return ReadFile(path, "xliff", problems=[Problem(f"broken XML: {message}", path, line)])
    doc = root.getroottree()
    if doc.docinfo.internalDTD is not None or doc.docinfo.doctype:
        return ReadFile(path, "xliff", problems=[Problem(
            "a DOCTYPE in an XLIFF file is not accepted (entities could hide content)", path,
            1)])
    ns = etree.QName(root).namespace
    if _local(root) != "xliff" or ns not in (NS12, NS11, NS2):
        return ReadFile(path, "xliff", problems=[Problem(
            f"not XLIFF: the root element is {root.tag!r}", path, root.sourceline)])
    if ns == NS2:
        return _read2(path, root)
    return _read12(path, root, ns)


# ---------------------------------------------------------------------------------------------
# 1.2


def _natives12(source: etree._Element, ns: str) -> dict[str, _Native]:
    found: dict[str, _Native] = {}
    opens: dict[str, str] = {}
    for el in source.iter(f"{{{ns}}}ph", f"{{{ns}}}bpt", f"{{{ns}}}ept", f"{{{ns}}}it"):
        code = el.get("id") or el.get("rid") or ""
        text = "".join(el.itertext())
        local = _local(el)
        if local == "bpt":
            opens[el.get("rid") or code] = text
        elif local == "ept":
            key = el.get("rid") or code
            found[key] = _Native("pair", opens.get(key, ""), text)
        else:
            found[code] = _Native("ph", text)
    return found


def _flatten12(el: etree._Element, natives: dict[str, _Native], out: _Flat, ns: str,
               check: bool) -> None:
    """`el`'s content as Markdown into `out`; with `check`, codes are checked against
    `natives` (the source's)."""
    if el.text:
        out.text.append(el.text)
    for child in el:
        local = _local(child)
        code = child.get("rid") or child.get("id") or ""
        native = natives.get(code)
        content = "".join(child.itertext())
        if local in ("ph", "it", "bpt", "ept"):
            if check and native is None:
                out.problems.append(f"its target has a <{local} id={code!r}> that its source "
                                    "does not have")
            elif native is not None:
                want = native.open if local in ("ph", "it", "bpt") else native.close
                if check and content and content != want:
                    out.problems.append(f"its target changed the code {code!r} "
                                        f"({_short(want)!r} → {_short(content)!r})")
                out.text.append(want)
                if local != "ept":
                    out.ids.append(code)
            else:
                out.text.append(content)
        elif local == "g" and native is not None and native.form == "pair":
            out.text.append(native.open)
            out.ids.append(code)
            _flatten12(child, natives, out, ns, check)
            out.text.append(native.close)
        elif local in ("mrk", "g"):
            _flatten12(child, natives, out, ns, check)
        elif local in ("x", "bx", "ex") and check:
            out.problems.append(f"its target has a <{local} id={code!r}> that its source "
                                "does not have")
        if child.tail:
            out.text.append(child.tail)


def _read12(path: Path, root: etree._Element, ns: str) -> ReadFile:
    out = ReadFile(path, "xliff 1.2")
    files = root.findall(f"{{{ns}}}file")
    if not files:
        out.problems.append(Problem("an XLIFF file without any <file>", path, root.sourceline))
    for file in files:
        src, tgt = file.get("source-language"), file.get("target-language")
        if out.source_lang is None:
            out.source_lang, out.target_lang = src, tgt
        elif (src, tgt) != (out.source_lang, out.target_lang):
            out.problems.append(Problem(f"one <file> is {src} → {tgt}, another "
                                        f"{out.source_lang} → {out.target_lang}", path,
                                        file.sourceline))
        for tu in file.iter(f"{{{ns}}}trans-unit"):
            out.units.append(_unit12(tu, ns))
    return out


def _unit12(tu: etree._Element, ns: str) -> ReadUnit:
    source = tu.find(f"{{{ns}}}source")
    target = tu.find(f"{{{ns}}}target")
    natives = _natives12(source, ns) if source is not None else {}
    src = _Flat()
    if source is not None:
        _flatten12(source, natives, src, ns, check=False)
    tgt = _Flat()
    if target is not None:
        _flatten12(target, natives, tgt, ns, check=True)
    text = tgt.value if target is not None and tgt.value.strip() else None
    state = target.get("state") if target is not None else None
    done = text is not None and (state in DONE_12 or tu.get("approved") == "yes"
                                 or state is None)
    if tu.get("translate") == "no":
        done = False
    notes = [n.text or "" for n in tu.iter(f"{{{ns}}}note")]
    unit = ReadUnit(tu.get("id") or "", tu.sourceline, src.value, text, done,
                    find_record(*notes), _repeated(tgt) + tgt.problems)
    return unit


def _repeated(flat: _Flat) -> list[str]:
    twice = sorted({i for i in flat.ids if flat.ids.count(i) > 1})
    return [f"its target repeats the code {i!r}" for i in twice]


def _short(text: str) -> str:
    return text if len(text) <= 30 else text[:29] + "…"


# ---------------------------------------------------------------------------------------------
# 2.x


def _natives2(unit: etree._Element, source_parts: list[etree._Element]) -> dict[str, _Native]:
    data = {d.get("id"): "".join(d.itertext())
            for d in unit.iter(f"{{{NS2}}}data") if d.get("id")}
    found: dict[str, _Native] = {}
    for part in source_parts:
        for el in part.iter(f"{{{NS2}}}ph", f"{{{NS2}}}pc", f"{{{NS2}}}sc", f"{{{NS2}}}ec"):
            code = el.get("id") or ""
            local = _local(el)
            if local == "ph":
                found[code] = _Native("ph", data.get(el.get("dataRef"), el.get("disp") or ""))
            elif local in ("pc", "sc"):
                found[code] = _Native("pair", data.get(el.get("dataRefStart"), ""),
                                      data.get(el.get("dataRefEnd"), ""))
            elif local == "ec" and el.get("startRef") in found:
                start = found[el.get("startRef") or ""]
                found[el.get("startRef") or ""] = _Native(
                    "pair", start.open, data.get(el.get("dataRef"), start.close))
    return found


def _flatten2(el: etree._Element, natives: dict[str, _Native], out: _Flat, check: bool
              ) -> None:
    if el.text:
        out.text.append(el.text)
    for child in el:
        local = _local(child)
        code = child.get("id") or child.get("startRef") or ""
        native = natives.get(code)
        if local in ("ph", "pc", "sc", "ec"):
            if native is None:
                if check:
                    out.problems.append(f"its target has a <{local} id={code!r}> that its "
                                        "source does not have")
            elif local == "ph":
                out.text.append(native.open)
                out.ids.append(code)
            elif local == "pc":
                out.text.append(native.open)
                out.ids.append(code)
                _flatten2(child, natives, out, check)
                out.text.append(native.close)
            elif local == "sc":
                out.text.append(native.open)
                out.ids.append(code)
            else:
                out.text.append(native.close)
        elif local == "mrk":
            _flatten2(child, natives, out, check)
        elif local == "cp":
            try:
                out.text.append(chr(int(child.get("hex") or "", 16)))
            except ValueError:
                out.problems.append(f"a <cp hex={child.get('hex')!r}> that is no character")
        if child.tail:
            out.text.append(child.tail)


def _read2(path: Path, root: etree._Element) -> ReadFile:
    out = ReadFile(path, "xliff 2.1", source_lang=root.get("srcLang"),
                   target_lang=root.get("trgLang"))
    files = root.findall(f"{{{NS2}}}file")
    if not files:
        out.problems.append(Problem("an XLIFF file without any <file>", path, root.sourceline))
    for unit in root.iter(f"{{{NS2}}}unit"):
        out.units.append(_unit2(unit))
    return out


def _unit2(unit: etree._Element) -> ReadUnit:
    parts = [p for p in unit if _local(p) in ("segment", "ignorable")]
    sources = [s for p in parts for s in p.findall(f"{{{NS2}}}source")]
    natives = _natives2(unit, sources)
    src, tgt = _Flat(), _Flat()
    done = bool(parts)
    for part in parts:
        source = part.find(f"{{{NS2}}}source")
        target = part.find(f"{{{NS2}}}target")
        if source is not None:
            _flatten2(source, natives, src, check=False)
        if target is not None:
            _flatten2(target, natives, tgt, check=True)
        elif _local(part) == "ignorable" and source is not None:
            _flatten2(source, natives, tgt, check=False)  # whitespace between segments
        if _local(part) == "segment" and part.get("state", "initial") not in DONE_2:
            done = False
    text = tgt.value if tgt.value.strip() else None
    if unit.get("translate") == "no":
        done = False
    notes = [n.text or "" for n in unit.iter(f"{{{NS2}}}note")]
    return ReadUnit(unit.get("id") or "", unit.sourceline, src.value, text,
                    done and text is not None, find_record(*notes),
                    _repeated(tgt) + tgt.problems)
