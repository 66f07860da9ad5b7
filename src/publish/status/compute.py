"""Translation state of every paper, language and block: a pure function of the model.

For a target language L, the units of work are the original blocks of every *other* language
(a Chinese original needs English as much as an English one needs Chinese), and L's own
originals. L's translation blocks are paired with their source blocks the way a diff pairs
lines: first every translation whose recorded source hash still exists, in order (the longest
common subsequence); then, between two such anchors, the leftovers in order — those are
translations whose source was edited. So inserting, deleting or moving a source paragraph
never misaligns the translations after it, and an edit marks exactly its own block outdated.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from ..blocks import block_hash, parse_attrs
from ..model import HUMAN, MACHINE, TITLE, Block, Collection, Paper
from .states import CURRENT, MACHINE_STATE, MISSING, ORIGINAL, OUTDATED, RANK, Summary

_CJK_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


_WORD_RE = re.compile(r"[A-Za-z0-9][\w'’.-]*")


def text_size(text: str) -> int:
    """Work in translators' units: a word of English, a character of Chinese."""
    return len(_CJK_RE.findall(text)) + len(_WORD_RE.findall(_CJK_RE.sub(" ", text)))


@dataclass(frozen=True, slots=True)
class Unit:
    """One piece of text as it stands in language `lang`."""

    lang: str
    state: str
    source: Block | None  # the block in its origin language (None for L's own originals)
    block: Block | None  # the text in `lang` (None when missing)
    machine: bool = False  # an outdated block that is also an unreviewed machine draft

    @property
    def original(self) -> Block:
        b = self.source or self.block
        assert b is not None
        return b


@dataclass(frozen=True, slots=True)
class Orphan:
    """A translation whose source cannot be found at all: its source paragraph was deleted,
    or its marker names a language with no text. A *superseded* one is an outdated person's
    translation kept just before the newer translation of the same paragraph (machine drafting
    never replaces a person's text): it is there for reference, not a problem."""

    block: Block
    reason: str
    superseded: bool = False


@dataclass
class PaperStatus:
    paper: Paper
    lang: str
    state: str
    units: list[Unit] = field(default_factory=list)  # the body's blocks
    orphans: list[Orphan] = field(default_factory=list)
    title: Unit | None = None  # see title_unit

    @property
    def all_units(self) -> list[Unit]:
        return [self.title, *self.units] if self.title else self.units

    @property
    def work(self) -> int:
        """Source text still to translate or re-check, in `text_size` units."""
        return sum(text_size(u.original.text) for u in self.all_units
                   if u.state in (MISSING, OUTDATED, MACHINE_STATE))


def title_unit(paper: Paper, lang: str) -> Unit | None:
    """The title as a unit of text in `lang`, when it is one: when `lang` has a local title
    (a person's, or a machine draft recorded in `title_translation`), or when the paper has
    no text in any language, so that its title is all a reader in `lang` could be given.
    Otherwise a paper is listed under its title as published, which is not a gap (Chinese
    reading lists keep English titles), and machine drafting leaves it alone."""
    if lang == paper.source_lang:
        return None
    text = paper.texts.get(lang)
    local = text.local_title if text else None
    if local is None and any(t.blocks for t in paper.texts.values()):
        return None
    holder = paper.texts.get(paper.source_lang)
    title = paper.meta.title
    source = Block(TITLE, title, paper.source_lang, paper.source_lang,
                   holder.title_line if holder else 1, block_hash(title))
    if text is None or local is None:
        return Unit(lang, MISSING, source, None)
    attrs = parse_attrs(text.title_translation) if text.title_translation else None
    if attrs is None:  # a person's title, with no record of what it translated: current
        block = Block(TITLE, local, lang, source.lang, text.title_line, block_hash(local),
                      source.hash, HUMAN)
        return Unit(lang, CURRENT, source, block)
    block = Block(TITLE, local, lang, attrs["from"], text.title_line, block_hash(local),
                  attrs["src"], attrs["state"], attrs.get("by"), attrs.get("at"))
    machine = block.state == MACHINE
    if block.source_hash != source.hash:
        return Unit(lang, OUTDATED, source, block, machine=machine)
    return Unit(lang, MACHINE_STATE if machine else CURRENT, source, block, machine=machine)


