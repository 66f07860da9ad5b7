"""A `publish translate` run: plan, take drafts from the memory, send the rest in parallel
(`worker`), write papers as their drafts come in (`drafts.Writer`).

An interrupted run (Ctrl-C, kill -9, a crash) loses at most the blocks in flight: each
finished block is in the translation memory at once and papers are written atomically as they
finish, so the next run continues from there without resending. Two runs on one project at
once would write the same files: a lock file held with `flock` (released by the kernel however
the process ends) makes the second one refuse.
"""

from __future__ import annotations

import importlib.util
import time
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..config import Config
from ..content.load import load_collection
from ..content.write import DEFAULT_WAIT, project_lock
from ..errors import PublishError
from . import backends
from .drafts import ONLY_CHOICES, Item, ItemKey, Plan, Writer, make_plan
from .memory import Memory
from .protect import load_keep_terms, title_keys
from .worker import BlockFailed, Progress, Stopped, Worker, prepare

GLOSSARY = "glossary.yaml"

__all__ = ["Progress", "Result", "TranslateRequest", "translate"]


@dataclass
class TranslateRequest:
    to: str
    froms: tuple[str, ...] = ()
    only: str = "missing"
    list_id: str | None = None
    paper_ids: tuple[str, ...] = ()
    limit: int | None = None
    dry_run: bool = False
    wait: float = DEFAULT_WAIT  # seconds to wait for another writer of the project


@dataclass
class Result:
    to: str
    froms: tuple[str, ...]
    backend: str
    dry_run: bool
    papers: int = 0  # papers with at least one block to draft
    blocks: int = 0  # blocks to draft, a block counted once per place it is needed
    titles: int = 0  # how many of those blocks are papers' titles
    unique: int = 0  # distinct source blocks among them
    from_memory: int = 0  # distinct blocks already in the translation memory
    copied: int = 0  # distinct blocks that need no service (code, pure math)
    to_send: int = 0  # distinct blocks for the service
    chars_to_send: int = 0
    requests: int = 0
    chars_sent: int = 0
    seconds: float = 0.0  # spent sending (the part --jobs speeds up)
    drafted: int = 0  # blocks written into files
    written: list[Path] = field(default_factory=list)
    failed: list[dict[str, Any]] = field(default_factory=list)  # {paper, path, line, reason}
    left: list[str] = field(default_factory=list)  # papers that still miss drafts
    stopped: str | None = None  # why the run stopped early
    interrupted: bool = False
    missing_keys: list[str] = field(default_factory=list)
    per_paper: list[dict[str, Any]] = field(default_factory=list)  # dry run
    titles_for_review: list[str] = field(default_factory=list)  # outdated, by a person

    @property
    def ok(self) -> bool:
        return not (self.failed or self.stopped or self.interrupted)


def _froms(config: Config, to: str, froms: Sequence[str]) -> tuple[str, ...]:
    if to not in config.languages:
        raise PublishError(f"--to {to!r} is not a language of this project (languages: "
                           f"{', '.join(config.languages)}; zh-Hant is derived from zh)")
    for lang in froms:
        if lang not in config.languages or lang == to:
            raise PublishError(f"--from {lang!r} must be another language of the project "
                               f"than --to {to!r}")
    return tuple(froms) or tuple(code for code in config.languages if code != to)


def translate(config: Config, settings: backends.Settings, options: TranslateRequest,
              on_progress: Callable[[Progress], None] = lambda p: None) -> Result:
    """Draft the missing (and, with `only`, outdated) blocks of `options.to`."""
    if options.only not in ONLY_CHOICES:
        raise PublishError(f"--only must be one of {', '.join(ONLY_CHOICES)}")
    froms = _froms(config, options.to, options.froms)
    result = Result(options.to, froms, settings.backend, options.dry_run)
    if options.dry_run:
        return _run(config, settings, options, result, on_progress)
    with project_lock(config.root, "translate", options.wait):
        return _run(config, settings, options, result, on_progress)


def _run(config: Config, settings: backends.Settings, options: TranslateRequest, result: Result,
         on_progress: Callable[[Progress], None]) -> Result:
    collection = load_collection(config)
    plan = make_plan(config, collection, options.to, result.froms, options.only,
                     options.list_id, options.paper_ids)
    result.titles_for_review = plan.titles_for_review
    keep = load_keep_terms(config.content_dir / GLOSSARY, config.languages)
    titles = title_keys([p.meta.title for p in collection.papers.values()])
    memory = Memory.of_project(config.root, readonly=options.dry_run)
    try:
        triage = _triage(settings, options, plan, memory, keep, titles, result)
        if options.dry_run:
            _dry_run(plan, triage, result)
            return result
        assert memory is not None
        if triage.send:
            backends.require_keys(settings)
            if settings.backend == "chatgpt" and importlib.util.find_spec("openai") is None:
                raise PublishError("backend 'chatgpt' needs the openai package below 1.0 "
                                   "(deep-translator uses its old API): pip install 'openai<1'")
        _send_and_write(config, settings, plan, memory, keep, titles, triage, result,
                        on_progress)
        return result
    finally:
        if memory is not None:
            memory.close()


@dataclass
class _Triage:
    drafts: dict[ItemKey, str]  # known before sending: from the memory, or copies
    remembered: set[ItemKey]  # the ones from the memory
    send: list[Item]
    sizes: dict[ItemKey, int]  # characters each block to send sends
    skipped: set[ItemKey]  # over --limit


