"""What every status format shows: the papers in view (worst first), their summaries per
language and per list, orphans, and --details rows; built from the cached records
(`status.cache`), from the cached default report, or from a StatusReport computed directly
(`--no-cache`). A derived language (zh-Hant) is its source's view, converted.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..blocks import TITLE
from ..config import Config
from ..errors import PublishError
from ..languages import DERIVED, source_of
from .cache import load_tree
from .records import Record, compact, sort_key, work_unit
from .report import report_ids, report_lines
from .states import STATES, Summary

if TYPE_CHECKING:
    from ..derived import Derived
    from .compute import StatusReport


@dataclass(frozen=True, slots=True)
class BlockRow:
    paper: str
    lang: str
    line: int | None  # in content/<lang>/<paper>.md; None when the text is missing
    state: str
    machine: bool  # outdated, and an unreviewed machine draft too
    source_lang: str
    source_line: int
    text: str  # the source's first words
    kind: str = "paragraph"  # the source block's kind; "title" for a paper's title

    @property
    def shown(self) -> str:
        """The text as a person reads it in a table: a title says it is one."""
        return f"title: {self.text}" if self.kind == TITLE else self.text


@dataclass(frozen=True, slots=True)
class OrphanRow:
    paper: str
    lang: str
    line: int
    reason: str
    superseded: bool  # kept beside its newer translation for reference: not a problem
    text: str


@dataclass(slots=True)
class PaperRow:
    id: str
    title: str
    lists: list[str]
    states: dict[str, str]
    work: dict[str, int]
    blocks: list[BlockRow] = field(default_factory=list)


@dataclass
class StatusView:
    """What every format shows. Papers stay records until a format asks for rows, so JSON for
    100,000 papers never builds 100,000 objects."""

    languages: tuple[str, ...]  # the languages shown
    all_languages: tuple[str, ...]
    summary: dict[str, Summary]
    lists: dict[str, dict[str, Summary]]
    records: Mapping[str, Record]
    order: list[str]  # the papers shown, worst first, after --state
    selected: int  # papers in the selection, before --state
    orphans: list[OrphanRow]
    content_dir: Path
    details: Mapping[str, tuple] | None = None
    list_id: str | None = None
    states: tuple[str, ...] = ()
    warnings: list[str] = field(default_factory=list)
    joined: bytes | None = None  # the papers' JSON lines, ",\n"-joined UTF-8, when made
    notes: list[str] = field(default_factory=list)  # said once: what a derived language is

    @property
    def detailed(self) -> bool:
        return self.details is not None

    def path(self, lang: str, paper: str) -> Path:
        """The file a person edits: a derived language's text is in its source's folder."""
        return self.content_dir / source_of(lang) / f"{paper}.md"

    def unit(self, lang: str) -> str:
        return work_unit(lang, self.all_languages)

    @property
    def columns(self) -> list[tuple[str, int]]:
        return [(lang, self.all_languages.index(lang)) for lang in self.languages]

    def rows(self, limit: int | None = None) -> Iterator[PaperRow]:
        cols = self.columns
        wanted = set(self.states)
        for pid in self.order[:limit]:
            rec = self.records[pid]
            row = PaperRow(pid, rec.title, list(rec.lists),
                           {lang: rec.states[i] for lang, i in cols},
                           {lang: rec.works[i] for lang, i in cols})
            if self.details is not None:
                units = self.details.get(pid) or ((),) * len(self.all_languages)
                row.blocks = [BlockRow(pid, lang, line or None, state, machine, src, src_line,
                                       words, kind)
                              for lang, i in cols
                              for state, machine, line, src, src_line, words, kind in units[i]
                              if not wanted or state in wanted]
            yield row


def _summary(recs: list[Record], i: int) -> Summary:
    s = Summary()
    s.papers = len(recs)
    for state, n in Counter([r.states[i] for r in recs]).items():
        s.states[state] += n
    s.words_to_translate = sum([r.works[i] for r in recs])
    return s


def build_view(languages: Sequence[str], shown: Sequence[str], records: Mapping[str, Record],
               members: Mapping[str, Sequence[str]], content_dir: Path, *,
               list_id: str | None = None, states: Sequence[str] = (),
               details: Mapping[str, tuple] | None = None) -> StatusView:
    """The view of `records` (paper id -> record, see the module docstring) in the languages
    `shown`; `members` is each list's paper ids in order."""
    cols = [languages.index(lang) for lang in shown]
    if list_id is not None:
        if list_id not in members:
            known = ", ".join(sorted(members)) or "none yet"
            raise PublishError(f"unknown list id {list_id!r} (known: {known})")
        selection = list(dict.fromkeys(pid for pid in members[list_id] if pid in records))
        chosen: Mapping[str, object] = dict.fromkeys(selection)
    else:
        selection, chosen = list(records), records
    recs = [records[pid] for pid in selection]
    summary = {lang: _summary(recs, i) for lang, i in zip(shown, cols, strict=True)}
    per_list: dict[str, dict[str, Summary]] = {}
    for lid in sorted(members):
        if list_id is None or lid == list_id:
            inside = [records[pid] for pid in members[lid] if pid in chosen]
            per_list[lid] = {lang: _summary(inside, i) for lang, i in zip(shown, cols,
                                                                             strict=True)}
    # Worst first: the worst state in the languages shown, then the most work left.
    ranked = sorted((*sort_key(r, cols), pid)
                    for pid, r in zip(selection, recs, strict=True)) if cols else []
    order = [pid for _, _, pid in ranked]
    wanted = set(states)
    if wanted and details is not None:
        order = [pid for pid in order if any(
            unit[0] in wanted for i in cols for unit in (details.get(pid) or ((),) * (i + 1))[i])]
    elif wanted:
        order = [pid for pid in order if any(records[pid].states[i] in wanted for i in cols)]
    orphans = [OrphanRow(pid, languages[i], *o) for _, _, pid in ranked if records[pid].orphans
               for i in cols for o in records[pid].orphans[i]]
    return StatusView(tuple(shown), tuple(languages), summary, per_list, records, order,
                      len(selection), orphans, content_dir, details, list_id, tuple(states))


