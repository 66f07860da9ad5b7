"""What `publish status` prints: a status.Report (or the index's cached records of one) as a
terminal summary, JSON, CSV, Markdown or a self-contained HTML page.

Both paths meet in one record per paper, `(keys, source_lang, title, lists, states, works,
orphans)`, the last three with one entry per language of the project; `compact` makes them
from status.paper_status's results, so the cached path and the direct one print the same.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import sys
from array import array
from bisect import bisect_left
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import accumulate
from pathlib import Path
from typing import IO, Any

from .config import Config
from .derived import Derived, derived
from .errors import PublishError
from .languages import CJK, source_of
from .model import TITLE
from .status import STATES, PaperStatus, Report, Summary

FORMATS = ("table", "json", "csv", "markdown", "html")
RANK = {s: i for i, s in enumerate(STATES)}
STATE_STYLE = {"missing": "red", "outdated": "yellow", "machine": "magenta", "current": "cyan",
               "original": "green"}
WORST_SHOWN = 25  # papers in the terminal summary; the other formats list them all
_LIST_MARK_RE = re.compile(r"^\s*(?:[-*+]|\d{1,9}[.)])\s+")


def first_words(text: str, limit: int = 60) -> str:
    """The start of a block, on one line, for a person to recognise it."""
    # Only the start matters: a long block is cut before it is flattened.
    flat = " ".join(_LIST_MARK_RE.sub("", text[: 4 * limit], count=1).split())
    if len(flat) <= limit:
        return flat
    cut = flat.rfind(" ", 0, limit)
    return flat[: cut if cut > limit // 2 else limit] + "…"


def compact(statuses: Mapping[str, PaperStatus], languages: Sequence[str],
            with_details: bool = True) -> tuple:
    """(states, works, orphans, details) of one paper, one entry per language: plain tuples,
    so they can be cached. orphans is None when there are none, else per language a tuple of
    (line, reason, superseded, first words); details (None unless `with_details`: a tenth of
    a paper's cost, for --details only) per language a tuple of units as (state, machine,
    line in that language's file or 0, source language, source line, first words of the
    source)."""
    sts = [statuses[lang] for lang in languages]
    orphans = tuple(tuple((o.block.line, o.reason, o.superseded, first_words(o.block.text))
                          for o in st.orphans) for st in sts)
    details = tuple(tuple((u.state, u.machine, u.block.line if u.block else 0, u.original.lang,
                           u.original.line, first_words(u.original.text), u.original.kind)
                          for u in st.all_units)
                    for st in sts) if with_details else None
    return (tuple(st.state for st in sts), tuple(st.work for st in sts),
            orphans if any(orphans) else None, details)


def work_unit(lang: str, languages: Sequence[str]) -> str:
    """What the work left into `lang` is counted in: its sources are the other languages' text,
    counted in words (English) or characters (Chinese), as status.text_size counts."""
    others = {code in CJK for code in languages if code != lang}
    return "characters" if others == {True} else "words" if others == {False} else "units"


# ---------------------------------------------------------------------------------------------
# The view: what every format shows


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
    records: Mapping[str, tuple]
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
            row = PaperRow(pid, rec[2], list(rec[3]), {lang: rec[4][i] for lang, i in cols},
                           {lang: rec[5][i] for lang, i in cols})
            if self.details is not None:
                units = self.details.get(pid) or ((),) * len(self.all_languages)
                row.blocks = [BlockRow(pid, lang, line or None, state, machine, src, src_line,
                                       words, kind)
                              for lang, i in cols
                              for state, machine, line, src, src_line, words, kind in units[i]
                              if not wanted or state in wanted]
            yield row


def _summary(recs: list[tuple], i: int) -> Summary:
    s = Summary()
    s.papers = len(recs)
    for state, n in Counter([r[4][i] for r in recs]).items():
        s.states[state] += n
    s.words_to_translate = sum([r[5][i] for r in recs])
    return s


def build_view(languages: Sequence[str], shown: Sequence[str], records: Mapping[str, tuple],
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
        order = [pid for pid in order if any(records[pid][4][i] in wanted for i in cols)]
    orphans = [OrphanRow(pid, languages[i], *o) for _, _, pid in ranked if records[pid][6]
               for i in cols for o in records[pid][6][i]]
    return StatusView(tuple(shown), tuple(languages), summary, per_list, records, order,
                      len(selection), orphans, content_dir, details, list_id, tuple(states))


def view_from_report(report: Report, collection_lists: Mapping[str, Sequence[str]],
                     shown: Sequence[str], content_dir: Path, *, list_id: str | None = None,
                     states: Sequence[str] = (), details: bool = False) -> StatusView:
    """The view of a status.Report computed in every language of the project."""
    records: dict[str, tuple] = {}
    units: dict[str, tuple] = {}
    for pid, by_lang in report.statuses.items():
        paper = next(iter(by_lang.values())).paper
        states_, works, orphans, units[pid] = compact(by_lang, report.languages)
        records[pid] = (None, paper.source_lang, paper.title, tuple(paper.meta.lists), states_,
                        works, orphans)
    return build_view(report.languages, shown, records, collection_lists, content_dir,
                      list_id=list_id, states=states, details=units if details else None)


ENCODE = json.encoder.encode_basestring  # what json.dumps(ensure_ascii=False) uses


def sort_key(rec: tuple, cols: Sequence[int]) -> tuple[int, int]:
    """Worst first: the worst state in the languages shown, then the most work left."""
    return min([RANK[rec[4][i]] for i in cols]), -sum([rec[5][i] for i in cols])


def json_line(pid: str, rec: tuple, keys: Sequence[tuple[str, int]]) -> str:
    """The paper's entry in --format json, as json.dumps(ensure_ascii=False) writes it."""
    _, _, title, lists, states, _, _ = rec
    return (f'    {{"id": {ENCODE(pid)}, "title": {ENCODE(title)}, "lists": ['
            + ", ".join(map(ENCODE, lists)) + '], "states": {'
            + ", ".join([f'{key}: "{states[i]}"' for key, i in keys]) + "}}")


