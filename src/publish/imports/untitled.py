"""Seed shape `untitled` (seed 000): summaries with no titles, some with an author line or a
venue line before them. The paper each summary is about is proposed later, by `propose`."""

from __future__ import annotations

import re

from ..errors import PublishError
from .base import RawEntry, RawList, escape_block_start

COUNT_RE = re.compile(r"^(\d+)\s+papers?\s+in\s+this\s+field$", re.IGNORECASE)
_NAME_RE = re.compile(
    r"^(?:[A-ZÀ-Ý][\w'’.-]*\.?|van|von|de|der|da|di|le|la)"
    r"(?:\s+(?:[A-ZÀ-Ý][\w'’.-]*\.?|van|von|de|der|da|di|le|la)){0,4}$"
)
_MONTH_YEAR_RE = re.compile(r"\b(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\w*\s+(\d{4})")


def looks_like(lines: list[str]) -> bool:
    return any(COUNT_RE.match(line.strip()) for line in lines[:3])


def author_names(line: str) -> list[str] | None:
    """The names on an author line, or None when the line is prose."""
    line = line.strip()
    if not line or len(line) > 300:
        return None
    line = re.sub(r",?\s+et al\.?$", "", line)
    if line.endswith("."):
        return None
    names = [n.strip() for n in re.split(r",\s*|\s+and\s+", line) if n.strip()]
    if len(names) < 1 or not all(_NAME_RE.match(n) for n in names):
        return None
    return names


def read(text: str, path: str) -> RawList:
    lines = text.split("\n")
    out = RawList(shape="untitled")
    authors: list[str] = []
    venue: str | None = None
    year: int | None = None
    head = [line.strip() for line in lines[:2]]
    expected = None
    for i, raw in enumerate(lines, start=1):
        line = raw.strip()
        if not line:
            continue
        if i <= 2 and (m := COUNT_RE.match(line)):
            expected = int(m.group(1))
            continue
        if i == 1:
            title, _, description = line.partition(" — ")
            out.title = title
            out.description = description if description else line
            continue
        if " · " in line and len(line) < 200:
            # A publication card: "<venue> · Apr 2023 Open access". The scraper glued the
            # card's field tag ("AI", this list's field) to the venue's first word.
            venue = re.sub(r"^AI(?=[A-Z]{2})", "", line.split(" · ")[0]).strip()
            y = _MONTH_YEAR_RE.search(line)
            year = int(y.group(1)) if y else None
            continue
        names = author_names(line)
        if names is not None:
            authors = names
            continue
        out.entries.append(RawEntry(
            line=i, title=None, authors=authors, venue=venue, year=year,
            blocks=[("paragraph", escape_block_start(line))], hint=line,
        ))
        authors, venue, year = [], None, None
    if expected is not None and head:
        out.title = f"{out.title} — {head[1]}" if COUNT_RE.match(head[1]) else out.title
    if not out.entries:
        raise PublishError("no summaries found", path, 1)
    if expected is not None and expected != len(out.entries):
        raise PublishError(f"the header promises {expected} papers but {len(out.entries)} "
                           "summaries were found", path, 2)
    return out
