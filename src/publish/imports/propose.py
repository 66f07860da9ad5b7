"""Proposing which paper an untitled summary is about (seed 000), for a person to confirm.

A summary usually names its paper: "introduces LoRA", "the Segment Anything Model (SAM)".
Candidates are the collection's titles; a title's short name (the part before a colon, or
an acronym in it) found as a word in the summary is strong evidence, shared wording weaker.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz import fuzz

from ..model import Collection
from .normalise import title_key

_STOP = {"the", "a", "an", "of", "and", "for", "with", "in", "on", "to", "is", "are", "via",
         "from", "by", "at", "as", "towards", "learning", "deep", "neural", "networks",
         "network", "models", "model", "language", "large"}


@dataclass(frozen=True)
class Proposal:
    paper: str
    title: str
    score: float
    why: str


def _head(title: str) -> str | None:
    """The short name a title leads with: `LoRA` in `LoRA: Low-Rank Adaptation of…`."""
    head = title.split(":")[0].strip()
    return head if head != title and len(head.split()) <= 3 else None


_NAME_RE = re.compile(
    r"(?<![\w-])([A-Za-z]*[A-Z][\w-]*[A-Z0-9][\w-]*|[A-Z][a-z]+[A-Z]\w*)(?![\w-])")


def _summary_names(summary: str) -> set[str]:
    """Names a summary gives its subject: `LoRA`, `GPT-4`, `AlphaFold2`, `(SAM)`."""
    names = {m.group(1).lower() for m in _NAME_RE.finditer(summary)}
    names |= {n.lower() for n in re.findall(r"\(([^()]{2,30})\)", summary)}
    return names


def propose(summary: str, collection: Collection, limit: int = 3) -> list[Proposal]:
    key = title_key(summary)
    words = set(key.split())
    names = _summary_names(summary)
    scored: list[Proposal] = []
    for paper in collection.papers.values():
        title = paper.meta.title
        best, why = 0.0, ""
        head = _head(title)
        if head and head.lower() in names:
            best, why = 100.0, f"the summary names {head!r}"
        tkey = title_key(title)
        content = [w for w in tkey.split() if w not in _STOP]
        if content:
            shared = sum(1 for w in content if w in words) / len(content)
            score = 70 * shared + 0.1 * fuzz.token_set_ratio(tkey, key)
            if shared == 1 and len(content) >= 2:
                score += 15
            if score > best:
                best, why = score, f"shares {shared:.0%} of the title's words"
        if best >= 40:
            scored.append(Proposal(paper.id, title, round(best, 1), why))
    scored.sort(key=lambda p: (-p.score, p.paper))
    return scored[:limit]
