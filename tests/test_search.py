"""The site's search: words cut as a reader types them (Chinese included), the index
`publish html` writes per language, and the search page in real Chromium."""

from __future__ import annotations

import gzip
import re
import shutil
from pathlib import Path

import pytest
from chromium import browser, open_page, serve
from conftest import run
from searching import in_text, in_title, load, matches

from publish.blocks import block_hash, format_marker
from publish.site.search import STOPWORDS, query_terms, terms, text_terms

# ---- words ------------------------------------------------------------------------------


def test_latin_words_are_folded_as_a_reader_types_them() -> None:
    assert terms("Gutmann and Hyvärinen") == {"gutmann", "hyvarinen"}
    # full-width letters and digits are the same letters
    assert terms("ＧＰＴ－４ Networks") == {"gpt", "4", "network"}
    assert terms("queries, analysis, processes, bias") == {"query", "analysis", "process",
                                                         "bia"}
    # function words and single letters find everything: they are not terms
    assert terms("The state of the art, a x") == {"state", "art"}
    assert "the" in STOPWORDS
    assert query_terms("Networks of Attention") == ["network", "attention"]


def test_chinese_is_cut_into_characters_and_pairs() -> None:
    assert terms("自注意力") == {"自", "注", "意", "力", "自注", "注意", "意力"}
    # a query of two or more characters must match each of its pairs, in order
    assert query_terms("自注意力机制") == ["自注", "注意", "意力", "力机", "机制"]
    assert query_terms("猫") == ["猫"]
    assert query_terms("Transformer 模型，2017") == ["transformer", "模型", "2017"]
    # punctuation and spaces never join two words
    assert terms("模型。训练") == {"模", "型", "训", "练", "模型", "训练"}


def test_markup_and_addresses_are_not_words() -> None:
    found = text_terms("see [the code](https://github.com/x/secret-repo) and $x^2$ <b>bold</b>")
    assert "github" not in found and "secret" not in found
    assert "see" in found and "code" in found and "bold" in found


# ---- the index of a small site ----------------------------------------------------------

LIST = """lang: en
title:
  en: Small list
  zh: 小清单
entries:
  - {paper: transformers-paper, position: 1, added: 2026-11-23}
  - {paper: learning-machines, position: 2, added: 2026-11-23}
  - {paper: title-only, position: 3, added: 2026-11-23}
"""
FIRST = "We propose a network architecture built on attention alone, by Vaswani's group."
ZH_FIRST = "本文提出一种仅基于自注意力的网络架构，用于机器学习。"


def _paper(root: Path, pid: str, title: str, year: int, body: str, extra: str = "") -> None:
    (root / "content" / "en" / f"{pid}.md").write_text(
        f"---\ntitle: {title}\nyear: {year}\n{extra}lists:\n  - small\n---\n\n{body}\n",
        "utf-8")


