"""Settling unsure pairs: `publish merge A B` folds B into A, `--keep-apart` records two
works, and a re-import — or the tree rebuilt from its sources — keeps the decision."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from conftest import run, tree_hashes

from publish.content.write import JOURNAL, TMP_SUFFIX, recover

FULL = """# Fine-tuning

- [QLoRA: Efficient Finetuning of Quantized LLMs](https://arxiv.org/abs/2305.14314) — 4-bit.
- [Textbooks Are All You Need](https://arxiv.org/abs/2306.11644)
"""
SHORT = """# Nicknames

- QLoRA
- Textbooks Are All You Need II
"""
ZH = """# 简称

- QLoRA：量化低秩微调
"""
QLORA = "qlora-efficient-finetuning-of-quantized-llms"


def imported(root: Path, name: str, text: str, lang: str = "en") -> tuple[int, dict]:
    source = root.parent / name
    source.write_text(text, "utf-8")
    list_id = name.split(".")[0]
    result = run(root, "import", str(source), "--list", list_id, "--lang", lang, "--report",
                 "json")
    assert result.exit_code in (0, 1), result.output
    return result.exit_code, json.loads(result.output)


def test_a_short_name_is_an_unsure_pair_never_a_silent_duplicate(project: Path):
    assert imported(project, "full.md", FULL)[0] == 0
    code, report = imported(project, "short.md", SHORT)
    assert code == 1  # a person must look
    pairs = {(u["paper"], u["similar_to"]) for u in report["unsure"]}
    assert ("qlora", QLORA) in pairs
    assert ("textbooks-are-all-you-need-ii", "textbooks-are-all-you-need") in pairs
    item = next(i for i in report["items"] if i["title"] == "QLoRA")
    assert item["outcome"] == "unsure" and item["similar_to"][0]["why"] == \
        "a short name of its title"


def test_merge_folds_the_short_name_into_the_paper_and_a_reimport_keeps_it(project: Path):
    imported(project, "full.md", FULL)
    imported(project, "zh.md", ZH, "zh")
    result = run(project, "merge", QLORA, "qlora", "--format", "json")
    assert result.exit_code == 0, result.output
    assert not (project / "content" / "zh" / "qlora.md").exists()
    paper = json.loads(run(project, "show", QLORA, "--format", "json").output)
    assert [e["list"] for e in paper["lists"]] == ["full", "zh"]
    assert "量化低秩微调" in paper["texts"]["zh"]["blocks"][0]["text"]
    front = (project / "content" / "en" / f"{QLORA}.md").read_text("utf-8")
    assert "aliases:\n  - QLoRA\n" in front
    decisions = (project / "content" / "imports" / "decisions.yaml").read_text("utf-8")
    assert f"paper: {QLORA}\n    was: qlora\n    title: QLoRA" in decisions
    # Importing the list again finds the paper by the confirmed name: nothing new.
    before = tree_hashes(project)
    code, report = imported(project, "zh.md", ZH, "zh")
    assert code == 0 and report["created"] == [] and report["changed"] == []
    assert report["matched"] == [{"id": QLORA, "by": "a name confirmed with publish merge"}]
    assert tree_hashes(project) == before
    assert run(project, "status").exit_code == 0


def test_a_tree_rebuilt_from_its_sources_keeps_every_decision(project: Path, tmp_path: Path):
    imported(project, "full.md", FULL)
    imported(project, "short.md", SHORT)
    assert run(project, "merge", QLORA, "qlora").exit_code == 0
    assert run(project, "merge", "--keep-apart", "textbooks-are-all-you-need",
               "textbooks-are-all-you-need-ii").exit_code == 0
    fresh = tmp_path / "fresh"
    assert run(tmp_path, "init", str(fresh)).exit_code == 0
    shutil.copytree(project / "content" / "imports", fresh / "content" / "imports")
    assert imported(fresh, "full.md", FULL)[0] == 0
    code, report = imported(fresh, "short.md", SHORT)
    assert code == 0, report["unsure"]
    assert report["created"] == ["textbooks-are-all-you-need-ii"]
    assert {m["id"] for m in report["matched"]} == {QLORA}


def test_merge_refuses_what_it_cannot_do_and_writes_nothing(project: Path):
    imported(project, "full.md", FULL)
    imported(project, "short.md", SHORT)
    before = tree_hashes(project)
    assert run(project, "merge", QLORA, QLORA).exit_code == 2
    unknown = run(project, "merge", QLORA, "no-such-paper")
    assert unknown.exit_code == 2 and "unknown paper id 'no-such-paper'" in unknown.output
    assert run(project, "merge", "--keep-apart", QLORA, "qlora").exit_code == 0
    apart = run(project, "merge", QLORA, "qlora")
    assert apart.exit_code == 2 and "kept apart" in apart.output
    after = tree_hashes(project)
    assert {k for k in after if after[k] != before.get(k)} == {
        "content/imports/decisions.yaml"}


def test_a_removal_in_the_journal_is_rolled_forward(tmp_path: Path):
    """A merge removes the folded paper's files in the same transaction: a run killed after
    its journal is finished by the next one, removals included."""
    (tmp_path / "content").mkdir()
    # the staged file's name is the one a Transaction gives it: a journal naming anything
    # else is not acted on (issue 16)
    gone, staged, final = (tmp_path / "content" / n for n in ("gone.md", "new.md" + TMP_SUFFIX,
                                                              "new.md"))
    gone.write_text("old", "utf-8")
    staged.write_text("new", "utf-8")
    (tmp_path / JOURNAL).write_text(json.dumps([[str(staged), str(final)],
                                                [None, str(gone)]]), "utf-8")
    assert recover(tmp_path)
    assert final.read_text("utf-8") == "new" and not gone.exists() and not staged.exists()
