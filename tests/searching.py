"""Reading a site's search index in Python, as `templates/site/search.js` reads it in the
browser (every term must match; the last Latin word also as a prefix), so tests can ask an
index questions without a browser. The browser then ranks a title that contains the query
as a phrase first; which papers match is the same, and test_search.py checks that it is."""

from __future__ import annotations

from pathlib import Path

from publish.site.search import TEXT, TITLE, decode_index, query_terms


def load(site: Path, lang: str) -> dict[str, object]:
    return decode_index((site / lang / "search-index.js").read_bytes())


def postings(value: object) -> list[tuple[int, int]]:
    """(paper number, field bits) of a term's postings."""
    if value is None:
        return []
    values = value if isinstance(value, list) else [value]
    out, n = [], 0
    for i, v in enumerate(values):
        assert isinstance(v, int)
        n = (v >> 3) if i == 0 else n + (v >> 3)
        out.append((n, v & 7))
    return out


def matches(index: dict[str, object], query: str) -> dict[int, int]:
    """Paper number -> the fields each term was found in (OR of bits), for the papers every
    term of `query` matches."""
    table = index["t"]
    assert isinstance(table, dict)
    wanted = query_terms(query)
    found: dict[int, int] | None = None
    for term in wanted:
        keys = [term]
        if term == wanted[-1] and term[0] < "\u3040":
            keys = [k for k in table if k.startswith(term)]
        hits: dict[int, int] = {}
        for key in keys:
            for n, bits in postings(table.get(key)):
                hits[n] = hits.get(n, 0) | bits
        found = hits if found is None else {n: b | hits[n] for n, b in found.items()
                                           if n in hits}
    return found or {}


def in_title(bits: int) -> bool:
    return bool(bits & TITLE)


def in_text(bits: int) -> bool:
    return bool(bits & TEXT)