def _triage(settings: backends.Settings, options: TranslateRequest, plan: Plan,
            memory: Memory | None, keep: list[str], titles: frozenset[str],
            result: Result) -> _Triage:
    result.papers, result.blocks, result.unique = len(plan.papers), plan.blocks, len(plan.items)
    result.titles = plan.titles
    t = _Triage({}, set(), [], {}, set())
    if memory is not None:
        for lang in plan.froms:
            hashes = [k[1] for k in plan.items if k[0] == lang]
            for h, draft in memory.get_many(settings.backend, lang, plan.to, hashes).items():
                t.drafts[(lang, h)] = draft
    t.remembered = set(t.drafts)
    for key, item in plan.items.items():
        if key in t.drafts:
            continue
        protected = prepare(item, keep, titles)
        if protected is None:
            t.drafts[key] = item.source.text
        else:
            t.send.append(item)
            t.sizes[key] = len(protected.text)
    if options.limit is not None and len(t.send) > options.limit:
        t.skipped = {item.key for item in t.send[options.limit:]}
        t.send = t.send[:options.limit]
    result.from_memory = len(t.remembered)
    result.copied = len(t.drafts) - len(t.remembered)
    result.to_send = len(t.send)
    result.chars_to_send = sum(t.sizes[i.key] for i in t.send)
    result.missing_keys = settings.missing()
    return t


def _dry_run(plan: Plan, t: _Triage, result: Result) -> None:
    sending = {item.key for item in t.send}
    result.per_paper = [{
        "paper": pp.paper.id, "path": str(pp.path), "create": pp.target is None,
        "blocks": len(pp.needs), "from_memory": len(pp.keys & t.remembered),
        "to_send": len(pp.keys & sending),
        "characters": sum(t.sizes[k] for k in pp.keys & sending),
    } for pp in plan.papers]
    result.left = [pp.paper.id for pp in plan.papers if pp.keys & t.skipped]


def _send_and_write(config: Config, settings: backends.Settings, plan: Plan, memory: Memory,
                    keep: list[str], titles: frozenset[str], t: _Triage, result: Result,
                    on_progress: Callable[[Progress], None]) -> None:
    from .. import clock

    drafts = t.drafts
    progress = Progress(blocks_total=len(t.send), chars_total=result.chars_to_send)
    worker = Worker(settings, plan.to, memory, progress, keep, titles)
    writer = Writer(config.root, plan.papers, drafts, settings.backend,
                    clock.today().isoformat())
    sending = {item.key for item in t.send}
    waiting = {pp.paper.id: pp.keys & sending for pp in plan.papers}
    failures: dict[ItemKey, str] = {}

    def resolved(key: ItemKey) -> None:
        for paper_id in plan.items[key].papers:
            waiting[paper_id].discard(key)
            if not waiting[paper_id]:
                writer.add(paper_id)

    # Papers whose drafts all come from the memory are written before anything is sent.
    for paper_id, keys in waiting.items():
        if not keys:
            writer.add(paper_id)
    writer.flush(force=True)
    on_progress(progress)
    started = time.monotonic()
    try:
        _pool(worker, t.send, drafts, failures, t.sizes, resolved, writer.flush, progress,
              on_progress)
    except KeyboardInterrupt:
        worker.halt("interrupted")
        result.interrupted = True
    result.seconds = round(time.monotonic() - started, 3)
    # Papers with some drafts in and others failed or not reached get what is in; the rest
    # stays missing, for the next run.
    for pp in plan.papers:
        if pp.keys & drafts.keys():
            writer.add(pp.paper.id)
    writer.flush(force=True)
    result.written, result.drafted = writer.written, writer.drafted
    result.failed = [*plan.refused, *writer.failed]
    result.requests, result.chars_sent = progress.requests, progress.chars_sent
    result.stopped = None if result.interrupted else worker.stop_reason
    for key, reason in failures.items():
        item = plan.items[key]
        for paper_id in item.papers:
            text = writer.plans[paper_id].paper.texts.get(key[0])
            result.failed.append({"paper": paper_id, "path": str(text.path) if text else "",
                                  "line": item.source.line, "reason": reason})
    result.left = [pp.paper.id for pp in plan.papers if pp.keys - drafts.keys()]


def _pool(worker: Worker, send: list[Item], drafts: dict[ItemKey, str],
          failures: dict[ItemKey, str], sizes: dict[ItemKey, int],
          resolved: Callable[[ItemKey], None], flush: Callable[[], None], progress: Progress,
          on_progress: Callable[[Progress], None]) -> None:
    if not send:
        return
    pool = ThreadPoolExecutor(worker.settings.jobs, thread_name_prefix="publish-translate")
    futures = {pool.submit(worker.translate, item): item.key for item in send}
    remaining = set(futures)
    try:
        while remaining:
            # A timeout on the wait keeps the main thread responsive to Ctrl-C, and lets
            # the writer flush papers that finished.
            done, remaining = wait(remaining, timeout=0.5, return_when=FIRST_COMPLETED)
            for fut in done:
                key = futures[fut]
                if fut.cancelled():
                    continue
                try:
                    drafts[key] = fut.result()
                except Stopped:
                    continue
                except BlockFailed as exc:
                    failures[key] = exc.reason
                    progress.failed += 1
                progress.blocks_done += 1
                progress.chars_done += sizes[key]
                resolved(key)
            if done:
                on_progress(progress)
            flush()
            if worker.stop.is_set():
                for fut in remaining:
                    fut.cancel()
    except KeyboardInterrupt:
        # Leave at once: calls in flight are bounded and run in daemon threads.
        worker.stop.set()
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    # Calls still in flight after a stop end within the timeout; their drafts count.
    pool.shutdown(wait=True, cancel_futures=True)
