"""Paper titles as people read them: `Self-attention Does Not Need \\(O(n^2)\\) Memory` is shown
as `Self-attention Does Not Need O(n²) Memory`.

Titles appear where formulas cannot be typeset — the booklet's contents, PDF bookmarks, page
titles, e-mail subjects, feeds — so a title's math becomes plain Unicode text, the same
everywhere: symbols and Greek letters as themselves, simple scripts as Unicode superscripts
and subscripts, anything else as its TeX source without the delimiters. The content keeps
the TeX as written.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from functools import cache

# `$…$` as pandoc reads it: no space inside either dollar, no digit right after the closing
# one, so "costs $5 and $10" stays text.
_INLINE_RE = re.compile(r"\\\((.+?)\\\)|(?<![\\$])\$(?=[^\s$])([^$\n]*?[^\s\\$])\$(?!\d)")
_SUPER = str.maketrans("0123456789+-=()nio*", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁿⁱᵒ*")
_SUB = str.maketrans("0123456789+-=()aeiox", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ₐₑᵢₒₓ")
_SUPER_OK = set("0123456789+-=()nio*")
_SUB_OK = set("0123456789+-=()aeiox")


def _text(el: ET.Element) -> str | None:
    """The plain text of a MathML element, or None when it has layout text cannot show."""
    tag = el.tag.rsplit("}", 1)[-1]
    children = list(el)
    if tag in ("mi", "mn", "mo", "mtext"):
        return (el.text or "").strip()
    if tag in ("math", "mrow", "mstyle"):
        parts = [_text(child) for child in children]
        return None if None in parts else "".join(p for p in parts if p is not None)
    if tag in ("msup", "msub") and len(children) == 2:
        base, script = _text(children[0]), _text(children[1])
        if base is None or script is None:
            return None
        table, ok = (_SUPER, _SUPER_OK) if tag == "msup" else (_SUB, _SUB_OK)
        if not script or not set(script) <= ok:
            return None
        return base + script.translate(table)
    if tag == "mspace":
        return " "
    return None


@cache
def formula_text(tex: str) -> str:
    """A formula as plain text: `O(n^2)` → `O(n²)`, `\\alpha` → `α`; its TeX when the
    formula needs layout (fractions, roots, matrices…)."""
    try:
        import latex2mathml.converter

        root = ET.fromstring(latex2mathml.converter.convert(tex))
    except Exception:  # latex2mathml raises many kinds on TeX it does not know
        return tex
    text = _text(root)
    return text if text else tex


def plain_title(title: str) -> str:
    """`title` with each inline formula (`\\(…\\)` or `$…$`) as plain text."""
    if "\\(" not in title and "$" not in title:
        return title
    return _INLINE_RE.sub(lambda m: formula_text((m.group(1) or m.group(2)).strip()), title)
