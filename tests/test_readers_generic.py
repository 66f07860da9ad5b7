"""The generic readers (Markdown, BibTeX, CSV) on small sources with known answers."""

from __future__ import annotations

import pytest

from publish.errors import PublishError
from publish.imports import bibtex, csv, markdown

MATH = r"Cost $x^2$ and \(a+b\), see https://example.org/a_b?q=1&r=2."

MARKDOWN = """\
# Awesome Papers

A list of *good* papers.

## Contents
- [NLP](#nlp)

## NLP

### 2017

1. [Attention **Is** All You Need](https://arxiv.org/abs/1706.03762v5) — The Transformer.
   - sub one
     more
   - sub two

   Continuation paragraph.
2. **BERT**: Pre-training deep bidirectional transformers (2018)

## Vision

- Deep Residual Learning - residual connections (2016)
- [ResNet again](https://doi.org/10.1109/CVPR.2016.90), 2016
- <https://arxiv.org/abs/2005.14165>
"""


def papers(raw):
    return [e for e in raw.entries if e.kind == "paper"]


def test_markdown_title_description_and_sections() -> None:
    raw = markdown.read(MARKDOWN, "list.md")
    assert raw.shape == "markdown"
    assert raw.title == "Awesome Papers"
    assert raw.description == "A list of *good* papers."
    # The contents list points into the page and names no paper: read, and skipped.
    toc = raw.entries[0]
    assert (toc.line, toc.kind, toc.title) == (6, "toc", "NLP")
    assert [e.section for e in papers(raw)] == ["NLP > 2017"] * 2 + ["Vision"] * 3
    assert [e.line for e in papers(raw)] == [12, 18, 22, 23, 24]


def test_markdown_linked_item() -> None:
    first = papers(markdown.read(MARKDOWN, "list.md"))[0]
    assert first.title == "Attention Is All You Need"
    assert first.url == "https://arxiv.org/abs/1706.03762v5"
    assert first.arxiv == "1706.03762"
    assert first.rank == 1
    assert first.blocks == [
        ("paragraph", "The Transformer."),
        ("item", "- sub one\n  more"),
        ("item", "- sub two"),
        ("paragraph", "Continuation paragraph."),
    ]


def test_markdown_unlinked_items_and_years() -> None:
    entries = papers(markdown.read(MARKDOWN, "list.md"))
    bert, resnet, again, bare = entries[1:]
    assert (bert.title, bert.year, bert.rank) == ("BERT", 2018, 2)
    assert bert.blocks == [("paragraph", "Pre-training deep bidirectional transformers (2018)")]
    assert (resnet.title, resnet.year, resnet.rank) == ("Deep Residual Learning", 2016, None)
    assert resnet.blocks == [("paragraph", "residual connections (2016)")]
    # A year alone after the link is not a summary.
    assert (again.title, again.year, again.blocks) == ("ResNet again", 2016, [])
    assert again.doi == "10.1109/CVPR.2016.90"
    # A bare link names no paper: the reader leaves a hint to propose one from.
    assert bare.title is None
    assert bare.arxiv == "2005.14165"
    assert bare.hint == "<https://arxiv.org/abs/2005.14165>"
    assert bare.blocks == []


def test_markdown_summary_passes_through_verbatim() -> None:
    text = f"- **[Title](https://example.org/p)** — {MATH}\n- Other: 1990. A year\n"
    first, other = markdown.read(text, "list.md").entries
    assert first.title == "Title"
    assert first.blocks == [("paragraph", MATH)]
    # No bold before the colon: the whole line is the title.
    assert other.title == "Other: 1990. A year"
    text = "- [T](https://example.org/t) - 1990. was a year\n"
    assert markdown.read(text, "list.md").entries[0].blocks == [
        ("paragraph", "1990\\. was a year")]


def test_markdown_no_title_when_list_comes_first() -> None:
    raw = markdown.read("- [A](https://a.org)\n\n# Later\n\n- [B](https://b.org)\n", "x.md")
    assert raw.title is None
    assert [(e.title, e.section) for e in raw.entries] == [("A", None), ("B", "Later")]


