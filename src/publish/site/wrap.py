"""Plain text wrapped for a fixed-width screen, Chinese included: the text part of a
newsletter issue.

`textwrap` (and Jinja's `wordwrap`) breaks only at spaces and counts characters, so a
Chinese paragraph stays one line of any length and a line of Han characters is twice as
wide as it counts. Here a line is measured in display columns (East Asian Wide and
Fullwidth characters take two), a line may break at a space or between two CJK characters,
and the line-breaking rules of Chinese typesetting hold: no line starts with closing
punctuation (`。，、）」`…) and none ends with opening punctuation (`（「“`…). A word longer
than the line (a URL) is never broken: it gets a line of its own.
"""

from __future__ import annotations

import re
import unicodedata

# Not at the start of a line: closing brackets and quotes, and punctuation that follows
# what it closes (CLREQ "prohibition rules", with the Western marks met in mixed text)
NO_START = frozenset("。．，、；：？！）］｝〕〉》」』】〗〙〛”’…‥—～·・ー%％‰,.;:?!)]}")
# Not at the end of a line: opening brackets and quotes
NO_END = frozenset("（［｛〔〈《「『【〖〘〚“‘([{")
_SPACE_RE = re.compile(r"[ \t\n\r\f\v\u3000]+")
# A line break between two CJK characters or punctuation marks: a space in a browser and in
# a joined line, where Chinese has none ("。 本")
_CJK_CHARS = "\u3000-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef"
_CJK_BREAK_RE = re.compile(f"(?<=[{_CJK_CHARS}])[ \t]*\n[ \t]*(?=[{_CJK_CHARS}])")


def join_cjk_lines(text: str) -> str:
    """Line breaks between CJK characters removed (those between Latin words are kept):
    CSS has no rule a browser applies for this, so the text must not have them."""
    return _CJK_BREAK_RE.sub("", text) if "\n" in text else text


def char_width(ch: str) -> int:
    if unicodedata.combining(ch):
        return 0
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


def display_width(text: str) -> int:
    return sum(char_width(ch) for ch in text)


def _breakable(ch: str) -> bool:
    """A character after or before which a line may break without a space."""
    return unicodedata.east_asian_width(ch) in ("W", "F") or ch in NO_START or ch in NO_END


def _pieces(word: str) -> list[str]:
    """A word (no spaces) cut where a line may break inside it: between CJK characters,
    never before a NO_START or after a NO_END character."""
    out: list[str] = []
    start = 0
    for i in range(1, len(word)):
        before, after = word[i - 1], word[i]
        if not (_breakable(before) or _breakable(after)):
            continue  # inside a Latin word, a number, a URL
        if after in NO_START or before in NO_END:
            continue
        if (unicodedata.east_asian_width(before) not in ("W", "F")
                and unicodedata.east_asian_width(after) not in ("W", "F")):
            continue  # Western punctuation inside Latin text ("e.g.", "1,024")
        out.append(word[start:i])
        start = i
    out.append(word[start:])
    return out


def wrap(text: str, width: int = 72, indent: str = "", first: str | None = None) -> str:
    """`text` as lines of at most `width` columns (a longer unbreakable word excepted), the
    first starting with `first` (default `indent`), the others with `indent`."""
    lead = indent if first is None else first
    lines: list[str] = []
    line, used = lead, display_width(lead)
    fresh = True  # nothing on the line yet but its indent
    for word in _SPACE_RE.split(text.strip()):
        if not word:
            continue
        for n, piece in enumerate(_pieces(word)):
            gap = "" if fresh or n > 0 else " "
            size = display_width(piece)
            if not fresh and used + len(gap) + size > width:
                lines.append(line.rstrip())
                line, used, gap = indent, display_width(indent), ""
            line += gap + piece
            used += len(gap) + size
            fresh = False
    if not fresh:
        lines.append(line.rstrip())
    return "\n".join(lines)
