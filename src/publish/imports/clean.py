"""Untrusted text made safe to read and to store: a source decoded leniently where real
exports differ (a BOM, CRLF), control and invisible characters removed, mojibake repaired,
and link targets kept only when they are plain http(s) URLs.

Everything here keeps line numbers: a cleaned source has the same lines as the file.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path
from urllib.parse import urlsplit

from ..content.textfile import utf8

# ANSI escape sequences (colours, cursor moves) pasted from a terminal.
_ANSI_RE = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|[@-Z\\-_])")
# Characters that are not text: C0/C1 controls (but tab and newline), DEL, bidirectional
# overrides and isolates (Trojan Source), zero-width characters, U+FFFD left by a decoder,
# and noncharacters. Vertical tab and form feed separate words: they become spaces, as does
# a byte-order mark inside the text (a paste artefact between words).
_DROP_RE = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f\u200b-\u200d\u2060\u2061-\u2064"
                      "\u202a-\u202e\u2066-\u2069\u206a-\u206f\ufff9-\ufffb\ufffd\ufffe\uffff]")
_SPACE_RE = re.compile("[\x0b\x0c\ufeff\u2028\u2029]")
# What UTF-8 read as cp1252 (or Mac Roman) looks like: Ã©, â€”, ðŸ“˜, Â .
_MOJIBAKE_RE = re.compile("(?:[ÂÃ][\u0080-\u00bf]|â€|ðŸ|Ã[\u0080-\u00ff])")


def decode_source(data: bytes, path: Path | str) -> tuple[str, list[tuple[int, str]]]:
    """A source file's text and what was changed in it, (line, message) each.

    UTF-8, with or without a byte-order mark, with LF, CRLF or CR line ends (Excel and Zotero
    write BOMs and CRLF); invalid UTF-8 is refused naming its line. Control characters and
    invisible ones are removed, mojibake is repaired, line by line."""
    text = utf8(data[3:] if data.startswith(b"\xef\xbb\xbf") else data, path)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    notes: list[tuple[int, str]] = []
    if not (_ANSI_RE.search(text) or _DROP_RE.search(text) or _SPACE_RE.search(text)
            or _MOJIBAKE_RE.search(text)):
        return text, notes
    lines = text.split("\n")
    for i, line in enumerate(lines):
        fixed = clean_line(line)
        if fixed != line:
            if _MOJIBAKE_RE.search(line) and not _MOJIBAKE_RE.search(fixed):
                notes.append((i + 1, "repaired mojibake (UTF-8 that was read as cp1252)"))
            else:
                notes.append((i + 1, "removed control or invisible characters"))
            lines[i] = fixed
    return "\n".join(lines), notes


def clean_line(line: str) -> str:
    """One line without escapes, controls or invisible characters, mojibake repaired."""
    line = _ANSI_RE.sub("", line)
    line = _SPACE_RE.sub(" ", line)
    line = _DROP_RE.sub("", line)
    if _MOJIBAKE_RE.search(line):
        line = _unmojibake(line)
    return line


def _unmojibake(line: str) -> str:
    import ftfy

    fixed = ftfy.fix_encoding(line)
    # cp1252 has no character for byte 0x9d, so the closing quote `”` (E2 80 9D) loses its
    # last byte on the way and ftfy cannot restore it: `â€` is what is left of it.
    return fixed.replace("â€", "”") if "“" in fixed or fixed != line else fixed


def clean_text(value: str | None) -> str | None:
    """A single-line field (title, venue, name): cleaned, NFC, whitespace collapsed."""
    if value is None:
        return None
    value = clean_line(value.replace("\n", " "))
    value = " ".join(unicodedata.normalize("NFC", value).split())
    return value or None


# Link targets kept as a paper's `url`: absolute http(s), a host, no spaces or brackets.
_URL_OK_RE = re.compile(r"^https?://[^\s<>\"'`\[\]{}|\\^]+$", re.IGNORECASE)


def safe_url(href: str | None) -> str | None:
    """`href` when it is a plain absolute http(s) URL with a host, else None: relative
    paths, in-page anchors, `javascript:`, `data:`, `file:` and malformed targets are never
    stored (they would be links on the site)."""
    if not href:
        return None
    href = href.strip()
    if not _URL_OK_RE.match(href):
        return None
    try:
        parts = urlsplit(href)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname \
            or "." not in parts.hostname:
        return None
    return href


def host_of(href: str | None) -> str:
    """The lower-case host of a link ("" when there is none), without `www.`."""
    if not href:
        return ""
    try:
        host = urlsplit(href.strip()).hostname or ""
    except ValueError:
        return ""
    return host.lower().removeprefix("www.")
