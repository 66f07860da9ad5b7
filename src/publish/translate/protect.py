"""What must come back from a translation service exactly as it went: math, code, URLs, paper
titles in quotes, glossary "keep" terms — swapped for numbered placeholders before sending and
put back after. A placeholder the service lost, duplicated or rewrote means the draft cannot be
trusted: `restore` refuses it and the block is not written.

Block syntax (a list item's `- `, a heading's `## `, a quote's `> `) is taken off before
sending and put back after, so the service only sees prose.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

# Brackets no prose uses, around a number: services leave numbers alone, and a stray space
# or a full-width digit that a service puts inside is forgiven when restoring.
OPEN, CLOSE = "⟦", "⟧"
_SLOT_RE = re.compile(rf"{OPEN}\s*([0-9０-９]+)\s*{CLOSE}")
_CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef"
_CJK_RE = re.compile(f"[{_CJK}]")

# Order matters: code first (a `$` inside code is not math), display math before inline.
_PATTERNS: list[re.Pattern[str]] = [
    re.compile(f"[{OPEN}{CLOSE}]"),  # our brackets in the text itself: never confused with ours
    re.compile(r"(`+)(?:(?!\1).)+?\1", re.DOTALL),  # inline code, any fence length
    re.compile(r"\$\$.+?\$\$", re.DOTALL),
    re.compile(r"\\\[.+?\\\]", re.DOTALL),
    re.compile(r"\\\(.+?\\\)", re.DOTALL),
    # $…$ as Pandoc reads it: no space inside either dollar, the closing one not followed by a
    # digit, so "costs $20M and $5M" stays prose. One line at most.
    re.compile(r"(?<![\\$\w])\$(?=\S)[^$\n]{0,300}?(?<=[^\s\\])\$(?![\d$])"),
    re.compile(r"<https?://[^>\s]+>"),  # autolinks
    re.compile(r"\]\(\s*[^)\s]+(?:\s+\"[^\"]*\")?\s*\)"),  # the target of [text](url)
    re.compile(r"<[A-Za-z/][^<>\n]{0,200}>"),  # inline HTML tags
    re.compile(rf"https?://[^\s<>()\[\]{{}}\"'，。；）{OPEN}]+[^\s<>()\[\]{{}}\"'，。；）.,;:!?{OPEN}]"),
]
# "Title", “Title”, 《Title》 — a title as published is in Latin script.
_QUOTED_RE = re.compile(r"[\"“«]([^\"”»\n]{3,200})[\"”»]|《([^》\n]{3,200})》")
_LATIN_RE = re.compile(r"^[\x20-\x7e\u00c0-\u024f’–—]+$")
_LIST_RE = re.compile(r"^(\s*(?:[-*+]|\d{1,9}[.)])\s+)")
_HEADING_RE = re.compile(r"^(#{1,6}\s+)")
_QUOTE_LINE_RE = re.compile(r"^\s*>\s?")
_LETTER_RE = re.compile(r"[^\W\d_]")


UNSENT_KINDS = ("code", "html")  # blocks copied into a draft as they are, never sent


class PlaceholderError(ValueError):
    """The service changed, dropped or repeated a placeholder."""


@dataclass(frozen=True)
class Protected:
    """A block ready to send: `text` holds placeholders for `slots`; `prefix` is the block
    syntax taken off; `quote` says every line was a `> ` quote line."""

    text: str
    slots: tuple[str, ...]
    prefix: str = ""
    quote: bool = False

    @property
    def translatable(self) -> bool:
        """False when nothing but placeholders, digits and punctuation is left: the block goes
        into the draft as it is, without a request."""
        return bool(_LETTER_RE.search(_SLOT_RE.sub("", self.text)))


def _join_lines(lines: Iterable[str]) -> str:
    """A wrapped paragraph as one line: a space between English words, none between Chinese
    characters (a line break there is not a space)."""
    out = ""
    for raw in lines:
        line = raw.strip()
        if not line:
            continue
        if out and not (_CJK_RE.match(out[-1]) and _CJK_RE.match(line[0])):
            out += " "
        out += line
    return out


def _title_like(inner: str, titles: frozenset[str]) -> bool:
    key = _title_key(inner)
    if key in titles:
        return True
    if not _LATIN_RE.match(inner):
        return False
    words = re.findall(r"[A-Za-z][A-Za-z0-9'’-]*", inner)
    long_words = [w for w in words if len(w) >= 4]
    return len(words) >= 2 and bool(long_words) and all(w[0].isupper() for w in long_words) \
        and not re.search(r"[.!?;,]\s", inner)


def _title_key(text: str) -> str:
    return re.sub(r"[\W_]+", " ", unicodedata.normalize("NFKC", text).lower()).strip()


def title_keys(titles: Iterable[str]) -> frozenset[str]:
    """Known paper titles in the form `protect` compares quoted text with."""
    return frozenset(_title_key(t) for t in titles if t)


def protect(text: str, kind: str = "paragraph", keep: Iterable[str] = (),
            titles: frozenset[str] = frozenset()) -> Protected:
    """`text` (one block as written in its file) with what must not be translated swapped for
    placeholders. `keep` are glossary terms kept as they are; `titles` are known paper titles
    (see `title_keys`), which stay as published when quoted."""
    prefix, quote = "", False
    lines = text.split("\n")
    if kind == "quote" and all(_QUOTE_LINE_RE.match(ln) or not ln.strip() for ln in lines):
        lines, quote = [_QUOTE_LINE_RE.sub("", ln, count=1) for ln in lines], True
    m = _LIST_RE.match(lines[0]) if kind == "item" else _HEADING_RE.match(lines[0]) \
        if kind == "heading" else None
    if m:
        prefix = m.group(1).lstrip()
        lines[0] = lines[0][m.end():]
    slots: list[str] = []

    def slot(value: str) -> str:
        slots.append(value)
        return f"{OPEN}{len(slots) - 1}{CLOSE}"

    # Placeholders first, then the lines joined: display math keeps its own line breaks.
    body = "\n".join(lines)
    for pattern in _PATTERNS:
        body = pattern.sub(lambda m: slot(m.group(0)), body)
    body = _join_lines(body.split("\n"))

    def quoted(m: re.Match[str]) -> str:
        inner = m.group(1) or m.group(2)
        if OPEN in inner or not _title_like(inner, titles):
            return m.group(0)
        return slot(m.group(0))

    body = _QUOTED_RE.sub(quoted, body)
    terms = sorted({t for t in keep if t.strip()}, key=len, reverse=True)
    if terms:
        alternation = "|".join(re.escape(t) for t in terms)
        body = re.sub(rf"(?<![\w{OPEN}])(?:{alternation})(?![\w{CLOSE}])",
                      lambda m: slot(m.group(0)), body)
    return Protected(body, tuple(slots), prefix, quote)


def restore(protected: Protected, translated: str) -> str:
    """The translation with every placeholder put back and the block syntax restored; raises
    PlaceholderError when a placeholder is missing, repeated, unknown or damaged."""
    seen: list[int] = []

    def back(m: re.Match[str]) -> str:
        index = int(unicodedata.normalize("NFKC", m.group(1)))
        if index >= len(protected.slots):
            raise PlaceholderError(f"the service returned placeholder {index}, which was "
                                   "never sent")
        seen.append(index)
        return protected.slots[index]

    leftover = _SLOT_RE.sub("", translated)
    if OPEN in leftover or CLOSE in leftover:
        raise PlaceholderError("the service returned a damaged placeholder")
    out = _SLOT_RE.sub(back, translated.strip())
    missing = sorted(set(range(len(protected.slots))) - set(seen))
    if missing:
        raise PlaceholderError(
            f"the service lost or damaged {len(missing)} placeholder(s) for "
            + ", ".join(repr(_short(protected.slots[i])) for i in missing[:3]))
    repeated = sorted({i for i in seen if seen.count(i) > 1})
    if repeated:
        raise PlaceholderError("the service repeated placeholder(s) for "
                               + ", ".join(repr(_short(protected.slots[i])) for i in repeated))
    return with_syntax(protected, out)


def with_syntax(protected: Protected, text: str) -> str:
    """`text` with the block syntax `protect` took off (a list item's `- `, a heading's
    `## `, a quote's `> `) put back."""
    out = protected.prefix + text
    if protected.quote:
        out = "\n".join("> " + ln if ln.strip() else ">" for ln in out.split("\n"))
    return out


def _short(text: str) -> str:
    return text if len(text) <= 40 else text[:37] + "…"


# ---------------------------------------------------------------------------------------------
# Glossary


def load_keep_terms(path: Path, languages: Sequence[str]) -> list[str]:
    """The glossary's "keep" terms (content/glossary.yaml: `keep: [LoRA, ...]`), read with
    `publish check`'s parser so both agree on the file and its errors. No file, no terms."""
    if not path.is_file():
        return []
    from ..content.textfile import read_text

    try:
        from ..check import parse_glossary
    except ImportError:  # pragma: no cover - check.py not there yet: the plain list
        from ..content.files import load_yaml

        data = load_yaml(read_text(path), path)
        keep = data.get("keep") if isinstance(data, dict) else None
        return [t.strip() for t in keep or [] if isinstance(t, str) and t.strip()]
    terms = parse_glossary(read_text(path), path, languages)
    return [form for t in terms if t.keep for form in next(iter(t.forms.values()), ())[:1]]
