"""Merging a read list into the collection: same-paper detection (`identity`), metadata
conflicts, text as blocks, and the list's entries. Works on the in-memory model only; the
caller writes.

Every value an entry brings goes through `fields.read_field`, the check the loader applies
to front matter, before it reaches the model: whatever an import writes, `load` accepts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from ..blocks import block_hash, join_blocks, split_blocks
from ..config import Config
from ..content.decisions import Decisions
from ..fields import CONFLICT, INT, NAMES, SOURCE_FIELDS, read_field
from ..ids import slugify
from ..model import Collection, Conflict, Entry, Meta, Paper, ReadingList, Text
from .base import NEVER, PAPER, RawEntry, RawList
from .clean import clean_text
from .identity import UNSURE_SCORE, Index, Unsure

__all__ = ["UNSURE_SCORE", "Item", "MergeReport", "add_text", "merge"]

# The type a skipped entry gets when `--include all` keeps it as a paper.
_INCLUDED_TYPE = {"book": "book", "repo": "software", "tool": "software", "model": "software",
                  "dataset": "dataset", "post": "post", "video": "video", "course": "other"}
_LATIN_RE = re.compile(r"[A-Za-z]")
_MARKER_LINE_RE = re.compile(r"(?m)^(\s*)(<!--\s*translation\b)", re.IGNORECASE)


@dataclass
class Item:
    """What happened to one entry of the source, for the report."""

    line: int
    title: str | None
    kind: str  # PAPER, or why it was skipped (a key of base.REASONS)
    outcome: str  # created, matched, repeated, unsure, untitled, skipped, included
    paper: str | None = None
    how: str | None = None  # matched by: arXiv id, DOI, title, a confirmed name
    why: str | None = None
    unsure: list[Unsure] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


@dataclass
class MergeReport:
    list_id: str
    entries: int = 0
    created: list[str] = field(default_factory=list)
    matched: list[tuple[str, str]] = field(default_factory=list)  # (paper id, how)
    unsure: list[tuple[str, str, float, str, str]] = field(default_factory=list)
    # (title, similar id, score, why, the new paper's id)
    conflicts: list[tuple[str, str, str, str]] = field(default_factory=list)  # id, field, old, new
    duplicates: list[tuple[str, int]] = field(default_factory=list)  # (paper id, source line)
    unconfirmed: list[int] = field(default_factory=list)  # positions waiting for a title
    untitled: list[int] = field(default_factory=list)  # positions the source left untitled
    kept: list[str] = field(default_factory=list)  # entries no longer in the source, kept
    touched: set[str] = field(default_factory=set)
    items: list[Item] = field(default_factory=list)
    skipped: dict[str, int] = field(default_factory=dict)  # reason -> entries
    dropped: list[tuple[int, str]] = field(default_factory=list)  # (line, field: why)

    @property
    def papers(self) -> int:
        return sum(1 for i in self.items if i.kind == PAPER or i.outcome == "included")

    @property
    def needs_a_person(self) -> bool:
        return bool(self.unconfirmed or self.unsure)


def _new_id(title: str, year: int | None, taken: dict[str, Paper]) -> str:
    base = slugify(title)
    if base not in taken:
        return base
    candidates = [f"{base}-{year}"] if year else []
    candidates += [f"{base}-{n}" for n in range(2, 100_000)]
    return next(c for c in candidates if c not in taken)


def add_text(paper: Paper, lang: str, blocks: list[tuple[str, str]], config: Config) -> bool:
    """Append the blocks this paper's `lang` file does not have yet. Never rewrites text."""
    text = paper.texts.get(lang)
    have = {b.hash for b in text.blocks} if text else set()
    new = []
    for kind, body in blocks:
        # A source's text never speaks for the translation markers: a line that would read
        # as one is kept as text.
        body = _MARKER_LINE_RE.sub(r"\1\\\2", body)
        # A body may hold several blocks (an abstract's paragraphs): it is new unless the
        # file already has every one of them, as the loader will split it.
        hashes = {b.hash for b in split_blocks(body, lang)} if "\n\n" in body.strip() \
            else {block_hash(body)}
        if not hashes <= have:
            have |= hashes
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


def _local_title(paper: Paper, lang: str, title: str, config: Config) -> bool:
    """Fill the paper's title in the list's language when it has none (never replaced)."""
    text = paper.texts.get(lang)
    if text is None:
        text = paper.texts[lang] = Text(
            lang=lang, path=config.lang_dir(lang) / f"{paper.id}.md", body="", body_line=1,
            meta_in=None if lang == paper.source_lang else paper.source_lang)
    if text.local_title or (lang == paper.source_lang and title == paper.meta.title):
        return False
    text.local_title = title
    return True


