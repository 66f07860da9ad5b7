"""Pair checks: one translated block against its source block."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from functools import lru_cache

from ..model import Block
from .files import Term
from .findings import ERROR, WARNING, Raw, show
from .masking import FILL, Anatomy, anatomy
from .numerals import numbers, spelled_numbers

_END_CLASS = {".": "full stop", "。": "full stop", "?": "question mark", "!": "exclamation mark",
              ":": "colon", ";": "semicolon", ",": "comma", "、": "comma", "…": "ellipsis"}
_CLOSERS = ")]}\"'”’」』》】*_ \t\n" + FILL


def _end_class(plain: str) -> str:
    text = plain.rstrip(_CLOSERS)
    if text.endswith(("...", "……", "…")):
        return "ellipsis"
    return _END_CLASS.get(text[-1:], "no punctuation") if text else "no punctuation"


def _heading_level(block: Block) -> int:
    if block.kind != "heading":
        return 0
    first, _, rest = block.text.partition("\n")
    hashes = len(first) - len(first.lstrip("#"))
    return hashes or (1 if rest.strip().startswith("=") else 2)


def _counter_diff(check: str, source: Counter[str], target: Counter[str], what: str,
                  text: str) -> list[Raw]:
    out: list[Raw] = []
    for item in sorted(source - target):
        out.append((check, ERROR, f"{what} {show(item)} of the source is missing", -1))
    for item in sorted(target - source):
        out.append((check, WARNING, f"{what} {show(item)} is not in the source",
                    text.find(item)))
    return out


def _script_share(a: Anatomy, lang: str) -> float:
    mine = a.cjk if lang == "zh" else a.latin
    return mine / (a.cjk + a.latin) if a.cjk + a.latin else 0.0  # nothing to translate


# Translators' units (a word of English, a character of Chinese) per unit of the source.
_EXPECTED_RATIO = {("en", "zh"): 1.6, ("zh", "en"): 0.6}


def pair_findings(source: Block, target: Block, terms: Sequence[Term] = ()) -> list[Raw]:
    """Everything wrong with `target` as a translation of `source`."""
    out: list[Raw] = []
    if source.kind != target.kind or _heading_level(source) != _heading_level(target):
        def name(b: Block) -> str:
            level = _heading_level(b)
            return f"level-{level} heading" if level else b.kind
        out.append(("structure", WARNING, f"the source is a {name(source)}, the translation "
                    f"a {name(target)}", -1))
    if "code" in (source.kind, target.kind) or "html" in (source.kind, target.kind):
        if source.kind == target.kind and source.text.strip() != target.text.strip():
            out.append(("inline-code", WARNING, "code block differs from the source's; "
                        "translate comments only", -1))
        return out
    s, t = anatomy(source.text), anatomy(target.text)
    src_numbers, tgt_numbers = numbers(s.plain), numbers(t.plain)
    # Numbers in words only matter where the digits disagree, which is seldom: read lazily.
    lost = set(src_numbers) - set(tgt_numbers) - (spelled_numbers(t.plain)
                                                    if src_numbers.keys() - tgt_numbers.keys()
                                                    else set())
    added = set(tgt_numbers) - set(src_numbers) - (spelled_numbers(s.plain)
                                                     if tgt_numbers.keys() - src_numbers.keys()
                                                     else set())
    for value in lost:
        out.append(("numbers", ERROR, f"number {src_numbers[value][0]!r} of the source is "
                    "missing", -1))
    for value in added:
        written, at = tgt_numbers[value]
        out.append(("numbers", WARNING, f"number {written!r} is not in the source", at))
    out += _counter_diff("urls", s.urls, t.urls, "URL", target.text)
    out += _counter_diff("inline-code", s.code, t.code, "code", target.text)
    out += _counter_diff("math", s.math, t.math, "formula", target.text)
    for link in sorted(s.links - t.links):
        if t.urls[link]:
            out.append(("links", WARNING, f"link to {show(link)} became plain text", -1))
        elif not s.urls[link]:  # URLs have their own check; this is a relative target
            out.append(("links", ERROR, f"link to {show(link)} is missing", -1))
    for link in sorted(t.links - s.links):
        out.append(("links", WARNING, f"link to {show(link)} is not in the source",
                    target.text.find(link)))
    if t.emphasis["literal"] > s.emphasis["literal"]:
        out.append(("emphasis", WARNING, "** or __ will show as-is: Markdown does not close "
                    "emphasis between a letter and punctuation such as “” or ，; put a space "
                    "outside the markers or move the punctuation inside", -1))
    else:
        for kind, word in (("em", "emphasis (*…*)"), ("strong", "bold (**…**)")):
            if s.emphasis[kind] != t.emphasis[kind]:
                out.append(("emphasis", WARNING, f"{word}: {s.emphasis[kind]} in the source, "
                            f"{t.emphasis[kind]} in the translation", -1))
    src_end, tgt_end = _end_class(s.plain), _end_class(t.plain)
    if src_end != tgt_end:
        out.append(("end-punctuation", WARNING, f"the source ends with a {src_end}, the "
                    f"translation with a {tgt_end}", -1))
    out += _glossary_findings(source, target, s.plain, t.plain, terms)
    src_size, tgt_size = s.size, t.size
    # A list of paper titles is often left in English on purpose: only sentences count.
    sentence = source.kind == "paragraph" or _end_class(s.plain) in ("full stop",
                                                                      "question mark")
    if sentence and _script_share(s, source.lang) > 0.5:
        if " ".join(source.text.split()) == " ".join(target.text.split()):
            out.append(("untranslated", WARNING, "identical to its source", -1))
        elif src_size >= 3 and _script_share(t, target.lang) < 0.2:
            out.append(("untranslated", WARNING, f"hardly any {target.lang} text: still in "
                        f"{source.lang}?", -1))
    expected = _EXPECTED_RATIO.get((source.lang, target.lang), 1.0)
    if src_size >= 15 and not 1 / 3 <= tgt_size / (src_size * expected) <= 3:
        out.append(("length", WARNING, f"{tgt_size} units for a source of {src_size} (words "
                    f"of English, characters of Chinese): cut short or padded?", -1))
    return out


@lru_cache(maxsize=4096)
def _term_re(form: str, case_sensitive: bool) -> re.Pattern[str]:
    """A term as a whole word; hyphen, space or nothing between its parts, and an English
    -s/-es/-d/-ed on the end, are all the same term."""
    if not re.search("[A-Za-z0-9]", form):
        return re.compile(re.escape(form))
    body = r"[-\s]?".join(re.escape(p) for p in re.split(r"[-\s]+", form))
    tail = r"(?:s|es|d|ed)?" if form[-1].isalpha() else ""
    return re.compile(rf"(?<![A-Za-z0-9]){body}{tail}(?![A-Za-z0-9])",
                      0 if case_sensitive else re.IGNORECASE)


def has_term(plain: str, forms: Iterable[str], keep: bool) -> str | None:
    return next((f for f in forms if _term_re(f, keep).search(plain)), None)


def _glossary_findings(source: Block, target: Block, src: str, tgt: str,
                       terms: Sequence[Term]) -> list[Raw]:
    out: list[Raw] = []
    for term in terms:
        src_forms, tgt_forms = term.forms.get(source.lang), term.forms.get(target.lang)
        if not src_forms or not tgt_forms:
            continue
        found = has_term(src, src_forms, term.keep)
        if found is None:
            continue
        if has_term(tgt, tgt_forms, term.keep) is None:
            how = ("keep it as is (glossary: not translated)" if term.keep
                   else f"the glossary translates it {tgt_forms[0]!r}")
            out.append(("glossary", WARNING, f"the source has {found!r}: {how}", -1))
        wrong = has_term(tgt, term.avoid.get(target.lang, ()), False)
        if wrong is not None:
            out.append(("glossary", WARNING, f"{wrong!r} for {found!r}: the glossary says "
                        f"{tgt_forms[0]!r}", tgt.find(wrong)))
    return out
