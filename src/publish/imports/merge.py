"""Merging a read list into the collection: same-paper detection, metadata conflicts,
text as blocks, and the list's entries. Works on the in-memory model only; the caller writes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from rapidfuzz import fuzz, process

from ..blocks import block_hash, join_blocks
from ..config import Config
from ..fields import CONFLICT, SOURCE_FIELDS
from ..ids import slugify
from ..model import Collection, Conflict, Entry, Meta, Paper, ReadingList, Text
from .base import RawEntry, RawList
from .normalise import title_key

# Titles this similar but not equal are reported, never merged: "Improved Denoising Diffusion
# Probabilistic Models" is 90 to its predecessor and is a different paper.
UNSURE_SCORE = 88.0


@dataclass
class MergeReport:
    list_id: str
    entries: int = 0
    created: list[str] = field(default_factory=list)
    matched: list[tuple[str, str]] = field(default_factory=list)  # (paper id, how)
    unsure: list[tuple[str, str, float]] = field(default_factory=list)  # (title, similar id, score)
    conflicts: list[tuple[str, str, str, str]] = field(default_factory=list)  # id, field, old, new
    duplicates: list[tuple[str, int]] = field(default_factory=list)  # (paper id, source line)
    unconfirmed: list[int] = field(default_factory=list)  # positions waiting for a title
    kept: list[str] = field(default_factory=list)  # entries no longer in the source, kept
    touched: set[str] = field(default_factory=set)


class _Index:
    """Finds the paper an entry is about: arXiv id, then DOI, then an OpenAlex or Semantic
    Scholar id, then title key (its title's, or an alias's: a list's title that `enrich`
    replaced by the published one), then near titles (reported only)."""

    def __init__(self, collection: Collection):
        self.arxiv: dict[str, str] = {}
        self.doi: dict[str, str] = {}
        self.other: dict[str, str] = {}  # "openalex:W…" / "s2:…" -> paper id
        self.key: dict[str, str] = {}
        for paper in collection.papers.values():
            self.add(paper)

    def add(self, paper: Paper) -> None:
        m = paper.meta
        if m.arxiv:
            self.arxiv.setdefault(re.sub(r"v\d+$", "", m.arxiv), paper.id)
        if m.doi:
            self.doi.setdefault(m.doi.lower(), paper.id)
        for name in ("openalex", "s2"):
            if getattr(m, name):
                self.other.setdefault(f"{name}:{getattr(m, name)}", paper.id)
        for title in (m.title, *m.aliases):
            self.key.setdefault(title_key(title), paper.id)

    def find(self, raw: RawEntry, title: str) -> tuple[str | None, str]:
        if raw.arxiv and raw.arxiv in self.arxiv:
            return self.arxiv[raw.arxiv], "arXiv id"
        if raw.doi and raw.doi.lower() in self.doi:
            return self.doi[raw.doi.lower()], "DOI"
        for name, how in (("openalex", "OpenAlex id"), ("s2", "Semantic Scholar id")):
            found = self.other.get(f"{name}:{getattr(raw, name, None)}")
            if found:
                return found, how
        key = title_key(title)
        if key in self.key:
            return self.key[key], "title"
        return None, ""

    def near(self, title: str) -> tuple[str, float] | None:
        hit = process.extractOne(title_key(title), self.key.keys(), scorer=fuzz.ratio,
                                 score_cutoff=UNSURE_SCORE)
        return (self.key[hit[0]], hit[1]) if hit else None


def _new_id(title: str, year: int | None, taken: dict[str, Paper]) -> str:
    base = slugify(title)
    if base not in taken:
        return base
    candidates = [f"{base}-{year}"] if year else []
    candidates += [f"{base}-{n}" for n in range(2, 1000)]
    return next(c for c in candidates if c not in taken)


def add_text(paper: Paper, lang: str, blocks: list[tuple[str, str]], config: Config) -> bool:
    """Append the blocks this paper's `lang` file does not have yet. Never rewrites text."""
    text = paper.texts.get(lang)
    have = {b.hash for b in text.blocks} if text else set()
    new = []
    for kind, body in blocks:
        h = block_hash(body)
        if h not in have:
            have.add(h)
            new.append((kind, body))
    if not new:
        return False
    if text is None:
        paper.texts[lang] = Text(lang=lang, path=config.lang_dir(lang) / f"{paper.id}.md",
                                 body=join_blocks(new), body_line=1,
                                 meta_in=None if lang == paper.source_lang else paper.source_lang)
    else:
        old = text.body.rstrip("\n")
        text.body = (old + "\n\n" if old else "") + join_blocks(new)
        text.__dict__.pop("blocks", None)  # drop the cached parse of the old body
    return True


