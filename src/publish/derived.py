"""Languages no one writes: an edition derived from a stored language by a pure function.

zh-Hant (Traditional Chinese, Taiwan usage) is content/zh/ converted with OpenCC `s2twp`. It is
never stored in content/, so everything a command knows about it comes from the stored
language: a paper's and a block's state in zh-Hant is its state in zh, its lines are the zh
file's lines (the conversion never adds or removes a line), and a person who wants to change
the Traditional text edits content/zh/. Commands ask `languages.source_of(lang)` what to read
and `convert(lang, text)` what to show; which languages are derived, and from what, is in
`languages.LANGUAGES`.

The conversion leaves alone what must stay as written — inline and fenced code, math, URLs,
link targets, HTML tags and comments (markers) — because OpenCC would otherwise turn
`https://example.cn/数据` or `$\\text{数据}$` into Traditional too.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from .errors import PublishError
from .languages import DERIVED as DERIVED_CODES
from .languages import LANGUAGES, source_of


@dataclass(frozen=True)
class Derived:
    lang: str  # the derived language, e.g. zh-Hant
    source: str  # the stored language it is made from
    method: str  # what a person is told: "OpenCC s2twp"
    convert: Callable[[str], str]

    @property
    def note(self) -> str:
        return (f"{self.lang} is derived from {self.source} with {self.method}: its states "
                f"are those of {self.source}, and its text is edited in "
                f"content/{self.source}/")


HANT = "zh-Hant"
CONVERTER = "s2twp"  # languages.LANGUAGES names it as zh-Hant's method


@cache
def _opencc() -> Any:
    try:
        import opencc
    except ImportError:  # pragma: no cover - a declared dependency
        raise PublishError("zh-Hant needs the opencc package (pip install opencc)") from None
    return opencc.OpenCC(CONVERTER)


# What the conversion must not touch, in the order a Markdown reader would see it: comments
# and fenced code first (a `$` inside code is not math), then inline code, math, link
# targets, tags and bare URLs. A bare URL stops at Chinese text, as `publish check` reads it.
_KEEP_RE = re.compile("|".join([
    r"<!--.*?-->",
    r"^[ \t]*(`{3,}|~{3,})[^\n]*\n.*?^[ \t]*\1[^\n]*$",
    r"(`+)(?!`).+?(?<!`)\2(?!`)",
    r"\$\$.+?\$\$",
    r"\\\[.+?\\\]",
    r"\\\(.+?\\\)",
    r"(?<![\\$])\$(?![\s$])(?:\\.|[^$\\])+?(?<![\s\\])\$(?![\d$])",
    r"\]\([^)\n]*\)",
    r"</?[A-Za-z][\w-]*(?:\s[^<>\n]*)?>",
    r"(?:(?:https?|ftp)://|www\.)[^\s<>\"'`\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
    r"\u3000-\u303f\uff00-\uffef]+",
]), re.S | re.M)
_CJK_RE = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def to_hant(text: str) -> str:
    """Simplified Chinese as Traditional (Taiwan, with its phrases: 软件 → 軟體); code,
    math, URLs, link targets and tags are kept as written. Lines and line breaks are kept."""
    if not text or not _CJK_RE.search(text):
        return text  # English titles and ASCII-only text: nothing to convert, nothing to load
    convert = _opencc().convert
    out: list[str] = []
    at = 0
    for m in _KEEP_RE.finditer(text):
        out += [convert(text[at:m.start()]), m.group()]
        at = m.end()
    out.append(convert(text[at:]))
    return "".join(out)


_CONVERTERS: dict[str, Callable[[str], str]] = {HANT: to_hant}
DERIVED: dict[str, Derived] = {
    code: Derived(code, LANGUAGES[code].source or "", LANGUAGES[code].method or "",
                  _CONVERTERS[code])
    for code in DERIVED_CODES
}


def derived(lang: str | None) -> Derived | None:
    return DERIVED.get(lang) if lang else None


def require(lang: str, languages: Sequence[str]) -> Derived:
    """The derivation of `lang`, refused when the project lacks its source language."""
    d = DERIVED[lang]
    if d.source not in languages:
        raise PublishError(f"{lang} is derived from {d.source}, which is not a language of "
                           f"this project ({', '.join(languages)})")
    return d


def convert(lang: str | None, text: str) -> str:
    d = derived(lang)
    return d.convert(text) if d else text


# ---------------------------------------------------------------------------------------------
# What the conversion must keep, for `publish check --lang zh-Hant`


_DIGITS_RE = re.compile(r"\d+(?:[.,:]\d+)*")


def kept_tokens(text: str) -> Counter[str]:
    """Code, math, URLs, link targets and numbers in digits of a block, as `publish check`
    finds them (its own reader, not the conversion's: so one checks the other)."""
    from .check.masking import anatomy

    a = anatomy(text)
    out: Counter[str] = Counter()
    for kind, found in (("code", a.code), ("math", a.math), ("URL", a.urls),
                        ("link", a.links)):
        out.update({f"{kind} {item}": n for item, n in found.items()})
    out.update(f"number {n}" for n in _DIGITS_RE.findall(a.plain))
    return out


def conversion_losses(source: str, converted: str) -> list[str]:
    """Each token of `source` the conversion did not keep exactly, as `kind 'token'`."""
    before, after = kept_tokens(source), kept_tokens(converted)
    return [token for token in before if after[token] < before[token]]


# ---------------------------------------------------------------------------------------------
# build/zh-Hant/: files `publish translate --to zh-Hant` wrote, and whether they are stale


_HASH_RE = re.compile(r"^source_hash:\s*['\"]?([0-9a-f]{12})['\"]?\s*$", re.M)


@dataclass(frozen=True)
class Freshness:
    folder: Path
    files: int  # derived files in the folder
    stale: int  # made from a zh text that changed or is gone since
    not_made: int  # zh texts with no derived file yet
    source: str = "zh"

    @property
    def message(self) -> str:
        if not self.stale and not self.not_made:
            return f"{self.folder}/: all {self.files} derived files are up to date."
        made = f", and {self.not_made} {self.source} texts not derived yet" if self.not_made \
            else ""
        return (f"{self.folder}/: {self.stale} of {self.files} derived files are stale{made}; "
                f"`publish translate --to {self.folder.name}` refreshes them.")


def freshness(build_dir: Path, content_dir: Path, lang: str = HANT,
              root: Path | None = None) -> Freshness | None:
    """How build/<lang>/ compares with the stored text now; None when it was never made.
    Reads each derived file's recorded `source_hash` and hashes its source file, as
    `publish translate --to zh-Hant` does."""
    import hashlib

    folder = build_dir / lang
    if not folder.is_dir():
        return None
    sources = {p.stem: p for p in (content_dir / source_of(lang)).glob("*.md")}
    files = sorted(folder.glob("*.md"))
    stale = 0
    for path in files:
        source = sources.get(path.stem)
        head = path.read_bytes()[:4096].decode("utf-8", "replace")
        m = _HASH_RE.search(head.split("\n---", 1)[0])
        if source is None or m is None or m.group(1) != hashlib.sha1(
                source.read_bytes()).hexdigest()[:12]:
            stale += 1
    made = {p.stem for p in files}
    shown = folder.relative_to(root) if root and folder.is_relative_to(root) else folder
    return Freshness(shown, len(files), stale, sum(1 for s in sources if s not in made),
                     source_of(lang))
