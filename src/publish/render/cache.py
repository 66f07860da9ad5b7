"""The booklet's cache: rendered runs and front matter, which runs each booklet used last,
and the formulas already drawn (`build/pdf/cache/`)."""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
from pathlib import Path
from typing import Any

from .. import cachedb
from ..outputs import sweep_folder, write_output
from .engine import Rendered
from .flow import PHANTOM, Placed, Run

CACHE_LIMIT = 512 * 1024 * 1024
KINDS = ("runs", "front", "flows", "fonts")
_MATH_MODULES = ("ziamath", "latex2mathml")


def digest(*parts: str | bytes) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update(part.encode("utf-8") if isinstance(part, str) else part)
        h.update(b"\0")
    return h.hexdigest()


class Cache:
    """Rendered runs and front matter by key (`<kind>/<key>.pdf` and `.json`), and which
    runs each booklet used last (`flows/<booklet>.json`)."""

    def __init__(self, root: Path, enabled: bool) -> None:
        self.root = root
        self.enabled = enabled

    def pdf(self, kind: str, key: str) -> Path:
        return self.root / kind / f"{key}.pdf"

    def get(self, kind: str, key: str) -> tuple[Rendered, dict[str, Any]] | None:
        pdf, meta = self.pdf(kind, key), self.root / kind / f"{key}.json"
        if not self.enabled or not (pdf.is_file() and meta.is_file()):
            return None
        try:
            data = json.loads(meta.read_text("utf-8"))
            return Rendered.from_json(data["layout"]), data.get("extra", {})
        except (ValueError, KeyError, TypeError):
            return None

    def touch(self, kind: str, key: str) -> None:
        """Mark as used (prune drops the least recently used); never creates the file, so
        a run pruned meanwhile by another build is missing, not an empty PDF."""
        with contextlib.suppress(FileNotFoundError):
            os.utime(self.pdf(kind, key))

    def put(self, kind: str, key: str, layout: Rendered, extra: dict[str, Any]) -> None:
        _write_json(self.root / kind / f"{key}.json",
                    {"layout": layout.to_json(), "extra": extra})

    def flows(self, booklet: str) -> dict[str, list[str]]:
        try:
            found = json.loads((self.root / "flows" / f"{booklet}.json").read_text("utf-8"))
            return {str(k): [str(x) for x in v] for k, v in found.items()}
        except (OSError, ValueError, AttributeError, TypeError):
            return {}

    def save_flows(self, booklet: str, flows: dict[str, list[str]]) -> None:
        _write_json(self.root / "flows" / f"{booklet}.json", flows)

    def _joined_path(self, target: Path) -> Path:
        return self.root / "joined" / f"{digest(str(target))[:24]}.json"

    def joined(self, target: Path, key: str) -> int | None:
        """The pages of the booklet at `target` when it is the one `key` joins, as this
        cache wrote it (same size and time: nobody changed it since), else None."""
        if not self.enabled:
            return None
        try:
            found = json.loads(self._joined_path(target).read_text("utf-8"))
            st = target.stat()
            if (found["key"], found["size"], found["mtime_ns"]) == (key, st.st_size,
                                                                  st.st_mtime_ns):
                return int(found["pages"])
        except (OSError, ValueError, KeyError, TypeError):
            pass
        return None

    def save_joined(self, target: Path, key: str, pages: int) -> None:
        if self.enabled:
            st = target.stat()
            _write_json(self._joined_path(target), {"key": key, "pages": pages,
                                                    "size": st.st_size,
                                                    "mtime_ns": st.st_mtime_ns})

    @functools.cached_property
    def _math_path(self) -> Path:
        """The formulas drawn, in a file named by what draws them (ziamath, latex2mathml,
        publish's own code): an upgrade starts a new one, never reads an old drawing."""
        return self.root / f"math-{cachedb.fingerprint('math', _MATH_MODULES)[:16]}.json"

    def math(self) -> dict[str, str | None]:
        try:
            return json.loads(self._math_path.read_text("utf-8"))
        except (OSError, ValueError):
            return {}

    def save_math(self, entries: dict[str, str | None], known: dict[str, str | None]) -> None:
        """`known`: what `math()` gave at the start of the build (not read again)."""
        _write_json(self._math_path, {**known, **entries})
        for old in self.root.glob("math-*.json"):
            if old != self._math_path:
                old.unlink(missing_ok=True)

    def sweep(self, *others: Path) -> None:
        """Remove the temporary files of runs that were killed, here and in `others`."""
        for folder in (self.root, *(self.root / kind for kind in KINDS), *others):
            sweep_folder(folder)

    def prune(self, limit: int = CACHE_LIMIT) -> None:
        """Keep the cache under `limit` bytes, dropping what was used least recently (one
        stat a file; a file another build removed meanwhile is skipped)."""
        found = []
        for path in self.root.glob("*/*.pdf"):
            with contextlib.suppress(FileNotFoundError):
                st = path.stat()
                found.append((st.st_mtime, st.st_size, path))
        total = sum(size for _, size, _ in found)
        for _, size, path in sorted(found):
            if total <= limit:
                break
            total -= size
            path.unlink(missing_ok=True)
            path.with_suffix(".json").unlink(missing_ok=True)


def _write_json(path: Path, data: Any) -> None:
    write_output(path, json.dumps(data, ensure_ascii=False, sort_keys=True).encode("utf-8"))


def run_of(key: str, layout: Rendered, extra: dict[str, Any]) -> Run:
    """A cached run as `flow` sees it: each unit's hash, page and whether it tops it."""
    units = []
    for anchor, unit_hash in [*extra["units"], ["u-end", PHANTOM]]:
        page, top = layout.places.get(anchor, (layout.pages - 1, False))
        units.append(Placed(unit_hash, page, top))
    return Run(key, extra["context"], bool(extra["opening"]), tuple(units), layout.pages,
               extra.get("body", ""))
