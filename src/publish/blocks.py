"""Markdown bodies as blocks, and the normalised hash that says whether a block changed.

A block is a top-level paragraph, heading, code or math block, quote, table, or one item of
a list. A translated block is preceded by a marker line that says what it translates:

    <!-- translation from=en src=3f2a9c1b4d5e state=machine by=libre at=2026-11-23 -->

Blocks without a marker are originals in the file's own language. Markers live beside their
block (not in the front matter) so a person who moves, deletes or inserts paragraphs moves
the bookkeeping with the text and cannot misalign it.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable

from markdown_it import MarkdownIt

from .model import TRANSLATION_STATES, Block

MARKER_START = "<!-- translation "
MARKER_RE = re.compile(r"^<!--\s*translation\s+(?P<attrs>[^>]*?)\s*-->\s*$")
_ATTR_RE = re.compile(r'(\w+)=("[^"]*"|\S+)')
_LIST_MARK_RE = re.compile(r"^\s*(?:[-*+]|\d{1,9}[.)])\s+")
HASH_LENGTH = 12

# Block structure only: inline parsing is skipped because blocks are all we need here, and it
# is most of markdown-it's time. html=True so marker comments are recognised as HTML blocks.
_md = MarkdownIt("zero", {"html": True})
_md.enable(["code", "fence", "blockquote", "hr", "list", "html_block", "heading", "lheading",
            "paragraph"])
_md.disable("inline")

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
    text = _LIST_MARK_RE.sub("", text, count=1)
    return "".join(text.split())  # str.split() and regex \s agree on Unicode whitespace


def block_hash(text: str) -> str:
    return hashlib.sha1(normalise(text).encode("utf-8")).hexdigest()[:HASH_LENGTH]


def parse_marker(line: str) -> dict[str, str] | None:
    m = MARKER_RE.match(line.strip())
    if not m:
        return None
    return {k: v.strip('"') for k, v in _ATTR_RE.findall(m.group("attrs"))}


def format_marker(source_lang: str, source_hash: str, state: str, by: str | None = None,
                  at: str | None = None) -> str:
    parts = [f"from={source_lang}", f"src={source_hash}", f"state={state}"]
    if by:
        parts.append(f'by="{by}"' if " " in by else f"by={by}")
    if at:
        parts.append(f"at={at}")
    return f"<!-- translation {' '.join(parts)} -->"


def _spans(body: str) -> Iterable[tuple[str, int, int]]:
    """(kind, first line, end line) of each top-level block, 0-based, end exclusive."""
    tokens = _md.parse(body)
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


def split_blocks(body: str, lang: str, first_line: int = 1) -> list[Block]:
    """Blocks of a Markdown body; `first_line` is the body's first line number in its file."""
    lines = body.split("\n")
    blocks: list[Block] = []
    pending: dict[str, str] | None = None
    for kind, start, end in _spans(body):
        text = "\n".join(lines[start:end]).rstrip()
        if kind == "html":
            marker = parse_marker(text) if "\n" not in text else None
            if marker is not None:
                pending = marker
                continue
        if not text.strip():
            continue
        if pending is not None and pending.get("state") in TRANSLATION_STATES:
            blocks.append(Block(
                kind=kind, text=text, lang=lang, origin=pending.get("from", "?"),
                line=first_line + start, hash=block_hash(text),
                source_hash=pending.get("src"), state=pending.get("state"),
                by=pending.get("by"), at=pending.get("at"),
            ))
        else:
            blocks.append(Block(kind=kind, text=text, lang=lang, origin=lang,
                                line=first_line + start, hash=block_hash(text)))
        pending = None
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
