"""Pagination: pages full except before a chapter, headings never alone at a page's foot,
and the joins between separately rendered runs invisible. Measured on the real output:
pages drawn by pdftoppm (tests/pagefill.py), text positions from pdftotext, the outline
from pypdf. The flow logic itself (render/flow.py) is checked on made-up runs first.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest
import yaml
from conftest import run
from pagefill import gaps, outline, page_fill
from pypdf import PdfReader

from publish.render.flow import PHANTOM, Placed, Run, next_segment, plan, resolve

pytestmark = pytest.mark.skipif(not shutil.which("pdftoppm"), reason="needs poppler-utils")

# ---------------------------------------------------------------------------------------------
# the flow logic, on made-up runs


def _run(key: str, hashes: str, tops: str, pages: list[int], opening: bool = False,
         end: tuple[int, bool] = (9, False)) -> Run:
    """A run whose units are the letters of `hashes`; `tops` marks (with ^) the units that
    start a page; `pages` gives each unit's page; `end` places the phantom spacer."""
    units = [Placed(h, p, t == "^") for h, t, p in zip(hashes, tops, pages, strict=True)]
    return Run(key, "ctx" if not opening else "open", opening,
               (*units, Placed(PHANTOM, *end)), max([*pages, end[0]]) + 1)


def test_a_chapter_is_cut_only_where_a_unit_starts_a_page() -> None:
    first = _run("a", "abcdef", "^..^..", [0, 0, 1, 2, 2, 3], opening=True, end=(3, False))
    segments, stop = resolve("abcdefgh", [first], "ctx", "open")
    # the run's pages up to unit d, which starts page 2; e, f are after the last cut
    assert [(s.start, s.end, s.first_page, s.end_page) for s in segments] == [(0, 3, 0, 2)]
    assert stop == 3
    # a run from d on, rendered fresh, carries the flow to the chapter's end
    second = _run("b", "defgh", "^....", [0, 0, 1, 1, 2], end=(2, False))
    segments, stop = resolve("abcdefgh", [first, second], "ctx", "open")
    assert [(s.run.key, s.start, s.end, s.first_page, s.end_page) for s in segments] == [
        ("a", 0, 3, 0, 2), ("b", 3, 8, 0, 3)]
    assert stop == 8


def test_a_run_ending_where_the_next_unit_would_move_is_cut_at_its_end() -> None:
    # the phantom spacer after the last unit sits at a page top: the next unit moves too
    first = _run("a", "abc", "^..", [0, 0, 1], opening=True, end=(2, True))
    segments, stop = resolve("abcdef", [first], "ctx", "open")
    assert [(s.start, s.end, s.end_page) for s in segments] == [(0, 3, 2)]
    assert stop == 3


def test_an_edited_unit_is_rendered_again_from_the_last_cut_before_it() -> None:
    old = _run("a", "abcdefgh", "^..^.^..", [0, 0, 0, 1, 1, 2, 2, 3], opening=True,
               end=(3, False))
    segments, stop = resolve("abcdEfgh", [old], "ctx", "open")  # e was edited
    assert stop == 3 and segments[-1].end == 3  # d is the last cut before e
    need = plan("abcdEfgh", [1] * 8, stop, [old], target=9, after_edit=2)
    assert (need.start, need.end) == (3, 7)  # d, the edit, and a little beyond
    assert plan("abcdEfgh", [1] * 8, 3, [old], target=9, tried=5).end == 7  # no cut: twice
    # the new run meets the old pages again at f: the rest comes from the old run
    new = _run("b", "dEfgh", "^.^..", [0, 0, 1, 1, 2], end=(2, False))
    segment = next_segment("abcdEfgh", 3, [old, new], "ctx", "open")
    assert segment is not None and segment.run.key == "b"
    segments, stop = resolve("abcdEfgh", [old, new], "ctx", "open")
    assert stop == 8


