"""`publish html`: the static site, opened in real headless Chromium as a reader would."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from chromium import browser, open_page, serve
from conftest import run

from publish.blocks import block_hash, format_marker
from publish.config import load_config
from publish.content.load import load_collection
from publish.site.build import build_site
from publish.site.settings import load_settings, with_base_url

# Every test here reads the whole seeded site (about 3,000 pages, built once per module).
pytestmark = pytest.mark.slow

MATH = "going-deeper-with-convolutions"
VICTIM = "attention-is-all-you-need"
SCHEMAS = Path(__file__).parent / "schemas"
ZH_ONLY_TEXT = "mistral-7b"  # English metadata, Chinese original text
BASE = "https://example.org/papers/"
PAYLOAD = ('<script>document.title="pwned";window.__pwned=1</script> '
           '<img src=x onerror="window.__pwned=2"> [click](javascript:window.__pwned=3)')


def _first_block(path: Path) -> str:
    body = path.read_text("utf-8").split("---\n", 2)[2]
    return next(p for p in body.split("\n\n") if p.strip() and not p.startswith("<!--"))


@pytest.fixture(scope="module")
def site(seeded: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("site") / "proj"
    shutil.copytree(seeded, root)
    # a machine translation with a local title, of the paper with math
    first = _first_block(root / "content" / "en" / f"{MATH}.md")
    (root / "content" / "zh" / f"{MATH}.md").write_text(
        "---\nmeta_in: en\nlocal_title: 更深的卷积网络\n---\n\n"
        f"{format_marker('en', block_hash(first), 'machine', 'libre', '2026-11-24')}\n"
        f"{first.replace('This paper', '本文').replace('introduced', '提出了')}\n", "utf-8")
    victim = root / "content" / "en" / f"{VICTIM}.md"
    victim.write_text(victim.read_text("utf-8") + f"\n{PAYLOAD}\n", "utf-8")
    # a newsletter issue recorded: the site gets a page for it, the feeds an entry
    issue = run(root, "digest", "--format", "text", "--record", "--out",
                str(root / "build" / "issue.txt"), env={"SOURCE_DATE_EPOCH": "1795478400"})
    assert issue.exit_code == 0, issue.output
    result = run(root, "html", "--base-url", BASE)
    assert result.exit_code == 0, result.output
    assert "pages" in result.output and "sitemap" not in result.output
    return root


@pytest.fixture(scope="module")
def chromium(tmp_path_factory: pytest.TempPathFactory):
    with browser(tmp_path_factory.mktemp("chromium")) as context:
        yield context


def _html(site: Path, rel: str) -> str:
    return (site / "build" / "html" / rel).read_text("utf-8")


def test_pages_exist_for_every_language_list_and_paper(site: Path) -> None:
    out = site / "build" / "html"
    collection = load_collection(load_config(site))
    for lang in ("en", "zh", "zh-Hant"):
        assert (out / lang / "index.html").is_file()
        for list_id in collection.lists:
            assert (out / lang / "lists" / f"{list_id}.html").is_file()
        papers = {p.stem for p in (out / lang / "papers").glob("*.html")}
        assert papers == set(collection.papers)
    index = _html(site, "zh/index.html")
    assert '<html lang="zh-Hans">' in index
    assert "2015 年至今最佳人工智能论文" in index  # list titles in the page's language
    assert "%" in index  # coverage
    # no inline script, no script but the search page's own, nothing loaded from elsewhere
    for path in out.rglob("*.html"):
        text = path.read_text("utf-8")
        scripts = re.findall(r"<script[^>]*>", text)
        if path.name == "search.html":
            assert scripts == ['<script src="../assets/search.js" defer>'], path
        else:
            assert not scripts, path
        csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', text)
        assert csp and "default-src 'none'" in csp.group(1), path
        assert "'unsafe" not in csp.group(1) and "script-src" not in csp.group(1).replace(
            "script-src 'self';", ""), path
        assert not re.search(r'(src|href)="(https?:)?//[^"]*"[^>]*rel="stylesheet"', text)


def test_a_title_with_a_formula_reads_as_text(site: Path) -> None:
    page = _html(site, "en/papers/self-attention-does-not-need-o-n-2-memory.html")
    assert "<title>Self-attention Does Not Need O(n²) Memory" in page
    assert "\\(O(n^2)\\)" not in page
    listing = _html(site, "en/lists/papers-list.html")
    assert "Self-attention Does Not Need O(n²) Memory" in listing


def test_list_pages_keep_the_list_structure(site: Path) -> None:
    ranked = _html(site, "en/lists/best-ai-2015-now.html")
    assert '<li class="state-original" value="1">' in ranked
    outline = _html(site, "en/lists/papers-list.html")
    assert "Computer Vision" in outline and "Seminal Papers" in outline
    zh_outline = _html(site, "zh/lists/papers-list.html")
    assert "计算机视觉" in zh_outline or "Computer Vision" in zh_outline


def test_badges_and_untranslated_notice(site: Path) -> None:
    machine = _html(site, f"zh/papers/{MATH}.html")
    assert "更深的卷积网络" in machine
    # the paper is partly translated (its worst block is missing); the drafted block is marked
    assert 'class="badge badge-missing"' in machine
    assert 'class="mark mark-machine"' in machine and "机器翻译" in machine
    missing = _html(site, "zh/papers/segment-anything.html") if (
        site / "build/html/zh/papers/segment-anything.html").is_file() else ""
    untranslated = _html(site, "zh/papers/lora-low-rank-adaptation-of-large-language-models.html")
    assert "notice-untranslated" in untranslated
    assert 'href="../../en/papers/lora-low-rank-adaptation-of-large-language-models.html"' in \
        untranslated
    assert missing  # every paper has a page in every language
    dpo = "direct-preference-optimization-your-language-model-is-secretly-a-reward-model"
    assert 'href="https://arxiv.org/abs/' in _html(site, f"en/papers/{dpo}.html")
    assert 'href="https://arxiv.org/search/?query=Attention+Is+All' in _html(
        site, f"en/papers/{VICTIM}.html")


def test_reader_in_chromium(site: Path, chromium, tmp_path: Path) -> None:
    shots = site / "build" / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    with serve(site / "build" / "html") as base:
        # every kind of page, at phone and desktop width: no errors, nothing fails to load
        for rel in ("index.html", "en/index.html", "zh/lists/papers-list.html",
                    f"en/papers/{MATH}.html", f"zh/papers/{MATH}.html",
                    f"zh-Hant/papers/{ZH_ONLY_TEXT}.html", "zh/search.html?q=注意力",
                    "zh-Hant/issues/1.html", "en/lists/best-ai-2015-now.html"):
            for width in (375, 1280):
                page, log = open_page(chromium, base + rel, width)
                assert not log.console_errors and not log.page_errors, (rel, log)
                assert not log.failed, (rel, log.failed)
                assert all(u.startswith(base) for u in log.requests), log.requests
                overflow = page.evaluate("document.documentElement.scrollWidth")
                assert overflow <= width, (rel, width, overflow)
                name = rel.replace("/", "_").replace(".html", "").split("?")[0]
                page.screenshot(path=str(shots / f"{name}-{width}.png"), full_page=False)
                page.close()

        # the language switcher lands on the same paper
        page, _ = open_page(chromium, base + f"en/papers/{MATH}.html")
        page.click('nav.switcher a[hreflang="zh-Hans"]')
        page.wait_for_load_state("load")
        assert page.url.endswith(f"zh/papers/{MATH}.html")
        assert page.inner_text("h1") == "更深的卷积网络"
        assert page.get_attribute("html", "lang") == "zh-Hans"
        page.click('nav.switcher a[hreflang="en"]')
        page.wait_for_load_state("load")
        assert page.url.endswith(f"en/papers/{MATH}.html")
        # math is MathML, drawn by the browser with a real size
        boxes = page.evaluate("""[...document.querySelectorAll('.body math')].map(m => {
            const r = m.getBoundingClientRect(); return [r.width, r.height]; })""")
        assert boxes and all(w > 0 and h > 0 for w, h in boxes), boxes
        page.close()

        # the payload is shown as text and never runs
        page, log = open_page(chromium, base + f"en/papers/{VICTIM}.html")
        assert page.evaluate("typeof window.__pwned") == "undefined"
        assert "pwned" not in page.title()
        assert "<script>" in page.inner_text(".body")
        assert page.evaluate("document.querySelectorAll('.body script, .body img').length") == 0
        page.click("text=click")  # the javascript: link is plain text, not a link
        assert page.evaluate("typeof window.__pwned") == "undefined"
        assert not log.console_errors and not log.page_errors
        page.close()


# ---- navigation ---------------------------------------------------------------------------


def _numbers(page: str) -> list[tuple[int, str]]:
    """(number, paper id) of every numbered entry of a list page, in page order."""
    return [(int(n), pid) for n, pid in re.findall(
        r'<li class="state-[a-z]+" value="(\d+)"><a href="../papers/([^"]+)\.html"', page)]


def test_reading_lists_are_numbered_in_reading_order(site: Path) -> None:
    top10 = _numbers(_html(site, "zh/lists/llm-top10-2023-zh.html"))
    assert [n for n, _ in top10] == list(range(1, 11))
    assert top10[0][1] == "pythia-a-suite-for-analyzing-large-language-models-across-training-" \
                          "and-scaling"
    # an outline is numbered across its sections, 1 to 939, as a reader goes down the page
    outline = _numbers(_html(site, "en/lists/papers-list.html"))
    assert [n for n, _ in outline] == list(range(1, 940))
    # a ranked list by its ranks
    ranked = _numbers(_html(site, "en/lists/best-ai-2015-now.html"))
    assert [n for n, _ in ranked][:3] == [1, 2, 3] and len(ranked) == 100
    # the whole collection is not a list in an order: no numbers
    everything = _html(site, "en/lists/all.html")
    assert 'class="papers numbered"' not in everything and "value=" not in everything


def test_previous_and_next_walk_a_list_as_its_page_orders_it(site: Path) -> None:
    order = [pid for _, pid in _numbers(_html(site, "zh/lists/llm-top10-2023-zh.html"))]
    walked, pid = [], order[0]
    while pid:
        walked.append(pid)
        page = _html(site, f"zh/papers/{pid}.html")
        pager = re.search(r'<nav class="pager" aria-label="2023年十大人工智能\(LLM\)必读论文">'
                          r'(.*?)</nav>', page, re.S)
        assert pager is not None, pid
        n = len(walked)
        assert f'<span class="place">第 {n} 篇，共 10 篇</span>' in pager.group(1)
        assert ('rel="prev"' in pager.group(1)) == (n > 1)
        found = re.search(r'<a class="next" rel="next" href="([^"]+)\.html">', pager.group(1))
        pid = found.group(1) if found else ""
    assert walked == order
    # the links are labelled with the neighbour's title in the page's language
    second = _html(site, f"zh/papers/{order[1]}.html")
    assert re.search(r'rel="prev"[^>]*><span class="dir">← 上一篇</span> <span lang="en">Pythia',
                     second)


def test_the_sitemap_names_every_page_in_every_language(site: Path) -> None:
    from lxml import etree

    out = site / "build" / "html"
    schema = etree.XMLSchema(etree.parse(str(SCHEMAS / "sitemap.xsd")))
    doc = etree.parse(str(out / "sitemap.xml"))
    assert schema.validate(doc), schema.error_log
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9",
          "x": "http://www.w3.org/1999/xhtml"}
    locs = {}
    for url in doc.findall("s:url", ns):
        loc = url.findtext("s:loc", namespaces=ns)
        assert loc.startswith(BASE)
        locs[loc] = {link.get("hreflang"): link.get("href")
                     for link in url.findall("x:link", ns)}
    pages = {BASE + p.relative_to(out).as_posix() for p in out.rglob("*.html")}
    assert set(locs) == pages  # every page, and nothing that is not there
    for loc, alternates in locs.items():
        if loc == BASE + "index.html":
            assert alternates == {}
            continue
        # each page names itself and its other languages, and they name it back
        assert set(alternates) == {"en", "zh-Hans", "zh-Hant", "x-default"}, loc
        assert loc in alternates.values()
        for tag in ("en", "zh-Hans", "zh-Hant"):
            assert locs[alternates[tag]] == alternates
    assert locs[BASE + "zh/index.html"]["x-default"] == BASE + "index.html"
    assert locs[BASE + f"zh/papers/{MATH}.html"]["x-default"] == BASE + f"en/papers/{MATH}.html"


def test_every_page_links_the_feed_and_each_issue_has_a_page(site: Path) -> None:
    out = site / "build" / "html"
    for path in out.rglob("*.html"):
        text = path.read_text("utf-8")
        feeds = re.findall(r'<link rel="alternate" type="application/atom\+xml"[^>]* '
                           r'href="([^"]+)"', text)
        assert feeds, path
        for href in feeds:
            assert (path.parent / href).resolve().is_file(), (path, href)
        assert 'class="feed-link"' in text, path  # and a link a reader sees
    for lang in ("en", "zh", "zh-Hant"):
        page = _html(site, f"{lang}/issues/1.html")
        assert '<a class="t" href="../../en/papers/' in page if lang == "en" else \
            f'href="../../{lang}/papers/' in page
        assert 'href="issues/1.html"' in _html(site, f"{lang}/index.html")
    assert "人工智慧論文閱讀清單 — 第 1 期" in _html(site, "zh-Hant/issues/1.html")
    assert "<h1>第 1 期 · 2026年11月24日</h1>" in _html(site, "zh/issues/1.html")


def _fonts(page, selector: str) -> dict[str, int]:
    """The fonts Chromium drew an element's own text with: family -> glyphs."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument")["root"]["nodeId"]
    node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
    fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
    cdp.detach()
    return {f["familyName"]: f["glyphCount"] for f in fonts}


