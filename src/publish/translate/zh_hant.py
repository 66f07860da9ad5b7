"""Traditional Chinese (zh-Hant, Taiwan usage) derived from the Simplified Chinese text with
OpenCC's `s2twp` (characters and phrases: 软件 → 軟體), offline and deterministic.

zh-Hant is not a third language people write: it is a pure function of content/zh/. So it is
not kept in content/ (where it would double every Chinese diff and could drift from zh), but
derived: in memory with `derive_text` for renderers, and as files under build/zh-Hant/ by
`publish translate --to zh-Hant`. Each file records the hash of the zh file it came from, so a
refresh rewrites exactly the papers whose zh text changed and removes those whose zh text is
gone.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..config import Config
from ..content.files import load_yaml, render_paper_file, split_front_matter
from ..content.load import load_collection
from ..content.textfile import read_text
from ..content.write import DEFAULT_WAIT, Transaction, project_lock
from ..derived import CONVERTER, to_hant
from ..errors import PublishError
from ..model import Collection, Paper, Text

LANG = "zh-Hant"
SOURCE = "zh"


def to_traditional(text: str) -> str:
    """OpenCC s2twp, keeping code, math, URLs and markers as written (see publish.derived)."""
    return to_hant(text)


def derive_text(text: Text) -> Text:
    """The zh text of a paper as zh-Hant, in memory: what renderers use for `--lang zh-Hant`.
    Markers are ASCII and survive conversion, so block states are those of the zh text."""
    return Text(lang=LANG, path=text.path, body=to_traditional(text.body),
                body_line=text.body_line,
                local_title=to_traditional(text.local_title) if text.local_title else None,
                meta_in=text.meta_in, title_translation=text.title_translation,
                title_line=text.title_line)


def derived_dir(config: Config) -> Path:
    return config.build_dir / LANG


def source_hash(text: Text) -> str:
    return hashlib.sha1(read_text(text.path).encode("utf-8")).hexdigest()[:12]


def render_derived(paper: Paper, text: Text) -> str:
    derived = derive_text(text)
    front: dict[str, Any] = {"derived_from": SOURCE, "converter": f"opencc {CONVERTER}",
                             "source_hash": source_hash(text), "meta_in": paper.source_lang}
    if derived.local_title:
        front["local_title"] = derived.local_title
        if derived.title_translation:  # as block markers stay in the body: ASCII, kept
            front["title_translation"] = derived.title_translation
    return render_paper_file(front, derived.body)


def _recorded_hash(path: Path) -> str | None:
    try:
        front, _, _ = split_front_matter(read_text(path))
        data = load_yaml(front or "", path)
    except (PublishError, OSError):
        return None
    return data.get("source_hash") if isinstance(data, dict) else None


@dataclass
class DeriveResult:
    written: list[Path] = field(default_factory=list)
    unchanged: int = 0
    removed: list[Path] = field(default_factory=list)
    papers: int = 0


def derive_tree(config: Config, collection: Collection, papers: list[Paper] | None = None,
                dry_run: bool = False) -> DeriveResult:
    """Refresh build/zh-Hant/ from content/zh/: only what changed is written."""
    if SOURCE not in config.languages:
        raise PublishError(f"zh-Hant is derived from zh, which is not a language of this "
                           f"project ({', '.join(config.languages)})")
    out = derived_dir(config)
    result = DeriveResult()
    chosen = papers if papers is not None else list(collection.papers.values())
    tx = Transaction(config.root)
    for paper in chosen:
        text = paper.texts.get(SOURCE)
        if text is None:
            continue
        result.papers += 1
        path = out / f"{paper.id}.md"
        if path.is_file() and _recorded_hash(path) == source_hash(text):
            result.unchanged += 1
            continue
        tx.write(path, render_derived(paper, text))
    changed = sorted(tx.changed())
    result.unchanged += len(tx.files) - len(changed)
    if papers is None and out.is_dir():
        keep = {f"{p.id}.md" for p in collection.papers.values() if SOURCE in p.texts}
        result.removed = sorted(p for p in out.glob("*.md") if p.name not in keep)
    if dry_run:
        result.written = changed
        return result
    result.written = tx.commit()
    for stale in result.removed:
        stale.unlink()
    return result


def derive(config: Config, froms: Sequence[str] = (), list_id: str | None = None,
           paper_ids: Sequence[str] = (), dry_run: bool = False,
           wait: float = DEFAULT_WAIT) -> DeriveResult:
    """`publish translate --to zh-Hant`: the papers asked for (default: all) derived, under
    the project's writer lock unless it is a dry run."""
    from .drafts import select_papers

    if any(f != SOURCE for f in froms):
        raise PublishError(f"zh-Hant is derived from {SOURCE} only (--from {SOURCE})")

    def run() -> DeriveResult:
        collection = load_collection(config)
        papers = select_papers(collection, list_id, paper_ids) if list_id or paper_ids else None
        return derive_tree(config, collection, papers, dry_run=dry_run)

    if dry_run:
        return run()
    with project_lock(config.root, "translate --to zh-Hant", wait):
        return run()
