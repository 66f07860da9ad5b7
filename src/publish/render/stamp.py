"""Numbers drawn straight into the assembled PDF: body page numbers and contents numbers.

Neither is known while the parts are rendered (a run does not know where it lands, the
contents is rendered alongside the runs), so both are stamped at assembly, in the style
WeasyPrint gave them: the folio copies the front matter's `@bottom-center` box (position,
size, colour, font) and the contents numbers copy the style of each entry's `.pn` marker.
Rendering them with WeasyPrint instead would cost ~8 ms a page, more than the rest of the
assembly together. The contents' dot leaders are stamped too: CSS `leader()` made the
contents of the whole collection take 8 s of CPU to render instead of 3.7 s.

The digits come from the same font file fontconfig picks for that family (subset with
fontTools to 0-9, embedded as a TrueType font), so they look like the text around them and
`pdffonts` lists them as embedded.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import subprocess
from dataclasses import asdict, dataclass
from functools import cache
from pathlib import Path

import pikepdf
from pikepdf import Array, Dictionary, Name, Pdf

from ..outputs import write_output

DIGITS = "0123456789."
LEADER_STEP = 0.55  # em between the dots of a leader
LEADER_GRAY = 0.6
# CSS font-weight to fontconfig weight
_FC_WEIGHT = {100: 0, 200: 40, 300: 50, 400: 80, 500: 100, 600: 180, 700: 200, 800: 205,
              900: 210}


@dataclass(frozen=True)
class Style:
    family: str
    weight: int
    size: float  # points
    color: tuple[float, float, float]


@dataclass(frozen=True)
class Slot:
    """Where a number goes: `x` is the centre or the right edge, `y` the baseline, in PDF
    points from the page's bottom-left."""

    page: int
    x: float
    y: float
    align: str  # "center" or "right"
    style: Style
    key: str = ""
    leader: tuple[float, float] = (0.0, 0.0)  # dots between these x, when they differ


@dataclass
class DigitFont:
    data: bytes
    name: str
    widths: list[int]  # per digit, in 1/1000 em
    ascent: int
    descent: int
    bbox: list[int]

    def width(self, text: str, size: float) -> float:
        return sum(self.widths[DIGITS.index(c)] for c in text) * size / 1000


def _font_file(family: str, weight: int) -> tuple[str, int]:
    pattern = f"{family}:weight={_FC_WEIGHT.get(weight, 80)}"
    out = subprocess.run(["fc-match", "-f", "%{file}|%{index}", pattern], capture_output=True,
                         text=True, check=False).stdout
    path, _, index = out.partition("|")
    return path, int(index or 0)


@cache
def digit_font(family: str, weight: int, store: Path | None = None) -> DigitFont:
    """The digits (and the leaders' dot) of the face fontconfig picks for `family`, kept
    in `store`, a folder for one set of installed fonts (named by their fingerprint), so
    a rebuild neither asks fontconfig (three `fc-match` calls, 0.08 s) nor subsets again
    (0.1 s a face, plus 0.2 s to import fontTools)."""
    key = f"{family}|{weight}|{DIGITS}"
    path = store / f"{hashlib.sha1(key.encode()).hexdigest()}.json" if store else None
    if path is not None and path.is_file():
        try:
            data = json.loads(path.read_text("utf-8"))
            return DigitFont(base64.b64decode(data.pop("data")), **data)
        except (OSError, ValueError, TypeError):
            pass
    candidates = [_font_file(f, weight) for f in (family, _latin(family), "DejaVu Sans")]
    font = _subset(candidates, family)
    if path is not None:
        fields = {k: v for k, v in asdict(font).items() if k != "data"}
        write_output(path, json.dumps(
            {**fields, "data": base64.b64encode(font.data).decode()}).encode("utf-8"))
    return font


def _latin(family: str) -> str:
    # CJK faces are CFF-based: their Latin digits are drawn from the Noto face of the same
    # kind, which they are designed to match, then from DejaVu as a last resort.
    return "Noto Sans" if "Sans" in family or "sans" in family else "Noto Serif"


def _subset(candidates: list[tuple[str, int]], family: str) -> DigitFont:
    import logging

    from fontTools import subset
    from fontTools.ttLib import TTFont

    logging.getLogger("fontTools.subset").setLevel(logging.ERROR)
    for path, index in candidates:
        if not path:
            continue
        font = TTFont(path, fontNumber=index, lazy=True)
        if "glyf" not in font:  # CFF outlines would need another embedding: try the next
            continue
        options = subset.Options()
        # Ten digits need no layout tables; dropping them before subsetting spares parsing
        # them (1.2 s a font instead of 0.05 s).
        options.layout_features = []
        options.drop_tables += ["GSUB", "GPOS", "GDEF", "BASE", "JSTF", "DSIG", "kern",
                                "MATH", "hdmx", "LTSH", "VDMX", "FFTM"]
        options.hinting = False
        options.name_IDs = [1, 2, 3, 4, 6]
        sub = subset.Subsetter(options)
        sub.populate(text=DIGITS)
        sub.subset(font)
        buf = io.BytesIO()
        font.save(buf)
        scale = 1000 / font["head"].unitsPerEm
        cmap = font.getBestCmap()
        widths = [round(font["hmtx"][cmap[ord(d)]][0] * scale) for d in DIGITS]
        head = font["head"]
        name = font["name"].getDebugName(6) or "Digits"
        return DigitFont(buf.getvalue(), "PUBDIG+" + name.replace(" ", ""), widths,
                         round(font["hhea"].ascent * scale), round(font["hhea"].descent * scale),
                         [round(v * scale) for v in (head.xMin, head.yMin, head.xMax, head.yMax)])
    raise RuntimeError(f"no TrueType font found for {family!r} to draw page numbers")


