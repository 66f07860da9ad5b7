"""A work as one service describes it, already cleaned (see `text`), and what a lookup is."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields

from .settings import SOURCES

ARXIV, OPENALEX, CROSSREF, S2 = SOURCES
LABELS = {ARXIV: "arXiv", OPENALEX: "OpenAlex", CROSSREF: "Crossref", S2: "Semantic Scholar"}

# Kinds of id a lookup can be made by, as cache keys spell them ("arxiv:1706.03762").
ID_KINDS = ("arxiv", "doi", "openalex", "s2")


@dataclass(frozen=True)
class Record:
    """One work as `source` gives it. `id` is its id there (arXiv id, DOI, OpenAlex W…,
    Semantic Scholar paperId); `abstract` its paragraphs as safe Markdown."""

    source: str
    id: str
    title: str
    authors: tuple[str, ...] = ()
    year: int | None = None
    venue: str | None = None
    arxiv: str | None = None
    doi: str | None = None
    openalex: str | None = None
    s2: str | None = None
    url: str | None = None
    citations: int | None = None
    abstract: tuple[str, ...] = ()
    preprint: bool = False  # a preprint's record, when the service says so

    def ids(self) -> dict[str, str]:
        """This work's ids by kind (ID_KINDS), the ones it has."""
        return {k: v for k in ID_KINDS if (v := getattr(self, k))}

    @property
    def ref(self) -> str:
        """How a person names this work: its best id, as `kind:value`."""
        kind, value = next(iter(self.ids().items()), ("id", self.id))
        return f"{kind}:{value}"

    def to_json(self) -> dict[str, object]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, object]) -> Record:
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in known}
        for name in ("authors", "abstract"):
            values[name] = tuple(values.get(name) or ())  # type: ignore[arg-type]
        return cls(**values)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Lookup:
    """One question to one service. `key` says what is asked, and is the cache's key:
    `arxiv:1706.03762`, `doi:10.1038/nature14539`, `openalex:W…`, `s2:…` for an id;
    `title:<title>|<year>|<first author's surname>` for a search."""

    source: str
    key: str
    title: str | None = None
    year: int | None = None
    author: str | None = None

    @property
    def kind(self) -> str:
        return self.key.split(":", 1)[0]

    @property
    def value(self) -> str:
        return self.key.split(":", 1)[1]


def title_lookup(source: str, title: str, year: int | None, author: str | None) -> Lookup:
    key = f"title:{title}|{year or ''}|{author or ''}"
    return Lookup(source, key, title, year, author)


@dataclass
class Answer:
    """What a service said to one lookup: the works it gave (none: no match), and when."""

    records: list[Record] = field(default_factory=list)
    fetched: str = ""  # ISO date and time, UTC
    note: str | None = None  # e.g. "arXiv: incorrect id format"

    def dumps(self) -> str:
        return json.dumps({"records": [r.to_json() for r in self.records],
                           "note": self.note}, ensure_ascii=False, sort_keys=True)

    @classmethod
    def loads(cls, text: str, fetched: str) -> Answer:
        data = json.loads(text)
        return cls([Record.from_json(r) for r in data.get("records", [])], fetched,
                   data.get("note"))
