"""Writing the content tree: every change of a run staged, journaled, then swapped in.

A `Transaction` stages every file, flushes them, records a journal of (staged, final)
pairs, then renames. A run killed half way is rolled forward by the next command
(`recover`), so the tree is always as it was or as it will be.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

JOURNAL = ".publish-journal.json"


TMP_SUFFIX = ".publish-tmp"


class Transaction:
    """Stage files, then swap them all in. Unchanged files are not touched."""

    def __init__(self, root: Path):
        self.root = root
        self.files: dict[Path, str] = {}

    def write(self, path: Path, text: str) -> None:
        self.files[path] = text

    def changed(self) -> dict[Path, str]:
        out = {}
        for path, text in self.files.items():
            data = text.encode("utf-8")
            try:
                if path.read_bytes() == data:
                    continue
            except FileNotFoundError:
                pass
            out[path] = text
        return out

    def commit(self) -> list[Path]:
        changed = self.changed()
        if not changed:
            return []
        recover(self.root)
        _remove_strays(self.root)
        pairs = []
        for path, text in changed.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(path.name + TMP_SUFFIX)
            with open(tmp, "wb") as fh:
                fh.write(text.encode("utf-8"))
            pairs.append((str(tmp), str(path)))
        # One flush of everything staged instead of an fsync per file (a thousand fsyncs
        # were half of an import): the journal below is written only once all of it is safe.
        os.sync()
        journal = self.root / JOURNAL
        _atomic_write(journal, json.dumps(pairs, ensure_ascii=False).encode("utf-8"))
        _apply(pairs)
        journal.unlink()
        return sorted(changed)


def _atomic_write(path: Path, data: bytes) -> None:
    tmp = path.with_name(path.name + TMP_SUFFIX)
    with open(tmp, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def _apply(pairs: list[tuple[str, str]]) -> None:
    for tmp, final in pairs:
        if os.path.exists(tmp):
            os.replace(tmp, final)


def recover(root: Path) -> bool:
    """Finish a write that was interrupted after its journal was written; drop staged files
    of one that was interrupted before. Returns True when something was rolled forward."""
    journal = root / JOURNAL
    rolled = False
    if journal.exists():
        try:
            pairs = json.loads(journal.read_text("utf-8"))
        except (OSError, ValueError):
            pairs = []
        _apply([(str(a), str(b)) for a, b in pairs])
        journal.unlink()
        rolled = True
    return rolled


def _remove_strays(root: Path) -> None:
    """Staged files of a run killed before its journal existed: that run changed nothing."""
    strays = list(root.glob("*" + TMP_SUFFIX))
    if (root / "content").is_dir():
        strays += (root / "content").rglob("*" + TMP_SUFFIX)
    for stray in strays:
        stray.unlink()
