"""Which work each paper is, service by service, from the answers `ask` gives (from the
cache or the network: resolving is the same either way, so the run that writes can do it
again from the cache alone, under the writer lock).

The order, for every paper at once (so each service's lookups go out together, batched
where the service takes batches):

1. By id: each service is asked for the papers whose ids it can look up — the paper's own
   arXiv id, DOI, OpenAlex or Semantic Scholar id, or those a service already found for it.
   Ids found this way are asked of the other services in turn, until no new lookup is left.
2. By title, for papers with no id at all: one service at a time, in SEARCH_ORDER (the ones
   that allow several requests at once first; arXiv, at one request every three seconds,
   last). A paper a service accepts is then looked up by its new ids as in 1; the others go
   on to the next service.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from .match import Candidate, Target, Verdict, judge_id, judge_titles, surname
from .record import ARXIV, CROSSREF, LABELS, OPENALEX, S2, Answer, Lookup, Record, title_lookup
from .service import Service

SEARCH_ORDER = (OPENALEX, S2, CROSSREF, ARXIV)
MAX_CANDIDATES = 5

# A function that answers lookups: each with an Answer, or why it got none.
Ask = Callable[[list[Lookup]], dict[Lookup, "Answer | str"]]


@dataclass(frozen=True)
class Subject:
    """A paper to enrich: how it is matched, the ids it has, a person's decisions."""

    id: str
    target: Target
    ids: dict[str, str] = field(default_factory=dict)
    vouched: bool = False  # its ids are a candidate a person confirmed
    rejected: frozenset[str] = frozenset()  # candidates a person rejected (`kind:value`)


@dataclass
class Resolution:
    subject: Subject
    ids: dict[str, str] = field(default_factory=dict)  # own, then found
    records: dict[str, Record] = field(default_factory=dict)  # accepted, by service
    fetched: dict[str, str] = field(default_factory=dict)  # service -> when it answered
    how: str = ""  # how the paper was found, for people
    candidates: list[Candidate] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)  # service -> why it gave nothing
    asked: set[str] = field(default_factory=set)  # services that answered a title search
    asked_ids: set[str] = field(default_factory=set)  # …and a lookup by id

    @property
    def status(self) -> str:
        if self.records:
            return "found"
        if self.candidates:
            return "unsure"
        return "failed" if self.failed else "no match"

    def take(self, verdict: Verdict, service: str, answer: Answer) -> None:
        if verdict.accepted is None:
            known = {c.record.ref for c in self.candidates}
            self.candidates += [c for c in verdict.candidates if c.record.ref not in known]
            return
        self.records[service] = verdict.accepted
        self.fetched[service] = answer.fetched
        if not self.how:
            self.how = f"{verdict.how} ({LABELS[service]})"
        for kind, value in verdict.accepted.ids().items():
            self.ids.setdefault(kind, value)


def resolve(subjects: list[Subject], services: dict[str, Service], ask: Ask
            ) -> list[Resolution]:
    out = [Resolution(s, ids=dict(s.ids)) for s in subjects]
    searches = [name for name in SEARCH_ORDER if name in services]
    while True:
        _by_ids(out, services, ask)
        if not searches:
            break
        _by_title(out, searches.pop(0), ask)
    for r in out:
        if r.records:
            r.candidates = []
        else:
            r.candidates = sorted(r.candidates, key=lambda c: c.record.ref)[:MAX_CANDIDATES]
    return out


def _by_ids(out: list[Resolution], services: dict[str, Service], ask: Ask) -> None:
    while True:
        wanted: list[tuple[Resolution, Lookup]] = []
        for r in out:
            if not r.ids:
                continue
            for name, service in services.items():
                key = service.id_key(r.ids)
                if key and name not in r.asked_ids and name not in r.records \
                        and name not in r.failed:
                    wanted.append((r, Lookup(name, key)))
        if not wanted:
            return
        answers = ask([lk for _, lk in wanted])
        for r, lk in wanted:
            answer = answers[lk]
            if isinstance(answer, str):
                r.failed[lk.source] = answer
                continue
            r.asked_ids.add(lk.source)
            r.take(judge_id(r.subject.target, answer.records, r.subject.vouched,
                            r.subject.rejected), lk.source, answer)


def _by_title(out: list[Resolution], service: str, ask: Ask) -> None:
    wanted = [(r, title_lookup(service, r.subject.target.title, r.subject.target.year,
                               surname(r.subject.target.author or "") or None))
              for r in out if not r.subject.ids and not r.records and service not in r.asked
              and service not in r.failed]
    if not wanted:
        return
    answers = ask([lk for _, lk in wanted])
    for r, lk in wanted:
        answer = answers[lk]
        if isinstance(answer, str):
            r.failed[service] = answer
            continue
        r.asked.add(service)
        r.take(judge_titles(r.subject.target, answer.records, r.subject.rejected), service,
               answer)
