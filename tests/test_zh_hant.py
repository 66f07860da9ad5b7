"""`--lang zh-Hant` wherever a command takes --lang: Traditional Chinese derived from zh with
OpenCC s2twp, never stored, its states those of zh. Real CLI, real OpenCC."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import RESNET, paper_md, run

from publish.blocks import block_hash, format_marker
from publish.derived import conversion_losses, to_hant

PID = "attention-is-all-you-need"
ZH_ONLY = "software-engineering"
EN_ONLY = "deep-residual-learning"

ALPHA = "The model has 70B parameters and is fine-tuned on chat data."
BETA = "Code is at https://example.org/attention and uses `train.py`."
GAMMA = "It was released in 2017."
EN = paper_md("Attention Is All You Need", ALPHA, BETA, GAMMA, year=2017)


def marker(source: str, state: str) -> str:
    return format_marker("en", block_hash(source), state, "mei", "2026-11-24")


# Line 5: reviewed; line 8: a machine draft; line 11: a reviewed translation with a wrong
# number (7B for 70B); line 13: a zh original.
ZH = f"""---
meta_in: en
local_title: 注意力就是你所需要的一切
---
{marker(ALPHA, "human")}
该模型有 700亿 参数,并在对话数据上微调。

{marker(BETA, "machine")}
代码在 https://example.org/attention ,使用 `数据.py` 与 $\\text{{数据}}$ 。

{marker(GAMMA, "human")}
它于 2017 年发布,有 7B 参数。

这篇论文的软件和信息影响深远。
"""
ZH_PAPER = """---
title: 软件工程的信息论
year: 2020
lists:
  - demo
---

软件的质量取决于信息的流动。
"""
LIST = """lang: en
title:
  en: Demo
entries:
""" + "".join(f"  - paper: {pid}\n    position: {n}\n    added: 2026-11-23\n"
              for n, pid in enumerate((PID, ZH_ONLY, EN_ONLY), start=1))
GLOSSARY = """translate:
  - en: [fine-tuning, fine-tune, fine-tuned]
    zh: 微调
