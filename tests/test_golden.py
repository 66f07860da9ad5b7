"""Golden outputs: what every command prints for scripts (and the main tables), byte for byte.

A change that is meant to leave behaviour alone (a refactor, a speed-up) must leave these
files alone. A change that is meant to change an output regenerates them and shows the diff:

    PUBLISH_UPDATE_GOLDEN=1 scripts/test.sh tests/test_golden.py

Two projects: the five seed lists imported (`seeded`), and a small one holding a
translation in every state (missing, outdated, machine, current, original), an orphan and a
machine title, so that every kind of row appears.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import pytest
from conftest import RESNET, SEEDS, paper_md, run

from publish.blocks import block_hash, format_marker

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("PUBLISH_UPDATE_GOLDEN") == "1"

ALPHA = "Alpha paragraph about attention, with $x^2$ and `code`."
BETA = "Beta paragraph about scaling to 70B parameters."
GAMMA = "Gamma paragraph about data."
DELTA = "Delta paragraph, whose source was edited since."
PID = "attention-is-all-you-need"


def _zh(*blocks: tuple[str, str, str]) -> str:
    body = "\n\n".join(f"{format_marker('en', block_hash(src), state, 'mei', '2026-11-24')}\n"
                       f"{text}" for src, text, state in blocks)
    return f"---\nmeta_in: en\n---\n\n{body}\n"


STATES_FILES = {
    f"en/{PID}.md": paper_md("Attention Is All You Need", ALPHA, BETA, GAMMA,
                             DELTA + " Now longer.", year=2017),
    f"zh/{PID}.md": _zh((ALPHA, "甲段，含 $x^2$ 和 `code`。", "human"),
                        (BETA, "乙段：扩展到 700亿 参数。", "machine"),
                        (DELTA, "丁段。", "human"),
                        ("A paragraph that was deleted.", "已删除的段落。", "human"))
                       + "\n<!-- translation from=fr src=0123456789ab state=human -->\n"
                       "法语来源的段落。\n",
    "en/deep-residual-learning.md": RESNET,
    "en/title-only-paper.md": paper_md("Title Only Paper", year=2020),
    "zh/title-only-paper.md": (
        "---\nmeta_in: en\nlocal_title: 仅有标题的论文\ntitle_translation: from=en src="
        + block_hash("Title Only Paper") + " state=machine by=libre at=2026-11-24\n---\n"),
    "zh/llama-2.md": ("---\ntitle: 'Llama 2: Open Foundation and Fine-Tuned Chat Models'\n"
                      "year: 2023\nlists:\n  - demo\n---\n\nLlama 2 是一组开源的大语言模型。\n"),
    "lists/demo.yaml": (
        "lang: en\ntitle:\n  en: Demo\n  zh: 演示\nentries:\n"
        + "".join(f"  - paper: {pid}\n    position: {i}\n    added: 2026-11-23\n"
                  for i, pid in enumerate([PID, "deep-residual-learning", "title-only-paper",
                                           "llama-2"], 1))),
}


@pytest.fixture(scope="module")
def states(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("golden") / "proj"
    assert run(root.parent, "init", str(root)).exit_code == 0
    for rel, text in STATES_FILES.items():
        path = root / "content" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, "utf-8")
    return root


def _masked(text: str, root: Path) -> str:
    """What varies between runs and machines: the project's folder, seconds taken."""
    text = text.replace(str(root), "<ROOT>")
    return re.sub(r'"seconds": [0-9.e-]+', '"seconds": 0', text)


def check(name: str, text: str) -> None:
    path = GOLDEN / name
    if UPDATE:
        path.parent.mkdir(exist_ok=True)
        path.write_text(text, "utf-8")
        return
    assert path.is_file(), f"no golden file {path}: run with PUBLISH_UPDATE_GOLDEN=1"
    expected = path.read_text("utf-8")
    assert text == expected, f"{name} differs from its golden file (see the module docstring)"


SEEDED = [
    ("list.json", ["list", "--format", "json"]),
    ("list-best.json", ["list", "--list", "best-ai-2015-now", "--format", "json"]),
    ("list-zh-hant.json", ["list", "--lang", "zh-Hant", "--list", "llm-top10-2023-zh",
                           "--format", "json"]),
    ("list-field.txt", ["list", "--list", "field-25"]),
    ("show-llama.json", ["show", "llama-2-open-foundation-and-fine-tuned-chat-models",
                         "--format", "json"]),
    ("show-mistral-hant.json", ["show", "mistral-7b", "--lang", "zh-Hant", "--format", "json"]),
    ("status.json", ["status", "--format", "json"]),
    ("status.txt", ["status"]),
    ("status-zh-details.json", ["status", "--lang", "zh", "--details", "--list",
                                "llm-top10-2023-zh", "--format", "json"]),
    ("status-field.csv", ["status", "--list", "field-25", "--format", "csv"]),
    ("status-four.md", ["status", "--list", "ai-four-families-zh", "--format", "markdown"]),
    ("status-hant.json", ["status", "--lang", "zh-Hant", "--list", "llm-top10-2023-zh",
                          "--format", "json"]),
    ("check.json", ["check", "--format", "json"]),
    ("check-hant.json", ["check", "--lang", "zh-Hant", "--list", "llm-top10-2023-zh",
                         "--format", "json"]),
    ("translate-dry.json", ["translate", "--to", "zh", "--list", "field-25", "--dry-run",
                            "--format", "json"]),
    ("translate-hant-dry.json", ["translate", "--to", "zh-Hant", "--dry-run", "--format",
                                 "json"]),
    ("backends.json", ["translate", "--backends", "--format", "json"]),
]

