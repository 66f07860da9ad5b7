"""Seed shape `numbered` (seed 001): `N. Title`, `53 520 citations`, then the abstract."""

from __future__ import annotations

import itertools
import re

from ..errors import PublishError
from .base import RawEntry, RawList, arxiv_from, escape_block_start

ENTRY_RE = re.compile(r"^(\d{1,4})\.\s+(\S.*)$")
# Thousands may be separated by a space, a no-break space, a comma or nothing.
CITATIONS_RE = re.compile(r"^(\d{1,3}(?:[\s\u00a0\u202f,]\d{3})*|\d+)\s+citations?$")


def looks_like(lines: list[str]) -> bool:
    hits = sum(1 for a, b in itertools.pairwise(lines)
               if ENTRY_RE.match(a) and CITATIONS_RE.match(b.strip()))
    return hits >= 2


def read(text: str, path: str) -> RawList:
    lines = text.split("\n")
    out = RawList(shape="numbered")
    current: RawEntry | None = None
    for i, raw in enumerate(lines, start=1):
        line = raw.strip()
        if not line:
            continue
        m = ENTRY_RE.match(line)
        # The number must be the next rank: an abstract line that starts with "3. " is text.
        if m and int(m.group(1)) == len(out.entries) + 1:
            current = RawEntry(line=i, title=m.group(2).strip(), rank=int(m.group(1)))
            out.entries.append(current)
            continue
        if current is None:
            if out.title is None:
                out.title = line
            else:
                out.description = f"{out.description}\n{line}" if out.description else line
            continue
        c = CITATIONS_RE.match(line)
        if c and current.citations is None and not current.blocks:
            current.citations = int(re.sub(r"\D", "", c.group(1)))
            continue
        current.blocks.append(("paragraph", escape_block_start(line)))
        current.arxiv = current.arxiv or arxiv_from(line)
    if not out.entries:
        raise PublishError("no numbered entries ('1. Title') found", path, 1)
    return out
