"""The site's caches: block HTML, strings and states (`site.cache`), and the plain-text fast
path of the Markdown renderer. A cache that can serve stale HTML is a defect: every test
here edits something and looks at the page a reader would get."""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO, run

from publish import cachedb
from publish.config import load_config
from publish.content.load import load_collection
from publish.render.markdown import MarkdownRenderer, plain_block
from publish.render.math import mathml_math, svg_math
from publish.site import cache as site_cache
from publish.site.build import build_site

LIST = """lang: en
title:
  en: A small list
entries:
  - paper: alpha
    position: 1
    added: 2026-11-23
  - paper: beta
    position: 2
    added: 2026-11-23
  - paper: gamma
    position: 3
    added: 2026-11-23
"""
PAPERS = {
    "alpha": "- Alpha is a plain item.\n- A second plain item, with \"quotes\" (and 50%).\n\n"
             "A plain paragraph closes it.\n",
    "beta": "- A *bold claim* about $x^2 + y^2$ and `code`.\n\n"
            "A paragraph with a [link](https://example.org/).\n",
    "gamma": "Gamma has one paragraph.\n",
}


def _write_paper(root: Path, pid: str, body: str) -> None:
    (root / "content" / "en" / f"{pid}.md").write_text(
        f"---\ntitle: The {pid.title()} paper\nyear: 2024\narea: NLP\nlists:\n  - small\n---\n\n"
        f"{body}", "utf-8")


@pytest.fixture
def small(project: Path) -> Path:
    (project / "content" / "lists").mkdir(parents=True, exist_ok=True)
    (project / "content" / "lists" / "small.yaml").write_text(LIST, "utf-8")
    for pid, body in PAPERS.items():
        _write_paper(project, pid, body)
    return project


def _build(root: Path):
    config = load_config(root)
    return build_site(config, load_collection(config))


def _page(root: Path, rel: str) -> str:
    return (root / "build" / "html" / rel).read_text("utf-8")


def _cached(root: Path, kind: str) -> int:
    with sqlite3.connect(root / "build" / site_cache.CACHE_NAME) as con:
        return con.execute("SELECT count(*) FROM entries WHERE kind = ?", (kind,)).fetchone()[0]


# ---- the plain-text fast path ------------------------------------------------------------


def test_plain_fast_path_is_byte_identical_on_every_block_of_content() -> None:
    """Every block of the repository's content, in its own language and the others (zh
    adds CJK spacing): the fast path either declines or gives markdown-it's exact bytes."""
    collection = load_collection(load_config(REPO))
    site = MarkdownRenderer(mathml_math)
    blocks = [(b.text, lang) for p in collection.papers.values() for t in p.texts.values()
              for b in t.blocks for lang in {t.lang, "en", "zh"}]
    assert len(blocks) > 4000
    fast = 0
    for text, lang in blocks:
        html = plain_block(text, lang)
        if html is not None:
            fast += 1
            assert html == site.render(text, lang), text
    assert fast > len(blocks) // 2  # it is the common case, or it would not be worth it


@pytest.mark.parametrize("text", [
    "*emphasis*", "a_b_c", "__strong__", "`code`", "~~gone~~", "[link](https://x.org)",
    "![img](x.png)", "<b>raw</b>", "a < b", "&amp; &copy;", "cost $5 and $6", "\\(x\\)",
    "a \\[x\\] b", "a | b", "# heading", "> quote", "1. first", "2023) a year", "- - nested",
    "- # heading item", "-  two spaces", "    indented code", "line\nline", "trailing  ",
    "tab\there", "+ plus item", "* star item", "=== setext", "- [ ] task", "no\u00a0break",
    "- ", "",
])
def test_plain_fast_path_declines_or_agrees(text: str) -> None:
    for lang in ("en", "zh"):
        html = plain_block(text, lang)
        if html is not None:
            assert html == MarkdownRenderer(mathml_math).render(text, lang)
            assert html == MarkdownRenderer(svg_math).render(text, lang)
    # anything with Markdown syntax in it is left to markdown-it
    if any(c in text for c in "*_`~[]<>&$\\|\n\t\u00a0") or text[:1] in "#>12+=":
        assert plain_block(text) is None


