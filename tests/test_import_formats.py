"""Markdown, BibTeX and CSV lists through `publish import`, merged with known papers."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import run, seed, tree_hashes

BIB = r"""@inproceedings{vaswani2017,
  title = {Attention Is {All} You Need},
  author = {Vaswani, Ashish and Shazeer, Noam and Parmar, Niki},
  booktitle = {Advances in Neural Information Processing Systems},
  year = {2017},
  eprint = {1706.03762},
  archivePrefix = {arXiv},
  abstract = {We propose the Transformer, based solely on attention: $O(n^2)$ per layer.}
}

@article{hu2021lora,
  title = {{LoRA}: Low-Rank Adaptation of Large Language Models},
  author = {Hu, Edward J. and Shen, Yelong},
  journal = {arXiv preprint arXiv:2106.09685},
  year = {2021}
}
"""

CSV = "\n".join([
    "title,authors,year,url,summary",
    '"Chain of Thought Prompting Elicits Reasoning in Large Language Models",'
    'Jason Wei; Xuezhi Wang,2022,https://arxiv.org/abs/2201.11903,'
    '"Prompting with worked examples, see \\(x^2\\)."',
    "A Paper Nobody Else Lists,Ada Lovelace,2024,https://example.org/paper,Short summary.",
    "",
])

MD = """# Reading group

Papers we read this term.

## NLP

