"""`publish digest` and `publish feed`: issues a subscriber would receive, read as they
would be (email package, feedparser, Chromium)."""

from __future__ import annotations

import email
import email.policy
import shutil
from pathlib import Path

import feedparser
import pytest
from chromium import browser, open_page
from conftest import run

from publish.blocks import block_hash, format_marker

BASE = "https://example.org/papers/"
UNSUB = "<mailto:leave@example.org>, <https://example.org/unsubscribe>"


@pytest.fixture(scope="module")
def project(seeded: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("digest") / "proj"
    shutil.copytree(seeded, root)
    # [site] and [digest] tables: config.py must accept them (see the report)
    with (root / "publish.toml").open("a", encoding="utf-8") as fh:
        fh.write(f'\n[site]\nbase_url = "{BASE}"\n\n[digest]\nfrom = "Papers <list@example.org>"\n'
                 f'list_unsubscribe = "{UNSUB}"\n')
    return root


def _eml(path: Path) -> email.message.EmailMessage:
    return email.message_from_bytes(path.read_bytes(), policy=email.policy.default)


def test_first_issue_second_issue_and_feed(project: Path, tmp_path: Path) -> None:
    out = tmp_path / "issue1.eml"
    env = {"SOURCE_DATE_EPOCH": "1795478400"}  # 2026-11-24
    result = run(project, "digest", "--since-last", "--format", "eml", "--out", str(out),
                 env=env)
    assert result.exit_code == 0, result.output
    assert "recorded" in result.output
    msg = _eml(out)
    assert msg["Subject"] == "AI Papers Reading List — issue 1, November 24, 2026"
    assert msg["List-Unsubscribe"].strip() == UNSUB
    assert msg["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert msg.get_content_type() == "multipart/alternative"
    text = msg.get_body(("plain",))
    html = msg.get_body(("html",))
    assert text.get_content_charset() == html.get_content_charset() == "utf-8"
    plain, page = text.get_content(), html.get_content()
    # a thousand papers: grouped by list, capped, and still a small email
    assert len(page.encode()) < 100 * 1024
    assert page.count('class="t"') <= 10 * 5
    assert "and 929 more" in page and f'href="{BASE}en/lists/papers-list.html"' in page
    assert f'href="{BASE}en/papers/' in page
    assert "<style" in page and "prefers-color-scheme: dark" in page
    assert 'style="' in page and '<html lang="en">' in page
    assert 'class="pre"' in page  # preheader
    assert "Papers List" in plain and "and 929 more" in plain
    # the plain part is text: no tags, no HTML escapes ("<0.5MB" is in a title)
    assert "<0.5MB" in plain and "&lt;" not in plain and "<p" not in plain
    record = (project / "content" / "digests.yaml").read_text("utf-8")
    assert "number: '1'" in record or "number: 1" in record

    # nothing new: nothing sent, nothing recorded
    again = run(project, "digest", "--since-last", "--format", "eml", env=env)
    assert again.exit_code == 1 and "nothing new" in again.output

    # one new paper, and one paper translated: issue 2 has exactly those
    csv = tmp_path / "new.csv"
    csv.write_text("title,authors,year,url,summary\nA Fresh Paper On Tiny Models,Ada Lovelace,"
                   "2026,https://example.com/tiny,Tiny models are surprisingly good. They "
                   "fit on a phone.\n", "utf-8")
    imported = run(project, "import", str(csv), "--list", "fresh", "--lang", "en",
                   "--date", "2026-12-01")
    assert imported.exit_code in (0, 1), imported.output
    pid = "segment-anything"
    en = (project / "content" / "en" / f"{pid}.md").read_text("utf-8")
    first = next(p for p in en.split("---\n", 2)[2].split("\n\n") if p.strip())
    (project / "content" / "zh" / f"{pid}.md").write_text(
        "---\nmeta_in: en\nlocal_title: 分割一切\n---\n\n"
        f"{format_marker('en', block_hash(first), 'human', 'mei', '2026-12-01')}\n"
        "本文提出了分割一切模型。\n", "utf-8")
    env2 = {"SOURCE_DATE_EPOCH": "1796169600"}  # 2026-12-02
    out2 = tmp_path / "issue2.eml"
    result = run(project, "digest", "--since-last", "--format", "eml", "--lang", "zh",
                 "--out", str(out2), env=env2)
    assert result.exit_code == 0, result.output
    msg = _eml(out2)
    assert "2" in msg["Subject"] and "2026年12月2日" in msg["Subject"]
    page = msg.get_body(("html",)).get_content()
    assert '<html lang="zh-Hans">' in page
    assert "A Fresh Paper On Tiny Models" in page and "分割一切" in page
    assert page.count('class="t"') == 2
    assert "Tiny models are surprisingly good." in page

    # the feed lists both issues
    feeds = run(project, "feed", "--lang", "en")
    assert feeds.exit_code == 0, feeds.output
    atom = feedparser.parse(str(project / "build" / "html" / "en" / "feed.atom"))
    rss = feedparser.parse(str(project / "build" / "html" / "en" / "feed.rss"))
    assert not atom.bozo and not rss.bozo
    assert atom.entries[0].title.startswith("AI Papers Reading List — issue 2")
    assert len(atom.entries) == len(rss.entries) == 2
    assert atom.entries[0].link.startswith(BASE)


def test_digest_in_chromium(project: Path, tmp_path: Path) -> None:
    out = tmp_path / "preview.html"
    result = run(project, "digest", "--since", "2026-01-01", "--format", "html", "--no-record",
                 "--lang", "bilingual", "--out", str(out))
    assert result.exit_code == 0, result.output
    shots = project / "build" / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    with browser(tmp_path) as context:
        for width in (375, 1280):
            page, log = open_page(context, out.as_uri(), width)
            assert not log.console_errors and not log.page_errors and not log.failed, log
            assert page.evaluate("document.documentElement.scrollWidth") <= width
            card = page.evaluate("document.querySelector('table.card').getBoundingClientRect()"
                                 ".width")
            assert card <= 600
            page.screenshot(path=str(shots / f"digest-{width}.png"), full_page=False)
            page.close()


def test_bad_since_and_bad_record(project: Path) -> None:
    both = run(project, "digest", "--since", "2026-01-01", "--since-last")
    assert both.exit_code == 2
    record = project / "content" / "digests.yaml"
    saved = record.read_bytes() if record.exists() else None
    try:
        record.write_text("issues:\n  - number: one\n    date: 2026-11-24\n", "utf-8")
        bad = run(project, "digest", "--since-last", "--format", "html")
        assert bad.exit_code == 2
        assert "digests.yaml:2: issue number must be a whole number" in bad.output
    finally:
        if saved is not None:
            record.write_bytes(saved)
