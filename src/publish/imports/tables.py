"""Tables in a Markdown list, GFM or raw HTML: a header row says what each column is
(`Title | Paper | Year | Authors | Citations`, `名字 | 年份 | 简介 | 引用`), then one entry
per row. Several tables per file, each with its own header, are common."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

from markdown_it.tree import SyntaxTreeNode

from .base import RawEntry, RawList, arxiv_id, doi_from, escape_block_start
from .clean import clean_text, safe_url
from .columns import ColumnMap
from .inline import Parsed, analyze, links_of
from .kinds import Evidence, is_paper_link, label_kind, link_reason

_YEAR_RE = re.compile(r"(?<![\d.])((?:19|20)\d\d)(?![\d])")
_NUMBER_RE = re.compile(r"^\d{1,3}(?:[,\s\u00a0\u202f]\d{3})+$|^\d+$")
_NO_VALUE = ("", "-", "—", "–", "n/a", "na", "none", "null", "?", "tbd")
_NOT_VENUES = ("arxiv", "corr", "preprint", "-", "—", "")


@dataclass
class Row:
    line: int
    cells: list[str]  # Markdown source of each cell


@dataclass
class Table:
    header: list[str]
    rows: list[Row] = field(default_factory=list)


def gfm_table(node: SyntaxTreeNode) -> Table:
    """A markdown-it table node as header texts and rows of cell sources."""
    table = Table(header=[])
    for part in node.children:
        for tr in part.children:
            cells = [c.children[0].content if c.children else "" for c in tr.children]
            if part.type == "thead":
                table.header = cells
            else:
                table.rows.append(Row((tr.map or (0, 0))[0] + 1, cells))
    return table


def read_table(table: Table, section: str | None, columns: ColumnMap, out: RawList,
               path: str) -> list[tuple[RawEntry, Evidence]]:
    """One entry (with its evidence, for classification) per row."""
    roles, unused = columns.roles(table.header)
    title_role = next((r for r in ("title", "paper", "name") if r in roles), None)
    for i in unused:
        name = clean_text(re.sub(r"[*_`]", "", table.header[i])) or f"column {i + 1}"
        if any(i < len(row.cells) and row.cells[i].strip() for row in table.rows) and \
                name not in out.unused:
            out.unused.append(name)
    found = []
    for row in table.rows:
        found.append(_row(row, roles, title_role, section))
    if "video" in roles:
        _videos(table.rows, roles, found)
    return found


def _videos(rows: list[Row], roles: dict[str, list[int]],
            found: list[tuple[RawEntry, Evidence]]) -> None:
    """A table of videos about papers (`日期 | 标题 | 视频`, each title linking its paper):
    when most rows link a paper, a row that links none is a video of its own (`如何读论文`,
    seen in a real list), not a paper; its video link says so."""
    def about_a_paper(entry: RawEntry, ev: Evidence) -> bool:
        return bool(entry.arxiv or entry.doi or ev.paper_links or
                    (ev.own and is_paper_link(ev.own)))

    if sum(about_a_paper(*f) for f in found) * 2 < len(found):
        return  # a list of talks, each named by its paper's title: papers
    for (entry, ev), row in zip(found, rows, strict=True):
        if ev.own or about_a_paper(entry, ev):
            continue
        videos = [lk.href for cell in _cell(row, roles, "video") for lk in links_of(cell)[0]]
        ev.own = next((v for v in videos if link_reason(v) == "video"), None) or \
            next(iter(videos), None)


def _cell(row: Row, roles: dict[str, list[int]], role: str) -> list[str]:
    return [row.cells[i].strip() for i in roles.get(role, []) if i < len(row.cells)]


def _row(row: Row, roles: dict[str, list[int]], title_role: str | None,
         section: str | None) -> tuple[RawEntry, Evidence]:
    entry = RawEntry(line=row.line, title=None, section=section)
    ev = Evidence(section=section, paper_column=title_role in ("title", "paper"))
    parsed = Parsed()
    title_cells = [c for c in (_cell(row, roles, title_role) if title_role else [])
                   if _text(c).lower() not in _NO_VALUE]
    if title_role == "name" and "paper" not in roles and "title" not in roles:
        ev.paper_column = False
    if title_cells:
        parsed = analyze(title_cells[0], table_cell=True)
    # A dataset table names the dataset and links its paper (`Name | Paper | Link`): the
    # paper is the entry; when its cell is empty, the name is all there is.
    if title_role == "paper" and parsed.title is None and "name" in roles:
        names = [c for c in _cell(row, roles, "name") if _text(c).lower() not in _NO_VALUE]
        named = analyze(names[0] if names else "", table_cell=True)
        parsed.title = named.title
        ev.paper_column = False
    elif "name" in roles and title_role != "name" and (name := _cell(row, roles, "name")):
        alias = analyze(name[0], table_cell=True).title
        if alias and parsed.title and alias.lower() not in parsed.title.lower():
            parsed.aliases.append(alias)
    links = list(parsed.links)
    link_cells = _cell(row, roles, "url") + (_cell(row, roles, "paper")
                                             if title_role != "paper" else [])
    bare_urls: list[str] = []
    for cell in link_cells:
        cell_links, bare = links_of(cell)
        for link in cell_links:
            if not link.images_only and (link.label is None or is_paper_link(link.href)):
                # A link in a link column is the row's own: a paper when it goes to one.
                link.label = "paper" if is_paper_link(link.href) else (
                    label_kind(link.text) or "paper")
            links.append(link)
        if bare or re.match(r"^https?://\S+$", cell):
            bare_urls.append(bare or cell)
        elif not cell_links and _YEAR_RE.fullmatch(cell.strip()):
            entry.year = entry.year or int(cell.strip())  # columns shifted by the author
    code = [lk.href for cell in _cell(row, roles, "code") for lk in links_of(cell)[0]]
    parsed.links = links
    entry.title = parsed.title
    entry.aliases = [a for a in parsed.aliases if a]
    own = parsed.own or next((lk for lk in links if lk.label == "paper"), None)
    own_href = own.href if own else (bare_urls[0] if bare_urls else None)
    paper_links = parsed.paper_links + [u for u in bare_urls]
    arxiv, doi = parsed.ids()
    for href in [*paper_links, *(lk.href for lk in links if lk.label == "paper")]:
        arxiv = arxiv or arxiv_id(href)
        doi = doi or doi_from(href)
    entry.arxiv, entry.doi = arxiv, doi
    entry.url = safe_url(own_href) or next(filter(None, map(safe_url, paper_links)), None)
    if own_href and not safe_url(own_href) and re.match(r"(?i)^[a-z]+:", own_href) and \
            not own_href.lower().startswith("http"):
        entry.warnings.append(f"link dropped: {own_href[:40]!r} is not an http(s) URL")
    ev.own = own_href if (own_href or not code) else code[0]
    ev.paper_links = paper_links
    ev.images_only = parsed.images_only and not entry.title
    _fill(entry, row, roles, parsed)
    return entry, ev


def _fill(entry: RawEntry, row: Row, roles: dict[str, list[int]], parsed: Parsed) -> None:
    """Year, authors, venue, citations, rank, DOI, arXiv and the summary from their
    columns; a cell that says nothing usable is a warning on the entry, never an error."""
    for cell in _cell(row, roles, "year"):
        if entry.year is None and (m := _YEAR_RE.search(re.sub(r"\[[^\]]*\]\([^)]*\)", "",
                                                                  cell))):
            entry.year = int(m.group(1))
    entry.year = entry.year or parsed.year
    if authors := _cell(row, roles, "authors"):
        names = re.split(r"\s*(?:,|;|\band\b|&|、|，)\s*", _text(authors[0]))
        entry.authors = [n for n in (clean_text(re.sub(r"\bet al\.?$", "", n)) for n in names)
                         if n and n.lower() not in ("et al", "et al.", "others")]
    if venue := _cell(row, roles, "venue"):
        text = clean_text(_text(venue[0]))
        if text and text.lower() not in _NOT_VENUES:
            entry.venue = text
    entry.venue = entry.venue or parsed.venue
    for cell in _cell(row, roles, "citations")[:1]:
        entry.citations = _count(cell, entry)
    for cell in _cell(row, roles, "rank")[:1]:
        text = _text(cell)
        if text.isdecimal():
            entry.rank = int(text)
    for cell in _cell(row, roles, "doi"):
        entry.doi = entry.doi or doi_from(_text(cell)) or doi_from(cell.split("](")[-1])
    for cell in _cell(row, roles, "arxiv"):
        entry.arxiv = entry.arxiv or arxiv_id(_text(cell))
    if rest := _prose(parsed.rest):
        entry.blocks.append(("paragraph", escape_block_start(rest)))
    for cell in _cell(row, roles, "summary"):
        if _text(cell) and _text(cell).lower() not in _NO_VALUE:
            entry.blocks.append(("paragraph", escape_block_start(_prose(cell))))


_BREAK_RE = re.compile(r"\s*<br\s*/?>\s*", re.IGNORECASE)
_FOOTNOTE_REF_RE = re.compile(r"\s*\[\^[^\]\s]+\]")


def _prose(cell: str) -> str:
    """A cell's text as a paragraph: a `<br>` (the only line break a table cell has) is a
    space, since raw HTML is shown as text; a footnote reference (`[^transformer]`), whose
    note is no part of the entry, goes (both seen in a real Chinese list)."""
    text = _FOOTNOTE_REF_RE.sub("", _BREAK_RE.sub(" ", cell))
    return re.sub(r"\s+([)）])", r"\1", text).strip()


def _text(cell: str) -> str:
    return " ".join(analyze_text(cell).split())


def analyze_text(cell: str) -> str:
    """A cell's words: link texts kept, images and markup dropped."""
    cell = re.sub(r"!\[[^\]]*\]\([^)]*\)", "", cell)
    cell = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", cell)
    return re.sub(r"<[^>]+>|[*_`]", "", cell).strip()


