"""A spreadsheet export: a header row naming columns, then one paper per row.

Headers are matched by their common spellings (`columns`), Zotero's own export included
(`Item Type, Publication Year, Author, Title, Publication Title, DOI, Url, Abstract Note,
Extra…`); `--column FIELD=HEADER` maps the rest, and every column nothing reads is named in
the report. A cell that cannot be read is a warning on its row, never the end of the file.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import date

from ..errors import PublishError
from .base import RawEntry, RawList, arxiv_from, arxiv_id, doi_from, escape_block_start, skip
from .clean import clean_text, safe_url
from .columns import ColumnMap
from .kinds import Evidence, classify, is_paper_link
from .types import work_type

_AUTHOR_SEP_RE = re.compile(r"\s*;\s*|\s+and\s+")
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_YEAR_RE = re.compile(r"(?<!\d)((?:1[5-9]|20)\d\d)(?!\d)")


def read(text: str, path: str, columns: ColumnMap | None = None) -> RawList:
    columns = columns or ColumnMap()
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    dialect = _dialect(text)
    # newline="" lets the csv module see line ends itself, as it needs for quoted newlines.
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    out = RawList(shape="csv")
    roles: dict[str, list[int]] | None = None
    headers: list[str] = []
    unused: list[int] = []
    filled: set[int] = set()
    last = 0  # physical lines consumed so far; a row starts on the line after
    lines = text.split("\n")
    try:
        for row in reader:
            line, last = last + 1, reader.line_num
            while line < last and not lines[line - 1].strip():
                line += 1  # Zotero writes a newline *before* each record
            if not any(cell.strip() for cell in row):
                continue  # blank lines and spreadsheets' all-empty trailing rows
            if roles is None:
                headers = [clean_text(c) or f"column {i + 1}" for i, c in enumerate(row)]
                roles, unused = columns.roles(headers)
                if not ({"title", "paper", "name"} & roles.keys()):
                    raise PublishError(
                        "no title column in the header row (columns: "
                        f"{', '.join(headers)}); name one with --column title=HEADER", path,
                        line)
                continue
            out.saw("row")
            filled |= {i for i in unused if i < len(row) and row[i].strip()}
            out.entries.append(_entry(row, roles, line, out))
    except csv.Error as exc:
        raise PublishError(f"malformed CSV: {exc}", path, reader.line_num or 1) from None
    if roles is None:
        raise PublishError("no header row: expected a first line naming the columns, "
                           "including 'title'", path, 1)
    out.unused = [headers[i] for i in unused if i in filled]
    return out


def _dialect(text: str) -> type[csv.Dialect]:
    first = text.split("\n", 1)[0]
    return csv.excel_tab if first.count("\t") > first.count(",") else csv.excel


def _entry(row: list[str], roles: dict[str, list[int]], line: int, out: RawList) -> RawEntry:
    def cells(role: str) -> list[str]:
        return [row[i].strip() for i in roles.get(role, []) if i < len(row) and row[i].strip()]

    def one(role: str) -> str:
        found = cells(role)
        return found[0] if found else ""

    title = clean_text(one("title") or one("paper") or one("name")) or None
    entry = RawEntry(line=line, title=title)
    ev = Evidence()
    # Zotero saves an arXiv page as a webpage titled `[2305.11206] LIMA: …`.
    if title and (m := re.match(r"^\[(\d{4}\.\d{4,5})(?:v\d+)?\]\s+(.+)$", title)):
        entry.title, entry.arxiv = m.group(2), m.group(1)
    urls = cells("url")
    own = urls[0] if urls else None
    entry.url = next(filter(None, map(safe_url, urls)), None)
    if own and not safe_url(own):
        entry.warnings.append(f"url {own[:60]!r} is not an http(s) URL: left out")
    for year in cells("year"):
        if m := _YEAR_RE.search(year):
            entry.year = int(m.group(1))
            break
        entry.warnings.append(f"year {year!r} is not a year: left empty")
    entry.citations = _number(one("citations"), "citations", entry)
    entry.rank = _rank(one("rank"), entry)
    if added := one("added"):
        if _is_date(added):
            entry.added = added
        else:
            entry.warnings.append(f"added {added!r} is not a date (YYYY-MM-DD): left empty")
    venue = clean_text(one("venue"))
    if venue and not re.match(r"(?i)^arxiv(?::|$)", venue):
        entry.venue = venue
    entry.authors = [n for n in (clean_text(a) for a in _AUTHOR_SEP_RE.split(one("authors")))
                     if n]
    entry.authors = [_first_last(n) for n in entry.authors]
    entry.section = clean_text(one("section"))
    entry.aliases = [a for a in (clean_text(x) for x in cells("aliases"))
                     if a and entry.title and a.lower() != entry.title.lower()]
    # arXiv ids: the arXiv column, the link, the DOI arXiv gives, Zotero's Extra/Number,
    # a legacy Zotero `Publication Title: arXiv:1706.03762 [cs]`.
    candidates = cells("arxiv") + urls + cells("doi") + cells("extra") + cells("rank") + \
        [one("venue")]
    for value in candidates:
        if entry.arxiv:
            break
        entry.arxiv = arxiv_id(value) if value in cells("arxiv") else (
            arxiv_from(value) or (arxiv_id(value) if re.match(r"(?i)^\s*arxiv\s*:", value)
                                  else None))
    if cells("arxiv") and not entry.arxiv:
        entry.warnings.append(f"arxiv {one('arxiv')!r} is not an arXiv id: left out")
    doi = one("doi")
    entry.doi = doi_from(doi) or doi_from(own if own and "doi.org/" in own else None)
    if doi and not doi_from(doi):
        entry.warnings.append(f"doi {doi!r} is not a DOI (like 10.1000/xyz): left out")
    for text in cells("summary"):
        entry.blocks.append(("paragraph", escape_block_start(text)))
    typed = work_type(one("type")) if cells("type") else None
    entry.type = typed
    ev.own, ev.work_type, ev.trust_title = own, typed, True
    ev.paper_links = [u for u in urls if is_paper_link(u)]
    if entry.title is None:
        entry.hint = next(iter(cells("summary")), None) or own or doi or None
        if not (entry.arxiv or entry.doi or own):
            return skip(entry, "empty", "no title, no link and no id")
    if typed == "article" or typed in ("chapter", "thesis", "report"):
        return entry  # the source says it is a paper
    return classify(entry, ev)


def _first_last(name: str) -> str:
    """`Last, First` as written in running text."""
    last, sep, first = name.partition(",")
    return f"{first.strip()} {last.strip()}" if sep and first.strip() else name


def _number(value: str, name: str, entry: RawEntry) -> int | None:
    if not value:
        return None
    digits = re.sub(r"[,\s\u00a0\u202f]", "", value)
    if digits.isdecimal():
        return int(digits)
    entry.warnings.append(f"{name} {value!r} is not a whole number: left empty")
    return None


def _rank(value: str, entry: RawEntry) -> int | None:
    if not value or re.match(r"(?i)^\s*arxiv\s*:", value):
        return None  # Zotero's `Number` of a preprint is its arXiv id
    return _number(value, "rank", entry)


def _is_date(value: str) -> bool:
    if not _DATE_RE.match(value):
        return False
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True
