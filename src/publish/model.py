"""The content model: papers, their text per language as blocks, and reading lists.

Plain data. Reading and writing files lives in `content`; turning Markdown into blocks (and
the `Block` itself) in `blocks`; the metadata fields in `fields`. Everything else (status,
translate, render) is a function over these classes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from pathlib import Path

from .blocks import HUMAN, MACHINE, TITLE, TRANSLATION_STATES, Block, split_blocks
from .fields import Conflict, Meta

__all__ = ["HUMAN", "MACHINE", "TITLE", "TRANSLATION_STATES", "Block", "Collection",
           "Conflict", "Entry", "Meta", "Paper", "ReadingList", "Text"]

def external_link(meta: Meta) -> tuple[str | None, str | None]:
    """Where a reader finds the paper, and a short label for it: arXiv first (a stable
    abstract page), else the URL a list gave, else the DOI."""
    if meta.arxiv:
        return f"https://arxiv.org/abs/{meta.arxiv}", f"arXiv:{meta.arxiv}"
    if meta.url:
        return meta.url, meta.url.split("//", 1)[-1].split("/", 1)[0]
    if meta.doi:
        return f"https://doi.org/{meta.doi}", f"doi:{meta.doi}"
    return None, None


@dataclass
class Text:
    """A paper's file in one language: its local title and its body as blocks."""

    lang: str
    path: Path
    body: str
    body_line: int
    local_title: str | None = None
    meta_in: str | None = None  # None: this file holds the metadata
    extra: dict[str, object] = field(default_factory=dict)
    # The local title's marker (`from=en src=… state=machine …`, see blocks.format_attrs);
    # None for a title a person wrote without one.
    title_translation: str | None = None
    title_line: int = 1  # of `title:` (metadata holder) or `local_title:` in the file
    # The file as the loader read it (content.write.version): a writer expects to find it so
    # when it writes, or refuses. None when not recorded (the loader without its cache).
    version: str | None = field(default=None, compare=False)

    @cached_property
    def blocks(self) -> list[Block]:
        # Parsing Markdown is the expensive part of loading, so it waits until asked for.
        return split_blocks(self.body, self.lang, first_line=self.body_line)


@dataclass
class Paper:
    id: str
    meta: Meta
    source_lang: str
    texts: dict[str, Text] = field(default_factory=dict)

    @property
    def title(self) -> str:
        return self.meta.title

    def title_in(self, lang: str) -> str:
        text = self.texts.get(lang)
        return text.local_title if text and text.local_title else self.meta.title


@dataclass
class Entry:
    """A paper's place in a reading list."""

    paper: str
    position: int
    added: date
    section: str | None = None
    rank: int | None = None
    year: int | None = None
    also_in: list[str] = field(default_factory=list)
    line: int | None = None


@dataclass
class ReadingList:
    id: str
    lang: str
    title: dict[str, str]
    source: dict[str, str] = field(default_factory=dict)
    description: dict[str, str] = field(default_factory=dict)
    entries: list[Entry] = field(default_factory=list)
    path: Path | None = None
    version: str | None = field(default=None, compare=False)  # the file as read

    def paper_ids(self) -> list[str]:
        return [e.paper for e in self.entries]


@dataclass
class Collection:
    """Everything under content/: the unit every command works on."""

    papers: dict[str, Paper] = field(default_factory=dict)
    lists: dict[str, ReadingList] = field(default_factory=dict)

    def in_list(self, list_id: str) -> list[Paper]:
        return [self.papers[pid] for pid in self.lists[list_id].paper_ids() if pid in self.papers]