def checked(raw: RawEntry, report: MergeReport) -> None:
    """Every field of the entry through the loader's own check (`read_field`), as the front
    matter will hold it; a value load would refuse is dropped with a warning."""
    for f in SOURCE_FIELDS:
        value = getattr(raw, f.name)
        if value is None or value == []:
            continue
        as_front = [str(v) for v in value] if f.kind == NAMES else str(value)
        if f.kind == NAMES:
            as_front = [n for n in (clean_text(v) for v in as_front) if n]
        elif f.kind != INT:
            as_front = clean_text(as_front) or ""
        good, why = read_field(f, as_front)
        if why:
            raw.warnings.append(f"{f.name} left out: it {why}")
            report.dropped.append((raw.line, f"{f.name}: {why}"))
            good = None
        setattr(raw, f.name, [] if f.kind == NAMES and good is None else good)
    if raw.added is not None:
        try:
            date.fromisoformat(raw.added)
        except ValueError:
            raw.warnings.append(f"added {raw.added!r} is not a date: left out")
            raw.added = None
    if raw.title is not None:
        raw.title = clean_text(raw.title)
    if raw.local_title is not None:
        raw.local_title = clean_text(raw.local_title)


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
          source: dict[str, str] | None = None, include_all: bool = False,
          decisions: Decisions | None = None) -> MergeReport:
    """Merge `raw_list` into `collection` in place and say what happened, entry by entry.

    `titles` gives confirmed titles by 1-based position: for entries the source left
    untitled, and to correct a source that names a paper by something other than its title.
    Entries that are not papers are skipped (reported with their reason) unless
    `include_all`; a table of contents, a badge or junk is never a paper.
    """
    titles = titles or {}
    report = MergeReport(list_id=list_id, entries=len(raw_list.entries))
    index = Index(collection, decisions)
    placed: dict[str, tuple[int, RawEntry, list[str]]] = {}
    report.items = [Item(raw.line, raw.title, raw.kind, "", why=raw.why, warnings=raw.warnings)
                    for raw in raw_list.entries]
    # Entries the source leaves untitled are found by their ids after every titled entry
    # is in, so the outcome does not depend on whether the titled one came first.
    order = sorted(range(1, len(raw_list.entries) + 1), key=lambda p: p not in titles and (
        raw_list.entries[p - 1].title is None or not _LATIN_RE.search(
            raw_list.entries[p - 1].title)))
    for position in order:
        raw, item = raw_list.entries[position - 1], report.items[position - 1]
        if raw.kind != PAPER:
            if not include_all or raw.kind in NEVER:
                item.outcome = "skipped"
                report.skipped[raw.kind] = report.skipped.get(raw.kind, 0) + 1
                continue
            item.outcome = "included"
            raw.type = raw.type or _INCLUDED_TYPE.get(raw.kind)
        checked(raw, report)
        title = raw.title
        if title and not _LATIN_RE.search(title) and (raw.arxiv or raw.doi):
            # A Chinese title for an arXiv paper is a translation: the published title is
            # the arXiv one, which a person (or a known paper with that id) gives.
            raw.local_title, title = raw.local_title or title, None
        if title is None:
            report.untitled.append(position)
        title = titles.get(position) or title
        pid, how, differ = index.find(raw, title)
        if pid is None and not title:
            item.outcome = "untitled"
            report.unconfirmed.append(position)
            continue
        if pid is None:
            assert title is not None
            new_id = _new_id(title, raw.year, collection.papers)
            suspects = ([differ] if differ else []) + index.suspects(new_id, title,
                                                                     raw.aliases)
            suspects = [u for u in suspects if not index.decisions.kept_apart(new_id, u.paper)]
            paper = Paper(id=new_id, meta=Meta(title=title), source_lang=lang)
            collection.papers[paper.id] = paper
            report.created.append(paper.id)
            item.outcome, item.paper = "created", paper.id
            if suspects:
                item.outcome, item.unsure = "unsure", suspects
                for u in suspects:
                    report.unsure.append((title, u.paper, u.score, u.why, paper.id))
            pid = paper.id
        elif pid in placed:
            report.duplicates.append((pid, raw.line))
            item.outcome, item.paper, item.how = "repeated", pid, how
        else:
            report.matched.append((pid, how))
            item.outcome = item.outcome if item.outcome == "included" else "matched"
            item.paper, item.how = pid, how
            # Found by its id, but its title is another paper's: the other may be this one
            # under the title a list gave it without an id (`GPT-3` and the arXiv title).
            for other in index.titled(title, pid) if how in ("arXiv id", "DOI") else []:
                item.outcome = "unsure" if item.outcome == "matched" else item.outcome
                item.unsure.append(Unsure(other, "same title as this one, which has no id",
                                          100.0))
                report.unsure.append((title or "", other, 100.0, item.unsure[-1].why, pid))
        if item.outcome == "included":
            item.paper = pid
        paper = collection.papers[pid]
        if pid in placed:
            # The same paper again in this list: its first place stands, the others are noted.
            if raw.section and raw.section not in placed[pid][2]:
                placed[pid][2].append(raw.section)
        else:
            placed[pid] = (position, raw, [])
            if _merge_meta(paper, raw, list_id, report):
                report.touched.add(pid)
            if item.outcome in ("created", "unsure") or (
                    item.outcome == "included" and pid in report.created):
                index.add(paper)  # with its ids, so later entries find it by them
        if raw.local_title and _local_title(paper, lang, raw.local_title, config):
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
    titles = {lang: clean_text(raw_list.title) or list_id} | list_titles
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
        entries.append(Entry(paper=pid, position=position, added=added,
                             section=clean_text(raw.section), rank=raw.rank, year=raw.year,
                             also_in=[s for s in (clean_text(a) for a in also) if s]))
    for pid, e in old.items():
        if pid not in placed:
            report.kept.append(pid)
            entries.append(e)
    rl.entries = sorted(entries, key=lambda e: e.position)


