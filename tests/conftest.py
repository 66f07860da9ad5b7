"""Shared fixtures: small projects built in tmp_path, and the five seeds imported once."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from click.testing import CliRunner

from publish.cli import cli

REPO = Path(__file__).resolve().parent.parent
# The five lists content/ was built from, kept in the repository with their provenance.
SEEDS = REPO / "content" / "imports" / "sources"
IMPORT_DATE = "1795392000"  # 2026-11-23, as scripts/import-seeds.sh pins it

# (seed file prefix, list id, language, extra import options), in scripts/import-seeds.sh order
SEED_IMPORTS = [
    ("001", "best-ai-2015-now", "en", ["--title", "zh:2015 年至今最佳人工智能论文"]),
    ("002", "papers-list", "en", ["--title", "zh:论文清单"]),
    ("000", "field-25", "en", ["--title", "zh:机器学习与人工智能——本领域 25 篇论文"]),
    ("003", "llm-top10-2023-zh", "zh",
     ["--title", "en:Ten Noteworthy AI (LLM) Research Papers of 2023"]),
    ("004", "ai-four-families-zh", "zh",
     ["--title", "AI 四大家族的核心论文", "--title", "en:Core Papers of the Four AI Families"]),
]


def seed(prefix: str) -> Path:
    (found,) = SEEDS.glob(f"{prefix}_*.txt")
    return found


def run(root: Path, *args: str, env: dict[str, str] | None = None):
    """`publish --root ROOT ARGS…` in-process, as a user would type it."""
    return CliRunner().invoke(cli, ["--root", str(root), *args], env=env,
                              catch_exceptions=False)


def tree_hashes(root: Path) -> dict[str, str]:
    """Every file under content/, by relative path, as a content hash."""
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted((root / "content").rglob("*"))
            if p.is_file() and p.name != ".gitkeep"}


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "proj"
    result = CliRunner().invoke(cli, ["init", str(root)])
    assert result.exit_code == 0, result.output
    return root


def import_seeds(root: Path) -> None:
    # The hand-confirmed titles are part of the project's data, as in the repository.
    imports = root / "content" / "imports"
    imports.mkdir(parents=True, exist_ok=True)
    for confirmed in (REPO / "content" / "imports").glob("*.yaml"):
        (imports / confirmed.name).write_bytes(confirmed.read_bytes())
    for hand_written in ("glossary.yaml", "check.yaml"):
        source = REPO / "content" / hand_written
        if source.is_file():
            (root / "content" / hand_written).write_bytes(source.read_bytes())
    for prefix, list_id, lang, extra in SEED_IMPORTS:
        result = run(root, "import", str(seed(prefix)), "--list", list_id, "--lang", lang,
                     *extra, env={"SOURCE_DATE_EPOCH": IMPORT_DATE})
        assert result.exit_code == 0, result.output


@pytest.fixture(scope="session")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project with all five seeds imported. Tests must not modify it."""
    root = tmp_path_factory.mktemp("seeded") / "proj"
    assert CliRunner().invoke(cli, ["init", str(root)]).exit_code == 0
    import_seeds(root)
    return root


@pytest.fixture(scope="session")
def collection(seeded: Path):
    from publish.config import load_config
    from publish.content.load import load_collection

    return load_collection(load_config(seeded))


def paper_md(title: str, *blocks: str, year: int | None = None,
             lists: tuple[str, ...] = ("demo",)) -> str:
    """A source-language paper file as publish writes it: front matter, then the blocks."""
    front = f"title: {title}\n" + (f"year: {year}\n" if year else "")
    front += "lists:\n" + "".join(f"  - {lid}\n" for lid in lists) if lists else ""
    return f"---\n{front}---\n\n" + "\n\n".join(blocks) + "\n"


RESNET = paper_md("Deep Residual Learning for Image Recognition",
                  "Residual networks ease the training of deep networks.", year=2016)
