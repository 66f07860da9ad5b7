"""`publish status` through the index: each paper's status record, cached by the keys of its
files, and the full report kept up to date paper by paper.

A warm run over 100,000 papers must not spend anything per paper beyond one stat per file.
So the cache holds, besides the records (in shards), one snapshot per language (paper id ->
key of its file, compared whole), and the default report (every paper, every language): its
summaries, its papers worst first and their JSON lines. A run that finds k papers changed
loads the k shards that hold them, recomputes them, and moves k lines of the report; the
other records stay on disk until a format asks for them.

Everything written in one run goes in one transaction with a new generation number; the
report is only updated in place when it belongs to the generation the records come from,
else it is rebuilt from the records. Records are checked against the current keys when
read, and recomputed rather than trusted when anything disagrees.
"""

from __future__ import annotations

import gc
import os
import sys
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from functools import cached_property
from itertools import chain
from typing import TYPE_CHECKING, Any

from ..config import Config
from ..content import index
from ..content.scan import Scan, scan_begin, trusted
from ..content.textfile import read_many
from ..content.write import JOURNAL, recover
from ..errors import Problem, Problems
from .records import ListRecord, Record, compact, named, plain
from .report import StaleReport, build_report, patch_report

if TYPE_CHECKING:
    from ..content.files import ParsedFile

READ_THREADS = 4  # per worker: files the OS cache has dropped come from the disk faster
PARALLEL_FROM = 4000  # papers to (re)compute before worker processes pay for themselves
REBUILD_FROM = 2000  # changed papers beyond which the report is rebuilt, not patched
REPORT_DELTA_MAX = 8  # changed papers kept beside the report before it is written again


# ---------------------------------------------------------------------------------------------
# One paper


@dataclass
class PaperResult:
    pid: str
    file_problems: list[tuple[tuple[int, str], list[Problem]]] = field(default_factory=list)
    paper_problems: list[Problem] = field(default_factory=list)
    holder: str | None = None  # language holding the metadata, when the paper assembled
    lists: tuple[str, ...] = ()
    record: Record | None = None  # None when something is wrong
    details: tuple | None = None


def compute_paper(config: Config, pid: str, keys: tuple, start_ns: int,
                  with_details: bool = False, data: Iterator[bytes | OSError] | None = None
                  ) -> PaperResult:
    """Parse one paper (keys: per language, its file's key or b"") and, when nothing is wrong
    with it, its status record (and its --details rows, when asked for). `data`: the files'
    bytes read ahead, one per non-empty key, in order."""
    # Imported here: a run that finds nothing changed needs neither PyYAML nor markdown-it.
    from ..content.files import assemble_paper
    from .compute import paper_status

    out = PaperResult(pid)
    by_lang: dict[str, ParsedFile] = {}
    unreadable = False
    for lang, key in zip(config.languages, keys, strict=True):
        if key:
            pf = index.parse_file(config, lang, pid, out.file_problems,
                                  next(data) if data is not None else None)
            if pf is not None:
                by_lang[lang] = pf
            unreadable |= pf is None
    paper = assemble_paper(pid, by_lang, out.paper_problems, unreadable)
    if paper is None:
        return out
    out.holder, out.lists = paper.source_lang, tuple(paper.meta.lists)
    if out.file_problems or out.paper_problems:
        return out
    for text in paper.texts.values():
        text.blocks  # noqa: B018  (parse now, in this worker)
    statuses = {lang: paper_status(paper, lang, config.languages) for lang in config.languages}
    states, works, orphans, out.details = compact(statuses, config.languages, with_details)
    out.record = Record(tuple(trusted(k, start_ns) if k else k for k in keys),
                        paper.source_lang, paper.meta.title, out.lists, states, works, orphans)
    return out


def _compute_chunk(args: tuple[Config, list[tuple[str, tuple]], int, bool]
                   ) -> list[PaperResult]:
    config, chunk, start_ns, with_details = args
    # A thread reads the chunk's files ahead of the parsing: when the OS has dropped them from
    # its cache, the wait for the disk overlaps the work instead of adding to it.
    paths = [index.paper_path(config, lang, pid) for pid, keys in chunk
             for lang, key in zip(config.languages, keys, strict=True) if key]
    data = read_many(paths, threads=READ_THREADS)
    try:
        return [compute_paper(config, pid, keys, start_ns, with_details, data)
                for pid, keys in chunk]
    finally:
        data.close()