# The default report (every paper, every language), cached and patched paper by paper, in
# flat strings and arrays, so loading it costs nothing per paper: "ids" ("\n"-joined, worst
# first), "ranks" (a byte each), "works" (array of -work), "lines" (their JSON lines, each
# followed by ",\n", UTF-8) and "starts" (array: where each line starts); "summary" {lang:
# [papers, [count per state], work]}, "lists" {list: {lang: [...]}}, "orphans" {id: the
# record's orphans}, "members" {list: its ids}. Moving a paper is a bisect and a few
# memmoves.

_STATE_INDEX = {s: i for i, s in enumerate(STATES)}


class StaleReport(Exception):
    """The cached report does not hold what the records said: rebuild it."""


def _count(sums: dict[str, list], languages: Sequence[str], rec: tuple, sign: int) -> None:
    for i, lang in enumerate(languages):
        s = sums[lang]
        s[0] += sign
        s[1][_STATE_INDEX[rec[4][i]]] += sign
        s[2] += sign * rec[5][i]


def report_ids(report: dict[str, Any]) -> list[str]:
    return report["ids"].split("\n") if report["ids"] else []


def report_lines(report: dict[str, Any]) -> bytes:
    """The papers' JSON lines, ",\n"-joined."""
    return report["lines"][:-2]


def build_report(languages: Sequence[str], records: Mapping[str, tuple],
                 lists: Mapping[str, tuple]) -> dict[str, Any]:
    cols = range(len(languages))
    keys = [(ENCODE(lang), i) for i, lang in enumerate(languages)]
    order = sorted((*sort_key(rec, cols), pid) for pid, rec in records.items())
    lines = [json_line(pid, records[pid], keys).encode("utf-8") + b",\n"
             for _, _, pid in order]
    starts = array("q", accumulate(map(len, lines), initial=0))
    starts.pop()
    report: dict[str, Any] = {
        "ids": "\n".join([pid for _, _, pid in order]),
        "ranks": bytes([rank for rank, _, _ in order]),
        "works": array("q", [work for _, work, _ in order]).tobytes(),
        "lines": b"".join(lines), "starts": starts.tobytes(),
        "summary": {lang: [0, [0] * len(STATES), 0] for lang in languages},
        "lists": {lid: {lang: [0, [0] * len(STATES), 0] for lang in languages}
                  for lid in sorted(lists)},
        "orphans": {pid: rec[6] for pid, rec in records.items() if rec[6]},
        # Each list's papers, as "\nid\nid\n": a paper's lists without reading the lists.
        "members": {lid: "\n" + "\n".join(lists[lid][2]) + "\n" for lid in sorted(lists)}}
    for rec in records.values():
        _count(report["summary"], languages, rec, 1)
    for lid in sorted(lists):
        for pid in lists[lid][2]:
            if pid in records:
                _count(report["lists"][lid], languages, records[pid], 1)
    return report


