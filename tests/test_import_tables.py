"""Tables in Markdown lists: the cell splitter the reader gives markdown-it agrees with
markdown-it's own, and tables of every shape read as entries."""

from __future__ import annotations

import importlib
import json
from pathlib import Path

import yaml
from conftest import run
from hypothesis import given
from hypothesis import strategies as st

from publish.imports import markdown
from publish.imports.markdown import _split_cells


def original_split(string: str) -> list[str]:
    """markdown-it 4.x `escapedSplit`, as it is written there."""
    result, pos, last, escaped, current = [], 0, 0, False, ""
    while pos < len(string):
        ch = string[pos]
        if ch == "|":
            if not escaped:
                result.append(current + string[last:pos])
                current, last = "", pos + 1
            else:
                current += string[last:pos - 1]
                last = pos
        escaped = ch == "\\"
        pos += 1
    result.append(current + string[last:])
    return result


@given(st.text(alphabet="ab|\\ `*[]", max_size=30))
def test_the_fast_cell_splitter_splits_as_markdown_it_does(row: str):
    assert _split_cells(row) == original_split(row)
    table = importlib.import_module("markdown_it.rules_block.table")
    assert table.escapedSplit is _split_cells


def test_several_tables_with_their_own_headers():
    text = ("# L\n\n## A\n\n| Title | Paper | Year |\n|---|---|---|\n"
            "| X Y Z | [arXiv](https://arxiv.org/abs/1706.03762) | 2017 |\n\n"
            "## B\n\n名字 | 年份 | 简介\n:---: | :---: | :---:\n"
            "[BERT](https://arxiv.org/abs/1810.04805) | 2018 | 预训练 \\| 编码器\n")
    first, second = markdown.read(text, "x.md").entries
    assert (first.line, first.title, first.arxiv, first.year, first.section) == (
        7, "X Y Z", "1706.03762", 2017, "A")
    assert (second.line, second.title, second.arxiv, second.year) == (
        13, "BERT", "1810.04805", 2018)
    assert second.blocks == [("paragraph", "预训练 | 编码器")]


def test_a_chinese_resource_list_keeps_only_its_papers(project: Path):
    """Shaped on Chinese awesome-lists of LLM resources (HqWu-HITCS/Awesome-Chinese-LLM):
    `* Name：` items with `地址：URL` and `简介：…` lines, star badges, a 目录 of anchors, and
    sections of benchmarks, platforms and tutorials (教程): only the entries whose address
    is a paper are papers."""
    source = Path(__file__).parent / "fixtures" / "lists" / "zh-eval-resources.md"
    result = run(project, "import", str(source), "--list", "zh-eval", "--lang", "zh",
                 "--report", "json")
    report = json.loads(result.output)
    assert report["summary"]["papers"] == 3
    assert report["summary"]["skipped"] == {"toc": 3, "repo": 2, "tool": 1, "course": 2}
    papers = [e for e in report["items"] if e["outcome"] != "skipped"]
    assert [e["title"] for e in papers] == [
        "C-Eval", "CMMLU: Measuring massive multitask language understanding in Chinese",
        "AGIEval: A Human-Centric Benchmark for Evaluating Foundation Models"]


