"""Bad input: one line naming file and line, exit code 2, nothing written."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import run, seed, tree_hashes

from publish.config import load_config
from publish.content import write as store
from publish.content.load import load_collection
from publish.content.write import Transaction
from publish.errors import PublishError

PAPER = """---
title: Attention Is All You Need
year: 2017
lists:
  - demo
---

The Transformer.
"""
LIST = """lang: en
title:
  en: Demo
entries:
  - paper: attention-is-all-you-need
    position: 1
    added: 2026-11-23
"""


@pytest.fixture
def small(project: Path) -> Path:
    (project / "content/en/attention-is-all-you-need.md").write_text(PAPER, "utf-8")
    (project / "content/lists/demo.yaml").write_text(LIST, "utf-8")
    assert run(project, "list").exit_code == 0
    return project


def error_lines(result) -> list[str]:
    assert result.exit_code == 2, result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert lines and all(line.startswith("publish: error: ") for line in lines), lines
    assert "Traceback" not in result.output
    return lines


def one_error(result, path_part: str, line: int) -> str:
    lines = error_lines(result)
    assert len(lines) == 1, lines
    assert re.search(rf"{re.escape(path_part)}:{line}: ", lines[0]), lines[0]
    return lines[0]


def test_broken_yaml_names_file_and_line(small: Path):
    paper = small / "content/en/attention-is-all-you-need.md"
    paper.write_text(PAPER.replace("year: 2017", "year: [2017"), "utf-8")
    one_error(run(small, "list"), "attention-is-all-you-need.md", 4)


def test_a_broken_file_is_the_only_one_blamed(small: Path):
    """Its translation is fine: no second error saying the paper has no metadata file."""
    (small / "content/zh/attention-is-all-you-need.md").write_text(
        "---\nmeta_in: en\nlocal_title: 注意力\n---\n\n注意力机制。\n", "utf-8")
    paper = small / "content/en/attention-is-all-you-need.md"
    paper.write_text(PAPER.replace("year: 2017", "year: [2017"), "utf-8")
    for verb in ("list", "status", "check", "html"):
        one_error(run(small, verb), "content/en/attention-is-all-you-need.md", 4)


def test_missing_required_field(small: Path):
    paper = small / "content/en/attention-is-all-you-need.md"
    paper.write_text(PAPER.replace("title: Attention Is All You Need\n", ""), "utf-8")
    msg = one_error(run(small, "list"), "attention-is-all-you-need.md", 1)
    assert "title" in msg


def test_bad_field_values_are_all_reported_at_once(small: Path):
    paper = small / "content/en/attention-is-all-you-need.md"
    paper.write_text(PAPER.replace("year: 2017", "year: soon\ncitations: many\narxiv: abc\n"
                                   "colour: red"), "utf-8")
    lines = error_lines(run(small, "list"))
    assert len(lines) == 4
    assert any(":3: field 'year'" in x for x in lines)
    assert any(":4: field 'citations'" in x for x in lines)
    assert any(":5: field 'arxiv'" in x for x in lines)
    assert any(":6: unknown field 'colour'" in x for x in lines)


def test_duplicate_id_in_a_list(small: Path):
    lst = small / "content/lists/demo.yaml"
    lst.write_text(LIST + LIST[LIST.index("  - paper"):].replace("position: 1", "position: 2"),
                   "utf-8")
    msg = one_error(run(small, "list"), "demo.yaml", 8)
    assert "twice" in msg


def test_unknown_paper_and_list_ids(small: Path):
    result = run(small, "list", "--list", "nope")
    assert "unknown list id 'nope'" in error_lines(result)[0]
    paper = small / "content/en/attention-is-all-you-need.md"
    paper.write_text(PAPER.replace("  - demo", "  - demo\n  - nope"), "utf-8")
    one_error(run(small, "list"), "attention-is-all-you-need.md", 6)
    paper.write_text(PAPER, "utf-8")
    (small / "content/lists/demo.yaml").write_text(LIST.replace("attention-is", "attention-was"),
                                                   "utf-8")
    lines = error_lines(run(small, "list"))
    assert any("demo.yaml:5: unknown paper id 'attention-was-all-you-need'" in x for x in lines)
    assert run(small, "show", "attention-is-all-you-ned").exit_code == 2


def test_file_name_that_is_not_an_id(small: Path):
    (small / "content/en/Bad_Name.md").write_text(PAPER.replace("  - demo\n", "  []\n"), "utf-8")
    assert "Bad_Name.md:1: bad file name" in error_lines(run(small, "list"))[0]


@pytest.mark.parametrize("data, line, words", [
    (b"1. A Paper\n1 234 citations\nText \xff\xfe here\n", 3, "not valid UTF-8"),
    (b"", 1, "empty file"),
    (b"just some words\nthat are no list\n", 1, "cannot tell which reading-list shape"),
])
def test_bad_import_sources_write_nothing(project: Path, data: bytes, line: int, words: str):
    source = project.parent / "list.txt"
    source.write_bytes(data)
    msg = one_error(run(project, "import", str(source), "--list", "demo", "--lang", "en"),
                    "list.txt", line)
    assert words in msg
    assert tree_hashes(project) == {}


@pytest.mark.parametrize("bom, newline", [(b"\xef\xbb\xbf", b"\n"), (b"", b"\r\n"),
                                          (b"\xef\xbb\xbf", b"\r\n"), (b"", b"\r")])
def test_a_byte_order_mark_and_crlf_are_normal_in_a_source(project: Path, bom: bytes,
                                                           newline: bytes):
    """What Excel and Zotero write (a BOM, CRLF) is a normal source, unlike content/ files."""
    lines = [b"1. A Paper", b"1 234 citations", b"Text", b"2. Another Paper",
             b"5 citations", b"More text", b""]
    source = project.parent / "list.txt"
    source.write_bytes(bom + newline.join(lines))
    result = run(project, "import", str(source), "--list", "demo", "--lang", "en",
                 "--report", "json")
    assert result.exit_code == 0, result.output
    assert '"created": [\n    "a-paper",\n    "another-paper"' in result.output
    assert (project / "content/en/a-paper.md").read_text("utf-8").startswith("---\ntitle: A Paper")


def test_bad_content_encoding_is_reported_with_its_line(small: Path):
    paper = small / "content/en/attention-is-all-you-need.md"
    paper.write_bytes(PAPER.replace("\n", "\r\n").encode())
    one_error(run(small, "list"), "attention-is-all-you-need.md", 1)


def test_unknown_language_and_bad_list_id(project: Path):
    result = run(project, "import", str(seed("001")), "--list", "../x", "--lang", "en")
    assert "looks like a path" in error_lines(result)[0]
    result = run(project, "import", str(seed("001")), "--list", "x", "--lang", "fr")
    assert result.exit_code == 2  # click refuses the choice
    assert tree_hashes(project) == {}


def test_config_problems_are_reported_together(tmp_path: Path):
    (tmp_path / "publish.toml").write_text(
        'languages = ["en", "fr"]\nsource_language = "de"\ncolour = 1\n[title]\nen = "X"\n')
    with pytest.raises(PublishError) as err:
        load_config(tmp_path)
    messages = [str(p) for p in err.value.problems]
    assert len(messages) == 4, messages
    assert any("'fr' is not supported" in m for m in messages)
    assert any("publish.toml:3: unknown key 'colour'" in m for m in messages)


def test_a_killed_import_is_rolled_forward(project: Path, monkeypatch: pytest.MonkeyPatch):
    """Die after the journal is written and a few files are swapped in; the next command
    finishes the job, and the tree is exactly what an uninterrupted import makes."""
    reference = project.parent / "reference"
    run(project.parent, "init", str(reference))
    run(reference, "import", str(seed("001")), "--list", "best-ai-2015-now", "--lang", "en")
    calls = {"n": 0}
    real_replace = store.os.replace

    def dying_replace(src, dst):
        if str(src).endswith(".md" + store.TMP_SUFFIX):
            calls["n"] += 1
            if calls["n"] == 30:
                raise KeyboardInterrupt  # as if the user pressed Ctrl-C half way
        return real_replace(src, dst)

    monkeypatch.setattr(store.os, "replace", dying_replace)
    result = run(project, "import", str(seed("001")), "--list", "best-ai-2015-now", "--lang",
                 "en")
    assert result.exit_code == 1 and "Aborted" in result.output  # click's answer to Ctrl-C
    monkeypatch.setattr(store.os, "replace", real_replace)
    assert (project / store.JOURNAL).exists()
    swapped_in = [k for k in tree_hashes(project) if k.endswith(".md")]
    assert len(swapped_in) == 29
    assert run(project, "list").exit_code == 0  # any command rolls the write forward
    assert not (project / store.JOURNAL).exists()
    assert tree_hashes(project) == tree_hashes(reference)


def test_a_write_killed_before_its_journal_changes_nothing(project: Path):
    config = load_config(project)
    tx = Transaction(project)
    target = project / "content/en/x.md"
    tx.write(target, PAPER)
    staged = target.with_name(target.name + store.TMP_SUFFIX)
    staged.write_text("half a fil")  # what a kill during staging leaves
    load_collection(config)
    assert tree_hashes(project) == {"content/en/x.md" + store.TMP_SUFFIX: tree_hashes(
        project)["content/en/x.md" + store.TMP_SUFFIX]}
    tx.commit()  # the next write clears the leftovers first
    assert list(tree_hashes(project)) == ["content/en/x.md"]
