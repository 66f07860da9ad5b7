"""Numbers by value, so 70B, 700亿, 70 billion and 7×10¹⁰ written any of these ways agree."""

from __future__ import annotations

import re
from decimal import Decimal

_NUM = r"(?:\d{1,3}(?:,\d{3})+(?!\d)|\d+)(?:\.\d+)?"
# A line break may fall anywhere in wrapped text, even between "2.5" and "亿".
_GAP = r"[ \t]*\n?[ \t]*"
_NUMBER_RE = re.compile(
    rf"(?P<a>{_NUM})(?:{_GAP}(?:-|–|—|~|至|到){_GAP}(?P<b>{_NUM}))?"
    rf"(?:(?:{_GAP}|-(?=[a-z]))(?P<scale>万亿|千亿|百亿|十亿|千万|百万|亿|万|千(?![米克瓦])"
    r"|[kKMBbT](?![A-Za-z])|(?:thousand|million|billion|trillion)(?![A-Za-z])))?")
_SCALES = {"万亿": 10**12, "千亿": 10**11, "百亿": 10**10, "十亿": 10**9, "千万": 10**7,
           "百万": 10**6, "亿": 10**8, "万": 10**4, "千": 10**3, "k": 10**3, "K": 10**3,
           "M": 10**6, "B": 10**9, "b": 10**9, "T": 10**12, "thousand": 10**3,
           "million": 10**6, "billion": 10**9, "trillion": 10**12}
_ZH_DIGITS = {c: int(d) for c, d in zip("零〇一二两三四五六七八九", "001223456789", strict=True)}
_ZH_NUMERAL_RE = re.compile("[零〇一二两三四五六七八九十百千万亿]+")
_EN_WORDS = {w: i for i, w in enumerate(re.findall("[a-z]+", (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen")))}
_EN_WORDS.update({w: 10 * i for i, w in enumerate(re.findall(
    "[a-z]+", "twenty thirty forty fifty sixty seventy eighty ninety"), start=2)})
_EN_WORDS.update(first=1, second=2, third=3, fourth=4, fifth=5, once=1, twice=2, double=2,
                 triple=3, dozen=12, hundred=100)
_EN_NUMERAL_WORDS = {*_EN_WORDS, "thousand", "million", "billion", "trillion"}
_WORD_RE = re.compile(r"[A-Za-z]+")


# Traditional Chinese writes the scales and "two" as 萬 億 兩: read as 万 亿 两, one character
# for one, so every offset still points into the text as written.
_TRADITIONAL = str.maketrans("萬億兩", "万亿两")


def numbers(plain: str) -> dict[Decimal, tuple[str, int]]:
    """Numbers written in digits: value -> (as written, offset) of the first occurrence."""
    out: dict[Decimal, tuple[str, int]] = {}
    for m in _NUMBER_RE.finditer(plain.translate(_TRADITIONAL)):
        scale = _SCALES.get(m.group("scale") or "", 1)
        for name in ("a", "b"):
            if m.group(name):
                value = Decimal(m.group(name).replace(",", "")) * scale
                out.setdefault(value.normalize(),
                               (plain[m.start():m.end()].strip(), m.start()))
    return out


def _zh_numeral(word: str) -> int:
    if not any(c in "十百千万亿" for c in word):  # 二〇二三: digit by digit
        return int("".join(str(_ZH_DIGITS[c]) for c in word))
    total, section, digit = 0, 0, 0
    for c in word:
        if c in _ZH_DIGITS:
            digit = _ZH_DIGITS[c]
        elif c in "十百千":
            section += (digit or 1) * {"十": 10, "百": 100, "千": 1000}[c]
            digit = 0
        else:
            total = (total + section + digit) * (10**4 if c == "万" else 10**8)
            section = digit = 0
    return total + section + digit


def _en_numeral(words: str) -> int:
    total, current = 0, 0
    for w in re.split(r"[\s-]+", words.lower().strip()):
        if w in ("thousand", "million", "billion", "trillion"):
            total += (current or 1) * _SCALES[w]
            current = 0
        elif w == "hundred":
            current = (current or 1) * 100
        elif w:
            current += _EN_WORDS[w]
    return total + current


def spelled_numbers(plain: str) -> set[Decimal]:
    """Numbers in words (三, 七十亿, two, seven billion): they may stand for a source's digits,
    but are never demanded — "一种" is "a kind", not the number one."""
    out = {Decimal(_zh_numeral(m.group()))
           for m in _ZH_NUMERAL_RE.finditer(plain.translate(_TRADITIONAL))}
    run: list[str] = []  # consecutive number words: "seven billion", "twenty-five"
    end = -1
    for m in _WORD_RE.finditer(plain):
        word = m.group().lower()
        if word in _EN_NUMERAL_WORDS:
            if run and plain[end:m.start()].strip(" -\t\n"):
                out.add(Decimal(_en_numeral(" ".join(run))))
                run = []
            run.append(word)
            end = m.end()
        elif run:
            out.add(Decimal(_en_numeral(" ".join(run))))
            run = []
    if run:
        out.add(Decimal(_en_numeral(" ".join(run))))
    return {v.normalize() for v in out}
