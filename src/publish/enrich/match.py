"""Is this record the paper? The confidence rules, written once.

A title search is accepted only when the titles are the same title (their keys are equal:
case, accents, punctuation and hyphens aside), or very close (RapidFuzz ratio ≥ 93 of the
keys) with the year and the first author agreeing. A record whose year is more than a year
off, or whose authors do not include the paper's first author, is another paper, however
alike the titles. Anything else similar enough to be worth a look is a *candidate* for a
person (`publish enrich --confirm`); more than one acceptable record is too (two works with
one title). A lookup by the paper's own id is accepted unless the titles have nothing in
common (a list's wrong id): then it is a candidate too. Never a guess.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from rapidfuzz import fuzz

from ..imports.normalise import title_key
from .record import Record

CLOSE = 93.0  # key ratio of "very close" titles (with year and first author agreeing)
WORTH_A_LOOK = 60.0  # key ratio of a candidate shown to a person
UNRELATED = 50.0  # below this, an id lookup's title is not the paper's


@dataclass(frozen=True)
class Target:
    """A paper as matching sees it."""

    title: str
    year: int | None = None
    author: str | None = None  # the first author's surname, as written


@dataclass(frozen=True)
class Candidate:
    record: Record
    why: str  # why it was not accepted, for a person


@dataclass(frozen=True)
class Verdict:
    accepted: Record | None = None
    candidates: tuple[Candidate, ...] = ()
    how: str = ""  # how the accepted record matched


def surname(name: str) -> str:
    """A name's family name, folded: the last word (`Geoffrey E. Hinton`, `J. E. Hu`), or
    the part before a comma (`LeCun, Yann`)."""
    name = re.sub(r"\s*\bet\s+al\.?$", "", name.strip(), flags=re.IGNORECASE)  # "Vaswani et al."
    name = name.split(",")[0] if "," in name else name
    words = name.replace(".", " ").split()
    folded = unicodedata.normalize("NFKD", words[-1] if words else "")
    return "".join(c for c in folded if c.isalnum()).lower()


def _year_ok(target: Target, record: Record) -> bool | None:
    if target.year is None or record.year is None:
        return None
    return abs(target.year - record.year) <= 1  # an arXiv year and a venue's differ by one


def _author_ok(target: Target, record: Record) -> bool | None:
    if not target.author or not record.authors:
        return None
    return surname(target.author) in {surname(a) for a in record.authors}


def _contains(short: str, long: str) -> bool:
    """A short name the published title starts with or holds as whole words ("QLoRA")."""
    return bool(short) and (f" {short} " in f" {long} ")


def judge_titles(target: Target, records: list[Record], rejected: frozenset[str] = frozenset()
                 ) -> Verdict:
    key = title_key(target.title)
    accepted: list[tuple[Record, str]] = []
    candidates: list[Candidate] = []
    for record in records:
        if _rejected(record, rejected):
            continue
        other = title_key(record.title)
        ratio = fuzz.ratio(key, other)
        year, author = _year_ok(target, record), _author_ok(target, record)
        if year is False or author is False:
            continue  # another work with a like title (the 2016 book "Deep Learning")
        if key == other:
            accepted.append((record, "the same title"))
        elif ratio >= CLOSE and year and author:
            accepted.append((record, f"a very close title ({ratio:.0f}), year and first "
                                     "author"))
        elif ratio >= WORTH_A_LOOK or _contains(key, other):
            candidates.append(Candidate(record, f"a similar title ({ratio:.0f})"))
    if len(accepted) == 1:
        return Verdict(accepted[0][0], how=accepted[0][1])
    if len(accepted) > 1:
        published = _one_published(accepted)
        if published is not None:
            return Verdict(published[0], how=published[1])
        return Verdict(candidates=tuple(Candidate(r, "one of several works with this title")
                                        for r, _ in accepted))
    return Verdict(candidates=tuple(candidates))


def _one_published(accepted: list[tuple[Record, str]]) -> tuple[Record, str] | None:
    """Of a preprint and its published version (two works for one paper in OpenAlex), the
    published one; None when the accepted records are not that."""
    published = [(r, how) for r, how in accepted if not r.preprint]
    if len(published) != 1:
        return None
    first = {surname(r.authors[0]) for r, _ in accepted if r.authors}
    return published[0] if len(first) == 1 else None


def _rejected(record: Record, rejected: frozenset[str]) -> bool:
    return bool(rejected & {f"{k}:{v}" for k, v in record.ids().items()})


def judge_id(target: Target, records: list[Record], vouched: bool = False,
             rejected: frozenset[str] = frozenset()) -> Verdict:
    """A lookup by the paper's own id (or one a person confirmed: `vouched`)."""
    if not records or _rejected(records[0], rejected):
        return Verdict()
    record = records[0]
    if vouched:
        return Verdict(record, how="confirmed by a person")
    key, other = title_key(target.title), title_key(record.title)
    if key == other or fuzz.ratio(key, other) >= UNRELATED or _contains(key, other) \
            or fuzz.partial_ratio(key, other) >= 90:
        return Verdict(record, how="its id")
    return Verdict(candidates=(Candidate(record, "the paper's id names a work with another "
                                                 "title"),))
