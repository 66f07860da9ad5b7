"""The site's search: an index per site language, built with the site, read by
`templates/site/search.js` in the reader's browser. No server.

What is searched: a paper's titles (the one shown in the language and the title as
published), its authors, year, venue and arXiv id, and the text its page shows in that
language (the translation where there is one, else the source). Words are cut the same way
here and in search.js, so a query finds what the index holds:

- text is folded (NFKD, no combining marks, lower case: "Hyvärinen" is "hyvarinen",
  full-width "ＧＰＴ" is "gpt");
- a Latin word is a run of letters and digits; one-letter words and a few dozen function
  words are left out, and a plural (`-s`, `-sses`, `-ies`) is folded ("networks" finds "network");
- Chinese (any run of Han characters, or kana) has no spaces, so it is cut into
  characters and pairs of characters (bigrams): a query of two or more characters must
  match each of its bigrams, a query of one character that character.

The index is inverted: term -> postings, each posting `(doc delta << 3) | fields` where doc
delta is the distance from the previous posting's paper (the first one: the paper's
number) and fields are TITLE, META and TEXT bits, so the browser can rank a title match
above a match in the text. A posting list of one is a number, not a list. The papers are
numbered in the order of the search page's list (`order`), which the index names by a
hash (`key`) so a page and an index of different builds are never mixed.

The file is JavaScript assigning one JSON value, so it loads with a <script> element under
`script-src 'self'`, from a web server or from file:// alike (fetch() cannot read file://).
Its strings are only index terms (the characters above) and hex, never content markup.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from bisect import insort
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from itertools import pairwise

TITLE, META, TEXT = 4, 2, 1
FORMAT = 1
# Kept short on purpose: the words that are in nearly every English paragraph and never
# what a reader searches for. search.js reads this list from the index.
STOPWORDS = frozenset((
    "a", "an", "and", "are", "as", "at", "be", "been", "but", "by", "can", "for", "from", "has",
    "have", "in", "into", "is", "it", "its", "not", "of", "on", "or", "our", "than", "that",
    "the", "their", "these", "this", "those", "to", "was", "we", "were", "which", "with"))

# Han ideographs (with extensions A and compatibility), kana: written without spaces
_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
WORD_RE = re.compile(f"[a-z0-9]+|[{_CJK}]+")
_LATIN_RE = re.compile("[a-z0-9]{2,}|[0-9]")
_CJK_RE = re.compile(f"[{_CJK}]+")
_PLURAL_RE = re.compile("^[a-z0-9]{2,}[a-z]s$", re.M)
_COMBINING_RE = re.compile("[\u0300-\u036f]")
# What a page shows but a reader does not search for: link targets, URLs, math, tags
_NOISE_RE = re.compile(r"\]\([^)\n]*\)|(?:https?|ftp)://[^\s<>()]+|\$\$.+?\$\$|\\\[.+?\\\]"
                       r"|\\\(.+?\\\)|\$[^$\n]+\$|</?[a-zA-Z][^<>\n]*>|<!--.*?-->", re.S)


def fold(text: str) -> str:
    if text.isascii():
        return text.lower()  # NFKD leaves ASCII alone
    return _COMBINING_RE.sub("", unicodedata.normalize("NFKD", text)).lower()


def _stem(word: str) -> str:
    """A plural folded: the same rule as search.js's `stem`."""
    if len(word) > 3 and word.endswith("s") and not word[-2].isdigit():
        if word.endswith("ies") and len(word) > 4:
            return word[:-3] + "y"
        if word.endswith("sses"):
            return word[:-2]
        if word.endswith(("ss", "us", "is")):
            return word
        return word[:-1]
    return word


def _is_cjk(word: str) -> bool:
    return word[0] >= "\u3040"


def terms(text: str) -> set[str]:
    """Every term a text is found by. (Set operations where a loop would do: this is most
    of the index's cost; `query_terms` is the same rule, word by word.)"""
    text = fold(text)
    # runs of letters and digits of two or more, or one digit: no single letters
    found = set(_LATIN_RE.findall(text)) - STOPWORDS
    # words _stem may fold (longer than 3, a letter before the final s), found in one pass
    plurals = set(_PLURAL_RE.findall("\n".join(found)))
    if plurals:
        found -= plurals
        found.update(_stem(w) for w in plurals)
    if not text.isascii():
        for word in set(_CJK_RE.findall(text)):
            found.update(word)
            found.update(word[i : i + 2] for i in range(len(word) - 1))
    return found


