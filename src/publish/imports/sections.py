"""Seed shape `sections` (seed 003): an article in numbered sections `01` … `10`, each the
paper's English title, maybe its arXiv link, then commentary with images and page debris."""

from __future__ import annotations

import re

from ..errors import PublishError
from .base import RawEntry, RawList, arxiv_from, escape_block_start
from .debris import is_debris, is_footer

NUMBER_RE = re.compile(r"^\d{2}$")
BULLET_RE = re.compile(r"^\s*[•·●▪]\s*")
ORDERED_RE = re.compile(r"^\s*(\d{1,2})\.\s+")
URL_ONLY_RE = re.compile(r"^\(?\s*https?://\S+\s*\)?$")


def looks_like(lines: list[str]) -> bool:
    numbers = [line.strip() for line in lines if NUMBER_RE.match(line.strip())]
    return len(numbers) >= 3 and numbers[:2] == ["01", "02"]


def read(text: str, path: str) -> RawList:
    lines = text.split("\n")
    out = RawList(shape="sections")
    intro: list[str] = []
    current: RawEntry | None = None
    expect_title = False
    for i, raw in enumerate(lines, start=1):
        line = raw.strip()
        if not line:
            continue
        if out.title is None:
            out.title = line
            continue
        if current is not None and is_footer(line):
            break
        if is_debris(line, out.title):
            continue
        if NUMBER_RE.match(line) and int(line) == len(out.entries) + 1:
            expect_title = True
            continue
        if expect_title:
            current = RawEntry(line=i, title=line, rank=None)
            out.entries.append(current)
            expect_title = False
            continue
        if current is None:
            intro.append(line)
            continue
        if URL_ONLY_RE.match(line) and not current.blocks and current.arxiv is None:
            # The link right under the title is the paper's own; links further down are to
            # other papers the commentary cites.
            current.arxiv = arxiv_from(line)
            current.url = line.strip("() ")
            continue
        if BULLET_RE.match(raw):
            current.blocks.append(("item", "- " + escape_block_start(BULLET_RE.sub("", raw))))
        elif m := ORDERED_RE.match(raw):
            body = escape_block_start(ORDERED_RE.sub("", raw).strip())
            current.blocks.append(("item", f"{m.group(1)}. {body}"))
        else:
            current.blocks.append(("paragraph", escape_block_start(line)))
    if not out.entries:
        raise PublishError("no numbered sections ('01', '02', …) found", path, 1)
    out.description = "\n\n".join(intro) or None
    return out
