"""Drive the system's headless Chromium (Debian's /usr/bin/chromium) with Playwright.

No browser is downloaded: Playwright launches the installed binary. A missing Chromium or
Playwright skips the test, saying what to install; with PUBLISH_REQUIRE_CHROMIUM=1 (set by
scripts/test.sh, so in CI) it fails it instead, so CI never passes without a browser.
"""

from __future__ import annotations

import http.server
import os
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, NoReturn

import pytest

CHROMIUM = os.environ.get("PUBLISH_CHROMIUM", "/usr/bin/chromium")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@dataclass
class PageLog:
    """What a page did while loading: console errors, failed and outside requests."""

    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)


def _missing(what: str) -> NoReturn:
    """Skip the test, or fail it where a browser is required (CI)."""
    if os.environ.get("PUBLISH_REQUIRE_CHROMIUM") == "1":
        pytest.fail(f"{what} (PUBLISH_REQUIRE_CHROMIUM=1: a missing browser is a failure)")
    pytest.skip(what)


@contextmanager
def browser(tmp: Path) -> Iterator[Any]:
    """One Chromium for a test module, with a fresh profile."""
    if not Path(CHROMIUM).is_file() and not shutil.which(CHROMIUM):
        _missing(f"Chromium not found at {CHROMIUM}: `sudo apt-get install chromium` "
                 "(or set PUBLISH_CHROMIUM)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("playwright is not installed: `pip install playwright` (no browser "
                 "download needed, the system Chromium is used)")
    profile = tmp / "chromium-profile"
    profile.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            str(profile), executable_path=CHROMIUM, headless=True, args=FLAGS,
            java_script_enabled=True)
        try:
            yield context
        finally:
            context.close()


def open_page(context: Any, url: str, width: int = 1280, height: int = 900,
              ) -> tuple[Any, PageLog]:
    log = PageLog()
    page = context.new_page()
    page.set_viewport_size({"width": width, "height": height})
    page.on("console", lambda m: log.console_errors.append(m.text) if m.type == "error"
            else None)
    page.on("pageerror", lambda e: log.page_errors.append(str(e)))
    page.on("requestfailed", lambda r: log.failed.append(r.url))
    page.on("request", lambda r: log.requests.append(r.url))
    page.on("response", lambda r: log.failed.append(f"{r.status} {r.url}")
            if r.status >= 400 else None)
    page.goto(url, wait_until="load")
    return page, log


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: Any) -> None:
        pass


@contextmanager
def serve(folder: Path) -> Iterator[str]:
    """A static web server on 127.0.0.1 for `folder`; yields its base URL."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0),
                                             partial(_Quiet, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                              daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