def test_markdown_badges_and_crlf() -> None:
    text = "* [![img](b.svg)](https://ci) [Adam](https://arxiv.org/abs/1412.6980) — optim\r\n"
    entry = markdown.read(text, "x.md").entries[0]
    assert (entry.title, entry.arxiv, entry.blocks) == ("Adam", "1412.6980",
                                                        [("paragraph", "optim")])


BIBTEX = r"""% exported from Zotero
@string{nips = "NeurIPS"}

@inproceedings{vaswani2017,
  title     = {Attention Is {All} You
               Need},
  author    = {Vaswani, Ashish and Shazeer, Noam and J{\"u}rgen Schmidhuber
               and {Barnes and Noble} and others},
  booktitle = nips,
  year      = {2017},
  eprint    = {1706.03762v5},
  archivePrefix = {arXiv},
  abstract  = {Cost $x^2$ and \(a+b\), see https://example.org/a_b?q=1&r=2.},
  citations = {100000},
}

@article{devlin2018,
  title = {{BERT}: Pre-training of Deep Bidirectional Transformers},
  author = {Devlin, Jacob},
  journal = {arXiv preprint arXiv:1810.04805},
  year = 2018,
  doi = {https://doi.org/10.18653/v1/N19-1423},
}
@misc{he2016, title = {Deep Residual Learning}, url = {https://arxiv.org/abs/1512.03385}}
"""


def test_bibtex_fields() -> None:
    raw = bibtex.read(BIBTEX, "refs.bib")
    assert raw.shape == "bibtex"
    vaswani, devlin, he = raw.entries
    assert vaswani.line == 4
    assert vaswani.title == "Attention Is All You Need"
    assert vaswani.authors == ["Ashish Vaswani", "Noam Shazeer", "Jürgen Schmidhuber",
                               "Barnes and Noble"]
    assert (vaswani.year, vaswani.venue, vaswani.arxiv) == (2017, "NeurIPS", "1706.03762")
    assert vaswani.citations == 100000
    assert vaswani.blocks == [("paragraph", MATH)]
    assert devlin.line == 17
    assert devlin.title == "BERT: Pre-training of Deep Bidirectional Transformers"
    assert devlin.authors == ["Jacob Devlin"]
    assert (devlin.year, devlin.arxiv, devlin.doi) == (2018, "1810.04805", "10.18653/v1/N19-1423")
    assert (he.line, he.arxiv, he.blocks) == (24, "1512.03385", [])


def test_bibtex_title_keeps_math_braces() -> None:
    entry = bibtex.read(r"@article{a, title = {{L}earning in $\mathbb{R}^{n}$ Q\&A}}",
                        "a.bib").entries[0]
    assert entry.title == r"Learning in $\mathbb{R}^{n}$ Q&A"


def test_bibtex_broken_entry_is_reported_at_its_line_and_the_rest_is_read() -> None:
    text = "\n\n@misc{b,\n  title = {unclosed\n\n@article{c, title={y}}\n"
    broken, *rest = bibtex.read(text, "refs.bib").entries
    assert (broken.line, broken.kind) == (3, "broken")
    assert "cannot parse" in broken.why
    assert [(e.title, e.kind) for e in rest] == [("y", "paper")]


def test_bibtex_duplicate_key_and_bad_year_are_warnings_on_their_entry() -> None:
    first, second = bibtex.read("@article{c, title={y}}\n@article{c, title={z}}\n",
                                "refs.bib").entries
    assert (first.title, first.kind) == ("y", "paper")
    assert (second.line, second.kind) == (2, "broken")
    assert "Duplicate entry key" in second.why
    (entry,) = bibtex.read("@article{a,\n  title={x},\n  year={soon}\n}\n", "refs.bib").entries
    assert (entry.title, entry.year, entry.kind) == ("x", None, "paper")
    assert entry.warnings == ["line 3: year 'soon' is not a year: left empty"]
    # natbib's disambiguation letter is not an error: `2023a` is 2023.
    (entry,) = bibtex.read("@article{a, title={x}, year={2023a}}", "refs.bib").entries
    assert (entry.year, entry.warnings) == (2023, [])


CSV = (
    "Title,Authors,Year,URL,Summary,Notes,Rank,Added,Section\r\n"
    '"Attention Is All You Need","Ashish Vaswani; Noam Shazeer",2017,'
    'https://arxiv.org/abs/1706.03762,"Two\r\nlines",ignored,1,2024-01-02,NLP\r\n'
    "\r\n"
    ",,,,,,,,\r\n"
    f'BERT,Jacob Devlin and Ming-Wei Chang,2018,,"{MATH}",,,,\r\n'
)