def view_from_report(report: StatusReport, collection_lists: Mapping[str, Sequence[str]],
                     shown: Sequence[str], content_dir: Path, *, list_id: str | None = None,
                     states: Sequence[str] = (), details: bool = False) -> StatusView:
    """The view of a StatusReport computed in every language of the project."""
    records: dict[str, Record] = {}
    units: dict[str, tuple] = {}
    for pid, by_lang in report.statuses.items():
        paper = next(iter(by_lang.values())).paper
        states_, works, orphans, units[pid] = compact(by_lang, report.languages)
        records[pid] = Record(None, paper.source_lang, paper.title, tuple(paper.meta.lists),
                              states_, works, orphans)
    return build_view(report.languages, shown, records, collection_lists, content_dir,
                      list_id=list_id, states=states, details=units if details else None)


def report_view(report: dict[str, Any], languages: Sequence[str],
                records: Mapping[str, Record], content_dir: Path) -> StatusView:
    """The view of every paper in every language, from the cached report."""

    def summary(value: list) -> Summary:
        return Summary(value[0], dict(zip(STATES, value[1], strict=True)), value[2])

    order = report_ids(report)
    orphans: list[OrphanRow] = []
    if report["orphans"]:
        where = {pid: n for n, pid in enumerate(order)}
        for pid in sorted(report["orphans"], key=where.__getitem__):
            orphans += [OrphanRow(pid, lang, *o)
                        for lang, found in zip(languages, report["orphans"][pid], strict=True)
                        for o in found]
    return StatusView(
        tuple(languages), tuple(languages),
        {lang: summary(value) for lang, value in report["summary"].items()},
        {lid: {lang: summary(v) for lang, v in by_lang.items()}
         for lid, by_lang in report["lists"].items()},
        records, order, len(order), orphans, content_dir, joined=report_lines(report))


