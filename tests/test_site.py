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

# Every test here reads the whole seeded site (about 3,000 pages, built once per module).
pytestmark = pytest.mark.slow

MATH = "going-deeper-with-convolutions"
VICTIM = "attention-is-all-you-need"
ZH_ONLY_TEXT = "mistral-7b"  # English metadata, Chinese original text
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
    result = run(root, "html")
    assert result.exit_code == 0, result.output
    assert "pages" in result.output
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
    # no script at all, and nothing loaded from elsewhere
    for path in out.rglob("*.html"):
        text = path.read_text("utf-8")
        assert "<script" not in text, path
        assert not re.search(r'(src|href)="(https?:)?//[^"]*"[^>]*rel="stylesheet"', text)


def test_a_title_with_a_formula_reads_as_text(site: Path) -> None:
    page = _html(site, "en/papers/self-attention-does-not-need-o-n-2-memory.html")
    assert "<title>Self-attention Does Not Need O(n²) Memory" in page
    assert "\\(O(n^2)\\)" not in page
    listing = _html(site, "en/lists/papers-list.html")
    assert "Self-attention Does Not Need O(n²) Memory" in listing


def test_list_pages_keep_the_list_structure(site: Path) -> None:
    ranked = _html(site, "en/lists/best-ai-2015-now.html")
    assert '<span class="rank">#1</span>' in ranked
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
                    f"zh-Hant/papers/{ZH_ONLY_TEXT}.html"):
            for width in (375, 1280):
                page, log = open_page(chromium, base + rel, width)
                assert not log.console_errors and not log.page_errors, (rel, log)
                assert not log.failed, (rel, log.failed)
                assert all(u.startswith(base) for u in log.requests), log.requests
                overflow = page.evaluate("document.documentElement.scrollWidth")
                assert overflow <= width, (rel, width, overflow)
                name = rel.replace("/", "_").replace(".html", "")
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


def test_rebuild_after_one_change_writes_only_its_pages(site: Path) -> None:
    config = load_config(site)
    out = site / "build" / "html"
    again = build_site(config, load_collection(config))
    assert again.rendered == 0 and again.written == 0
    unrelated = out / "en" / "papers" / "mistral-7b.html"
    before = unrelated.stat().st_mtime_ns
    path = site / "content" / "en" / f"{MATH}.md"
    path.write_text(path.read_text("utf-8") + "\nA sentence added by a person.\n", "utf-8")
    result = build_site(config, load_collection(config))
    written = set(result.written_paths)
    assert {f"{lang}/papers/{MATH}.html" for lang in ("en", "zh", "zh-Hant")} <= written
    # the zh translation of the new block is missing: only the pages showing the paper's
    # state or text may change (its lists, the all-papers page, the indexes' coverage)
    allowed = re.compile(rf"^(en|zh|zh-Hant)/(papers/{MATH}|lists/[a-z0-9-]+|index)\.html$")
    assert all(allowed.match(p) for p in written), written
    assert result.rendered < 30, result.rendered
    assert unrelated.stat().st_mtime_ns == before
    assert "A sentence added by a person." in (out / "en" / "papers" / f"{MATH}.html").read_text()
    # its translation deleted: the zh page falls back to the source again
    (site / "content" / "zh" / f"{MATH}.md").unlink()
    result = build_site(config, load_collection(config))
    assert "更深的卷积网络" not in (out / "zh" / "papers" / f"{MATH}.html").read_text()
