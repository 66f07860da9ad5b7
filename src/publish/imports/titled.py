"""Seed shape `titled` (seed 004): groups (`1.谷歌`), then per paper an English line
`Title (Year)`, paragraphs on why it matters, and lines on where its authors went — which
are about people, not the paper, and are left out."""

from __future__ import annotations

import re

from ..errors import PublishError
from .base import RawEntry, RawList, escape_block_start
from .debris import is_debris

TITLE_RE = re.compile(r"^([A-Za-z0-9][\x20-\x7e’‘“”–—]+?)\s*\(((?:19|20)\d\d)\)$")
GROUP_RE = re.compile(r"^\d\.\s*(\S.*)$")
# "离职的作者及其动向:", "…是 Anthropic 的联合创始人", "教授动向:": the authors' careers.
PEOPLE_RE = re.compile(r"动向|离职|创始人|作者.*[:：]$")


def looks_like(lines: list[str]) -> bool:
    return sum(1 for line in lines if TITLE_RE.match(line.strip())) >= 3


def read(text: str, path: str) -> RawList:
    out = RawList(shape="titled")
    intro: list[str] = []
    group: str | None = None
    current: RawEntry | None = None
    skipping = False
    for i, raw in enumerate(text.split("\n"), start=1):
        line = raw.strip()
        if not line or is_debris(line, None):
            continue
        if m := TITLE_RE.match(line):
            current = RawEntry(line=i, title=m.group(1).strip(), year=int(m.group(2)),
                               section=group)
            out.entries.append(current)
            skipping = False
            continue
        if (m := GROUP_RE.match(line)) and len(line) < 40:
            group, current, skipping = m.group(1).strip(), None, False
            continue
        if current is None:
            if not out.entries and group is None:
                intro.append(line)
            continue
        if skipping or PEOPLE_RE.search(line):
            skipping = True
            continue
        current.blocks.append(("paragraph", escape_block_start(line)))
    if not out.entries:
        raise PublishError("no 'Title (Year)' lines found", path, 1)
    if intro:
        out.title = intro[0].split(":")[0].split(":")[0] if len(intro[0]) < 40 else None
        out.description = "\n\n".join(intro)
    return out
