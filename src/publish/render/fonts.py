"""What the installed fonts can draw, so a missing glyph is an error and not a blank box.

WeasyPrint shapes text with Pango, and Pango falls back through fontconfig to any installed
font that covers a character; when none does it draws the .notdef box ("tofu") and carries
on. So the question "would this character be tofu?" is "is it in the charset of any font
fontconfig knows?", and fontconfig answers it from its cache: `fc-list` with each font's
charset takes a few tens of milliseconds, where reading every cmap with fontTools would
take seconds (the CJK collections are large).

The same listing fingerprints the fonts for the render cache: a font installed, removed or
updated changes the key, so cached chunks are not reused with other glyphs.
"""

from __future__ import annotations

import bisect
import hashlib
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
