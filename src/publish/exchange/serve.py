"""`publish review --serve`: a page on 127.0.0.1 where a person reads each machine draft and
outdated translation beside its source, edits it, and approves or skips it.

Who may use it: whoever opens the URL printed at start, once. Its token is exchanged on first
use for a session cookie (HttpOnly, SameSite=Strict) and is then spent, so a URL left in a
terminal's scroll-back or a browser's history opens nothing. Requests must name the server as
`127.0.0.1:<port>` (no DNS rebinding) and a write must come from the page itself (its Origin,
and a token the page carries). The page loads nothing from elsewhere — its script and style
come from this server, under a Content-Security-Policy that allows nothing else — and needs
no build step. What approving writes is `exchange.reviewing`'s: `publish review`'s marker,
through the same Transaction.
"""

from __future__ import annotations

import hmac
import json
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import cache
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from ..config import Config
from ..errors import PublishError

HOST = "127.0.0.1"
ASSETS = Path(__file__).resolve().parent.parent / "templates" / "review"
_TYPES = {"/review.js": "text/javascript; charset=utf-8",
          "/review.css": "text/css; charset=utf-8"}
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
       "img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
MAX_BODY = 1 << 20


@dataclass(frozen=True)
class ServeOptions:
    lang: str
    list_id: str | None = None
    paper_ids: tuple[str, ...] = ()
    by: str | None = None
    port: int = 0
    wait: float = 60.0  # seconds an approval waits for another writer (--wait)


class ReviewServer:
    """The server and its one-time token; `serve_forever` until `shutdown`."""

    def __init__(self, config: Config, options: ServeOptions,
                 today: Callable[[], date] | None = None):
        from .. import clock
        from ..status.review import check_name, reviewer

        if options.lang not in config.languages:
            raise PublishError(f"--lang {options.lang!r}: the page reviews a language stored "
                               f"in content/ ({', '.join(config.languages)})")
        self.config = config
        self.options = options
        self.by = check_name(options.by if options.by is not None
                             else reviewer(config.root) or "")
        self.today = today or clock.today
        self.token = secrets.token_urlsafe(24)
        self.csrf = secrets.token_urlsafe(24)
        self.session: str | None = None
        self.write_lock = threading.Lock()
        self.httpd = ThreadingHTTPServer((HOST, options.port), _handler(self))
        self.httpd.daemon_threads = True
        self.port = int(self.httpd.server_address[1])
        self.page()  # the project loads, and the papers asked for exist: fail now, not later

    @property
    def origin(self) -> str:
        return f"http://{HOST}:{self.port}"

    @property
    def url(self) -> str:
        return f"{self.origin}/?token={self.token}"

    @property
    def cookie(self) -> str:
        return f"publish-review-{self.port}"

    def serve_forever(self) -> None:
        self.httpd.serve_forever(poll_interval=0.1)

    def shutdown(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def page(self) -> str:
        from ..content.load import load_collection
        from ..translate.drafts import select_papers
        from .reviewing import review_items

        collection = load_collection(self.config)
        papers = select_papers(collection, self.options.list_id, self.options.paper_ids)
        items = review_items(self.config, collection, self.options.lang, papers)
        return _render(self.options.lang, items, self.csrf, self.by,
                       self.config.title.get(self.options.lang, ""))

    def approve(self, body: dict[str, Any]) -> tuple[HTTPStatus, dict[str, Any]]:
        from ..content.write import project_lock
        from ..render.i18n import gettext
        from .reviewing import ChangedOnDisk, approve

        fields = [body.get(k) for k in ("key", "shown", "text")]
        if not all(isinstance(f, str) for f in fields):
            return HTTPStatus.BAD_REQUEST, {"error": "key, shown and text are needed"}
        key, shown, text = fields
        lang = self.options.lang
        try:
            with self.write_lock, project_lock(self.config.root, "review --serve",
                                               self.options.wait):
                done = approve(self.config, lang, key, shown, text, self.by, self.today())
        except ChangedOnDisk as exc:
            return HTTPStatus.CONFLICT, {"error": exc.problems[0].message}
        except PublishError as exc:
            return HTTPStatus.UNPROCESSABLE_ENTITY, {"error": str(exc)}
        where = {"where": f"{done.path}:{done.line} ({done.by}, {done.at})"}
        message = (gettext(lang, "Approved, edited: %(where)s") if done.edited
                   else gettext(lang, "Approved: %(where)s")) % where
        return HTTPStatus.OK, {"message": message, "text": done.text}


@cache
def _asset(name: str) -> bytes:
    return (ASSETS / name).read_bytes()


def _render(lang: str, items: list, csrf: str, by: str, title: str) -> str:
    import jinja2

    from ..render.i18n import gettext, html_lang

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(ASSETS)), autoescape=True,
                             undefined=jinja2.StrictUndefined, trim_blocks=True,
                             lstrip_blocks=True)
    return env.get_template("page.html").render(
        lang=lang, items=items, csrf=csrf, by=by, title=title, lang_tag=html_lang,
        ui=lambda message: gettext(lang, message))


