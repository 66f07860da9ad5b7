"""`publish export`: the units that need work in one language pair, as XLIFF 1.2, XLIFF 2.1
or PO, in one file, or one file per reading list or per paper (Weblate's layout: a component
per list, `<dir>/<list>/<lang>.po`). Nothing in content/ changes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

from ..config import Config
from ..errors import PublishError
from ..model import Collection, Paper
from ..outputs import check_output
from ..status.run import write_atomic
from ..status.states import MACHINE_STATE, MISSING, OUTDATED
from .inline import segment
from .po import write_po
from .previous import Wanted, previous_texts
from .units import EXPORT_STATES, Pair, PaperUnits, project_terms, resolve_pair, select
from .xliff import xliff12, xliff21

FORMATS = {"xliff": ("xlf", "XLIFF 1.2"), "xliff2": ("xlf", "XLIFF 2.1"), "po": ("po", "PO")}
SPLITS = ("none", "list", "paper")
UNLISTED = "unlisted"


@dataclass
class ExportRequest:
    to: str
    source: str | None = None
    list_id: str | None = None
    paper_ids: tuple[str, ...] = ()
    states: tuple[str, ...] = EXPORT_STATES
    fmt: str = "xliff"
    split: str = "none"
    out: Path | None = None


@dataclass
class ExportedFile:
    path: Path
    papers: int
    units: dict[str, int]  # by state

    def as_dict(self) -> dict[str, object]:
        return {"path": str(self.path), "papers": self.papers, "units": self.units}


@dataclass
class ExportResult:
    pair: Pair
    fmt: str
    files: list[ExportedFile] = field(default_factory=list)
    previous_found: int = 0  # outdated units shown with the source they were made from
    previous_missing: int = 0

    @property
    def units(self) -> int:
        return sum(sum(f.units.values()) for f in self.files)


def _groups(collection: Collection, papers: Sequence[PaperUnits], split: str,
            list_id: str | None) -> dict[str, list[PaperUnits]]:
    """Papers per output file. A paper in several lists goes with the first of them (the
    one asked for, else in the order of its `lists`), so no unit is in two files."""
    out: dict[str, list[PaperUnits]] = {}
    for p in papers:
        if split == "paper":
            key = p.paper.id
        elif split == "list":
            lists = [lid for lid in p.paper.meta.lists if lid in collection.lists]
            key = list_id if list_id is not None else (lists[0] if lists else UNLISTED)
        else:
            key = ""
        out.setdefault(key, []).append(p)
    return out


def _with_previous(config: Config, papers: list[PaperUnits], result: ExportResult,
                   keep: Sequence[str], titles: frozenset[str]) -> list[PaperUnits]:
    wanted = [Wanted(config.root / p.source_path, u.source.lang, u.target.source_hash,
                     u.id.title)
              for p in papers for u in p.units
              if u.target is not None and u.target.source_hash
              and u.target.source_hash != u.source.hash]
    texts = previous_texts(config.root, wanted)
    for p in papers:
        for i, u in enumerate(p.units):
            if u.target is None or not u.target.source_hash or \
                    u.target.source_hash == u.source.hash:
                continue
            old = texts.get((u.source.lang, u.target.source_hash))
            if old is None:
                result.previous_missing += 1
                p.units[i] = replace(u, notes=(*u.notes, "the earlier source text was not "
                                               "found (translation memory, git history)"))
                continue
            result.previous_found += 1
            kind = "title" if u.id.title else u.source.kind
            p.units[i] = replace(u, previous=segment(old, kind, keep, titles).display)
    return papers


def _render(fmt: str, pair: Pair, papers: list[PaperUnits], name: str, today: date) -> str:
    if fmt == "xliff":
        return xliff12(pair, papers).decode("utf-8")
    if fmt == "xliff2":
        return xliff21(pair, papers).decode("utf-8")
    return write_po(pair, papers, name, today)


def _path(config: Config, request: ExportRequest, key: str, name: str) -> Path:
    ext = FORMATS[request.fmt][0]
    if request.split == "none":
        if request.out is not None and not request.out.is_dir():
            return request.out
        folder = request.out or config.build_dir / "exchange"
        return folder / f"{name}.{request.to}.{ext}"
    folder = request.out or config.build_dir / "exchange"
    return folder / key / f"{request.to}.{ext}"


def export(config: Config, collection: Collection, papers: Sequence[Paper],
           request: ExportRequest, today: date) -> ExportResult:
    if request.fmt not in FORMATS:
        raise PublishError(f"--format must be one of {', '.join(FORMATS)}")
    if request.split not in SPLITS:
        raise PublishError(f"--split must be one of {', '.join(SPLITS)}")
    if request.split != "none" and request.out is not None and request.out.is_file():
        raise PublishError(f"--split {request.split} writes one file per {request.split} into "
                           "a folder: --out must be a folder", request.out)
    pair = resolve_pair(config, request.to, request.source)
    keep, titles, terms = project_terms(config, collection)
    selected = select(config, papers, pair, request.states, keep, titles, terms)
    result = ExportResult(pair, request.fmt)
    if not selected:
        return result
    selected = _with_previous(config, selected, result, keep, titles)
    default = request.list_id or (request.paper_ids[0] if len(request.paper_ids) == 1
                                  else "all")
    rendered: list[tuple[Path, str]] = []
    for key, group in _groups(collection, selected, request.split, request.list_id).items():
        name = key or default
        path = _path(config, request, key, name)
        rendered.append((path, _render(request.fmt, pair, group, name, today)))
        counts = {s: 0 for s in (MISSING, OUTDATED, MACHINE_STATE)}
        for p in group:
            for u in p.units:
                counts[u.state] += 1
        result.files.append(ExportedFile(path, len(group), counts))
    for path, _ in rendered:  # never into content/ or another source folder (issue 16)
        check_output(config.root, path)
    for path, text in rendered:  # all made before any is written
        write_atomic(path, text)
    return result


def run_export(config: Config, request: ExportRequest, today: date | None = None
               ) -> ExportResult:
    """Load the project, pick the papers (a list, some papers, or all), export."""
    from .. import clock
    from ..content.load import load_collection
    from ..translate.drafts import select_papers

    collection = load_collection(config)
    papers = select_papers(collection, request.list_id, request.paper_ids)
    return export(config, collection, papers, request, today or clock.today())
