"""Blocks, fast: the Markdown `publish` writes, split line by line; anything else goes to
markdown-it, so the result never depends on which path ran.

`blocks.split_blocks` asks markdown-it for the block structure: about 0.5 ms a file, most of
the time of a cold `publish status` over 100,000 papers. The bodies we write are paragraphs,
`- ` items and marker lines, whose structure can be read line by line exactly as markdown-it
reads it (tests/test_status.py compares both on generated and real bodies); any line that
could open another construct hands the whole body to `split_blocks`. `fast_hash` is
`blocks.block_hash` without its whitespace regex, four times faster.

Both belong in blocks.py (`_spans` trying `fast_spans` first, `normalise` using str.split);
until they move there, `fast_blocks_ok` compares the code of blocks.py they mirror with the
version they were checked against, and turns them off when it changed.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from pathlib import Path

from . import blocks as _blocks
from .blocks import HASH_LENGTH, parse_marker, split_blocks
from .model import TRANSLATION_STATES, Block, Text

# First characters that can open a block construct (indented code, fence, quote, rule, list,
# HTML, heading, setext underline). A body with any such line, other than a `- ` item or a
# translation marker, is left to `blocks.split_blocks`.
_OPENERS = frozenset(" \t`~>*-_+<#=")
_ORDERED_RE = re.compile(r"[0-9]{1,9}[.)]")
# As blocks._LIST_MARK_RE; `fast_blocks_ok` checks that blocks.py still says so.
_LIST_MARK_RE = re.compile(r"^\s*(?:[-*+]|\d{1,9}[.)])\s+")
_ASCII_SPACE = b" \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f"  # str.isspace() (= re's \s) within ASCII
# sha1 of the blocks.py code the fast path was checked against (tests/test_status.py compares
# them on generated and real bodies). Any change there turns the fast path off until a person
# re-runs that test and updates this value.
_BLOCKS_VERIFIED = "7e64987abd0c4a10caaa382029dcfcc468f23fa4"
_fast: bool | None = None
# Top-level definitions of blocks.py whose behaviour this module reproduces.
_MIRRORED = ("def normalise(", "def block_hash(", "def parse_marker(", "def _spans(",
             "def split_blocks(", "MARKER_RE =", "_ATTR_RE =", "_LIST_MARK_RE =", "_WS_RE =",
             "HASH_LENGTH =", "_md", "_KINDS =")


def blocks_fingerprint() -> str:
    """A hash of the parts of blocks.py mirrored here, and of markdown-it's version."""
    import markdown_it

    source = Path(_blocks.__file__ or "").read_text("utf-8")
    chunks = [c.rstrip() for c in re.split(r"\n(?=\S)", source) if c.startswith(_MIRRORED)]
    parts = [*chunks, repr(TRANSLATION_STATES), markdown_it.__version__]
    return hashlib.sha1("\0".join(parts).encode("utf-8")).hexdigest()


def fast_blocks_ok() -> bool:
    global _fast
    if _fast is None:
        try:
            _fast = blocks_fingerprint() == _BLOCKS_VERIFIED
        except (AttributeError, OSError, TypeError):
            _fast = False
    return _fast


def fast_spans(lines: list[str]) -> list[tuple[str, int, int, dict | None]] | None:
    """(kind, first line, end line, parsed marker) of each top-level block as `blocks._spans`
    finds them, for bodies of paragraphs, `- ` items and marker lines; None for anything
    else."""
    spans: list[tuple[str, int, int, dict | None]] = []
    kind: str | None = None
    start = last = 0
    for i, line in enumerate(lines):
        if not line.strip(" \t"):
            if kind:
                spans.append((kind, start, last + 1, None))
                kind = None
            continue
        first = line[0]
        if first in _OPENERS:
            if first == "-" and line[1:2] == " ":
                head = line[2:3]
                if not head or head in _OPENERS or _ORDERED_RE.match(line, 2):
                    return None
                if kind:
                    spans.append((kind, start, last + 1, None))
                kind, start, last = "item", i, i
                continue
            marker = parse_marker(line) if first == "<" and line.startswith("<!--") else None
            if marker is not None:
                if kind:
                    spans.append((kind, start, last + 1, None))
                    kind = None
                spans.append(("html", i, i + 1, marker))
                continue
            return None
        if "0" <= first <= "9" and _ORDERED_RE.match(line):
            return None
        if kind is None:
            kind, start = "paragraph", i
        last = i
    if kind:
        spans.append((kind, start, last + 1, None))
    return spans


def fast_hash(text: str) -> str:
    """`blocks.block_hash` without its regex: str.split() drops exactly what `\\s` matches."""
    if text.isascii():  # NFC leaves ASCII alone
        m = _LIST_MARK_RE.match(text)
        data = (text[m.end():] if m else text).encode("ascii").translate(None, _ASCII_SPACE)
    else:
        text = unicodedata.normalize("NFC", text)
        m = _LIST_MARK_RE.match(text)
        data = "".join((text[m.end():] if m else text).split()).encode("utf-8")
    return hashlib.sha1(data).hexdigest()[:HASH_LENGTH]


def fast_split(body: str, lang: str, first_line: int = 1) -> list[Block] | None:
    """`blocks.split_blocks(body, lang, first_line)` for the bodies `fast_spans` knows."""
    if "\r" in body:
        return None
    lines = body.split("\n")
    spans = fast_spans(lines)
    if spans is None:
        return None
    out: list[Block] = []
    pending: dict[str, str] | None = None
    for kind, start, end, marker in spans:
        if kind == "html":
            pending = marker
            continue
        text = "\n".join(lines[start:end]).rstrip()
        if not text.strip():
            continue
        if pending is not None and pending.get("state") in TRANSLATION_STATES:
            out.append(Block(kind, text, lang, pending.get("from", "?"), first_line + start,
                             fast_hash(text), pending.get("src"), pending.get("state"),
                             pending.get("by"), pending.get("at")))
        else:
            out.append(Block(kind, text, lang, lang, first_line + start, fast_hash(text)))
        pending = None
    return out


def prime_blocks(text: Text) -> list[Block]:
    """`text.blocks`, split fast when the body allows, and kept where Text.blocks keeps it."""
    if "blocks" not in text.__dict__:
        found = fast_split(text.body, text.lang, text.body_line) if fast_blocks_ok() else None
        text.__dict__["blocks"] = (found if found is not None
                                   else split_blocks(text.body, text.lang, text.body_line))
    return text.__dict__["blocks"]
