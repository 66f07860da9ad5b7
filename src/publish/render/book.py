"""The booklet's structure: lists, chapters, sections and papers, in reading order.

Chapters follow each list's own shape:
- entries with a `section` such as `Seminal Papers / Need-to-know > NLP > 2017`: the last
  level is a section inside its chapter, the levels before it name the chapter; chapters in
  the order the list names them. Entries with no section before the first heading (a table
  under the list's own title) are its first chapter, "Papers"; those after one are "Other",
  last;
- ranked lists (`best-ai-2015-now`): by rank, a chapter per ten ranks;
- other lists: one chapter in position order;
- the whole collection: a chapter per area (papers with none in "Other", last), a section
  per year.

A chapter is a flow of units (a paper, with its section's heading when it opens one); the
booklet cuts that flow into separately rendered runs only where a unit starts a page anyway
(`publish.render.flow`), so a chapter reads as one document.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from ..languages import source_of
from ..model import Collection, Entry, ReadingList
from .i18n import AREA_NAMES, gettext, ngettext

RANKS_PER_CHAPTER = 10
ALL = "all"


@dataclass(frozen=True)
class Label:
    """A piece of text and the language it is written in."""

    text: str
    lang: str


@dataclass
class Section:
    title: Label | None
    papers: list[str] = field(default_factory=list)
    ranks: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Unit:
    """What the booklet's flow is made of: one paper, preceded by the heading of its
    section when it is the section's first paper (so a heading never ends a page alone)."""

    paper: str
    section: Label | None = None
    rank: int | None = None


@dataclass
class Chapter:
    anchor: str
    title: Label
    kicker: Label | None = None  # the part a chapter belongs to, shown above its title
    sections: list[Section] = field(default_factory=list)
    # A list with neither sections nor ranks is one chapter the booklet does not name: its
    # papers sit right under the list (no "Papers" heading, bookmark or contents level).
    implicit: bool = False

    def paper_ids(self) -> list[str]:
        return [pid for s in self.sections for pid in s.papers]

    def units(self, keep: Callable[[str], bool] | None = None) -> list[Unit]:
        """The chapter's units: papers `keep` accepts, each section's heading on its first."""
        out = []
        for section in self.sections:
            shown = [pid for pid in section.papers if keep is None or keep(pid)]
            out.extend(Unit(pid, section.title if i == 0 else None, section.ranks.get(pid))
                       for i, pid in enumerate(shown))
        return out


@dataclass
class Book:
    """One reading list (or the whole collection) as a part of the booklet."""

    id: str
    anchor: str
    title: Label
    description: Label | None
    chapters: list[Chapter] = field(default_factory=list)

    def paper_ids(self) -> list[str]:
        return [pid for c in self.chapters for pid in c.paper_ids()]


def _ui(lang: str, message: str) -> str:
    # bilingual booklets put Chinese under English, so their structural labels are English
    return gettext("en" if lang == "bilingual" else lang, message)


def _ui_lang(lang: str) -> str:
    return "en" if lang == "bilingual" else lang


def _localized(titles: dict[str, str], lang: str, fallback_lang: str) -> Label:
    code = source_of(_ui_lang(lang))
    if titles.get(code):
        text = titles[code]
        return Label(_hant(text) if lang == "zh-Hant" else text, _ui_lang(lang))
    text = titles.get(fallback_lang) or next(iter(titles.values()), "")
    return Label(text, fallback_lang)


def _hant(text: str) -> str:
    from .i18n import hant

    return hant(text)


def _data_label(text: str, lang: str, booklet: str) -> Label:
    """A name that comes from the content: translated when the catalog knows it (areas),
    else shown in the language it is written in."""
    ui = _ui_lang(booklet)
    if text in AREA_NAMES:
        return Label(gettext(ui, text), ui)
    if lang == "zh" and booklet == "zh-Hant":
        return Label(_hant(text), "zh-Hant")
    return Label(text, lang)


def list_book(collection: Collection, rl: ReadingList, lang: str, index: int) -> Book:
    book = Book(rl.id, f"l-{rl.id}", _localized(rl.title, lang, rl.lang) if rl.title
                else Label(rl.id, "en"),
                _localized(rl.description, lang, rl.lang) if rl.description else None)
    entries = [e for e in sorted(rl.entries, key=lambda e: e.position)
               if e.paper in collection.papers]
    prefix = f"c{index}"
    if any(e.section for e in entries):
        _sectioned(book, entries, rl, lang, prefix)
    elif any(e.rank is not None for e in entries):
        _ranked(book, entries, lang, prefix)
    elif entries:
        chapter = Chapter(f"{prefix}-1", Label(_ui(lang, "Papers"), _ui_lang(lang)),
                          implicit=True)
        chapter.sections.append(Section(None, [e.paper for e in entries]))
        book.chapters.append(chapter)
    return book