def patch_report(report: dict[str, Any], changes: Mapping[str, tuple[tuple | None,
                 tuple | None]], languages: Sequence[str]) -> None:
    """Move the changed papers (id -> (old record, new record)) in the report. Raises
    StaleReport when an old record is not where the report says."""
    cols = range(len(languages))
    keys = [(ENCODE(lang), i) for i, lang in enumerate(languages)]
    ids = report_ids(report)
    ranks = bytearray(report["ranks"])
    works, starts = array("q"), array("q")
    works.frombytes(report["works"])
    starts.frombytes(report["starts"])
    if not len(ids) == len(ranks) == len(works) == len(starts):
        raise StaleReport("sizes")
    # The lines as a list, joined once at the end: moving a paper is then a pointer move,
    # not a shift of every offset after it (what made each change cost ~15 ms at 100,000).
    blob = report["lines"]
    ends = [*starts[1:], len(blob)]
    lines = [blob[a:b] for a, b in zip(starts, ends, strict=True)]

    def at(key: tuple[int, int, str]) -> int:
        return bisect_left(range(len(ids)), key, key=lambda i: (ranks[i], works[i], ids[i]))

    for pid, (old, new) in sorted(changes.items()):
        inside = [lid for lid, ids_ in report["members"].items() if f"\n{pid}\n" in ids_]
        for rec, sign in ((old, -1), (new, 1)):
            if rec is not None:
                _count(report["summary"], languages, rec, sign)
                for lid in inside:
                    _count(report["lists"][lid], languages, rec, sign)
        if old is not None:
            i = at((*sort_key(old, cols), pid))
            if i == len(ids) or ids[i] != pid:
                raise StaleReport(pid)
            del lines[i], ids[i], ranks[i], works[i]
        if new is not None:
            rank, work = sort_key(new, cols)
            i = at((rank, work, pid))
            lines.insert(i, json_line(pid, new, keys).encode("utf-8") + b",\n")
            ids.insert(i, pid)
            ranks.insert(i, rank)
            works.insert(i, work)
        report["orphans"].pop(pid, None)
        if new is not None and new[6]:
            report["orphans"][pid] = new[6]
    starts = array("q", accumulate(map(len, lines), initial=0))
    starts.pop()
    report.update(ids="\n".join(ids), ranks=bytes(ranks), works=works.tobytes(),
                  lines=b"".join(lines), starts=starts.tobytes())


def report_view(report: dict[str, Any], languages: Sequence[str],
                records: Mapping[str, tuple], content_dir: Path) -> StatusView:
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
        title = d.convert(rec[2])
        if title != rec[2]:
            records[pid] = (*rec[:2], title, *rec[3:])
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
    d = derived(lang)
    if d is not None:
        from .derived import freshness, require

        require(d.lang, config.languages)
        view = derive_view(status_view(config, lang=d.source, list_id=list_id, states=states,
                                       details=details, use_cache=use_cache), d)
        fresh = freshness(config.build_dir, config.content_dir, d.lang, config.root)
        if fresh is not None:
            view.notes.append(fresh.message)
        return view
    shown = (lang,) if lang else config.languages
    if not use_cache:
        from .status import collection_status
        from .store import load_collection

        collection = load_collection(config)
        if list_id is not None and list_id not in collection.lists:
            known = ", ".join(sorted(collection.lists)) or "none yet"
            raise PublishError(f"unknown list id {list_id!r} (known: {known})")
        report = collection_status(collection, config.languages, list_id)
        members = {lid: rl.paper_ids() for lid, rl in collection.lists.items()}
        return view_from_report(report, members, shown, config.content_dir, list_id=list_id,
                                states=states, details=details)
    from .status_cache import load_tree

    default = lang is None and list_id is None and not states and not details
    tree = load_tree(config, report=default, details=details)
    if default and tree.report is not None:
        view = report_view(tree.report, config.languages, tree.records, config.content_dir)
    else:
        members = {lid: value[2] for lid, value in tree.lists.items()}
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


# ---------------------------------------------------------------------------------------------
# Formats


