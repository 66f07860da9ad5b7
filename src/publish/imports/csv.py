"""A spreadsheet export: a header row naming columns, then one paper per row.

Every row is checked before anything is refused, so one run lists all the cells to fix.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import date

from ..errors import Problems, PublishError
from ..fields import SOURCE_FIELDS
from .base import RawEntry, RawList, arxiv_from, doi_from, escape_block_start

# The paper's fields (publish.fields), then the entry's own columns.
COLUMNS = ("title", *(f.name for f in SOURCE_FIELDS), "summary", "section", "rank", "added")
_ALIASES = {header: f.name for f in SOURCE_FIELDS for header in f.headers}
_AUTHOR_SEP_RE = re.compile(r"\s*;\s*|\s+and\s+")
_ARXIV_ID_RE = re.compile(r"^(?:arxiv:)?\s*(\d{4}\.\d{4,5}|[a-z-]+/\d{7})(?:v\d+)?$",
                          re.IGNORECASE)
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def read(text: str, path: str) -> RawList:
    # newline="" lets the csv module see line ends itself, as it needs for quoted newlines.
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    reader = csv.reader(io.StringIO(text, newline=""))
    out = RawList(shape="csv")
    problems = Problems()
    columns: dict[str, int] | None = None
    header_line = 1
    last = 0  # physical lines consumed so far; a row starts on the line after
    try:
        for row in reader:
            line, last = last + 1, reader.line_num
            if not any(cell.strip() for cell in row):
                continue  # blank lines and spreadsheets' all-empty trailing rows
            if columns is None:
                columns, header_line = _header(row), line
                if "title" not in columns:
                    raise PublishError("no 'title' column in the header row (columns: "
                                       f"{', '.join(c.strip() for c in row)})", path, line)
                continue
            cells = {name: row[i].strip() for name, i in columns.items() if i < len(row)}
            entry = _entry(cells, line, path, problems)
            if entry is not None:
                out.entries.append(entry)
    except csv.Error as exc:
        raise PublishError(f"malformed CSV: {exc}", path, reader.line_num or 1) from None
    if columns is None:
        raise PublishError("no header row: expected a first line naming the columns, "
                           "including 'title'", path, header_line)
    problems.raise_if_any()
    return out


def _header(row: list[str]) -> dict[str, int]:
    """Known column names (any case) to their index; the first of a repeated name wins."""
    columns: dict[str, int] = {}
    for i, cell in enumerate(row):
        name = cell.strip().lower()
        name = _ALIASES.get(name, name)
        if name in COLUMNS:
            columns.setdefault(name, i)
    return columns


def _entry(cells: dict[str, str], line: int, path: str, problems: Problems) -> RawEntry | None:
    before = len(problems.items)

    def number(name: str) -> int | None:
        value = cells.get(name, "")
        if not value:
            return None
        if value.isdecimal():
            return int(value)
        problems.add(f"{name} {value!r} is not a whole number", path, line)
        return None

    title = " ".join(cells.get("title", "").split())
    if not title:
        problems.add("empty title", path, line)
    year, citations, rank = number("year"), number("citations"), number("rank")
    added = cells.get("added") or None
    if added and not _is_date(added):
        problems.add(f"added {added!r} is not a date (YYYY-MM-DD)", path, line)
    url = cells.get("url") or None
    arxiv = _arxiv_id(cells.get("arxiv", ""))
    if cells.get("arxiv") and arxiv is None:
        problems.add(f"arxiv {cells['arxiv']!r} is not an arXiv id (like 1706.03762)", path,
                     line)
    doi = cells.get("doi", "")
    if doi and not doi_from(doi):
        problems.add(f"doi {doi!r} is not a DOI (like 10.1000/xyz)", path, line)
    if len(problems.items) > before:
        return None
    entry = RawEntry(
        line=line, title=title, year=year, citations=citations, rank=rank, added=added,
        url=url, venue=cells.get("venue") or None, section=cells.get("section") or None,
        authors=[a for a in _AUTHOR_SEP_RE.split(cells.get("authors", "")) if a],
        arxiv=arxiv or arxiv_from(url),
        doi=doi_from(doi) or doi_from(url),
    )
    if summary := cells.get("summary"):
        entry.blocks.append(("paragraph", escape_block_start(summary)))
    return entry


def _arxiv_id(value: str) -> str | None:
    """`1706.03762`, `arXiv:1706.03762v5` or an arxiv.org link, as the bare id."""
    m = _ARXIV_ID_RE.match(value)
    return m.group(1) if m else arxiv_from(value)


def _is_date(value: str) -> bool:
    if not _DATE_RE.match(value):
        return False
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True