"""


@pytest.fixture
def demo(project: Path) -> Path:
    for lang, pid, text in (("en", PID, EN), ("zh", PID, ZH), ("zh", ZH_ONLY, ZH_PAPER),
                            ("en", EN_ONLY, RESNET)):
        (project / "content" / lang / f"{pid}.md").write_text(text, "utf-8")
    (project / "content/lists/demo.yaml").write_text(LIST, "utf-8")
    (project / "content/glossary.yaml").write_text(GLOSSARY, "utf-8")
    return project


def ok(root: Path, *args: str):
    result = run(root, *args)
    assert result.exit_code == 0, result.output
    return result


def status_json(root: Path, *args: str) -> dict:
    return json.loads(ok(root, "status", "--format", "json", *args).stdout)


# ---------------------------------------------------------------------------------------------
# status


def test_status_json_is_zh_report_under_the_zh_hant_key_with_titles_converted(demo: Path):
    zh = status_json(demo, "--lang", "zh")
    result = ok(demo, "status", "--format", "json", "--lang", "zh-Hant")
    hant = json.loads(result.stdout)
    assert list(hant) == ["summary", "lists", "papers"]
    assert hant["summary"] == {"zh-Hant": zh["summary"]["zh"]}
    assert hant["summary"]["zh-Hant"]["states"] == {
        "missing": 1, "outdated": 0, "machine": 1, "current": 0, "original": 1}
    assert hant["lists"] == {"demo": {"zh-Hant": zh["lists"]["demo"]["zh"]}}
    papers = {p["id"]: p for p in hant["papers"]}
    assert [p["id"] for p in hant["papers"]] == [p["id"] for p in zh["papers"]]
    assert papers[ZH_ONLY]["title"] == "軟體工程的資訊理論"  # s2twp: 软件 → 軟體
    assert papers[PID]["title"] == "Attention Is All You Need"
    assert {pid: p["states"] for pid, p in papers.items()} == {
        PID: {"zh-Hant": "machine"}, ZH_ONLY: {"zh-Hant": "original"},
        EN_ONLY: {"zh-Hant": "missing"}}
    assert result.stderr.count("zh-Hant is derived from zh with OpenCC s2twp") == 1


def test_status_details_have_zh_lines_and_states_with_text_converted(demo: Path):
    zh = status_json(demo, "--lang", "zh", "--details")
    hant = status_json(demo, "--lang", "zh-Hant", "--details")
    blocks = next(p for p in hant["papers"] if p["id"] == PID)["blocks"]
    zh_blocks = next(p for p in zh["papers"] if p["id"] == PID)["blocks"]
    assert [(b["line"], b["state"]) for b in blocks] == \
        [(b["line"], b["state"]) for b in zh_blocks]
    assert sorted((b["line"], b["state"]) for b in blocks) == \
        [(3, "current"), (6, "current"), (9, "machine"), (12, "current"), (14, "original")]
    assert {b["lang"] for b in blocks} == {"zh-Hant"}
    original = next(b for b in blocks if b["line"] == 14)
    assert original["source_lang"] == "zh-Hant"
    assert original["text"] == "這篇論文的軟體和資訊影響深遠。"
    assert status_json(demo, "--lang", "zh-Hant", "--state", "machine")["papers"] == [
        {"id": PID, "title": "Attention Is All You Need", "lists": ["demo"],
         "states": {"zh-Hant": "machine"}}]


def test_status_table_says_once_it_is_derived_and_counts_stale_files(demo: Path):
    table = ok(demo, "status", "--lang", "zh-Hant").stdout
    report, note = table.split("zh-Hant is derived from zh")
    assert "zh-Hant" in report and " zh " not in report
    assert " ".join(note.split()).startswith("with OpenCC s2twp: its states are those of zh")
    assert " ".join(table.split()).count("derived from zh with OpenCC s2twp") == 1
    assert "build/zh-Hant" not in table  # never made: nothing to be stale
    ok(demo, "translate", "--to", "zh-Hant")
    table = " ".join(ok(demo, "status", "--lang", "zh-Hant").stdout.split())
    assert "build/zh-Hant/: all 2 derived files are up to date." in table
    zh = demo / "content/zh" / f"{ZH_ONLY}.md"
    zh.write_text(ZH_PAPER + "\n新的段落。\n", "utf-8")
    table = " ".join(ok(demo, "status", "--lang", "zh-Hant").stdout.split())
    assert "build/zh-Hant/: 1 of 2 derived files are stale;" in table
    assert "`publish translate --to zh-Hant` refreshes them." in table
    ok(demo, "translate", "--to", "zh-Hant")
    assert "all 2 derived files are up to date" in \
        " ".join(ok(demo, "status", "--lang", "zh-Hant").stdout.split())
    assert not (demo / "content/zh-Hant").exists()


def test_status_markdown_and_fail_under_speak_of_zh_hant(demo: Path):
    md = ok(demo, "status", "--lang", "zh-Hant", "--format", "markdown").stdout
    assert "| zh-Hant | 3 | 1 | 0 | 1 | 0 | 1 | 33.3% |" in md
    assert "软件" not in md and "軟體工程的資訊理論" in md
    failed = run(demo, "status", "--lang", "zh-Hant", "--fail-under", "50")
    assert failed.exit_code == 1
    assert "coverage of zh-Hant is 33.33%, under 50%" in failed.stderr


def test_zh_hant_is_refused_where_the_project_has_no_zh(project: Path):
    (project / "publish.toml").write_text('languages = ["en"]\nsource_language = "en"\n'
                                          '[title]\nen = "Papers"\n', "utf-8")
    (project / "content/en" / f"{PID}.md").write_text(EN.replace("lists:\n  - demo\n", ""),
                                                       "utf-8")
    for args in (["status", "--lang", "zh-Hant"], ["list", "--lang", "zh-Hant"],
                 ["show", PID, "--lang", "zh-Hant"], ["check", "--lang", "zh-Hant"],
                 ["review", PID, "--lang", "zh-Hant"]):
        result = run(project, *args)
        assert result.exit_code == 2, (args, result.output)
        assert "publish: error: zh-Hant is derived from zh, which is not a language of this " \
            "project (en)" in result.output


# ---------------------------------------------------------------------------------------------
# list and show


def test_list_shows_papers_with_zh_text_titles_converted(demo: Path):
    rows = json.loads(ok(demo, "list", "--lang", "zh-Hant", "--format", "json").stdout)
    assert [(r["id"], r["title"]) for r in rows] == [
        (PID, "注意力就是你所需要的一切"), (ZH_ONLY, "軟體工程的資訊理論")]
    # the states `publish status` reports
    states = {p["id"]: p["states"] for p in json.loads(
        ok(demo, "status", "--format", "json").stdout)["papers"]}
    # en misses the translation of the zh original block; zh has one machine draft
    assert rows[0]["languages"] == {"en": "missing", "zh": "machine", "zh-Hant": "machine"}
    assert rows[0]["languages"]["zh"] == states[PID]["zh"]
    table = ok(demo, "list", "--lang", "zh-Hant", "--list", "demo").stdout
    assert "軟體工程" in table and "软件" not in table and "zh-Hant" in table


def test_show_converts_text_but_keeps_code_urls_math_lines_and_states(demo: Path):
    record = json.loads(ok(demo, "show", PID, "--lang", "zh-Hant", "--format", "json").stdout)
    assert list(record["texts"]) == ["zh-Hant"]
    text = record["texts"]["zh-Hant"]
    assert text["path"] == str(demo / "content/zh" / f"{PID}.md")
    assert text["derived_from"] == "zh" and text["converter"] == "OpenCC s2twp"
    assert text["local_title"] == "注意力就是你所需要的一切"
    blocks = text["blocks"]
    assert [(b["line"], b["state"], b["origin"]) for b in blocks] == [
        (6, "human", "en"), (9, "machine", "en"), (12, "human", "en"), (14, None, "zh-Hant")]
    assert blocks[0]["text"] == "該模型有 700億 引數,並在對話資料上微調。"
    assert blocks[1]["text"] == \
        "程式碼在 https://example.org/attention ,使用 `数据.py` 與 $\\text{数据}$ 。"
    zh = json.loads(ok(demo, "show", PID, "--format", "json").stdout)
    assert [b["hash"] for b in blocks] == [b["hash"] for b in zh["texts"]["zh"]["blocks"]]
    table = ok(demo, "show", ZH_ONLY, "--lang", "zh-Hant").stdout
    assert "軟體工程的資訊理論" in table and "derived from zh with OpenCC s2twp" in table
    missing = ok(demo, "show", EN_ONLY, "--lang", "zh-Hant")
    assert "zh-Hant missing" in " ".join(missing.stdout.split())


# ---------------------------------------------------------------------------------------------
# review and check


def test_review_in_zh_hant_records_on_the_zh_blocks(demo: Path):
    zh = demo / "content/zh" / f"{PID}.md"
    before = zh.read_text("utf-8")
    result = ok(demo, "review", PID, "--lang", "zh-Hant", "--by", "lin")
    out = " ".join(result.stdout.split())
    assert "zh-Hant is derived from zh with OpenCC s2twp: the review is recorded on the zh " \
        f"blocks in {zh}" in out
    assert f"{zh}:9: reviewed (machine -> current) by lin" in out
    after = zh.read_text("utf-8")
    assert marker(BETA, "machine") in before and marker(BETA, "machine") not in after
    assert f"src={block_hash(BETA)} state=human by=lin" in after
    assert after.replace(after.splitlines()[7], "") == before.replace(before.splitlines()[7], "")
    assert status_json(demo, "--lang", "zh-Hant")["summary"]["zh-Hant"]["states"][
        "machine"] == 0
    assert not (demo / "content/zh-Hant").exists()


def findings(root: Path, *args: str) -> list[dict]:
    result = run(root, "check", "--format", "json", *args)
    assert result.exit_code in (0, 1), result.output
    return json.loads(result.stdout)


def test_check_runs_zh_checks_on_converted_text_naming_the_zh_line(demo: Path):
    zh = findings(demo, "--lang", "zh")
    hant = findings(demo, "--lang", "zh-Hant")
    wrong = [(f["file"], f["line"], f["check"], f["severity"], f["lang"]) for f in hant
             if f["check"] == "numbers"]
    # 7B is in neither source; 700億 (700亿 converted) is 70B, so line 6 is fine.
    assert wrong == [(f"content/zh/{PID}.md", 12, "numbers", "warning", "zh-Hant")]
    assert [(f["file"], f["line"], f["check"]) for f in hant] == \
        [(f["file"], f["line"], f["check"]) for f in zh]
    assert not [f for f in hant if f["check"] in ("glossary", "conversion")]  # 微調 is 微调
    spacing = [f["message"] for f in hant if f["line"] == 6]
    assert spacing and all("700億 引數" in m for m in spacing)
    assert run(demo, "check", "--lang", "zh-Hant").exit_code == 1


def test_conversion_check_catches_tokens_opencc_changes(demo: Path):
    import opencc

    text = ("代码 `数据.py` 见 https://example.org/x 与 [数据](https://a.cn/数据) 和 "
            "$\\text{数据}$。")
    raw = opencc.OpenCC("s2twp").convert(text)
    assert sorted(conversion_losses(text, raw)) == [
        "code 数据.py", "link https://a.cn/数据", "math \\text{数据}"]
    assert conversion_losses(text, to_hant(text)) == []
    assert to_hant(text).startswith("程式碼 `数据.py` 見")
    result = ok(demo, "check", "--lang", "zh-Hant", "--check", "conversion")
    assert "No findings" in result.stdout and "blocks of text in 3 papers" in result.stdout
    assert "conversion" in ok(demo, "check", "--help").stdout