def render_json(view: StatusView) -> str:
    return b"".join(json_chunks(view)).decode("utf-8")


def json_chunks(view: StatusView) -> Iterator[bytes]:
    """{"summary", "lists", "papers"}, UTF-8, one paper per line: 100,000 of them stay quick
    to write (the cached report's lines go out as they are) and easy to grep."""
    head = {"summary": {lang: s.as_dict() for lang, s in view.summary.items()},
            "lists": {lid: {lang: s.as_dict() for lang, s in sums.items()}
                      for lid, sums in view.lists.items()}}
    yield json.dumps(head, ensure_ascii=False, indent=2)[:-2].encode("utf-8")
    if view.detailed:
        dump = json.JSONEncoder(ensure_ascii=False).encode
        lines = []
        for p in view.rows():
            item: dict[str, Any] = {"id": p.id, "title": p.title, "lists": p.lists,
                                    "states": p.states}
            item["blocks"] = [{"lang": b.lang, "line": b.line, "state": b.state,
                               "machine": b.machine, "source_lang": b.source_lang,
                               "source_line": b.source_line, "kind": b.kind, "text": b.text}
                              for b in p.blocks]
            item["orphans"] = [{"lang": o.lang, "line": o.line, "reason": o.reason,
                                "superseded": o.superseded, "text": o.text}
                               for o in view.orphans if o.paper == p.id]
            lines.append("    " + dump(item))
        joined = ",\n".join(lines).encode("utf-8")
    elif view.joined is not None:
        joined = view.joined
    else:
        keys = [(ENCODE(lang), i) for lang, i in view.columns]
        joined = ",\n".join([json_line(pid, view.records[pid], keys)
                             for pid in view.order]).encode("utf-8")
    if joined:
        yield b',\n  "papers": [\n'
        yield joined
        yield b"\n  ]\n}\n"
    else:
        yield b',\n  "papers": []\n}\n'


def render_csv(view: StatusView) -> str:
    buf = io.StringIO()
    out = csv.writer(buf, lineterminator="\n")
    if view.detailed:
        out.writerow(["paper", "lang", "line", "state", "machine", "source_lang", "source_line",
                      "text", "note"])
        for p in view.rows():
            for b in p.blocks:
                out.writerow([b.paper, b.lang, b.line or "", b.state, int(b.machine),
                              b.source_lang, b.source_line, b.text,
                              "title" if b.kind == TITLE else ""])
        for o in view.orphans:
            out.writerow([o.paper, o.lang, o.line, "superseded" if o.superseded else "orphan",
                          "", "", "", o.text, o.reason])
        return buf.getvalue()
    out.writerow(["id", "title", "lists", *(f"state_{lang}" for lang in view.languages),
                  *(f"work_{lang}" for lang in view.languages)])
    for p in view.rows():
        out.writerow([p.id, p.title, " ".join(p.lists), *p.states.values(), *p.work.values()])
    return buf.getvalue()


def _flag(b: BlockRow) -> str:
    return " (machine)" if b.machine and b.state == "outdated" else ""


def summary_cells(s: Summary) -> list[str]:
    return [str(s.papers), *(str(s.states[state]) for state in STATES), f"{s.coverage:.1f}%"]


def work_text(view: StatusView, lang: str, n: int) -> str:
    return f"{n:,} {view.unit(lang)}"


def _md(text: object) -> str:
    return re.sub(r"([\\|*_`\[\]<>])", r"\\\1", " ".join(str(text).split()))