def test_chinese_pages_read_as_chinese(site: Path, chromium) -> None:
    with serve(site / "build" / "html") as base:
        # Chinese text, its quotes included, in a CJK font: “自注意力” with full-width quotes
        page, _ = open_page(chromium, base + f"zh/papers/{VICTIM}.html")
        page.evaluate("""[...document.querySelectorAll('.block[lang="zh-Hans"] p')]
            .find(e => e.textContent.includes('“自注意力”')).id = 'quoted'""")
        assert set(_fonts(page, "#quoted")) == {"Noto Sans CJK SC"}
        widths = page.evaluate("""() => {
            const p = document.getElementById('quoted');
            const node = p.firstChild, at = node.textContent.indexOf('“');
            const r = document.createRange();
            r.setStart(node, at); r.setEnd(node, at + 1);
            return [r.getBoundingClientRect().width,
                    parseFloat(getComputedStyle(p).fontSize)];
        }""")
        assert widths[0] >= 0.9 * widths[1], widths  # a full-width quote, not a Latin one
        assert set(_fonts(page, ".block[lang='en'] li")) <= {"Noto Sans", "DejaVu Sans"}
        page.close()
        page, _ = open_page(chromium, base + f"zh-Hant/papers/{VICTIM}.html")
        assert set(_fonts(page, '.block[lang="zh-Hant"] p')) == {"Noto Sans CJK TC"}
        page.close()
        checked = 0
        for rel in ("zh/index.html", "zh/lists/llm-top10-2023-zh.html",
                    "zh-Hant/lists/ai-four-families-zh.html", f"zh/papers/{ZH_ONLY_TEXT}.html"):
            page, _ = open_page(chromium, base + rel)
            text = page.inner_text("main")
            # no Latin space after a Chinese full stop (a line break of the source is none)
            assert not re.search("[。，：；！？][ \u00a0]+[\u4e00-\u9fff]", text), rel
            # a year and a badge are two words, not "2023未翻译"
            runs = page.evaluate("""[...document.querySelectorAll('li')]
                .filter(li => li.querySelector(':scope > .year')
                              && li.querySelector(':scope > .badge'))
                .map(li => [li.innerText, li.querySelector('.year').innerText,
                            li.querySelector('.badge').innerText])""")
            for shown, year, badge in runs:
                assert f"{year} {badge}" in shown, (rel, shown)
            checked += len(runs)
            # and the feed is a link a reader sees
            assert page.locator("footer .feed-link").is_visible()
            page.close()
        assert checked >= 4  # the list pages had badges to look at


