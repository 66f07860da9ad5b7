"""Which known paper an entry is about, and which it only might be.

Sure: the same arXiv id, the same DOI, the same title (its key: case, accents, punctuation
ignored), or a name a person tied to the paper with `publish merge`. A same title is not
enough when the works differ in kind or time — a 1957 book and a 1966 article, or two
arXiv ids: those are two papers.

Unsure, for a person to settle: a short name that is a known title's head or acronym
(`QLoRA`, `DPO` for "Direct Preference Optimization: …"), a name a list gave the paper
(`<u>GPT-3</u>`), a title that is only similar (RapidFuzz ratio ≥ 88: "Improved Denoising
Diffusion Probabilistic Models" is 90 to its predecessor), the same title of a different
kind or year. Pairs a person kept apart are not proposed again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from ..content.decisions import Decisions
from ..model import Collection, Paper
from .normalise import title_key

UNSURE_SCORE = 88.0
_CLASS = {"book": "book", "article": "paper", "chapter": "paper", "thesis": "paper",
          "report": "paper"}


@dataclass(frozen=True)
class Unsure:
    """An entry that may be a known paper: which, why, and how similar the titles are."""

    paper: str
    why: str
    score: float


def _head(title: str) -> str | None:
    """The short name a title leads with: `QLoRA` in `QLoRA: Efficient Finetuning…`."""
    head, sep, _ = title.partition(":")
    return head.strip() if sep and 1 <= len(head.split()) <= 3 else None


def _acronym(words: str) -> str | None:
    """`Direct Preference Optimization` → `dpo`; `Long Short-Term Memory` → `lstm`."""
    parts = [w for w in re.split(r"[\s-]+", words) if w]
    if not 2 <= len(parts) <= 6:
        return None
    letters = "".join(w[0] for w in parts if w[0].isalpha() and (
        w[0].isupper() or w.lower() not in ("of", "for", "and", "the", "a", "an", "with",
                                            "in", "on", "to", "via", "is")))
    return letters.lower() if len(letters) >= 2 else None


def short_names(title: str, aliases: list[str] | tuple[str, ...] = ()) -> set[str]:
    """The keys of the short names a paper may be called by."""
    names = {title_key(a) for a in aliases}
    head = _head(title)
    if head:
        names.add(title_key(head))
        if acronym := _acronym(head):
            names.add(acronym)
    elif len(title.split()) <= 6 and (acronym := _acronym(title)):
        names.add(acronym)
    return {n for n in names if n and n != title_key(title)}


def differs(paper: Paper, work_type: str | None, year: int | None,
            arxiv: str | None) -> str | None:
    """Why a paper and an entry with its title are two works, or None."""
    meta = paper.meta
    a, b = _CLASS.get(meta.type or "", meta.type), _CLASS.get(work_type or "", work_type)
    if a and b and a != b:
        return f"same title, but {meta.type} and {work_type}"
    if meta.year and year and abs(meta.year - year) > 1:
        return f"same title, but {meta.year} and {year}"
    if meta.arxiv and arxiv and meta.arxiv != arxiv:
        return f"same title, but arXiv {meta.arxiv} and {arxiv}"
    return None


class Index:
    """Finds the paper an entry is about: arXiv id, then DOI, then an OpenAlex or Semantic
    Scholar id, then title key (when the works agree in kind and year), then the names a
    person confirmed (and titles `enrich` replaced by the published one)."""

    def __init__(self, collection: Collection, decisions: Decisions | None = None):
        self.collection = collection
        self.decisions = decisions or Decisions()
        self.arxiv: dict[str, str] = {}
        self.doi: dict[str, str] = {}
        self.ids: dict[str, str] = {}  # "openalex:W…" / "s2:…" (from enrich) -> paper id
        self.key: dict[str, str] = {}  # the first paper with each title key
        self.keys: list[str] = []  # the same keys, as the list RapidFuzz searches
        self.same_key: dict[str, list[str]] = {}  # every paper with it (a book, an article)
        self.names: dict[str, set[str]] = {}  # short-name key -> papers that go by it
        self.sure: dict[str, str] = {}  # title keys a person tied to a paper
        for paper in collection.papers.values():
            self.add(paper)
        for m in self.decisions.merged:
            if m.paper in collection.papers:
                self.sure.setdefault(title_key(m.title), m.paper)
                if m.arxiv:
                    self.arxiv.setdefault(m.arxiv, m.paper)
                if m.doi:
                    self.doi.setdefault(m.doi.lower(), m.paper)

    def add(self, paper: Paper) -> None:
        m = paper.meta
        if m.arxiv:
            self.arxiv.setdefault(re.sub(r"v\d+$", "", m.arxiv), paper.id)
        if m.doi:
            self.doi.setdefault(m.doi.lower(), paper.id)
        for kind in ("openalex", "s2"):
            if getattr(m, kind):
                self.ids.setdefault(f"{kind}:{getattr(m, kind)}", paper.id)
        key = title_key(m.title)
        if key not in self.key:
            self.key[key] = paper.id
            self.keys.append(key)
        if paper.id not in self.same_key.setdefault(key, []):
            self.same_key[key].append(paper.id)
        for name in short_names(m.title, m.aliases):
            self.names.setdefault(name, set()).add(paper.id)

    def find(self, raw, title: str | None) -> tuple[str | None, str, Unsure | None]:
        """(paper id or None, how it was found, an Unsure when the title matched but the
        works differ)."""
        if raw.arxiv and raw.arxiv in self.arxiv:
            return self.arxiv[raw.arxiv], "arXiv id", None
        if raw.doi and raw.doi.lower() in self.doi:
            return self.doi[raw.doi.lower()], "DOI", None
        for kind, how in (("openalex", "OpenAlex id"), ("s2", "Semantic Scholar id")):
            if getattr(raw, kind, None) and f"{kind}:{getattr(raw, kind)}" in self.ids:
                return self.ids[f"{kind}:{getattr(raw, kind)}"], how, None
        if not title:
            return None, "", None
        key = title_key(title)
        if key in self.key:
            first_why = None
            for pid in self.same_key[key]:
                why = differs(self.collection.papers[pid], raw.type, raw.year, raw.arxiv)
                if why is None:
                    return pid, "title", None
                first_why = first_why or Unsure(pid, why, 100.0)
            return None, "", first_why
        if key in self.sure:
            return self.sure[key], "a name confirmed with publish merge", None
        return None, "", None

    def titled(self, title: str | None, pid: str) -> list[str]:
        """Other papers with this title and no arXiv id of their own (not kept apart)."""
        if not title:
            return []
        return [other for other in self.same_key.get(title_key(title), [])
                if other != pid and not self.collection.papers[other].meta.arxiv
                and not self.decisions.kept_apart(pid, other)]

    def suspects(self, pid: str, title: str, aliases: list[str]) -> list[Unsure]:
        """Known papers the new paper `pid` may be: by short name, by a similar title."""
        key = title_key(title)
        found: dict[str, Unsure] = {}
        if len(title.split()) <= 3 and ":" not in title:
            for other in sorted(self.names.get(key, ())):
                found[other] = Unsure(other, "a short name of its title", 100.0)
        for name in short_names(title, aliases):
            if name in self.key:
                found.setdefault(self.key[name], Unsure(self.key[name],
                                                        "its short name is that title", 100.0))
        if not found:
            hit = process.extractOne(key, self.keys, scorer=fuzz.ratio,
                                     score_cutoff=UNSURE_SCORE,
                                     processor=None) if key else None
            if hit and self.key[hit[0]] != pid:
                found[self.key[hit[0]]] = Unsure(self.key[hit[0]],
                                                 f"similar title (score {hit[1]:.0f})", hit[1])
        return [u for other, u in found.items()
                if other != pid and not self.decisions.kept_apart(pid, other)]
