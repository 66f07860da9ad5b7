"""What a translator's file says, whatever its format: units with their source and target as
Markdown, whether each is finished, and the problems found reading it."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..errors import Problem
from .ids import Record


@dataclass
class ReadUnit:
    id: str
    line: int | None
    source: str  # the source as the file has it, codes written out as their Markdown
    target: str | None  # the translation, the same way; None: none
    translated: bool  # finished: not fuzzy, not needing review, not empty
    record: Record | None = None
    problems: list[str] = field(default_factory=list)  # this unit cannot be imported: why


@dataclass
class ReadFile:
    path: Path
    format: str  # xliff 1.2, xliff 2.1, po
    source_lang: str | None = None
    target_lang: str | None = None
    translator: str | None = None  # who saved it, when the file says (PO Last-Translator)
    units: list[ReadUnit] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)  # the whole file is refused
