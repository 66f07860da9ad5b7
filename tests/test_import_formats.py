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