STATES = [
    ("states-list.json", ["list", "--format", "json"]),
    ("states-show.json", ["show", PID, "--format", "json"]),
    ("states-show-title.json", ["show", "title-only-paper", "--format", "json"]),
    ("states-status.json", ["status", "--format", "json"]),
    ("states-status.txt", ["status"]),
    ("states-status-details.json", ["status", "--details", "--format", "json"]),
    ("states-status-details.txt", ["status", "--details"]),
    ("states-status-details.csv", ["status", "--details", "--format", "csv"]),
    ("states-status-details.md", ["status", "--details", "--format", "markdown"]),
    ("states-status-machine.json", ["status", "--state", "machine,outdated", "--format",
                                    "json"]),
    ("states-check.json", ["check", "--format", "json"]),
    ("states-translate-dry.json", ["translate", "--to", "zh", "--only", "all", "--dry-run",
                                   "--format", "json"]),
]


@pytest.mark.parametrize(("name", "args"), SEEDED, ids=[n for n, _ in SEEDED])
def test_seeded_outputs_are_unchanged(seeded: Path, name: str, args: list[str]):
    result = run(seeded, *args)
    check(name, f"exit {result.exit_code}\n" + _masked(result.stdout, seeded))


@pytest.mark.parametrize(("name", "args"), STATES, ids=[n for n, _ in STATES])
def test_states_outputs_are_unchanged(states: Path, name: str, args: list[str]):
    result = run(states, *args)
    check(name, f"exit {result.exit_code}\n" + _masked(result.stdout, states))


def test_status_html_is_unchanged(states: Path):
    result = run(states, "status", "--details", "--format", "html", "--out",
                 str(states / "build" / "s.html"))
    assert result.exit_code == 0
    check("states-status.html", _masked((states / "build" / "s.html").read_text("utf-8"), states))


def test_import_report_is_unchanged(tmp_path: Path):
    root = tmp_path / "proj"
    run(tmp_path, "init", str(root))
    env = {"SOURCE_DATE_EPOCH": "1795392000"}
    outputs = []
    for prefix, lid, lang in (("001", "best-ai-2015-now", "en"), ("004", "four", "zh"),
                              ("001", "best-ai-2015-now", "en")):
        (source,) = SEEDS.glob(f"{prefix}_*.txt")
        result = run(root, "import", str(source), "--list", lid, "--lang", lang, "--report",
                     "json", env=env)
        # The report names the source file: where the seeds are varies like the project.
        outputs.append(f"exit {result.exit_code}\n" + _masked(result.stdout, root).replace(
            str(SEEDS), "<SEEDS>"))
    check("import-report.json", "".join(outputs))


def test_html_report_and_pages_are_unchanged(states: Path, tmp_path: Path):
    root = tmp_path / "proj"
    shutil.copytree(states, root)
    result = run(root, "html", "--format", "json", "--jobs", "1")
    assert result.exit_code == 0, result.output
    pages = sorted(p.relative_to(root / "build" / "html").as_posix()
                   for p in (root / "build" / "html").rglob("*") if p.is_file())
    check("states-html.json", _masked(result.stdout, root) + json.dumps(pages, indent=1) + "\n")
    check("states-html-paper.en.html",
          (root / "build" / "html" / "en" / "papers" / f"{PID}.html").read_text("utf-8"))


def test_exchange_files_and_import_report_are_unchanged(states: Path, tmp_path: Path):
    """What `publish export` writes in each format, and what `import-translations` reports
    of the PO once a translator filled every entry."""
    import polib

    env = {"SOURCE_DATE_EPOCH": "1795392000"}
    for fmt, name in (("xliff", "states-export.xlf"), ("xliff2", "states-export-2.xlf"),
                      ("po", "states-export.po")):
        out = tmp_path / name
        result = run(states, "export", "--to", "zh", "--format", fmt, "--out", str(out),
                     env=env)
        assert result.exit_code == 0, result.output
        check(name, out.read_text("utf-8"))
    po = polib.pofile(str(tmp_path / "states-export.po"))
    for entry in po:
        entry.msgstr = "译：" + entry.msgid
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
    po.save(str(tmp_path / "filled.po"))
    result = run(states, "import-translations", str(tmp_path / "filled.po"), "--by", "mei",
                 "--dry-run", "--format", "json", env=env)
    check("states-import-translations.json", f"exit {result.exit_code}\n"
          + _masked(result.stdout, states).replace(str(tmp_path), "<TMP>"))