@pytest.fixture(scope="module")
def small_source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small project, not built: tests copy it."""
    from click.testing import CliRunner

    from publish.cli import cli

    root = tmp_path_factory.mktemp("search-source") / "proj"
    assert CliRunner().invoke(cli, ["init", str(root)]).exit_code == 0
    _fill(root)
    return root


@pytest.fixture(scope="module")
def small(small_source: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("search") / "proj"
    shutil.copytree(small_source, root)
    result = run(root, "html")
    assert result.exit_code == 0, result.output
    return root / "build" / "html"


def _fill(root: Path) -> None:
    (root / "content" / "lists").mkdir(parents=True, exist_ok=True)
    (root / "content" / "lists" / "small.yaml").write_text(LIST, "utf-8")
    _paper(root, "transformers-paper", "Transformers for Everything", 2017, FIRST,
           "authors:\n  - Ashish Vaswani\n  - Noam Shazeer\narxiv: '1706.03762'\n")
    _paper(root, "learning-machines", "Learning Machines", 2020,
           "A study of how machines learn. <script>alert(1)</script>")
    _paper(root, "title-only", "Zebra Stripes Explained", 2010, "")
    (root / "content" / "zh" / "transformers-paper.md").write_text(
        f"---\nmeta_in: en\nlocal_title: 变换器无所不能\n---\n\n"
        f"{format_marker('en', block_hash(FIRST), 'human', 'mei', '2026-11-24')}\n"
        f"{ZH_FIRST}\n", "utf-8")


def _ids(site: Path, lang: str) -> list[str]:
    page = (site / lang / "search.html").read_text("utf-8")
    listing = page.split('id="search-list"', 1)[1].split("</ol>", 1)[0]
    return re.findall(r'<li[^>]*><a href="papers/([^"]+)\.html"', listing)


def _found(site: Path, lang: str, query: str) -> dict[str, int]:
    ids = _ids(site, lang)
    return {ids[n]: bits for n, bits in matches(load(site, lang), query).items()}


def test_the_index_numbers_papers_as_the_search_page_lists_them(small: Path) -> None:
    for lang in ("en", "zh", "zh-Hant"):
        index = load(small, lang)
        ids = _ids(small, lang)
        assert index["n"] == len(ids) == 3
        # newest first; the page names the numbering the index was made for
        assert ids == ["learning-machines", "transformers-paper", "title-only"]
        page = (small / lang / "search.html").read_text("utf-8")
        assert f'data-key="{index["key"]}"' in page
        assert index["lang"] == {"en": "en", "zh": "zh-Hans", "zh-Hant": "zh-Hant"}[lang]


def test_titles_authors_ids_and_text_are_found(small: Path) -> None:
    found = _found(small, "en", "Vaswani")
    # an author (meta) and the text ("Vaswani's")
    assert list(found) == ["transformers-paper"] and in_text(found["transformers-paper"])
    assert list(_found(small, "en", "1706.03762")) == ["transformers-paper"]
    assert list(_found(small, "en", "zebra")) == ["title-only"]
    assert in_title(_found(small, "en", "zebra")["title-only"])
    # as a reader types: the last word is a prefix
    assert set(_found(small, "en", "mach")) == {"learning-machines"}
    assert set(_found(small, "en", "learn")) == {"learning-machines"}
    # every word must match
    assert _found(small, "en", "attention zebra") == {}
    # a paper's hostile text is words, never markup: tags are left out, their text is found
    assert "alert" in load(small, "en")["t"] and "script" not in load(small, "en")["t"]
    for lang in ("en", "zh", "zh-Hant"):
        index = load(small, lang)
        assert all(re.fullmatch(r"[a-z0-9\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+",
                                term) for term in index["t"])


def test_chinese_queries_find_chinese_text_and_titles(small: Path) -> None:
    assert set(_found(small, "zh", "自注意力")) == {"transformers-paper"}
    assert in_title(_found(small, "zh", "变换器")["transformers-paper"])
    # the English page shows the English text: no Chinese there
    assert _found(small, "en", "自注意力") == {}
    # an untranslated paper's Chinese page shows its English text, and is found by it
    assert set(_found(small, "zh", "machines")) == {"learning-machines"}
    # zh-Hant holds what its pages show: Traditional characters
    assert set(_found(small, "zh-Hant", "機器學習")) == {"transformers-paper"}
    assert _found(small, "zh-Hant", "机器学习") == {}
    assert in_title(_found(small, "zh-Hant", "變換器")["transformers-paper"])


@pytest.mark.slow
def test_the_index_of_1024_papers_stays_small(tmp_path: Path, seeded: Path) -> None:
    root = tmp_path / "proj"
    shutil.copytree(seeded, root)
    assert run(root, "html").exit_code == 0
    site = root / "build" / "html"
    for lang in ("en", "zh", "zh-Hant"):
        data = (site / lang / "search-index.js").read_bytes()
        packed = len(gzip.compress(data, 9))
        terms_count = len(load(site, lang)["t"])
        print(f"{lang}: {len(data):,} bytes, {packed:,} gzipped, {terms_count:,} terms")
        # measured: ~364 KB, ~132 KB gzipped for 1,024 papers (365 with text)
        assert len(data) < 450_000 and packed < 160_000
        assert load(site, lang)["n"] == 1024


# ---- in Chromium --------------------------------------------------------------------------

@pytest.fixture(scope="module")
def seeded_site(seeded: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("search-site") / "proj"
    shutil.copytree(seeded, root)
    result = run(root, "html")
    assert result.exit_code == 0, result.output
    return root / "build" / "html"


def _visible(page) -> list[str]:
    return page.evaluate("""[...document.querySelectorAll('#search-list > li')]
        .filter(li => !li.hidden).map(li => li.querySelector('a').getAttribute('href'))""")


@pytest.mark.slow
def test_a_reader_searches_in_chinese_and_english(seeded_site: Path, tmp_path: Path) -> None:
    shots = seeded_site.parent / "screenshots"
    shots.mkdir(exist_ok=True)
    with browser(tmp_path) as context, serve(seeded_site) as base:
        page, log = open_page(context, base + "zh/search.html")
        page.wait_for_selector("#search-form.live")
        everyone = len(_visible(page))
        assert everyone == 1024
        # Chinese: the papers whose Chinese text speaks of self-attention
        page.fill("#search-q", "自注意力")
        page.wait_for_function("document.getElementById('search-status').textContent"
                               ".includes('篇论文相符')")
        shown = _visible(page)
        expected = _found(seeded_site, "zh", "自注意力")
        assert "papers/attention-is-all-you-need.html" in shown
        assert sorted(shown) == sorted(f"papers/{pid}.html" for pid in expected)
        assert page.inner_text("#search-status") == f"{len(shown)} 篇论文相符"
        # their titles are English: each says where the words were found
        hits = page.evaluate("""[...document.querySelectorAll('#search-list > li')]
            .filter(li => !li.hidden).map(li => li.querySelector('.hit')?.textContent)""")
        assert hits == ["见于正文"] * len(shown)
        assert "q=%E8%87%AA" in page.url  # the result has an address a reader can share
        page.screenshot(path=str(shots / "search-zh.png"))
        # English on the English page: a title as a phrase ranks first
        page.goto(base + "en/search.html?q=attention+is+all")
        page.wait_for_selector("#search-form.live")
        assert page.input_value("#search-q") == "attention is all"
        shown = _visible(page)
        assert shown[0] == "papers/attention-is-all-you-need.html"
        assert page.locator("#search-list > li:not([hidden]) .hit").count() < len(shown)
        assert page.locator("#search-list > li >> nth=0").locator(".hit").count() == 0
        assert sorted(shown) == sorted(f"papers/{pid}.html" for pid in
                                       _found(seeded_site, "en", "attention is all"))
        # an author, typed as a reader types it (a prefix, upper case)
        page.fill("#search-q", "VASWAN")
        page.wait_for_function("!document.getElementById('search-status').textContent"
                               ".includes('attention')")
        assert "papers/attention-is-all-you-need.html" in _visible(page)
        page.fill("#search-q", "qwertyuiop")
        page.wait_for_function("document.querySelectorAll('#search-list > li:not([hidden])')"
                               ".length === 0")
        assert "qwertyuiop" in page.inner_text("#search-status")
        page.fill("#search-q", "")
        page.wait_for_function(f"document.querySelectorAll('#search-list > li:not([hidden])')"
                               f".length === {everyone}")
        # a query typed into any page's header goes to the search page
        page.goto(base + "en/papers/mistral-7b.html")
        page.fill(".site-search input[name=q]", "mistral")
        page.press(".site-search input[name=q]", "Enter")
        page.wait_for_selector("#search-form.live")
        assert page.url.endswith("en/search.html?q=mistral")
        assert _visible(page)[0] == "papers/mistral-7b.html"
        assert not log.console_errors and not log.page_errors, log.failed  # CSP too
        assert all(u.startswith(base) for u in log.requests), log.requests
        page.close()


@pytest.mark.slow
def test_without_javascript_the_search_page_lists_every_paper(seeded_site: Path,
                                                              tmp_path: Path) -> None:
    from chromium import CHROMIUM, FLAGS
    from playwright.sync_api import sync_playwright

    with browser(tmp_path):  # skips (or fails in CI) without Chromium, as every test here
        pass
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        context = chromium.new_context(java_script_enabled=False)
        page = context.new_page()
        page.goto(seeded_site.joinpath("zh", "search.html").as_uri() + "?q=自注意力")
        assert len(_visible(page)) == 1024
        assert "Ctrl+F" in page.inner_text("main")
        assert page.inner_text("#search-status") == "1,024 篇论文"
        chromium.close()


def test_a_rebuild_patches_the_index_to_the_bytes_of_a_fresh_one(
        small_source: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from publish.config import load_config
    from publish.content.load import load_collection
    from publish.site import search
    from publish.site.build import build_site

    root = tmp_path / "proj"
    shutil.copytree(small_source, root)
    config = load_config(root)
    build_site(config, load_collection(config))
    patched = []
    original = search._patch
    monkeypatch.setattr(search, "_patch", lambda *a: patched.append(1) or original(*a))
    _paper(root, "learning-machines", "Learning Machines", 2020,
           "A study of how machines learn from zebras. A second sentence.")
    result = build_site(config, load_collection(config))
    assert {f"{lang}/search-index.js" for lang in ("en", "zh", "zh-Hant")} <= set(
        result.written_paths)
    # en from the last run's en, zh and zh-Hant from theirs: no index started over
    assert len(patched) == 3
    fresh = build_site(config, load_collection(config), out=tmp_path / "fresh", use_cache=False)
    assert fresh.rendered == fresh.pages
    for lang in ("en", "zh", "zh-Hant"):
        rel = Path(lang, "search-index.js")
        assert (root / "build" / "html" / rel).read_bytes() == (tmp_path / "fresh" / rel
                                                               ).read_bytes(), lang
    assert set(_found(root / "build" / "html", "en", "zebra")) == {"title-only",
                                                                 "learning-machines"}


def test_the_index_cuts_words_as_a_query_does_on_every_file_of_content() -> None:
    """`terms` works on whole sets for speed; the browser (and `query_terms`) go word by
    word. On every real text they must agree, or a query would miss what the index holds."""
    from conftest import REPO

    from publish.site import search

    def word_by_word(text: str) -> set[str]:
        out: set[str] = set()
        for word in search.WORD_RE.findall(search.fold(text)):
            if word[0] >= "\u3040":
                out.update(word)
                out.update(word[i : i + 2] for i in range(len(word) - 1))
            elif (len(word) > 1 or word.isdigit()) and word not in search.STOPWORDS:
                out.add(search._stem(word))  # the rule of query_terms and search.js
        return out

    files = sorted((REPO / "content").glob("*/*.md"))
    assert len(files) > 1000
    for path in files:
        text = path.read_text("utf-8")
        assert terms(text) == word_by_word(text), path


@pytest.mark.slow
def test_a_paper_without_text_in_a_language_is_found_as_its_source_page_shows_it() -> None:
    """The index takes such a paper's terms from its source language's (made once): on every
    paper of content/, in every language, they are the terms of what its page shows."""
    from conftest import REPO

    from publish.config import load_config
    from publish.content.load import load_collection
    from publish.site.build import _Site, site_languages
    from publish.site.indexes import _key
    from publish.site.search import DocTerms, doc_terms

    config = load_config(REPO)
    site = _Site(config, load_collection(config, cache=False), site_languages(config, "all"),
                 None)
    shared = 0
    for lang in site.site_langs:
        pages = site.pages(lang)
        for pid, digest in site.digests.items():
            paper = site.collection.papers[pid]
            title, original = pages.titles(paper)
            meta = paper.meta
            expected = doc_terms([title.text, original.text if original else ""],
                                 [*meta.authors, str(meta.year or ""), meta.venue or "",
                                  meta.arxiv or ""],
                                 [s.text for s in pages.shown(paper) if s.text])
            got = DocTerms.decode(site.indexes._doc(pid, lang, _key(lang, digest)))
            assert got == expected, (pid, lang)
            shared += pid in site.indexes._alone
    assert shared > 1000
