"""A small project for the exchange tests: one paper with a block in every state and every
kind of placeable, a paper with only a title, a list. Its source edit is committed to git,
so the earlier text of the outdated block can be found (the files in
tests/fixtures/exchange/ are pinned to these texts: their unit ids are these hashes)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from conftest import REPO, paper_md, run

from publish.blocks import block_hash, format_marker

PID = "attention-is-all-you-need"
TITLE_ONLY = "title-only-paper"
P_CURRENT = ("The **Transformer** relies only on `attention`, see "
             "[Vaswani et al.](https://arxiv.org/abs/1706.03762).")
P_MACHINE = "We train on 8 GPUs for 100k steps with $d_{model}=512$."
P_ITEM = "- Multi-head self-attention lets every position attend to every other position."
P_HEADING = "## Results"
P_OLD = "The model reaches 28.4 BLEU on WMT 2014 English-German."
P_OUTDATED = "The model reaches 28.4 BLEU on WMT 2014 English-to-German."
P_MISSING = "Results are summarised in Table 2, see <https://example.org/table-2>."
P_REPEAT = "See above."
P_RICH = ("A **Transformer** uses *multi-head* `attention` with $O(n^2)$ cost; fine-tuning it is "
          "cheap, as [the LoRA paper](https://arxiv.org/abs/2106.09685) shows.")
GLOSSARY = ("keep:\n  - Transformer\n  - LoRA\ntranslate:\n  - en: [fine-tuning, fine-tune]\n"
            "    zh: 微调\n")
ZH_CURRENT = ("仅依赖 `attention` 的 **Transformer**，见 "
              "[Vaswani 等人](https://arxiv.org/abs/1706.03762)。")
ZH_MACHINE = "我们在 8 个 GPU 上用 $d_{model}=512$ 训练 100k 步。"
ZH_OUTDATED = "该模型在 WMT 2014 英德翻译任务上达到 28.4 BLEU。"
ZH_ORIGINAL = "这是一段中文原创的评论。"


def en_paper(outdated: str) -> str:
    return paper_md("Attention Is All You Need", P_CURRENT, P_MACHINE, outdated, P_RICH,
                    P_ITEM, P_HEADING, P_MISSING, P_REPEAT, P_REPEAT, year=2017)


def zh_paper() -> str:
    def marked(src: str, text: str, state: str, at: str = "2026-11-24") -> str:
        return f"{format_marker('en', block_hash(src), state, 'mei', at)}\n{text}"

    return ("---\nmeta_in: en\n---\n\n" + "\n\n".join((
        marked(P_CURRENT, ZH_CURRENT, "human"), marked(P_MACHINE, ZH_MACHINE, "machine"),
        marked(P_OLD, ZH_OUTDATED, "human", "2026-10-01"), ZH_ORIGINAL)) + "\n")


LIST = ("lang: en\ntitle:\n  en: Demo\n  zh: 演示\nentries:\n"
        f"  - paper: {PID}\n    position: 1\n    added: 2026-11-23\n"
        f"  - paper: {TITLE_ONLY}\n    position: 2\n    added: 2026-11-23\n")


def _git(root: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *args],
                   cwd=root, check=True, capture_output=True)


def make_project(parent: Path, git: bool = True) -> Path:
    root = parent / "proj"
    assert run(parent, "init", str(root)).exit_code == 0
    files = {f"en/{PID}.md": en_paper(P_OLD), f"zh/{PID}.md": zh_paper(),
             f"en/{TITLE_ONLY}.md": paper_md("Title Only Paper", year=2020, lists=("demo",)),
             "lists/demo.yaml": LIST, "glossary.yaml": GLOSSARY}
    for rel, text in files.items():
        path = root / "content" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, "utf-8")
    if git:
        _git(root, "init", "-q")
        _git(root, "add", "-A")
        _git(root, "commit", "-q", "-m", "before the edit")
    (root / "content" / "en" / f"{PID}.md").write_text(en_paper(P_OUTDATED), "utf-8")
    if git:
        _git(root, "commit", "-q", "-am", "the source edited")
    return root


def hold_lock(root: Path, seconds: float) -> subprocess.Popen[str]:
    """Another process holding the project's writer lock for `seconds`."""
    code = ("import sys, time; from pathlib import Path; "
            "from publish.content.write import project_lock\n"
            "with project_lock(Path(sys.argv[1]), 'translate'):\n"
            "    print('held', flush=True); time.sleep(float(sys.argv[2]))\n")
    proc = subprocess.Popen([sys.executable, "-c", code, str(root), str(seconds)],
                            stdout=subprocess.PIPE, text=True,
                            env={"PYTHONPATH": str(REPO / "src")})
    assert proc.stdout.readline().strip() == "held"
    return proc
