"""Stand-ins for arXiv, OpenAlex, Crossref and Semantic Scholar for tests and benchmarks:
stdlib only, one server per service on a free port of 127.0.0.1, in a thread, answering
with the bodies in tests/fixtures/enrich/ (written from each API's documented format).

Each behaves as its service does where enrich depends on it:
    arxiv            GET /api/query — `id_list` answered with the entries of the id
                     fixtures, in one feed, unknown ids left out, a malformed id (1234.12345)
                     refused with HTTP 400 and arXiv's error entry; `search_query` answered
                     from `routes` (else an empty feed)
    openalex         GET /works/doi:… and /works/W… from the work fixtures (else 404);
                     GET /works?filter=title.search:… from `routes` (else no results)
    crossref         GET /works/<doi> from the work fixtures (else a plain-text 404);
                     GET /works?query.bibliographic=… from `routes` (else no items)
    semanticscholar  POST /graph/v1/paper/batch — one element per id, null when unknown;
                     GET /graph/v1/paper/search from `routes` (else no results)

`routes` is a list of (parameter, words, fixture file): a search whose parameter holds all
the words (any case) gets the file. `mode` scripts failures first:
    429       the first `fail_first` requests get 429 with Retry-After: `retry_after`
    500       every request gets 500;   hang: accepted, never answered
    garbage   200 with a body cut in the middle (the service's own malformed fixture)
`handler(request)` may answer anything itself (the benchmark's synthetic works): a
(status, headers, body) tuple, or None to go on as above.

    with StandIn("arxiv") as server:
        server.url          # http://127.0.0.1:PORT/
        server.requests     # every request received: Seen(method, path, params, body, ...)
"""

from __future__ import annotations

import itertools
import json
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlparse

from localserver import LocalServer, QuietHandler

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "enrich"
MODES = ("ok", "429", "500", "hang", "garbage")
ATOM = "application/atom+xml; charset=utf-8"
JSON = "application/json; charset=utf-8"
_MALFORMED = {"arxiv": "arxiv/malformed_truncated.xml", "openalex":
              "openalex/malformed_truncated.json", "crossref": "crossref/malformed_truncated.json",
              "semanticscholar": "semanticscholar/malformed_truncated.json"}
_NO_RESULTS = {"arxiv": "arxiv/empty_search_no_match.xml", "openalex":
               "openalex/search_no_match.json", "crossref":
               "crossref/search_bibliographic_no_match.json", "semanticscholar":
               "semanticscholar/search_no_results.json"}

Answer = tuple[int, dict[str, str], bytes]


@dataclass
class Seen:
    method: str
    path: str
    params: dict[str, str]
    body: bytes
    headers: dict[str, str]
    at: float = field(default_factory=time.time)  # arrival, wall clock


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def _arxiv_entries() -> dict[str, bytes]:
    """arXiv id -> its <entry> element from the id fixtures (layouts as recorded)."""
    out = {}
    for path in FIXTURES.glob("arxiv/id_*.xml"):
        text = path.read_text("utf-8")
        for m in re.finditer(r"<entry>.*?</entry>", text, re.S):
            found = re.search(r"<id>https?://arxiv\.org/abs/([^<]+?)(v\d+)?</id>", m.group(0))
            if found:
                out[found.group(1)] = m.group(0).encode("utf-8")
    return out


def _feed(entries: list[bytes]) -> bytes:
    head = (b"<?xml version='1.0' encoding='UTF-8'?>\n<feed xmlns:opensearch=\"http://a9.com/"
            b"-/spec/opensearch/1.1/\" xmlns:arxiv=\"http://arxiv.org/schemas/atom\" "
            b"xmlns=\"http://www.w3.org/2005/Atom\">\n  <title>arXiv Query</title>\n"
            b"  <opensearch:totalResults>" + str(len(entries)).encode() +
            b"</opensearch:totalResults>\n")
    # an entry copied from a legacy-layout file declares its own namespaces where it uses them
    return head + b"\n".join(entries) + b"\n</feed>\n"


def _by_ids(pattern: str, ids: Callable[[Any], list[str]]) -> dict[str, bytes]:
    out = {}
    for path in FIXTURES.glob(pattern):
        body = path.read_bytes()
        for key in ids(json.loads(body)):
            out[key.lower()] = body
    return out


def _openalex_ids(work: dict[str, Any]) -> list[str]:
    keys = [work["id"].rsplit("/", 1)[-1]]
    if work.get("doi"):
        keys.append("doi:" + work["doi"].split("doi.org/", 1)[-1])
    return keys


def _crossref_ids(data: dict[str, Any]) -> list[str]:
    return [data["message"]["DOI"]] if data.get("message-type") == "work" else []