def render_markdown(view: StatusView) -> str:
    head = ["papers", *STATES, "coverage", "work left"]
    out = ["# Translation status", ""]
    if view.list_id:
        out += [f"Reading list `{view.list_id}`.", ""]
    for note in view.notes:
        out += [_md(note), ""]
    out += ["## By language", "", "| language | " + " | ".join(head) + " |",
            "|---" * (len(head) + 1) + "|"]
    for lang, s in view.summary.items():
        out.append(f"| {lang} | " + " | ".join(
            [*summary_cells(s), work_text(view, lang, s.words_to_translate)]) + " |")
    if view.lists:
        out += ["", "## By reading list", "", "| list | language | " + " | ".join(head) + " |",
                "|---" * (len(head) + 2) + "|"]
        for lid, sums in view.lists.items():
            for lang, s in sums.items():
                out.append(f"| {_md(lid)} | {lang} | " + " | ".join(
                    [*summary_cells(s), work_text(view, lang, s.words_to_translate)]) + " |")
    if view.detailed:
        out += ["", "## Blocks", "", "| paper | lang | line | state | source | text |",
                "|---|---|---|---|---|---|"]
        for p in view.rows():
            for b in p.blocks:
                state = b.state + _flag(b)
                out.append(f"| {_md(b.paper)} | {b.lang} | {b.line or '—'} | {state} | "
                           f"{b.source_lang}:{b.source_line} | {_md(b.shown)} |")
    else:
        langs = view.languages
        out += ["", "## Papers, worst first", "",
                "| paper | title | " + " | ".join(langs) + " | " +
                " | ".join(f"work {lang}" for lang in langs) + " |",
                "|---" * (2 + 2 * len(langs)) + "|"]
        for p in view.rows():
            out.append(f"| {_md(p.id)} | {_md(p.title)} | " + " | ".join(p.states.values())
                       + " | " + " | ".join(str(n) for n in p.work.values()) + " |")
    out += _orphan_lines(view, markdown=True)
    return "\n".join(out) + "\n"


def _orphan_lines(view: StatusView, markdown: bool = False) -> list[str]:
    lost = [o for o in view.orphans if not o.superseded]
    if not lost:
        return []
    out = ["", "## Orphan translations" if markdown else
           f"{len(lost)} orphan translation(s): their source block cannot be found"]
    if markdown:
        out.append("")
    for o in lost:
        where = f"{view.path(o.lang, o.paper)}:{o.line}"
        out.append(f"- `{where}`: {_md(o.reason)}" if markdown else f"  {where}: {o.reason}")
    return out


def print_table(view: StatusView, file: IO[str] | None = None) -> None:
    """The terminal summary: states by language, by list, then the worst papers (or every
    block with --details). Narrow enough for 80 columns."""
    from rich import box
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    console = Console(file=file, soft_wrap=False, highlight=False)

    def state(name: str) -> str:
        return f"[{STATE_STYLE[name]}]{name}[/]"

    scope = f" of {view.list_id}" if view.list_id else ""
    # The title on its own line: as the table's title it wraps to the table's width.
    console.print(f"[bold]{escape(f'Translation status{scope}: {view.selected} papers')}[/]",
                  soft_wrap=True)
    t = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
    t.add_column("")
    for lang in view.languages:
        t.add_column(lang, justify="right")
    sums = list(view.summary.values())
    for name in STATES:
        t.add_row(state(name), *(f"{s.states[name]:,}" for s in sums))
    t.add_row("coverage", *(f"{s.coverage:.1f}%" for s in sums))
    t.add_row("work left", *(work_text(view, lang, s.words_to_translate)
                             for lang, s in view.summary.items()))
    console.print(t)
    if view.lists:
        from .termtable import render

        console.print("\n[bold]By reading list[/]")
        head = ["list", "lang", "papers", *STATES[:3], "coverage", "left"]
        rows = [[lid if i == 0 else "", lang, f"{s.papers:,}",
                 *(f"{s.states[name]:,}" for name in STATES[:3]),
                 f"{s.coverage:.1f}%", f"{s.words_to_translate:,}"]
                for lid, by_lang in view.lists.items()
                for i, (lang, s) in enumerate(by_lang.items())]
        # Fixed widths, in one write: ids whole and numbers never cut; a terminal narrower
        # than the table wraps its lines rather than the table hiding a column.
        widths = [max(len(h), *(len(r[k]) for r in rows)) for k, h in enumerate(head)]
        console.print(render(widths, head, ([(c, "") for c in r] for r in rows),
                             right=[False, False] + [True] * (len(head) - 2)), soft_wrap=True)
        console.print("left: " + ", ".join(f"{view.unit(lang)} into {lang}"
                                           for lang in view.languages))
    if view.detailed:
        from .termtable import render

        where = source_of(view.languages[0]) if len(view.languages) == 1 else "<lang>"
        # One write, fixed widths: thousands of rows through rich's Table took seconds.
        blocks = [b for p in view.rows() for b in p.blocks]
        paper_w = max([len(b.paper) for b in blocks] + [5])
        fixed = paper_w + 8 + 6 + 15 + 9
        text_w = max(20, console.width - fixed - 1)
        body = ([(b.paper, ""), (b.lang, ""), (str(b.line or "—"), ""),
                 (b.state + _flag(b), STATE_STYLE[b.state]),
                 (f"{b.source_lang}:{b.source_line}", ""), (b.shown.replace("\n", " "), "")]
                for b in blocks)
        console.print(f"\n[bold]Blocks (line: in content/{where}/<paper>.md)[/]")
        console.print(render([paper_w, 7, 5, 14, 8, text_w],
                             ["paper", "lang", "line", "state", "source", "text"], body,
                             right=[False, False, True]), soft_wrap=True)
    elif view.order:
        from .termtable import render

        shown = list(view.rows(WORST_SHOWN))
        filtered = f" ({', '.join(view.states)})" if view.states else ""
        console.print(f"\n[bold]Worst first{filtered}: {len(shown)} of {len(view.order)} "
                      "papers[/]")
        # The id last and whole (a folded id cannot be copied): a long one runs past the
        # edge and the terminal wraps it.
        langs = view.languages
        rows = ([*((st, STATE_STYLE[st]) for st in p.states.values()),
                 *((f"{n:,}", "") for n in p.work.values()), (p.id, "")] for p in shown)
        widths = ([max(9, len(lang)) for lang in langs] +
                  [max(8, len(f"left {lang}")) for lang in langs] +
                  [max(len(p.id) for p in shown)])
        console.print(render(widths, [*langs, *(f"left {lang}" for lang in langs), "paper"],
                             rows, right=[False] * len(langs) + [True] * len(langs)),
                      soft_wrap=True)
        if len(view.order) > len(shown):
            console.print(f"… and {len(view.order) - len(shown):,} more: --format csv, json, "
                          "markdown or html lists them all; --details shows every block.")
    # A wrapped path cannot be copied or clicked: file:line notes keep their own line.
    for line in _orphan_lines(view):
        console.print(line, markup=False, soft_wrap=True)
    for note in view.notes:
        console.print(note, markup=False, soft_wrap=True)
    kept = sum(o.superseded for o in view.orphans)
    if kept:
        console.print(f"{kept} superseded translation(s) kept beside their newer version "
                      "(--details lists them).")