def test_rebuild_after_one_change_writes_only_its_pages(site: Path) -> None:
    """Last in this module: it edits the project."""
    config = load_config(site)
    settings = with_base_url(load_settings(config), BASE)
    out = site / "build" / "html"
    again = build_site(config, load_collection(config), settings=settings)
    assert again.rendered == 0 and again.written == 0
    unrelated = out / "en" / "papers" / "mistral-7b.html"
    before = unrelated.stat().st_mtime_ns
    path = site / "content" / "en" / f"{MATH}.md"
    path.write_text(path.read_text("utf-8") + "\nA sentence added by a person.\n", "utf-8")
    result = build_site(config, load_collection(config), settings=settings)
    written = set(result.written_paths)
    assert {f"{lang}/papers/{MATH}.html" for lang in ("en", "zh", "zh-Hant")} <= written
    # the zh translation of the new block is missing: only the pages showing the paper's
    # state or text may change (its lists, the all-papers page, the indexes' coverage, the
    # search indexes)
    allowed = re.compile(rf"^(en|zh|zh-Hant)/((papers/{MATH}|lists/[a-z0-9-]+|index)\.html"
                         r"|search-index\.js)$")
    assert all(allowed.match(p) for p in written), written
    assert result.rendered < 30, result.rendered
    assert unrelated.stat().st_mtime_ns == before
    assert "A sentence added by a person." in (out / "en" / "papers" / f"{MATH}.html").read_text()
    # its translation deleted: the zh page falls back to the source again
    (site / "content" / "zh" / f"{MATH}.md").unlink()
    result = build_site(config, load_collection(config), settings=settings)
    assert "更深的卷积网络" not in (out / "zh" / "papers" / f"{MATH}.html").read_text()
