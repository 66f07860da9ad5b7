"""`publish html`: the static site, rebuilt incrementally.

Per site language: `<lang>/index.html` (lists, counts, coverage), `<lang>/lists/<id>.html`
(each list in its own structure; `all` for the whole collection by area and year) and
`<lang>/papers/<id>.html`; `index.html` at the top picks a language; `assets/site.css`.
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
plain text or cached, no catalogs, OpenCC or babel data when every string is known).
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..config import Config
from ..errors import PublishError
from ..languages import LANGUAGES, source_of
from ..model import Collection, Paper
from ..outputs import check_output, sweep, write_output
from ..render.i18n import html_lang
from ..sanitise import safe_relative
from ..status import Summary, paper_status
from ..workers import pool_options
from .cache import CACHE_NAME, Blocks, SiteCache, Texts, fingerprint
from .pages import Pages, View, list_path, paper_path

if TYPE_CHECKING:
    import jinja2

SITE_VERSION = "2"
# Pages to render before a second process pays for itself: forking, and the cache entries
# each worker computes and sends back, cost about 0.1 s.
_PARALLEL_FROM = 600
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


@dataclass
class _Job:
    path: str  # relative to out
    key: str
    kind: str  # paper, list, all, index, root, css
    lang: str
    arg: str = ""


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
                 cache: SiteCache | None) -> None:
        self.config = config
        self.collection = collection
        self.site_langs = site_langs
        self.languages = tuple(config.languages)
        self.cache = cache
        self.fingerprint = cache.fingerprint if cache else fingerprint(self.languages)
        self.texts = Texts(cache.load("text") if cache else {})
        self.blocks = Blocks(cache)
        self.digests = {pid: _paper_hash(p) for pid, p in collection.papers.items()}
        self.states, self.new_states = self._states()
        self._env: jinja2.Environment | None = None
        self._pages: dict[str, Pages] = {}
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

    def title(self, lang: str) -> str:
        code = source_of(lang)
        text = self.config.title.get(code) or next(iter(self.config.title.values()), "")
        return self.texts.hant(text) if lang == "zh-Hant" else text

    # ---- what to render --------------------------------------------------------------

    def jobs(self) -> list[_Job]:
        col = self.collection
        base = _key(SITE_VERSION, self.fingerprint,
                    templates_hash(self.config.root / "templates"),
                    repr(self.languages), repr(self.site_langs), repr(self.config.title))
        lists_of: dict[str, list[str]] = {}
        for list_id, rl in sorted(col.lists.items()):
            head = repr((list_id, rl.title, rl.lang))  # once per list, not per entry
            for e in rl.entries:
                lists_of.setdefault(e.paper, []).append(f"{head}{e.rank!r}{e.section!r}")
        heads = repr([(lid, rl.title, rl.lang, rl.description)
                      for lid, rl in sorted(col.lists.items())])
        titles = {pid: _title_inputs(p) for pid, p in col.papers.items()}
        # a paper page: the paper and the lists it is in (the same in every language)
        paper_keys = {pid: _key(digest, *lists_of.get(pid, ()))
                      for pid, digest in self.digests.items()}
        jobs = [_Job("assets/site.css", base, "css", ""),
                _Job("index.html", base, "root", "")]
        # what the index and list pages show, per content language (zh-Hant shares zh's)
        per_code: dict[str, tuple[str, str, dict[str, str]]] = {}
        pids = sorted(col.papers)
        for lang in self.site_langs:
            code = source_of(lang)
            if code not in per_code:
                states = self.states[code]
                summaries = self.summaries[code]
                index = "\0".join((heads, repr({k: s.as_dict() for k, s in summaries.items()}),
                                   repr(self.totals[code].as_dict())))
                every = "\0".join([f"{pid}{titles[pid]}{states[pid]}" for pid in pids])
                lists = {list_id: "\0".join((heads, repr(
                    [(e.paper, e.position, e.rank, e.section, titles[e.paper], states[e.paper])
                     for e in rl.entries if e.paper in col.papers]),
                    repr(summaries[list_id].as_dict())))
                    for list_id, rl in sorted(col.lists.items())}
                per_code[code] = (index, every, lists)
            index, every, lists = per_code[code]
            jobs.append(_Job(f"{lang}/index.html", _key(base, lang, index), "index", lang))
            jobs.append(_Job(list_path(lang, "all"), _key(base, lang, every), "all", lang))
            for list_id, inputs in lists.items():
                jobs.append(_Job(list_path(lang, list_id), _key(base, lang, inputs),
                                 "list", lang, list_id))
            lang_base = _key(base, lang)
            for pid in sorted(col.papers):
                jobs.append(_Job(paper_path(lang, pid), lang_base + paper_keys[pid], "paper",
                                 lang, pid))
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
                                      self.blocks, self.texts, self.states, self._shared)
        return self._pages[lang]

    def prepare(self, todo: list[_Job]) -> None:
        """Before forking: templates compiled and block HTML loaded once, for all workers."""
        self.blocks.preload()
        kinds = {j.kind for j in todo}
        names = {"css": "site/site.css", "root": "site/root.html", "paper": "site/paper.html",
                 "list": "site/list.html", "all": "site/list.html", "index": "site/index.html"}
        for kind in kinds:
            self.env().get_template(names[kind])
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

    def render(self, job: _Job) -> bytes:
        env = self.env()
        if job.kind == "css":
            return env.get_template("site/site.css").render().encode()
        if job.kind == "root":
            langs = [View(href=f"{c}/index.html", tag=html_lang(c),
                          name=LANGUAGES[c].native, title=self.title(c))
                     for c in self.site_langs]
            return env.get_template("site/root.html").render(
                langs=langs, title=self.title(self.site_langs[0]),
                html_lang=html_lang(self.site_langs[0])).encode()
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
        else:
            context = pages.index_context(self.title(job.lang), self.summaries[code],
                                          self.totals[code])
            template = "site/index.html"
        context["site_title"] = self.title(job.lang)
        context.update(pages.globals())
        return env.get_template(template).render(**context).encode()


# ---- writing ----------------------------------------------------------------------------


@dataclass
class _Run:
    """What a worker needs besides the site: where pages go and what is there now."""

    site: _Site
    out: Path
    old: dict[str, list[str]]
    existing: set[str]


@dataclass
class _Done:
    pages: list[tuple[str, str, bool]]  # (path, hash of bytes, written)
    blocks: dict[str, str]
    texts: dict[tuple[object, ...], str]


_SHARED: _Run | None = None


def _render_many(jobs: list[_Job]) -> _Done:
    """Render and write (only pages whose bytes changed); in a worker or in the parent."""
    run = _SHARED
    assert run is not None
    site = run.site
    done: list[tuple[str, str, bool]] = []
    for job in jobs:
        data = site.render(job)
        digest = hashlib.sha1(data).hexdigest()
        target = run.out / job.path
        there = job.path in run.existing
        previous = run.old.get(job.path)
        same = there and ((previous is not None and previous[1] == digest)
                          or target.read_bytes() == data)
        if not same:
            _write(target, data, atomic=there)
        done.append((job.path, digest, not same))
    # what this batch added to the caches goes back to the parent (once: a worker's next
    # batch starts afresh)
    blocks, site.blocks.added = site.blocks.added, {}
    texts, site.texts.added = site.texts.added, {}
    return _Done(done, blocks, texts)


def _write(path: Path, data: bytes, atomic: bool = True) -> None:
    """A page replaces its old version atomically, so a reader never sees half of it. A new
    page is written in place (creating files is slow enough here that a rename doubles the
    cost): it has no manifest entry until the run ends, so a torn one is rendered again."""
    write_output(path, data, atomic)


def _existing(out: Path, site_langs: Iterable[str]) -> set[str]:
    """The files in the folders the site writes: one directory listing each, not a stat
    per page."""
    found: set[str] = set()
    for rel in ("", "assets", *(f"{lang}{sub}" for lang in site_langs
                                for sub in ("", "/lists", "/papers"))):
        try:
            with os.scandir(out / rel) as entries:
                found.update(f"{rel}/{e.name}" if rel else e.name
                             for e in entries if e.is_file())
        except OSError:
            pass
    return found


def manifest_path(config: Config, out: Path) -> Path:
    name = hashlib.sha1(str(out).encode()).hexdigest()[:10]
    return config.build_dir / f"site-manifest-{name}.json"


def _load_manifest(path: Path) -> dict[str, list[str]]:
    try:
        data = json.loads(path.read_text("utf-8"))
        pages = data.get("pages", {})
        # a manifest is data: a page outside the site (`en/../../x`) is never removed
        return {k: v for k, v in pages.items() if isinstance(v, list) and len(v) == 2
                and safe_relative(k)}
    except (OSError, ValueError, AttributeError):
        return {}


def build_site(config: Config, collection: Collection, lang: str = "all",
               out: Path | None = None, jobs: int = 0,
               progress: Callable[[int, int], None] | None = None,
               use_cache: bool = True) -> SiteResult:
    """Render the site into `out` (default build/html/); only what changed is rendered."""
    global _SHARED
    start = time.perf_counter()
    out = check_output(config.root, out, folder=True) if out else \
        (config.build_dir / "html").resolve()
    site_langs = site_languages(config, lang)
    cache = SiteCache(config.build_dir / CACHE_NAME,
                      fingerprint(config.languages)) if use_cache else None
    try:
        site = _Site(config, collection, site_langs, cache)
        todo_all = site.jobs()
        mpath = manifest_path(config, out)
        old = _load_manifest(mpath)
        existing = _existing(out, site_langs)
        sweep(out / rel for rel in existing if rel.endswith(".tmp"))  # of killed runs
        todo = [j for j in todo_all
                if j.path not in existing or old.get(j.path, [None])[0] != j.key]
        gone = [j.path for j in todo if j.path not in existing and j.path in old]
        if gone:
            # pages deleted since the last run: forget them before writing them in place
            for rel in gone:
                del old[rel]
            _write(mpath, json.dumps({"out": str(out), "pages": old}).encode())
        for rel in {str(Path(j.path).parent) for j in todo}:
            (out / rel).mkdir(parents=True, exist_ok=True)
        _SHARED = _Run(site, out, old, existing)
        try:
            done = _render(site, todo, jobs, progress)
        finally:
            _SHARED = None
        new = {j.path: old[j.path] for j in todo_all if j.path in old}
        keys = {j.path: j.key for j in todo}
        written = [rel for rel, _, wrote in done.pages if wrote]
        for rel, digest, _ in done.pages:
            new[rel] = [keys[rel], digest]
        # pages of papers and lists that are gone, in the languages this run built
        produced = {j.path for j in todo_all}
        prefixes = tuple(f"{code}/" for code in site_langs)
        removed = 0
        for rel in sorted(set(old) - produced):
            if rel.startswith(prefixes):
                (out / rel).unlink(missing_ok=True)
                removed += 1
            else:
                new[rel] = old[rel]
        if new != old:
            mpath.parent.mkdir(parents=True, exist_ok=True)
            _write(mpath, json.dumps({"out": str(out), "pages": new}).encode())
        if cache is not None:
            cache.save("block", done.blocks)
            cache.save("text", Texts.stored(done.texts))
            cache.save("paper", site.new_states)
    finally:
        if cache is not None:
            cache.close()
    return SiteResult(out, len(todo_all), len(done.pages), len(written), removed,
                      time.perf_counter() - start, written)


# Pages per chunk: small, so that the workers finish together (with 4 chunks per worker, one
# waited up to 0.2 s for the other's last chunk), large enough that handing chunks out costs
# nothing.
_CHUNK = 96


def _pieces(todo: list[_Job]) -> list[list[_Job]]:
    """Chunks for the workers, in the order they are handed out: the lists and indexes
    first (the longest pages), then a paper's pages in every language in the same chunk
    (the untranslated ones show the same source blocks, rendered once per worker)."""
    todo = sorted(todo, key=lambda j: (j.kind == "paper", j.arg, j.lang))
    return [todo[i : i + _CHUNK] for i in range(0, len(todo), _CHUNK)]


def _render(site: _Site, todo: list[_Job], jobs: int,
            progress: Callable[[int, int], None] | None) -> _Done:
    workers = jobs or min(os.cpu_count() or 1, 8)
    if not todo:
        return _Done([], {}, {})
    if len(todo) > 50:
        site.blocks.preload()
    if workers <= 1 or len(todo) < _PARALLEL_FROM:
        return _render_many(todo)
    import gc
    from concurrent.futures import ProcessPoolExecutor
    from multiprocessing import get_context

    site.prepare(todo)
    # the collector would write to every object the workers inherit, copying their pages
    gc.freeze()
    result = _Done([], {}, {})
    # forked workers share the loaded collection and caches
    pieces = _pieces(todo)
    try:
        with ProcessPoolExecutor(workers, mp_context=get_context("fork"),
                                 **pool_options()) as pool:
            for n, part in enumerate(pool.map(_render_many, pieces), 1):
                result.pages.extend(part.pages)
                result.blocks.update(part.blocks)
                result.texts.update(part.texts)
                if progress:
                    progress(n, len(pieces))
    finally:
        gc.unfreeze()
    return result


def describe(result: SiteResult) -> dict[str, Any]:
    return {"out": str(result.out), "pages": result.pages, "rendered": result.rendered,
            "written": result.written, "removed": result.removed,
            "seconds": round(result.seconds, 3)}
