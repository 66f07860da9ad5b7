"""A block's inline placeables: what a translator's tool shows as tags and must give back.

The protected pieces are exactly those `publish translate` protects (`translate.protect`:
math, code, URLs, a link's target, inline HTML, quoted paper titles, glossary "keep" terms),
each a placeholder code; around them, `**bold**`, `*italic*` and `[text](url)` become paired
codes whose text is translated. Block syntax (`- `, `## `, `> `) is not part of the text at
all: it is put back from the block when the translation is written.

A `Segment` is one block as a sequence of text and codes, numbered 1, 2, … in source order.
`display` is its Markdown again (without block syntax): what a PO file shows. `restore`
checks a translation keeps every protected piece exactly once and gives back the block.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from ..translate.protect import (
    OPEN,
    UNSENT_KINDS,
    PlaceholderError,
    Protected,
    protect,
    restore,
    with_syntax,
)

PH, PAIR = "ph", "pair"
BOLD, ITALIC, LINK = "bold", "italic", "link"

_TOKEN_RE = re.compile(rf"{OPEN}(\d+)⟧|\*\*|\*|\[")


@dataclass(frozen=True)
class Code:
    """One inline code. A placeholder (`PH`) stands for the protected piece `open`, slot
    `slot` of the Protected block; a pair (`PAIR`) wraps translated text between `open` and
    `close` (for a link, `close` is the protected `](url)`, slot `slot`)."""

    id: str
    form: str  # PH or PAIR
    ctype: str  # code, math, url, html, title, term, bracket | bold, italic, link
    open: str
    close: str = ""
    slot: int | None = None

    @property
    def protected(self) -> bool:
        """A translation must keep it: everything but emphasis, which is a matter of style."""
        return self.slot is not None


@dataclass(frozen=True)
class Inline:
    code: Code
    children: tuple[Piece, ...] = ()


Piece = str | Inline


@dataclass(frozen=True)
class Segment:
    protected: Protected
    codes: tuple[Code, ...]
    pieces: tuple[Piece, ...]

    @property
    def display(self) -> str:
        return display(self.pieces)

    def code(self, code_id: str) -> Code | None:
        return next((c for c in self.codes if c.id == code_id), None)


def slot_ctype(value: str) -> str:
    """What a protected piece is, from how it is written (see translate.protect)."""
    if value in (OPEN, "⟧"):
        return "bracket"
    if value.startswith("`"):
        return "code"
    if value.startswith(("$", "\\(", "\\[")):
        return "math"
    if value.startswith(("<http", "http")):
        return "url"
    if value.startswith("]("):
        return "link-target"
    if value.startswith("<"):
        return "html"
    if value[:1] in "\"“«《":
        return "title"
    return "term"


def _can_open(text: str, end: int) -> bool:
    return end < len(text) and not text[end].isspace()


def _can_close(text: str, start: int) -> bool:
    return start > 0 and not text[start - 1].isspace()


def _parse(text: str, slots: Sequence[str]) -> list[Piece]:
    """Protected text (with ⟦n⟧ placeholders) as pieces; code ids are given later."""
    root: list[Piece] = []
    # (kind, opening syntax, children) of each open pair; the root is not on it
    stack: list[tuple[str, str, list[Piece]]] = []

    def children() -> list[Piece]:
        return stack[-1][2] if stack else root

    def add(piece: Piece) -> None:
        out = children()
        if isinstance(piece, str) and out and isinstance(out[-1], str):
            out[-1] += piece
        else:
            out.append(piece)

    def close_to(kind: str) -> tuple[str, list[Piece]] | None:
        """Pop up to the innermost open `kind`; pairs opened inside it and not closed
        become their text again."""
        at = next((i for i in range(len(stack) - 1, -1, -1) if stack[i][0] == kind), None)
        if at is None:
            return None
        while len(stack) > at + 1:
            _, syntax, inner = stack.pop()
            add(syntax)
            for piece in inner:
                add(piece)
        _, syntax, inner = stack.pop()
        return syntax, inner

    pos = 0
    for m in _TOKEN_RE.finditer(text):
        if m.start() > pos:
            add(text[pos:m.start()])
        pos = m.end()
        token = m.group(0)
        if m.group(1) is not None:
            slot = int(m.group(1))
            value = slots[slot]
            if value.startswith("](") and any(k == LINK for k, _, _ in stack):
                opened = close_to(LINK)
                assert opened is not None
                code = Code("", PAIR, LINK, opened[0], value, slot)
                add(Inline(code, tuple(opened[1])))
            else:
                add(Inline(Code("", PH, slot_ctype(value), value, slot=slot)))
        elif token == "[":
            stack.append((LINK, token, []))
        else:
            kind = BOLD if token == "**" else ITALIC
            if _can_close(text, m.start()) and any(k == kind for k, _, _ in stack):
                opened = close_to(kind)
                assert opened is not None
                add(Inline(Code("", PAIR, kind, token, token), tuple(opened[1])))
            elif _can_open(text, m.end()):
                stack.append((kind, token, []))
            else:
                add(token)
    if pos < len(text):
        add(text[pos:])
    while stack:
        _, syntax, inner = stack.pop()
        add(syntax)
        for piece in inner:
            add(piece)
    return root


def _number(pieces: Iterable[Piece], codes: list[Code]) -> tuple[Piece, ...]:
    out: list[Piece] = []
    for piece in pieces:
        if isinstance(piece, str):
            out.append(piece)
            continue
        code = replace(piece.code, id=str(len(codes) + 1))
        codes.append(code)
        out.append(Inline(code, _number(piece.children, codes)))
    return tuple(out)


def segment(text: str, kind: str = "paragraph", keep: Iterable[str] = (),
            titles: frozenset[str] = frozenset()) -> Segment:
    """One block (as written in its file) as text and codes. A code or HTML block is one
    code: translate copies it as it is, and so does a translator."""
    if kind in UNSENT_KINDS:
        whole = Code("1", PH, "code" if kind == "code" else "html", text, slot=0)
        return Segment(Protected(f"{OPEN}0⟧", (text,)), (whole,), (Inline(whole),))
    protected = protect(text, kind, keep, titles)
    codes: list[Code] = []
    pieces = _number(_parse(protected.text, protected.slots), codes)
    return Segment(protected, tuple(codes), pieces)


def display(pieces: Iterable[Piece]) -> str:
    """Pieces as Markdown: each code as its syntax."""
    out: list[str] = []
    for piece in pieces:
        if isinstance(piece, str):
            out.append(piece)
        else:
            out.append(piece.code.open + display(piece.children) + piece.code.close)
    return "".join(out)


def aligned(source: Segment, target: Segment) -> tuple[Piece, ...]:
    """`target`'s pieces with each code replaced by the source code it repeats (same
    protected piece; same kind of emphasis, in order); codes the source does not have become
    text. This is how a suggestion (a machine draft, an outdated translation) is offered
    with the source's tags, as XLIFF wants a target's codes to repeat the source's."""
    free = list(source.codes)

    def match(code: Code) -> Code | None:
        for i, candidate in enumerate(free):
            same = (candidate.open == code.open and candidate.close == code.close
                    if code.slot is not None else candidate.ctype == code.ctype
                    and candidate.slot is None)
            if same and candidate.form == code.form:
                return free.pop(i)
        return None

    def walk(pieces: Iterable[Piece]) -> list[Piece]:
        out: list[Piece] = []
        for piece in pieces:
            if isinstance(piece, str):
                found: list[Piece] = [piece]
            else:
                code = match(piece.code)
                inner = walk(piece.children)
                found = [Inline(code, tuple(inner))] if code else [
                    piece.code.open, *inner, piece.code.close]
            for item in found:
                if isinstance(item, str) and out and isinstance(out[-1], str):
                    out[-1] += item
                elif item != "":
                    out.append(item)
        return out

    return tuple(walk(target.pieces))


