"""What a found paper gains: the fields it lacks, from the service that knows each best; a
disagreement with what it has kept as a conflict (as import keeps one), never written over;
the published title, the list's kept as an alias; and, when it has no English text, its
abstract as English blocks under an abstract marker. Works on the model in memory."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..blocks import format_abstract_marker
from ..fields import Conflict
from ..imports.normalise import title_key
from ..model import Paper, Text
from .match import surname
from .record import ARXIV, CROSSREF, OPENALEX, S2, Record
from .resolve import Resolution

# Which service's word counts for each field: the publisher's metadata for the published
# title, year and venue; arXiv for full author lists and for abstracts (its metadata is CC0).
PRIORITY: dict[str, tuple[str, ...]] = {
    "title": (CROSSREF, OPENALEX, ARXIV, S2),
    "authors": (ARXIV, CROSSREF, OPENALEX, S2),
    "year": (CROSSREF, OPENALEX, S2, ARXIV),
    "venue": (CROSSREF, OPENALEX, S2),
    "arxiv": (ARXIV, S2, OPENALEX, CROSSREF),
    "doi": (CROSSREF, OPENALEX, S2, ARXIV),
    "openalex": (OPENALEX,),
    "s2": (S2,),
    "url": (OPENALEX, CROSSREF, S2, ARXIV),
    "citations": (OPENALEX, S2, CROSSREF),
    "abstract": (ARXIV, OPENALEX, CROSSREF, S2),
}
GROUP = {"title": "ids", "arxiv": "ids", "doi": "ids", "openalex": "ids", "s2": "ids",
         "url": "ids"}
IDS = ("arxiv", "doi", "openalex", "s2")


@dataclass(frozen=True)
class Change:
    """A field filled (old None), changed, or — in `conflicts` — a value kept beside it."""

    field: str
    old: str | None
    new: str
    source: str  # the record it came from: "arxiv:1706.03762"


@dataclass
class Applied:
    changes: list[Change] = field(default_factory=list)
    conflicts: list[Change] = field(default_factory=list)
    abstract: str | None = None  # the provenance of an abstract added
    langs: set[str] = field(default_factory=set)  # files changed


def _show(value: object) -> str:
    return "; ".join(value) if isinstance(value, list | tuple) else str(value)


def _best(resolution: Resolution, name: str) -> tuple[object, Record] | None:
    for service in PRIORITY[name]:
        record = resolution.records.get(service)
        value = getattr(record, name, None) if record else None
        if value not in (None, "", ()):
            assert record is not None
            return value, record
    return None


def _same(name: str, old: object, new: object) -> bool:
    if name == "authors":  # abbreviated first names, accents: the surnames in order
        have = [surname(a) for a in old]  # type: ignore[attr-defined]
        return [surname(a) for a in new][:len(have)] == have  # type: ignore[attr-defined]
    if name in ("doi", "arxiv"):
        return str(old).lower() == str(new).lower()
    return old == new


class _Merge:
    def __init__(self, paper: Paper, resolution: Resolution, groups: set[str]):
        self.paper, self.resolution, self.groups = paper, resolution, groups
        self.out = Applied()

    def wants(self, name: str) -> bool:
        return GROUP.get(name, name) in self.groups

    def change(self, name: str, old: object, new: object, record: Record) -> None:
        value = list(new) if isinstance(new, tuple) else new
        setattr(self.paper.meta, name, value)
        self.out.changes.append(Change(name, None if old in (None, []) else _show(old),
                                       _show(new), f"{record.source}:{record.id}"))
        self.out.langs.add(self.paper.source_lang)

    def conflict(self, name: str, old: object, new: object, record: Record) -> None:
        meta = self.paper.meta
        value = _show(new)
        if any(c.field == name and c.value == value for c in meta.conflicts):
            return  # known already (from this run before, or from a list)
        meta.conflicts.append(Conflict(name, value, f"{record.source}:{record.id}"))
        self.out.conflicts.append(Change(name, _show(old), value,
                                         f"{record.source}:{record.id}"))
        self.out.langs.add(self.paper.source_lang)

    def field(self, name: str, disagree: bool = True) -> None:
        """Fill `name` when empty; a different value is a conflict (`disagree`) or ignored
        (a venue spelt another way)."""
        best = _best(self.resolution, name) if self.wants(name) else None
        if best is None:
            return
        new, record = best
        old = getattr(self.paper.meta, name)
        if old in (None, []):
            self.change(name, old, new, record)
        elif disagree and not _same(name, old, new):
            self.conflict(name, old, new, record)

    def title(self) -> None:
        best = _best(self.resolution, "title") if self.wants("title") else None
        if best is None:
            return
        new, record = best
        meta = self.paper.meta
        if title_key(str(new)) == title_key(meta.title):
            return  # the same title: its spelling here (a person's, a list's) stays
        if title_key(meta.title) not in {title_key(a) for a in meta.aliases}:
            meta.aliases = [*meta.aliases, meta.title]
        self.change("title", meta.title, new, record)

    def citations(self, refresh: bool) -> None:
        best = _best(self.resolution, "citations") if self.wants("citations") else None
        if best is None:
            return
        count, record = best
        meta = self.paper.meta
        if meta.citations is not None and not (refresh and meta.citations_source):
            return  # a list's count, or no --update citations
        date = self.resolution.fetched.get(record.source, "")[:10]
        if (count, record.source, date) == (meta.citations, meta.citations_source,
                                            meta.citations_date):
            return
        self.change("citations", meta.citations, count, record)
        meta.citations_source, meta.citations_date = record.source, date or None


def apply(paper: Paper, resolution: Resolution, groups: set[str], languages: tuple[str, ...],
          en_path: Path, today: str, refresh_citations: bool = False) -> Applied:
    """Merge what `resolution` found into `paper` (in place) and say what changed."""
    merge = _Merge(paper, resolution, groups)
    if not resolution.records:
        return merge.out
    merge.title()
    for name in ("authors", "year", *IDS):
        merge.field(name)
    merge.field("venue", disagree=False)
    meta = paper.meta
    if not meta.url and not meta.arxiv and not meta.doi:
        merge.field("url", disagree=False)
    merge.citations(refresh_citations)
    if "abstract" in groups and "en" in languages:
        _abstract(paper, resolution, merge.out, en_path, today)
    return merge.out


def _abstract(paper: Paper, resolution: Resolution, out: Applied, path: Path,
              today: str) -> None:
    text = paper.texts.get("en")
    if text is not None and text.blocks:
        return  # English text a person or a list wrote: nothing is added to it
    best = _best(resolution, "abstract")
    if best is None:
        return
    paragraphs, record = best
    marker = format_abstract_marker(record.source, record.id, today)
    body = "\n\n".join(f"{marker}\n{p}" for p in paragraphs) + "\n"  # type: ignore[attr-defined]
    if text is None:
        paper.texts["en"] = Text(lang="en", path=path, body=body, body_line=1,
                                 meta_in=None if paper.source_lang == "en" else
                                 paper.source_lang)
    else:  # a file with metadata only (or blank lines, or stray markers: kept above)
        old = text.body.strip("\n")
        text.body = (old + "\n\n" if old.strip() else "") + body
        text.__dict__.pop("blocks", None)  # the cached parse of the old body
    out.abstract = f"{record.source}:{record.id}"
    out.langs.add("en")
