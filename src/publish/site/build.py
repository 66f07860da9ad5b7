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
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path
from typing import Any

from ..config import Config
from ..errors import PublishError
from ..model import Collection, Paper
from ..render.html import templates_digest
from ..render.i18n import content_lang, html_lang
from ..status import Summary, paper_status
from .pages import LANG_NAMES, Pages, environment, list_path, paper_path

SITE_VERSION = "1"
_PARALLEL_FROM = 300  # pages to render before a second process pays for itself


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


def _sha(*parts: object) -> str:
    h = hashlib.sha1()
    for part in parts:
        h.update(json.dumps(part, ensure_ascii=False, sort_keys=True, default=str).encode())
        h.update(b"\0")
    return h.hexdigest()


def _code_digest() -> str:
    here = Path(__file__).resolve().parent
    render = here.parent / "render"
    h = hashlib.sha1(SITE_VERSION.encode())
    for path in sorted([*here.glob("*.py"), *(render / n for n in (
            "markdown.py", "math.py", "text.py", "i18n.py", "book.py"))]):
        h.update(path.read_bytes())
    for po in sorted((here.parent / "locale").rglob("*.po")):
        h.update(po.read_bytes())
    return h.hexdigest()


def _paper_inputs(paper: Paper) -> list[object]:
    meta = paper.meta
    return [paper.id, paper.source_lang, repr(meta),
            [(code, t.local_title, t.body) for code, t in sorted(paper.texts.items())]]


def _title_inputs(paper: Paper) -> list[object]:
    return [paper.meta.title, paper.meta.year, paper.meta.area,
            [(c, t.local_title) for c, t in sorted(paper.texts.items())]]


class _Site:
    """Everything a worker needs to render any page; built once, shared by fork."""

    def __init__(self, config: Config, collection: Collection, site_langs: tuple[str, ...]):
        self.config = config
        self.collection = collection
        self.site_langs = site_langs
        self.languages = tuple(config.languages)
        self.env = environment(config.root / "templates")
        self.pages = {lang: Pages(collection, lang, self.languages, site_langs)
                      for lang in site_langs}
        self.states = {code: {pid: paper_status(p, code, self.languages).state
                              for pid, p in collection.papers.items()}
                       for code in self.languages}
        self.summaries: dict[str, dict[str, Summary]] = {}
        self.totals: dict[str, Summary] = {}
        for code in self.languages:
            per_list: dict[str, Summary] = {}
            for list_id, rl in self.collection.lists.items():
                s = per_list[list_id] = Summary()
                for pid in rl.paper_ids():
                    if pid in collection.papers:
                        s.papers += 1
                        s.states[self.states[code][pid]] += 1
            total = Summary()
            for state in self.states[code].values():
                total.papers += 1
                total.states[state] += 1
            self.summaries[code], self.totals[code] = per_list, total

    def title(self, lang: str) -> str:
        code = content_lang(lang)
        text = self.config.title.get(code) or next(iter(self.config.title.values()), "")
        if lang == "zh-Hant":
            from ..render.i18n import hant

            text = hant(text)
        return text

    def jobs(self) -> list[_Job]:
        base = _sha(SITE_VERSION, _code_digest(), templates_digest(self.config.root / "templates"),
                    self.languages, self.site_langs, self.config.title)
        col = self.collection
        lists_of: dict[str, list[object]] = {}
        for list_id, rl in sorted(col.lists.items()):
            for e in rl.entries:
                lists_of.setdefault(e.paper, []).append(
                    [list_id, rl.title, e.rank, e.section])
        jobs = [_Job("assets/site.css", base, "css", ""),
                _Job("index.html", base, "root", "")]
        list_heads = [[lid, rl.title, rl.description] for lid, rl in sorted(col.lists.items())]
        for lang in self.site_langs:
            code = content_lang(lang)
            states = self.states[code]
            jobs.append(_Job(f"{lang}/index.html", _sha(
                base, lang, list_heads,
                {k: s.as_dict() for k, s in self.summaries[code].items()},
                self.totals[code].as_dict()), "index", lang))
            jobs.append(_Job(list_path(lang, "all"), _sha(
                base, lang, [[pid, _title_inputs(p), states[pid]]
                             for pid, p in sorted(col.papers.items())]), "all", lang))
            for list_id, rl in sorted(col.lists.items()):
                entries = [[e.paper, e.position, e.rank, e.section,
                            _title_inputs(col.papers[e.paper]), states[e.paper]]
                           for e in rl.entries if e.paper in col.papers]
                jobs.append(_Job(list_path(lang, list_id), _sha(
                    base, lang, list_heads, entries,
                    self.summaries[code][list_id].as_dict()), "list", lang, list_id))
            for pid, paper in sorted(col.papers.items()):
                jobs.append(_Job(paper_path(lang, pid), _sha(
                    base, lang, _paper_inputs(paper), lists_of.get(pid, [])), "paper",
                    lang, pid))
        return jobs

    def render(self, job: _Job) -> bytes:
        env = self.env
        if job.kind == "css":
            return env.get_template("site/site.css").render().encode()
        if job.kind == "root":
            langs = [{"href": f"{c}/index.html", "tag": html_lang(c),
                      "name": LANG_NAMES.get(c, c), "title": self.title(c)}
                     for c in self.site_langs]
            return env.get_template("site/root.html").render(
                langs=langs, title=self.title(self.site_langs[0]),
                html_lang=html_lang(self.site_langs[0])).encode()
        pages = self.pages[job.lang]
        code = content_lang(job.lang)
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


