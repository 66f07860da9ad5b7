"""The `[translate]` table of publish.toml: a project's defaults for `publish translate`, and
keys (the environment wins over them). Declared here, checked with the rest of publish.toml by
config.py; `backends.resolve` turns it and the command line into a run's settings."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import Problems


@dataclass(frozen=True)
class TranslateSection:
    """The `[translate]` table of publish.toml: a project's defaults for `publish translate`,
    and keys (the environment wins over them)."""

    backend: str | None = None
    url: str | None = None
    timeout: float | None = None
    jobs: int | None = None
    retries: int | None = None
    secrets: Mapping[str, str] = field(default_factory=dict, repr=False)


def parse_section(table: Any, path: Path, where: Callable[[str], int | None]
                  ) -> tuple[TranslateSection, Problems]:
    """The `[translate]` table, checked (known keys, types, the backend's name), for
    config.py to report with the rest of publish.toml; `where(key)` is a key's line."""
    from .backends import _TABLE_KEYS, BACKENDS  # only when publish.toml has the table

    problems = Problems()
    if not isinstance(table, dict):
        problems.add("[translate] must be a table", path, where("translate"))
        return TranslateSection(), problems
    secret_names = {n for b in BACKENDS.values() for n in (*b.needs, *b.optional)}
    for key, value in table.items():
        want = _TABLE_KEYS.get(key)
        if want is None and key not in secret_names:
            problems.add(f"unknown key {key!r} in [translate] (known: "
                         f"{', '.join(sorted(_TABLE_KEYS))}, or a key variable such as "
                         "DEEPL_API_KEY)", path, where(key))
        elif want is None and not isinstance(value, str):
            problems.add(f"[translate] {key} must be text", path, where(key))
        elif want is not None and (not isinstance(value, want) or isinstance(value, bool)):
            problems.add(f"[translate] {key} has the wrong type: {value!r}", path, where(key))
    if isinstance(table.get("backend"), str) and table["backend"] not in BACKENDS:
        problems.add(f"[translate] backend {table['backend']!r} is not one of "
                     f"{', '.join(BACKENDS)}", path, where("backend"))
    if problems:
        return TranslateSection(), problems
    return TranslateSection(
        backend=table.get("backend"), url=table.get("url"), timeout=table.get("timeout"),
        jobs=table.get("jobs"), retries=table.get("retries"),
        secrets={k: v for k, v in table.items() if k in secret_names}), problems
