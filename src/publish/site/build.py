"""`publish html`: the static site, rebuilt incrementally.

Per site language: `<lang>/index.html` (lists, counts, coverage, newsletter issues),
`<lang>/lists/<id>.html` (each list in its own structure, numbered in reading order; `all`
for the whole collection by area and year), `<lang>/papers/<id>.html` (with previous/next
in each list), `<lang>/search.html` with its index `<lang>/search-index.js` (`search`),
`<lang>/issues/<n>.html` per recorded newsletter issue; `index.html` at the top picks a
language; `assets/site.css` and `assets/search.js`. When the site's address is known
([site] base_url or --base-url): `sitemap.xml` with every page's languages, and the feeds
`<lang>/feed.atom` and `feed.rss` (`feed`), which every page then links.
Links are relative, so the folder works from file:// or any web server.

Incremental: every page has a key, the hash of exactly the inputs it shows (a paper page:
the paper's files and the lists it is in; a list page: the list and the titles and states of
its papers; ...), plus the templates and this code. The manifest (`build/site-manifest-*.json`)
maps page → (key, hash of its bytes). A page whose key is unchanged and whose file is still
there is not rendered; a rendered page is written (atomically) only when its bytes changed;
pages of papers or lists that are gone are removed.

What pages are made of is remembered in `build/site-cache.sqlite` (`site.cache`): block HTML,
interface strings and each paper's translation states, so a rebuild computes only what its
changed inputs need, and imports only what that takes (no markdown-it when every block is
plain text or cached, no catalogs, OpenCC or babel data when every string is known), and
each paper's search terms per language, so the index is rebuilt from the cache. Pages are
rendered and written by `output`.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..config import Config
from ..errors import PublishError
from ..languages import LANGUAGES, source_of
from ..model import Collection, Paper
from ..outputs import check_output, sweep
from ..render.i18n import html_lang
from ..status import Summary, paper_status
from . import output
from .cache import CACHE_NAME, Blocks, SiteCache, Texts, fingerprint
from .indexes import SearchIndexes
from .output import Job
from .pages import Pages, View, issue_path, list_path, paper_path
from .search import order_key

if TYPE_CHECKING:
    import jinja2

    from .issues import IssueRecord
    from .settings import WebSettings

SITE_VERSION = "3"
_PACKAGE_TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


@dataclass
class SiteResult:
    out: Path
    pages: int
    rendered: int
    written: int
    removed: int
    seconds: float
    written_paths: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what was not made, and why


def site_languages(config: Config, lang: str) -> tuple[str, ...]:
    """`all` builds every content language and, when there is Chinese, zh-Hant."""
    every = tuple(config.languages) + (("zh-Hant",) if "zh" in config.languages else ())
    if lang == "all":
        return every
    if lang not in every:
        raise PublishError(f"--lang {lang}: the project's languages are "
                           f"{', '.join(every)}", config.root / "publish.toml")
    return (lang,)


def _key(*parts: str) -> str:
    return hashlib.sha1("\0".join(parts).encode()).hexdigest()


def templates_hash(project_templates: Path) -> str:
    """Every template file that could be used (the project's override the package's)."""
    h = hashlib.sha1()
    for root in (project_templates, _PACKAGE_TEMPLATES):
        if root.is_dir():
            for path in sorted(root.rglob("*")):
                if path.is_file():
                    h.update(str(path.relative_to(root)).encode())
                    h.update(path.read_bytes())
    return h.hexdigest()


def _paper_hash(paper: Paper) -> str:
    """Everything of a paper a page of it can show. (The repr of Meta's __dict__, not of
    Meta: the same fields in the same order, without a dataclass __repr__ per paper.)"""
    h = hashlib.sha1(f"{paper.id}\0{paper.source_lang}\0{paper.meta.__dict__!r}".encode())
    for code, text in sorted(paper.texts.items()):
        h.update(f"\0{code}\0{text.local_title!r}\0{text.title_translation!r}\0".encode())
        h.update(text.body.encode())
    return h.hexdigest()


def _title_inputs(paper: Paper) -> str:
    meta = paper.meta
    return repr((meta.title, meta.year, meta.area,
                 [(c, t.local_title, t.title_translation)
                  for c, t in sorted(paper.texts.items())]))


class _Site:
    """What every page needs, computed once: states, summaries, page keys. Rendering state
    (templates, view models) is made when the first page is rendered; workers share it
    all by fork."""

    def __init__(self, config: Config, collection: Collection, site_langs: tuple[str, ...],
                 cache: SiteCache | None, settings: WebSettings | None = None) -> None:
        self.config = config
        self.collection = collection
        self.site_langs = site_langs
        self.languages = tuple(config.languages)
        self.cache = cache
        self.settings = settings
        # feeds and a sitemap need absolute addresses
        self.base_url = settings.base_url if settings else None
        self.fingerprint = cache.fingerprint if cache else fingerprint(self.languages)
        self.texts = Texts(cache.load("text") if cache else {})
        self.blocks = Blocks(cache)
        self.digests = {pid: _paper_hash(p) for pid, p in collection.papers.items()}
        self.states, self.new_states = self._states()
        self.records = self._records()
        self.new_orders: dict[str, str] = {}
        self.orders = self._orders()
        # the search page's order, which numbers the papers in the index: newest first
        self.search_order = sorted(collection.papers, key=lambda pid: (
            -(collection.papers[pid].meta.year or 0),
            collection.papers[pid].meta.title.casefold(), pid))
        self.indexes = SearchIndexes(cache, site_langs, self.search_order, self.digests,
                                     self.pages)
        self._feeds: dict[str, dict[str, bytes]] = {}
        self._env: jinja2.Environment | None = None
        self._pages: dict[str, Pages] = {}
        self._chromes: dict[tuple[str, str, bool], View] = {}
        self._shared: dict[tuple[str, str], Any] = {}
        self.summaries: dict[str, dict[str, Summary]] = {}
        self.totals: dict[str, Summary] = {}
        for code in self.languages:
            states = self.states[code]
            per_list: dict[str, Summary] = {}
            for list_id, rl in collection.lists.items():
                s = per_list[list_id] = Summary()
                for pid in rl.paper_ids():
                    if pid in collection.papers:
                        s.papers += 1
                        s.states[states[pid]] += 1
            total = Summary()
            for state in states.values():
                total.papers += 1
                total.states[state] += 1
            self.summaries[code], self.totals[code] = per_list, total

    def _states(self) -> tuple[dict[str, dict[str, str]], dict[str, str]]:
        """Each paper's state per content language: from the cache when the paper's inputs
        are unchanged, else computed (and returned to be cached)."""
        known = self.cache.load("paper") if self.cache else {}
        states: dict[str, dict[str, str]] = {code: {} for code in self.languages}
        new: dict[str, str] = {}
        count = len(self.languages)
        for pid, paper in self.collection.papers.items():
            digest = self.digests[pid]
            # the states in the order of config.languages, comma-separated
            found = known[digest].split(",") if digest in known else []
            if len(found) != count:
                found = [paper_status(paper, code, self.languages).state
                         for code in self.languages]
                new[digest] = ",".join(found)
            for code, state in zip(self.languages, found, strict=True):
                states[code][pid] = state
        return states, new

    def _records(self) -> list[IssueRecord]:
        from .issues import load_record, record_path

        if not record_path(self.config).is_file():
            return []  # no issue yet: PyYAML is not even imported
        return load_record(self.config)

    def _orders(self) -> dict[str, list[str]]:
        """Each list's papers in reading order: the order of its page (render.book), which
        numbers them and makes previous/next. The same in every language; remembered in
        the cache, so a rebuild does not build every list's book again."""
        from ..render.book import list_book

        col = self.collection
        keys = {list_id: _key(list_id, repr([(e.paper, e.position, e.rank, e.section)
                                             for e in rl.entries if e.paper in col.papers]))
                for list_id, rl in col.lists.items()}
        known = self.cache.load("order", keys.values()) if self.cache else {}
        out = {}
        for list_id, key in sorted(keys.items()):
            value = known.get(key)
            if value is None:
                book = list_book(col, col.lists[list_id], "en", 1)
                value = self.new_orders[key] = "\n".join(book.paper_ids())
            out[list_id] = value.split("\n") if value else []
        return out

    def title(self, lang: str) -> str:
        code = source_of(lang)
        text = self.config.title.get(code) or next(iter(self.config.title.values()), "")
        return self.texts.hant(text) if lang == "zh-Hant" else text

    # ---- what to render --------------------------------------------------------------

    def jobs(self) -> list[Job]:
        col = self.collection
        # every page links the feeds when there are feeds
        base = _key(SITE_VERSION, self.fingerprint,
                    templates_hash(self.config.root / "templates"),
                    repr(self.languages), repr(self.site_langs), repr(self.config.title),
                    repr(bool(self.base_url)))
        titles = {pid: _title_inputs(p) for pid, p in col.papers.items()}
        lists_of: dict[str, list[str]] = {}
        for list_id, rl in sorted(col.lists.items()):
            head = repr((list_id, rl.title, rl.lang))  # once per list, not per entry
            for e in rl.entries:
                lists_of.setdefault(e.paper, []).append(f"{head}{e.rank!r}{e.section!r}")
            # its number in the list, and its neighbours' titles (previous/next)
            order = self.orders[list_id]
            for n, pid in enumerate(order):
                before = order[n - 1] if n else ""
                after = order[n + 1] if n + 1 < len(order) else ""
                lists_of.setdefault(pid, []).append(f"{n}/{len(order)}{before}{titles.get(before)}"
                                     f"{after}{titles.get(after)}")
        heads = repr([(lid, rl.title, rl.lang, rl.description)
                      for lid, rl in sorted(col.lists.items())])
        # a paper page: the paper and the lists it is in (the same in every language)
        paper_keys = {pid: _key(digest, *lists_of.get(pid, ()))
                      for pid, digest in self.digests.items()}
        # an issue shows its papers as they read today, under their lists' titles
        issues = {r.number: _key(heads, repr(r.as_yaml()), *(
            f"{pid}{self.digests.get(pid)}{lists_of.get(pid)}" for pid in r.papers + r.updated))
            for r in self.records}
        jobs = [Job("assets/site.css", base, "css", ""),
                Job("assets/search.js", base, "js", ""),
                Job("index.html", base, "root", "")]
        # what the index and list pages show, per content language (zh-Hant shares zh's)
        per_code: dict[str, tuple[str, str, str, dict[str, str]]] = {}
        pids = sorted(col.papers)
        recorded = repr([(r.number, r.day) for r in self.records])
        terms = "\0".join(self.digests[pid] for pid in self.search_order)
        for lang in self.site_langs:
            code = source_of(lang)
            if code not in per_code:
                states = self.states[code]
                summaries = self.summaries[code]
                index = "\0".join((heads, repr({k: s.as_dict() for k, s in summaries.items()}),
                                   repr(self.totals[code].as_dict()), recorded))
                every = "\0".join([f"{pid}{titles[pid]}{states[pid]}" for pid in pids])
                search = "\0".join([f"{pid}{titles[pid]}{states[pid]}"
                                    f"{col.papers[pid].meta.authors[:4]}"
                                    for pid in self.search_order])
                lists = {list_id: "\0".join((heads, repr(
                    [(e.paper, e.position, e.rank, e.section, titles[e.paper], states[e.paper])
                     for e in rl.entries if e.paper in col.papers]),
                    repr(summaries[list_id].as_dict())))
                    for list_id, rl in sorted(col.lists.items())}
                per_code[code] = (index, every, search, lists)
            index, every, search, lists = per_code[code]
            jobs.append(Job(f"{lang}/index.html", _key(base, lang, index), "index", lang))
            jobs.append(Job(list_path(lang, "all"), _key(base, lang, every), "all", lang))
            jobs.append(Job(f"{lang}/search.html", _key(base, lang, search), "search", lang))
            jobs.append(Job(f"{lang}/search-index.js", _key(base, lang, terms), "terms", lang))
            for list_id, inputs in lists.items():
                jobs.append(Job(list_path(lang, list_id), _key(base, lang, inputs),
                                 "list", lang, list_id))
            for number, inputs in issues.items():
                jobs.append(Job(issue_path(lang, number), _key(base, lang, inputs), "issue",
                                lang, str(number)))
            if self.base_url:
                feeds = _key(base, lang, self.base_url, repr(self.settings), *issues.values())
                jobs += [Job(f"{lang}/{name}", feeds, "feed", lang, name)
                         for name in ("feed.atom", "feed.rss")]
            lang_base = _key(base, lang)
            for pid in sorted(col.papers):
                jobs.append(Job(paper_path(lang, pid), lang_base + paper_keys[pid], "paper",
                                 lang, pid))
        if self.base_url:
            jobs.append(Job("sitemap.xml", _key(base, self.base_url, repr(sorted(col.lists)),
                                                repr(pids), repr(sorted(issues))),
                            "sitemap", ""))
        return jobs

    # ---- rendering -------------------------------------------------------------------

    def env(self) -> jinja2.Environment:
        if self._env is None:
            from .pages import environment

            self._env = environment(self.config.root / "templates",
                                    self.config.build_dir / "site-jinja")
        return self._env

    def pages(self, lang: str) -> Pages:
        if lang not in self._pages:
            self._pages[lang] = Pages(self.collection, lang, self.languages, self.site_langs,
                                      self.blocks, self.texts, self.states, self._shared,
                                      self.orders, feeds=bool(self.base_url))
        return self._pages[lang]

    def preload(self) -> None:
        self.blocks.preload()

    def take_added(self) -> dict[str, dict[str, str]]:
        added = {"block": self.blocks.added, "text": Texts.stored(self.texts.added),
                 **self.indexes.take_added()}
        self.blocks.added, self.texts.added = {}, {}
        return added

    def prepare(self, todo: list[Job]) -> None:
        """Before forking: templates compiled and block HTML loaded once, for all workers."""
        self.blocks.preload()
        kinds = {j.kind for j in todo}
        names = {"css": "site/site.css", "root": "site/root.html", "paper": "site/paper.html",
                 "list": "site/list.html", "all": "site/list.html", "index": "site/index.html",
                 "search": "site/search.html", "issue": "site/issue.html"}
        self.env().get_template("site/chrome.html")
        for kind in kinds & names.keys():
            self.env().get_template(names[kind])
        if "terms" in kinds:
            self.indexes.preload()  # from the database here, never in a worker
        # catalogs compiled, locale data and OpenCC loaded once, not in every worker
        from ..render import i18n

        for lang in self.site_langs:
            i18n.translations(lang)
            i18n.format_number(1, lang)
            if lang == "zh-Hant":
                i18n.hant("中文")
        if "paper" in kinds and len(self.blocks.known) < len(todo) // 10:
            # a cold cache: markdown-it and the MathML converter (~0.4 s to import) are
            # loaded once here, not once in every worker
            self.blocks.renderer()
            self.blocks.html("$x$", "en")

    def render(self, job: Job) -> bytes:
        env = self.env()
        if job.kind == "css":
            return env.get_template("site/site.css").render().encode()
        if job.kind == "js":  # a file as it is: no template syntax in a script
            assert env.loader is not None
            return env.loader.get_source(env, "site/search.js")[0].encode()
        if job.kind == "terms":
            return self.indexes.build(job.lang)
        if job.kind == "feed":
            return self._feed(job.lang)[job.arg]
        if job.kind == "sitemap":
            return self._sitemap()
        if job.kind == "root":
            langs = [View(href=f"{c}/index.html", tag=html_lang(c),
                          name=LANGUAGES[c].native, title=self.title(c),
                          feed=f"{c}/feed.atom",
                          feed_label=self.texts.gettext(c, "Newsletter feed (Atom)"))
                     for c in self.site_langs]
            return env.get_template("site/root.html").render(
                langs=langs, title=self.title(self.site_langs[0]),
                html_lang=html_lang(self.site_langs[0]), feeds=bool(self.base_url)).encode()
        pages = self.pages(job.lang)
        code = source_of(job.lang)
        if job.kind == "paper":
            context = pages.paper_context(self.collection.papers[job.arg])
            template = "site/paper.html"
        elif job.kind == "list":
            rl = self.collection.lists[job.arg]
            context = pages.list_context(rl, self.summaries[code][job.arg])
            template = "site/list.html"
        elif job.kind == "all":
            context = pages.all_context(self.title(job.lang), self.totals[code])
            template = "site/list.html"
        elif job.kind == "search":
            context = pages.search_context(self.title(job.lang), self.search_order,
                                           order_key(self.search_order))
            template = "site/search.html"
        elif job.kind == "issue":
            context = self._issue(pages, int(job.arg))
            template = "site/issue.html"
        else:
            context = pages.index_context(self.title(job.lang), self.summaries[code],
                                          self.totals[code], self._issue_links(job.lang))
            template = "site/index.html"
        context["site_title"] = self.title(job.lang)
        context.update(pages.globals())
        if job.kind == "search":
            context["search_page"] = True
        context["chrome"] = self._chrome(pages, context)
        return env.get_template(template).render(**context).encode()

    def _chrome(self, pages: Pages, context: dict[str, Any]) -> View:
        """What is the same on every page of a language at one depth (site/chrome.html),
        rendered once: a tenth of a page's template work otherwise."""
        key = (pages.lang, context["root"], context["search_page"])
        found = self._chromes.get(key)
        if found is None:
            from markupsafe import escape

            module = self.env().get_template("site/chrome.html").make_module(context)
            found = self._chromes[key] = View(
                head=module.head().strip("\n"), top=module.top().strip("\n"),
                foot=module.foot().strip("\n"), language=escape(pages.ui("Language")))
        return found

    # ---- search, issues, feeds, sitemap ------------------------------------------------

    def _issue_links(self, lang: str) -> list[View]:
        from ..render.i18n import format_day

        return [View(number=r.number, href=f"issues/{r.number}.html",
                     day=format_day(r.day, lang), new=len(r.papers))
                for r in reversed(self.records)]

    def _mail(self, lang: str, number: int, link_base: str | None):  # -> Mail
        from .issues import _replay
        from .mail import Mail
        from .settings import WebSettings

        record = next(r for r in self.records if r.number == number)
        return Mail(self.config, self.collection, self.settings or WebSettings(),
                    _replay(self.collection, record, None), lang, link_base=link_base)

    def _issue(self, pages: Pages, number: int) -> dict[str, Any]:
        from markupsafe import Markup

        mail = self._mail(pages.lang, number, "../../")
        context = mail.context()
        heading = mail.ui("Issue %(number)s") % {"number": number} + " · " + context["day"]
        return {"heading": heading, "body": Markup(mail.fragment()),
                "switcher": pages.switcher(lambda c: issue_path(c, number)),
                "root": "../../", "page_title": mail.subject()}

    def _feed(self, lang: str) -> dict[str, bytes]:
        if lang not in self._feeds:
            from .feed import feed_documents

            assert self.settings is not None
            self._feeds[lang] = feed_documents(self.config, self.collection, self.settings,
                                               lang, self.records)
        return self._feeds[lang]

    def _sitemap(self) -> bytes:
        from .sitemap import sitemap_xml

        assert self.base_url
        tags = {lang: html_lang(lang) for lang in self.site_langs}

        def page(path_of: Callable[[str], str]) -> dict[str, str]:
            return {tags[lang]: path_of(lang) for lang in self.site_langs}

        pages = [{"x-default": "index.html"},
                 {**page(lambda c: f"{c}/index.html"), "x-default": "index.html"},
                 page(lambda c: f"{c}/search.html"), page(lambda c: list_path(c, "all"))]
        col = self.collection
        pages += [page(lambda c, lid=lid: list_path(c, lid)) for lid in sorted(col.lists)]
        pages += [page(lambda c, n=r.number: issue_path(c, n)) for r in self.records]
        pages += [page(lambda c, pid=pid: paper_path(c, pid)) for pid in sorted(col.papers)]
        return sitemap_xml(self.base_url, pages)


