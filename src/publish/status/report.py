"""The default report (every paper, every language), kept up to date paper by paper.

`publish status` with no option prints it; `status.cache` keeps it in build/index.sqlite and
moves only the papers that changed.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left
from collections.abc import Mapping, Sequence
from itertools import accumulate
from typing import Any

from .records import ENCODE, ListRecord, Record, json_line, sort_key
from .states import RANK, STATES

# The default report (every paper, every language), cached and patched paper by paper, in
# flat strings and arrays, so loading it costs nothing per paper: "ids" ("\n"-joined, worst
# first), "ranks" (a byte each), "works" (array of -work), "lines" (their JSON lines, each
# followed by ",\n", UTF-8) and "starts" (array: where each line starts); "summary" {lang:
# [papers, [count per state], work]}, "lists" {list: {lang: [...]}}, "orphans" {id: the
# record's orphans}, "members" {list: its ids}. Moving a paper is a bisect and a few
# memmoves.


class StaleReport(Exception):
    """The cached report does not hold what the records said: rebuild it."""


def _count(sums: dict[str, list], languages: Sequence[str], rec: Record, sign: int) -> None:
    for i, lang in enumerate(languages):
        s = sums[lang]
        s[0] += sign
        s[1][RANK[rec.states[i]]] += sign
        s[2] += sign * rec.works[i]


def report_ids(report: dict[str, Any]) -> list[str]:
    return report["ids"].split("\n") if report["ids"] else []


def report_lines(report: dict[str, Any]) -> bytes:
    """The papers' JSON lines, ",\n"-joined."""
    return report["lines"][:-2]


def build_report(languages: Sequence[str], records: Mapping[str, Record],
                 lists: Mapping[str, ListRecord]) -> dict[str, Any]:
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
        "orphans": {pid: rec.orphans for pid, rec in records.items() if rec.orphans},
        # Each list's papers, as "\nid\nid\n": a paper's lists without reading the lists.
        "members": {lid: "\n" + "\n".join(lists[lid].papers) + "\n" for lid in sorted(lists)}}
    for rec in records.values():
        _count(report["summary"], languages, rec, 1)
    for lid in sorted(lists):
        for pid in lists[lid].papers:
            if pid in records:
                _count(report["lists"][lid], languages, records[pid], 1)
    return report


def patch_report(report: dict[str, Any], changes: Mapping[str, tuple[Record | None,
                 Record | None]], languages: Sequence[str]) -> None:
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
        if new is not None and new.orphans:
            report["orphans"][pid] = new.orphans
    starts = array("q", accumulate(map(len, lines), initial=0))
    starts.pop()
    report.update(ids="\n".join(ids), ranks=bytes(ranks), works=works.tobytes(),
                  lines=b"".join(lines), starts=starts.tobytes())