def _count(cell: str, entry: RawEntry) -> int | None:
    """A citation count: `151,703` and `79932` are numbers; `~130k`, `100k+`, `1,1xx` are
    not (a warning, left empty); badges and `N/A` say nothing."""
    text = _text(cell)
    if not text or text.lower() in _NO_VALUE or "![" in cell:
        return None
    if _NUMBER_RE.match(text):
        return int(re.sub(r"\D", "", text))
    entry.warnings.append(f"citations {text!r} is not a whole number: left empty")
    return None


# ---------------------------------------------------------------------------------------------
# Raw HTML tables


class _HtmlTable(HTMLParser):
    """Rows of a `<table>`: each cell as Markdown (`[text](href)` for links), with the line
    of its `<tr>`."""

    def __init__(self, first_line: int) -> None:
        super().__init__(convert_charrefs=True)
        self.first_line = first_line
        self.tables: list[Table] = []
        self.cell: list[str] | None = None
        self.row: Row | None = None
        self.href: str | None = None
        self.header_row = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "table":
            self.tables.append(Table(header=[]))
        elif tag == "tr" and self.tables:
            self.row = Row(self.first_line + self.getpos()[0] - 1, [])
            self.header_row = False
        elif tag in ("td", "th") and self.row is not None:
            self.cell = []
            self.header_row = self.header_row or tag == "th"
        elif tag == "a" and self.cell is not None:
            self.href = a.get("href") or ""
            self.cell.append("[")
        elif tag == "img" and self.cell is not None:
            self.cell.append(f"![{_md_text(a.get('alt') or '')}]({a.get('src') or ''})")
        elif tag in ("br", "li", "p") and self.cell is not None:
            self.cell.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self.cell is not None and self.href is not None:
            self.cell.append(f"]({self.href.replace(' ', '%20').replace(')', '%29')})")
            self.href = None
        elif tag in ("td", "th") and self.cell is not None and self.row is not None:
            self.row.cells.append(" ".join("".join(self.cell).split()))
            self.cell = None
        elif tag == "tr" and self.row is not None and self.tables:
            table = self.tables[-1]
            if self.header_row and not table.header:
                table.header = self.row.cells
            elif self.row.cells:
                table.rows.append(self.row)
            self.row = None

    def handle_data(self, data: str) -> None:
        if self.cell is not None:
            self.cell.append(_md_text(data))


def _md_text(text: str) -> str:
    return re.sub(r"([\\`*_\[\]<>|])", r"\\\1", text)


def html_tables(html: str, first_line: int) -> list[Table]:
    parser = _HtmlTable(first_line)
    parser.feed(html)
    parser.close()
    return [t for t in parser.tables if t.header and t.rows]