def test_an_opening_runs_pages_after_a_cut_carry_the_flow_past_an_edit() -> None:
    # a chapter rendered as one opening run; e was edited, and the new run from the cut
    # before it (d) ends where its next unit, f, would start a page: from f on, the old
    # run's pages are any run's (its headings and first page are behind it)
    old = replace(_run("a", "abcdefgh", "^..^.^..", [0, 0, 0, 1, 1, 2, 2, 3], opening=True,
                       end=(3, False)), body="ctx")
    new = _run("b", "dE", "^.", [0, 0], end=(1, True))
    segments, stop = resolve("abcdEfgh", [old, new], "ctx", "open")
    assert [(s.run.key, s.start, s.end, s.first_page, s.end_page) for s in segments] == [
        ("a", 0, 3, 0, 1), ("b", 3, 5, 0, 1), ("a", 5, 8, 2, 4)]
    assert stop == 8
    # without saying so (another chapter's pages, or a cache from before), it is not used
    assert resolve("abcdEfgh", [replace(old, body=""), new], "ctx", "open")[1] == 5


def test_runs_of_another_context_are_never_used() -> None:
    # the same units under another running head (another chapter) are other pages
    other = Run("x", "other", False, (Placed("d", 0, True), Placed("e", 0, False),
                                        Placed(PHANTOM, 0, False)), 1)
    first = _run("a", "abcd", "^..^", [0, 0, 0, 1], opening=True)
    _segments, stop = resolve("abcde", [first, other], "ctx", "open")
    assert stop == 3


# ---------------------------------------------------------------------------------------------
# real booklets


def _bbox_pages(pdf: Path, first: int, last: int) -> list[list[tuple[str, str, str]]]:
    """Every word of pages [first, last] with its position, page by page."""
    out = subprocess.run(["pdftotext", "-bbox", "-f", str(first), "-l", str(last), str(pdf),
                          "-"], capture_output=True, text=True, check=True).stdout
    return [re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)"[^>]*>(.*?)</word>', page)
            for page in out.split("<page ")[1:]]


def _body(pdf: Path) -> list[list[tuple[str, str, str]]]:
    """The body's pages (from the page the first list's bookmark points at) as words and
    positions, page numbers left out (digits alone at the page's foot)."""
    reader = PdfReader(pdf)
    first = reader.get_destination_page_number(reader.outline[1]) + 1  # [0] is Contents
    pages = _bbox_pages(pdf, first, len(reader.pages))
    return [[w for w in page if not (w[2].isdigit() and float(w[1]) > 540)] for page in pages]


