"""The booklet's HTML: view models of papers, and the Jinja templates that lay them out.

Templates live in the package (`publish/templates/pdf/`) and can be overridden one file at a
time by the project's own `templates/pdf/` (a ChoiceLoader looks there first). Autoescape is
on and content is only ever passed as data; Markdown comes in already rendered by
`publish.render.markdown` (raw HTML escaped), so it is the one thing marked safe.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup, escape

from ..errors import PublishError
from ..model import Collection, Paper, external_link
from ..status import title_unit
from .book import Book, Chunk, Label, paper_count_label
from .fonts import Coverage
from .i18n import N_, format_count, gettext, html_lang, ngettext
from .markdown import MarkdownRenderer, cjk_latin_space
from .text import Shown, bilingual_pairs, shown_blocks
from .titles import plain_title

PACKAGE_TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
MAX_AUTHORS = 10
PAPER_SIZES = {  # page size, margins (top, sides, bottom), body size
    "A5": ("A5", "15mm", "14mm", "17mm", "9.5pt"),
    "A4": ("A4", "22mm", "24mm", "24mm", "10.5pt"),
    "letter": ("letter", "22mm", "24mm", "24mm", "10.5pt"),
}
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


def _marks(shown: Shown, lang: str) -> list[tuple[str, str, str]]:
    """(kind, label in `lang`, its lang attribute) of each mark a shown text carries."""
    return [(kind, gettext(lang, _MARKS[kind]), html_lang(lang)) for kind in shown.marks]


def ui_lang(lang: str) -> str:
    return "en" if lang == "bilingual" else lang


def _html_lang(lang: str) -> str:
    return html_lang(ui_lang(lang))


class Renderer:
    """Everything needed to turn the model into HTML for one booklet."""

    def __init__(self, collection: Collection, options: BookletOptions, project_templates: Path,
                 coverage: Coverage | None = None, subtitle: Label | None = None) -> None:
        self.collection = collection
        self.subtitle = subtitle  # the cover's second title (bilingual: the Chinese one)
        self.options = options
        self.markdown = MarkdownRenderer(list_counters=True)
        self.coverage = coverage
        self.env = environment(project_templates)
        self.env.globals.update(self._globals())

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

    def css(self, single: bool = False) -> str:
        size, top, side, bottom, body = PAPER_SIZES[self.options.paper_size]
        return self.env.get_template("pdf/booklet.css").render(
            size=size, margin_top=top, margin_side=side, margin_bottom=bottom,
            body_size=body, single=single, lang=self.options.lang)

    # ---- papers ----------------------------------------------------------------------

    def _block(self, shown: Shown, mark_lang: str | None = None) -> BlockView:
        lang = shown.lang
        marks = _marks(shown, mark_lang or lang)
        if shown.text is None:
            html = Markup("")
        else:
            html = Markup(self.markdown.render(shown.text, lang))
            self._check_glyphs(shown.text, shown)
        return BlockView(html, html_lang(lang), shown.kind, shown.state, marks)

    def _check_glyphs(self, text: str, shown: Shown | None = None, paper: Paper | None = None,
                      ) -> None:
        if self.coverage is None:
            return
        missing = self.coverage.missing(text)
        if not missing:
            return
        chars = ", ".join(f"U+{ord(c):04X} {c!r}" for c in missing[:5])
        path = shown.path if shown else (paper.texts[paper.source_lang].path
                                         if paper and paper.source_lang in paper.texts
                                         else None)
        line = shown.line if shown else None
        who = f"paper {paper.id}: " if paper else ""
        raise PublishError(f"{who}no installed font has a glyph for {chars}; the PDF would "
                           "show empty boxes (install a font that covers them, see `publish "
                           "doctor`)", path, line)

    def paper(self, paper: Paper, anchor: str, rank: int | None = None) -> PaperView | None:
        """The view of one paper, or None when --fallback skip leaves it out."""
        opts = self.options
        lang = opts.lang
        blocks: list[BlockView] = []
        pairs: list[tuple[BlockView, BlockView]] = []
        if lang == "bilingual":
            found = bilingual_pairs(paper, opts.languages, opts.fallback)
            if found is None:
                return None
            pairs = [(self._block(p.en), self._block(p.zh)) for p in found]
        else:
            shown = shown_blocks(paper, lang, opts.languages, opts.fallback)
            if shown is None:
                return None
            blocks = [self._block(s, mark_lang=lang) for s in shown]
            previous: list[tuple[str, str, str]] | None = None
            for block in blocks:
                # one "not translated" label for a run of source blocks, not one per block
                marks = block.marks
                if block.state == "missing" and marks == previous:
                    block.marks = []
                previous = marks if block.state == "missing" else None
        meta = paper.meta
        title, original = self._titles(paper)
        for text in (title.text, original.text if original else "", " ".join(meta.authors),
                     meta.venue or ""):
            self._check_glyphs(text, paper=paper)
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
            blocks=blocks, pairs=pairs, title_marks=self._title_marks(paper))

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

    def chunk_context(self, chunk: Chunk, book_index: int) -> tuple[dict[str, Any],
                                                                    dict[str, Label]]:
        """What chunk.html needs, and the titles of the papers it shows (for the contents)."""
        sections = []
        titles: dict[str, Label] = {}
        for section in chunk.sections:
            views = []
            for pid in section.papers:
                view = self.paper(self.collection.papers[pid], paper_anchor(book_index, pid),
                                  section.ranks.get(pid))
                if view is not None:
                    views.append(view)
                    titles[view.anchor] = view.title
            sections.append((section.title, views))
        context = {"chunk": chunk, "book": chunk.book, "chapter": chunk.chapter,
                   "sections": sections,
                   "book_count": paper_count_label(len(chunk.book.paper_ids()),
                                                   self.options.lang)}
        return context, titles

    def chunk_html(self, context: dict[str, Any]) -> str:
        return self.env.get_template("pdf/chunk.html").render(**context)

    def _front_context(self, books: list[Book], title: Label, day: str, count: int,
                       titles: dict[str, Label]) -> dict[str, Any]:
        return {"books": books, "title": title, "day": day, "titles": titles,
                "subtitle": self.subtitle,
                "count_label": paper_count_label(count, self.options.lang),
                "paper_anchor": paper_anchor}

    def front_html(self, books: list[Book], title: Label, day: str, count: int,
                   titles: dict[str, Label]) -> str:
        return self.env.get_template("pdf/front.html").render(
            **self._front_context(books, title, day, count, titles))

    def single_html(self, books: list[Book], title: Label, day: str, count: int,
                    titles: dict[str, Label], contexts: list[dict[str, Any]]) -> str:
        return self.env.get_template("pdf/single.html").render(
            chunks=contexts, **self._front_context(books, title, day, count, titles))


def paper_anchor(book_index: int, paper_id: str) -> str:
    return f"p-{book_index}-{paper_id}"




@cache
def environment(project_templates: Path) -> jinja2.Environment:
    loaders: list[jinja2.BaseLoader] = []
    if project_templates.is_dir():
        loaders.append(jinja2.FileSystemLoader(str(project_templates)))
    loaders.append(jinja2.FileSystemLoader(str(PACKAGE_TEMPLATES)))
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=jinja2.select_autoescape(["html", "htm", "xml"]),
        undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    return env


def templates_hash(project_templates: Path) -> str:
    """A hash of every template file that could be used: part of the cache key."""
    h = hashlib.sha256()
    for root in (project_templates, PACKAGE_TEMPLATES):
        if not root.is_dir():
            continue
        for path in sorted(root.rglob("*")):
            if path.is_file():
                h.update(str(path.relative_to(root)).encode())
                h.update(path.read_bytes())
    return h.hexdigest()