class _DerivedDetails(Mapping[str, tuple]):
    """A view's details with the source language's units as the derived language's: the
    source's own text (an original) converted, converted only when a row asks for it."""

    def __init__(self, details: Mapping[str, tuple], col: int, d: Derived) -> None:
        self._details, self._col, self._d = details, col, d

    def __len__(self) -> int:
        return len(self._details)

    def __iter__(self) -> Iterator[str]:
        return iter(self._details)

    def __getitem__(self, pid: str) -> tuple:
        units = self._details[pid]
        mine = tuple((state, machine, line, self._d.lang, src_line, self._d.convert(words),
                      kind) if src == self._d.source else
                     (state, machine, line, src, src_line, words, kind)
                     for state, machine, line, src, src_line, words, kind in units[self._col])
        return (*units[:self._col], mine, *units[self._col + 1:])


def derive_view(view: StatusView, d: Derived) -> StatusView:
    """The view of `d.lang` from the view of its source language: the same states, summaries
    and lines (the conversion keeps lines), titles and quoted text converted. Nothing is
    computed again."""
    col = view.all_languages.index(d.source)
    languages = tuple(d.lang if lang == d.source else lang for lang in view.all_languages)
    records = dict(view.records)
    for pid in view.order:
        rec = records[pid]
        title = d.convert(rec.title)
        if title != rec.title:
            records[pid] = rec._replace(title=title)
    orphans = [OrphanRow(o.paper, d.lang, o.line, o.reason, o.superseded, d.convert(o.text))
               if o.lang == d.source else o for o in view.orphans]
    return StatusView(
        (d.lang,), languages, {d.lang: view.summary[d.source]},
        {lid: {d.lang: sums[d.source]} for lid, sums in view.lists.items()},
        records, view.order, view.selected, orphans, view.content_dir,
        _DerivedDetails(view.details, col, d) if view.details is not None else None,
        view.list_id, view.states, list(view.warnings), None, [*view.notes, d.note + "."])


def status_view(config: Config, *, lang: str | None = None, list_id: str | None = None,
                states: Sequence[str] = (), details: bool = False,
                use_cache: bool = True) -> StatusView:
    """The status of the project: through the index in build/, or (use_cache=False) by
    loading the whole tree with the store and status.collection_status. A derived language
    (zh-Hant) is its source's view, converted (`derive_view`)."""
    if lang in DERIVED:  # OpenCC and its tables are loaded only for a derived language
        from ..derived import derived, freshness, require

        d = derived(lang)
        assert d is not None
        require(d.lang, config.languages)
        view = derive_view(status_view(config, lang=d.source, list_id=list_id, states=states,
                                       details=details, use_cache=use_cache), d)
        fresh = freshness(config.build_dir, config.content_dir, d.lang, config.root)
        if fresh is not None:
            view.notes.append(fresh.message)
        return view
    shown = (lang,) if lang else config.languages
    if not use_cache:  # the whole tree read and computed here (PyYAML, markdown-it)
        from ..content.load import load_collection
        from .compute import collection_status

        collection = load_collection(config, cache=False)
        if list_id is not None and list_id not in collection.lists:
            known = ", ".join(sorted(collection.lists)) or "none yet"
            raise PublishError(f"unknown list id {list_id!r} (known: {known})")
        report = collection_status(collection, config.languages, list_id)
        members = {lid: rl.paper_ids() for lid, rl in collection.lists.items()}
        return view_from_report(report, members, shown, config.content_dir, list_id=list_id,
                                states=states, details=details)
    default = lang is None and list_id is None and not states and not details
    tree = load_tree(config, report=default, details=details)
    if default and tree.report is not None:
        view = report_view(tree.report, config.languages, tree.records, config.content_dir)
    else:
        members = {lid: value.papers for lid, value in tree.lists.items()}
        view = build_view(config.languages, shown, tree.records.as_dict(), members,
                          config.content_dir,
                          list_id=list_id, states=states,
                          details=tree.details() if details else None)
    view.warnings += tree.warnings
    if tree.cache is not None:
        tree.cache.close()
    return view


def below(view: StatusView, pct: float) -> list[str]:
    """The shown languages whose coverage is under `pct` (exactly, not as rounded)."""
    out = []
    for lang, s in view.summary.items():
        done = s.states["original"] + s.states["current"]
        if s.papers and 100.0 * done / s.papers < pct:
            out.append(f"coverage of {lang} is {100.0 * done / s.papers:.2f}%, under {pct:g}%")
    return out
