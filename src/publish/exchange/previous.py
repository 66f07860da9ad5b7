"""How an edited source block read when it was translated: shown to the translator of an
outdated unit (PO `#| msgid`, XLIFF `<alt-trans>` / a note), as `msgmerge --previous` does.

A marker keeps only the old text's hash, so the text is looked up where it may still be: the
translation memory (every block ever sent for a draft, by hash) and, when the project is a
git repository, the file's recent history. Not found: the unit says so and goes without.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ..blocks import block_hash, split_blocks
from ..content.files import load_yaml, split_front_matter
from ..errors import PublishError
from ..translate.memory import Memory

HISTORY_DEPTH = 40  # commits of one file searched for an old text
_TIMEOUT = 20


@dataclass(frozen=True)
class Wanted:
    path: Path  # the source file (where the old text was)
    lang: str
    hash: str
    title: bool = False


def previous_texts(root: Path, wanted: Iterable[Wanted]) -> dict[tuple[str, str], str]:
    """{(language, hash): text} for the old texts found."""
    wanted = list(wanted)
    found: dict[tuple[str, str], str] = {}
    if not wanted:
        return found
    try:
        memory = Memory.of_project(root, readonly=True)
    except PublishError:
        memory = None  # an unreadable memory only means fewer old texts shown
    if memory is not None:
        try:
            for lang in {w.lang for w in wanted}:
                hashes = sorted({w.hash for w in wanted if w.lang == lang and not w.title})
                for h, text in memory.source_texts(lang, hashes).items():
                    found[(lang, h)] = text
        finally:
            memory.close()
    rest = [w for w in wanted if (w.lang, w.hash) not in found]
    if rest and _git(root, "rev-parse", "--is-inside-work-tree") == "true":
        by_file: dict[Path, list[Wanted]] = {}
        for w in rest:
            by_file.setdefault(w.path, []).append(w)
        for path, items in by_file.items():
            found.update(_from_history(root, path, items))
    return found


def _git(root: Path, *args: str) -> str | None:
    try:
        done = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True,
                              timeout=_TIMEOUT, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def _from_history(root: Path, path: Path, items: list[Wanted]) -> dict[tuple[str, str], str]:
    rel = path.relative_to(root).as_posix()
    log = _git(root, "log", f"-n{HISTORY_DEPTH}", "--format=%H", "--", rel)
    todo = {(w.lang, w.hash): w for w in items}
    found: dict[tuple[str, str], str] = {}
    for commit in (log or "").split():
        old = _git(root, "show", f"{commit}:./{rel}")
        if old is None:
            continue
        front, body, body_line = split_front_matter(old)
        texts: dict[str, str] = {}
        try:
            meta = load_yaml(front or "", path) if front else None
        except PublishError:
            meta = None
        if isinstance(meta, dict) and isinstance(meta.get("title"), str):
            texts[block_hash(meta["title"])] = meta["title"]
        lang = items[0].lang
        for block in split_blocks(body, lang, body_line):
            if block.is_original:
                texts.setdefault(block.hash, block.text)
        for key in [k for k in todo if k[1] in texts]:
            found[key] = texts[key[1]]
            del todo[key]
        if not todo:
            break
    return found
