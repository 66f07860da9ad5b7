"""Which reader a source needs: by its extension, else by what its first lines look like.
Every reader returns the same RawList; this module only picks one and calls it."""

from __future__ import annotations

import re
from pathlib import Path

from ..errors import PublishError
from . import numbered, outline, sections, titled, untitled
from .base import RawList
from .clean import decode_source
from .columns import ColumnMap

FORMATS = ("auto", "seed-text", "markdown", "bibtex", "csv", "ris", "csl-json")
# The shapes of the seed text files, tried in this order when sniffing.
SEED_SHAPES = (numbered, outline, untitled, sections, titled)
_BY_SUFFIX = {".md": "markdown", ".markdown": "markdown", ".mdown": "markdown",
              ".bib": "bibtex", ".bibtex": "bibtex", ".csv": "csv", ".tsv": "csv",
              ".ris": "ris", ".json": "csl-json", ".csljson": "csl-json"}
_BIBTEX_RE = re.compile(r"^\s*@\s*[A-Za-z]+\s*[{(]", re.MULTILINE)
_RIS_RE = re.compile(r"^(?:TY|T1|TI)  -", re.MULTILINE)
_MARKDOWN_RE = re.compile(r"^(?:#{1,6} |\s*[-*+] \[|\|.*\|\s*$|\s*\d+\. \[)", re.MULTILINE)


def sniff(path: Path, text: str) -> str:
    """The format of `text`: its extension's, else the first shape its content matches."""
    by_suffix = _BY_SUFFIX.get(path.suffix.lower())
    if by_suffix:
        return by_suffix
    head = text.lstrip()[:4000]
    lines = text.split("\n")
    if head[:1] in "[{" and '"' in head[:200]:
        return "csl-json"
    if _RIS_RE.search(head) and re.search(r"^ER  -", text, re.MULTILINE):
        return "ris"
    if any(shape.looks_like(lines) for shape in SEED_SHAPES):
        return "seed-text"
    if _BIBTEX_RE.search(head):
        return "bibtex"
    if len(_MARKDOWN_RE.findall(head)) >= 2:
        return "markdown"
    first = next((line for line in lines if line.strip()), "")
    if first.count(",") >= 1 and re.search(r"(?i)\btitle\b", first):
        return "csv"
    return "seed-text"


def read_source(path: Path, data: bytes, fmt: str = "auto",
                columns: ColumnMap | None = None) -> RawList:
    """Decode `data` (a BOM and CRLF are fine; invalid UTF-8 is refused naming its line),
    pick the reader and read. Bad input is a PublishError naming file and line."""
    if fmt not in FORMATS:
        raise PublishError(f"unknown format {fmt!r} (known: {', '.join(FORMATS)})", path)
    text, notes = decode_source(data, path)
    if not text.strip():
        raise PublishError("empty file: nothing to import", path, 1)
    if fmt == "auto":
        fmt = sniff(path, text)
    raw = _read(path, text, fmt, columns or ColumnMap())
    raw.warnings[:0] = notes
    return raw


def _read(path: Path, text: str, fmt: str, columns: ColumnMap) -> RawList:
    name = str(path)
    if fmt == "markdown":
        from . import markdown
        return markdown.read(text, name, columns)
    if fmt == "bibtex":
        from . import bibtex
        return bibtex.read(text, name)
    if fmt == "csv":
        from . import csv
        return csv.read(text, name, columns)
    if fmt == "ris":
        from . import ris
        return ris.read(text, name)
    if fmt == "csl-json":
        from . import csljson
        return csljson.read(text, name)
    lines = text.split("\n")
    for shape in SEED_SHAPES:
        if shape.looks_like(lines):
            return shape.read(text, name)
    raise PublishError("cannot tell which reading-list shape this is (numbered abstracts, "
                       "contents outline, untitled summaries, numbered sections, 'Title "
                       "(Year)' lines); pass --format markdown, bibtex, csv, ris or csl-json",
                       path, 1)