def query_terms(query: str) -> list[str]:
    """What a query must match, as search.js cuts it (here for the tests and for a reader
    of this module; the browser does its own)."""
    out: list[str] = []
    for word in WORD_RE.findall(fold(query)):
        if _is_cjk(word):
            grams = [word] if len(word) == 1 else [word[i : i + 2]
                                                   for i in range(len(word) - 1)]
            out += [g for g in grams if g not in out]
        elif (len(word) > 1 or word.isdigit()) and word not in STOPWORDS:
            term = _stem(word)
            if term not in out:
                out.append(term)
    return out


def text_terms(markdown: str, memo: dict[str, frozenset[str]] | None = None) -> frozenset[str]:
    """The terms of one block of Markdown; `memo` shares them between the languages that
    show the same block (an untranslated paper shows its source in every language)."""
    found = memo.get(markdown) if memo is not None else None
    if found is None:
        found = frozenset(terms(_NOISE_RE.sub(" ", markdown)))
        if memo is not None:
            memo[markdown] = found
    return found


@dataclass(frozen=True)
class DocTerms:
    """One paper as a language's index holds it."""

    title: frozenset[str]
    meta: frozenset[str]
    text: frozenset[str]

    def encode(self) -> str:
        """For the site cache: a line of space-separated terms per field."""
        return "\n".join(" ".join(sorted(part)) for part in (self.title, self.meta, self.text))

    @classmethod
    def decode(cls, value: str) -> DocTerms | None:
        parts = value.split("\n")
        if len(parts) != 3:
            return None
        title, meta, text = (frozenset(p.split()) for p in parts)
        return cls(title, meta, text)


def doc_terms(titles: Iterable[str], meta: Iterable[str], blocks: Iterable[str],
              memo: dict[str, frozenset[str]] | None = None) -> DocTerms:
    text: set[str] = set()
    for block in blocks:
        text |= text_terms(block, memo)
    return DocTerms(text_terms(" ".join(titles), memo), text_terms(" ".join(meta), memo),
                    frozenset(text))


def order_key(ids: list[str]) -> str:
    """Names one numbering of the papers: the search page and its index must agree."""
    return hashlib.sha1("\n".join(ids).encode()).hexdigest()[:16]


def _fields(doc: DocTerms) -> dict[str, int]:
    """Term -> the fields it is in."""
    fields = dict.fromkeys(doc.text, TEXT)
    for term in doc.meta:
        fields[term] = fields.get(term, 0) | META
    for term in doc.title:
        fields[term] = fields.get(term, 0) | TITLE
    return fields


def _encoded(found: list[int]) -> str:
    """A term's postings as the file writes them (JSON): deltas of paper numbers, one
    posting as a number."""
    if len(found) == 1:
        return str(found[0])
    deltas = [found[0], *[((b >> 3) - (a >> 3)) << 3 | (b & 7) for a, b in pairwise(found)]]
    return "[" + ",".join(map(str, deltas)) + "]"


def _decoded(value: str) -> list[int]:
    """A term's postings from the file's form: `(paper << 3) | fields`, in paper order."""
    parsed = json.loads(value)
    values = parsed if isinstance(parsed, list) else [parsed]
    out, n = [], 0
    for i, v in enumerate(values):
        n = (v >> 3) if i == 0 else n + (v >> 3)
        out.append(n << 3 | (v & 7))
    return out


_HEAD = "self.publishSearchIndex="
# One entry of the file's term table: terms are letters, digits and CJK characters (nothing
# JSON escapes), values numbers or lists of numbers, so a file written here is read back
# term by term without parsing all of it
_ENTRY_RE = re.compile(r'"([^"\\]+)":(\d+|\[[\d,]*\])')


