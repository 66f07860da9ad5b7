"""The booklet's HTML: view models of papers, and the Jinja templates that lay them out.

Templates live in the package (`publish/templates/pdf/`) and can be overridden one file at a
time by the project's own `templates/pdf/` (a ChoiceLoader looks there first). Autoescape is
on and content is only ever passed as data; Markdown comes in already rendered by
`publish.render.markdown` (raw HTML escaped), so it is the one thing marked safe.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2
from markupsafe import Markup, escape

from ..model import Collection, Paper, external_link
from ..status import title_unit
from .book import Book, Chapter, Label, Unit, paper_count_label
from .fonts import Coverage, code_point, placeholders
from .i18n import N_, format_count, gettext, html_lang, ngettext
from .markdown import cjk_latin_space
from .text import Shown, bilingual_pairs, shown_blocks
from .titles import plain_title

if TYPE_CHECKING:
    from .markdown import MarkdownRenderer

PACKAGE_TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
MAX_AUTHORS = 10
PAPER_SIZES = {  # page size, margins (top, sides, bottom), body size, page width × height
    "A5": ("A5", "15mm", "14mm", "17mm", "9.5pt", (148.0, 210.0)),
    "A4": ("A4", "22mm", "24mm", "24mm", "10.5pt", (210.0, 297.0)),
    "letter": ("letter", "22mm", "24mm", "24mm", "10.5pt", (215.9, 279.4)),
}
PT_PER_MM = 72 / 25.4
# Labels of block states, in the language of the block they mark.
_MARKS = {
    "machine": N_("machine translation"),
    "outdated": N_("outdated translation"),
    "untranslated": N_("not translated: original text"),
    "missing": N_("not yet translated"),
}


@dataclass
class BookletOptions:
    lang: str  # en, zh, zh-Hant, bilingual
    languages: tuple[str, ...]
    fallback: str = "source"
    paper_size: str = "A5"


@dataclass
class BlockView:
    html: Markup
    lang: str  # BCP 47
    kind: str
    state: str
    marks: list[tuple[str, str, str]] = field(default_factory=list)  # (kind, text, lang)


@dataclass
class PaperView:
    id: str
    anchor: str
    title: Label
    original_title: Label | None
    authors: str
    more_authors: str | None
    year: int | None
    venue: str | None
    citations: str | None
    link: str | None
    link_label: str | None
    lists: list[Label]
    rank: int | None
    blocks: list[BlockView]
    pairs: list[tuple[BlockView, BlockView]]
    # Marks of the local title shown (a machine draft, or outdated): (kind, text, lang)
    title_marks: list[tuple[str, str, str]] = field(default_factory=list)
    # Marks said once for the whole paper (bilingual: "not yet translated" when no block is)
    marks: list[tuple[str, str, str]] = field(default_factory=list)


@dataclass
class UnitView:
    paper: PaperView
    section: Label | None


@dataclass(frozen=True)
class Levels:
    """Heading levels in a chapter: list h1 > chapter h2 > section > paper."""

    section: int
    paper: int


def levels(chapter: Chapter) -> Levels:
    base = 1 if chapter.implicit else 2
    sections = any(s.title for s in chapter.sections)
    return Levels(base + 1, base + 2 if sections else base + 1)


@dataclass
class TocEntry:
    kind: str  # book, chapter, section, paper
    anchor: str
    title: Label
    kicker: Label | None = None
    children: list[TocEntry] = field(default_factory=list)


def _collapse(blocks: list[BlockView]) -> None:
    """One "not translated" label for a run of blocks that carry it, not one per block."""
    previous: list[tuple[str, str, str]] | None = None
    for block in blocks:
        marks = block.marks
        if block.state == "missing" and marks == previous:
            block.marks = []
        previous = marks if block.state == "missing" else None


def _marks(shown: Shown, lang: str) -> list[tuple[str, str, str]]:
    """(kind, label in `lang`, its lang attribute) of each mark a shown text carries."""
    return [(kind, gettext(lang, _MARKS[kind]), html_lang(lang)) for kind in shown.marks]


def ui_lang(lang: str) -> str:
    return "en" if lang == "bilingual" else lang


def _html_lang(lang: str) -> str:
    return html_lang(ui_lang(lang))


class Renderer:
    """Everything needed to turn the model into HTML for one booklet.

    A character no installed font has is printed as its code point (`fonts.placeholders`)
    and reported once in `warnings` as `FILE:LINE: …`, the first line of the content file
    it was found in (`sources`: publish.toml and the lists, besides each paper's files).
    """

    def __init__(self, collection: Collection, options: BookletOptions, project_templates: Path,
                 coverage: Coverage | None = None, subtitle: Label | None = None,
                 sources: tuple[Path, ...] = ()) -> None:
        self.collection = collection
        self.subtitle = subtitle  # the cover's second title (bilingual: the Chinese one)
        self.options = options
        self.coverage = coverage
        self.sources = sources
        self.warnings: list[str] = []
        self.env = environment(project_templates)
        self.env.globals.update(self._globals())
        self._macros = self.env.get_template("pdf/macros.html").module

    @cached_property
    def markdown(self) -> MarkdownRenderer:
        # Chinese text is spaced from Latin words by real spaces, which justification
        # stretches. Made when first needed: a rebuild from the unit cache never is.
        from .markdown import MarkdownRenderer

        return MarkdownRenderer(list_counters=True, cjk_space=" ")

    # ---- template helpers ------------------------------------------------------------

    def _globals(self) -> dict[str, Any]:
        lang = self.options.lang

        def ui(message: str) -> Markup:
            """Interface text; a bilingual booklet shows it in both languages."""
            if lang == "bilingual":
                return Markup('<span lang="en">{}</span> <span lang="zh-Hans">{}</span>').format(
                    gettext("en", message), gettext("zh", message))
            return escape(gettext(lang, message))

        def label(item: Label | None) -> Markup:
            if item is None:
                return Markup("")
            return Markup('<span lang="{}">{}</span>').format(html_lang(item.lang),
                                                              item.text)

        return {"ui": ui, "label": label, "lang_tag": html_lang, "options": self.options,
                "html_lang": _html_lang(lang)}

    def css(self, single: bool = False, opening: bool = False) -> str:
        size, top, side, bottom, body, (width, height) = PAPER_SIZES[self.options.paper_size]
        text_height = height - float(top[:-2]) - float(bottom[:-2])
        if self.options.lang != "en":
            # Chinese lines end flush when the measure is a whole number of characters.
            em = float(body[:-2]) / PT_PER_MM
            chars = int((width - 2 * float(side[:-2])) / em)
            side = f"{(width - chars * em) / 2:.3f}mm"
        return self.env.get_template("pdf/booklet.css").render(
            size=size, margin_top=top, margin_side=side, margin_bottom=bottom,
            body_size=body, keep=f"{text_height / 4:.2f}mm", single=single,
            opening=opening, lang=self.options.lang)

    def _placeholders(self, html: str, files: list[Path]) -> str:
        """`html` with characters no font has as their code points; each one reported."""
        # the markup is ASCII: every other character is content, attributes included
        missing = self.coverage.missing(html) if self.coverage is not None else []
        for char in missing:
            where = _locate(char, [*files, *self.sources])
            warning = (f"{where}: no installed font has a glyph for {code_point(char)} "
                       f"{char!r}; printed as its code point (see `publish doctor`)")
            if warning not in self.warnings:
                self.warnings.append(warning)
        return placeholders(html, missing)

    # ---- papers ----------------------------------------------------------------------

    def _block(self, shown: Shown, mark_lang: str | None = None) -> BlockView:
        lang = shown.lang
        marks = _marks(shown, mark_lang or lang)
        text = shown.text
        html = Markup("") if text is None else Markup(self.markdown.render(text, lang))
        return BlockView(html, html_lang(lang), shown.kind, shown.state, marks)

    def paper(self, paper: Paper, anchor: str, rank: int | None = None) -> PaperView | None:
        """The view of one paper, or None when --fallback skip leaves it out."""
        opts = self.options
        lang = opts.lang
        blocks: list[BlockView] = []
        pairs: list[tuple[BlockView, BlockView]] = []
        paper_marks: list[tuple[str, str, str]] = []
        if lang == "bilingual":
            found = bilingual_pairs(paper, opts.languages, opts.fallback)
            if found is None:
                return None
            pairs = [(self._block(p.en), self._block(p.zh)) for p in found]
            for side in (0, 1):
                column = [pair[side] for pair in pairs]
                if column and all(b.state == "missing" and b.marks for b in column):
                    # nothing in this language yet: said once, under the paper's title
                    paper_marks.extend(column[0].marks)
                    for b in column:
                        b.marks = []
                else:
                    _collapse(column)
        else:
            shown = shown_blocks(paper, lang, opts.languages, opts.fallback)
            if shown is None:
                return None
            blocks = [self._block(s, mark_lang=lang) for s in shown]
            _collapse(blocks)
        meta = paper.meta
        title, original = self._titles(paper)
        ui_code = ui_lang(lang)
        link, link_label = external_link(paper.meta)
        authors = meta.authors[:MAX_AUTHORS]
        more = len(meta.authors) - len(authors)
        return PaperView(
            id=paper.id, anchor=anchor, title=title, original_title=original,
            authors=", ".join(authors),
            more_authors=(ngettext(ui_code, "and %(num)s other", "and %(num)s others", more)
                          % {"num": more}) if more else None,
            year=meta.year, venue=meta.venue,
            citations=format_count(meta.citations, ui_code) if meta.citations is not None
            else None,
            link=link, link_label=link_label, lists=self._list_titles(paper), rank=rank,
            blocks=blocks, pairs=pairs, title_marks=self._title_marks(paper),
            marks=paper_marks)

    def _title_marks(self, paper: Paper) -> list[tuple[str, str, str]]:
        """A local title that is a machine draft or outdated says so, as a block does."""
        lang = ui_lang(self.options.lang)
        unit = title_unit(paper, "zh" if lang.startswith("zh") or self.options.lang ==
                          "bilingual" else "en")
        if unit is None or unit.block is None:
            return []
        return _marks(Shown(unit.block.text, lang, unit.block.kind, unit.state, unit.machine),
                      lang)

    def included(self, paper: Paper) -> Label | None:
        """The title a paper is listed under, or None when --fallback skip leaves it out:
        what the contents needs, without rendering any text."""
        opts = self.options
        if opts.fallback == "skip":
            if opts.lang == "bilingual":
                if bilingual_pairs(paper, opts.languages, opts.fallback) is None:
                    return None
            elif shown_blocks(paper, opts.lang, opts.languages, opts.fallback) is None:
                return None
        return self._titles(paper)[0]

    def _titles(self, paper: Paper) -> tuple[Label, Label | None]:
        title, original_title = self._raw_titles(paper)
        # Headings, the contents and the PDF outline cannot typeset a formula: plain text.
        return (Label(plain_title(title.text), title.lang),
                Label(plain_title(original_title.text), original_title.lang)
                if original_title else None)

    def _raw_titles(self, paper: Paper) -> tuple[Label, Label | None]:
        lang = ui_lang(self.options.lang)
        original = Label(paper.meta.title, "en")
        if lang.startswith("zh") or self.options.lang == "bilingual":
            text = paper.texts.get("zh")
            if text and text.local_title:
                local = text.local_title
                if lang == "zh-Hant":
                    from .i18n import hant

                    local = hant(local)
                local_lang = "zh-Hant" if lang == "zh-Hant" else "zh"
                if self.options.lang == "bilingual":
                    return original, Label(cjk_latin_space(local), local_lang)
                return Label(cjk_latin_space(local), local_lang), original
        en = paper.texts.get("en")
        if lang == "en" and en and en.local_title:
            return Label(en.local_title, "en"), original
        return original, None

    def _list_titles(self, paper: Paper) -> list[Label]:
        from .book import _localized

        out = []
        for list_id in paper.meta.lists:
            rl = self.collection.lists.get(list_id)
            if rl is not None and rl.title:
                out.append(_localized(rl.title, self.options.lang, rl.lang))
        return out

    # ---- documents -------------------------------------------------------------------

    def unit_html(self, unit: Unit, book_index: int, lvls: Levels) -> tuple[str, Label] | None:
        """One unit's HTML and the title the contents lists it under; None when --fallback
        skip leaves its paper out."""
        paper = self.collection.papers[unit.paper]
        view = self.paper(paper, paper_anchor(book_index, unit.paper), unit.rank)
        if view is None:
            return None
        html = str(self._macros.unit(UnitView(view, unit.section), lvls))
        return self._placeholders(html, [t.path for t in paper.texts.values()]), view.title

    def run_label(self, book: Book, chapter: Chapter) -> str:
        """The running head of a chapter's pages: the chapter, or the list when the list is
        one chapter."""
        if len(book.chapters) > 1 and not chapter.implicit:
            return chapter.title.text
        return book.title.text

    def opening_html(self, book: Book, chapter: Chapter, first_in_book: bool) -> str:
        count = paper_count_label(len(book.paper_ids()), self.options.lang)
        html = str(self._macros.opening(book, chapter, first_in_book, count,
                                        self.run_label(book, chapter)))
        return self._placeholders(html, [])

    def run_html(self, run: str, opening: str, units: list[str]) -> str:
        return self.env.get_template("pdf/run.html").render(
            run=run, opening=Markup(opening), units=[Markup(u) for u in units])

    def toc_tree(self, books: list[Book], titles: dict[str, Label]) -> list[TocEntry]:
        """The contents: lists > chapters > sections > papers, as the bookmarks nest them
        (an unnamed chapter adds no level); papers --fallback skip left out are not in it."""
        tree = []
        for bi, book in enumerate(books):
            top = TocEntry("book", book.anchor, book.title)
            for chapter in book.chapters:
                parent = top
                if not chapter.implicit:
                    parent = TocEntry("chapter", chapter.anchor, chapter.title, chapter.kicker)
                    top.children.append(parent)
                for section in chapter.sections:
                    shown = [pid for pid in section.papers if paper_anchor(bi, pid) in titles]
                    if not shown:
                        continue
                    into = parent
                    if section.title:
                        into = TocEntry("section", f"s-{paper_anchor(bi, shown[0])}",
                                        section.title)
                        parent.children.append(into)
                    into.children.extend(TocEntry("paper", paper_anchor(bi, pid),
                                                  titles[paper_anchor(bi, pid)])
                                         for pid in shown)
            tree.append(top)
        return tree

    def _front_context(self, books: list[Book], title: Label, day: str, count: int,
                       titles: dict[str, Label]) -> dict[str, Any]:
        return {"books": books, "title": title, "day": day, "subtitle": self.subtitle,
                "count_label": paper_count_label(count, self.options.lang),
                "tree": self.toc_tree(books, titles)}

    def _paper_files(self, titles: dict[str, Label]) -> list[Path]:
        ids = {anchor.split("-", 2)[2] for anchor in titles}
        return [t.path for pid in sorted(ids) if pid in self.collection.papers
                for t in self.collection.papers[pid].texts.values()]

    def front_html(self, books: list[Book], title: Label, day: str, count: int,
                   titles: dict[str, Label]) -> str:
        html = self.env.get_template("pdf/front.html").render(
            **self._front_context(books, title, day, count, titles))
        return self._placeholders(html, self._paper_files(titles))

    def single_html(self, books: list[Book], title: Label, day: str, count: int,
                    titles: dict[str, Label], chapters: list[dict[str, Any]]) -> str:
        shown = [{"run": c["run"], "opening": Markup(c["opening"]),
                  "units": [Markup(u) for u in c["units"]]} for c in chapters]
        html = self.env.get_template("pdf/single.html").render(
            chapters=shown, **self._front_context(books, title, day, count, titles))
        return self._placeholders(html, self._paper_files(titles))


def _locate(char: str, files: list[Path]) -> str:
    """`FILE:LINE` of the first line that holds `char` in the first file that does."""
    for path in files:
        try:
            text = path.read_text("utf-8")
        except OSError:
            continue
        index = text.find(char)
        if index >= 0:
            return f"{path}:{text.count(chr(10), 0, index) + 1}"
    return str(files[0]) if files else "booklet"


def paper_anchor(book_index: int, paper_id: str) -> str:
    return f"p-{book_index}-{paper_id}"


def environment(project_templates: Path) -> jinja2.Environment:
    """A Jinja environment of its own for each renderer: its globals are the renderer's
    language, and a shared one would hand them to the next booklet made in the process."""
    loaders: list[jinja2.BaseLoader] = []
    if project_templates.is_dir():
        loaders.append(jinja2.FileSystemLoader(str(project_templates)))
    loaders.append(jinja2.FileSystemLoader(str(PACKAGE_TEMPLATES)))
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=jinja2.select_autoescape(["html", "htm", "xml"]),
        undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    return env

