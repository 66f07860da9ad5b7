"""Surgical edits of a paper's body: set a block's marker, add translated blocks.

Edits work on lines, so everything else in the file — blank lines, rules, a person's
formatting — stays byte for byte as it was. Callers write the result through a Transaction.
"""

from __future__ import annotations

from .blocks import MARKER_RE
from .model import Block, Text


def _lines(text: Text) -> list[str]:
    return text.body.split("\n")


def _start(text: Text, block: Block) -> int:
    """Index of the block's first line in the body."""
    return block.line - text.body_line


def _marker_index(lines: list[str], start: int) -> int | None:
    i = start - 1
    while i >= 0 and not lines[i].strip():
        i -= 1
    return i if i >= 0 and MARKER_RE.match(lines[i].strip()) else None


def set_marker(text: Text, block: Block, marker: str) -> str:
    """The body with `block`'s marker line replaced by (or, for an original, preceded by)
    `marker`."""
    lines = _lines(text)
    start = _start(text, block)
    at = _marker_index(lines, start) if not block.is_original else None
    if at is None:
        lines.insert(start, marker)
    else:
        lines[at] = marker
    return "\n".join(lines)


def replace_block(text: Text, block: Block, marker: str, new_text: str) -> str:
    """The body with `block` (and its marker) replaced by `new_text` under `marker`."""
    lines = _lines(text)
    start = _start(text, block)
    end = start + block.text.count("\n") + 1
    at = _marker_index(lines, start) if not block.is_original else None
    first = at if at is not None else start
    lines[first:end] = [marker, *new_text.split("\n")]
    return "\n".join(lines)


def insert_after(text: Text, anchor: Block | None, items: list[tuple[str, str]]) -> str:
    """The body with (marker, block text) items added after `anchor`, or at the start when
    `anchor` is None. Each item becomes its own block, separated by blank lines."""
    lines = _lines(text)
    new: list[str] = []
    for marker, body in items:
        new += [marker, *body.split("\n"), ""]
    if anchor is None:
        at = 0
        while at < len(lines) and not lines[at].strip():
            at += 1
        lines[at:at] = new
    else:
        end = _start(text, anchor) + anchor.text.count("\n") + 1
        lines[end:end] = ["", *new[:-1]]
    body = "\n".join(lines)
    return body if body.endswith("\n") else body + "\n"