def render(view: StatusView, fmt: str) -> str:
    if fmt == "json":
        return render_json(view)
    if fmt == "csv":
        return render_csv(view)
    if fmt == "markdown":
        return render_markdown(view)
    if fmt == "html":
        from .status_html import render_html

        return render_html(view)
    buf = io.StringIO()
    print_table(view, buf)
    return buf.getvalue()


def write_atomic(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".publish-tmp")
    tmp.write_bytes(text.encode("utf-8"))
    os.replace(tmp, path)


def run_status(config: Config, *, lang: str | None = None, list_id: str | None = None,
               states: Sequence[str] = (), fmt: str = "table", details: bool = False,
               fail_under: float | None = None, out: Path | None = None,
               use_cache: bool = True) -> int:
    """`publish status`: print (or write to `out`) the report; the exit code."""
    view = status_view(config, lang=lang, list_id=list_id, states=states, details=details,
                       use_cache=use_cache)
    for warning in view.warnings:
        print(f"publish: warning: {warning}", file=sys.stderr)
    if fmt != "table":
        for o in view.orphans:
            if not o.superseded:
                print(f"publish: warning: {view.path(o.lang, o.paper)}:{o.line}: orphan "
                      f"translation: {o.reason}", file=sys.stderr)
    if fmt in ("json", "csv"):  # their shape is fixed: what a derived language is goes aside
        for note in view.notes:
            print(f"publish: note: {note}", file=sys.stderr)
    if fmt == "html" and out is None:
        out = config.build_dir / "status.html"
    if out is not None:
        write_atomic(out, render(view, fmt))
        print(out)
    elif fmt == "table":
        print_table(view)
    elif fmt == "json":
        sys.stdout.flush()
        out_bytes = getattr(sys.stdout, "buffer", None)
        for chunk in json_chunks(view):  # 20 MB at 100,000 papers: no copies
            if out_bytes is not None:
                out_bytes.write(chunk)
            else:
                sys.stdout.write(chunk.decode("utf-8"))
        if out_bytes is not None:
            out_bytes.flush()
    else:
        sys.stdout.write(render(view, fmt))
    failing = below(view, fail_under) if fail_under is not None else []
    for line in failing:
        print(f"publish: {line}", file=sys.stderr)
    return 1 if failing else 0