def test_plain_fast_path_spaces_cjk_and_escapes_quotes() -> None:
    assert plain_block('- 使用GPT-4的"模型"', "zh") == (
        "<ul>\n<li>使用\u2009GPT-4\u2009的&quot;模型&quot;</li>\n</ul>\n")
    assert plain_block("使用GPT", "en") == "<p>使用GPT</p>\n"


# ---- MathML without ziamath -----------------------------------------------------------------

TRICKY_TEX = [
    r"\binom{n}{k}", r"\mathrm{softmax}(x)", r"||x||_2", r"\begin{aligned}a&=b\\c&=d\end{aligned}",
    r"\uparrow \downarrow", r"\langle q, k \rangle", r"\hat{y}", r"\widehat{xy}",
    r"\widetilde{W}", r"\tg x + \ctg y + \arg z + \sh t", r"\frac{1}{\sqrt{d_k}}",
    r"\sum_{i=1}^{n} x_i^2", r"3,5", r"\frac{", r"\notacommand x", r"\mathbb{R}^{d}", "",
]


def _formulas() -> list[tuple[str, bool]]:
    found: list[tuple[str, bool]] = []

    def record(tex: str, display: bool) -> str | None:
        found.append((tex, display))
        return None

    renderer = MarkdownRenderer(record)
    collection = load_collection(load_config(REPO))
    for paper in collection.papers.values():
        for text in paper.texts.values():
            for block in text.blocks:
                renderer.render(block.text, text.lang)
    return found


_LIGHT = """
import json, sys
from publish.render.math import raw_mathml
out = [raw_mathml(tex, display) for tex, display in json.load(sys.stdin)]
assert "ziamath" not in sys.modules
json.dump(out, sys.stdout)
"""


def test_site_mathml_is_ziamaths_mathml() -> None:
    """Every formula of content/ and some that exercise ziamath's rewrites: the site's
    MathML, made in a process that never imports ziamath, is ziamath's."""
    from publish.render import math

    formulas = [*_formulas(), *((t, d) for t in TRICKY_TEX for d in (False, True))]
    assert len(formulas) > 100
    light = json.loads(subprocess.run(
        [sys.executable, "-c", _LIGHT], input=json.dumps(formulas), capture_output=True,
        text=True, check=True).stdout)
    for (tex, display), mathml in zip(formulas, light, strict=True):
        assert mathml == math._mathml(tex, display), tex
    assert any(m and "<mi>" in m for m in light) and None in light


# ---- the block cache -----------------------------------------------------------------------


def test_edited_markup_block_shows_in_the_rebuilt_page(small: Path) -> None:
    first = _build(small)
    assert first.rendered == first.pages
    page = _page(small, "en/papers/beta.html")
    assert "<em>bold claim</em>" in page and "<math" in page
    assert _cached(small, "block") >= 2  # beta's two blocks need markdown-it
    _write_paper(small, "beta", PAPERS["beta"].replace("*bold claim*", "*bolder claim*"))
    again = _build(small)
    page = _page(small, "en/papers/beta.html")
    assert "<em>bolder claim</em>" in page and "bold claim<" not in page
    assert "en/papers/beta.html" in again.written_paths
    # the other papers' pages were not even rendered
    assert not any("alpha" in p or "gamma" in p for p in again.written_paths)