def default_jobs() -> int:
    if not hasattr(os, "sched_getaffinity") or sys.platform != "linux":
        return 1  # fork shares the loaded modules for free; elsewhere, stay serial
    return max(1, min(len(os.sched_getaffinity(0)), 8))


@contextmanager
def computing(config: Config, todo: list[tuple[str, tuple]], start_ns: int,
              jobs: int | None = None, with_details: bool = False
              ) -> Iterator[Iterable[PaperResult]]:
    """compute_paper for each (id, keys), in worker processes when there are many; they start
    at once, so the caller can do other work before reading the results."""
    jobs = default_jobs() if jobs is None else jobs
    if len(todo) < PARALLEL_FROM or jobs < 2:
        yield (compute_paper(config, pid, keys, start_ns, with_details) for pid, keys in todo)
        return
    import multiprocessing

    size = max(100, len(todo) // (jobs * 20))
    chunks = [(config, todo[i:i + size], start_ns, with_details)
              for i in range(0, len(todo), size)]
    with multiprocessing.get_context("fork").Pool(jobs) as pool:
        yield chain.from_iterable(pool.imap(_compute_chunk, chunks))


# ---------------------------------------------------------------------------------------------
# Records, read from their shard when asked for


class Records(Mapping[str, Record]):
    """paper id -> status record. Shards are read from the cache on first use; a record that
    is missing, unreadable or made from other keys than the files have now is recomputed."""

    def __init__(self, config: Config, files: list[dict[str, bytes]], dropped: set[str],
                 start_ns: int, cache: index.Cache | None, shards: dict[str, dict[str, Record]],
                 fresh: set[str]):
        self.config, self.files, self.dropped, self.start_ns = config, files, dropped, start_ns
        self.cache, self.shards, self.fresh = cache, shards, fresh
        self._all: dict[str, Record] | None = None

    @cached_property
    def ids(self) -> set[str]:
        """Every paper with a record: every paper, unless something is wrong with it."""
        return set().union(*self.files) - self.dropped

    def keys_of(self, pid: str) -> tuple:
        """Per language, the key of the paper's file, or b"" when it has none."""
        return tuple([f.get(pid, b"") for f in self.files])

    def _shard(self, name: str) -> dict[str, Record]:
        if name not in self.shards:
            try:
                found = self.cache.load("shard", [name]) if self.cache else {}
            except index.Corrupt:
                found = {}
            self.shards[name] = named(found.get(name, {}))
        return self.shards[name]

    def __getitem__(self, pid: str) -> Record:
        if pid not in self.ids:
            raise KeyError(pid)
        shard = self._shard(index.shard_of(pid))
        rec = shard.get(pid)
        if pid not in self.fresh and (rec is None or rec.keys != self.keys_of(pid)):
            rec = compute_paper(self.config, pid, self.keys_of(pid), self.start_ns).record
            if rec is None:  # its files changed under us, and are wrong now
                raise KeyError(pid)
            shard[pid] = rec
            self.fresh.add(pid)
        assert rec is not None
        return rec

    def __contains__(self, pid: object) -> bool:
        return pid in self.ids

    def __iter__(self) -> Iterator[str]:
        return iter(self.ids)

    def __len__(self) -> int:
        return len(self.ids)

    def load_all(self) -> None:
        """Every shard in one query, before a loop over all papers."""
        missing = {index.shard_of(pid) for pid in self.ids} - self.shards.keys()
        if missing and self.cache is not None:
            with suppress(index.Corrupt):
                self.shards.update({name: named(shard) for name, shard in
                                    self.cache.load("shard", missing).items()})
        for name in missing:
            self.shards.setdefault(name, {})

    def as_dict(self) -> dict[str, Record]:
        """Every record, checked, in a plain dict: for loops over all papers. Made once (a
        cold run asks twice); callers only read it."""
        if self._all is not None:
            return self._all
        self.load_all()
        ids, fresh, keys_of = self.ids, self.fresh, self.keys_of
        out = {pid: rec for shard in self.shards.values() for pid, rec in shard.items()
               if pid in ids and (pid in fresh or rec.keys == keys_of(pid))}
        for pid in ids - out.keys():
            out[pid] = self[pid]
        self._all = out
        return out


# ---------------------------------------------------------------------------------------------
# The whole tree


def _lists(config: Config, found: Scan, cache: index.Cache | None,
           problems: Problems) -> dict[str, ListRecord]:
    """Every list, read from its file unless the cache has it under the same key."""
    return {lid: ListRecord(*value) for lid, value in
            index.read_lists(config, found, cache, problems, full=False).items()}


@dataclass
class Tree:
    """Every paper's status record and every list, checked as the loader (content.load) checks
    the tree."""

    config: Config
    found: Scan
    records: Records
    cache: index.Cache | None
    report: dict[str, Any] | None = None  # the default report, when asked for
    report_rebuilt: bool = False  # rather than patched or kept as it was
    computed: int = 0  # papers read by this run
    warnings: list[str] = field(default_factory=list)
    fresh_details: dict[str, tuple] = field(default_factory=dict)
    read_lists: dict[str, ListRecord] | None = None

    @property
    def lists(self) -> dict[str, ListRecord]:
        """Every list; read when first asked for (a run that finds nothing changed and prints
        the default report does without)."""
        if self.read_lists is None:
            problems = Problems()
            self.read_lists = _lists(self.config, self.found, self.cache, problems)
            problems.raise_if_any()  # unchanged list files: only if they changed meanwhile
        return self.read_lists

    def details(self) -> dict[str, tuple]:
        """paper id -> per-language unit rows (status.records.compact), for --details."""
        out: dict[str, tuple] = {}
        if self.cache is not None and len(self.fresh_details) < len(self.records):
            try:
                for shard in self.cache.load("detail").values():
                    out.update(shard)
            except index.Corrupt:
                out = {}
        # Saved apart from the records (see _save_details): each row says which files it
        # was made from, and is made again when they are not those any more.
        out = {pid: rows for pid, (keys, rows) in out.items()
               if pid in self.records and keys == self.records.keys_of(pid)}
        out.update(self.fresh_details)
        todo = sorted((pid, self.records.keys_of(pid)) for pid in self.records if pid not in out)
        if self.cache is not None:
            self.cache.close()  # no database handle crosses a fork
        made: dict[str, tuple] = {}
        with computing(self.config, todo, self.records.start_ns, with_details=True) as results:
            for result in results:
                out[result.pid] = made[result.pid] = result.details or ()
        if made and self.cache is not None:  # the next --details run reads them
            _save_details(self.cache, made, {index.shard_of(pid) for pid in made},
                          self.records)
        return out


# A snapshot is, per language, the ids whose record holds their file's current key, in the
# order os.listdir gave them, and those keys: ("\n".join(ids), b"".join(keys)). Two strings
# compare in no time; a dict of 100,000 entries would take longer to load than to compare.
RACY = bytes(index.KEY_SIZE)  # a file too recent to trust: never equal to a real key
# Keys recorded since a language's snapshot was written, {lang: {id: key}}: a run that reads
# a few changed files records their keys here instead of writing 100,000 keys again.
DELTA = "+delta"
DELTA_MAX = 2000


def _same(now: dict[str, bytes], snap: tuple[str, bytes] | None) -> bool:
    return snap is not None and "\n".join(now) == snap[0] and b"".join(now.values()) == snap[1]


def _decode(snap: tuple[str, bytes] | None) -> dict[str, bytes]:
    if not snap or not snap[0]:
        return {}
    n = index.KEY_SIZE
    return dict(zip(snap[0].split("\n"), [snap[1][i:i + n] for i in range(0, len(snap[1]), n)],
                    strict=True))


def _encode(now: dict[str, bytes], snap: dict[str, bytes]) -> tuple[str, bytes]:
    ids = [pid for pid in now if pid in snap]
    return "\n".join(ids), b"".join([snap[pid] for pid in ids])


def _differing(a: bytes, b: bytes) -> Iterator[int]:
    """Indexes of the keys that differ between two equally long runs of keys."""
    n = index.KEY_SIZE
    step = n * 512
    for start in range(0, len(a), step):
        if a[start:start + step] != b[start:start + step]:
            for at in range(start, min(start + step, len(a)), n):
                if a[at:at + n] != b[at:at + n]:
                    yield at // n


def load_tree(config: Config, *, use_cache: bool = True, jobs: int | None = None,
              report: bool = False, details: bool = False) -> Tree:
    # Records are many small tuples that live to the end, and parsing makes no cycles: the
    # cyclic collector would only walk them again and again (the workers are forked with
    # it off too).
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _load_tree(config, use_cache=use_cache, jobs=jobs, report=report,
                          details=details)
    finally:
        if enabled:
            gc.enable()


def _load_tree(config: Config, *, use_cache: bool, jobs: int | None, report: bool,
               details: bool) -> Tree:
    """Status records of every paper, reading only files whose key changed; raises the same
    PublishError the loader (content.load) would for the same tree. With `report`, the default
    report (status.report.build_report) comes up to date too; with `details`, the papers read
    also give their --details rows (else Tree.details makes them when first asked for)."""
    if (config.root / JOURNAL).exists():  # finish a write another run began
        recover(config.root)
    langs = config.languages
    scanning = scan_begin(config)  # a big second folder is statted while we read
    cache = index.open_cache(config) if use_cache else None
    state: dict[str, Any] = {}
    snaps: dict[str, Any] = {}
    seen: bytes | None = None  # the state blob as read: saving checks nobody replaced it
    if cache is not None:
        try:
            seen = cache.raw("state", "state")
            state = index.unpack(seen) if seen is not None else {}
            snaps = cache.load("snap") if state else {}
        except index.Corrupt:
            cache.reset()
            state, snaps = {}, {}
        cache.close()  # no database handle crosses a fork
    found = scanning()
    deltas: dict[str, dict[str, bytes]] = snaps.pop(DELTA, None) or {}
    changed: set[str] = set()
    before: dict[str, dict[str, bytes]] = {}
    for lang in langs:
        now, snap, delta = found.files[lang], snaps.get(lang), deltas.get(lang, {})
        if _same(now, snap):
            changed.update(pid for pid, key in delta.items() if now[pid] != key)
            continue
        keys = b"".join(now.values())
        if snap and snap[0] and "\n".join(now) == snap[0] and len(keys) == len(snap[1]):
            # The same files as last time, in the same order (all checked then): only keys
            # changed, found by comparing the key strings piecewise, then with the delta.
            ids = snap[0].split("\n")
            differ = {ids[i] for i in _differing(keys, snap[1])}
            changed.update(pid for pid in differ if delta.get(pid) != now[pid])
            changed.update(pid for pid, key in delta.items()
                           if pid not in differ and now[pid] != key)
        else:
            before[lang] = _decode(snap)
            before[lang].update(delta)
            found.check_names(config, before, [lang])
            if before[lang]:
                changed.update(pid for pid, _ in now.items() - before[lang].items())
                changed.update(before[lang].keys() - now.keys())
            else:  # no cache: every file is read
                changed.update(now)
    touched = {index.shard_of(pid) for pid in changed}
    shards: dict[str, dict[str, Record]] = {}
    if cache is not None and state and touched:
        try:
            shards = {name: named(shard) for name, shard in cache.load("shard", touched).items()}
        except index.Corrupt:  # start again from nothing rather than lose records silently
            cache.reset()
            cache.close()
            return _load_tree(config, use_cache=use_cache, jobs=jobs, report=report,
                              details=details)
    files = [found.files[lang] for lang in langs]
    todo = [(pid, tuple([f.get(pid, b"") for f in files]))
            for pid in sorted(changed) if any(pid in f for f in files)]
    old: dict[str, Record | None] = (
        {pid: shards.get(index.shard_of(pid), {}).get(pid) for pid in changed} if shards
        else dict.fromkeys(changed))
    file_problems: list[tuple[tuple[int, str], list[Problem]]] = []
    paper_problems: dict[str, list[Problem]] = {}
    assembled: dict[str, tuple[str, tuple[str, ...]]] = {}  # papers with a problem
    new: dict[str, Record | None] = dict.fromkeys(changed)
    fresh: dict[str, tuple] = {}
    list_keys = {path.name: key for path, key in found.lists}
    lists_changed = list_keys != state.get("lists") or None in list_keys.values()
    check_refs = bool(changed) or lists_changed or not state.get("refs_ok")
    # Entries of lists are checked against the files when either changed (or last time's
    # check failed); papers that changed are checked against the lists' ids in any case.
    came_or_went = any(found.files[lang].keys() != before[lang].keys() for lang in before)
    whole = lists_changed or not state.get("refs_ok") or came_or_went
    list_problems = Problems()
    lists: dict[str, ListRecord] | None = None
    with computing(config, todo, found.start_ns, jobs, details) as results:
        if whole:  # read while the workers work
            lists = _lists(config, found, cache, list_problems)
        for result in results:
            file_problems.extend(result.file_problems)
            if result.paper_problems:
                paper_problems[result.pid] = result.paper_problems
            new[result.pid] = result.record
            if result.record is not None and result.details is not None:
                fresh[result.pid] = result.details
            elif result.holder is not None:
                assembled[result.pid] = (result.holder, result.lists)
    for pid, rec in new.items():
        shard = shards.setdefault(index.shard_of(pid), {})
        if rec is None:
            shard.pop(pid, None)
        else:
            shard[pid] = rec
    records = Records(config, files, {pid for pid, rec in new.items() if rec is None},
                      found.start_ns, cache, shards, {pid for pid, rec in new.items() if rec})
    tree = Tree(config, found, records, cache, computed=len(todo), fresh_details=fresh,
                read_lists=lists)
    problems = index.sorted_problems(found, file_problems, paper_problems)
    problems.items.extend(list_problems.items)
    refs_ok = state.get("refs_ok", False)
    if check_refs:
        # Lists named by papers: the changed ones, or all when a list changed or problems were
        # found last time (unchanged papers were fine against unchanged lists).
        if lists_changed or not refs_ok:
            holders = {pid: (rec.source_lang, rec.lists) for pid, rec in records.as_dict().items()}
        else:
            holders = {pid: (rec.source_lang, rec.lists) for pid, rec in new.items()
                       if rec is not None}
        count = len(problems.items)
        ids = lists if lists is not None else dict.fromkeys(
            name[:-5] for name in state.get("lists", {}))  # unchanged lists: their ids
        index.check_references(config, found.present if whole else None, ids,
                               holders | assembled, problems)
        refs_ok = len(problems.items) == count
    generation = state.get("generation", 0) + (1 if changed or not state else 0)
    saves: list[tuple[str, dict[str, object], Iterable[str]]] = []
    if report:
        _report(tree, state, changed, old, new, lists_changed, generation, saves)
    if cache is not None:
        snap_saves: dict[str, Any] = {}
        new_deltas: dict[str, dict[str, bytes]] = {}
        for i, lang in enumerate(langs):
            now, base = found.files[lang], snaps.get(lang)
            recorded = {pid: RACY if rec is None or rec.keys[i] == b"" else rec.keys[i] or RACY
                        for pid, rec in new.items() if pid in now}
            delta = {**deltas.get(lang, {}), **recorded}
            if lang not in before and base is not None and len(delta) <= DELTA_MAX:
                # The same files as the snapshot: a few keys recorded beside it, rather than
                # the snapshot (a key per paper) written again for one changed file.
                if delta:
                    new_deltas[lang] = delta
                continue
            if all((None if rec is None or rec.keys[i] == b"" else rec.keys[i] or RACY)
                   == now.get(pid) for pid, rec in new.items()) and not deltas.get(lang):
                # Every file of this folder is recorded under its current key.
                encoded = ("\n".join(now), b"".join(now.values()))
            else:
                snap = before[lang] if lang in before else _decode(base)
                if lang not in before:
                    snap.update(deltas.get(lang, {}))
                for pid, rec in new.items():
                    if rec is None or rec.keys[i] == b"":
                        snap.pop(pid, None)
                    else:
                        snap[pid] = rec.keys[i] or RACY
                encoded = _encode(now, snap)
            if encoded != base:
                snap_saves[lang] = encoded
        if new_deltas != deltas:
            snap_saves[DELTA] = new_deltas
        saves.append(("snap", snap_saves, ()))
        if changed:
            saves.append(("shard", {n: plain(shards[n]) for n in touched}, ()))
        ok_lists = {} if list_problems else {
            name: key for name, key in list_keys.items() if found.trusted(key)}
        new_state = {"generation": generation, "refs_ok": refs_ok, "lists": ok_lists,
                     "papers": sum(len(f) for f in files)}
        if new_state != state:
            saves.append(("state", {"state": new_state}, ()))
        saved = cache.save_all(saves, unless_changed=("state", "state", seen))
        del saves
        if fresh and saved:
            _save_details(cache, fresh, {index.shard_of(pid) for pid in fresh}, records)
        tree.warnings = cache.warnings
    problems.raise_if_any()
    return tree


def _report(tree: Tree, state: dict[str, Any], changed: set[str], old: dict[str, Record | None],
            new: dict[str, Record | None], lists_changed: bool, generation: int,
            saves: list) -> None:
    """Bring the default report up to date: as it was, patched, or rebuilt. A few changes
    are kept as a delta beside the report (id -> (record the report has, record now)) and
    applied when it is read, rather than writing the whole report (tens of MB at 100,000
    papers) for one changed paper."""
    langs, cache = tree.config.languages, tree.cache
    if cache is not None and state and not lists_changed and len(changed) < REBUILD_FROM:
        try:
            got = cache.load("report", ["default", "delta"])
            kept, delta = got.get("default"), got.get("delta")
            if kept is None:
                raise StaleReport("no report")
            if (delta is not None and delta.get("base") == kept.get("generation")
                    and delta.get("generation") == state.get("generation")):
                pending = {pid: tuple(None if r is None else Record._make(r) for r in pair)
                           for pid, pair in delta["changes"].items()}
            elif kept.get("generation") == state.get("generation"):
                pending = {}
            else:
                raise StaleReport("generation")
            for pid in changed:
                pending[pid] = (pending[pid][0] if pid in pending else old[pid], new[pid])
            if pending:
                patch_report(kept, pending, langs)
            if changed and len(pending) <= REPORT_DELTA_MAX:
                saves.append(("report", {"delta": {
                    "base": kept["generation"], "generation": generation,
                    "changes": {pid: tuple(None if r is None else tuple(r) for r in pair)
                                for pid, pair in pending.items()}}}, ()))
            elif changed:
                kept["generation"] = generation
                saves.append(("report", {"default": kept}, ["delta"]))
            tree.report = kept
            return
        except (index.Corrupt, StaleReport, KeyError, IndexError, TypeError, ValueError):
            pass  # not what the records say: rebuilt below
    tree.report_rebuilt = True
    tree.report = build_report(langs, tree.records.as_dict(), tree.lists)
    tree.report["generation"] = generation
    saves.append(("report", {"default": tree.report}, ["delta"]))


def _save_details(cache: index.Cache, fresh: dict[str, tuple], touched: set[str],
                  records: Records) -> None:
    """The changed papers' rows, one shard (and one transaction) at a time: at 100,000
    papers they are the largest thing a cold run keeps, and are not kept twice."""
    by_shard: dict[str, list[str]] = {}
    for pid in fresh:
        by_shard.setdefault(index.shard_of(pid), []).append(pid)
    for name in sorted(touched):
        try:
            shard = cache.load("detail", [name]).get(name, {})
        except index.Corrupt:
            shard = {}
        shard = {pid: entry for pid, entry in shard.items() if pid in records}
        for pid in by_shard.get(name, ()):
            shard[pid] = (records[pid].keys, fresh[pid])  # None for a recent file: redone
        cache.save("detail", {name: shard})


def paper_states(config: Config) -> dict[str, dict[str, str]]:
    """paper id -> language -> its state, as `publish status` has it (from the cache)."""
    tree = load_tree(config)
    try:
        return {pid: dict(zip(config.languages, rec.states, strict=True))
                for pid, rec in tree.records.as_dict().items()}
    finally:
        if tree.cache is not None:
            tree.cache.close()

