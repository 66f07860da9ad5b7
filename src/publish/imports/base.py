"""What every reader produces: a list's entries as found in the source, before merging."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, make_dataclass
from typing import Any

from ..fields import SOURCE_FIELDS

ARXIV_URL_RE = re.compile(r"arxiv\.org/(?:abs|pdf)/(\d{4}\.\d{4,5}|[a-z-]+/\d{7})(?:v\d+)?",
                          re.IGNORECASE)
DOI_RE = re.compile(r"\b(10\.\d{4,9}/[^\s\"<>]+[^\s\"<>.,;)])")


RawEntry = make_dataclass("RawEntry", [
    ("line", int), ("title", str | None),
    # what the source says of the paper: the fields of publish.fields a list may give
    *((f.name, Any, field(default_factory=list) if f.default == [] else field(default=None))
      for f in SOURCE_FIELDS),
    # the paper's place in this list
    ("section", str | None, field(default=None)), ("rank", int | None, field(default=None)),
    ("added", str | None, field(default=None)),
    ("blocks", list[tuple[str, str]], field(default_factory=list)),
    ("hint", str | None, field(default=None)),
])
RawEntry.__module__ = __name__
RawEntry.__doc__ = """One entry of a reading list as its source gives it.

`blocks` are (kind, Markdown text) pairs in the list's language: kind is "paragraph",
"item" or "heading". `title` is None when the source does not name the paper (seed 000):
`hint` then holds the text to propose a paper from."""


@dataclass
class RawList:
    """A whole source: its own title and description, and its entries in source order."""

    shape: str
    title: str | None = None
    description: str | None = None
    entries: list[RawEntry] = field(default_factory=list)


def arxiv_from(text: str | None) -> str | None:
    if not text:
        return None
    m = ARXIV_URL_RE.search(text)
    return m.group(1) if m else None


def doi_from(text: str | None) -> str | None:
    if not text:
        return None
    m = DOI_RE.search(text)
    return m.group(1) if m else None


_BLOCK_START_RE = re.compile(r"^(\s*)(#{1,6}\s|>|[-+*]\s|={3,}\s*$|-{3,}\s*$|`{3}|~{3})")
_ORDERED_RE = re.compile(r"^(\s*\d{1,9})([.)])(\s)")


def escape_block_start(text: str) -> str:
    """Keep plain text plain in Markdown: a summary that happens to start with `1990. ` or
    `# ` must stay a paragraph, not become a list or a heading. Inline text is untouched, so
    math and URLs pass through verbatim."""
    out = []
    for line in text.split("\n"):
        line = _BLOCK_START_RE.sub(lambda m: m.group(1) + "\\" + m.group(2), line, count=1)
        line = _ORDERED_RE.sub(lambda m: m.group(1) + "\\" + m.group(2) + m.group(3), line,
                               count=1)
        out.append(line)
    return "\n".join(out)