def test_cached_blocks_are_served_without_markdown_it(small: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    _build(small)
    before = _page(small, "en/papers/beta.html")
    shutil.rmtree(small / "build" / "html")

    def refuse(*_args: object) -> str:
        raise AssertionError("markdown-it called for a cached block")

    monkeypatch.setattr(MarkdownRenderer, "render", refuse)
    result = _build(small)
    assert result.rendered == result.pages
    assert _page(small, "en/papers/beta.html") == before


def test_a_new_renderer_empties_the_cache(small: Path, tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """The fingerprint covers the renderer's source, the catalogs and the languages; a
    cache made under another fingerprint is never read."""
    languages = ("en", "zh")
    base = site_cache.fingerprint(languages)
    package = tmp_path / "publish"
    shutil.copytree(cachedb.PACKAGE, package, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(cachedb, "PACKAGE", package)
    # read afresh at each call (a run reads it once)
    monkeypatch.setattr(cachedb, "package_hash", cachedb.package_hash.__wrapped__)
    assert site_cache.fingerprint(languages) == base
    markdown = package / "render" / "markdown.py"
    markdown.write_text(markdown.read_text("utf-8") + "\n# a change\n", "utf-8")
    changed = site_cache.fingerprint(languages)
    assert changed != base
    # a module renamed (or added) is seen without anyone listing it
    markdown.rename(package / "render" / "markdown_renamed.py")
    renamed = site_cache.fingerprint(languages)
    assert renamed not in (base, changed)
    (package / "render" / "markdown_renamed.py").rename(markdown)
    po = package / "locale" / "zh" / "LC_MESSAGES" / "publish.po"
    po.write_text(po.read_text("utf-8") + "\n", "utf-8")
    assert site_cache.fingerprint(languages) not in (base, changed, renamed)
    assert site_cache.fingerprint(("en",)) != base
    monkeypatch.undo()

    # what an older renderer left in the cache...
    _build(small)
    with sqlite3.connect(small / "build" / site_cache.CACHE_NAME) as con:
        keys = [k for (k,) in con.execute("SELECT key FROM entries WHERE kind = 'block'")]
        assert len(keys) >= 2  # (sealed with their CRC, as the cache writes them)
        con.executemany("UPDATE entries SET value = ? WHERE kind = 'block' AND key = ?",
                        [(cachedb.sealed("block", k, "<p>STALE</p>"), k) for k in keys])
    shutil.rmtree(small / "build" / "html")
    _build(small)
    assert "STALE" in _page(small, "en/papers/beta.html")  # (the cache is what is served)
    # ...is never served by a new one
    monkeypatch.setattr(cachedb, "PACKAGE", package)
    shutil.rmtree(small / "build" / "html")
    _build(small)
    assert "STALE" not in _page(small, "en/papers/beta.html")
    assert "<em>bold claim</em>" in _page(small, "en/papers/beta.html")


def test_a_template_edit_renders_every_page_again(small: Path) -> None:
    _build(small)
    override = small / "templates" / "site" / "paper.html"
    override.parent.mkdir(parents=True, exist_ok=True)
    package = cachedb.PACKAGE / "templates" / "site" / "paper.html"
    override.write_text(package.read_text("utf-8").replace(
        '<article class="paper">', '<article class="paper" data-edited="yes">'), "utf-8")
    result = _build(small)
    assert {f"{lang}/papers/{pid}.html" for lang in ("en", "zh", "zh-Hant")
            for pid in PAPERS} <= set(result.written_paths)
    assert 'data-edited="yes"' in _page(small, "zh/papers/alpha.html")


@pytest.mark.parametrize("damage", ["garbage", "deleted", "no table"])
def test_a_broken_cache_is_rebuilt(small: Path, damage: str) -> None:
    _build(small)
    db = small / "build" / site_cache.CACHE_NAME
    if damage == "garbage":
        db.write_bytes(b"this is not a database" * 100)
    elif damage == "deleted":
        db.unlink()
    else:
        with sqlite3.connect(db) as con:
            con.execute("DROP TABLE entries")
    shutil.rmtree(small / "build" / "html")
    result = _build(small)
    assert result.rendered == result.pages
    assert "<em>bold claim</em>" in _page(small, "en/papers/beta.html")
    assert _cached(small, "block") > 0


def test_a_cache_held_by_another_run_is_left_alone(small: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    _build(small)
    entries = _cached(small, "block")
    monkeypatch.setattr(site_cache.SiteCache, "timeout", 0.1)
    other = sqlite3.connect(small / "build" / site_cache.CACHE_NAME, isolation_level=None)
    try:
        other.execute("BEGIN EXCLUSIVE")
        other.execute("INSERT INTO entries VALUES ('text', 'the other run', 'was here')")
        shutil.rmtree(small / "build" / "html")
        result = _build(small)
        other.commit()
    finally:
        other.close()
    assert result.rendered == result.pages
    assert "<em>bold claim</em>" in _page(small, "en/papers/beta.html")
    # the other run's database was neither emptied nor replaced
    assert _cached(small, "block") == entries
    assert _cached(small, "text") > 0
    with sqlite3.connect(small / "build" / site_cache.CACHE_NAME) as con:
        assert con.execute("SELECT value FROM entries WHERE key = 'the other run'"
                           ).fetchone() == ("was here",)


def test_rebuild_renders_only_the_changed_paper(small: Path) -> None:
    _build(small)
    assert _build(small).rendered == 0
    _write_paper(small, "gamma", PAPERS["gamma"] + "\nOne more sentence.\n")
    result = _build(small)
    # the paper is untranslated in zh before and after: its state, and so its lists and
    # the indexes, did not change; its text did, and the search indexes hold it
    langs = ("en", "zh", "zh-Hant")
    assert set(result.written_paths) == {f"{lang}/papers/gamma.html" for lang in langs} | {
        f"{lang}/search-index.js" for lang in langs}
    assert result.rendered == 6
    assert "One more sentence." in _page(small, "zh-Hant/papers/gamma.html")
    assert '"sentence":' in _page(small, "zh/search-index.js")


def test_a_deleted_page_is_written_again(small: Path) -> None:
    _build(small)
    page = small / "build" / "html" / "en" / "papers" / "alpha.html"
    before = page.read_text("utf-8")
    page.unlink()
    result = _build(small)
    assert result.written_paths == ["en/papers/alpha.html"]
    assert page.read_text("utf-8") == before


def test_cli_builds_the_small_site(small: Path) -> None:
    result = run(small, "html", "--format", "json")
    assert result.exit_code == 0, result.output
    assert '"rendered": ' in result.output


def test_reviewing_a_machine_title_updates_its_pages(small: Path) -> None:
    """A review changes only the title's marker line in the front matter: the paper's page
    and the list page must still lose their "machine translation" badges."""
    from publish.blocks import block_hash

    (small / "content" / "en" / "delta.md").write_text(
        "---\ntitle: The Delta paper\nyear: 2024\nlists:\n  - small\n---\n", "utf-8")
    (small / "content" / "lists" / "small.yaml").write_text(
        LIST + "  - paper: delta\n    position: 4\n    added: 2026-11-23\n", "utf-8")
    (small / "content" / "zh" / "delta.md").write_text(
        "---\nmeta_in: en\nlocal_title: 德尔塔论文\ntitle_translation: from=en src="
        f"{block_hash('The Delta paper')} state=machine by=libre at=2026-12-04\n---\n", "utf-8")
    _build(small)
    assert "badge-machine" in _page(small, "zh/papers/delta.html")
    assert "德尔塔论文" in _page(small, "zh/lists/small.html")
    reviewed = run(small, "review", "delta", "--lang", "zh", "--by", "mei")
    assert reviewed.exit_code == 0, reviewed.output
    _build(small)
    assert "badge-machine" not in _page(small, "zh/papers/delta.html")
    assert "德尔塔论文" in _page(small, "zh/papers/delta.html")
