"""The one loader: every paper and list of the tree, read and checked into a `Collection`.

Every command that needs the collection calls `load_collection`. With the cache (the
default), a file whose stat key is unchanged since a run read it comes parsed from
build/index.sqlite (see `index`); without it, every file is read: the same code, with the
cache off. Either way, every problem in the tree is reported, in the same order, before
anything is refused.
"""

from __future__ import annotations

import gc
from pathlib import Path

from ..config import Config
from ..errors import Problem
from ..model import Collection
from .files import ParsedFile, assemble_paper
from .index import (
    Corrupt,
    check_references,
    file_from_payload,
    file_payload,
    open_cache,
    paper_path,
    parse_file,
    read_lists,
    sorted_problems,
)
from .scan import scan
from .textfile import read_many
from .write import ABSENT, UNCHECKED, Expect, recover, version


def load_collection(config: Config, *, cache: bool = True, blocks: bool = False) -> Collection:
    """Read and check every paper and list; report every problem, then refuse. `cache`:
    use (and fill) build/index.sqlite; `blocks`: have every text's blocks split now (from the
    cache when it holds them), else each text splits its body when first asked."""
    # Loading allocates many objects and frees none: the cyclic collector would only walk
    # them again and again (a tenth of the time on a large tree).
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _load(config, cache, blocks)
    finally:
        if enabled:
            gc.enable()


def _load(config: Config, use_cache: bool, blocks: bool) -> Collection:
    recover(config.root)
    found = scan(config, keys=use_cache)
    found.check_names(config)
    db = open_cache(config) if use_cache else None
    try:
        cached = db.load("file") if db is not None else {}
    except Corrupt:
        assert db is not None
        db.reset()
        cached = {}
    # Each file with its cached payload, or None: those are read, two reads in flight (a
    # tree the OS cache has dropped loads a third faster; a cached one ~5% slower).
    files = []
    for lang in config.languages:
        for pid, key in sorted(found.files[lang].items()):
            hit = cached.get(f"{lang}/{pid}.md")
            files.append((lang, pid, key, hit[1] if hit is not None and hit[0] == key else None))
    reading = read_many([paper_path(config, lang, pid) for lang, pid, _, payload in files
                         if payload is None], threads=2)
    fresh: dict[str, object] = {}
    file_problems: list[tuple[tuple[int, str], list[Problem]]] = []
    parsed: dict[str, dict[str, ParsedFile]] = {}
    unreadable: set[str] = set()  # ids with a file that could not be read at all
    try:
        for lang, pid, key, payload in files:
            if payload is not None:
                pf: ParsedFile | None = file_from_payload(paper_path(config, lang, pid), lang,
                                                          payload, blocks)
                if pf is not None:
                    pf.text.version = version(key, None)  # trusted when it was cached
            else:
                before = len(file_problems)
                data = next(reading)
                pf = parse_file(config, lang, pid, file_problems, data)
                if pf is not None and db is not None:  # what a writer will expect to find
                    pf.text.version = version(found.trusted(key),
                                              data if isinstance(data, bytes) else None)
                if (pf is not None and db is not None and len(file_problems) == before
                        and found.trusted(key)):
                    fresh[f"{lang}/{pid}.md"] = (key, file_payload(pf, pf.text.blocks))
                elif pf is not None and blocks:
                    pf.text.blocks  # noqa: B018  (parsed now, while the file is hot)
            if pf is not None:
                parsed.setdefault(pid, {})[lang] = pf
            else:
                unreadable.add(pid)
    finally:
        reading.close()
    paper_problems: dict[str, list[Problem]] = {}
    collection = Collection()
    for pid, by_lang in sorted(parsed.items()):
        mine: list[Problem] = []
        paper = assemble_paper(pid, by_lang, mine, pid in unreadable)
        if mine:
            paper_problems[pid] = mine
        if paper is not None:
            collection.papers[pid] = paper
    problems = sorted_problems(found, file_problems, paper_problems)
    collection.lists = read_lists(config, found, db, problems, full=True)
    check_references(config, found.present, collection.lists,
                     {p.id: (p.source_lang, p.meta.lists) for p in collection.papers.values()},
                     problems)
    if db is not None:
        gone = set(cached) - {f"{lang}/{pid}.md" for lang in config.languages
                              for pid in found.files[lang]}
        db.save("file", fresh, drop=gone)
        db.close()
    problems.raise_if_any()
    return collection


class Snapshot:
    """The files a loaded collection was read from, each as it was (content.write.version),
    for a writer to expect: a file that was not there must still not be; one that was must
    be unchanged. Taken before the collection is changed in memory."""

    def __init__(self, collection: Collection) -> None:
        self.versions: dict[Path, str | None] = {
            text.path: text.version for paper in collection.papers.values()
            for text in paper.texts.values()}
        self.versions.update({rl.path: rl.version for rl in collection.lists.values()
                              if rl.path is not None})

    def expect(self, path: Path) -> Expect:
        if path not in self.versions:
            return ABSENT
        seen = self.versions[path]
        return UNCHECKED if seen is None else seen
