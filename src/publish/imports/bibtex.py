"""A BibTeX file, as exported by Zotero, Google Scholar or a paper's own page: one entry per
paper, with its abstract (if any) as the entry's text."""

from __future__ import annotations

import re
import unicodedata

import bibtexparser
from bibtexparser.exceptions import BlockAbortedException

from ..errors import Problems, PublishError
from .base import RawEntry, RawList, arxiv_from, doi_from, escape_block_start

# TeX accents, so `J{\"u}rgen` reads as "Jürgen": a combining mark, composed by NFC.
_ACCENTS = {'"': "\u0308", "'": "\u0301", "`": "\u0300", "^": "\u0302", "~": "\u0303",
            "=": "\u0304", ".": "\u0307", "u": "\u0306", "v": "\u030c", "H": "\u030b",
            "c": "\u0327", "k": "\u0328"}
_ACCENT_RE = re.compile(r"\\([\"'`^~=.])\s*\{?\\?([A-Za-z])\}?"
                        r"|\\([uvHck])(?:\s*\{\\?([A-Za-z])\}|\s+([A-Za-z]))")
_ESCAPED_RE = re.compile(r"\\([&%_#])")
# Math keeps its braces: `$\mathbb{R}^{n}$` means nothing without them.
_MATH_RE = re.compile(r"(\$[^$]*\$|\\\(.*?\\\))")
_AND_RE = re.compile(r"\s+and\s+", re.IGNORECASE)
_COMMA_RE = re.compile(r",")
_YEAR_RE = re.compile(r"^\s*((?:1[5-9]|20)\d\d)\b")
_ARXIV_TEXT_RE = re.compile(r"\barXiv:\s*(\d{4}\.\d{4,5}|[a-z-]+/\d{7})", re.IGNORECASE)
_ARXIV_ID_RE = re.compile(r"^(?:arxiv:)?\s*(\d{4}\.\d{4,5}|[a-z-]+/\d{7})(?:v\d+)?$",
                          re.IGNORECASE)


def read(text: str, path: str) -> RawList:
    text = text.lstrip("\ufeff")
    library = bibtexparser.parse_string(text)
    problems = Problems()
    for block in library.failed_blocks:
        error = block.error
        why = (error.abort_reason if isinstance(error, BlockAbortedException)
               else str(error).split(". Note:")[0])
        head = (block.raw or "").split("\n")[0].strip()[:60]
        problems.add(f"cannot parse BibTeX entry {head!r}: {why.strip()}", path,
                     _line_of(block.start_line, head, text))
    out = RawList(shape="bibtex")
    for item in library.entries:
        line = _line_of(item.start_line, f"@{item.entry_type}{{{item.key}", text)
        fields = {f.key.lower(): (str(f.value), (f.start_line or 0) + 1) for f in item.fields}
        entry = _entry(item.key, fields, line, path, problems)
        if entry is not None:
            out.entries.append(entry)
    problems.raise_if_any()
    return out


def _entry(key: str, fields: dict[str, tuple[str, int]], line: int, path: str,
           problems: Problems) -> RawEntry | None:
    def get(*names: str) -> str | None:
        for name in names:
            value = " ".join(fields.get(name, ("", 0))[0].split())
            if value:
                return value
        return None

    try:
        year = _number(fields, "year", _YEAR_RE, path) or _number(fields, "date", _YEAR_RE, path)
        citations = _number(fields, "citations", re.compile(r"^\s*(\d+)\s*$"), path)
    except PublishError as err:
        problems.items.extend(err.problems)
        return None
    url, eprint = get("url"), get("eprint")
    archive = (get("archiveprefix", "eprinttype") or "").lower()
    arxiv = None
    if eprint and (archive == "arxiv" or not archive) and (m := _ARXIV_ID_RE.match(eprint)):
        arxiv = m.group(1)
    arxiv = arxiv or arxiv_from(url)
    if arxiv is None and (m := _ARXIV_TEXT_RE.search(get("journal", "note") or "")):
        arxiv = m.group(1)  # Google Scholar's `journal={arXiv preprint arXiv:1706.03762}`
    raw_doi = get("doi")
    abstract = get("abstract")
    title = _tex(get("title") or "") or None
    entry = RawEntry(
        line=line, title=title, year=year, citations=citations, url=url, arxiv=arxiv,
        authors=[_name(a) for a in _split_authors(fields.get("author", ("", 0))[0])],
        venue=_tex(get("journal", "booktitle", "journaltitle") or "") or None,
        doi=(doi_from(raw_doi) or raw_doi) if raw_doi else doi_from(url),
        hint=None if title else (abstract or url or raw_doi or key),
    )
    if abstract:
        entry.blocks.append(("paragraph", escape_block_start(abstract)))
    return entry


def _number(fields: dict[str, tuple[str, int]], name: str, pattern: re.Pattern[str],
            path: str) -> int | None:
    value, line = fields.get(name, ("", 0))
    if not value.strip():
        return None
    if m := pattern.match(value):
        return int(m.group(1))
    raise PublishError(f"{name} {value.strip()!r} is not a number", path, line)


def _line_of(start: int | None, head: str, text: str) -> int:
    """1-based line of a block: the parser's own count, else where its head first occurs."""
    if start is not None:
        return start + 1
    at = text.find(head) if head else -1
    return text.count("\n", 0, at) + 1 if at >= 0 else 1


def _split_authors(value: str) -> list[str]:
    names = (" ".join(n.split()) for n in _split_outside_braces(value, _AND_RE))
    return [n for n in names if n and n.lower() != "others"]


def _split_outside_braces(value: str, separator: re.Pattern[str]) -> list[str]:
    """Split where braces do not protect: `{Barnes and Noble}` is one (corporate) author."""
    parts, depth, start = [], 0, 0
    for m in re.finditer(rf"[{{}}]|{separator.pattern}", value, separator.flags):
        if m.group(0) in "{}":
            depth += 1 if m.group(0) == "{" else -1
        elif depth == 0:
            parts.append(value[start:m.start()])
            start = m.end()
    parts.append(value[start:])
    return parts


def _name(name: str) -> str:
    """`Last, First` and `Last, Jr, First` as written in running text."""
    parts = [p.strip() for p in _split_outside_braces(name, _COMMA_RE)]
    if len(parts) == 2:
        name = f"{parts[1]} {parts[0]}"
    elif len(parts) == 3:
        name = f"{parts[2]} {parts[0]} {parts[1]}"
    return _tex(name)


def _tex(text: str) -> str:
    """Plain text from a BibTeX value: accents composed, capitalisation braces dropped,
    escaped specials unescaped; math segments kept as written."""
    pieces = _MATH_RE.split(text)
    for i in range(0, len(pieces), 2):  # even pieces are outside math
        piece = _ACCENT_RE.sub(_accent, pieces[i])
        pieces[i] = _ESCAPED_RE.sub(r"\1", piece.replace("{", "").replace("}", ""))
    return unicodedata.normalize("NFC", " ".join("".join(pieces).split()))


def _accent(m: re.Match[str]) -> str:
    mark = _ACCENTS[m.group(1) or m.group(3)]
    return (m.group(2) or m.group(4) or m.group(5)) + mark