def _s2_ids(paper: dict[str, Any]) -> list[str]:
    ext = paper.get("externalIds") or {}
    keys = [paper["paperId"]]
    keys += [f"arxiv:{ext['ArXiv']}"] if ext.get("ArXiv") else []
    keys += [f"doi:{ext['DOI']}"] if ext.get("DOI") else []
    return keys


class StandIn(LocalServer):
    def __init__(self, source: str, mode: str = "ok", latency: float = 0.0,
                 routes: list[tuple[str, str, str]] | None = None, fail_first: int = 1,
                 retry_after: float = 1, handler: Callable[[Seen], Answer | None] | None = None,
                 port: int = 0):
        assert mode in MODES, mode
        self.source, self.mode, self.latency = source, mode, latency
        self.routes = list(routes or [])
        self.fail_first, self.retry_after, self.handler = fail_first, retry_after, handler
        self.requests: list[Seen] = []
        self._lock = threading.Lock()
        self._entries = _arxiv_entries()
        self._works = {"openalex": _by_ids("openalex/work_*.json", _openalex_ids),
                       "crossref": _by_ids("crossref/work_*.json", _crossref_ids),
                       "semanticscholar": _by_ids("semanticscholar/paper_*.json", _s2_ids)
                       }.get(source, {})
        self._serve(port)

    def gaps(self) -> list[float]:
        """Seconds between one request's arrival and the next one's."""
        times = [r.at for r in self.requests]
        return [b - a for a, b in itertools.pairwise(times)]

    # -- answers -------------------------------------------------------------------------

    def answer(self, seen: Seen) -> Answer:
        with self._lock:
            self.requests.append(seen)
            number = len(self.requests)
        if self.latency:
            time.sleep(self.latency)
        if self.mode == "hang":
            self._stopping.wait()
            return 503, {}, b""
        if self.mode == "429" and number <= self.fail_first:
            body = {"arxiv": b"Rate exceeded.", "crossref": fixture("crossref/error_429.html")
                    }.get(self.source) or fixture(f"{self.source}/error_429.json")
            return 429, {"Retry-After": f"{self.retry_after:g}"}, body
        if self.mode == "500":
            return 500, {}, b'{"message": "Internal Server Error"}'
        if self.mode == "garbage":
            return 200, {}, fixture(_MALFORMED[self.source])
        if self.handler is not None:
            found = self.handler(seen)
            if found is not None:
                return found
        return getattr(self, "_" + self.source)(seen)

    def _routed(self, seen: Seen, param: str) -> Answer:
        value = seen.params.get(param, "").lower()
        for name, words, file in self.routes:
            if name == param and all(w.lower() in value for w in words.split()):
                return 200, {}, fixture(file)
        return 200, {}, fixture(_NO_RESULTS[self.source])

    def _arxiv(self, seen: Seen) -> Answer:
        ids = [i for i in seen.params.get("id_list", "").split(",") if i]
        if not ids:
            return self._routed(seen, "search_query")
        if "1234.12345" in ids:
            return 400, {}, fixture("arxiv/error_bad_id_1234.12345.xml")
        return 200, {}, _feed([self._entries[i] for i in ids if i in self._entries])

    def _work(self, key: str, missing: Answer) -> Answer:
        body = self._works.get(key.lower())
        return (200, {}, body) if body is not None else missing

    def _openalex(self, seen: Seen) -> Answer:
        if seen.path.startswith("/works/"):
            return self._work(unquote(seen.path[len("/works/"):]),
                              (404, {}, fixture("openalex/error_404.json")))
        return self._routed(seen, "filter")

    def _crossref(self, seen: Seen) -> Answer:
        if seen.path.startswith("/works/"):
            return self._work(unquote(seen.path[len("/works/"):]),
                              (404, {}, fixture("crossref/error_404_resource_not_found.txt")))
        return self._routed(seen, "query.bibliographic")

    def _semanticscholar(self, seen: Seen) -> Answer:
        if seen.path == "/graph/v1/paper/batch":
            ids = json.loads(seen.body or b"{}").get("ids", [])
            found = [self._works.get(i.lower()) for i in ids]
            items = [json.loads(b) if b is not None else None for b in found]
            return 200, {}, json.dumps(items).encode("utf-8")
        return self._routed(seen, "query")

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(QuietHandler):

            def _serve(self) -> None:
                url = urlparse(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                seen = Seen(self.command, url.path,
                            {k: v[0] for k, v in parse_qs(url.query,
                                                          keep_blank_values=True).items()},
                            self.rfile.read(length) if length else b"",
                            {k.lower(): v for k, v in self.headers.items()})
                status, headers, body = server.answer(seen)
                kind = ATOM if body.lstrip().startswith(b"<?xml") else \
                    JSON if body.lstrip()[:1] in (b"{", b"[") else "text/plain; charset=utf-8"
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", kind)
                    self.send_header("Content-Length", str(len(body)))
                    for key, value in headers.items():
                        self.send_header(key, value)
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            do_GET = do_POST = _serve

        return Handler
