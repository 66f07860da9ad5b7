"""Unit ids, and the record an export leaves in each unit for the import to read back.

A unit's id is `<paper id>.<key>.<source hash>`: `key` is `title` for the paper's title and
`block` for a block (`block-2`, `block-3`… for the second and third block of the paper with
the very same text). Ids contain no `/`, space or `#`, so one id is an XLIFF 2 NMTOKEN, an
XLIFF 1.2 trans-unit id and a PO msgctxt alike; they change only when the source text does,
so a platform that matches strings by id (Weblate: msgctxt + msgid) keeps its work across
exports.

The record (`publish-export: target=… prev=… next=…`) says what the export saw: the hash of
the target text it offered (so a person's later edit in content/ is a conflict, not
overwritten) and the hashes of the source blocks around the unit (so a unit whose source was
edited since can still be put in its place). It travels as a note (XLIFF) or an extracted
comment (PO); tools keep those. Without it the import is more careful, not wrong.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..blocks import HASH_LENGTH
from ..ids import ID_RE

TITLE_KEY = "title"
BLOCK_KEY = "block"

_UNIT_ID_RE = re.compile(rf"(?P<paper>{ID_RE.pattern})"
                         rf"\.(?P<key>title|block(?:-(?P<n>[1-9][0-9]{{0,3}}))?)"
                         rf"\.(?P<hash>[0-9a-f]{{{HASH_LENGTH}}})")
_RECORD_RE = re.compile(r"publish-export:((?:\s+[a-z]+=[0-9a-f-]+)+)")
_NONE = "-"


@dataclass(frozen=True, order=True)
class UnitId:
    paper: str
    hash: str
    title: bool = False
    occurrence: int = 1  # the n-th block of the paper with this source hash

    def __str__(self) -> str:
        if self.title:
            key = TITLE_KEY
        else:
            key = BLOCK_KEY if self.occurrence == 1 else f"{BLOCK_KEY}-{self.occurrence}"
        return f"{self.paper}.{key}.{self.hash}"


def parse_unit_id(value: str) -> UnitId | None:
    """The id read back; None when `value` is not one publish writes."""
    m = _UNIT_ID_RE.fullmatch(value.strip())
    if m is None:
        return None
    occurrence = int(m.group("n") or 1)
    if m.group("key") == TITLE_KEY:
        return UnitId(m.group("paper"), m.group("hash"), title=True)
    if occurrence == 1 and m.group("n"):
        return None  # `block-1` is spelled `block`: two spellings of one id would be two units
    return UnitId(m.group("paper"), m.group("hash"), occurrence=occurrence)


@dataclass(frozen=True)
class Record:
    """What the export saw of a unit (see the module's docstring). Hashes are block hashes;
    None: there was nothing (no target text offered; no block before or after)."""

    target: str | None
    prev: str | None
    next: str | None

    def format(self) -> str:
        return (f"publish-export: target={self.target or _NONE} prev={self.prev or _NONE} "
                f"next={self.next or _NONE}")


def find_record(*texts: str | None) -> Record | None:
    """The record in the first of `texts` (notes, comments) that holds one."""
    for text in texts:
        m = _RECORD_RE.search(text or "")
        if m is None:
            continue
        fields = dict(part.split("=", 1) for part in m.group(1).split())
        if fields.keys() != {"target", "prev", "next"}:
            continue
        values = {k: None if v == _NONE else v for k, v in fields.items()}
        if any(v is not None and not re.fullmatch(rf"[0-9a-f]{{{HASH_LENGTH}}}", v)
               for v in values.values()):
            continue
        return Record(values.get("target"), values.get("prev"), values.get("next"))
    return None