_SHARED: _Site | None = None


def _render_many(jobs: list[_Job]) -> list[tuple[str, bytes]]:
    assert _SHARED is not None
    return [(job.path, _SHARED.render(job)) for job in jobs]


def _atomic_write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def manifest_path(config: Config, out: Path) -> Path:
    name = hashlib.sha1(str(out).encode()).hexdigest()[:10]
    return config.build_dir / f"site-manifest-{name}.json"


def _load_manifest(path: Path) -> dict[str, list[str]]:
    try:
        data = json.loads(path.read_text("utf-8"))
        pages = data.get("pages", {})
        return {k: v for k, v in pages.items() if isinstance(v, list) and len(v) == 2}
    except (OSError, ValueError, AttributeError):
        return {}


def build_site(config: Config, collection: Collection, lang: str = "all",
               out: Path | None = None, jobs: int = 0,
               progress: Callable[[int, int], None] | None = None) -> SiteResult:
    """Render the site into `out` (default build/html/); only what changed is rendered."""
    global _SHARED
    start = time.perf_counter()
    out = (out or config.build_dir / "html").resolve()
    site = _Site(config, collection, site_languages(config, lang))
    todo_all = site.jobs()
    mpath = manifest_path(config, out)
    old = _load_manifest(mpath)
    todo = [j for j in todo_all
            if old.get(j.path, [None])[0] != j.key or not (out / j.path).is_file()]
    _SHARED = site
    try:
        rendered = _render(todo, jobs, progress)
    finally:
        _SHARED = None
    new = {j.path: old[j.path] for j in todo_all if j.path in old}
    keys = {j.path: j.key for j in todo}
    written: list[str] = []
    for rel, data in rendered:
        digest = hashlib.sha1(data).hexdigest()
        target = out / rel
        previous = old.get(rel)
        same = previous is not None and previous[1] == digest and target.is_file()
        if not same and not (target.is_file() and target.read_bytes() == data):
            _atomic_write(target, data)
            written.append(rel)
        new[rel] = [keys[rel], digest]
    # pages of papers and lists that are gone, in the languages this run built
    produced = {j.path for j in todo_all}
    prefixes = tuple(f"{code}/" for code in site.site_langs)
    removed = 0
    for rel in sorted(set(old) - produced):
        if rel.startswith(prefixes):
            (out / rel).unlink(missing_ok=True)
            removed += 1
        else:
            new[rel] = old[rel]
    mpath.parent.mkdir(parents=True, exist_ok=True)
    _atomic_write(mpath, json.dumps({"out": str(out), "pages": new}, sort_keys=True,
                                    indent=0).encode())
    return SiteResult(out, len(todo_all), len(rendered), len(written), removed,
                      time.perf_counter() - start, written)


def _chunks(items: list[_Job], n: int) -> Iterable[list[_Job]]:
    size = max(1, -(-len(items) // n))
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _render(todo: list[_Job], jobs: int, progress: Callable[[int, int], None] | None,
            ) -> list[tuple[str, bytes]]:
    workers = jobs or min(os.cpu_count() or 1, 8)
    if workers <= 1 or len(todo) < _PARALLEL_FROM:
        return _render_many(todo)
    out: list[tuple[str, bytes]] = []
    # forked workers share the loaded collection; several chunks per worker keep them busy
    pieces = list(_chunks(todo, workers * 4))
    with ProcessPoolExecutor(workers, mp_context=get_context("fork")) as pool:
        for n, part in enumerate(pool.map(_render_many, pieces), 1):
            out.extend(part)
            if progress:
                progress(n, len(pieces))
    return out


def describe(result: SiteResult) -> dict[str, Any]:
    return {"out": str(result.out), "pages": result.pages, "rendered": result.rendered,
            "written": result.written, "removed": result.removed,
            "seconds": round(result.seconds, 3)}