def manifest_path(config: Config, out: Path) -> Path:
    name = hashlib.sha1(str(out).encode()).hexdigest()[:10]
    return config.build_dir / f"site-manifest-{name}.json"


def build_site(config: Config, collection: Collection, lang: str = "all",
               out: Path | None = None, jobs: int = 0,
               progress: Callable[[int, int], None] | None = None,
               use_cache: bool = True, settings: WebSettings | None = None) -> SiteResult:
    """Render the site into `out` (default build/html/); only what changed is rendered.
    `settings`: the site's address (for the sitemap and feeds) and the newsletter's
    sender (for the feeds' author); default: publish.toml's [site] and [digest]."""
    if settings is None:
        from .settings import load_settings

        settings = load_settings(config)
    start = time.perf_counter()
    out = check_output(config.root, out, folder=True) if out else \
        (config.build_dir / "html").resolve()
    site_langs = site_languages(config, lang)
    cache = SiteCache(config.build_dir / CACHE_NAME,
                      fingerprint(config.languages)) if use_cache else None
    try:
        site = _Site(config, collection, site_langs, cache, settings)
        todo_all = site.jobs()
        mpath = manifest_path(config, out)
        old = output.load_manifest(mpath)
        existing = output.existing(out, ("", "assets", *(
            f"{code}{sub}" for code in site_langs
            for sub in ("", "/lists", "/papers", "/issues"))))
        sweep(out / rel for rel in existing if rel.endswith(".tmp"))  # of killed runs
        todo = [j for j in todo_all
                if j.path not in existing or old.get(j.path, [None])[0] != j.key]
        gone = [j.path for j in todo if j.path not in existing and j.path in old]
        if gone:
            # pages deleted since the last run: forget them before writing them in place
            for rel in gone:
                del old[rel]
            output.write(mpath, json.dumps({"out": str(out), "pages": old}).encode())
        for rel in {str(Path(j.path).parent) for j in todo}:
            (out / rel).mkdir(parents=True, exist_ok=True)
        def previous(rel: str, digest: str) -> bytes | None:
            if rel not in existing or old.get(rel, ["", ""])[1] != digest:
                return None
            try:
                data = (out / rel).read_bytes()
            except OSError:
                return None
            return data if hashlib.sha1(data).hexdigest() == digest else None

        site.indexes.previous = previous
        output.SHARED = output.Run(site, out, old, existing)
        try:
            done = output.render_all(site, todo, jobs, progress)
        finally:
            output.SHARED = None
        done.merge(output.Done([], site.take_added()))
        new = {j.path: old[j.path] for j in todo_all if j.path in old}
        keys = {j.path: j.key for j in todo}
        written = [rel for rel, _, wrote in done.pages if wrote]
        for rel, digest, _ in done.pages:
            new[rel] = [keys[rel], digest]
        # pages of papers, lists and issues that are gone, in the languages this run built,
        # and the site's own files it no longer makes (a sitemap without an address)
        produced = {j.path for j in todo_all}
        prefixes = tuple(f"{code}/" for code in site_langs)
        removed = 0
        for rel in sorted(set(old) - produced):
            if rel.startswith(prefixes) or "/" not in rel:
                (out / rel).unlink(missing_ok=True)
                removed += 1
            else:
                new[rel] = old[rel]
        if new != old:
            mpath.parent.mkdir(parents=True, exist_ok=True)
            output.write(mpath, json.dumps({"out": str(out), "pages": new}).encode())
        if cache is not None:
            for kind, entries in done.added.items():
                cache.save(kind, entries)
            cache.save("paper", site.new_states)
            cache.save("order", site.new_orders)
    finally:
        if cache is not None:
            cache.close()
    notes = [] if site.base_url else [
        "no sitemap.xml and no feeds: they need the site's address ([site] base_url in "
        "publish.toml, or --base-url)"]
    return SiteResult(out, len(todo_all), len(done.pages), len(written), removed,
                      time.perf_counter() - start, written, notes)


def describe(result: SiteResult) -> dict[str, Any]:
    return {"out": str(result.out), "pages": result.pages, "rendered": result.rendered,
            "written": result.written, "removed": result.removed,
            "seconds": round(result.seconds, 3)}