- [Llama 2: Open Foundation and Fine-Tuned Chat Models](https://arxiv.org/abs/2307.09288) — \
the open chat model.
- [The Llama 3 Herd of Models](https://arxiv.org/abs/2407.21783) (2024)
"""


def imported(root: Path, name: str, text: str, list_id: str, *extra: str) -> dict:
    source = root.parent / name
    source.write_text(text, "utf-8")
    result = run(root, "import", str(source), "--list", list_id, "--lang", "en", "--report",
                 "json", *extra)
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_three_formats_merge_with_a_seeded_list(project: Path):
    assert run(project, "import", str(seed("001")), "--list", "best-ai-2015-now",
               "--lang", "en").exit_code == 0
    bib = imported(project, "refs.bib", BIB, "bib-list")
    assert bib["created"] == ["attention-is-all-you-need"]
    assert [m["id"] for m in bib["matched"]] == [
        "lora-low-rank-adaptation-of-large-language-models"]
    attention = json.loads(run(project, "show", "attention-is-all-you-need", "--format",
                               "json").output)
    assert attention["authors"] == ["Ashish Vaswani", "Noam Shazeer", "Niki Parmar"]
    assert attention["arxiv"] == "1706.03762" and attention["year"] == 2017
    assert "$O(n^2)$" in attention["texts"]["en"]["blocks"][0]["text"]

    csv = imported(project, "list.csv", CSV, "csv-list")
    assert csv["created"] == ["a-paper-nobody-else-lists"]
    cot = [m for m in csv["matched"] if m["id"].startswith("chain-of-thought")]
    assert cot and cot[0]["by"] == "title"
    md = imported(project, "group.md", MD, "reading-group")
    assert md["created"] == []  # both are in best-ai-2015-now already
    assert [m["id"] for m in md["matched"]] == [
        "llama-2-open-foundation-and-fine-tuned-chat-models", "the-llama-3-herd-of-models"]
    rows = json.loads(run(project, "list", "--list", "reading-group", "--format",
                          "json").output)
    assert [r["section"] for r in rows] == ["NLP", "NLP"]
    before = tree_hashes(project)
    imported(project, "group.md", MD, "reading-group")
    assert tree_hashes(project) == before


def test_a_broken_bibtex_entry_is_reported_and_never_ends_the_file(project: Path):
    source = project.parent / "bad.bib"
    source.write_text(BIB + "\n@article{broken,\n  title = {Unclosed\n", "utf-8")
    result = run(project, "import", str(source), "--list", "x", "--lang", "en", "--report",
                 "json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["summary"]["papers"] == 2 and report["summary"]["skipped"] == {"broken": 1}
    (broken,) = [i for i in report["items"] if i["outcome"] == "skipped"]
    assert broken["line"] == BIB.count("\n") + 2 and "cannot parse" in broken["why"]
    assert sorted(tree_hashes(project)) == [
        "content/en/attention-is-all-you-need.md",
        "content/en/lora-low-rank-adaptation-of-large-language-models.md",
        "content/lists/x.yaml"]


def test_columns_by_their_common_spellings_and_by_column_and_the_unused_named(project: Path):
    text = ("Paper Title,Link To Paper,Published,Notes,Tweet\r\n"
            "Attention Is All You Need,https://arxiv.org/abs/1706.03762,2017,seminal,"
            "https://x.com/a/status/1\r\n")
    source = project.parent / "export.csv"
    source.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))  # as Excel writes it
    first = run(project, "import", str(source), "--list", "x", "--lang", "en", "--report",
                "json", "--dry-run")
    report = json.loads(first.output)
    assert report["summary"]["unused_columns"] == ["Link To Paper", "Notes", "Tweet"]
    assert report["items"][0]["title"] == "Attention Is All You Need"
    mapped = run(project, "import", str(source), "--list", "x", "--lang", "en", "--report",
                 "json", "--column", "url=Link To Paper", "--column", "summary=notes")
    report = json.loads(mapped.output)
    assert report["summary"]["unused_columns"] == ["Tweet"]
    paper = json.loads(run(project, "show", "attention-is-all-you-need", "--format",
                           "json").output)
    assert (paper["arxiv"], paper["year"]) == ("1706.03762", 2017)
    assert paper["texts"]["en"]["blocks"][0]["text"] == "seminal"
    bad = run(project, "import", str(source), "--list", "x", "--lang", "en", "--column",
              "colour=Tweet")
    assert bad.exit_code == 2 and "'colour' is not a field an import reads" in bad.output


def test_ris_and_csl_json_are_sniffed_from_their_content(project: Path):
    ris = ("TY  - JOUR\r\nTI  - Attention Is All You Need\r\nAU  - Vaswani, Ashish\r\n"
           "PY  - 2017\r\nUR  - https://arxiv.org/abs/1706.03762\r\nER  - \r\n")
    csl = json.dumps([{"id": "x", "type": "book", "title": "Deep Learning",
                       "issued": {"date-parts": [["2016"]]}},
                      {"id": "y", "type": "article-journal", "title": "Deep learning",
                       "DOI": "10.1038/nature14539", "issued": {"date-parts": [["2015"]]}}])
    for name, text, shape in (("refs.txt", ris, "ris"), ("items.txt", csl, "csl-json")):
        source = project.parent / name
        source.write_text(text, "utf-8")
        result = run(project, "import", str(source), "--list", name.split(".")[0], "--lang",
                     "en", "--report", "json")
        assert result.exit_code == 0, result.output
        assert json.loads(result.output)["format"] == shape
    items = json.loads(run(project, "list", "--list", "items", "--format", "json").output)
    assert [r["id"] for r in items] == ["deep-learning"]  # the book is skipped
    kept = run(project, "import", str(project.parent / "items.txt"), "--list", "items",
               "--lang", "en", "--include", "all", "--report", "json")
    created = json.loads(kept.output)["created"]
    # A book and an article with one title are two works, never one paper.
    assert created == ["deep-learning-2016"]
    book = (project / "content" / "en" / "deep-learning-2016.md").read_text("utf-8")
    assert "type: book" in book


def test_no_papers_is_never_a_silent_success(project: Path):
    source = project.parent / "toc.md"
    source.write_text("# Awesome\n\n## Contents\n- [A](#a)\n- [B](#b)\n\n"
                      "[![CI](https://img.shields.io/x.svg)](https://ci)\n\n"
                      "- ![badge](https://img.shields.io/y.svg)\n", "utf-8")
    result = run(project, "import", str(source), "--list", "x", "--lang", "en")
    assert result.exit_code == 2
    message = " ".join(result.output.split())
    assert "toc.md:1: no papers found in this markdown file: saw " in message
    assert "3 list items" in message and "2 links into the page (a table of contents)" in message
    assert "nothing written" in message
    assert tree_hashes(project) == {}
