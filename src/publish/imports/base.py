"""What every reader produces: a list's entries as found in the source, before merging."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, make_dataclass
from typing import Any

from ..fields import SOURCE_FIELDS

# An arXiv id in a link: /abs/, /pdf/ (with or without .pdf), ar5iv's /html/, any host
# spelling (www., export.), with or without a version.
ARXIV_URL_RE = re.compile(
    r"(?:arxiv\.org|ar5iv(?:\.labs)?\.arxiv\.org|ar5iv\.org)/(?:abs|pdf|html|format)/"
    r"(\d{4}\.\d{4,5}|[a-z-]+(?:\.[A-Z]{2})?/\d{7})(?:v\d+)?", re.IGNORECASE)
# The DOI arXiv gives every paper (DataCite): 10.48550/arXiv.1909.01326.
ARXIV_DOI_RE = re.compile(r"10\.48550/arxiv\.(\d{4}\.\d{4,5})", re.IGNORECASE)
# `arXiv:1706.03762`, `arXiv: 1706.03762v5`, `arXiv preprint arXiv:…`, `Ar{X}iv:…`.
ARXIV_TEXT_RE = re.compile(r"\barxiv\s*:\s*(\d{4}\.\d{4,5}|[a-z-]+(?:\.[A-Z]{2})?/\d{7})"
                           r"(?:v\d+)?(?!\d)", re.IGNORECASE)
ARXIV_ID_RE = re.compile(r"^(?:arxiv:)?\s*(\d{4}\.\d{4,5}|[a-z-]+(?:\.[A-Z]{2})?/\d{7})"
                         r"(?:v\d+)?$", re.IGNORECASE)
DOI_RE = re.compile(r"\b(10\.\d{4,9}/[^\s\"<>]+[^\s\"<>.,;)\]])")

# Why an entry is not taken as a paper, for the report (`kind` of a RawEntry). A paper's
# kind is PAPER; every other kind is a reason to skip it, unless `--include all` asks.
PAPER = "paper"
REASONS = {
    "toc": "links into the page (a table of contents)",
    "badge": "only badges or images",
    "repo": "a code repository",
    "tool": "software or a service",
    "model": "a model or its checkpoints",
    "dataset": "a dataset or corpus",
    "book": "a book",
    "course": "a course",
    "post": "a blog post or article on the web",
    "video": "a video or talk",
    "social": "a social-media or chat link",
    "local": "a file of the list's own repository",
    "topic": "a topic or name, not a title",
    "unsafe": "its only link is not http(s) and it names no paper",
    "junk": "not a title",
    "broken": "the source entry is broken",
    "empty": "nothing to import",
    "other": "nothing marks it as a paper",
}
# Reasons that `--include all` never turns into papers: they name no work.
NEVER = frozenset({"toc", "badge", "junk", "empty", "unsafe", "broken"})


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
    # the title in the list's own language, when the source gives one beside the published one
    ("local_title", str | None, field(default=None)),
    # PAPER, or why the entry is skipped (a key of REASONS), with the detail for people
    ("kind", str, field(default=PAPER)), ("why", str | None, field(default=None)),
    # what was dropped or doubtful in this entry: shown beside it in the report
    ("warnings", list[str], field(default_factory=list)),
])
RawEntry.__module__ = __name__
RawEntry.__doc__ = """One entry of a reading list as its source gives it.

`blocks` are (kind, Markdown text) pairs in the list's language: kind is "paragraph",
"item" or "heading". `title` is None when the source does not name the paper (seed 000):
`hint` then holds the text to propose a paper from. `kind` is PAPER or the reason the entry
is not one (see REASONS); `warnings` say what of it was dropped and why."""


@dataclass
class RawList:
    """A whole source: its own title and description, and its entries in source order.

    `seen` counts the shapes the reader met (list items, table rows, …), so an import that
    finds no paper can say what it looked at; `unused` names source columns nothing read."""

    shape: str
    title: str | None = None
    description: str | None = None
    entries: list[RawEntry] = field(default_factory=list)
    seen: dict[str, int] = field(default_factory=dict)
    unused: list[str] = field(default_factory=list)
    warnings: list[tuple[int, str]] = field(default_factory=list)  # (line, message)

    def saw(self, shape: str, n: int = 1) -> None:
        self.seen[shape] = self.seen.get(shape, 0) + n


def skip(entry: RawEntry, reason: str, detail: str | None = None) -> RawEntry:
    """Mark `entry` as not a paper, for `reason` (a key of REASONS)."""
    entry.kind = reason
    entry.why = detail or REASONS[reason]
    return entry


def arxiv_from(text: str | None) -> str | None:
    """The arXiv id a link (or DOI) carries, without its version."""
    if not text:
        return None
    m = ARXIV_URL_RE.search(text) or ARXIV_DOI_RE.search(text)
    return m.group(1) if m else None


def arxiv_in_text(text: str | None) -> str | None:
    """An id written as `arXiv:1706.03762` in running text."""
    if not text:
        return None
    m = ARXIV_TEXT_RE.search(text)
    return m.group(1) if m else None


def arxiv_id(value: str | None) -> str | None:
    """`1706.03762`, `arXiv:1706.03762v5`, `abs/1706.03762` or an arxiv.org link, as the bare
    id."""
    if not value:
        return None
    value = value.strip()
    m = ARXIV_ID_RE.match(value.removeprefix("abs/"))
    return m.group(1) if m else arxiv_from(value) or arxiv_in_text(value)


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