@dataclass
class IndexState:
    """An index as built: the papers' order, each paper's terms as the site cache keeps
    them (`DocTerms.encode`), and the file's term table, each value as its JSON text."""

    ids: list[str]
    docs: list[str]
    table: dict[str, str]


def read_state(data: bytes, ids: list[str], docs: list[str]) -> IndexState | None:
    """An index file written by `IndexBuilder` as the state to patch, if it numbers the
    papers `ids` (its key) and `docs` are what it was made of; else None."""
    text = data.decode("utf-8", "replace")
    key = re.search(r'"key":"([0-9a-f]+)"', text[:400])
    start = text.find(',"t":{')
    if not key or key.group(1) != order_key(ids) or start < 0 or len(docs) != len(ids):
        return None
    table = dict(_ENTRY_RE.findall(text, start + 6))
    return IndexState(list(ids), list(docs), table)


class IndexBuilder:
    """Builds index files from a previous index of the same papers where it can: the file
    of the last build (a rebuild after one paper changed patches that paper in), or the
    previous language's index in this run (most papers read the same in every language: an
    untranslated paper shows its source in all of them). The bytes are those a build from
    scratch makes (a test checks)."""

    def __init__(self) -> None:
        self.last: IndexState | None = None
        # papers' terms this process computed, by their encoded form: not decoded again
        self.known: dict[str, DocTerms] = {}

    def build(self, ids: list[str], docs: list[str], lang: str,
              previous: IndexState | None = None) -> bytes:
        base = previous if previous is not None and previous.ids == ids else self.last
        if base is None or base.ids != ids or len(base.docs) != len(docs):
            postings: dict[str, list[int]] = defaultdict(list)
            for n, doc in enumerate(docs):
                for term, bits in _fields(self.doc(doc)).items():
                    postings[term].append(n << 3 | bits)
            table = {term: _encoded(postings[term]) for term in sorted(postings)}
        else:
            table = _patch(base, docs, self.doc)
        self.last = IndexState(list(ids), list(docs), table)
        head = json.dumps({"v": FORMAT, "lang": lang, "key": order_key(ids), "n": len(ids),
                           "stop": sorted(STOPWORDS)}, separators=(",", ":"))
        body = ",".join([f'"{term}":{value}' for term, value in table.items()])
        return f'{_HEAD}{head[:-1]},"t":{{{body}}}}};\n'.encode()

    def doc(self, value: str) -> DocTerms:
        doc = self.known.get(value) or DocTerms.decode(value)
        if doc is None:
            raise ValueError(f"not a paper's terms: {value[:40]!r}")
        return doc


def _patch(base: IndexState, docs: list[str],
           doc: Callable[[str], DocTerms]) -> dict[str, str]:
    """`base`'s table with the papers whose terms differ in `docs` patched in."""
    changed: dict[str, list[int]] = {}  # term -> its new postings
    for n, (before, after) in enumerate(zip(base.docs, docs, strict=True)):
        if before == after:
            continue
        old, new = _fields(doc(before)), _fields(doc(after))
        for term in old.keys() | new.keys():
            if old.get(term) == new.get(term):
                continue
            if term not in changed:
                changed[term] = _decoded(base.table[term]) if term in base.table else []
            found = [v for v in changed[term] if v >> 3 != n]
            if term in new:
                insort(found, n << 3 | new[term])
            changed[term] = found
    table = dict(base.table)
    for term, found in changed.items():
        if found:
            table[term] = _encoded(found)
        else:
            table.pop(term, None)
    if table.keys() != base.table.keys():
        table = {term: table[term] for term in sorted(table)}
    return table


def encode_index(ids: list[str], docs: list[DocTerms], lang: str) -> bytes:
    """The index file of one site language (see the module's docstring), from scratch."""
    return IndexBuilder().build(ids, [d.encode() for d in docs], lang)


def decode_index(data: bytes) -> dict[str, object]:
    """The JSON value of an index file (for tests and tools)."""
    text = data.decode()
    head, tail = _HEAD, ";\n"
    if not (text.startswith(head) and text.endswith(tail)):
        raise ValueError("not a publish search index")
    return json.loads(text[len(head) : -len(tail)])
