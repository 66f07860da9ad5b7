"""The newsletter's feeds as a feed reader gets them: Atom checked against a RELAX NG
grammar of RFC 4287 (tests/schemas/atom.rng) with lxml, one entry per issue with its own id
in each language, the issue's HTML fragment as content, and zh-Hant entirely Traditional."""

from __future__ import annotations

import html
import re
import shutil
from pathlib import Path

import feedparser
import pytest
from conftest import run
from lxml import etree
from lxml import html as lxml_html

from publish.blocks import block_hash, format_marker
from publish.derived import to_hant

BASE = "https://example.org/papers/"
ATOM = "{http://www.w3.org/2005/Atom}"
SCHEMAS = Path(__file__).parent / "schemas"
LANGS = ("en", "zh", "zh-Hant")
TRANSLATED = "segment-anything"


@pytest.fixture(scope="module")
def project(seeded: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two issues recorded (the first in English, the second in Chinese after a paper got a
    Chinese title and text), then the site built with its feeds."""
    root = tmp_path_factory.mktemp("feeds") / "proj"
    shutil.copytree(seeded, root)
    with (root / "publish.toml").open("a", encoding="utf-8") as fh:
        fh.write(f'\n[site]\nbase_url = "{BASE}"\n\n[digest]\nfrom = "Papers <list@example.org>"'
                 '\nlist_unsubscribe = "<mailto:leave@example.org>"\n')
    first = run(root, "digest", "--format", "eml", "--out", str(root / "build" / "1.eml"),
                env={"SOURCE_DATE_EPOCH": "1795478400"})  # 2026-11-24
    assert first.exit_code == 0, first.output
    en = (root / "content" / "en" / f"{TRANSLATED}.md").read_text("utf-8")
    source = next(p for p in en.split("---\n", 2)[2].split("\n\n") if p.strip())
    (root / "content" / "zh" / f"{TRANSLATED}.md").write_text(
        "---\nmeta_in: en\nlocal_title: 图像分割的基础模型\n---\n\n"
        f"{format_marker('en', block_hash(source), 'human', 'mei', '2026-12-01')}\n"
        "本文提出了一个用于图像分割的基础模型，并发布了数据集。\n", "utf-8")
    second = run(root, "digest", "--format", "eml", "--lang", "zh", "--out",
                 str(root / "build" / "2.eml"), env={"SOURCE_DATE_EPOCH": "1796169600"})
    assert second.exit_code == 0, second.output
    site = run(root, "html")
    assert site.exit_code == 0, site.output
    return root


def _feed(root: Path, lang: str) -> etree._ElementTree:
    return etree.parse(str(root / "build" / "html" / lang / "feed.atom"))


def test_the_feeds_are_atom_as_rfc_4287_defines_it(project: Path) -> None:
    grammar = etree.RelaxNG(etree.parse(str(SCHEMAS / "atom.rng")))
    ids: list[str] = []
    for lang in LANGS:
        doc = _feed(project, lang)
        assert grammar.validate(doc), (lang, grammar.error_log)
        feed = doc.getroot()
        # what the grammar cannot say: an author for the feed (so for every entry)
        assert feed.find(f"{ATOM}author/{ATOM}name").text == "Papers"
        entries = feed.findall(f"{ATOM}entry")
        assert len(entries) == 2
        for entry in entries:
            ids.append(entry.findtext(f"{ATOM}id"))
            (link,) = entry.findall(f"{ATOM}link")
            # the entry is the issue's page, which the site has
            assert link.get("href") == ids[-1] and ids[-1].startswith(f"{BASE}{lang}/issues/")
            assert (project / "build" / "html" / ids[-1][len(BASE):]).is_file()
        parsed = feedparser.parse(str(project / "build" / "html" / lang / "feed.rss"))
        assert not parsed.bozo and len(parsed.entries) == 2
    assert len(set(ids)) == len(ids) == 6  # each language's entries have their own ids
    # the grammar is a real check: a feed without an id, or with a date that is no date,
    # is refused
    text = (project / "build" / "html" / "en" / "feed.atom").read_text("utf-8")
    for pattern, instead in ((r"<id>[^<]*</id>", ""),
                             (r"<updated>[^<]*</updated>", "<updated>yesterday</updated>")):
        broken = re.sub(pattern, instead, text, count=1)
        assert broken != text
        assert not grammar.validate(etree.fromstring(broken.encode()))


def test_an_entry_is_the_issue_not_an_email(project: Path) -> None:
    for lang in LANGS:
        entry = _feed(project, lang).getroot().find(f"{ATOM}entry")
        content = entry.find(f"{ATOM}content")
        assert content.get("type") == "html"
        fragment = content.text
        assert fragment.startswith('<div class="issue">')
        for whole_document in ("<html", "<head", "<body", "<table", "<style", "<title"):
            assert whole_document not in fragment, (lang, whole_document)
        links = lxml_html.fragment_fromstring(fragment).xpath("//a/@href")
        assert links and all(h.startswith(("https://", "http://")) for h in links), links
        # the issue's page shows the same papers, linked within the site
        number = entry.findtext(f"{ATOM}id").rsplit("/", 1)[1]
        page = (project / "build" / "html" / lang / "issues" / number).read_text("utf-8")
        titles = re.findall(r'class="t"[^>]*>([^<]+)<', fragment)
        assert titles and all(t in page for t in titles)
        assert 'href="../../' in page and BASE not in page.split("<main>")[1]


def test_zh_hant_feed_and_issue_are_traditional_throughout(project: Path) -> None:
    feed = (project / "build" / "html" / "zh-Hant" / "feed.atom").read_text("utf-8")
    text = html.unescape(feed)
    # converting again changes nothing: no Simplified character is left
    assert to_hant(text) == text
    assert "<title>人工智慧論文閱讀清單</title>" in feed
    assert "人工智能论文阅读清单" not in text and "论文清单" not in text
    assert "論文清單" in text  # a list title, converted as the site converts it
    assert "影像分割" in text  # a paper's title in the second issue (OpenCC s2twp: 图像 → 影像)
    # the zh feed is Simplified
    assert "论文清单" in html.unescape(
        (project / "build" / "html" / "zh" / "feed.atom").read_text("utf-8"))
    # and so is a zh-Hant issue sent by e-mail, every part of it
    out = project / "build" / "hant.txt"
    result = run(project, "digest", "--issue", "2", "--lang", "zh-Hant", "--format", "text",
                 "--out", str(out))
    assert result.exit_code == 0, result.output
    issue = out.read_text("utf-8")
    assert to_hant(issue) == issue and issue.startswith("人工智慧論文閱讀清單\n")