def _handler(server: ReviewServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "publish-review"
        sys_version = ""

        def log_message(self, format: str, *args: Any) -> None:
            pass

        def _send(self, status: HTTPStatus, body: bytes, content_type: str,
                  headers: dict[str, str] | None = None) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Content-Security-Policy", CSP)
            self.send_header("X-Content-Type-Options", "nosniff")
            self.send_header("Referrer-Policy", "no-referrer")
            self.send_header("Cache-Control", "no-store")
            self.send_header("Cross-Origin-Resource-Policy", "same-origin")
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        def _text(self, status: HTTPStatus, message: str) -> None:
            self._send(status, (message + "\n").encode("utf-8"), "text/plain; charset=utf-8")

        def _json(self, status: HTTPStatus, data: dict[str, Any]) -> None:
            self._send(status, json.dumps(data, ensure_ascii=False).encode("utf-8"),
                       "application/json; charset=utf-8")

        def _host_ok(self) -> bool:
            return self.headers.get("Host") == f"{HOST}:{server.port}"

        def _session_ok(self) -> bool:
            if server.session is None:
                return False
            for part in (self.headers.get("Cookie") or "").split(";"):
                name, _, value = part.strip().partition("=")
                if name == server.cookie and hmac.compare_digest(value, server.session):
                    return True
            return False

        def do_GET(self) -> None:
            if not self._host_ok():
                return self._text(HTTPStatus.MISDIRECTED_REQUEST, "wrong host")
            url = urlsplit(self.path)
            token = parse_qs(url.query).get("token", [""])[0]
            if url.path == "/" and token:
                return self._login(token)
            if not self._session_ok():
                return self._text(HTTPStatus.FORBIDDEN, "Open the URL `publish review --serve` "
                                  "printed; it works once. Start it again for a new one.")
            if url.path == "/":
                try:
                    page = server.page().encode("utf-8")
                except PublishError as exc:
                    return self._text(HTTPStatus.INTERNAL_SERVER_ERROR, str(exc))
                return self._send(HTTPStatus.OK, page, "text/html; charset=utf-8")
            if url.path in _TYPES:
                return self._send(HTTPStatus.OK, _asset(url.path[1:]), _TYPES[url.path])
            if url.path == "/favicon.ico":  # browsers ask; there is none
                return self._send(HTTPStatus.NO_CONTENT, b"", "image/x-icon")
            return self._text(HTTPStatus.NOT_FOUND, "not found")

        do_HEAD = do_GET

        def _login(self, token: str) -> None:
            with server.write_lock:
                fresh = server.session is None and hmac.compare_digest(token, server.token)
                if fresh:
                    server.session = secrets.token_urlsafe(32)
            if not fresh:
                return self._text(HTTPStatus.FORBIDDEN, "This link has been used already. "
                                  "Start `publish review --serve` again for a new one.")
            cookie = (f"{server.cookie}={server.session}; HttpOnly; SameSite=Strict; "
                      "Path=/")
            self._send(HTTPStatus.SEE_OTHER, b"", "text/plain",
                       {"Location": "/", "Set-Cookie": cookie})

        def do_POST(self) -> None:
            if not self._host_ok() or self.headers.get("Origin") != server.origin:
                return self._json(HTTPStatus.FORBIDDEN, {"error": "not from this page"})
            if not self._session_ok() or not hmac.compare_digest(
                    self.headers.get("X-Publish-CSRF", ""), server.csrf):
                return self._json(HTTPStatus.FORBIDDEN, {"error": "not from this page"})
            if urlsplit(self.path).path != "/approve":
                return self._json(HTTPStatus.NOT_FOUND, {"error": "not found"})
            if not (self.headers.get("Content-Type") or "").startswith("application/json"):
                return self._json(HTTPStatus.UNSUPPORTED_MEDIA_TYPE, {"error": "JSON only"})
            try:
                length = int(self.headers.get("Content-Length") or "0")
            except ValueError:
                length = -1
            if not 0 < length <= MAX_BODY:
                return self._json(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, {"error": "too large"})
            try:
                body = json.loads(self.rfile.read(length).decode("utf-8"))
            except (UnicodeDecodeError, ValueError):
                return self._json(HTTPStatus.BAD_REQUEST, {"error": "not JSON"})
            if not isinstance(body, dict):
                return self._json(HTTPStatus.BAD_REQUEST, {"error": "not a JSON object"})
            status, data = server.approve(body)
            return self._json(status, data)

    return Handler
