"""`publish status` and `publish review` as a user meets them, and the index cache under them."""

from __future__ import annotations

import hashlib
import json
import os
import random
import re
import sqlite3
import sys
import time
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import RESNET, paper_md, run

from publish.blocks import _line_spans, _spans, block_hash, format_marker, normalise, split_blocks
from publish.config import load_config
from publish.content import index, scan
from publish.content.load import load_collection
from publish.status import cache as status_cache

ALPHA = "Alpha paragraph about attention."
BETA = "Beta paragraph about scaling."
GAMMA = "Gamma paragraph about data."
EN = paper_md("Attention Is All You Need", ALPHA, BETA, GAMMA, year=2017)


def zh_file(*blocks: tuple[str, str, str]) -> str:
    """(source text, translation, state) per block."""
    body = "\n\n".join(f"{format_marker('en', block_hash(src), state, 'mei', '2026-11-24')}\n"
                       f"{text}" for src, text, state in blocks)
    return f"---\nmeta_in: en\n---\n\n{body}\n"


ZH = zh_file((ALPHA, "甲段。", "human"), (BETA, "乙段。", "machine"), (GAMMA, "丙段。", "human"))
LLAMA = """---
title: 'Llama 2: Open Foundation and Fine-Tuned Chat Models'
lists:
  - demo
---

Llama 2 是一组开源的大语言模型。
"""
LIST = """lang: en
title:
  en: Demo
entries:
  - paper: attention-is-all-you-need
    position: 1
    added: 2026-11-23
  - paper: deep-residual-learning
    position: 2
    added: 2026-11-23
  - paper: llama-2
    position: 3
    added: 2026-11-23
"""
PID = "attention-is-all-you-need"


@pytest.fixture(autouse=True)
def trust_fresh_files(monkeypatch):
    """Files a test just wrote are 'racy' (may change again within the same timestamp tick)
    and so never trusted from the cache; these tests change files deliberately, with a new
    mtime, and want the cache used."""
    monkeypatch.setattr(scan, "RACY_NS", 0)


@pytest.fixture
def demo(project: Path) -> Path:
    write(project, "en", PID, EN)
    write(project, "zh", PID, ZH)
    write(project, "en", "deep-residual-learning", RESNET)
    write(project, "zh", "llama-2", LLAMA)
    (project / "content/lists/demo.yaml").write_text(LIST, "utf-8")
    return project


def write(root: Path, lang: str, pid: str, text: str) -> Path:
    path = root / "content" / lang / f"{pid}.md"
    old = path.stat().st_mtime_ns if path.exists() else None
    path.write_text(text, "utf-8")
    if old is not None:  # another second, whatever the file system's timestamp tick (in the
        os.utime(path, ns=(old - 10**9, old - 10**9))  # past: a future mtime is never trusted)
    return path


