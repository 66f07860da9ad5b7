"""What the installed fonts can draw, so a missing glyph shows as its code point, not tofu.

WeasyPrint shapes text with Pango, and Pango falls back through fontconfig to any installed
font that covers a character; when none does it draws the .notdef box ("tofu") and carries
on, silently. So the question "would this character be tofu?" is "is it in the charset of
any font fontconfig knows?", and fontconfig answers it from its cache: `fc-list` with each
font's charset takes a few tens of milliseconds, where reading every cmap with fontTools
would take seconds (the CJK collections are large). A character no font has is printed as
its code point in a box (`placeholders`), and the booklet is still made.

The same listing fingerprints the fonts for the render cache: a font installed, removed or
updated changes the key, so cached runs are not reused with other glyphs.
"""

from __future__ import annotations

import bisect
import hashlib
import re
import shutil
import subprocess
import unicodedata
from dataclasses import dataclass
from functools import cache

# Characters that are never drawn, so never tofu: spaces, controls, format characters
# (zero-width joiners, soft hyphen), variation selectors.
_INVISIBLE_CATEGORIES = {"Zs", "Zl", "Zp", "Cc", "Cf", "Mn"}


@dataclass(frozen=True)
class Coverage:
    starts: tuple[int, ...]
    ends: tuple[int, ...]
    fingerprint: str
    available: bool  # False when fc-list is missing: nothing can be checked

    def covers(self, char: str) -> bool:
        cp = ord(char)
        i = bisect.bisect_right(self.starts, cp) - 1
        return i >= 0 and cp <= self.ends[i]

    def missing(self, text: str) -> list[str]:
        """The characters of `text` no installed font can draw, in order of appearance."""
        if not self.available:
            return []
        seen: dict[str, None] = {}
        for char in set(text):
            if char in seen or self.covers(char):
                continue
            if unicodedata.category(char) in _INVISIBLE_CATEGORIES:
                continue
            seen[char] = None
        return sorted(seen, key=text.index)


_TAG = re.compile(r"(<[^>]*>)")


def code_point(char: str) -> str:
    return f"U+{ord(char):04X}"


# An emoji as one cluster: a flag (two regional indicators), a keycap, or a pictograph with
# its modifiers and the ones joined to it by ZWJ.
_PICTO = "[\U0001F000-\U0001FAFF]|[\u2600-\u27BF\u2B00-\u2BFF]\uFE0F"
_EMOJI = re.compile(
    "[\U0001F1E6-\U0001F1FF]{2}|[#*0-9]\uFE0F?\u20E3"
    f"|(?:{_PICTO})[\U0001F3FB-\U0001F3FF\uFE0F]*"
    f"(?:\u200D(?:{_PICTO}|[\u2600-\u27BF])[\U0001F3FB-\U0001F3FF\uFE0F]*)*")


def placeholders(html: str, missing: list[str]) -> str:
    """`html` with emoji in spans of class `emoji` (set in the emoji face) and each of the
    `missing` characters as its code point: in a boxed span in text, as plain text inside
    tags (a bookmark label, an alt text)."""
    if not missing and not _EMOJI.search(html):
        return html
    table = {ord(c): code_point(c) for c in missing}
    boxed = {c: f'<span class="glyph-missing" lang="en">{code_point(c)}</span>' for c in missing}
    pattern = re.compile("|".join(re.escape(c) for c in missing)) if missing else None
    parts = _TAG.split(html)
    for i, part in enumerate(parts):
        if i % 2:
            parts[i] = part.translate(table)
            continue
        part = _EMOJI.sub(lambda m: f'<span class="emoji">{m.group(0)}</span>', part)
        if pattern is not None:
            part = pattern.sub(lambda m: boxed[m.group(0)], part)
        parts[i] = part
    return "".join(parts)


def _merge(ranges: list[tuple[int, int]]) -> tuple[tuple[int, ...], tuple[int, ...]]:
    ranges.sort()
    starts: list[int] = []
    ends: list[int] = []
    for a, b in ranges:
        if starts and a <= ends[-1] + 1:
            ends[-1] = max(ends[-1], b)
        else:
            starts.append(a)
            ends.append(b)
    return tuple(starts), tuple(ends)


@cache
def coverage() -> Coverage:
    """The union of the charsets of every font fontconfig knows."""
    if not shutil.which("fc-list"):
        return Coverage((), (), "no-fontconfig", False)
    listing = subprocess.run(
        ["fc-list", "--format", "%{file}|%{index}|%{fontversion}|%{charset}\n"],
        capture_output=True, text=True, check=False).stdout
    ranges: list[tuple[int, int]] = []
    # faces of one collection often share a charset: parse each distinct one once
    for charset in {line.rsplit("|", 1)[-1] for line in listing.splitlines()}:
        for item in charset.split():
            a, _, b = item.partition("-")
            try:
                ranges.append((int(a, 16), int(b or a, 16)))
            except ValueError:
                continue
    starts, ends = _merge(ranges)
    fingerprint = hashlib.sha256("\n".join(sorted(listing.splitlines())).encode()).hexdigest()
    return Coverage(starts, ends, fingerprint, True)


def families() -> set[str]:
    """Font family names fontconfig knows (for `publish doctor`)."""
    if not shutil.which("fc-list"):
        return set()
    out = subprocess.run(["fc-list", "--format", "%{family}\n"], capture_output=True,
                         text=True, check=False).stdout
    names: set[str] = set()
    for line in out.splitlines():
        names.update(n.strip() for n in line.split(",") if n.strip())
    return names