def test_csv_rows() -> None:
    raw = csv.read(CSV, "list.csv")
    assert raw.shape == "csv"
    first, bert = raw.entries
    assert (first.line, first.title, first.year) == (2, "Attention Is All You Need", 2017)
    assert first.authors == ["Ashish Vaswani", "Noam Shazeer"]
    assert (first.arxiv, first.rank, first.added, first.section) == (
        "1706.03762", 1, "2024-01-02", "NLP")
    assert first.blocks == [("paragraph", "Two\nlines")]
    # The quoted newline, a blank line and an empty row come before BERT.
    assert bert.line == 6
    assert bert.authors == ["Jacob Devlin", "Ming-Wei Chang"]
    assert bert.blocks == [("paragraph", MATH)]


def test_csv_optional_columns_and_ids() -> None:
    text = "title,arxiv,doi,venue,citations\nX,arXiv:1706.03762v2,https://doi.org/10.1000/xyz123,ICML,7\n"
    entry = csv.read(text, "x.csv").entries[0]
    assert (entry.arxiv, entry.doi, entry.venue, entry.citations) == (
        "1706.03762", "10.1000/xyz123", "ICML", 7)


def test_csv_missing_title_column() -> None:
    with pytest.raises(PublishError) as info:
        csv.read("year,notes\n2017,x\n", "x.csv")
    assert info.value.problems[0].line == 1
    assert "no title column" in str(info.value)
    assert "--column title=HEADER" in str(info.value)


def test_csv_bad_cells_are_warnings_on_their_rows() -> None:
    text = 'title,year,summary\n"ok",2017,"multi\nline"\n,2018,\nbad,20x7,\n'
    ok, empty, bad = csv.read(text, "x.csv").entries
    assert (ok.line, ok.title, ok.kind, ok.warnings) == (2, "ok", "paper", [])
    assert (empty.line, empty.kind) == (4, "empty")
    assert (bad.line, bad.title, bad.year, bad.kind) == (5, "bad", None, "paper")
    assert bad.warnings == ["year '20x7' is not a year: left empty"]


def test_csv_bad_date() -> None:
    (entry,) = csv.read("title,added\nx,2024-13-01\n", "x.csv").entries
    assert (entry.added, entry.warnings) == (
        None, ["added '2024-13-01' is not a date (YYYY-MM-DD): left empty"])


def test_bibtex_tex_spacing_macros_and_every_place_an_arxiv_id_hides() -> None:
    text = r"""@string{neurips = "Advances in Neural Information Processing Systems"}
@article{a, title={X One}, author={F.~P. Cantelli and Kaiser, {\L}ukasz and Mart{\'\i}n Abadi},
  journal={Rend.\ Accad.\ Lincei}, year=1933}
@inproceedings{b, title={X Two}, booktitle=neurips # " 27", year={2014}}
@article{c, title={X Three}, journal={Ar{X}iv:1607.06450}, year={2016}}
@article{d, title={X Four}, journal={CoRR}, volume={abs/1412.6980}, year={2014}}
@misc{e, title={X Five}, eprint={2305.14314}, archivePrefix={arXiv}, year={2023a}}
@article{f, title={X Six}, doi={10.48550/ARXIV.1909.01326}, year={2019}}
@article{g, title={X Seven}, note={ICLR 2019, arXiv:1803.03635}, year={2019}}
\article{h, title={X Eight}, year={2020}}
"""
    a, b, c, d, e, f, g, h = bibtex.read(text, "refs.bib").entries
    assert a.venue == "Rend. Accad. Lincei"
    assert a.authors == ["F. P. Cantelli", "Łukasz Kaiser", "Martín Abadi"]
    assert b.venue == "Advances in Neural Information Processing Systems 27"
    assert [x.arxiv for x in (c, d, e, f, g)] == [
        "1607.06450", "1412.6980", "2305.14314", "1909.01326", "1803.03635"]
    assert (e.year, f.doi) == (2023, "10.48550/ARXIV.1909.01326")
    assert (h.line, h.kind) == (10, "broken") and "did you mean '@article{'" in h.why