def status_json(root: Path, *args: str) -> dict:
    result = run(root, "status", "--format", "json", *args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def block_states(root: Path, lang: str = "zh", pid: str = PID) -> list[tuple[int | None, str]]:
    data = status_json(root, "--details", "--lang", lang)
    paper = next(p for p in data["papers"] if p["id"] == pid)
    return [(b["line"], b["state"]) for b in paper["blocks"]]


# ---------------------------------------------------------------------------------------------
# What status prints


def test_json_has_exactly_the_documented_shape(demo: Path):
    data = status_json(demo)
    assert list(data) == ["summary", "lists", "papers"]
    assert data["summary"] == {
        "en": {"papers": 3, "states": {"missing": 1, "outdated": 0, "machine": 0, "current": 0,
                                       "original": 2},
               "coverage": 66.7, "words_to_translate": 13},
        "zh": {"papers": 3, "states": {"missing": 1, "outdated": 0, "machine": 1, "current": 0,
                                       "original": 1},
               "coverage": 33.3,
               "words_to_translate": len(BETA.split()) + 8},
    }
    assert data["lists"] == {"demo": data["summary"]}
    assert data["papers"] == [
        # worst first: missing, then the most work left (13 characters, then 8 words)
        {"id": "llama-2", "title": "Llama 2: Open Foundation and Fine-Tuned Chat Models",
         "lists": ["demo"], "states": {"en": "missing", "zh": "original"}},
        {"id": "deep-residual-learning", "title": "Deep Residual Learning for Image Recognition",
         "lists": ["demo"], "states": {"en": "original", "zh": "missing"}},
        {"id": PID, "title": "Attention Is All You Need", "lists": ["demo"],
         "states": {"en": "original", "zh": "machine"}},
    ]
    only_zh = status_json(demo, "--lang", "zh", "--state", "machine")
    assert only_zh["summary"] == {"zh": data["summary"]["zh"]}
    assert [p["id"] for p in only_zh["papers"]] == [PID]
    assert only_zh["papers"][0]["states"] == {"zh": "machine"}


def test_the_terminal_summary_reads_per_language_per_list_then_worst_first(demo: Path):
    result = run(demo, "status")
    assert result.exit_code == 0
    out = result.output
    assert "Translation status: 3 papers" in out and "By reading list" in out
    assert re.search(r"coverage\s+66\.7%\s+33\.3%", out)
    assert re.search(r"work left\s+13 characters\s+12 words", out)
    worst = out[out.index("Worst first"):]
    assert worst.index("deep-residual-learning") < worst.index(PID)
    details = run(demo, "status", "--details", "--lang", "zh").output
    assert re.search(r"attention-is-all-you-\s*\S*\s+zh\s+9\s+machine\s+en:10\s+Beta", details)


def test_an_edited_sentence_marks_exactly_its_block_outdated(demo: Path):
    assert block_states(demo) == [(6, "current"), (9, "machine"), (12, "current")]
    write(demo, "en", PID, EN.replace(GAMMA, "Gamma paragraph about more data."))
    assert block_states(demo) == [(6, "current"), (9, "machine"), (12, "outdated")]
    assert status_json(demo)["papers"][-1]["states"]["zh"] == "outdated"
    # Inserting a paragraph before them misaligns nothing: it is missing, the rest as before.
    write(demo, "en", PID, EN.replace(ALPHA, f"New first paragraph.\n\n{ALPHA}"))
    assert block_states(demo) == [(None, "missing"), (6, "current"), (9, "machine"),
                                  (12, "current")]


def test_rewrapping_or_reindenting_the_source_changes_nothing(demo: Path):
    before = status_json(demo, "--details")
    write(demo, "en", PID, EN.replace("paragraph about ", "paragraph\nabout   ")
          .replace("\n\nBeta", "\n\n\n\nBeta"))
    after = status_json(demo, "--details")
    lines = {b["source_line"] for p in after["papers"] for b in p["blocks"]}
    assert lines != {b["source_line"] for p in before["papers"] for b in p["blocks"]}

    def states(data: dict) -> list:
        return [(p["id"], p["states"], [b["state"] for b in p["blocks"]]) for p in data["papers"]]

    assert states(after) == states(before)
    assert after["summary"] == before["summary"]


def test_fail_under_is_an_exit_code_for_ci(demo: Path):
    assert run(demo, "status", "--fail-under", "30").exit_code == 0
    failed = run(demo, "status", "--format", "json", "--fail-under", "50")
    assert failed.exit_code == 1
    assert "coverage of zh is 33.33%, under 50%" in failed.stderr
    assert json.loads(failed.stdout)["summary"]["zh"]["coverage"] == 33.3
    assert run(demo, "status", "--lang", "en", "--fail-under", "50").exit_code == 0
    assert run(demo, "status", "--lang", "en", "--fail-under", "70").exit_code == 1


def test_other_formats_list_every_paper(demo: Path):
    csv = run(demo, "status", "--format", "csv").stdout.splitlines()
    assert csv[0] == "id,title,lists,state_en,state_zh,work_en,work_zh"
    assert csv[3] == f"{PID},Attention Is All You Need,demo,original,machine,0,4"
    rows = run(demo, "status", "--format", "csv", "--details", "--state", "machine").stdout
    assert rows.splitlines()[1:] == [f"{PID},zh,9,machine,1,en,10,{BETA},"]
    md = run(demo, "status", "--format", "markdown").stdout
    assert "| zh | 3 | 1 | 0 | 1 | 0 | 1 | 33.3% | 12 words |" in md
    assert "| llama-2 | Llama 2: Open Foundation and Fine-Tuned Chat Models |" in md


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self.langs: set[str] = set()
        self.sources: list[str] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if found.get("lang"):
            self.langs.add(str(found["lang"]))
        self.sources += [str(v) for k, v in attrs if k in ("src", "href")]
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None:
            self.rows[-1].append("".join(self._cell).strip())
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def test_html_report_is_one_self_contained_page(demo: Path):
    write(demo, "en", "deep-residual-learning",
          RESNET.replace("title: Deep", "title: <script>alert(1)</script> Deep"))
    result = run(demo, "status", "--format", "html")
    assert result.exit_code == 0
    page_path = demo / "build" / "status.html"
    assert result.stdout.strip() == str(page_path)
    html = page_path.read_text("utf-8")
    page = _Page()
    page.feed(html)
    papers = {row[0]: row for row in page.rows if len(row) == 6 and row[0] != "paper"}
    assert set(papers) == {PID, "deep-residual-learning", "llama-2"}
    assert papers[PID][2:4] == ["original", "machine"]
    assert papers["deep-residual-learning"][1].startswith("<script>alert(1)</script>")
    assert "<script>alert" not in html and "&lt;script&gt;" in html
    assert page.sources == [] and "http" not in html.replace("http-equiv", "")
    assert "en" in page.langs
    run(demo, "status", "--format", "html", "--details", "--out", str(demo / "d.html"))
    page = _Page()
    page.feed((demo / "d.html").read_text("utf-8"))
    assert {"en", "zh"} <= page.langs  # every block's text says its language


def test_orphans_are_reported_in_every_format(demo: Path):
    write(demo, "en", PID, EN.replace(f"\n\n{GAMMA}", ""))
    table = run(demo, "status")
    assert table.exit_code == 0
    assert "1 orphan translation(s)" in table.output
    assert f"{PID}.md:12: its source block is gone" in table.output
    data = run(demo, "status", "--format", "json")
    assert data.exit_code == 0
    assert f"publish: warning: {demo / 'content/zh' / PID}.md:12: orphan translation" in data.stderr
    assert json.loads(data.stdout)["papers"][-1]["states"]["zh"] == "machine"
    detailed = status_json(demo, "--details", "--lang", "zh")
    paper = next(p for p in detailed["papers"] if p["id"] == PID)
    assert [(o["line"], o["superseded"]) for o in paper["orphans"]] == [(12, False)]


def test_unknown_list_is_refused(demo: Path):
    result = run(demo, "status", "--list", "nope")
    assert result.exit_code == 2
    assert "unknown list id 'nope' (known: demo)" in result.output


# ---------------------------------------------------------------------------------------------
# review


def marker_line(root: Path, line: int) -> str:
    return (root / "content/zh" / f"{PID}.md").read_text("utf-8").split("\n")[line - 2]


def test_review_turns_a_machine_draft_into_a_current_translation(demo: Path):
    result = run(demo, "review", PID, "--lang", "zh", "--block", "9", "--block", "6",
                 "--by", "Li Wei", env={"SOURCE_DATE_EPOCH": "1795392000"})
    assert result.exit_code == 0, result.output
    assert f"{PID}.md:9: reviewed (machine -> current) by Li Wei on 2026-11-23" in result.output
    assert f"{PID}.md:6: not touched: already current" in result.output
    assert marker_line(demo, 9) == (f'<!-- translation from=en src={block_hash(BETA)} '
                                     f'state=human by="Li Wei" at=2026-11-23 -->')
    assert block_states(demo) == [(6, "current"), (9, "current"), (12, "current")]
    again = run(demo, "review", PID, "--lang", "zh", "--by", "mei")
    assert again.exit_code == 0 and "nothing to review" in again.output


def test_review_refreshes_the_source_hash_of_an_outdated_block(demo: Path):
    edited = "Gamma paragraph about much more data."
    write(demo, "en", PID, EN.replace(GAMMA, edited))
    assert block_states(demo)[2] == (12, "outdated")
    result = run(demo, "review", PID, "--lang", "zh", env={"USER": "tester",
                                                          "GIT_CONFIG_GLOBAL": os.devnull,
                                                          "GIT_CONFIG_NOSYSTEM": "1"})
    assert result.exit_code == 0, result.output
    assert "reviewed (outdated -> current) by tester" in result.output
    assert "reviewed (machine -> current)" in result.output
    assert f"src={block_hash(edited)} state=human by=tester" in marker_line(demo, 12)
    assert block_states(demo) == [(6, "current"), (9, "current"), (12, "current")]


def test_review_refuses_what_it_cannot_do(demo: Path):
    before = (demo / "content/zh" / f"{PID}.md").read_bytes()
    cases = [
        (["review", PID, "--lang", "zh", "--block", "7"],
         rf"zh/{PID}\.md:7: no translated block starts at line 7 \(they start at lines: "
         r"6, 9, 12"),
        (["review", "attention-is-all", "--lang", "zh"],
         r"unknown paper id 'attention-is-all'; did you mean attention-is-all-you-need"),
        (["review", "../etc", "--lang", "zh"], r"looks like a path"),
        (["review", "deep-residual-learning", "--lang", "zh"], r"no text in zh to review"),
        (["review", PID, "--lang", "zh", "--by", "a --> b"], r"cannot go into a marker"),
    ]
    for args, message in cases:
        result = run(demo, *args)
        assert result.exit_code == 2, result.output
        assert re.search(message, result.output), result.output
        assert "Traceback" not in result.output
    assert (demo / "content/zh" / f"{PID}.md").read_bytes() == before


# ---------------------------------------------------------------------------------------------
# The index cache


def test_the_cache_is_used_and_gives_the_same_answer_as_reading_everything(demo: Path):
    first = run(demo, "status", "--format", "json", "--details").stdout
    config = load_config(demo)
    tree = status_cache.load_tree(config)
    assert tree.computed == 0  # every paper from the cache
    assert len(tree.records) == 3
    assert run(demo, "status", "--format", "json", "--details").stdout == first
    assert run(demo, "status", "--format", "json", "--details", "--no-cache").stdout == first


def test_details_are_made_when_first_asked_for_then_read_from_the_cache(demo: Path):
    plain = run(demo, "status", "--format", "json").stdout  # a run without --details
    config = load_config(demo)
    tree = status_cache.load_tree(config)
    assert tree.computed == 0 and not tree.fresh_details
    made = tree.details()  # the rows were not kept by the plain run: made now, and saved
    assert set(made) == set(tree.records)
    assert status_cache.load_tree(config).details() == made
    detailed = run(demo, "status", "--format", "json", "--details").stdout
    assert detailed == run(demo, "status", "--format", "json", "--details", "--no-cache").stdout
    assert json.loads(detailed)["summary"] == json.loads(plain)["summary"]
    # an edited source: its rows are made again, not served from the cache
    path = demo / "content/en" / f"{PID}.md"
    path.write_text(path.read_text("utf-8").replace("Alpha", "Alpha edited", 1), "utf-8")
    os.utime(path, ns=(time.time_ns() - 10**10, time.time_ns() - 10**10))
    edited = run(demo, "status", "--format", "json", "--details").stdout
    assert edited == run(demo, "status", "--format", "json", "--details", "--no-cache").stdout
    assert edited != detailed


def test_a_deleted_corrupt_or_foreign_cache_is_rebuilt(demo: Path):
    expected = run(demo, "status", "--format", "json", "--details").stdout
    db = demo / "build" / index.INDEX_NAME
    db.unlink()
    assert run(demo, "status", "--format", "json", "--details").stdout == expected
    data = bytearray(db.read_bytes())
    rng = random.Random(3)
    for _ in range(40):  # garbage all over the pages, header included
        at = rng.randrange(len(data))
        data[at:at + 16] = rng.randbytes(16)
    db.write_bytes(bytes(data))
    result = run(demo, "status", "--format", "json", "--details")
    assert result.exit_code == 0 and result.stdout == expected
    db.write_bytes(b"this is not a database at all" * 100)
    assert run(demo, "status", "--format", "json", "--details").stdout == expected
    with sqlite3.connect(db) as con:  # a cache written by another version
        con.execute("UPDATE info SET value = 'other' WHERE name = 'fingerprint'")
    assert run(demo, "status", "--format", "json", "--details").stdout == expected
    assert status_cache.load_tree(load_config(demo)).computed == 0  # and rebuilt, not bypassed


def test_a_flipped_byte_inside_a_cached_record_is_caught(demo: Path):
    expected = status_json(demo)
    db = demo / "build" / index.INDEX_NAME
    with sqlite3.connect(db) as con:
        for kind, name, data in con.execute("SELECT kind, name, data FROM blobs").fetchall():
            if b"machine" in data:  # make the machine draft read "current" in the record
                con.execute("UPDATE blobs SET data = ? WHERE kind = ? AND name = ?",
                            (data.replace(b"machine", b"current"), kind, name))
    assert status_json(demo) == expected


def test_a_file_changed_after_caching_is_read_again_even_at_the_same_size(demo: Path):
    assert block_states(demo)[2] == (12, "current")
    path = demo / "content/en" / f"{PID}.md"
    same_size = EN.replace("Gamma paragraph about data.", "Gamma paragraph about date.")
    assert len(same_size) == len(EN)
    write(demo, "en", PID, same_size)
    assert path.stat().st_size == len(EN.encode())
    assert block_states(demo)[2] == (12, "outdated")


def test_files_written_just_now_are_never_trusted_from_the_cache(demo: Path, monkeypatch):
    monkeypatch.setattr(scan, "RACY_NS", 2_000_000_000)
    status_json(demo)
    tree = status_cache.load_tree(load_config(demo))
    assert tree.computed == 3  # all written less than 2 s ago: read every time


def test_added_and_deleted_papers_and_lists_are_noticed(demo: Path):
    status_json(demo)
    (demo / "content/zh" / f"{PID}.md").unlink()
    papers = {p["id"]: p["states"] for p in status_json(demo)["papers"]}
    assert papers[PID] == {"en": "original", "zh": "missing"}
    write(demo, "zh", "deep-residual-learning", zh_file(
        ("Residual networks ease the training of deep networks.", "残差网络。", "human")))
    papers = {p["id"]: p["states"] for p in status_json(demo)["papers"]}
    assert papers["deep-residual-learning"] == {"en": "original", "zh": "current"}
    (demo / "content/lists/demo.yaml").unlink()
    result = run(demo, "status")
    assert result.exit_code == 2
    assert "unknown list id 'demo': no content/lists/demo.yaml" in result.output


def test_problems_are_reported_as_every_command_reports_them_cached_or_not(demo: Path):
    write(demo, "en", "deep-residual-learning", RESNET.replace("year: 2016", "year: 20x6"))
    write(demo, "zh", "llama-2", LLAMA.replace("lists:", "meta_in: en\nlists:"))
    (demo / "content/en/Bad_Name.md").write_text(EN, "utf-8")
    (demo / "content/lists/demo.yaml").write_text(LIST.replace("llama-2", "llama-3"), "utf-8")
    expected = run(demo, "list")
    assert expected.exit_code == 2 and len(expected.output.splitlines()) == 4
    for _ in range(2):  # the second time, the good files come from the cache
        result = run(demo, "status", "--format", "json")
        assert result.exit_code == 2 and result.output == expected.output


def test_the_cached_report_follows_every_kind_of_change(demo: Path):
    config = load_config(demo)

    def same_as_uncached() -> status_cache.Tree:
        for args in ([], ["--format", "json"], ["--format", "csv"]):
            cached = run(demo, "status", *args)
            assert cached.exit_code == 0, cached.output
            assert cached.output == run(demo, "status", "--no-cache", *args).output
        return status_cache.load_tree(config, report=True)

    assert same_as_uncached().report_rebuilt is False  # built by the first run, kept since
    steps = [
        lambda: write(demo, "en", PID, EN.replace(GAMMA, "Gamma paragraph, edited.")),
        lambda: write(demo, "zh", "deep-residual-learning", zh_file(
            ("Residual networks ease the training of deep networks.", "残差网络。", "machine"))),
        lambda: write(demo, "en", "new-paper", RESNET.replace("Deep Residual", "New")),
        lambda: (demo / "content/en/new-paper.md").unlink(),
        lambda: write(demo, "en", PID, EN.replace(f"\n\n{GAMMA}", "")),  # an orphan
        lambda: run(demo, "review", PID, "--lang", "zh", "--by", "mei"),
    ]
    for step in steps:
        step()
        tree = same_as_uncached()
        assert tree.computed == 0 and not tree.report_rebuilt
    write(demo, "en", PID, EN)
    run(demo, "status", "--lang", "zh")  # records change, the default report does not…
    assert status_cache.load_tree(config, report=True).report_rebuilt  # …so it is rebuilt
    (demo / "content/lists/demo.yaml").write_text(LIST.replace("Demo", "Demo list"), "utf-8")
    os.utime(demo / "content/lists/demo.yaml", ns=(10**18, 10**18))
    assert run(demo, "status", "--format", "json").output == run(
        demo, "status", "--format", "json", "--no-cache").output


def test_a_run_never_mixes_its_cache_writes_with_another_runs(demo: Path, monkeypatch):
    status_json(demo)
    write(demo, "en", PID, EN.replace(GAMMA, "Gamma paragraph, edited meanwhile."))
    save_all = index.Cache.save_all

    def another_run_saves_first(self, changes, unless_changed=None):
        save_all(self, [("state", {"state": {"generation": 99}}, ())])
        return save_all(self, changes, unless_changed)

    monkeypatch.setattr(index.Cache, "save_all", another_run_saves_first)
    tree = status_cache.load_tree(load_config(demo), report=True)
    assert any("another run updated it meanwhile" in w for w in tree.warnings)
    monkeypatch.setattr(index.Cache, "save_all", save_all)
    assert status_json(demo, "--details") == status_json(demo, "--details", "--no-cache")
    assert status_json(demo) == status_json(demo, "--no-cache")


def test_the_cached_collection_is_the_uncached_one(seeded: Path, tmp_path: Path):
    import shutil

    root = tmp_path / "copy"
    shutil.copytree(seeded, root)
    config = load_config(root)
    expected = load_collection(config, cache=False)
    for _ in range(2):  # cold, then from the cache
        got = load_collection(config, blocks=True)
        assert got == expected
        some = [p for p in expected.papers.values() if len(p.texts) == 2][:5]
        for paper in some:
            for lang, text in paper.texts.items():
                assert got.papers[paper.id].texts[lang].blocks == text.blocks


# ---------------------------------------------------------------------------------------------
# The seeds, and the fast block reader


def test_seeds_status_cached_equals_uncached(seeded: Path, tmp_path: Path):
    import shutil

    root = tmp_path / "copy"
    shutil.copytree(seeded, root)
    data = status_json(root, "--details")
    assert data == status_json(root, "--details", "--no-cache")
    assert data["summary"]["en"]["papers"] == len(data["papers"]) > 1000
    assert data["summary"]["en"]["coverage"] > 95 and data["summary"]["zh"]["coverage"] < 5
    llama = next(p for p in data["papers"] if p["id"].startswith("llama-2-open"))
    assert llama["states"] == {"en": "missing", "zh": "missing"}
    assert {b["state"] for b in llama["blocks"]} == {"original", "missing"}
    assert set(data["lists"]) == {"best-ai-2015-now", "papers-list", "field-25",
                                  "llm-top10-2023-zh", "ai-four-families-zh"}
    one = status_json(root, "--list", "llm-top10-2023-zh")
    assert list(one["lists"]) == ["llm-top10-2023-zh"] and len(one["papers"]) == 10


_LINES = ["Alpha beta.", "gamma delta", "- item one", "- item two", "", "  ", "\t", "1. one",
          "2020. year", "2020 year", "<!-- translation from=en src=abc state=human -->",
          '<!-- translation from=en src=abc state=machine by="A B" at=2026-01-01 -->',
          "<!-- other -->", "<div>", "# head", "#tag", "> quote", "```", "~~~", "***", "---",
          "===", "- - x", "-x", "+ plus", "* star", "  indented", "    code", "\tcode", "- ",
          "-", "[a]: http://x", "| a | b |", "中文段落。", "\u3000全角", "\xa0nbsp", "\x0c",
          "_x_", "- 1. nested", "- # h", "- <b>", "-  two", "1) x", "\\- esc", "- 中文", "x  "]


def test_fast_block_reader_agrees_with_markdown_it():
    rng = random.Random(7)
    accepted = 0
    for _ in range(20000):
        body = "\n".join(rng.choice(_LINES) for _ in range(rng.randint(1, 8))) + "\n"
        if _line_spans(body.split("\n")) is None:
            continue
        accepted += 1
        assert split_blocks(body, "zh", 5) == split_blocks(body, "zh", 5, fast=False), body
    assert accepted > 1000
    real = sorted((Path(__file__).parent.parent / "content" / "en").glob("*.md"))[:300]
    for path in real:
        body = path.read_text("utf-8").split("\n---\n", 1)[1]
        spans = _line_spans(body.split("\n"))
        assert spans is None or [s[:2] for s in spans] == [s[:2] for s in _spans(body)]


def test_fast_hash_is_block_hash():
    spaces = "".join(chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace())
    rng = random.Random(1)
    alphabet = [*spaces, "a", "Z", "- ", "1. ", "12)", "é", "e\u0301", "中", "+", "*", "١."]
    for _ in range(20000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12)))
        reference = hashlib.sha1(normalise(text).encode("utf-8")).hexdigest()[:12]
        assert block_hash(text) == reference, repr(text)


