"""`publish digest` and `publish feed`: issues a subscriber would receive, read as they
would be (email package, feedparser, Chromium)."""

from __future__ import annotations

import email
import email.policy
import re
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


def _translate_first(root: Path, pid: str, text: str, state: str, by: str,
                     front: str = "") -> None:
    """content/zh/PID.md: `text` as the translation of the paper's first English paragraph,
    marked `state` by `by` on 2026-12-01 (`front`: more front matter lines)."""
    en = (root / "content" / "en" / f"{pid}.md").read_text("utf-8")
    first = next(p for p in en.split("---\n", 2)[2].split("\n\n") if p.strip())
    (root / "content" / "zh" / f"{pid}.md").write_text(
        f"---\nmeta_in: en\n{front}---\n\n"
        f"{format_marker('en', block_hash(first), state, by, '2026-12-01')}\n{text}\n", "utf-8")


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
    assert 'class="pre"' not in page and "display:none" not in page  # no hidden text
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
    _translate_first(project, "segment-anything", "本文提出了分割一切模型。", "human", "mei",
                     "local_title: 分割一切\n")
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


@pytest.mark.slow
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


@pytest.fixture(scope="module")
def bare(seeded: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project as `publish init` and import leave it: no [site], no [digest]."""
    root = tmp_path_factory.mktemp("bare") / "proj"
    shutil.copytree(seeded, root)
    assert "[site]" not in (root / "publish.toml").read_text("utf-8")
    return root


def _record_files(root: Path) -> list[Path]:
    return sorted((root / "content").glob("digests.*"))


def test_eml_needs_address_sender_and_unsubscribe(bare: Path, tmp_path: Path) -> None:
    out = tmp_path / "issue.eml"
    refused = run(bare, "digest", "--format", "eml", "--out", str(out))
    assert refused.exit_code == 2
    lines = [line for line in refused.output.splitlines() if line.startswith("publish: error:")]
    assert len(lines) == 3 and all("publish.toml: an e-mail needs" in line for line in lines)
    assert "add `base_url" in lines[0] and "--base-url" in lines[0]
    assert "`from =" in lines[1] and "`list_unsubscribe =" in lines[2]
    # with the address only, the sender and List-Unsubscribe are still missing
    half = run(bare, "digest", "--format", "eml", "--out", str(out), "--base-url", BASE)
    assert half.exit_code == 2 and "base_url" not in half.output
    assert "a sender" in half.output and "List-Unsubscribe" in half.output
    assert not out.exists() and _record_files(bare) == []
    assert not (bare / "build" / "digest").exists()
    bad = run(bare, "digest", "--format", "html", "--base-url", "example.org")
    assert bad.exit_code == 2 and "--base-url must be an http(s) URL" in bad.output


def test_previews_spend_nothing_and_link_the_local_site(bare: Path, tmp_path: Path) -> None:
    page = tmp_path / "preview" / "issue.html"
    html = run(bare, "digest", "--format", "html", "--out", str(page))
    assert html.exit_code == 0, html.output
    assert "not recorded" in html.output and "build/html/" in html.output
    text = run(bare, "digest", "--format", "text", "--lang", "zh")
    assert text.exit_code == 0, text.output
    assert _record_files(bare) == []
    # the next preview is still the whole first issue
    again = run(bare, "digest", "--format", "text", "--out", str(tmp_path / "again.txt"))
    assert "issue 1: 1024 new" in again.output
    # "and N more" is a link to the list page `publish html` writes, relative to the preview
    source = page.read_text("utf-8")
    href = re.search(r'<a[^>]*href="([^"]+)"[^>]*>and 929 more</a>', source)
    assert href is not None, "no link on 'and 929 more'"
    target = (page.parent / href.group(1)).resolve()
    assert target == (bare / "build" / "html" / "en" / "lists" / "papers-list.html").resolve()
    plain = (bare / "build" / "digest" / "issue-1.zh.txt").read_text("utf-8")
    assert "另有 929 篇：build/html/zh/lists/papers-list.html" in plain


def test_more_links_the_site_when_the_address_is_known(bare: Path, tmp_path: Path) -> None:
    page = tmp_path / "issue.html"
    result = run(bare, "digest", "--format", "html", "--out", str(page), "--base-url",
                 BASE.rstrip("/"))
    assert result.exit_code == 0, result.output
    assert "build/html/" not in result.output
    source = page.read_text("utf-8")
    assert re.search(rf'<a[^>]*href="{re.escape(BASE)}en/lists/papers-list.html"[^>]*>'
                     r"and 929 more</a>", source)
    assert "../" not in source and _record_files(bare) == []


def test_feed_before_any_issue_is_empty_and_valid(bare: Path) -> None:
    refused = run(bare, "feed", "--lang", "en")
    assert refused.exit_code == 2 and "add `base_url" in refused.output
    result = run(bare, "feed", "--lang", "en", "--base-url", BASE)
    assert result.exit_code == 0, result.output
    assert "no issue recorded yet" in result.output
    for name in ("feed.atom", "feed.rss"):
        parsed = feedparser.parse(str(bare / "build" / "html" / "en" / name))
        assert not parsed.bozo, (name, parsed.bozo_exception)
        assert parsed.entries == []
        assert parsed.feed.title == "AI Papers Reading List"
        assert parsed.feed.link == f"{BASE}en/index.html"


def test_a_list_only_issue_is_refused_before_it_is_written(project: Path,
                                                           tmp_path: Path) -> None:
    out = tmp_path / "one-list.eml"
    result = run(project, "digest", "--format", "eml", "--list", "papers-list",
                 "--out", str(out))
    assert result.exit_code == 2 and "--no-record" in result.output
    assert not out.exists()


TITLED = "a-generalist-agent"  # a paper with nothing but its title


def _draft_by_machine(root: Path, drafted: str) -> None:
    """`drafted` gets a machine draft of its first paragraph in zh, TITLED a machine title,
    both dated 2026-12-01."""
    _translate_first(root, drafted, "机器起草的摘要。", "machine", "libre")
    (root / "content" / "zh" / f"{TITLED}.md").write_text(
        "---\nmeta_in: en\nlocal_title: 一个通才智能体\ntitle_translation: from=en src="
        f"{block_hash('A Generalist Agent')} state=machine by=libre at=2026-12-01\n---\n",
        "utf-8")


def test_machine_drafts_are_marked_in_a_newsletter(bare: Path, tmp_path: Path) -> None:
    root = tmp_path / "proj"
    shutil.copytree(bare, root)
    # One paper's summary drafted by a machine, one paper's title; one translated by a person.
    drafted, person = "segment-anything", "mistral-7b"
    _draft_by_machine(root, drafted)
    out = tmp_path / "zh.txt"
    result = run(root, "digest", "--lang", "zh", "--format", "text", "--max-per-list", "1000",
                 "--out", str(out))
    assert result.exit_code == 0, result.output
    items = {block.split("\n", 1)[0]: block for block in out.read_text("utf-8").split("\n* ")}
    assert "机器翻译" in next(b for t, b in items.items() if t.startswith("Segment Anything"))
    assert "机器翻译" not in next(b for t, b in items.items() if t.startswith("Mistral 7B"))
    assert sum("机器翻译" in b for b in items.values()) == 2, person
    # the title as published goes on its own line under the localized one
    assert items["一个通才智能体"].startswith(
        "一个通才智能体\n  A Generalist Agent\n  2022 · 机器翻译")


@pytest.mark.slow
def test_machine_drafts_are_news_only_once_a_person_reviews_them(bare: Path,
                                                                 tmp_path: Path) -> None:
    root = tmp_path / "proj"
    shutil.copytree(bare, root)
    first = run(root, "digest", "--format", "text", "--record", "--out", str(tmp_path / "1.txt"),
                env={"SOURCE_DATE_EPOCH": "1795478400"})  # 2026-11-24
    assert first.exit_code == 0, first.output
    drafted = "a-convnet-for-the-2020s"  # no zh yet
    _draft_by_machine(root, drafted)
    later = {"SOURCE_DATE_EPOCH": "1796169600"}  # 2026-12-02
    quiet = run(root, "digest", "--since-last", "--format", "text", env=later)
    assert quiet.exit_code == 1 and "nothing new" in quiet.output  # drafts are not news
    for pid in (drafted, TITLED):
        assert run(root, "review", pid, "--lang", "zh", "--by", "mei", env=later).exit_code == 0
    out = tmp_path / "2.txt"
    news = run(root, "digest", "--since-last", "--format", "text", "--out", str(out), env=later)
    assert news.exit_code == 0, news.output
    text = out.read_text("utf-8")
    assert text.count("translated into Chinese") == 2
    assert "A Generalist Agent (translated into Chinese)" in text


@pytest.mark.slow
def test_an_abstract_enrich_fetched_is_not_news(bare: Path, tmp_path: Path) -> None:
    """`publish enrich` completing title-only papers must not announce them all as changed;
    a paragraph a person adds is news."""
    root = tmp_path / "proj"
    shutil.copytree(bare, root)
    epoch = {"SOURCE_DATE_EPOCH": "1795478400"}  # 2026-11-24
    first = run(root, "digest", "--format", "text", "--record", "--out", str(tmp_path / "1.txt"),
                env=epoch)
    assert first.exit_code == 0, first.output
    paper = root / "content" / "en" / f"{TITLED}.md"
    paper.write_text(paper.read_text("utf-8") + "\n<!-- abstract source=arxiv id=2205.06175 "
                     "at=2026-12-01 -->\nInspired by progress in large-scale language "
                     "modeling, we apply a similar approach.\n", "utf-8")
    later = {"SOURCE_DATE_EPOCH": "1796169600"}  # 2026-12-02
    assert "abstract from arxiv" in run(root, "show", TITLED, env=later).output
    quiet = run(root, "digest", "--since-last", "--format", "text", env=later)
    assert quiet.exit_code == 1 and "nothing new" in quiet.output, quiet.output
    paper.write_text(paper.read_text("utf-8") + "\nA note our reading group wrote.\n", "utf-8")
    out = tmp_path / "2.txt"
    news = run(root, "digest", "--since-last", "--format", "text", "--out", str(out), env=later)
    assert news.exit_code == 0, news.output
    assert "A Generalist Agent" in out.read_text("utf-8")