def _sectioned(book: Book, entries: list[Entry], rl: ReadingList, lang: str,
               prefix: str) -> None:
    chapters: dict[tuple[str, ...], Chapter] = {}
    headed = False  # an entry with a section was seen
    for entry in entries:
        levels = tuple(p.strip() for p in (entry.section or "").split(">") if p.strip())
        headed = headed or bool(levels)
        if not levels:  # before any heading: the list's first papers; after one: the rest
            key, section_title = ("", "") if headed else ("",), None
        elif len(levels) == 1:
            key, section_title = levels, None
        else:
            key, section_title = levels[:-1], levels[-1]
        chapter = chapters.get(key)
        if chapter is None:
            if not any(key):
                name = "Papers" if key == ("",) else "Other"
                title, kicker = Label(_ui(lang, name), _ui_lang(lang)), None
            else:
                title = _data_label(key[-1], rl.lang, lang)
                kicker = (_data_label(" › ".join(key[:-1]), rl.lang, lang)
                          if len(key) > 1 else None)
            chapter = chapters[key] = Chapter(f"{prefix}-{len(chapters) + 1}", title, kicker)
        label = _data_label(section_title, rl.lang, lang) if section_title else None
        if not chapter.sections or chapter.sections[-1].title != label:
            chapter.sections.append(Section(label))
        chapter.sections[-1].papers.append(entry.paper)
    # in the list's order, "Other" (entries with no section after a heading) last
    book.chapters.extend(sorted(chapters.values(), key=lambda c: c is chapters.get(("", ""))))


def _ranked(book: Book, entries: list[Entry], lang: str, prefix: str) -> None:
    ranked = sorted(entries, key=lambda e: (e.rank is None, e.rank or 0, e.position))
    for start in range(0, len(ranked), RANKS_PER_CHAPTER):
        group = ranked[start : start + RANKS_PER_CHAPTER]
        ranks = [e.rank for e in group if e.rank is not None]
        if ranks:
            text = _ui(lang, "Ranks %(first)s–%(last)s") % {"first": min(ranks),
                                                             "last": max(ranks)}
        else:
            text = _ui(lang, "Unranked")
        chapter = Chapter(f"{prefix}-{start // RANKS_PER_CHAPTER + 1}",
                          Label(text, _ui_lang(lang)))
        section = Section(None, [e.paper for e in group],
                          {e.paper: e.rank for e in group if e.rank is not None})
        chapter.sections.append(section)
        book.chapters.append(chapter)


def collection_book(collection: Collection, lang: str, title: Label | None = None) -> Book:
    """The whole collection: a chapter per area, a section per year. Its title is `title`,
    or "All papers" (the booklet's cover already names the collection)."""
    book = Book(ALL, f"l-{ALL}", title or Label(_ui(lang, "All papers"), _ui_lang(lang)),
                None)
    by_area: dict[str, list[str]] = {}
    for pid, paper in collection.papers.items():
        by_area.setdefault(paper.meta.area or "", []).append(pid)
    areas = sorted((a for a in by_area if a), key=str.casefold) + ([""] if "" in by_area
                                                                   else [])
    for n, area in enumerate(areas, 1):
        title_label = (_data_label(area, "en", lang) if area
                       else Label(_ui(lang, "Other"), _ui_lang(lang)))
        chapter = Chapter(f"c0-{n}", title_label)
        papers = sorted(by_area[area], key=lambda pid: (
            collection.papers[pid].meta.year or 9999,
            collection.papers[pid].title.casefold(), pid))
        for pid in papers:
            year = collection.papers[pid].meta.year
            label = Label(str(year), "en") if year else Label(_ui(lang, "Undated"),
                                                              _ui_lang(lang))
            if not chapter.sections or chapter.sections[-1].title != label:
                chapter.sections.append(Section(label))
            chapter.sections[-1].papers.append(pid)
        book.chapters.append(chapter)
    return book


def paper_count_label(n: int, lang: str) -> str:
    return ngettext(_ui_lang(lang), "%(num)s paper", "%(num)s papers", n) % {"num": n}