@pytest.fixture(scope="module")
def sample(seeded: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project with one more list, `sample`: the first 60 entries of papers-list (two
    areas, years as sections, long papers and papers that are only a title)."""
    root = tmp_path_factory.mktemp("pagination") / "proj"
    shutil.copytree(seeded, root)
    data = yaml.safe_load((root / "content" / "lists" / "papers-list.yaml").read_text("utf-8"))
    data["title"] = {"en": "Sample of the papers list"}
    data["entries"] = data["entries"][:60]
    (root / "content" / "lists" / "sample.yaml").write_text(
        yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")
    return root


def _build(root: Path, out: str, *args: str) -> Path:
    target = root / "out" / out
    result = run(root, "pdf", "--out", str(target), *args)
    assert result.exit_code == 0, result.output
    return target


@pytest.mark.slow
def test_runs_join_where_no_reader_can_see(sample: Path) -> None:
    """The same list from one run per chapter, from runs of a few papers each, and as one
    WeasyPrint document: the same words at the same places on every body page."""
    from publish.config import load_config
    from publish.render.pdf import PdfRequest, build_pdf, render_single

    config = load_config(sample)
    whole = build_pdf(config, PdfRequest(lang="en", lists=("sample",), run_weight=10**9,
                                         out=sample / "out" / "whole.pdf", jobs=2))
    pieces = build_pdf(config, PdfRequest(lang="en", lists=("sample",), run_weight=1500,
                                          use_cache=False, out=sample / "out" / "pieces.pdf",
                                          jobs=2))
    assert pieces.runs > 3 * whole.runs  # many joins...
    assert _body(pieces.path) == _body(whole.path)  # ...and none of them shows
    single, _pages = render_single(config, PdfRequest(lang="en", lists=("sample",),
                                                      out=sample / "out" / "single.pdf"))
    assert _body(single) == _body(whole.path)


@pytest.mark.slow
def test_sample_pages_are_full_and_headings_keep_with_their_papers(sample: Path) -> None:
    pdf = _build(sample, "sample.pdf", "--lang", "en", "--list", "sample")
    fills = page_fill(pdf)
    assert len(fills) > 20
    assert not gaps(fills), [(f.page, round(f.empty)) for f in gaps(fills)]
    _headings_keep(pdf)


def _headings_keep(pdf: Path) -> None:
    """Every section heading (a year) is on the page of its first paper, which follows it
    in the outline."""
    flat = outline(pdf)
    sections = [i for i, (_d, title, _p) in enumerate(flat) if re.fullmatch(r"\d{4}", title)]
    assert sections
    for i in sections:
        depth, title, page = flat[i]
        child = flat[i + 1]
        assert child[0] == depth + 1, (title, child)  # the year holds its papers
        assert child[2] == page, f"{title} on page {page + 1}, its first paper on {child[2] + 1}"


@pytest.mark.slow
def test_whole_collection_has_no_gap(seeded: Path, tmp_path: Path) -> None:
    """The issue's measure, on the whole collection in English and Chinese: no body page
    less than two thirds full except before a chapter (566 pages had 65 such gaps)."""
    root = tmp_path / "proj"
    shutil.copytree(seeded, root)
    for lang in ("en", "zh"):
        pdf = _build(root, f"all.{lang}.pdf", "--lang", lang)
        fills = page_fill(pdf)
        assert len(fills) > 400
        found = gaps(fills)
        assert not found, (lang, [(f.page, round(f.empty)) for f in found])
        _headings_keep(pdf)


def _words_of(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), "utf-8")


@pytest.mark.slow
def test_an_edit_renders_only_the_pages_between_the_cuts_around_it(
        sample: Path, tmp_path: Path) -> None:
    """After a one-word edit, only the pages from the cut before the paper to the cut after
    it are laid out again (not the run planned in case the paper grew); after a paragraph
    is added, the pages up to where the flow meets the old ones. Each time the booklet is
    the one a build from nothing makes."""
    from publish.config import load_config
    from publish.render.pdf import PdfRequest, build_pdf

    root = tmp_path / "proj"
    shutil.copytree(sample, root, ignore=shutil.ignore_patterns("build", "out"))
    config = load_config(root)
    entries = yaml.safe_load((root / "content" / "lists" / "sample.yaml").read_text("utf-8"))
    papers = [e["paper"] if isinstance(e, dict) else e for e in entries["entries"]]
    first = build_pdf(config, PdfRequest(lang="en", lists=("sample",), jobs=2))
    assert first.rendered_pages > 20
    with_text = [p for p in papers[15:] if len((root / "content" / "en" / f"{p}.md")
                                                .read_text("utf-8").split("\n---\n", 1)[-1]) > 400]
    paper = root / "content" / "en" / f"{with_text[0]}.md"
    body = paper.read_text("utf-8").split("\n---\n", 1)[1]
    word = next(w for w in body.split() if w.isalpha() and len(w) > 4)
    _words_of(paper, f" {word} ", f" {word}s ")
    edited = build_pdf(config, PdfRequest(lang="en", lists=("sample",), jobs=2))
    assert edited.rendered == 1
    assert edited.rendered_pages <= 6, edited.rendered_pages
    fresh = build_pdf(config, PdfRequest(lang="en", lists=("sample",), jobs=2,
                                         use_cache=False, out=root / "out" / "fresh.pdf"))
    assert _body(edited.path) == _body(fresh.path)
    paper.write_text(paper.read_text("utf-8") + "\n" + "A paragraph added later, long enough "
                     "to push what follows it down the page by several lines. " * 8 + "\n",
                     "utf-8")
    grown = build_pdf(config, PdfRequest(lang="en", lists=("sample",), jobs=2))
    fresh = build_pdf(config, PdfRequest(lang="en", lists=("sample",), jobs=2,
                                         use_cache=False, out=root / "out" / "fresh.pdf"))
    assert _body(grown.path) == _body(fresh.path)
    assert grown.rendered_pages < fresh.rendered_pages / 2