def _leader(slot: Slot, font: DigitFont, res: str) -> list[str]:
    """Dots from the end of an entry's text to its number's column, on a grid counted from
    the column, so the dots of all entries line up."""
    start, end = slot.leader
    if end <= start:
        return []
    size = slot.style.size
    step = LEADER_STEP * size
    dot = font.width(".", size)
    xs = []
    x = end - 0.3 * size - dot
    while x >= start + 0.3 * size:
        xs.append(x)
        x -= step
    if not xs:
        return []
    shows = f"{xs[-1]:.2f} {slot.y:.2f} Td (.) Tj " + " ".join(
        f"{step:.2f} 0 Td (.) Tj" for _ in xs[1:])
    return [f"q {LEADER_GRAY} g BT {res} {size:.2f} Tf {shows} ET Q"]


class Stamper:
    """Adds number text to pages of one PDF, embedding each font once."""

    def __init__(self, pdf: Pdf, store: Path | None = None) -> None:
        self.pdf = pdf
        self.store = store
        self._fonts: dict[tuple[str, int], tuple[pikepdf.Object, DigitFont]] = {}
        self._save = pikepdf.Stream(pdf, b"q\n")  # one stream every stamped page starts with

    def _font(self, style: Style) -> tuple[pikepdf.Object, DigitFont]:
        key = (style.family, style.weight)
        if key not in self._fonts:
            font = digit_font(*key, self.store)
            file = pikepdf.Stream(self.pdf, font.data)
            file.Length1 = len(font.data)
            descriptor = Dictionary(
                Type=Name.FontDescriptor, FontName=Name("/" + font.name), Flags=32,
                FontBBox=Array(font.bbox), ItalicAngle=0, Ascent=font.ascent,
                Descent=font.descent, CapHeight=font.ascent, StemV=80, FontFile2=file)
            obj = self.pdf.make_indirect(Dictionary(
                Type=Name.Font, Subtype=Name.TrueType, BaseFont=Name("/" + font.name),
                FirstChar=46, LastChar=57,
                Widths=Array([font.widths[10], 0, *font.widths[:10]]),
                Encoding=Name.WinAnsiEncoding,
                FontDescriptor=self.pdf.make_indirect(descriptor)))
            self._fonts[key] = (obj, font)
        return self._fonts[key]

    def stamp(self, page_index: int, items: list[tuple[str, Slot]]) -> None:
        """Draw each (text, slot) on the page; the page's own drawing state is saved and
        restored around it, so its transforms do not move the numbers."""
        if not items:
            return
        page = self.pdf.pages[page_index]
        # Marked as a pagination artifact: the tagged structure has no element for it.
        ops = ["Q", "/Artifact <</Type /Pagination>> BDC"]
        for text, slot in items:
            if not text.isdigit():
                continue
            obj, font = self._font(slot.style)
            res = _font_name(page, obj)
            width = font.width(text, slot.style.size)
            x = slot.x - width / 2 if slot.align == "center" else slot.x - width
            r, g, b = slot.style.color
            ops.append(f"q {r:.3f} {g:.3f} {b:.3f} rg BT {res} {slot.style.size:.2f} Tf "
                       f"{x:.2f} {slot.y:.2f} Td ({text}) Tj ET Q")
            ops.extend(_leader(slot, font, res))
        ops.append("EMC")
        page.contents_add(self._save, prepend=True)
        page.contents_add(pikepdf.Stream(self.pdf, ("\n" + "\n".join(ops) + "\n").encode()))


def _font_name(page: pikepdf.Page, font: pikepdf.Object) -> str:
    """The page's resource name for `font`, added as `/PubDigitsN` (the first N free)."""
    resources = page.obj.get("/Resources")
    if resources is None:
        resources = page.obj.Resources = Dictionary()
    fonts = resources.get("/Font")
    if fonts is None:
        fonts = resources.Font = Dictionary()
    n = 0
    while True:
        name = f"/PubDigits{n}"
        found = fonts.get(name)
        if found is None:
            fonts[name] = font
            return name
        if found.objgen == font.objgen:
            return name
        n += 1
