"""Semantic Scholar's Academic Graph API (`graph/v1`): ids in batches (`POST paper/batch`,
up to 500, `null` for an unknown one); a title with `paper/search`. The key, when there is
one, comes from SEMANTIC_SCHOLAR_API_KEY in the environment and goes in `x-api-key`; a key
starts at one request a second, and the shared pool without one throttles often, so requests
go one at a time, a second apart."""

from __future__ import annotations

from typing import Any

from . import text
from .record import S2, Lookup, Record
from .service import Malformed, Parsed, Request, Service, by_key, load_json, need

FIELDS = "paperId,externalIds,url,title,abstract,venue,year,citationCount,authors"
_KINDS = {"arxiv": "ARXIV", "doi": "DOI"}  # lookup kinds as Semantic Scholar prefixes them


def _id(lk: Lookup) -> str:
    return lk.value if lk.kind == "s2" else f"{_KINDS[lk.kind]}:{lk.value}"


def request(lookups: list[Lookup]) -> Request:
    lk = lookups[0]
    if lk.kind == "title":
        return Request("graph/v1/paper/search", [("query", lk.title or ""), ("fields", FIELDS),
                                                 ("limit", "5")])
    return Request("graph/v1/paper/batch", [("fields", FIELDS)],
                   json_body={"ids": [_id(x) for x in lookups]})


def paper(data: Any) -> Record | None:
    if not isinstance(data, dict):
        return None
    pid = text.s2_id(data.get("paperId"))
    title = text.clean(data.get("title"))
    if not pid or not title:
        return None
    ext = data.get("externalIds") if isinstance(data.get("externalIds"), dict) else {}
    abstract = data.get("abstract")
    return Record(
        source=S2, id=pid, title=title, s2=pid, arxiv=text.arxiv_id(ext.get("ArXiv")),
        doi=text.published_doi(text.doi(ext.get("DOI"))),
        authors=text.clean_names([a.get("name") for a in data.get("authors") or []
                                  if isinstance(a, dict)]),
        year=text.year(data.get("year")), venue=text.venue(data.get("venue")),
        citations=text.whole(data.get("citationCount")), url=text.url(data.get("url")),
        abstract=text.paragraphs([abstract] if isinstance(abstract, str) else []))


def parse(lookups: list[Lookup], body: bytes) -> Parsed:
    data = load_json(body)
    if lookups[0].kind == "title":
        found = need(need(data, dict, "a JSON object").get("data", []), list, "a 'data' list")
        return {lookups[0].key: [r for r in map(paper, found) if r is not None]}
    answers = need(data, list, "a list, one element per id asked")
    if len(answers) != len(lookups):  # not aligned with the ids: nothing can be told
        raise Malformed(f"{len(answers)} answers for {len(lookups)} ids")
    found = {}
    for lk, item in zip(lookups, answers, strict=True):
        record = paper(item)
        if record is not None:
            found[lk.key] = [record]
    return by_key(lookups, found)


SERVICE = Service(name=S2, base_url="https://api.semanticscholar.org/",
                  id_kinds=("s2", "arxiv", "doi"), batch=500, request=request, parse=parse,
                  key_env="SEMANTIC_SCHOLAR_API_KEY", key_header="x-api-key", concurrency=1,
                  gap=1.0)