@pytest.mark.slow
def test_a_run_of_edits_keeps_the_cache_equal_to_reading_everything(seeded: Path,
                                                                    tmp_path: Path):
    """Edits, a revert, a broken file and its fix, a new paper: after each, the cached answer
    is the one reading every file gives; small changes are recorded beside the snapshot."""
    import shutil

    root = tmp_path / "copy"
    shutil.copytree(seeded, root, ignore=shutil.ignore_patterns("build"))
    stamp = [time.time_ns() - 10**12]

    def put(path: Path, text: str) -> None:
        path.write_text(text, "utf-8")
        stamp[0] += 10**9  # every write gets its own, older-than-racy mtime
        os.utime(path, ns=(stamp[0], stamp[0]))

    def same() -> str:
        cached = run(root, "status", "--format", "json")
        assert cached.exit_code == 0, cached.output
        assert cached.stdout == run(root, "status", "--format", "json", "--no-cache").stdout
        return cached.stdout

    first = same()
    en = sorted((root / "content/en").glob("*.md"))
    zh = sorted((root / "content/zh").glob("*.md"))
    a, b, c = en[10], zh[3], en[20]
    original = a.read_text("utf-8")
    put(a, original + "\nA new paragraph, longer than the title it follows.\n")
    assert same() != first
    snaps = index.open_cache(load_config(root)).load("snap")
    assert a.stem in snaps[status_cache.DELTA]["en"]  # recorded beside, not rewritten
    put(b, b.read_text("utf-8").replace("。", "。 ", 1))
    same()
    put(a, original)  # back as it was, under a new key
    assert same() == first
    broken = c.read_text("utf-8")
    put(c, broken.replace("title:", "title: [", 1))
    for _ in range(2):  # and again: a broken file is not taken as recorded
        failed = run(root, "status", "--format", "json")
        assert failed.exit_code == 2 and c.name in failed.output, failed.output
    put(c, broken)
    assert same() == first
    put(root / "content/en/a-brand-new-paper.md", "---\ntitle: A Brand New Paper\n---\n\nText.\n")
    assert json.loads(same())["summary"]["en"]["papers"] == json.loads(first)["summary"]["en"][
        "papers"] + 1
    put(a, original + "\nAgain.\n")
    same()


