"""arXiv's API (`GET api/query`, an Atom feed): ids in batches of `id_list`, titles with a
`ti:` phrase and the first author's surname. Its terms ask for one request every three
seconds on one connection: the service is one-at-a-time with a three-second gate (see
`client.Gate`, which also holds it across processes and asserts it)."""

from __future__ import annotations

import re
import unicodedata

from lxml import etree

from . import text
from .record import ARXIV, Lookup, Record
from .service import BadIds, Malformed, Parsed, Request, Service, Throttled, by_key

INTERVAL = 3.0  # seconds: "no more than one request every three seconds" (arXiv's terms)
BATCH = 50  # ids in one id_list
_NS = {"a": "http://www.w3.org/2005/Atom", "arxiv": "http://arxiv.org/schemas/atom",
       "os": "http://a9.com/-/spec/opensearch/1.1/"}
_BAD_ID_RE = re.compile(r"/api/errors#incorrect_id_format_for_(\S+)$")
# No network, no DTDs, no entities: an answer is data, never instructions to the parser.
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                          huge_tree=False, recover=False)


def _phrase(title: str) -> str:
    """The title as an arXiv phrase: no quotes or brackets, which its query syntax reads."""
    return " ".join(re.sub(r"[\"()\\]", " ", title).split())


def surname_term(author: str) -> str:
    """A surname as an `au:` term: ASCII letters and hyphens (arXiv folds accents)."""
    folded = unicodedata.normalize("NFKD", author)
    return re.sub(r"[^A-Za-z-]", "", folded).lower()


def request(lookups: list[Lookup]) -> Request:
    if lookups[0].kind == "title":
        lk = lookups[0]
        query = f'ti:"{_phrase(lk.title or "")}"'
        if lk.author and surname_term(lk.author):
            query += f" AND au:{surname_term(lk.author)}"
        return Request("api/query", [("search_query", query), ("id_list", ""), ("start", "0"),
                                     ("max_results", "5")])
    ids = ",".join(lk.value for lk in lookups)
    return Request("api/query", [("search_query", ""), ("id_list", ids), ("start", "0"),
                                 ("max_results", str(len(lookups)))])


def _text(node: etree._Element, path: str) -> str | None:
    found = node.find(path, _NS)
    return found.text if found is not None and found.text else None


def _entry(node: etree._Element) -> Record | None:
    arxiv = text.arxiv_id(_text(node, "a:id"))
    title = text.clean(_text(node, "a:title"))
    if not arxiv or not title:
        return None
    published = _text(node, "a:published") or ""
    doi = text.doi(_text(node, "arxiv:doi"))
    return Record(
        source=ARXIV, id=arxiv, title=title, arxiv=arxiv, doi=doi,
        authors=text.clean_names([n.text for n in node.findall("a:author/a:name", _NS)]),
        year=text.year(published[:4]),
        url=f"https://arxiv.org/abs/{arxiv}",
        abstract=text.paragraphs([_text(node, "a:summary") or ""]),
        preprint=True)


def parse(lookups: list[Lookup], body: bytes) -> Parsed:
    head = body[:300].lstrip()
    if head.startswith(b"Rate exceeded"):  # arXiv's throttling, sometimes with HTTP 200
        raise Throttled("arXiv: Rate exceeded.")
    if b"<!DOCTYPE" in body[:2000] or b"<!ENTITY" in body:
        raise Malformed("an XML answer with a DTD (refused)")
    try:
        root = etree.fromstring(body, _PARSER)
    except etree.XMLSyntaxError as exc:
        raise Malformed(f"not an Atom feed ({str(exc)[:80]})") from None
    if root.tag != "{http://www.w3.org/2005/Atom}feed":
        raise Malformed("not an Atom feed")
    bad: set[str] = set()
    records: list[Record] = []
    for node in root.findall("a:entry", _NS):
        m = _BAD_ID_RE.search(_text(node, "a:id") or "")
        if m:
            bad.add(m.group(1))
            continue
        record = _entry(node)
        if record is not None:
            records.append(record)
    if bad:
        raise BadIds(bad)
    if lookups[0].kind == "title":
        return {lookups[0].key: records}
    return by_key(lookups, {f"arxiv:{r.arxiv}": [r] for r in records})


SERVICE = Service(name=ARXIV, base_url="https://export.arxiv.org/", id_kinds=("arxiv",),
                  batch=BATCH, request=request, parse=parse, concurrency=1, gap=INTERVAL)
