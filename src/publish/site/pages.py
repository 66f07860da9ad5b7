"""What a site page shows: view models of papers and lists for one site language.

The text choice (`render.text.shown_blocks`), Markdown (`render.markdown`, raw HTML escaped)
and interface strings (`render.i18n`) are the booklet's; only the math renderer differs:
MathML, which browsers draw natively, instead of SVG outlines.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from markupsafe import Markup, escape

from ..languages import LANGUAGES, source_of
from ..model import Collection, Entry, Paper, ReadingList, external_link
from ..render.book import Book, Label, collection_book, list_book
from ..render.i18n import N_, gettext, hant, html_lang
from ..render.markdown import cjk_latin_space
from ..render.text import Shown, paper_state, shown_blocks
from ..status import CURRENT, MISSING, ORIGINAL, PaperStatus, Summary, paper_status
from .cache import Blocks, Texts
from .wrap import join_cjk_lines

if TYPE_CHECKING:
    import jinja2

PACKAGE_TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
MAX_AUTHORS = 12
SEARCH_AUTHORS = 3  # authors named on the search page, the rest counted
# Badges and block marks, in the page's language.
BADGES = {
    "machine": N_("machine translation"),
    "outdated": N_("outdated translation"),
    "missing": N_("not translated"),
    "untranslated": N_("not translated: original text"),
}


def environment(project_templates: Path, bytecode: Path | None = None) -> jinja2.Environment:
    """The project's templates/ first, then the package's: the booklet's ChoiceLoader
    approach. A fresh environment (the booklet's is cached and holds its own globals).
    `bytecode`: a folder for compiled templates (Jinja checks each against its source)."""
    import jinja2

    if bytecode is not None:
        try:
            bytecode.mkdir(parents=True, exist_ok=True)
        except OSError:  # a read-only build folder: compile every time
            bytecode = None
    loaders: list[jinja2.BaseLoader] = []
    if project_templates.is_dir():
        loaders.append(jinja2.FileSystemLoader(str(project_templates)))
    loaders.append(jinja2.FileSystemLoader(str(PACKAGE_TEMPLATES)))
    return jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=jinja2.select_autoescape(["html", "htm", "xml"],
                                            default_for_string=True),
        undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
        # one run, one version of each template: no stat of its file per page
        auto_reload=False,
        bytecode_cache=jinja2.FileSystemBytecodeCache(str(bytecode)) if bytecode else None)


class View(dict):  # type: ignore[type-arg]
    """A dict whose keys are attributes too. Jinja looks `x.key` up as an attribute first;
    on a plain dict that raises (and catches) an AttributeError for every lookup, which is
    a tenth of the time of a page."""

    __slots__ = ()

    def __getattr__(self, name: str) -> Any:
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None


def paper_path(lang: str, pid: str) -> str:
    return f"{lang}/papers/{pid}.html"


def list_path(lang: str, list_id: str) -> str:
    return f"{lang}/lists/{list_id}.html"


def issue_path(lang: str, number: int) -> str:
    """A newsletter issue's page: the feeds' entries link it."""
    return f"{lang}/issues/{number}.html"


def label_markup(item: Label) -> Markup:
    """Text in a span that says its language."""
    # Markup.format goes through string.Formatter: ten times slower for one span
    return Markup(f'<span lang="{escape(html_lang(item.lang))}">{escape(item.text)}</span>')


def paper_link(paper: Paper) -> tuple[str | None, str | None]:
    return external_link(paper.meta)


def arxiv_search(paper: Paper) -> str | None:
    """Papers with no arXiv id still get a way there: a title search on arXiv."""
    if paper.meta.arxiv:
        return None
    from urllib.parse import urlencode

    return "https://arxiv.org/search/?" + urlencode(
        {"query": paper.meta.title, "searchtype": "title"})


def titles(paper: Paper, lang: str, to_hant: Callable[[str], str] = hant,
           ) -> tuple[Label, Label | None]:
    """The title in `lang` and, when it differs, the title as published; a formula in a title
    is plain text (render.titles), as in <title>, links, e-mail subjects and feeds."""
    from ..render.titles import plain_title

    original = Label(plain_title(paper.meta.title), "en")
    code = source_of(lang)
    text = paper.texts.get(code)
    if text and text.local_title and text.local_title != paper.meta.title:
        local = to_hant(text.local_title) if lang == "zh-Hant" else text.local_title
        if code == "zh":
            local = cjk_latin_space(local)
        return Label(plain_title(local), lang), original
    return original, None


def ui_text(lang: str, message: str) -> str:
    return gettext(lang, message)


@dataclass
class BlockView:
    html: Markup
    lang: str
    kind: str
    state: str
    marks: list[tuple[str, str]] = field(default_factory=list)  # (kind, text)


@dataclass
class Item:
    """A paper in a list on an index or list page."""

    id: str
    href: str
    title: Label
    original_title: Label | None
    year: int | None
    state: str
    badge: str | None
    rank: int | None = None
    number: int | None = None  # its number in the list's reading order (or its rank)
    byline: str | None = None  # on the search page: who wrote it (the first few)
    more_authors: str | None = None  # "and 5 others", in the page's language
    tag: str = ""  # the titles' languages as `lang` attributes: no template call per item
    original_tag: str = ""


class Pages:
    """View models for one site language; `ui` and formatting in that language.

    `states` (content language -> paper id -> state) saves computing states again; `texts`
    and `blocks` remember strings and block HTML across pages and runs; `shared` holds what
    the languages have in common (a paper's status in zh is the same for zh and zh-Hant)."""

    def __init__(self, collection: Collection, lang: str, languages: tuple[str, ...],
                 site_langs: tuple[str, ...], blocks: Blocks | None = None,
                 texts: Texts | None = None,
                 states: dict[str, dict[str, str]] | None = None,
                 shared: dict[tuple[str, str], Any] | None = None,
                 orders: dict[str, list[str]] | None = None, feeds: bool = False):
        self.collection = collection
        self.lang = lang
        self.languages = languages
        self.site_langs = site_langs
        self.blocks = blocks or Blocks(None)
        self.t = texts or Texts({})
        self.states = states or {}
        self._entry_index: dict[str, dict[str, Entry]] = {}
        self.shared: dict[tuple[str, str], Any] = shared if shared is not None else {}
        # a paper's titles appear on its page and in every list it is in
        self._titles: dict[str, tuple[Label, Label | None]] = {}
        self._shown: dict[str, list[Shown]] = {}
        self._neighbours: dict[str, View] = {}
        self._globals: dict[str, Any] | None = None
        # each list's papers in reading order (the list page's order): numbers, previous/next
        self.orders = orders or {}
        self._places: dict[str, dict[str, int]] = {}
        self.feeds = feeds  # the site has feeds (it knows its address): pages link them

    def ui(self, message: str) -> str:
        return self.t.gettext(self.lang, message)

    def globals(self) -> dict[str, Any]:
        """What every template of this language can call: the same for every page."""
        if self._globals is None:
            self._globals = self._make_globals()
        return self._globals

    def _make_globals(self) -> dict[str, Any]:
        lang = self.lang
        t = self.t

        def label(item: Label | None) -> Markup:
            return Markup("") if item is None else label_markup(item)

        # the words of a paper's page, looked up once (a template call costs more)
        previous, following = t.gettext(lang, "Previous"), t.gettext(lang, "Next")
        steps = View(previous=escape(f"← {previous}"), next=escape(f"{following} →"))
        words = View(
            citations=escape(t.gettext(lang, "Citations")),
            search_arxiv=escape(t.gettext(lang, "Search arXiv")),
            in_lists=escape(t.gettext(lang, "In lists")),
            untranslated=escape(t.gettext(lang, "This paper is not translated into this "
                                                "language yet. The original text is shown "
                                                "below.")))
        return {"ui": lambda m: escape(t.gettext(lang, m)), "label": label, "steps": steps,
                "words": words,
                "lang_tag": html_lang, "html_lang": html_lang(lang), "lang": lang,
                "feeds": self.feeds, "search_page": False,
                "number": lambda n: t.format_number(n, lang),
                "plural": lambda s, p, n: t.ngettext(lang, s, p, n) % {
                    "num": t.format_number(n, lang)}}

    # ---- states ---------------------------------------------------------------------

    def state(self, paper: Paper) -> str:
        known = self.states.get(source_of(self.lang), {}).get(paper.id)
        return known or paper_state(paper, self.lang, self.languages)

    def badge(self, state: str) -> str | None:
        return self.ui(BADGES[state]) if state in BADGES else None

    def titles(self, paper: Paper) -> tuple[Label, Label | None]:
        found = self._titles.get(paper.id)
        if found is None:
            found = self._titles[paper.id] = titles(paper, self.lang, self.t.hant)
        return found

    def item(self, pid: str, rank: int | None = None, prefix: str = "../",
             number: int | None = None) -> Item:
        paper = self.collection.papers[pid]
        title, original = self.titles(paper)
        state = self.state(paper)
        return Item(pid, f"{prefix}papers/{pid}.html", title, original, paper.meta.year,
                    state, self.badge(state), rank, number, tag=html_lang(title.lang),
                    original_tag=html_lang(original.lang) if original else "")

    def place(self, list_id: str, pid: str) -> int | None:
        """The paper's number (from 1) in the list's reading order."""
        places = self._places.get(list_id)
        if places is None:
            places = self._places[list_id] = {
                p: n for n, p in enumerate(self.orders.get(list_id, ()), 1)}
        return places.get(pid)

    def _neighbour(self, list_id: str, number: int) -> View | None:
        """The paper at `number` in a list, as a previous/next link shows it."""
        order = self.orders.get(list_id, [])
        if not 1 <= number <= len(order):
            return None
        pid = order[number - 1]
        found = self._neighbours.get(pid)
        if found is None:
            title, _ = self.titles(self.collection.papers[pid])
            found = self._neighbours[pid] = View(href=f"{pid}.html", title=title,
                                                 label=label_markup(title))
        return found

    # ---- pages ----------------------------------------------------------------------

    def switcher(self, path_of: Any, up: str = "../../") -> list[dict[str, Any]]:
        """Links to the same page in every site language; `path_of(lang)` is the path,
        `up` the way from this page to the site's root."""
        return [View(lang=code, tag=html_lang(code), name=LANGUAGES[code].native,
                     href=up + path_of(code), current=code == self.lang)
                for code in self.site_langs]

    def shown(self, paper: Paper) -> list[Shown]:
        """The blocks the paper's page shows (its search terms are taken from them too)."""
        found = self._shown.get(paper.id)
        if found is None:
            found = self._shown[paper.id] = shown_blocks(paper, self.lang, self.languages,
                                                         "source") or []
        return found

    def paper_context(self, paper: Paper) -> dict[str, Any]:
        lang = self.lang
        shown = self.shown(paper)
        blocks = [self._block(s) for s in shown]
        previous: list[tuple[str, str]] | None = None
        for block in blocks:
            # one "not translated" mark for a run of source blocks
            if block.state == MISSING and block.marks == previous:
                previous, block.marks = block.marks, []
            else:
                previous = block.marks if block.state == MISSING else None
        code = source_of(lang)
        status = self._status(paper, code)
        state = self.state(paper)
        title, original = self.titles(paper)
        link, link_label = paper_link(paper)
        meta = paper.meta
        authors = meta.authors[:MAX_AUTHORS]
        more = len(meta.authors) - len(authors)
        sources = [c for c in self.languages if c != code and c in paper.texts]
        untranslated = status.state == MISSING and not any(
            u.state != MISSING for u in status.units)
        memberships = []
        for list_id in meta.lists:
            rl = self.collection.lists.get(list_id)
            if rl is None:
                continue
            entry = self._entries(list_id).get(paper.id)
            number = self.place(list_id, paper.id)
            total = len(self.orders.get(list_id, ()))
            list_title = self.list_title(rl)
            memberships.append(View(
                href=f"../lists/{list_id}.html", title=list_title,
                label=label_markup(list_title),
                rank=entry.rank if entry else None,
                section=entry.section if entry else None,
                section_lang=html_lang(rl.lang),
                place=(self.t.gettext(lang, "%(number)s of %(total)s") % {
                    "number": self.t.format_number(number, lang),
                    "total": self.t.format_number(total, lang)}) if number else None,
                previous=self._neighbour(list_id, number - 1) if number else None,
                next=self._neighbour(list_id, number + 1) if number else None))
        citations = self.t.format_count(meta.citations, lang) if meta.citations is not None \
            else None
        arxiv = self._once(("arxiv", paper.id), lambda: arxiv_search(paper))
        # the first of the facts line, which has no " · " before it
        first_fact = next((name for name, value in (
            ("year", meta.year), ("venue", meta.venue), ("citations", citations),
            ("link", link), ("arxiv_search", arxiv), ("badge", self.badge(state)))
            if value), None)
        return {
            "paper": paper, "title": title, "original_title": original,
            "title_tag": html_lang(title.lang),
            "original_tag": html_lang(original.lang) if original else None,
            "first_fact": first_fact,
            "authors": ", ".join(authors),
            "more_authors": (self.t.ngettext(lang, "and %(num)s other", "and %(num)s others",
                                             more) % {"num": more}) if more else None,
            "year": meta.year, "venue": meta.venue,
            "citations": citations, "link": link, "link_label": link_label,
            "arxiv_search": arxiv,
            "blocks": blocks, "state": state,
            "badge": self.badge(state), "untranslated": untranslated,
            "source_pages": [View(href=f"../../{paper_path(c, paper.id)}",
                                  tag=html_lang(c), name=LANGUAGES[c].native)
                             for c in sources],
            "lists": memberships,
            "switcher": self.switcher(lambda c: paper_path(c, paper.id)),
            "root": "../../", "page_title": title.text,
        }

    def _once(self, key: tuple[str, str], compute: Callable[[], Any]) -> Any:
        if key not in self.shared:
            self.shared[key] = compute()
        return self.shared[key]

    def _status(self, paper: Paper, code: str) -> PaperStatus:
        return self._once((code, paper.id),
                          lambda: paper_status(paper, code, self.languages))

    def _entries(self, list_id: str) -> dict[str, Entry]:
        found = self._entry_index.get(list_id)
        if found is None:
            found = self._entry_index[list_id] = {}
            for e in self.collection.lists[list_id].entries:
                found.setdefault(e.paper, e)
        return found

    def _block(self, shown: Shown) -> BlockView:
        marks = [(kind, self.ui(BADGES[kind])) for kind in shown.marks if kind in BADGES]
        html = "" if shown.text is None else self.blocks.html(shown.text, shown.lang)
        if LANGUAGES[shown.lang].cjk:
            html = join_cjk_lines(html)
        return BlockView(Markup(html), html_lang(shown.lang), shown.kind, shown.state, marks)

    def list_title(self, rl: ReadingList) -> Label:
        code = source_of(self.lang)
        if rl.title.get(code):
            text = rl.title[code]
            return Label(self.t.hant(text) if self.lang == "zh-Hant" else text, self.lang)
        return Label(rl.title.get(rl.lang) or next(iter(rl.title.values()), rl.id), rl.lang)

    def book_context(self, book: Book, page_path: str, summary: Summary,
                     numbered: bool = False) -> dict[str, Any]:
        """`numbered`: a reading list, whose papers are numbered in reading order (by rank
        in a ranked list), as the paper pages count them."""
        chapters = []
        ranked = any(s.ranks for c in book.chapters for s in c.sections)
        count = 0
        for chapter in book.chapters:
            sections = []
            for s in chapter.sections:
                papers = []
                for pid in s.papers:
                    count += 1
                    number = (s.ranks.get(pid) if ranked else count) if numbered else None
                    papers.append(self.item(pid, s.ranks.get(pid), number=number))
                sections.append(View(title=s.title, papers=papers))
            chapters.append(View(anchor=chapter.anchor, title=chapter.title,
                                 kicker=chapter.kicker, sections=sections))
        description = book.description and _joined(book.description)
        return {"book": book, "chapters": chapters, "summary": self.summary(summary),
                "numbered": numbered, "description": description,
                "switcher": self.switcher(lambda c: page_path.replace(
                    "{lang}", c)), "root": "../../", "page_title": book.title.text}

    def list_context(self, rl: ReadingList, summary: Summary) -> dict[str, Any]:
        index = sorted(self.collection.lists).index(rl.id) + 1
        book = list_book(self.collection, rl, self.lang, index)
        return self.book_context(book, "{lang}/lists/" + rl.id + ".html", summary,
                                 numbered=True)

    def all_context(self, site_title: str, summary: Summary) -> dict[str, Any]:
        book = collection_book(self.collection, self.lang, Label(site_title, self.lang))
        context = self.book_context(book, "{lang}/lists/all.html", summary)
        context["page_title"] = self.ui("All papers")
        return context

    def search_context(self, site_title: str, order: list[str], key: str) -> dict[str, Any]:
        """The search page: every paper, in `order` (the index's numbering), and what the
        script says as it filters them."""
        lang, t = self.lang, self.t
        items = []
        for pid in order:
            item = self.item(pid, prefix="")
            authors = self.collection.papers[pid].meta.authors
            if authors:
                item.byline = ", ".join(authors[:SEARCH_AUTHORS])
                more = len(authors) - SEARCH_AUTHORS
                if more > 0:
                    item.more_authors = t.ngettext(lang, "and %(num)s other",
                                                   "and %(num)s others", more) % {
                        "num": t.format_number(more, lang)}
            items.append(item)

        # the script fills in the number: the singular and plural forms, unformatted
        one = t.ngettext(lang, "%(num)s paper matches", "%(num)s papers match", 1)
        many = t.ngettext(lang, "%(num)s paper matches", "%(num)s papers match", 2)
        return {"items": items, "key": key, "search_page": True,
                "status": View(
                    one=one, many=many,
                    none=t.gettext(lang, "No paper matches “%(query)s”."),
                    all=t.ngettext(lang, "%(num)s paper", "%(num)s papers", len(items)) % {
                        "num": t.format_number(len(items), lang)},
                    stale=t.gettext(lang, "The search index is missing or out of date: "
                                          "every paper is listed."),
                    intext=t.gettext(lang, "found in the text")),
                "switcher": self.switcher(lambda c: f"{c}/search.html", "../"), "root": "../",
                "page_title": t.gettext(lang, "Search"), "site_title": site_title}

    def summary(self, s: Summary) -> dict[str, Any]:
        done = s.states[ORIGINAL] + s.states[CURRENT]
        return View(papers=s.papers, coverage=s.coverage, done=done, states=s.states,
                    coverage_text=f"{self.t.format_number(round(s.coverage), self.lang)}%")

    def index_context(self, site_title: str, summaries: dict[str, Summary],
                      total: Summary, issues: list[View] | None = None) -> dict[str, Any]:
        lists = []
        for list_id, rl in sorted(self.collection.lists.items()):
            lists.append(View(id=list_id, href=f"lists/{list_id}.html",
                              title=self.list_title(rl),
                              description=_description(rl, self.lang, self.t.hant),
                              summary=self.summary(summaries[list_id])))
        return {"lists": lists, "total": self.summary(total), "issues": issues or [],
                "switcher": self.switcher(lambda c: f"{c}/index.html", "../"),
                "root": "../", "page_title": site_title, "site_title": site_title}


def _description(rl: ReadingList, lang: str, to_hant: Callable[[str], str] = hant,
                 ) -> Label | None:
    code = source_of(lang)
    if rl.description.get(code):
        text = rl.description[code]
        return _joined(Label(to_hant(text) if lang == "zh-Hant" else text, lang))
    if rl.description:
        src = rl.description.get(rl.lang) or next(iter(rl.description.values()))
        return _joined(Label(src, rl.lang))
    return None


def _joined(label: Label) -> Label:
    """A description's lines joined as its language joins them (no space in Chinese)."""
    return Label(join_cjk_lines(label.text), label.lang) if LANGUAGES[label.lang].cjk \
        else label
