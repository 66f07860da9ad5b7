"""A block's anatomy: what must survive translation, and its prose with the rest masked
out."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import Any

CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJK_RUN_RE = re.compile(f"[{CJK}]+")
_LATIN_RUN_RE = re.compile("[A-Za-z]+")
FILL = "\ufffc"  # stands in for masked text; no check reads it as a letter or a mark
_CODE_RE = re.compile(r"(?<!`)(`+)(?!`)(.+?)(?<!`)\1(?!`)", re.S)
# Each pattern with a substring it needs: most blocks skip most patterns without a scan.
_MATH_RES = (
    ("$$", re.compile(r"\$\$(.+?)\$\$", re.S)),
    ("\\[", re.compile(r"\\\[(.+?)\\\]", re.S)),
    ("\\(", re.compile(r"\\\((.+?)\\\)", re.S)),
    # Pandoc's rule, so "$5 and $10" is money, not math: no space inside the dollars, and
    # no digit right after the closing one.
    ("$", re.compile(r"(?<![\\$])\$(?![\s$])((?:\\.|[^$\\])+?)(?<![\s\\])\$(?![\d$])",
                     re.S)),
)
_URL_RE = re.compile(r"(?:(?:https?|ftp)://|www\.)[^\s<>\"'`" + CJK
                     + r"\u3000-\u303f\uff00-\uffef" + FILL + "]+")
_SYNTAX_RES = (
    ("](", re.compile(r"(!?\[)[^\[\]\n]*(\]\([^)\n]*\))")),  # [text](target): all but text
    ("<", re.compile(r"<!--.*?-->|</?[A-Za-z][\w-]*(?:\s[^<>\n]*)?>|<" + FILL + "+>", re.S)),
    ("\\", re.compile(r"\\(?=[!-/:-@\[-`{-~])")),  # the backslash of an escape
    # Block markers: a list marker or heading where the block starts; later, only what can
    # interrupt a paragraph (a wrapped line may well begin "2017. "): a bullet, "1.", ">".
    ("", re.compile(r"\A[ \t]*(?:[-*+]|\d{1,9}[.)])(?:[ \t]+|$)|\A#{1,6}[ \t]+|[ \t]+#+[ \t]*$"
                    r"|^[ \t]*(?:[-*+]|1[.)])[ \t]+|^[ \t]*>[ \t]?|^[=-]+[ \t]*$", re.M)),
    ("*", re.compile(r"\*+")),
)


def _mask(text: str, spans: Iterable[tuple[int, int]]) -> str:
    spans = list(spans)
    if not spans:
        return text
    chars = list(text)
    for start, end in spans:
        chars[start:end] = [c if c == "\n" else FILL for c in chars[start:end]]
    return "".join(chars)


def _trim_url(url: str) -> str:
    url = url.rstrip(".,;:!?*_~")
    for opener, closer in ("()", "[]"):
        while url.endswith(closer) and url.count(closer) > url.count(opener):
            url = url[:-1].rstrip(".,;:!?")
    return url


_FULL_WIDTH_RE = re.compile("[\u3000\uff01-\uff5e]")


def _half_width(text: str) -> str:
    """Full-width ASCII forms (Ｆ１，７０％) and the ideographic space as their ASCII selves,
    one character for one so offsets still point into the block."""
    return _FULL_WIDTH_RE.sub(lambda m: " " if m.group() == "\u3000"
                              else chr(ord(m.group()) - 0xFEE0), text)


@dataclass(frozen=True)
class Anatomy:
    prose: str  # the prose, same length as the block's text, everything else masked
    plain: str  # the prose with full-width forms (，１) as ASCII: for numbers and ends
    code: Counter[str]
    math: Counter[str]
    urls: Counter[str]
    links: Counter[str]
    emphasis: Counter[str]  # "em", "strong", and "literal" for markers shown as-is

    @cached_property
    def size(self) -> int:
        """In translators' units: a word of English, a character of Chinese."""
        from ..status import text_size

        return text_size(self.plain)

    @cached_property
    def cjk(self) -> int:
        return sum(map(len, _CJK_RUN_RE.findall(self.plain)))

    @cached_property
    def latin(self) -> int:
        return sum(map(len, _LATIN_RUN_RE.findall(self.plain)))


@lru_cache(maxsize=8192)
def anatomy(text: str) -> Anatomy:
    """What a block holds besides prose, and the prose alone (see `Anatomy.plain`)."""
    from markdown_it import MarkdownIt

    code_spans = list(_CODE_RE.finditer(text)) if "`" in text else []
    code = Counter(m.group(2).strip() for m in code_spans)
    masked = _mask(text, (m.span() for m in code_spans))
    math: Counter[str] = Counter()
    math_spans: list[tuple[int, int]] = []
    for needle, rx in _MATH_RES:
        if needle not in masked:
            continue
        found = list(rx.finditer(masked))
        math.update(" ".join(m.group(1).split()) for m in found)
        math_spans += [m.span() for m in found]
        masked = _mask(masked, (m.span() for m in found))
    # Markdown reads the text with math hidden, so `$x_1 * y_2$` is not taken for emphasis.
    links: Counter[str] = Counter()
    emphasis: Counter[str] = Counter()
    md_text = _mask(text, math_spans)
    markup = any(c in md_text for c in "[*_<")  # most blocks have none: skip the parser
    tokens = _markdown(MarkdownIt).parseInline(md_text)[0].children if markup else None
    for tok in tokens or []:
        if tok.type in ("link_open", "image"):
            links[_unquote(str(tok.attrs.get("href") or tok.attrs.get("src") or ""))] += 1
        elif tok.type in ("em_open", "strong_open"):
            emphasis[tok.type[:-5]] += 1
        elif tok.type == "text":
            emphasis["literal"] += len(re.findall(r"\*\*|__", tok.content))
    url_spans = [(m.start(), m.start() + len(_trim_url(m.group())))
                 for m in _URL_RE.finditer(masked)] if "://" in masked or "www." in masked \
        else []
    urls = Counter(_unquote(masked[a:b]) for a, b in url_spans)
    masked = _mask(masked, url_spans)
    for needle, rx in _SYNTAX_RES:
        if needle not in masked:
            continue
        spans: list[tuple[int, int]] = []
        for m in rx.finditer(masked):
            groups = [g for g in range(1, rx.groups + 1) if m.group(g) is not None]
            spans += [m.span(g) for g in groups] if groups else [m.span()]
        masked = _mask(masked, spans)
    return Anatomy(masked, _half_width(masked), code, math, urls, links, emphasis)


@lru_cache(maxsize=1)
def _markdown(cls: Any) -> Any:
    return cls("commonmark")


def _unquote(url: str) -> str:
    from urllib.parse import unquote

    return unquote(url).rstrip("/")
