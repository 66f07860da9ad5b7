"""A LibreTranslate-compatible stand-in for tests and benchmarks: stdlib only, on a free port
of 127.0.0.1, in a thread.

    POST /translate   q, source, target, format, api_key — from the query string, a form
                      body or a JSON body; answers {"translatedText": ...}
    GET  /languages   [{"code": "en", ...}, {"code": "zh", ...}]

The answer depends on `mode`:
    echo      "[<target>] " + q — deterministic, placeholders kept
    slow      echo after `latency` seconds (latency also applies to any other mode)
    429       the first `fail_first` requests get 429 with Retry-After: `retry_after`, then echo
    500       every request gets 500
    garbage   200 with a body that is not JSON
    mangle    echo with the first placeholder ⟦N⟧ damaged to ⟦N
    hang      accepts the request and never answers (until the server stops)
    huge      a lying server: echo followed by 3,000,000 characters
    control   echo with an escape sequence (ESC [31m) and a BEL in it

    with TranslationServer(mode="echo") as server:
        server.url            # http://127.0.0.1:PORT/
        server.requests       # POST /translate requests received so far
        server.texts          # the q of each, in order
"""

from __future__ import annotations

import json
import re
import threading
import time
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qs, urlparse

from localserver import LocalServer, QuietHandler

MODES = ("echo", "slow", "429", "500", "garbage", "mangle", "hang", "huge", "control")
_PLACEHOLDER_RE = re.compile(r"⟦(\d+)⟧")


class TranslationServer(LocalServer):
    def __init__(self, mode: str = "echo", latency: float = 0.0, fail_first: int = 2,
                 retry_after: float = 1, port: int = 0):
        if mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}")
        self.mode = mode
        self.latency = latency
        self.fail_first = fail_first
        self.retry_after = retry_after
        self.requests = 0
        self.texts: list[str] = []
        self.params: list[dict[str, str]] = []
        self._lock = threading.Lock()
        self._serve(port)

    def reset(self, mode: str | None = None) -> None:
        with self._lock:
            self.requests = 0
            self.texts.clear()
            self.params.clear()
            if mode is not None:
                self.mode = mode

    # -- what a request gets -------------------------------------------------------------

    def _answer(self, params: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        with self._lock:
            self.requests += 1
            number = self.requests
            self.texts.append(params.get("q", ""))
            self.params.append(params)
            mode = self.mode
        if self.latency:
            time.sleep(self.latency)
        text = params.get("q", "")
        echo = f"[{params.get('target', '?')}] {text}"
        if mode == "hang":
            self._stopping.wait()
            return 503, {}, b""
        if mode == "429" and number <= self.fail_first:
            return 429, {"Retry-After": f"{self.retry_after:g}"}, \
                b'{"error": "Slowdown: too many requests"}'
        if mode == "500":
            return 500, {}, b'{"error": "internal error"}'
        if mode == "garbage":
            return 200, {}, b"<html>not json{"
        if mode == "mangle":
            echo = _PLACEHOLDER_RE.sub(lambda m: f"⟦{m.group(1)}", echo, count=1)
        if mode == "huge":
            echo += " " + "译" * 3_000_000
        if mode == "control":
            echo = "\x1b[31m" + echo + "\x07"
        body = json.dumps({"translatedText": echo}, ensure_ascii=False).encode("utf-8")
        return 200, {}, body

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(QuietHandler):

            def _send(self, status: int, headers: dict[str, str], body: bytes) -> None:
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json; charset=utf-8")
                    self.send_header("Content-Length", str(len(body)))
                    for key, value in headers.items():
                        self.send_header(key, value)
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (a timeout): nothing to answer

            def do_GET(self) -> None:
                if urlparse(self.path).path.rstrip("/") == "/languages":
                    body = json.dumps([{"code": "en", "name": "English", "targets": ["zh"]},
                                       {"code": "zh", "name": "Chinese", "targets": ["en"]}])
                    self._send(200, {}, body.encode())
                else:
                    self._send(404, {}, b'{"error": "not found"}')

            def do_POST(self) -> None:
                url = urlparse(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                params = {k: v[0] for k, v in parse_qs(url.query).items()}
                kind = self.headers.get("Content-Type", "")
                if raw and "json" in kind:
                    try:
                        params.update({k: str(v) for k, v in json.loads(raw).items()})
                    except (ValueError, AttributeError):
                        self._send(400, {}, b'{"error": "bad JSON"}')
                        return
                elif raw:
                    params.update({k: v[0] for k, v in
                                   parse_qs(raw.decode("utf-8")).items()})
                if url.path.rstrip("/") != "/translate":
                    self._send(404, {}, b'{"error": "not found"}')
                    return
                if "q" not in params or "target" not in params:
                    self._send(400, {}, b'{"error": "q and target are required"}')
                    return
                self._send(*server._answer(params))

        return Handler


if __name__ == "__main__":  # run by hand: python tests/translation_server.py [mode] [latency]
    import sys

    mode = sys.argv[1] if len(sys.argv) > 1 else "echo"
    latency = float(sys.argv[2]) if len(sys.argv) > 2 else 0.0
    with TranslationServer(mode, latency, port=int(sys.argv[3]) if len(sys.argv) > 3 else 0) \
            as srv:
        print(f"serving {mode} on {srv.url}", flush=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass
