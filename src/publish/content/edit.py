"""Surgical edits of a paper's body: set a block's marker, add translated blocks.

Edits work on lines, so everything else in the file — blank lines, rules, a person's
formatting — stays byte for byte as it was. Callers write the result through a Transaction.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..blocks import MARKER_RE
from ..errors import PublishError
from ..model import Block, Text


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


def set_front_keys(content: str, updates: dict[str, str], path: Path) -> str:
    """The whole file with top-level front-matter keys set to one-line values (added before
    the closing `---` when absent), every other line as it was. Refuses (PublishError) when a
    key is written in a form this line edit cannot change safely — spread over several lines,
    quoted, twice, in a flow mapping — or when the result would not read back as exactly the
    old front matter with `updates`: a person fixes such a file by hand, nothing is lost."""
    from .files import dump_yaml, key_line, load_yaml, split_front_matter

    front, _, _ = split_front_matter(content)
    if front is None:
        raise PublishError("no front matter to edit", path, 1)
    before = load_yaml(front, path, first_line=2) if front.strip() else {}
    lines = front.split("\n")[:-1]  # the front matter ends with a newline
    for key, value in updates.items():
        at = [i for i, line in enumerate(lines) if _KEY_RE.match(line) and
              line.split(":", 1)[0] == key]
        if len(at) > 1 or (not at and isinstance(before, dict) and key in before):
            raise PublishError(f"'{key}' is written in a form publish does not edit; set it "
                               "by hand", path,
                               2 + at[1] if len(at) > 1 else key_line(front, key))
        new = dump_yaml({key: value}).rstrip("\n")
        if "\n" in new:
            raise PublishError(f"the new '{key}' would not fit on one line", path, 1)
        if not at:
            lines.append(new)
            continue
        i = at[0]
        following = next((ln for ln in lines[i + 1:] if ln.strip()), "")
        if following[:1] in (" ", "\t") or lines[i].rstrip().endswith(("|", ">", "|-", ">-")):
            raise PublishError(f"'{key}' runs over several lines; set it by hand", path, 2 + i)
        lines[i] = new
    new_front = "\n".join(lines) + "\n"
    try:
        after = load_yaml(new_front, path, first_line=2)
    except PublishError:
        after = None
    if not isinstance(before, dict) or after != {**before, **updates}:
        raise PublishError("the front matter would not read back as intended; set "
                           f"{', '.join(updates)} by hand", path, 2)
    start = len("---\n")  # split_front_matter: the front matter follows the first line
    return content[:start] + new_front + content[start + len(front):]


_KEY_RE = re.compile(r"[A-Za-z_][\w-]*:(?: |$)")  # a top-level `key:` as dump_yaml writes it
