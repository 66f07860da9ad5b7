"""How full the pages of a booklet are, measured as a reader's eye would: the pages drawn by
poppler (`pdftoppm`, grey, low resolution) and the lowest inked row of each page's text
area, whatever drew it (text, rules, formulas, images). The text area is the page less
the margins the booklet's stylesheet gives it, so running heads and page numbers do not
count. A page "before a chapter" is one whose next page opens a list or a chapter (an
outline entry of level 1 or 2 points at it), or the last page.
"""

from __future__ import annotations

import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from PIL import Image
from pypdf import PdfReader

from publish.render.booklet import PAPER_SIZES, PT_PER_MM

DPI = 36  # 2 points a pixel: enough to see a line of text, fast for 600 pages


@dataclass(frozen=True)
class Fill:
    page: int  # 1-based, as pdftoppm and pdftotext count
    label: str  # the printed page number (front matter in roman numerals)
    empty: float  # points of the text area's height below the last ink
    height: float  # points: the text area's height
    before_chapter: bool

    @property
    def full(self) -> float:
        return 1 - self.empty / self.height


def _openings(reader: PdfReader) -> set[int]:
    """0-based pages where a list or a chapter starts (outline levels 1 and 2)."""
    found: set[int] = set()

    def walk(items: list, depth: int) -> None:
        for item in items:
            if isinstance(item, list):
                if depth < 1:
                    walk(item, depth + 1)
            else:
                found.add(reader.get_destination_page_number(item))

    walk(reader.outline, 0)
    return found


def page_fill(pdf: Path, paper_size: str = "A5") -> list[Fill]:
    """The fill of every body page (numbered 1, 2…; the cover and contents are left out)."""
    reader = PdfReader(pdf)
    labels = reader.page_labels
    first = labels.index("1")
    openings = _openings(reader)
    _size, top, _side, bottom, _body, (_w, height_mm) = PAPER_SIZES[paper_size]
    top_pt, bottom_pt = float(top[:-2]) * PT_PER_MM, float(bottom[:-2]) * PT_PER_MM
    page_height = height_mm * PT_PER_MM
    text_height = page_height - top_pt - bottom_pt
    out: list[Fill] = []
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["pdftoppm", "-r", str(DPI), "-gray", "-f", str(first + 1),
                        "-l", str(len(labels)), str(pdf), f"{tmp}/p"], check=True)
        images = sorted(Path(tmp).glob("p-*.pgm"))
        for index, image_path in zip(range(first, len(labels)), images, strict=True):
            with Image.open(image_path) as image:
                scale = image.height / page_height
                band = image.crop((0, round(top_pt * scale), image.width,
                                   round((page_height - bottom_pt) * scale)))
                # ink: anything darker than the page, faint leaders and rules included
                box = band.point(lambda v: 255 if v < 230 else 0).getbbox()
            ink_bottom = box[3] / scale if box else 0.0
            nxt = index + 1
            out.append(Fill(index + 1, labels[index], max(0.0, text_height - ink_bottom),
                            text_height, nxt >= len(labels) or nxt in openings))
    return out


def gaps(fills: list[Fill], least: float = 2 / 3) -> list[Fill]:
    """Pages less than `least` full that are not before a chapter."""
    return [f for f in fills if f.full < least and not f.before_chapter]


def outline(pdf: Path) -> list[tuple[int, str, int]]:
    """(depth, title, 0-based page) of every bookmark in order."""
    reader = PdfReader(pdf)
    found: list[tuple[int, str, int]] = []

    def walk(items: list, depth: int) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item, depth + 1)
            else:
                found.append((depth, item.title, reader.get_destination_page_number(item)))

    walk(reader.outline, 0)
    return found
