"""Long text in pieces a service accepts: cut at sentence ends (English `. ! ?`, Chinese
`。！？`), never inside a placeholder, each piece at most `limit` characters."""

from __future__ import annotations

import re

from .protect import CLOSE, OPEN

# A sentence ends after . ! ? followed by a space, or right after 。！？ (Chinese puts no
# space between sentences). Closing quotes and brackets stay with their sentence.
_SENTENCE_END_RE = re.compile(r"(?:[.!?][\"'”’)\]]*\s+|[。！？][”’」』）]*\s*)")
_SOFT_END_RE = re.compile(r"(?:[,;:][\"'”’)\]]*\s+|[，；：、]\s*|\s+)")


def _pieces(text: str, pattern: re.Pattern[str]) -> list[str]:
    out, start = [], 0
    for m in pattern.finditer(text):
        if _inside_placeholder(text, m.end()):
            continue
        out.append(text[start:m.end()])
        start = m.end()
    if start < len(text):
        out.append(text[start:])
    return [p for p in out if p]


def _inside_placeholder(text: str, at: int) -> bool:
    opened = text.rfind(OPEN, 0, at)
    return opened != -1 and text.rfind(CLOSE, 0, at) < opened


def _hard_cut(piece: str, limit: int) -> list[str]:
    """Last resort for a "sentence" longer than the limit with no space in it: cut at the
    limit, moved back to before a placeholder that would be cut."""
    out = []
    while len(piece) > limit:
        at = limit
        opened = piece.rfind(OPEN, 0, at)
        if opened > 0 and piece.rfind(CLOSE, 0, at) < opened:
            at = opened
        out.append(piece[:at])
        piece = piece[at:]
    return [*out, piece] if piece else out


def _pack(pieces: list[str], limit: int) -> list[str]:
    chunks: list[str] = []
    current = ""
    for piece in pieces:
        if len(current) + len(piece) <= limit:
            current += piece
            continue
        if current:
            chunks.append(current)
        current = piece
    if current:
        chunks.append(current)
    return chunks


def split_text(text: str, limit: int) -> list[str]:
    """`text` as consecutive pieces of at most `limit` characters whose concatenation is
    `text`: whole sentences where they fit, else clauses, else words."""
    if len(text) <= limit:
        return [text]
    pieces: list[str] = []
    for sentence in _pieces(text, _SENTENCE_END_RE):
        if len(sentence) <= limit:
            pieces.append(sentence)
            continue
        for clause in _pieces(sentence, _SOFT_END_RE):
            pieces += [clause] if len(clause) <= limit else _hard_cut(clause, limit)
    return _pack(pieces, limit)


def join_pieces(pieces: list[str], target_lang: str) -> str:
    """Translated pieces as one text: Chinese needs no space between sentences."""
    pieces = [p.strip() for p in pieces if p.strip()]
    return ("" if target_lang.startswith("zh") else " ").join(pieces)
