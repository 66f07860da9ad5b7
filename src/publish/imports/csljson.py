"""CSL-JSON, the citation format Zotero, Mendeley, Pandoc and citeproc share: an array of
items with `type`, `title`, `author` ({family, given} or {literal}), `issued` (date-parts,
whose year Zotero writes as a string, or {raw}), `DOI`, `URL`, and the arXiv id of a
preprint in `number` or `note`."""

from __future__ import annotations

import json
import re
from typing import Any

from ..errors import PublishError
from .base import (
    RawEntry,
    RawList,
    arxiv_from,
    arxiv_id,
    arxiv_in_text,
    doi_from,
    escape_block_start,
)
from .clean import clean_text, safe_url
from .kinds import Evidence, classify, is_paper_link
from .types import work_type

_YEAR_RE = re.compile(r"(?<!\d)((?:1[5-9]|20)\d\d)(?!\d)")
_TAG_RE = re.compile(r"</?(?:i|b|em|strong|sup|sub|span|sc)\b[^>]*>", re.IGNORECASE)


def read(text: str, path: str) -> RawList:
    try:
        items, lines = _items(text)
    except ValueError as exc:
        line = getattr(exc, "lineno", 1)
        raise PublishError(f"not CSL-JSON: {getattr(exc, 'msg', exc)}", path, line) from None
    out = RawList(shape="csl-json")
    for item, line in zip(items, lines, strict=True):
        out.saw("item")
        if not isinstance(item, dict):
            out.warnings.append((line, "an item that is not an object: skipped"))
            continue
        out.entries.append(_entry(item, line))
    return out


def _items(text: str) -> tuple[list[Any], list[int]]:
    """The items and the line of each one's `{`: decoded one by one from the array, so each
    keeps its place in the file."""
    decoder = json.JSONDecoder()
    start = len(text) - len(text.lstrip())
    if text[start:start + 1] == "{":
        data, _ = decoder.raw_decode(text, start)
        items = data.get("items") if isinstance(data, dict) else None
        if not isinstance(items, list):
            return [data], [text.count("\n", 0, start) + 1]
        return items, [1] * len(items)
    if text[start:start + 1] != "[":
        raise json.JSONDecodeError("expected a JSON array of items", text, start)
    items, lines, i = [], [], start + 1
    while True:
        while i < len(text) and text[i] in " \t\n\r,":
            i += 1
        if i >= len(text) or text[i] == "]":
            break
        item, end = decoder.raw_decode(text, i)
        items.append(item)
        lines.append(text.count("\n", 0, i) + 1)
        i = end
    return items, lines


def _text(value: Any) -> str | None:
    return clean_text(_TAG_RE.sub("", value)) if isinstance(value, str) else None


def _entry(item: dict, line: int) -> RawEntry:
    title = _text(item.get("title"))
    entry = RawEntry(line=line, title=title)
    if title and (m := re.match(r"^\[(\d{4}\.\d{4,5})(?:v\d+)?\]\s+(.+)$", title)):
        entry.title, entry.arxiv = m.group(2), m.group(1)
    url = item.get("URL") if isinstance(item.get("URL"), str) else None
    entry.url = safe_url(url)
    raw_doi = item.get("DOI") if isinstance(item.get("DOI"), str) else None
    entry.doi = doi_from(raw_doi) if raw_doi else None
    number, note = _text(item.get("number")), _text(item.get("note"))
    entry.arxiv = entry.arxiv or arxiv_from(url) or arxiv_from(raw_doi) or (
        arxiv_id(number) if number and re.match(r"(?i)^arxiv", number) else None) or \
        arxiv_in_text(note)
    entry.year = _year(item.get("issued"))
    entry.authors = [n for n in (_name(a) for a in item.get("author") or []
                                 if isinstance(a, dict)) if n]
    venue = _text(item.get("container-title"))
    if venue and not re.match(r"(?i)^arxiv(?::|\.org|$)", venue):
        entry.venue = venue
    elif venue:
        entry.arxiv = entry.arxiv or arxiv_in_text(venue)
    short = _text(item.get("title-short"))
    if short and entry.title and short.lower() != entry.title.lower():
        entry.aliases = [short]
    if abstract := _text(item.get("abstract")):
        entry.blocks.append(("paragraph", escape_block_start(abstract)))
    entry.type = work_type(item.get("type") if isinstance(item.get("type"), str) else None)
    if entry.type == "webpage" and entry.arxiv:
        entry.type = None
    if entry.title is None:
        entry.hint = url or raw_doi
    ev = Evidence(own=url, work_type=entry.type, paper_column=True,
                  paper_links=[u for u in (url, raw_doi) if u and is_paper_link(u)])
    if entry.type in ("article", "chapter", "thesis", "report"):
        return entry
    return classify(entry, ev)


def _year(issued: Any) -> int | None:
    """`{"date-parts": [["2023", 5, 23]]}` (a string year, as Zotero writes it) or
    `{"raw": "2016-09-12"}`."""
    if not isinstance(issued, dict):
        return None
    parts = issued.get("date-parts")
    if isinstance(parts, list) and parts and isinstance(parts[0], list) and parts[0]:
        m = _YEAR_RE.search(str(parts[0][0]))
        if m:
            return int(m.group(1))
    for key in ("raw", "literal"):
        if isinstance(issued.get(key), str) and (m := _YEAR_RE.search(issued[key])):
            return int(m.group(1))
    return None


def _name(author: dict) -> str | None:
    if isinstance(author.get("literal"), str):
        return clean_text(author["literal"])
    parts = [author.get(k) for k in ("given", "dropping-particle", "non-dropping-particle",
                                     "family", "suffix")]
    return clean_text(" ".join(p for p in parts if isinstance(p, str) and p.strip()))
