"""A paper's metadata fields, in one table: name, type, check, how an import merges it, and
(by their order) where they stand in the front matter.

The model's `Meta`, the front-matter reader and writer, the index cache, the importer's merge
and every reader's entries are made from `FIELDS`: a new field is one row here.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, make_dataclass
from typing import Any

# Kinds of value, as front matter holds them (every scalar is read as a string).
TEXT, INT, NAMES, CONFLICTS = "text", "int", "names", "conflicts"
# How an import merges a field into a paper that has it already.
IDENTITY = "identity"  # the paper's identity (its title): never changed by an import
FILL = "fill"  # filled when empty, else kept as it is
CONFLICT = "conflict"  # filled when empty; a different value is kept as a conflict
UNION = "union"  # a set: the import adds its own (lists)
KEEP = "keep"  # a record kept for people (conflicts, where a count came from): not a value a
# list gives; an import leaves it as it is

ARXIV_RE = re.compile(r"^(\d{4}\.\d{4,5}|[a-z-]+(\.[A-Z]{2})?/\d{7})(v\d+)?$")


@dataclass(frozen=True)
class Conflict:
    """Two lists disagree on a field; both values are kept, the first one wins until a person
    decides."""

    field: str
    value: str
    source: str


def _year(value: int) -> str | None:
    return None if 1000 <= value <= 2999 else "out of range"


def _arxiv(value: str) -> str | None:
    return None if ARXIV_RE.match(value) else f"is not an arXiv id like 1706.03762: {value!r}"


def _doi(value: str) -> str | None:
    return None if value.startswith("10.") else \
        f"is not a DOI (they start with '10.'): {value!r}"


def _matching(pattern: str, what: str) -> Callable[[str], str | None]:
    """A check that a value matches `pattern`, else says it is not `what`."""
    regex = re.compile(pattern)
    return lambda value: None if regex.match(value) else f"is not {what}: {value!r}"


def _url(value: str) -> str | None:
    return None if re.match(r"^https?://", value) else f"must be an http(s) URL: {value!r}"


# The kinds of work `type` holds: what an import tells apart (a book and an article with one
# title are two works) and what it skips unless asked (`publish import --include all`).
WORK_TYPES = ("article", "book", "chapter", "thesis", "report", "software", "post", "video",
              "dataset", "webpage", "other")


def _work_type(value: str) -> str | None:
    return None if value in WORK_TYPES else \
        f"must be one of {', '.join(WORK_TYPES)}, not {value!r}"


@dataclass(frozen=True)
class Field:
    name: str
    kind: str
    merge: str
    about: str  # what it holds, for people
    # A further check of a converted value: why it is wrong (for TEXT, the message after
    # "field 'NAME' "), or None.
    check: Callable[[Any], str | None] | None = None
    expects: str = "whole number"  # an INT's error: "must be a <expects>, not …"
    # Column headers a spreadsheet or table may give it (lower case), besides its name.
    headers: tuple[str, ...] = ()

    @property
    def default(self) -> Any:
        return [] if self.kind in (NAMES, CONFLICTS) else None


FIELDS: tuple[Field, ...] = (
    Field("title", TEXT, IDENTITY, "the paper's title as published"),
    Field("authors", NAMES, FILL, "authors, in the paper's order", headers=("author",)),
    Field("year", INT, CONFLICT, "year of publication", _year, expects="four-digit year"),
    Field("venue", TEXT, CONFLICT, "journal, conference or publisher"),
    Field("arxiv", TEXT, CONFLICT, "arXiv id, without version", _arxiv),
    Field("doi", TEXT, CONFLICT, "DOI", _doi),
    Field("openalex", TEXT, CONFLICT, "OpenAlex work id",
          _matching(r"^W\d{1,12}$", "an OpenAlex work id like W2963403868")),
    Field("s2", TEXT, CONFLICT, "Semantic Scholar paper id",
          _matching(r"^[0-9a-f]{40}$", "a Semantic Scholar paper id (40 hex digits)")),
    Field("url", TEXT, FILL, "where a list links the paper", _url),
    Field("citations", INT, CONFLICT, "citation count, as a list or `enrich` gives it"),
    Field("citations_source", TEXT, KEEP, "the service the count came from (absent: a list)"),
    Field("citations_date", TEXT, KEEP, "the day the service gave the count",
          _matching(r"^\d{4}-\d{2}-\d{2}$", "a date like 2026-12-05")),
    Field("area", TEXT, FILL, "research area (a chapter of the whole-collection booklet)"),
    Field("type", TEXT, FILL, "what kind of work (article, book, thesis, report, software, "
          "post, video, dataset) when the source says", _work_type),
    Field("aliases", NAMES, FILL, "short names the paper goes by (QLoRA, GPT-3); names a "
          "person confirmed with `publish merge`, and titles `enrich` replaced by the "
          "published one, match it for sure, others only propose"),
    Field("lists", NAMES, UNION, "ids of the reading lists the paper is in"),
    Field("conflicts", CONFLICTS, KEEP, "values other lists gave, kept for a person"),
)
BY_NAME = {f.name: f for f in FIELDS}
NAMES_IN_ORDER = tuple(f.name for f in FIELDS)
# Fields a reading list's entry may give for its paper (what readers fill in `RawEntry`).
SOURCE_FIELDS = tuple(f for f in FIELDS if f.merge in (FILL, CONFLICT))
# Front-matter keys of a text in one language (see model.Text), beside the metadata.
TEXT_FIELDS = ("local_title", "title_translation", "meta_in")
KNOWN_KEYS = frozenset(NAMES_IN_ORDER + TEXT_FIELDS)


Meta = make_dataclass(
    "Meta",
    [("title", str)] + [(f.name, Any, field(default_factory=list) if f.default == [] else
                         field(default=None)) for f in FIELDS[1:]])
Meta.__module__ = __name__
Meta.__doc__ = ("What is true of the paper in every language, one attribute per row of "
                "FIELDS. Stored once, in the source-language file.")


# ---------------------------------------------------------------------------------------------
# Front matter: read (every scalar is a string), check, write


def as_text(value: Any) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


def as_int(value: Any) -> int | None:
    if isinstance(value, str):
        text = value.strip()
        digits = text[1:] if text[:1] == "-" else text
        if digits.isascii() and digits.isdigit():  # what `-?[0-9]+` matches, without re
            return int(text)
    return None


def as_names(value: Any) -> list[str] | None:
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return [v.strip() for v in value if v.strip()]
    return None


def read_field(f: Field, raw: Any) -> tuple[Any, str | None]:
    """(value, None) or (None, why it is wrong, after "field 'NAME' "); a blank value is
    (None, None)."""
    if f.kind == NAMES:
        names = as_names(raw)
        if names is None:
            return None, ("must be a list of names" if f.name != "lists" else
                          "must be a list of list ids")
        return names, None
    if f.kind == CONFLICTS:
        if not isinstance(raw, list) or not all(
                isinstance(c, dict) and {"field", "value", "source"} <= set(c) for c in raw):
            return None, "must be a list of {field, value, source}"
        return [Conflict(str(c["field"]), str(c["value"]), str(c["source"])) for c in raw], None
    if raw in ("", None):
        return None, None
    if f.kind == INT:
        number = as_int(raw)
        if number is None or number < 0 or (f.check is not None and f.check(number)):
            return None, f"must be a {f.expects}, not {raw!r}"
        return number, None
    value = as_text(raw)
    if value is None:
        return None, "must be text"
    why = f.check(value) if f.check else None
    return (None, why) if why else (value, None)


def meta_to_front(meta: Any) -> dict[str, Any]:
    """The front-matter mapping of a Meta, in FIELDS order; empty fields left out."""
    out: dict[str, Any] = {}
    for f in FIELDS:
        value = getattr(meta, f.name)
        if f.kind == CONFLICTS:
            if value:
                out[f.name] = [{"field": c.field, "value": c.value, "source": c.source}
                               for c in value]
        elif f.kind == NAMES:
            if value:
                out[f.name] = sorted(value) if f.merge == UNION else list(value)
        elif value is not None:
            out[f.name] = value
    return out


def meta_values(meta: Any) -> tuple:
    """A Meta as a plain tuple in FIELDS order (conflicts as tuples): what a cache keeps."""
    return (*(getattr(meta, name) for name in NAMES_IN_ORDER[:-1]),
            [(c.field, c.value, c.source) for c in meta.conflicts])


def meta_from_values(values: tuple) -> Any:
    """`meta_values` read back."""
    return Meta(*values[:-1], [Conflict(*c) for c in values[-1]])
