"""Content is untrusted: what it may not carry into a terminal, a spreadsheet, an e-mail
header, an XML feed, a path or a draft. One place for each rule; the modules that print or
write call these (HTML and math are sanitised where they are made: render.markdown,
render.math).
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath

# C0 controls but tab and line feed, DEL, and C1 controls (0x9b is an 8-bit CSI: a terminal
# reads it as ESC [ ). What a content file may not hold, and what a terminal never gets.
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_CONTROL_BYTES = re.compile(rb"[\x00-\x08\x0b-\x1f\x7f]|\xc2[\x80-\x9f]")
# Every C0 control byte (but tab and line feed) and DEL to 0, the rest to 1: a translate and
# a memchr find one at memory speed (a regular expression reads text at ~100 MB/s, a
# noticeable part of reading a large tree).
_ZERO_IF_CONTROL = bytes(0 if (b < 0x20 and b not in (9, 10)) or b == 0x7F else 1
                         for b in range(256))
# In a terminal cell, a line break or a tab would break the table too.
_TERMINAL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def control_problem(text: str | bytes) -> tuple[int, str] | None:
    """(line, what) of the first control character in a text (or its UTF-8 bytes) — any
    but tab and line feed — or None. A byte search: it is on the path of every file read."""
    if isinstance(text, bytes):
        if b"\x00" not in text.translate(_ZERO_IF_CONTROL) and b"\xc2" not in text:
            return None  # nearly always: C1 controls are \xc2 \x80-\x9f in UTF-8
        m = _CONTROL_BYTES.search(text)
        if m is None:
            return None
        char = m.group().decode("utf-8")
        return text.count(b"\n", 0, m.start()) + 1, _name(char)
    found = CONTROL.search(text)
    if found is None:
        return None
    return text.count("\n", 0, found.start()) + 1, _name(found.group())


def _name(char: str) -> str:
    names = {"\x00": "NUL", "\x1b": "ESC", "\x7f": "DEL", "\x0c": "form feed",
             "\x0b": "vertical tab", "\x08": "backspace", "\x07": "BEL"}
    return f"control character U+{ord(char):04X}" + (f" ({names[char]})" if char in names
                                                     else "")


def terminal(text: str) -> str:
    """Text for a terminal: control characters (escape sequences, bells, carriage
    returns, 8-bit CSI) dropped, line breaks and tabs made spaces."""
    if _TERMINAL.search(text) is None:
        return text
    return _TERMINAL.sub(lambda m: " " if m.group() in "\t\n\u2028\u2029" else "", text)


def csv_cell(value: object) -> object:
    """A spreadsheet cell that is never a formula: text starting with = + - @ (or a tab or
    carriage return, which some spreadsheets skip before one) gets a leading apostrophe,
    as OWASP recommends against CSV injection."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def xml_text(text: str) -> str:
    """Text an XML document can hold (a feed): characters XML 1.0 forbids are dropped."""
    return re.sub("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]", "", text)


def header_problem(value: str) -> str | None:
    """Why a setting cannot be an e-mail header value: a line break would start another
    header (header injection), other control characters are not allowed in headers."""
    if "\r" in value or "\n" in value:
        return "must be one line: a line break (CR/LF) in an e-mail header would add headers"
    found = CONTROL.search(value)
    if found:
        return f"holds a {_name(found.group())}, which an e-mail header cannot"
    return None


def safe_relative(rel: object) -> bool:
    """A relative path that stays inside the folder it is relative to: no absolute path,
    no `..`, no empty or `.` parts, no backslash or NUL (a manifest or journal is data)."""
    if not isinstance(rel, str) or not rel or "\\" in rel or "\0" in rel:
        return False
    path = PurePosixPath(rel)
    return not path.is_absolute() and all(part not in ("", ".", "..") for part in
                                          rel.split("/"))


def remote_url(url: str) -> bool:
    """An address that would make a reader's browser (or WeasyPrint) fetch something from
    elsewhere: any scheme (http:, data:, file:…) or a protocol-relative `//host`."""
    url = url.strip()
    return url.startswith(("//", "\\\\")) or re.match(r"^[A-Za-z][A-Za-z0-9+.\-]*:", url) \
        is not None


# A machine draft is refused when it is this much longer than its source: a server that
# answers three million characters for a paragraph is not translating it.
DRAFT_FACTOR = 10
DRAFT_SLACK = 1000


def draft_problem(draft: str, source: str) -> str | None:
    """Why a machine draft is refused (too long for its source, or holding a control
    character, which no content file may), or None."""
    found = control_problem(draft)
    if found is not None:
        return f"the service's answer holds a {found[1]}: refused"
    limit = DRAFT_FACTOR * len(source) + DRAFT_SLACK
    if len(draft) > limit:
        return (f"the service answered {len(draft):,} characters for a block of "
                f"{len(source):,} (more than {DRAFT_FACTOR}× + {DRAFT_SLACK:,}): refused")
    return None