def _merge_meta(paper: Paper, raw: RawEntry, list_id: str, report: MergeReport) -> bool:
    meta, changed = paper.meta, False
    for f in SOURCE_FIELDS:
        new = getattr(raw, f.name)
        if new is None or new == []:
            continue
        old = getattr(meta, f.name)
        if old is None or old == []:
            setattr(meta, f.name, list(new) if isinstance(new, list) else new)
            changed = True
        elif f.merge == CONFLICT and str(old).lower() != str(new).lower():
            conflict = Conflict(f.name, str(new), list_id)
            if conflict not in meta.conflicts:
                meta.conflicts.append(conflict)
                changed = True
            report.conflicts.append((paper.id, f.name, str(old), str(new)))
    if list_id not in meta.lists:
        meta.lists = sorted([*meta.lists, list_id])
        changed = True
    return changed


def merge(collection: Collection, config: Config, raw_list: RawList, list_id: str, lang: str,
          today: date, titles: dict[int, str] | None = None,
          list_titles: dict[str, str] | None = None,
          source: dict[str, str] | None = None) -> MergeReport:
    """Merge `raw_list` into `collection` in place and say what happened.

    `titles` gives confirmed titles by 1-based position: for entries the source left
    untitled, and to correct a source that names a paper by something other than its title.
    """
    titles = titles or {}
    report = MergeReport(list_id=list_id, entries=len(raw_list.entries))
    index = _Index(collection)
    placed: dict[str, tuple[int, RawEntry, list[str]]] = {}
    for position, raw in enumerate(raw_list.entries, start=1):
        title = titles.get(position) or raw.title
        if not title:
            report.unconfirmed.append(position)
            continue
        pid, how = index.find(raw, title)
        if pid is None:
            near = index.near(title)
            if near:
                report.unsure.append((title, near[0], near[1]))
            paper = Paper(id=_new_id(title, raw.year, collection.papers),
                          meta=Meta(title=title), source_lang=lang)
            collection.papers[paper.id] = paper
            index.add(paper)
            report.created.append(paper.id)
            pid = paper.id
        elif pid in placed:
            report.duplicates.append((pid, raw.line))
        else:
            report.matched.append((pid, how))
        paper = collection.papers[pid]
        if pid in placed:
            # The same paper again in this list: its first place stands, the others are noted.
            if raw.section and raw.section not in placed[pid][2]:
                placed[pid][2].append(raw.section)
        else:
            placed[pid] = (position, raw, [])
            if _merge_meta(paper, raw, list_id, report):
                report.touched.add(pid)
        if add_text(paper, lang, raw.blocks, config):
            report.touched.add(pid)
    _update_list(collection, raw_list, list_id, lang, today, placed, report, list_titles or {},
                 source)
    return report


def _update_list(collection: Collection, raw_list: RawList, list_id: str, lang: str,
                 today: date, placed: dict[str, tuple[int, RawEntry, list[str]]],
                 report: MergeReport, list_titles: dict[str, str],
                 source: dict[str, str] | None) -> None:
    rl = collection.lists.get(list_id)
    if rl is None:
        rl = ReadingList(id=list_id, lang=lang, title={})
        collection.lists[list_id] = rl
    # Titles are filled in, never replaced: a person may have edited them since.
    titles = {lang: raw_list.title or list_id} | list_titles
    for code, text in titles.items():
        rl.title.setdefault(code, text)
    if raw_list.description and lang not in rl.description:
        rl.description[lang] = raw_list.description
    if source:
        rl.source.update(source)
    old = {e.paper: e for e in rl.entries}
    entries = []
    for pid, (position, raw, also) in placed.items():
        previous = old.get(pid)
        added = previous.added if previous else (
            date.fromisoformat(raw.added) if raw.added else today)
        entries.append(Entry(paper=pid, position=position, added=added, section=raw.section,
                             rank=raw.rank, year=raw.year, also_in=also))
    for pid, e in old.items():
        if pid not in placed:
            report.kept.append(pid)
            entries.append(e)
    rl.entries = sorted(entries, key=lambda e: e.position)
