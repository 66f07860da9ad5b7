"""One record per paper: what every status format shows of it, computed once
(`compact` of status.compute's results) and cached by `status.cache`. The cached path and the
direct one (`--no-cache`) meet here, so they print the same.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, NamedTuple

from ..languages import CJK
from .states import RANK

if TYPE_CHECKING:
    from .compute import PaperStatus


class Record(NamedTuple):
    """A paper's status in every language of the project (one entry per language, in
    publish.toml's order, in `states`, `works` and `orphans`)."""

    keys: tuple | None  # per language, the key of the file it was made from (b"": none)
    source_lang: str  # the language holding the metadata
    title: str
    lists: tuple[str, ...]
    states: tuple[str, ...]
    works: tuple[int, ...]  # source text left to translate or check, in text_size units
    # None when there are none, else per language a tuple of (line, reason, superseded,
    # first words)
    orphans: tuple | None


class ListRecord(NamedTuple):
    """A reading list as status needs it (cached as a plain tuple)."""

    lang: str
    title: dict[str, str]
    papers: tuple[str, ...]
    lines: tuple[int | None, ...]  # of each entry in the list file


def plain(records: Mapping[str, Record]) -> dict[str, tuple]:
    """Records as plain tuples, for marshal (which takes no tuple subclass)."""
    return {pid: tuple(rec) for pid, rec in records.items()}


def named(records: Mapping[str, tuple]) -> dict[str, Record]:
    """`plain` read back."""
    make = Record._make
    return {pid: make(rec) for pid, rec in records.items()}


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


ENCODE = json.encoder.encode_basestring  # what json.dumps(ensure_ascii=False) uses


def sort_key(rec: Record, cols: Sequence[int]) -> tuple[int, int]:
    """Worst first: the worst state in the languages shown, then the most work left."""
    states, works = rec.states, rec.works
    return min([RANK[states[i]] for i in cols]), -sum([works[i] for i in cols])


def json_line(pid: str, rec: Record, keys: Sequence[tuple[str, int]]) -> str:
    """The paper's entry in --format json, as json.dumps(ensure_ascii=False) writes it."""
    title, lists, states = rec.title, rec.lists, rec.states
    return (f'    {{"id": {ENCODE(pid)}, "title": {ENCODE(title)}, "lists": ['
            + ", ".join(map(ENCODE, lists)) + '], "states": {'
            + ", ".join([f'{key}: "{states[i]}"' for key, i in keys]) + "}}")
