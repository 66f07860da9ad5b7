"""RIS, as Zotero, Mendeley, EndNote and publishers export it (read with rispy): `TY  - JOUR`
… `ER  - ` records. Zotero writes preprints as `TY  - GEN` and keeps the arXiv id only in the
URL or the DOI; an abstract's own line breaks come through as untagged lines."""

from __future__ import annotations

import re

import rispy

from ..errors import PublishError
from .base import RawEntry, RawList, arxiv_from, arxiv_in_text, doi_from, escape_block_start
from .clean import clean_text, safe_url
from .kinds import Evidence, classify, is_paper_link
from .types import work_type

_TY_RE = re.compile(r"^TY  - ", re.MULTILINE)
_YEAR_RE = re.compile(r"(?<!\d)((?:1[5-9]|20)\d\d)(?!\d)")


def read(text: str, path: str) -> RawList:
    starts = [text.count("\n", 0, m.start()) + 1 for m in _TY_RE.finditer(text)]
    try:
        records = rispy.loads(text, skip_unknown_tags=True)
    except Exception as exc:  # rispy raises plain IOError/ValueError on a broken record
        raise PublishError(f"malformed RIS: {exc}", path, 1) from None
    out = RawList(shape="ris")
    for i, rec in enumerate(records):
        out.saw("record")
        line = starts[i] if i < len(starts) else 1
        out.entries.append(_entry(rec, line))
    return out


def _first(rec: dict, *keys: str) -> str | None:
    for key in keys:
        value = rec.get(key)
        if isinstance(value, list):
            value = next((v for v in value if isinstance(v, str) and v.strip()), None)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None


def _entry(rec: dict, line: int) -> RawEntry:
    title = clean_text(_first(rec, "title", "primary_title", "translated_title"))
    entry = RawEntry(line=line, title=title)
    if title and (m := re.match(r"^\[(\d{4}\.\d{4,5})(?:v\d+)?\]\s+(.+)$", title)):
        entry.title, entry.arxiv = m.group(2), m.group(1)
    urls = [u for u in rec.get("urls", []) or [] if isinstance(u, str)]
    own = urls[0] if urls else None
    entry.url = next(filter(None, map(safe_url, urls)), None)
    raw_doi = _first(rec, "doi")
    entry.doi = doi_from(raw_doi) if raw_doi else None
    entry.arxiv = entry.arxiv or next(filter(None, map(arxiv_from, [*urls, raw_doi or ""])),
                                      None) or arxiv_in_text(_first(rec, "notes", "note"))
    year = _first(rec, "year", "publication_year", "date")
    if year and (m := _YEAR_RE.search(year)):
        entry.year = int(m.group(1))
    entry.authors = [_first_last(clean_text(a) or "") for a in
                     (rec.get("authors") or rec.get("first_authors") or []) if clean_text(a)]
    venue = clean_text(_first(rec, "secondary_title", "journal_name", "alternate_title3",
                              "custom3" if rec.get("type_of_reference") == "CONF" else "x"))
    if venue and not re.match(r"(?i)^arxiv(?::|$)", venue):
        entry.venue = venue
    elif venue:
        entry.arxiv = entry.arxiv or arxiv_in_text(venue)
    short = clean_text(_first(rec, "short_title"))
    if short and entry.title and short.lower() != entry.title.lower():
        entry.aliases = [short]
    if abstract := _first(rec, "abstract"):
        entry.blocks.append(("paragraph", escape_block_start(" ".join(abstract.split()))))
    entry.type = work_type(_first(rec, "type_of_reference"))
    if entry.type == "webpage" and entry.arxiv:
        entry.type = None
    if entry.title is None:
        entry.hint = own or raw_doi
    ev = Evidence(own=own, work_type=entry.type,
                  paper_links=[u for u in [*urls, raw_doi or ""] if is_paper_link(u)
                               or doi_from(u)], paper_column=True)
    if entry.type in ("article", "chapter", "thesis", "report"):
        return entry
    return classify(entry, ev)


def _first_last(name: str) -> str:
    last, sep, first = name.partition(",")
    return f"{first.strip()} {last.strip()}" if sep and first.strip() else name
