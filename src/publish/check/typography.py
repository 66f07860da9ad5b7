"""Text checks: typography of Chinese text, balance of brackets in any language."""

from __future__ import annotations

import re

from ..model import Block
from .findings import WARNING, Raw
from .masking import CJK, FILL, anatomy

_H = f"[{CJK}]"
_SP = "[ \\t\\u3000]"
_SPACING_RULES = (
    (re.compile(f"(?<={_H})[A-Za-z0-9]|[A-Za-z0-9](?={_H})"),
     "no space between Chinese and Latin text"),
    (re.compile(f"(?<={_H}){_SP}+(?={_H})"), "a space between Chinese characters"),
    (re.compile(f"{_SP}+[，。、；：？！）》」』】]|[，。、；：？！（《「『【]{_SP}+(?=\\S)"),
     "a space next to full-width punctuation (it has its own)"),
    (re.compile(f"(?<={_H})[,;:]{_SP}+(?={_H})|(?<={_H}){_SP}+[,;:!?]"),
     "a space around a comma or colon inside Chinese"),
)
_DOUBLED_RE = re.compile("[,，、。;；:：?？!！]{2,}")
_ASCII_STOP_RE = re.compile(f"(?<={_H})\\.(?=\\s|$|{_H})")
# (ASCII, full-width) forms of the marks whose width is a house style.
_WIDTHS = dict(zip(",:;?!()", "，：；？！（）", strict=True))
# An ASCII mark counts as Chinese punctuation when a Chinese character touches it.
_NARROW_RE = re.compile(f"(?<={_H})[,:;?!()]|[,:;?!()](?={_H})")
_WIDE_RE = re.compile("[，：；？！（）]")
_PAIRS = {"(": ")", "（": "）", "[": "]", "【": "】", "《": "》", "「": "」", "『": "』", "“": "”"}
_CLOSING = {v: k for k, v in _PAIRS.items()}
_BRACKET_RE = re.compile("[" + re.escape("".join(_PAIRS) + "".join(_CLOSING)) + "]")
_ENUMERATOR_RE = re.compile(r"(?:^|\n)[ \t]*[A-Za-z0-9]{1,3}$")


def _near(text: str, at: int) -> str:
    snippet = text[max(at - 8, 0): at + 9].replace("\n", " ").replace(FILL, "…")
    return f"'{snippet.strip()}'"


def spacing_findings(prose: str) -> list[Raw]:
    out: list[Raw] = []
    for rx, what in _SPACING_RULES:
        for m in rx.finditer(prose):
            out.append(("cjk-spacing", WARNING, f"{what}: {_near(prose, m.start())}",
                        m.start()))
    return out


def punctuation_findings(prose: str, style: str = "any") -> list[Raw]:
    out: list[Raw] = []
    for m in _DOUBLED_RE.finditer(prose):
        if not set(m.group()) <= set("?？!！"):  # ?! is emphatic, not a slip
            out.append(("cjk-punctuation", WARNING, f"doubled punctuation {m.group()!r}: "
                        f"{_near(prose, m.start())}", m.start()))
    for m in _ASCII_STOP_RE.finditer(prose):
        out.append(("cjk-punctuation", WARNING, f"ASCII '.' ends a Chinese sentence, use 。: "
                    f"{_near(prose, m.start())}", m.start()))
    seen: dict[str, list[int]] = {}
    for m in _NARROW_RE.finditer(prose):
        seen.setdefault(m.group(), []).append(m.start())
    for m in _WIDE_RE.finditer(prose):
        seen.setdefault(m.group(), []).append(m.start())
    for ascii_mark, wide in _WIDTHS.items():
        narrow, full = seen.get(ascii_mark, []), seen.get(wide, [])
        if style == "fullwidth":
            wrong, hint = narrow, f"use full-width {wide!r}, not {ascii_mark!r}"
        elif style == "ascii":
            wrong, hint = full, f"house style is ASCII {ascii_mark!r}, not {wide!r}"
        elif narrow and full:
            wrong = narrow if len(narrow) <= len(full) else full
            hint = f"mixes {wide!r} ({len(full)}) and {ascii_mark!r} ({len(narrow)}); pick one"
        else:
            continue
        if wrong:
            more = f" ({len(wrong)} times)" if len(wrong) > 1 else ""
            out.append(("cjk-punctuation", WARNING, f"{hint}{more}: {_near(prose, wrong[0])}",
                        wrong[0]))
    return out


def bracket_findings(prose: str) -> list[Raw]:
    """Unbalanced brackets and quotes; the first problem of the block, and how many."""
    problems: list[tuple[int, str]] = []
    stack: list[tuple[str, int]] = []
    for m in _BRACKET_RE.finditer(prose):
        i, c = m.start(), m.group()
        if c in _PAIRS:
            stack.append((c, i))
        elif stack and stack[-1][0] == _CLOSING[c]:
            stack.pop()
        elif stack and c in ")）" and stack[-1][0] in "(（":
            problems.append((i, f"{stack.pop()[0]!r} closed by {c!r}"))
        elif c == ")" and (_ENUMERATOR_RE.search(prose, 0, i) or prose[i - 1:i] in (":", ";")):
            continue  # "a) first point", or a smiley
        else:
            problems.append((i, f"{c!r} closes nothing"))
    problems += [(i, f"{c!r} is never closed") for c, i in stack]
    if prose.count('"') % 2:
        problems.append((prose.index('"'), "an odd number of '\"'"))
    if not problems:
        return []
    problems.sort()
    at, what = problems[0]
    more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
    return [("brackets", WARNING, f"{what}{more}: {_near(prose, at)}", at)]


def text_findings(block: Block, style: str = "any") -> list[Raw]:
    """Typography of one block in its own language: brackets always, Chinese rules in zh."""
    if block.kind in ("code", "html"):
        return []
    prose = anatomy(block.text).prose
    out = bracket_findings(prose)
    if block.lang == "zh":
        out = spacing_findings(prose) + punctuation_findings(prose, style) + out
    return out