def _fill(text: str, slots: Sequence[str]) -> str:
    """`text` with each protected piece that appears in it, written out, turned back into its
    placeholder: the longest first, each occurrence used once."""
    present = {int(n) for n in re.findall(rf"{OPEN}(\d+)⟧", text)}
    for index in sorted(range(len(slots)), key=lambda i: -len(slots[i])):
        if index in present:
            continue
        value = slots[index]
        head = r"(?<!\w)" if re.match(r"\w", value) else ""
        tail = r"(?!\w)" if re.search(r"\w$", value) else ""
        text = re.sub(head + re.escape(value) + tail, f"{OPEN}{index}⟧", text, count=1)
    return text


def restore_block(source: Segment, translation: str, like: Protected) -> str:
    """The translation (Markdown, its codes written out as their syntax) checked against
    `source`: every protected piece must be in it exactly once (PlaceholderError names the
    first that is not). Returns it with the block syntax of `like` (a list item's `- `, a
    heading's `##`, a quote's `> `) put back."""
    filled = _fill(translation, source.protected.slots)
    try:
        body = restore(Protected(filled, source.protected.slots), filled)
    except PlaceholderError as exc:
        raise PlaceholderError(str(exc).replace("the service", "the translation").replace(
            "placeholder(s) for", "protected piece(s):")) from None
    return with_syntax(like, body)


def not_one_block(text: str, kind: str, lang: str) -> str:
    """Why `text` would not be read back as one block of `kind` (a blank line inside, a line
    that starts a list or heading, a marker), or ""."""
    from ..blocks import split_blocks

    found = split_blocks(text, lang, fast=False)
    if len(found) == 1 and found[0].kind == kind and found[0].is_original:
        return ""
    return (f"it would not be one Markdown {kind} (a blank line inside, or a line that starts "
            "a list, heading or quote?)")


def block_syntax(text: str, kind: str) -> Protected:
    """A block's syntax only (prefix, quote), as `restore_block` puts it back."""
    found = protect(text, kind)
    return Protected("", (), found.prefix, found.quote)