@pytest.mark.slow
def test_worker_processes_give_what_one_process_gives(seeded: Path, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch):
    """A big tree is parsed in forked workers that read their files ahead in a thread: the
    same report, and the same one-line error for a broken file, as one process gives."""
    import shutil

    root = tmp_path / "copy"
    shutil.copytree(seeded, root, ignore=shutil.ignore_patterns("build"))
    serial = run(root, "status", "--format", "json", "--no-cache")
    assert serial.exit_code == 0
    broken = root / "content" / "zh" / "mistral-7b.md"
    good = broken.read_bytes()
    broken.write_bytes(good.replace("尽管".encode(), b"\xff\xfe", 1))
    serial_error = run(root, "status", "--no-cache").output
    broken.write_bytes(good)
    monkeypatch.setattr(status_cache, "PARALLEL_FROM", 0)
    monkeypatch.setattr(status_cache, "default_jobs", lambda: 2)
    assert run(root, "status", "--format", "json").stdout == serial.stdout
    shutil.rmtree(root / "build")
    broken.write_bytes(good.replace("尽管".encode(), b"\xff\xfe", 1))
    parallel = run(root, "status")
    assert parallel.exit_code == 2 and parallel.output == serial_error
    assert "content/zh/mistral-7b.md:5: not valid UTF-8" in parallel.output
