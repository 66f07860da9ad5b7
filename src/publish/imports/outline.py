"""Seed shape `outline` (seed 002): a table of contents of `- ` lines (part > area > year >
title), then a body where some of those titles come back with `- ` bullet summaries.

What makes it hard is the scraping: the contents list omits the titles of some years (they
only appear in the body), bullets were cut into a lone `-` followed by their text, wrapped
lines lost their bullet, and the body stops part way. Titles come back more than once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..errors import PublishError
from .base import RawEntry, RawList, arxiv_from, escape_block_start
from .normalise import title_key

# The site's areas; a line equal to one of them is a heading, never a title.
AREAS = ("Computer Vision", "NLP", "Speech", "Multimodal", "Core ML", "RecSys", "RL", "Graph ML")
YEAR_RE = re.compile(r"^(19|20)\d\d$")
# Bullets that were only links ("Code.", "Project page", "Google AI blog.") lost their URLs in
# the scrape; what is left says nothing about the paper.
LINK_LABEL_RE = re.compile(
    r"^(?:(?:code|demo|report|nature|project page|weights docs|[\w ]{0,20}"
    r"(?:post|link|article|blog|page))[.;,]?\s*)+$", re.IGNORECASE)


def looks_like(lines: list[str]) -> bool:
    head = [line for line in lines[1:60] if line.strip()]
    return len(head) > 20 and sum(line.startswith("- ") for line in head) > 0.8 * len(head)


@dataclass
class _Section:
    part: str | None = None
    area: str | None = None
    year: str | None = None

    def key(self) -> tuple[str | None, str | None, str | None]:
        return (self.part, self.area, self.year)

    def heading(self, line: str) -> bool:
        """Move to the heading `line` names; False when it is not a heading."""
        if YEAR_RE.match(line):
            self.year = line
        elif line in AREAS:
            self.area, self.year = line, None
        elif " / " in line and len(line) < 60:
            self.part, self.area, self.year = line, None, None
        else:
            return False
        return True


def _label(key: tuple[str | None, str | None, str | None]) -> str | None:
    parts = [p for p in key if p]
    return " > ".join(parts) if parts else None


@dataclass
class _BodyEntry:
    title: str
    line: int
    section: tuple[str | None, str | None, str | None]
    items: list[str] = field(default_factory=list)


def read(text: str, path: str) -> RawList:
    lines = text.split("\n")
    out = RawList(shape="outline", title=lines[0].strip() or None)
    # --- the table of contents
    toc: dict[tuple, list[tuple[str, int]]] = {}
    order: list[tuple] = []
    sec = _Section()
    i = 1
    while i < len(lines) and (lines[i].startswith("- ") or not lines[i].strip()):
        entry = lines[i][2:].strip()
        i += 1
        if not entry or entry == out.title or sec.heading(entry):
            if sec.key() not in toc:
                toc[sec.key()] = []
                order.append(sec.key())
            continue
        toc.setdefault(sec.key(), []).append((entry, i))
        if sec.key() not in order:
            order.append(sec.key())
    if not any(toc.values()):
        raise PublishError("no table of contents ('- Title' lines after the first line)", path, 2)
    toc_keys = {title_key(t) for titles in toc.values() for t, _ in titles}
    # --- the body
    body: list[_BodyEntry] = []
    sec = _Section()
    after_lone_dash = False
    for n in range(i, len(lines)):
        line = lines[n].strip()
        if not line or line == out.title:
            continue
        current = body[-1] if body else None
        if line == "-":
            after_lone_dash = True
            continue
        if line.startswith("- ") or after_lone_dash:
            item = line[2:].strip() if line.startswith("- ") else line
            after_lone_dash = False
            if current is None:
                out.description = item if out.description is None else out.description
            else:
                current.items.append(item)
            continue
        if sec.heading(line):
            continue
        is_title = title_key(line) in toc_keys or (
            not toc.get(sec.key()) and _looks_like_title(line, lines, n)
        )
        if is_title:
            body.append(_BodyEntry(title=line, line=n + 1, section=sec.key()))
        elif current is not None and current.items:
            # A wrapped line that lost its bullet: it continues the previous one.
            current.items[-1] = f"{current.items[-1]} {line}"
    # --- entries: contents order; the body supplies summaries and the titles the contents lost
    summaries: dict[str, list[str]] = {}
    for b in body:
        summaries.setdefault(title_key(b.title), []).extend(b.items)
    body_only: dict[tuple, list[_BodyEntry]] = {}
    for b in body:
        if title_key(b.title) not in toc_keys:
            body_only.setdefault(b.section, []).append(b)
    for key in order + [k for k in body_only if k not in order]:
        found = [(t, ln) for t, ln in toc.get(key, [])]
        found += [(b.title, b.line) for b in body_only.get(key, [])]
        for title, line in found:
            items = summaries.get(title_key(title), [])
            out.entries.append(RawEntry(
                line=line, title=title, area=key[1], section=_label(key),
                year=int(key[2]) if key[2] else None,
                arxiv=next((a for a in map(arxiv_from, items) if a), None),
                blocks=[("item", "- " + escape_block_start(t)) for t in _dedupe(items)],
            ))
    return out


def _looks_like_title(line: str, lines: list[str], n: int) -> bool:
    following = next((x.strip() for x in lines[n + 1 :] if x.strip()), "")
    return (len(line) < 200 and not line.endswith((".", ",", ":")) and line[0].isupper()
            and (following.startswith("- ") or following == "-"))


def _dedupe(items: list[str]) -> list[str]:
    seen: set[str] = set()
    out = []
    for item in items:
        if item not in seen and not LINK_LABEL_RE.match(item):
            seen.add(item)
            out.append(item)
    return out
