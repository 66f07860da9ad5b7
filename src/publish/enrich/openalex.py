"""OpenAlex (`/works`): a work by its W id or DOI (an arXiv paper by arXiv's DataCite DOI,
10.48550/arXiv.<id>) as a free singleton; a title with the `title.search` filter (a list
call, ten times cheaper than `search=`). `mailto` puts the requests in the polite pool; an
API key (OPENALEX_API_KEY) raises the daily allowance."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote

from . import text
from .record import OPENALEX, Lookup, Record
from .service import Malformed, Parsed, Request, Service, load_json, need

_SELECT = ("id,doi,title,display_name,publication_year,type,authorships,primary_location,"
           "locations,cited_by_count,abstract_inverted_index")
_ARXIV_SOURCE = "S4306400194"  # "arXiv (Cornell University)", a repository, not a venue
_MAX_WORDS = 10_000  # positions an abstract's inverted index may fill


def request(lookups: list[Lookup]) -> Request:
    lk = lookups[0]
    if lk.kind == "title":
        # In a filter, ',' separates filters and '|' means "or": neither may stay in a title.
        words = " ".join(re.sub(r"[,|:&]", " ", lk.title or "").split())
        return Request("works", [("filter", f"title.search:{words}"), ("per_page", "10"),
                                 ("select", _SELECT)])
    if lk.kind == "openalex":
        path = f"works/{lk.value}"
    elif lk.kind == "arxiv":
        path = f"works/doi:10.48550/arXiv.{lk.value}"
    else:
        path = "works/doi:" + quote(lk.value, safe="/")
    return Request(path, [("select", _SELECT)])


def abstract(index: Any) -> list[str]:
    """The abstract from OpenAlex's inverted index ({word: [positions]}): words sorted by
    position, never an array as long as the largest position says."""
    if not isinstance(index, dict):
        return []
    placed: list[tuple[int, str]] = []
    for word, positions in index.items():
        if not isinstance(word, str) or not isinstance(positions, list):
            continue
        placed += [(p, word) for p in positions if isinstance(p, int) and p >= 0]
        if len(placed) > _MAX_WORDS:
            break
    placed.sort()
    return [" ".join(word for _, word in placed[:_MAX_WORDS])] if placed else []


def _venue(work: dict[str, Any]) -> str | None:
    """A journal's or conference's name: the primary location's source, else the first
    other location's; never a repository (arXiv, Zenodo…)."""
    locations = [work.get("primary_location"), *(work.get("locations") or [])]
    for loc in locations:
        source = loc.get("source") if isinstance(loc, dict) else None
        if (isinstance(source, dict) and source.get("type") in ("journal", "conference")
                and _ARXIV_SOURCE not in str(source.get("id"))):
            return text.venue(source.get("display_name"))
    return None


def _arxiv(work: dict[str, Any], doi: str | None) -> str | None:
    found = text.arxiv_of_doi(doi)
    for loc in work.get("locations") or []:
        if found:
            break
        page = loc.get("landing_page_url") if isinstance(loc, dict) else None
        if isinstance(page, str) and "arxiv.org/abs/" in page:
            found = text.arxiv_id(page)
    return found


def work(data: Any) -> Record | None:
    if not isinstance(data, dict):
        return None
    wid = text.openalex_id(data.get("id"))
    title = text.clean(data.get("title") or data.get("display_name"))
    if not wid or not title:
        return None
    doi = text.doi(data.get("doi"))
    primary = data.get("primary_location")
    authors = [a.get("author", {}).get("display_name") for a in data.get("authorships") or []
               if isinstance(a, dict) and isinstance(a.get("author"), dict)]
    return Record(
        source=OPENALEX, id=wid, title=title, openalex=wid,
        doi=text.published_doi(doi), arxiv=_arxiv(data, doi),
        authors=text.clean_names(authors), year=text.year(data.get("publication_year")),
        venue=_venue(data), citations=text.whole(data.get("cited_by_count")),
        url=text.url(primary.get("landing_page_url")) if isinstance(primary, dict) else None,
        abstract=text.paragraphs(abstract(data.get("abstract_inverted_index"))),
        preprint=data.get("type") == "preprint")


def parse(lookups: list[Lookup], body: bytes) -> Parsed:
    data = need(load_json(body), dict, "a JSON object")
    if "results" in data:
        results = need(data["results"], list, "a list of results")
        return {lookups[0].key: [r for r in map(work, results) if r is not None]}
    record = work(data)
    if record is None:
        raise Malformed("a work without an id or a title")
    return {lookups[0].key: [record]}


SERVICE = Service(name=OPENALEX, base_url="https://api.openalex.org/",
                  id_kinds=("openalex", "doi", "arxiv"), batch=1, request=request,
                  parse=parse, contact="param", key_env="OPENALEX_API_KEY",
                  per_second=50.0)  # of the 100 a second OpenAlex allows everyone
