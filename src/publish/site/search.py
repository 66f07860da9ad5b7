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
from collections.abc import Iterable
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
_COMBINING_RE = re.compile("[\u0300-\u036f]")
# What a page shows but a reader does not search for: link targets, URLs, math, tags
_NOISE_RE = re.compile(r"\]\([^)\n]*\)|(?:https?|ftp)://[^\s<>()]+|\$\$.+?\$\$|\\\[.+?\\\]"
                       r"|\\\(.+?\\\)|\$[^$\n]+\$|</?[a-zA-Z][^<>\n]*>|<!--.*?-->", re.S)


def fold(text: str) -> str:
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
    """Every term a text is found by."""
    out: set[str] = set()
    for word in set(WORD_RE.findall(fold(text))):
        if _is_cjk(word):
            out.update(word)
            out.update(word[i : i + 2] for i in range(len(word) - 1))
        elif (len(word) > 1 or word.isdigit()) and word not in STOPWORDS:
            out.add(_stem(word))
    return out


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
    return DocTerms(frozenset(terms(" ".join(titles))), frozenset(terms(" ".join(meta))),
                    frozenset(text))


def order_key(ids: list[str]) -> str:
    """Names one numbering of the papers: the search page and its index must agree."""
    return hashlib.sha1("\n".join(ids).encode()).hexdigest()[:16]


def encode_index(ids: list[str], docs: list[DocTerms], lang: str) -> bytes:
    """The index file of one site language (see the module's docstring)."""
    postings: dict[str, list[int]] = {}
    for n, doc in enumerate(docs):
        fields = dict.fromkeys(doc.text, TEXT)
        for term in doc.meta:
            fields[term] = fields.get(term, 0) | META
        for term in doc.title:
            fields[term] = fields.get(term, 0) | TITLE
        for term, bits in fields.items():
            found = postings.get(term)
            if found is None:
                postings[term] = [n << 3 | bits]
            else:
                found.append(n << 3 | bits)
    table: dict[str, int | list[int]] = {}
    for term in sorted(postings):
        found = postings[term]
        if len(found) == 1:
            table[term] = found[0]
            continue
        deltas = [found[0]]
        deltas += [((b >> 3) - (a >> 3)) << 3 | (b & 7) for a, b in pairwise(found)]
        table[term] = deltas
    data = {"v": FORMAT, "lang": lang, "key": order_key(ids), "n": len(ids),
            "stop": sorted(STOPWORDS), "t": table}
    return (b"self.publishSearchIndex=" +
            json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode() + b";\n")


def decode_index(data: bytes) -> dict[str, object]:
    """The JSON value of an index file (for tests and tools)."""
    text = data.decode()
    head, tail = "self.publishSearchIndex=", ";\n"
    if not (text.startswith(head) and text.endswith(tail)):
        raise ValueError("not a publish search index")
    return json.loads(text[len(head) : -len(tail)])
