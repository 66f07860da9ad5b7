"""Crossref's REST API (`/works`): a published work by DOI; a title with
`query.bibliographic` (title, first author, year). It knows published versions only (arXiv's
DataCite DOIs answer 404). `mailto` puts the requests in the polite pool; the pool's limits
come in `x-rate-limit-*` and `x-concurrency-limit` headers, which the client follows."""

from __future__ import annotations

import html
import re
from typing import Any
from urllib.parse import quote

from lxml import etree

from . import text
from .record import CROSSREF, Lookup, Record
from .service import Malformed, Parsed, Request, Service, load_json, need

_SELECT = "DOI,title,author,issued,container-title,is-referenced-by-count,abstract,type,URL"
_JATS = ('<root xmlns:jats="http://www.ncbi.nlm.nih.gov/JATS1" '
         'xmlns:mml="http://www.w3.org/1998/Math/MathML" '
         'xmlns:xlink="http://www.w3.org/1999/xlink">{}</root>')
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                          huge_tree=False)


def request(lookups: list[Lookup]) -> Request:
    lk = lookups[0]
    if lk.kind == "title":
        query = " ".join(str(part) for part in (lk.title, lk.author, lk.year) if part)
        return Request("works", [("query.bibliographic", query), ("rows", "5"),
                                 ("select", _SELECT)])
    return Request("works/" + quote(lk.value, safe="/"))


def jats_paragraphs(value: Any) -> list[str]:
    """An abstract in JATS XML (`<jats:p>…</jats:p>`, sometimes a `<jats:title>`) as its
    paragraphs' text; tags stripped by hand when the XML is broken."""
    if not isinstance(value, str) or not value.strip():
        return []
    if "<!" in value:
        return []  # a DTD or a CDATA trick: not an abstract
    try:
        root = etree.fromstring(_JATS.format(value).encode("utf-8"), _PARSER)
    except etree.XMLSyntaxError:
        return [html.unescape(re.sub(r"<[^>]*>", " ", value))]
    for node in root.iter():
        if isinstance(node.tag, str) and etree.QName(node).localname == "title":
            node.getparent().remove(node)
    found = [" ".join(node.itertext()) for node in root.iter()
             if isinstance(node.tag, str) and etree.QName(node).localname == "p"]
    return found or [" ".join(root.itertext())]


def _name(author: Any) -> str | None:
    if not isinstance(author, dict):
        return None
    parts = [author.get("given"), author.get("family")]
    name = " ".join(p for p in parts if isinstance(p, str) and p.strip())
    return name or (author.get("name") if isinstance(author.get("name"), str) else None)


def _first(value: Any, last: bool = False) -> Any:
    return value[-1 if last else 0] if isinstance(value, list) and value else None


def work(data: Any) -> Record | None:
    if not isinstance(data, dict):
        return None
    doi = text.doi(data.get("DOI"))
    title = text.clean(_first(data.get("title")))
    if not doi or not title:
        return None
    issued = data.get("issued")
    parts = _first(issued.get("date-parts")) if isinstance(issued, dict) else None
    return Record(
        source=CROSSREF, id=doi, title=title, doi=text.published_doi(doi),
        arxiv=text.arxiv_of_doi(doi),
        authors=text.clean_names([_name(a) for a in data.get("author") or []]),
        year=text.year(_first(parts)),
        # A book chapter's container is [series, book]: the book says more.
        venue=text.venue(_first(data.get("container-title"), last=True)),
        citations=text.whole(data.get("is-referenced-by-count")),
        url=text.url(data.get("URL")),
        abstract=text.paragraphs(jats_paragraphs(data.get("abstract"))),
        preprint=data.get("type") == "posted-content")


def parse(lookups: list[Lookup], body: bytes) -> Parsed:
    data = need(load_json(body), dict, "a JSON object")
    message = need(data.get("message"), dict, "a 'message' object")
    if data.get("message-type") == "work-list":
        items = need(message.get("items"), list, "a list of items")
        return {lookups[0].key: [r for r in map(work, items) if r is not None]}
    record = work(message)
    if record is None:
        raise Malformed("a work without a DOI or a title")
    return {lookups[0].key: [record]}


SERVICE = Service(name=CROSSREF, base_url="https://api.crossref.org/", id_kinds=("doi",),
                  batch=1, request=request, parse=parse, contact="param",
                  # the public pool's limits until the answers' headers say otherwise
                  concurrency=1, per_second=5.0, rate_headers=True)
