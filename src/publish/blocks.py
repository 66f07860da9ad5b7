"""Markdown bodies as blocks, and the normalised hash that says whether a block changed.

A block is a top-level paragraph, heading, code or math block, quote, table, or one item of
a list. A translated block is preceded by a marker line that says what it translates:

    <!-- translation from=en src=3f2a9c1b4d5e state=machine by=libre at=2026-11-23 -->

Blocks without a marker are originals in the file's own language. Markers live beside their
block (not in the front matter) so a person who moves, deletes or inserts paragraphs moves
the bookkeeping with the text and cannot misalign it.

An original that came from a bibliographic service (`publish enrich`: a paper's abstract)
says so with an abstract marker; it is an original like any other, only its provenance known:

    <!-- abstract source=arxiv id=1706.03762 at=2026-12-05 -->
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any

# A translated block's state as recorded in its marker. A block with no marker is an
# original, written in the language of the file it is in.
HUMAN = "human"
MACHINE = "machine"
TRANSLATION_STATES = (HUMAN, MACHINE)
TITLE = "title"  # the kind of a paper's title when it is a unit of text (status.title_unit)


@dataclass(frozen=True, slots=True)
class Block:
    """One unit of text: a paragraph, a list item, a heading, a code or math block.

    `origin` is the language the block was first written in. For a translation, `source_hash`
    is the hash of the source block's normalised text when it was translated or last reviewed:
    a source block with another hash today means the translation is outdated.
    """

    kind: str
    text: str
    lang: str
    origin: str
    line: int
    hash: str
    source_hash: str | None = None
    state: str | None = None
    by: str | None = None
    at: str | None = None
    # Where an original came from, when a service supplied it: "arxiv:1706.03762" (the
    # abstract marker's source and id). None for text a person or a list wrote.
    provenance: str | None = None

    @property
    def is_original(self) -> bool:
        return self.source_hash is None


MARKER_START = "<!-- translation "
MARKER_RE = re.compile(r"^<!--\s*translation\s+(?P<attrs>[^>]*?)\s*-->\s*$")
ABSTRACT_RE = re.compile(r"^<!--\s*abstract\s+(?P<attrs>[^>]*?)\s*-->\s*$")
# What an abstract marker's source and id may be (a service's name; an id without spaces,
# quotes or angle brackets, so the marker stays one well-formed comment).
_PROVENANCE_RE = re.compile(r"^[a-z]+:[^\s\"'<>]+$")
_ATTR_RE = re.compile(r'(\w+)=("[^"]*"|\S+)')
_LIST_MARK_RE = re.compile(r"^\s*(?:[-*+]|\d{1,9}[.)])\s+")
HASH_LENGTH = 12


@cache
def _parser() -> Any:  # -> markdown_it.MarkdownIt
    """Block structure only: inline parsing is skipped because blocks are all we need here,
    and it is most of markdown-it's time. html=True so marker comments are recognised as HTML
    blocks. Made when first needed: the bodies publish writes never need it."""
    from markdown_it import MarkdownIt

    md = MarkdownIt("zero", {"html": True})
    md.enable(["code", "fence", "blockquote", "hr", "list", "html_block", "heading", "lheading",
               "paragraph"])
    md.disable("inline")
    return md


_KINDS = {
    "paragraph_open": "paragraph",
    "heading_open": "heading",
    "blockquote_open": "quote",
    "fence": "code",
    "code_block": "code",
    "html_block": "html",
}


def normalise(text: str) -> str:
    """The text as far as 'did it change?' is concerned.

    Whitespace carries no meaning for that question: re-wrapping a paragraph, whether
    English or Chinese (where a line break inside a sentence leaves no space), changes
    nothing. Unicode is NFC so composed and decomposed accents agree.
    """
    text = unicodedata.normalize("NFC", text)
    first = text[:1]
    if first and (first in "-*+" or first.isspace() or first.isdecimal()):  # as \s and \d
        text = _LIST_MARK_RE.sub("", text, count=1)
    return "".join(text.split())  # str.split() and regex \s agree on Unicode whitespace


# ASCII characters that str.isspace() (and so regex \s and str.split()) calls whitespace.
_ASCII_SPACE = b" \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f"


def block_hash(text: str) -> str:
    """SHA-1 of `normalise(text)`, first 12 hex digits; computed without building the
    normalised string when the text is ASCII (NFC leaves ASCII alone)."""
    if text.isascii():
        m = _LIST_MARK_RE.match(text)
        data = (text[m.end():] if m else text).encode("ascii").translate(None, _ASCII_SPACE)
    else:
        data = normalise(text).encode("utf-8")
    return hashlib.sha1(data).hexdigest()[:HASH_LENGTH]


# The marker as format_marker writes it; any other spelling goes through MARKER_RE.
_WRITTEN_RE = re.compile(r"<!-- translation from=([\w-]+) src=(\w+) state=(\w+)"
                         r"(?: by=(?:\"([^\"]*)\"|([^\s\"]+)))?(?: at=([^\s\"]+))? -->")


def parse_marker(line: str) -> dict[str, str] | None:
    m = _WRITTEN_RE.fullmatch(line)
    if m:
        origin, src, state, quoted, by, at = m.groups()
        marker = {"from": origin, "src": src, "state": state}
        if quoted is not None or by is not None:
            marker["by"] = quoted if quoted is not None else by
        if at is not None:
            marker["at"] = at
        return marker
    m = MARKER_RE.match(line.strip())
    if not m:
        return None
    return {k: v.strip('"') for k, v in _ATTR_RE.findall(m.group("attrs"))}


def format_attrs(source_lang: str, source_hash: str, state: str, by: str | None = None,
                 at: str | None = None) -> str:
    """What a translation marker says, as `from=en src=… state=… by=… at=…`: inside a marker
    comment for a block, as the value of `title_translation` for a title."""
    parts = [f"from={source_lang}", f"src={source_hash}", f"state={state}"]
    if by:
        parts.append(f'by="{by}"' if " " in by else f"by={by}")
    if at:
        parts.append(f"at={at}")
    return " ".join(parts)


def format_marker(source_lang: str, source_hash: str, state: str, by: str | None = None,
                  at: str | None = None) -> str:
    return f"<!-- translation {format_attrs(source_lang, source_hash, state, by, at)} -->"


def parse_attrs(value: str) -> dict[str, str] | None:
    """`format_attrs` read back; None unless it names a source language, a source hash and
    a translation state."""
    found = _ATTR_RE.findall(value)
    attrs = {k: v.strip('"') for k, v in found}
    if len(attrs) != len(found) or not (attrs.get("from") and attrs.get("src")) or attrs.get(
            "state") not in TRANSLATION_STATES:
        return None  # an attribute twice is a hand edit gone wrong: which one is meant?
    return attrs


def format_abstract_marker(source: str, source_id: str, at: str) -> str:
    """The marker line above an abstract a service supplied (see the module's docstring)."""
    value = f"{source}:{source_id}"
    if not _PROVENANCE_RE.match(value):
        raise ValueError(f"not a source and id a marker can hold: {value!r}")
    return f"<!-- abstract source={source} id={source_id} at={at} -->"


def parse_abstract_marker(line: str) -> str | None:
    """`source:id` of an abstract marker line, or None when the line is not one."""
    m = ABSTRACT_RE.match(line.strip())
    if not m:
        return None
    attrs = {k: v.strip('"') for k, v in _ATTR_RE.findall(m.group("attrs"))}
    value = f"{attrs.get('source', '')}:{attrs.get('id', '')}"
    return value if _PROVENANCE_RE.match(value) else "?"


def _spans(body: str) -> Iterable[tuple[str, int, int]]:
    """(kind, first line, end line) of each top-level block, 0-based, end exclusive."""
    tokens = _parser().parse(body)
    depth_list = 0
    for tok in tokens:
        if tok.type in ("bullet_list_open", "ordered_list_open"):
            depth_list += 1
            continue
        if tok.type in ("bullet_list_close", "ordered_list_close"):
            depth_list -= 1
            continue
        if tok.type == "list_item_open" and depth_list == 1 and tok.map:
            yield "item", tok.map[0], tok.map[1]
            continue
        if depth_list or tok.level != 0 or not tok.map:
            continue
        kind = _KINDS.get(tok.type)
        if kind:
            yield kind, tok.map[0], tok.map[1]


# First characters that can open a block construct other than a paragraph (indented code,
# fence, quote, rule, list, HTML, heading, setext underline).
_OPENERS = frozenset(" \t`~>*-_+<#=")
_ORDERED_RE = re.compile(r"[0-9]{1,9}[.)]")


def _line_spans(lines: list[str]) -> list[tuple[str, int, int]] | None:
    """`_spans` for the bodies publish writes — paragraphs, `- ` items and marker lines —
    read line by line; None as soon as a line could open anything else, and markdown-it
    decides. (Five times faster; tests compare both on fuzzed and real bodies.)"""
    spans: list[tuple[str, int, int]] = []
    kind: str | None = None
    start = last = 0
    for i, line in enumerate(lines):
        if not line.strip(" \t"):
            if kind:
                spans.append((kind, start, last + 1))
                kind = None
            continue
        first = line[0]
        if first in _OPENERS:
            if first == "-" and line[1:2] == " ":
                head = line[2:3]
                if not head or head in _OPENERS or _ORDERED_RE.match(line, 2):
                    return None
                if kind:
                    spans.append((kind, start, last + 1))
                kind, start, last = "item", i, i
                continue
            if first == "<" and line.startswith("<!--") and (
                    MARKER_RE.match(line.strip()) or ABSTRACT_RE.match(line.strip())):
                if kind:
                    spans.append((kind, start, last + 1))
                    kind = None
                spans.append(("html", i, i + 1))
                continue
            return None
        if "0" <= first <= "9" and _ORDERED_RE.match(line):
            return None
        if kind is None:
            kind, start = "paragraph", i
        last = i
    if kind:
        spans.append((kind, start, last + 1))
    return spans


def split_blocks(body: str, lang: str, first_line: int = 1, fast: bool = True) -> list[Block]:
    """Blocks of a Markdown body; `first_line` is the body's first line number in its file.
    `fast=False` always asks markdown-it (the reference the fast path is tested against)."""
    lines = body.split("\n")
    blocks: list[Block] = []
    pending: dict[str, str] | None = None
    provenance: str | None = None  # an abstract marker's, for the next block
    spans = _line_spans(lines) if fast and "\r" not in body else None
    for kind, start, end in spans if spans is not None else _spans(body):
        # (Positional Block(...) and no join for one-line blocks: this loop runs for every
        # block of a 100,000-paper tree.)
        text = (lines[start] if end - start == 1 else "\n".join(lines[start:end])).rstrip()
        if kind == "html" and "\n" not in text:
            marker = parse_marker(text)
            if marker is not None:
                pending, provenance = marker, None
                continue
            found = parse_abstract_marker(text)
            if found is not None:
                pending, provenance = None, found
                continue
        if not text.strip():
            continue
        if pending is not None and pending.get("state") in TRANSLATION_STATES:
            get = pending.get
            blocks.append(Block(kind, text, lang, get("from", "?"), first_line + start,
                                block_hash(text), get("src"), get("state"), get("by"),
                                get("at")))
        else:
            blocks.append(Block(kind, text, lang, lang, first_line + start, block_hash(text),
                                provenance=provenance))
        pending = provenance = None
    return blocks


def join_blocks(blocks: Iterable[tuple[str, str]]) -> str:
    """A Markdown body from (kind, text) pairs: a blank line between blocks, but list items
    that follow one another stay one tight list."""
    out: list[str] = []
    previous = ""
    for kind, text in blocks:
        text = text.strip("\n")
        if not text.strip():
            continue
        if out:
            out.append("\n" if kind == "item" and previous == "item" else "\n\n")
        out.append(text)
        previous = kind
    return "".join(out) + "\n" if out else ""
