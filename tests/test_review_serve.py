"""`publish review --serve`: the page in real Chromium (open, edit a draft, approve: the file
on disk says state=human with the edited text), and the server's guards over plain HTTP."""

from __future__ import annotations

import http.client
import json
import re
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import pytest
from chromium import browser, open_page
from conftest import run
from exchange_project import (
    P_MACHINE,
    P_OUTDATED,
    PID,
    ZH_MACHINE,
    ZH_OUTDATED,
    hold_lock,
    make_project,
)

from publish.blocks import block_hash, format_marker
from publish.config import load_config
from publish.exchange.serve import ReviewServer, ServeOptions

TODAY = date(2026, 12, 1)


@contextmanager
def serving(root: Path, **options) -> Iterator[ReviewServer]:
    server = ReviewServer(load_config(root), ServeOptions(lang="zh", by="mei", **options),
                          today=lambda: TODAY)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        thread.join(5)


def request(server: ReviewServer, method: str, path: str, body: bytes | None = None,
            headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        answer = conn.getresponse()
        return answer.status, dict(answer.getheaders()), answer.read()
    finally:
        conn.close()


def login(server: ReviewServer) -> tuple[str, str]:
    """The session cookie and the page's CSRF token, as the browser gets them."""
    status, headers, _ = request(server, "GET", f"/?token={server.token}")
    assert status == 303
    cookie = headers["Set-Cookie"].split(";")[0]
    status, _, page = request(server, "GET", "/", headers={"Cookie": cookie})
    assert status == 200
    csrf = re.search(r'name="publish-csrf" content="([^"]+)"', page.decode()).group(1)
    return cookie, csrf


def approve(server: ReviewServer, cookie: str, csrf: str, data: dict, **extra: str):
    headers = {"Cookie": cookie, "X-Publish-CSRF": csrf, "Content-Type": "application/json",
               "Origin": server.origin, **extra}
    status, _, body = request(server, "POST", "/approve", json.dumps(data).encode(), headers)
    return status, json.loads(body)


MACHINE_KEY = f"en:{PID}.block.{block_hash(P_MACHINE)}"
OUTDATED_KEY = f"en:{PID}.block.{block_hash(P_OUTDATED)}"


def zh(root: Path) -> str:
    return (root / "content" / "zh" / f"{PID}.md").read_text("utf-8")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return make_project(tmp_path)


def test_the_link_works_once_and_nothing_is_served_without_it(project: Path):
    with serving(project) as server:
        assert request(server, "GET", "/")[0] == 403
        assert request(server, "GET", "/review.js")[0] == 403
        assert request(server, "GET", "/?token=wrong")[0] == 403
        cookie, _ = login(server)
        assert request(server, "GET", f"/?token={server.token}")[0] == 403  # spent
        status, headers, _ = request(server, "GET", "/review.js", headers={"Cookie": cookie})
        assert status == 200 and headers["Content-Type"].startswith("text/javascript")
        assert "default-src 'none'" in headers["Content-Security-Policy"]
        assert request(server, "GET", "/", headers={"Cookie": cookie,
                                                     "Host": "evil.example:80"})[0] == 421


def test_a_write_must_come_from_the_page(project: Path):
    before = zh(project)
    with serving(project) as server:
        cookie, csrf = login(server)
        data = {"key": MACHINE_KEY, "shown": ZH_MACHINE, "text": ZH_MACHINE}
        assert approve(server, cookie, "forged", data)[0] == 403
        assert approve(server, cookie, csrf, data, Origin="http://evil.example")[0] == 403
        assert approve(server, "x=y", csrf, data)[0] == 403
        assert approve(server, cookie, csrf, data, **{"Content-Type": "text/plain"})[0] == 415
    assert zh(project) == before


def test_approving_as_shown_writes_what_publish_review_writes(project: Path, tmp_path: Path):
    twin = tmp_path / "twin"
    shutil.copytree(project, twin)
    with serving(project) as server:
        cookie, csrf = login(server)
        status, answer = approve(server, cookie, csrf, {"key": OUTDATED_KEY,
                                                        "shown": ZH_OUTDATED,
                                                        "text": ZH_OUTDATED})
    assert status == 200, answer
    # the page speaks the language under review
    assert answer["message"].startswith("已批准：content/zh/attention-is-all-you-need.md:")
    line = int(answer["message"].split(":")[1].split(" ")[0])
    result = run(twin, "review", PID, "--lang", "zh", "--block", str(line), "--by", "mei",
                 env={"SOURCE_DATE_EPOCH": "1796083200"})  # 2026-12-01
    assert result.exit_code == 0, result.output
    assert zh(project) == zh(twin)


def test_an_edit_is_checked_and_a_change_on_disk_is_refused(project: Path):
    with serving(project) as server:
        cookie, csrf = login(server)
        status, answer = approve(server, cookie, csrf, {"key": MACHINE_KEY,
                                                        "shown": ZH_MACHINE,
                                                        "text": "一段。\n\n两段。"})
        assert status == 422 and "would not be one Markdown paragraph" in answer["error"]
        path = project / "content" / "zh" / f"{PID}.md"
        path.write_text(zh(project).replace(ZH_MACHINE, "别人刚改过。"), "utf-8")
        before = zh(project)
        status, answer = approve(server, cookie, csrf, {"key": MACHINE_KEY,
                                                        "shown": ZH_MACHINE,
                                                        "text": "新的译文。"})
        assert status == 409 and "changed on disk" in answer["error"]
        assert zh(project) == before


def test_a_title_can_be_corrected_and_approved(tmp_path: Path):
    root = make_project(tmp_path)
    path = root / "content" / "zh" / "title-only-paper.md"
    path.write_text("---\nmeta_in: en\nlocal_title: 只有标题\ntitle_translation: from=en src="
                    f"{block_hash('Title Only Paper')} state=machine by=libre "
                    "at=2026-11-24\n---\n", "utf-8")
    with serving(root) as server:
        cookie, csrf = login(server)
        key = f"en:title-only-paper.title.{block_hash('Title Only Paper')}"
        status, answer = approve(server, cookie, csrf, {"key": key, "shown": "只有标题",
                                                        "text": "仅有标题的论文"})
    assert status == 200, answer
    assert path.read_text("utf-8") == (
        "---\nmeta_in: en\nlocal_title: 仅有标题的论文\ntitle_translation: from=en src="
        f"{block_hash('Title Only Paper')} state=human by=mei at=2026-12-01\n---\n")


@pytest.mark.slow
def test_an_approval_waits_for_another_writer_then_says_so(project: Path):
    before = zh(project)
    with serving(project, wait=0.3) as server:
        cookie, csrf = login(server)
        holder = hold_lock(project, 3)
        status, answer = approve(server, cookie, csrf, {"key": MACHINE_KEY,
                                                        "shown": ZH_MACHINE,
                                                        "text": ZH_MACHINE})
        holder.wait(10)
        assert status == 422 and "another run is writing to this project" in answer["error"]
        assert zh(project) == before
        status, answer = approve(server, cookie, csrf, {"key": MACHINE_KEY,
                                                        "shown": ZH_MACHINE,
                                                        "text": ZH_MACHINE})
    assert status == 200, answer


@pytest.mark.slow
def test_in_chromium_a_reviewer_edits_a_draft_and_approves_it(project: Path, tmp_path: Path):
    with serving(project) as server, browser(tmp_path) as context:
        page, log = open_page(context, server.url)
        assert page.url == f"{server.origin}/"  # the token left the address bar
        items = page.locator("article.item")
        assert items.count() == 2
        assert page.locator("#left").text_content() == "2"
        draft = items.nth(0)
        assert draft.locator(".source .text").text_content() == P_MACHINE
        edited = "我们用 8 个 GPU、以 $d_{model}=512$ 训练了 100k 步。"
        draft.locator("textarea").fill(edited)
        draft.locator("button.approve").click()
        # (locators, not wait_for_function: the page's CSP forbids evaluating strings)
        page.locator("article.item.done").wait_for()
        assert draft.locator("output.message").text_content().startswith("已修改并批准：")
        text = zh(project)
        marker = format_marker("en", block_hash(P_MACHINE), "human", "mei", "2026-12-01")
        assert f"{marker}\n{edited}\n" in text and ZH_MACHINE not in text
        assert page.locator("#left").text_content() == "1"
        # someone changes the other block under the page: the page says so, the file stays
        path = project / "content" / "zh" / f"{PID}.md"
        path.write_text(text.replace(ZH_OUTDATED, "有人在编辑器里改了。"), "utf-8")
        other = items.nth(1)
        other.locator("button.approve").click()
        page.locator("article.item.failed").wait_for()
        assert "changed on disk" in other.locator("output.message").text_content()
        assert "有人在编辑器里改了。" in zh(project)
        page.screenshot(path=str(tmp_path / "review.png"), full_page=True)
        again, _ = open_page(context, server.url)  # the link is spent
        assert "used already" in again.text_content("body")
    # the one error is the refused write's answer (409), which the page showed
    assert log.console_errors == ["Failed to load resource: the server responded with a "
                                  "status of 409 (Conflict)"], log
    assert not log.page_errors, log
    assert all(url.startswith(server.origin) for url in log.requests), log.requests