def _pair(sources: Sequence[Block], translations: Sequence[Block], lang: str,
          orphans: list[Orphan]) -> list[Unit]:
    """Units for `sources` (originals of one language, in order) given `translations` of
    them into `lang` (in the order they appear in the `lang` file)."""

    def found(s: Block, t: Block) -> Unit:
        machine = t.state == MACHINE
        return Unit(lang, MACHINE_STATE if machine else CURRENT, s, t, machine=machine)

    wanted = [s.hash for s in sources]
    recorded = [t.source_hash for t in translations]
    if recorded == wanted:  # the common case: every translation in place and up to date
        return [found(s, t) for s, t in zip(sources, translations, strict=True)]
    if not translations:
        return [Unit(lang, MISSING, s, None) for s in sources]
    matcher = SequenceMatcher(None, recorded, wanted, autojunk=False)
    paired: dict[int, Unit] = {}
    gaps: list[tuple[list[int], list[Block]]] = []
    for tag, t0, t1, s0, s1 in matcher.get_opcodes():
        if tag == "equal":
            for k in range(s1 - s0):
                paired[s0 + k] = found(sources[s0 + k], translations[t0 + k])
        else:
            gaps.append((list(range(s0, s1)), list(translations[t0:t1])))
    # A paragraph that moved: its translation still names its hash, elsewhere in the file.
    loose: dict[str | None, list[Block]] = {}
    for _, pending in gaps:
        for t in pending:
            loose.setdefault(t.source_hash, []).append(t)
    for indexes, _ in gaps:
        for si in indexes:
            if loose.get(sources[si].hash):
                paired[si] = found(sources[si], loose[sources[si].hash].pop(0))
    used = {id(u.block) for u in paired.values()}
    # Only a person's translation directly followed by a machine draft of the paragraph it
    # used to translate: that is how drafting keeps what a person wrote.
    follows_paired = {id(translations[i]) for i in range(len(translations) - 1)
                      if id(translations[i + 1]) in used and translations[i].state != MACHINE
                      and translations[i + 1].state == MACHINE}
    # What is left between two anchors is an edited source and its old translation, in order.
    for indexes, pending in gaps:
        rest = [t for t in pending if id(t) not in used]
        for si in indexes:
            if si in paired:
                continue
            if rest:
                t = rest.pop(0)
                paired[si] = Unit(lang, OUTDATED, sources[si], t, machine=t.state == MACHINE)
            else:
                paired[si] = Unit(lang, MISSING, sources[si], None)
        for t in rest:
            if id(t) in follows_paired:
                orphans.append(Orphan(t, "superseded by the newer translation after it",
                                      superseded=True))
            else:
                orphans.append(Orphan(t, "its source block is gone (deleted, or edited beyond "
                                         "the blocks around it)"))
    return [paired[i] for i in range(len(sources))]


def paper_status(paper: Paper, lang: str, languages: Iterable[str]) -> PaperStatus:
    text = paper.texts.get(lang)
    mine = text.blocks if text else []
    units: list[Unit] = [Unit(lang, ORIGINAL, None, b) for b in mine if b.is_original]
    orphans: list[Orphan] = []
    others = [code for code in languages if code != lang]
    for code in others:
        other = paper.texts.get(code)
        sources = [b for b in other.blocks if b.is_original] if other else []
        translations = [b for b in mine if not b.is_original and b.origin == code]
        units += _pair(sources, translations, lang, orphans)
    for b in mine:
        if not b.is_original and b.origin not in others:
            orphans.append(Orphan(b, f"its marker names {b.origin!r}, not another language "
                                     "of the project"))
    title = title_unit(paper, lang)
    if text is None:
        state = MISSING
    elif units or title:
        state = min((u.state for u in (*units, title) if u), key=RANK.__getitem__)
    else:
        state = ORIGINAL if lang == paper.source_lang else MISSING
    return PaperStatus(paper, lang, state, units, orphans, title)


@dataclass
class StatusReport:
    languages: tuple[str, ...]
    statuses: dict[str, dict[str, PaperStatus]]  # paper id -> lang -> status
    summary: dict[str, Summary]
    lists: dict[str, dict[str, Summary]]


def collection_status(collection: Collection, languages: Sequence[str],
                      list_id: str | None = None) -> StatusReport:
    """Status of every paper (or one list's papers) in every language, with summaries."""
    languages = tuple(languages)
    papers = (collection.in_list(list_id) if list_id is not None
              else list(collection.papers.values()))
    statuses = {p.id: {lang: paper_status(p, lang, languages) for lang in languages}
                for p in papers}
    summary = {lang: Summary() for lang in languages}
    for by_lang in statuses.values():
        for lang, st in by_lang.items():
            summary[lang].add(st)
    per_list: dict[str, dict[str, Summary]] = {}
    for lid, rl in sorted(collection.lists.items()):
        if list_id is not None and lid != list_id:
            continue
        sums = {lang: Summary() for lang in languages}
        for pid in rl.paper_ids():
            for lang, st in statuses.get(pid, {}).items():
                sums[lang].add(st)
        per_list[lid] = sums
    return StatusReport(languages, statuses, summary, per_list)


def worst_first(report: StatusReport, lang: str | None = None) -> list[str]:
    """Paper ids, the most work first: worst state, then most text to translate."""
    langs = (lang,) if lang else report.languages

    def key(pid: str) -> tuple[int, int, str]:
        sts = [report.statuses[pid][code] for code in langs]
        return (min(RANK[s.state] for s in sts), -sum(s.work for s in sts), pid)

    return sorted(report.statuses, key=key)
