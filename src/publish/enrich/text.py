"""What a service says, made safe to keep: every string from a server is untrusted. Control
and formatting characters go, whitespace is collapsed, lengths are capped, ids must look
like ids, and an abstract becomes Markdown paragraphs that cannot turn into anything else
(a heading, a list, a marker comment)."""

from __future__ import annotations

import re
import unicodedata

from ..fields import ARXIV_RE
from ..imports.base import escape_block_start

MAX_TITLE = 1000
MAX_NAME = 200
MAX_AUTHORS = 1000
MAX_ABSTRACT = 20_000  # characters, all paragraphs together
MAX_PARAGRAPHS = 20
_KEEP_FORMAT = {"\u200c", "\u200d"}  # joiners some scripts need in names

DOI_RE = re.compile(r"^10\.\d{4,9}/[^\s\"'<>\\]{1,300}$")
ARXIV_DOI_RE = re.compile(r"^10\.48550/arxiv\.(.+)$", re.IGNORECASE)
_URL_RE = re.compile(r"^https?://[^\s\"'<>\\]{1,2000}$")
_S2_RE = re.compile(r"^[0-9a-f]{40}$")
_OPENALEX_RE = re.compile(r"^(?:https?://openalex\.org/)?(W\d{1,12})$", re.IGNORECASE)


def clean(value: object, limit: int = MAX_TITLE) -> str | None:
    """One line of text, or None: not a string, or nothing left once control and format
    characters (bidi overrides, zero-width spaces) are dropped and whitespace collapsed."""
    if not isinstance(value, str):
        return None
    value = unicodedata.normalize("NFC", value)
    kept = "".join(" " if unicodedata.category(c) in ("Cc", "Zl", "Zp") else c
                   for c in value
                   if unicodedata.category(c) != "Cf" or c in _KEEP_FORMAT)
    text = " ".join(kept.split())
    if len(text) > limit:
        text = text[:limit].rsplit(" ", 1)[0] + " …"
    return text or None


_REPOSITORIES = {"arxiv", "arxivorg", "corr", "arxivcornelluniversity"}


def venue(value: object) -> str | None:
    """A journal's or conference's name; None for arXiv under any of its names (a preprint
    has no venue yet)."""
    text = clean(value, 300)
    if text and re.sub(r"[^a-z]", "", text.lower()) in _REPOSITORIES:
        return None
    return text


def clean_names(values: object) -> tuple[str, ...]:
    if not isinstance(values, list | tuple):
        return ()
    names = (clean(v, MAX_NAME) for v in values[:MAX_AUTHORS])
    return tuple(n for n in names if n)


def whole(value: object, low: int = 0, high: int = 10**9) -> int | None:
    """An int a JSON answer gives, within bounds (booleans are not numbers here)."""
    if isinstance(value, bool) or not isinstance(value, int | str):
        return None
    try:
        number = int(value)
    except ValueError:
        return None
    return number if low <= number <= high else None


def year(value: object) -> int | None:
    return whole(value, 1000, 2999)


# ---------------------------------------------------------------------------------------------
# Ids


def arxiv_id(value: object) -> str | None:
    """`1706.03762` from `1706.03762v7`, `http://arxiv.org/abs/1706.03762v7`, `arXiv:…`."""
    text = clean(value, 300)
    if not text:
        return None
    text = re.sub(r"^(?:https?://(?:export\.)?arxiv\.org/(?:abs|pdf)/|arxiv:)", "", text,
                  flags=re.IGNORECASE)
    if not ARXIV_RE.match(text):
        return None
    return re.sub(r"v\d+$", "", text)


def doi(value: object) -> str | None:
    """A DOI without its resolver prefix, or None."""
    text = clean(value, 400)
    if not text:
        return None
    text = re.sub(r"^(?:https?://(?:dx\.)?doi\.org/|doi:)", "", text, flags=re.IGNORECASE)
    return text if DOI_RE.match(text) else None


def arxiv_of_doi(value: str | None) -> str | None:
    """The arXiv id behind arXiv's own DataCite DOI (10.48550/arXiv.1706.03762)."""
    m = ARXIV_DOI_RE.match(value or "")
    return arxiv_id(m.group(1)) if m else None


def published_doi(value: str | None) -> str | None:
    """A DOI that names a published version: arXiv's DataCite DOIs only repeat the arXiv id."""
    return value if value and not ARXIV_DOI_RE.match(value) else None


def openalex_id(value: object) -> str | None:
    m = _OPENALEX_RE.match(clean(value, 100) or "")
    return "W" + m.group(1)[1:] if m else None


def s2_id(value: object) -> str | None:
    text = clean(value, 100)
    return text if text and _S2_RE.match(text) else None


def url(value: object) -> str | None:
    text = clean(value, 2100)
    return text if text and _URL_RE.match(text) else None


# ---------------------------------------------------------------------------------------------
# Abstracts


def paragraphs(texts: list[str]) -> tuple[str, ...]:
    """An abstract's paragraphs as Markdown that stays plain text: each one line, starting
    with nothing Markdown reads as a block (a heading, a list item, a quote, a fence, HTML or
    a marker comment), all of them together at most MAX_ABSTRACT characters."""
    out: list[str] = []
    left = MAX_ABSTRACT
    for raw in texts[:MAX_PARAGRAPHS]:
        text = clean(raw, left)
        if not text or left <= 0:
            continue
        text = escape_block_start(text)
        if text.startswith("<"):  # HTML, or a comment that would read as a marker
            text = "\\" + text
        out.append(text)
        left -= len(text)
    return tuple(out)
