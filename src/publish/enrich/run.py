"""A `publish enrich` run.

1. Look up, without holding the writer lock (it can take long: arXiv answers one request
   every three seconds): load the tree, find each paper (`resolve`), every answer stored in
   build/enrich-cache.sqlite as it comes. An interrupted run has lost nothing but the
   requests in flight.
2. Write, under the writer lock: load the tree again, resolve again from the cache alone
   (the same answers, so the same works, on the tree as it is now), merge (`apply`), and
   write the changed files and content/enrich-unsure.yaml in one transaction checked against
   what this load read.

A dry run stops after 1 and reports what 2 would change, writing nothing in content/.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from .. import clock
from ..config import Config
from ..content.decisions import Merged, decisions_path, read_decisions, render_decisions
from ..content.files import paper_to_files
from ..content.load import Snapshot, load_collection
from ..content.write import ABSENT, DEFAULT_WAIT, Transaction, project_lock
from ..errors import PublishError
from ..fields import Conflict
from ..imports.guard import check_staged
from ..imports.normalise import title_key
from ..model import Collection, Paper
from ..translate.drafts import select_papers
from . import unsure
from .apply import IDS, Change, apply
from .cache import FILE_NAME, Cache
from .client import Client, ClientOptions
from .fetch import Fetcher, Progress
from .match import Target
from .record import LABELS, SOURCES, Lookup
from .resolve import Resolution, Subject, resolve
from .services import SERVICES
from .settings import FIELD_GROUPS

UPDATES = ("citations",)


@dataclass
class EnrichRequest:
    list_id: str | None = None
    paper_ids: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()  # default: all, in SOURCES order
    fields: tuple[str, ...] = ()  # default: FIELD_GROUPS
    update: tuple[str, ...] = ()  # "citations": refresh counts enrich wrote
    dry_run: bool = False
    jobs: int = 4
    timeout: float = 30.0
    retries: int = 3
    url: str | None = None  # with one source: where that source is served from
    confirm: tuple[tuple[str, str], ...] = ()  # (paper, candidate)
    reject: tuple[str, ...] = ()  # papers none of whose candidates is the paper
    wait: float = DEFAULT_WAIT


@dataclass
class PaperResult:
    id: str
    title: str
    status: str  # found, unsure, no match, failed
    how: str = ""
    changes: list[Change] = field(default_factory=list)
    conflicts: list[Change] = field(default_factory=list)
    abstract: str | None = None  # where an abstract added came from
    candidates: list[dict[str, str]] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)


@dataclass
class Result:
    sources: tuple[str, ...]
    dry_run: bool
    papers: list[PaperResult] = field(default_factory=list)
    lookups: int = 0
    requests: int = 0
    from_cache: int = 0
    seconds: float = 0.0
    written: list[Path] = field(default_factory=list)  # or, in a dry run, would be
    unsure_file: Path | None = None
    warnings: list[str] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(p.status == status for p in self.papers)

    @property
    def ok(self) -> bool:
        return not any(p.status in ("failed", "unsure") for p in self.papers)


def _check(config: Config, request: EnrichRequest) -> tuple[tuple[str, ...], set[str]]:
    sources = request.sources or SOURCES
    for name in sources:
        if name not in SOURCES:
            raise PublishError(f"unknown --source {name!r} (known: {', '.join(SOURCES)})")
    if request.url and len(sources) != 1:
        raise PublishError("--url needs exactly one --source: the service it stands for")
    if request.url and not request.url.startswith(("http://", "https://")):
        raise PublishError(f"--url must be an http(s) URL, not {request.url!r}")
    groups = set(request.fields or FIELD_GROUPS)
    for name in groups - set(FIELD_GROUPS):
        raise PublishError(f"unknown --fields {name!r} (known: {', '.join(FIELD_GROUPS)})")
    for name in request.update:
        if name not in UPDATES:
            raise PublishError(f"unknown --update {name!r} (known: {', '.join(UPDATES)})")
    return tuple(s for s in SOURCES if s in sources), groups


def enrich(config: Config, request: EnrichRequest,
           on_progress: Callable[[Progress], None] = lambda p: None) -> Result:
    """Look up, then write (see the module's docstring)."""
    sources, groups = _check(config, request)
    started = time.monotonic()
    urls = dict(config.enrich.urls)
    if request.url:
        urls[sources[0]] = request.url if request.url.endswith("/") else request.url + "/"
    options = ClientOptions(timeout=request.timeout, retries=request.retries,
                            jobs=request.jobs, mailto=config.enrich.mailto, urls=urls,
                            gate_dir=config.build_dir)
    services = {name: SERVICES[name] for name in sources}
    clients = {name: Client(service, options) for name, service in services.items()}
    cache = Cache(config.build_dir / FILE_NAME)
    result = Result(sources, request.dry_run)
    if cache.warning:
        result.warnings.append(cache.warning)
    max_age = timedelta(days=1) if "citations" in request.update else None
    try:
        looking = Fetcher(clients, cache, network=True, max_age=max_age,
                          on_progress=on_progress)
        collection = load_collection(config)
        subjects, entries = _subjects(config, collection, request)
        resolutions = resolve(subjects, services, looking.ask)
        result.lookups = looking.progress.lookups_total
        result.from_cache = looking.progress.from_cache
        result.requests = looking.sent
        if request.dry_run:
            _merge(config, collection, resolutions, entries, request, groups, result, None)
        else:
            with project_lock(config.root, "enrich", request.wait):
                _write(config, clients, cache, services, looking.failures, request, groups,
                       result)
    finally:
        cache.close()
    result.seconds = time.monotonic() - started
    return result


def _write(config: Config, clients: dict[str, Client], cache: Cache, services: dict,
           failures: dict[Lookup, str], request: EnrichRequest, groups: set[str],
           result: Result) -> None:
    collection = load_collection(config)
    seen = Snapshot(collection)
    subjects, entries = _subjects(config, collection, request)
    replay = Fetcher(clients, cache, network=False, failures=failures)
    resolutions = resolve(subjects, services, replay.ask)
    tx = Transaction(config.root)
    _merge(config, collection, resolutions, entries, request, groups, result, tx, seen)
    check_staged(config, tx, collection)  # what enrich writes, load accepts: else nothing
    result.written = tx.commit("enrich")


def _subjects(config: Config, collection: Collection, request: EnrichRequest
              ) -> tuple[list[Subject], dict[str, unsure.Waiting]]:
    path = unsure.path_of(config.content_dir)
    entries, _ = unsure.read(path)
    decided = [p for p, _ in request.confirm] + list(request.reject)
    for pid in decided:
        if pid not in collection.papers:
            select_papers(collection, None, [pid])  # says which id is unknown
    if decided:
        papers = [collection.papers[pid] for pid in dict.fromkeys(decided)]
    else:
        papers = select_papers(collection, request.list_id, request.paper_ids)
    confirmed = {pid: unsure.chosen(entries, pid, cand, path) for pid, cand in request.confirm}
    for pid in request.reject:
        entry = entries.get(pid)
        if entry is None or not entry.candidates:
            raise PublishError(f"--reject {pid}: no candidates are waiting for it in "
                               f"{path.name}")
        entry.rejected += [c["ref"] for c in entry.candidates if c.get("ref")]
        entry.candidates = []
    subjects = []
    for paper in papers:
        meta = paper.meta
        ids = {k: getattr(meta, k) for k in IDS if getattr(meta, k)}
        if paper.id in confirmed:
            kind, value = confirmed[paper.id]
            ids = {kind: value}
        target = Target(meta.title, meta.year, meta.authors[0] if meta.authors else None)
        rejected = frozenset(entries[paper.id].rejected) if paper.id in entries else frozenset()
        subjects.append(Subject(paper.id, target, ids, paper.id in confirmed, rejected))
    return subjects, entries


def _merge(config: Config, collection: Collection, resolutions: list[Resolution],
           entries: dict[str, unsure.Waiting], request: EnrichRequest, groups: set[str],
           result: Result, tx: Transaction | None, seen: Snapshot | None = None) -> None:
    """Apply every resolution to the collection in memory, record the outcome, and stage the
    changed files in `tx` (None: a dry run, which only lists them)."""
    today = clock.today().isoformat()
    paths: list[Path] = []
    for pid in [p for p in entries if p not in collection.papers]:
        del entries[pid]  # a paper deleted since: nobody needs to decide about it
    for r in resolutions:
        paper = collection.papers[r.subject.id]
        row = PaperResult(paper.id, paper.meta.title, r.status, r.how,
                          failed={LABELS[s]: why for s, why in r.failed.items()})
        if r.subject.vouched and r.records:
            _confirm(paper, r, row)
        applied = apply(paper, r, groups, config.languages,
                        config.lang_dir("en") / f"{paper.id}.md", today,
                        refresh_citations="citations" in request.update)
        row.changes += applied.changes
        row.conflicts, row.abstract = applied.conflicts, applied.abstract
        _record_waiting(entries, paper.id, r, row, result.sources)
        result.papers.append(row)
        langs = applied.langs | ({paper.source_lang} if row.changes else set())
        files = paper_to_files(paper) if langs else {}
        for lang in sorted(langs):
            target = config.lang_dir(lang) / f"{paper.id}.md"
            paths.append(target)
            if tx is not None and seen is not None:
                tx.write(target, files[lang], seen.expect(target))
    _record_titles(config, collection, result, today, paths, tx)
    path = unsure.path_of(config.content_dir)
    _, raw = unsure.read(path)
    new = unsure.render(entries) if entries or raw is not None else None
    if new is not None and new.encode("utf-8") != raw:
        paths.append(path)
        result.unsure_file = path
        if tx is not None:
            tx.write(path, new, raw if raw is not None else ABSENT)
    if tx is None:
        result.written = sorted(set(paths))


def _record_titles(config: Config, collection: Collection, result: Result, today: str,
                   paths: list[Path], tx: Transaction | None) -> None:
    """A title that gave way to the published one is recorded as a decision (the paper
    `merged` with itself under its old title): an import that meets the old title again
    finds the paper for sure, as after `publish merge`."""
    replaced = [(p.id, c.old) for p in result.papers for c in p.changes
                if c.field == "title" and c.old]
    if not replaced:
        return
    path = decisions_path(config.content_dir)
    decisions, raw = read_decisions(path)
    known = {(m.paper, title_key(m.title)) for m in decisions.merged}
    for pid, old in replaced:
        if (pid, title_key(old)) not in known and pid in collection.papers:
            decisions.merged.append(Merged(pid, pid, old, date=today))
    paths.append(path)
    if tx is not None:
        tx.write(path, render_decisions(decisions), raw if raw is not None else ABSENT)


def _confirm(paper: Paper, r: Resolution, row: PaperResult) -> None:
    """The id a person confirmed replaces the one the paper had (kept as a conflict)."""
    kind, value = next(iter(r.subject.ids.items()))
    old = getattr(paper.meta, kind)
    if old == value:
        return
    setattr(paper.meta, kind, value)
    row.changes.append(Change(kind, old, value, "--confirm"))
    if old is not None:
        paper.meta.conflicts.append(Conflict(kind, old, "before --confirm"))


def _record_waiting(entries: dict[str, unsure.Waiting], pid: str, r: Resolution,
                    row: PaperResult, sources: tuple[str, ...]) -> None:
    """Keep the paper's entry in content/enrich-unsure.yaml up to date: this run's
    candidates, with those of services not asked this run (a run with --source); none once
    the paper is found. What a person rejected stays."""
    entry = entries.get(pid)
    row.candidates = [unsure.describe(c) for c in r.candidates]
    if r.status == "failed" or (entry is None and not row.candidates):
        return
    kept = [c for c in entry.candidates if c.get("source") not in sources] if entry else []
    candidates = [] if r.status == "found" else row.candidates + [
        c for c in kept if c.get("ref") not in {x.get("ref") for x in row.candidates}]
    rejected = entry.rejected if entry else []
    if candidates or rejected:
        entries[pid] = unsure.Waiting(r.subject.target.title, candidates, rejected)
    else:
        entries.pop(pid, None)