def test_a_mistyped_contents_link_is_not_a_paper(project: Path):
    """Shaped on conference topic lists (azminewasi/Awesome-Graph-Research-ICML2024): a
    contents list of anchors where one is mistyped, `[Knowledge Graphs]($kg)`; it named a
    section and became a paper called "Knowledge Graphs" until the contents around it
    counted."""
    source = Path(__file__).parent / "fixtures" / "lists" / "conference-topics.md"
    result = run(project, "import", str(source), "--list", "graph-topics", "--lang", "en",
                 "--report", "json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["summary"]["skipped"] == {"toc": 5}
    assert [e["title"] for e in report["items"] if e["outcome"] == "skipped"] == [
        "Theory", "Expressive Power", "Graphs and Language Models", "Knowledge Graphs",
        "Physics"]
    assert report["summary"]["papers"] == 7
    assert report["summary"]["repeated"] == 1  # one paper is listed under two topics
    assert len(report["created"]) == 6
    # the contents heading over the topics is not a topic: papers are filed by theirs
    listed = yaml.safe_load((project / "content" / "lists" / "graph-topics.yaml").read_text())
    assert [e["section"] for e in listed["entries"]][:4] == [
        "Theory", "Theory", "Theory", "Theory > Expressive Power"]


def test_a_local_pdf_among_contents_links_stays_a_paper():
    """Only a link that leads nowhere is taken for a contents line: a paper's PDF kept
    beside the list is a paper, whatever its neighbours are."""
    text = ("# Reading\n\n- [Intro](#intro)\n- [Methods](#methods)\n- [Results](#results)\n"
            "- [Related Work](#related)\n- [Attention Is All You Need](papers/attention.pdf)\n"
            "- [Further Notes]($notes)\n")
    entries = markdown.read(text, "x.md").entries
    assert [(e.title, e.kind) for e in entries] == [
        ("Intro", "toc"), ("Methods", "toc"), ("Results", "toc"), ("Related Work", "toc"),
        ("Attention Is All You Need", "paper"), ("Further Notes", "toc")]


def test_a_title_cell_whose_one_link_follows_words_about_it_keeps_the_link():
    """Shaped on Chinese paper-reading video tables (mli/paper-reading): a title cell is
    sometimes words about the paper, then its link, with no colon between. The link is the
    entry's own: its arXiv id must not be lost, or the same paper read twice is made twice."""
    text = ("# 论文精读\n\n| 日期 | 标题 | 时长 |\n| -- | -- | -- |\n"
            "| 10/22/21 | [ResNet](https://arxiv.org/abs/1512.03385) 论文逐段精读 | 53:46 |\n"
            "| 10/21/21 | 撑起计算机视觉半边天的 [ResNet](https://arxiv.org/abs/1512.03385) "
            "| 11:50 |\n"
            "| 10/14/21 | Reading the classic [AlexNet](https://papers.nips.cc/x-Paper.pdf) "
            "| 19:59 |\n")
    first, second, third = markdown.read(text, "x.md").entries
    assert (first.title, first.arxiv) == ("ResNet", "1512.03385")
    assert (second.title, second.arxiv) == ("ResNet", "1512.03385")
    assert second.blocks == [("paragraph", "撑起计算机视觉半边天的 ResNet")]
    assert (third.title, third.url) == ("AlexNet", "https://papers.nips.cc/x-Paper.pdf")


def test_a_video_without_a_paper_in_a_table_of_videos_about_papers_is_not_a_paper() -> None:
    """A table of paper-reading videos (the shape of a real Chinese list: date, title linking
    the paper, cover, length, video links): the one video about no paper (`如何读论文`) is
    skipped as a video. In a table of talks named by their papers' titles, linking no paper,
    every row stays a paper."""
    videos = ("# 论文精读\n\n| 日期 | 标题 | 封面 | 时长 | 视频（4K） |\n"
              "| -- | -- | -- | -- | -- |\n"
              "| 录制中 | [BERT](https://arxiv.org/abs/1810.04805) |\n"
              "| 10/22/21 | [ResNet](https://arxiv.org/abs/1512.03385) 论文逐段精读 | "
              '<img src="imgs/r.jpg" width="250px"/> | 53:46 | '
              "[B站](https://www.bilibili.com/video/BV1P3411y7nn/) |\n"
              "| 10/06/21 | 如何读论文 | <img src=\"imgs/p.jpg\"/> | 06:39 | "
              "[知乎](https://www.zhihu.com/zvideo/1428973951632969728), "
              "[YouTube](https://www.youtube.com/watch?v=txjl_Q4jCyQ) |\n")
    read = markdown.read(videos, "x.md")
    assert [(e.title, e.kind) for e in read.entries] == [
        ("BERT", "paper"), ("ResNet", "paper"), ("如何读论文", "video")]
    assert read.entries[2].why == "a video or talk (youtube.com)"
    assert read.unused == ["封面", "时长"]
    talks = ("| Title | Video |\n| -- | -- |\n"
             "| Attention Is All You Need | [talk](https://www.youtube.com/watch?v=a) |\n"
             "| Deep Residual Learning for Image Recognition | "
             "[talk](https://www.youtube.com/watch?v=b) |\n")
    assert [e.kind for e in markdown.read(talks, "y.md").entries] == ["paper", "paper"]


def test_a_cells_line_breaks_and_footnote_references_are_not_kept_as_text() -> None:
    """`<br>` is a table cell's only line break and raw HTML is shown as text, so it is a
    space; a footnote reference points at a note that is no part of the entry."""
    text = ("| 日期 | 标题 | 简介 |\n| -- | -- | -- |\n"
            "| 10/27/21 | [Transformer](https://arxiv.org/abs/1706.03762) 逐段精读<br> "
            "（视频中提到的文献 [^transformer]) | 第一行<BR/>第二行 |\n")
    (entry,) = markdown.read(text, "x.md").entries
    assert entry.blocks == [("paragraph", "逐段精读 （视频中提到的文献)"),
                            ("paragraph", "第一行 第二行")]


def test_a_resources_column_gives_the_paper_its_link_and_a_why_read_it_column_its_text() -> None:
    """Headers glossed with emoji and English (a real Chinese research list): `🔗 资源`
    holds `[PDF](arXiv) \\| [Code](GitHub)`, `💡 推荐理由/迁移点` why to read it."""
    text = ("| 📅 年份 | 🌌 领域 | 📑 标题 (Title) | 💡 推荐理由/迁移点 | 🔗 资源 |\n"
            "| :--- | :--- | :--- | :--- | :--- |\n"
            "| **2026** | TS | **TimeMAR: Multi-Scale Autoregressive Modeling** | "
            "**[必读]** 迁移自 VAR | [PDF](https://arxiv.org/pdf/2601.11184) \\| "
            "[Code](https://github.com/x/timemar) |\n")
    read = markdown.read(text, "x.md")
    (entry,) = read.entries
    assert (entry.title, entry.year, entry.arxiv) == (
        "TimeMAR: Multi-Scale Autoregressive Modeling", 2026, "2601.11184")
    assert entry.blocks == [("paragraph", "**[必读]** 迁移自 VAR")]
    assert read.unused == ["🌌 领域"]
