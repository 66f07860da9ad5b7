"""TeX formulas as vector SVG (for PDF) or MathML (for a web page).

A renderer is a function `(tex, display) -> html | None`; None means "cannot render", and
the caller shows the TeX source instead. Nothing here raises for bad TeX.

Math is data: a formula comes from content, so what the converters make of it is checked
against an allowlist (`mathsafe`) before it reaches a page — elements, attributes and their
values, text that cannot be markup — and anything else shows the TeX instead. A formula
nested deeper, longer or slower to draw than the limits below is shown as TeX with a
warning: drawing time doubles with each level of `x_{x_{…}}`.
"""

from __future__ import annotations

import re
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import lru_cache
from html import escape

from .mathsafe import checked_cached, clean_mathml, clean_svg

MathRenderer = Callable[[str, bool], "str | None"]

# latex2mathml keeps a command it does not know as an identifier such as <mi>\foo</mi>:
# a formula that would silently show a backslash word is a formula that failed.
_UNKNOWN_COMMAND = re.compile(r">\\[A-Za-z]")
_VIEWBOX = re.compile(r'viewBox="([-\d.]+) ([-\d.]+) ([-\d.]+) ([-\d.]+)"')
# ziamath's base size; the SVG is then sized in em so formulas follow the text size.
_SIZE = 20.0


# Per formula: braces (and \left, \begin) nested deeper than this, TeX longer than this,
# or CPU seconds spent drawing it past this, and the TeX is shown instead.
MAX_DEPTH = 10
MAX_LENGTH = 4000
MAX_SECONDS = 2.0
_NESTING = re.compile(r"\\(?:left|right|begin|end)\b|[{}]")


def too_big(tex: str) -> str | None:
    """Why a formula is over the limits of length or nesting, or None."""
    if len(tex) > MAX_LENGTH:
        return f"is {len(tex):,} characters long (limit {MAX_LENGTH:,})"
    depth = deepest = 0
    for m in _NESTING.finditer(tex):
        token = m.group()
        if token == "{" or token in ("\\left", "\\begin"):
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    if deepest > MAX_DEPTH:
        return f"nests {deepest} deep (limit {MAX_DEPTH})"
    return None


class _TooSlow(BaseException):
    """Raised by the CPU timer inside a converter; a BaseException, so that their own
    `except Exception` cannot swallow it."""


@contextmanager
def _cpu_limit(seconds: float) -> Iterator[None]:
    """Interrupt the block after `seconds` of the process's CPU time (SIGVTALRM). Signals
    reach the main thread only: elsewhere the length and depth limits must do."""
    if threading.current_thread() is not threading.main_thread() or \
            not hasattr(signal, "setitimer"):
        yield
        return

    def expire(_signum: int, _frame: object) -> None:
        raise _TooSlow()

    previous = signal.signal(signal.SIGVTALRM, expire)
    signal.setitimer(signal.ITIMER_VIRTUAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_VIRTUAL, 0)
        signal.signal(signal.SIGVTALRM, previous)


_warned: set[str] = set()


def warn(tex: str, why: str) -> None:
    """Once per formula and process, on stderr (workers share it): the formula is shown as
    its TeX."""
    short = tex if len(tex) <= 60 else tex[:57] + "…"
    if short not in _warned:
        _warned.add(short)
        print(f"publish: warning: formula ${short}$ {why}: shown as TeX", file=sys.stderr,
              flush=True)


def bounded(make: Callable[[str, bool], str | None]) -> Callable[[str, bool], str | None]:
    """`make` within the limits: None (with a warning) for a formula over them."""

    def run(tex: str, display: bool) -> str | None:
        why = too_big(tex)
        if why is None:
            try:
                with _cpu_limit(MAX_SECONDS):
                    return make(tex, display)
            except _TooSlow:
                why = f"took more than {MAX_SECONDS:g} s to draw"
        warn(tex, why)
        return None

    run.__doc__ = make.__doc__
    return run


def _mathml(tex: str, display: bool) -> str | None:
    from ziamath.tex import tex2mml

    try:
        mathml = tex2mml(tex, inline=not display)
    except Exception:  # latex2mathml raises many unrelated types for bad input
        return None
    return None if _UNKNOWN_COMMAND.search(mathml) else mathml


# Formulas drawn by earlier builds (ziamath takes ~15 ms a formula): loaded from the build
# cache before rendering, and what this process adds is handed back to be saved.
_known: dict[str, str | None] = {}
_added: dict[str, str | None] = {}


def _key(tex: str, display: bool) -> str:
    return f"{int(display)}{tex}"


def _svg_or_text(tex: str, display: bool) -> str | None:
    mathml = _mathml(tex, display)
    if mathml is not None and clean_mathml(mathml) is None:
        # what the site would refuse, the booklet does too (ziamath would draw it partly)
        warn(tex, "makes MathML outside what a page may hold")
        return None
    html = None if mathml is None else (_flat_math(mathml) if not display else None)
    if html is None and mathml is not None:
        html = _svg_math(tex, display)
    return html


_drawn = bounded(_svg_or_text)


def preload(entries: dict[str, str | None]) -> None:
    _known.update(entries)


def added() -> dict[str, str | None]:
    return dict(_added)


def svg_math(tex: str, display: bool) -> str | None:
    """A formula for the PDF: set as text when it is only letters, numbers and operators
    (`7 \\times 7`, `Q`, `\\alpha = 0.5`: italic identifiers, like TeX), else an inline
    <svg> of glyph outlines from ziamath, sized in em and sitting on the text baseline.

    Text for the flat ones is a speed choice: WeasyPrint takes ~45 ms to draw one SVG
    formula, and most formulas in paper summaries are a symbol or a product of sizes."""
    key = _key(tex, display)
    if key in _known:
        found = _known[key]
        # a cache file is data too: an entry that is not what this module makes is redrawn
        if found is None or checked_cached(found):
            return found
    html = _drawn(tex, display)
    _known[key] = _added[key] = html
    return html


_FLAT = {"math", "mrow", "mi", "mn", "mo", "mtext", "mspace"}
_SPACED = set("=<>+−×÷±∓≤≥≈≠∼→←⇒∈∝")
# Characters the text fonts certainly have; anything else (script letters, blackboard
# bold...) is drawn by ziamath from its math font, so it can never come out as tofu.
_TEXT_SAFE = re.compile(
    r"^[A-Za-z0-9\u0391-\u03c9.,:;!?'()\[\]{}|/%&*+=<>\-−×÷±∓≤≥≈≠∼→←⇒∈∝·…′\s]+$")


def _flat_math(mathml: str) -> str | None:
    """HTML text for a formula with no layout (no scripts, fractions, roots...)."""
    import xml.etree.ElementTree as ET

    try:
        root = ET.fromstring(mathml)
    except ET.ParseError:
        return None
    parts: list[str] = []
    for el in root.iter():
        tag = el.tag.rsplit("}", 1)[-1]
        if tag not in _FLAT or el.attrib.get("mathvariant") not in (None, "normal", "italic"):
            return None
        text = (el.text or "").strip()
        if tag in ("math", "mrow", "mspace") or not text:
            continue
        if not _TEXT_SAFE.match(text):
            return None
        if tag == "mi" and len(text) == 1 and el.attrib.get("mathvariant") != "normal":
            parts.append(f"<i>{escape(text)}</i>")
        elif tag == "mo" and text in _SPACED:
            parts.append(f"\u2009{escape(text)}\u2009")
        else:
            parts.append(escape(text))
    if not parts:
        return None
    return f'<span class="math-text">{"".join(parts)}</span>'


def _svg_math(tex: str, display: bool) -> str | None:
    import ziamath

    mathml = _mathml(tex, display)
    if mathml is None:
        return None
    # SVG 1.1 output draws each glyph as its own <path>: SVG 2 shares glyphs through
    # <symbol id=…>, and two formulas in one page would then define the same ids.
    previous, ziamath.config.svg2 = ziamath.config.svg2, False
    try:
        svg = ziamath.Math(mathml, size=_SIZE).svg()
    except Exception:
        return None
    finally:
        ziamath.config.svg2 = previous
    m = _VIEWBOX.search(svg)
    if not m or "<path" not in svg:
        return None
    svg = clean_svg(svg)
    if svg is None:
        return None
    _x, y, w, h = (float(v) for v in m.groups())
    below = h + y  # viewBox y is negative above the baseline
    style = (f'width:{w / _SIZE:.3f}em;height:{h / _SIZE:.3f}em;'
             f'vertical-align:{-below / _SIZE:.3f}em')
    svg = re.sub(r' width="[^"]*" height="[^"]*"', "", svg, count=1)
    return svg.replace("<svg ", f'<svg class="math" style="{style}" ', 1)


@lru_cache(maxsize=4096)
def mathml_math(tex: str, display: bool) -> str | None:
    """MathML for browsers (the HTML site), checked against the allowlist; None when the
    TeX cannot be converted, or its MathML holds anything else (then the TeX is shown)."""
    mathml = _bounded_mathml(tex, display)
    if mathml is None:
        return None
    clean = clean_mathml(mathml)
    if clean is None:
        warn(tex, "makes MathML outside what a page may hold")
    return clean


def raw_mathml(tex: str, display: bool) -> str | None:
    """The converter's MathML, unchecked: the same as `_mathml` (ziamath's `tex2mml`),
    without importing ziamath — its package loads a math font and glyph tables (~0.2 s)
    that only drawing SVG needs. tests/test_site_cache.py compares the two on every
    formula of content/."""
    try:
        mathml = _tex2mml(tex, inline=not display)
    except Exception:  # latex2mathml raises many unrelated types for bad input
        return None
    return None if _UNKNOWN_COMMAND.search(mathml) else mathml


_bounded_mathml = bounded(raw_mathml)


# ziamath 0.13's `tex.tex2mml` and the operators its package declares, with its default
# decimal separator ("."); keep in step with ziamath (the test above fails when they differ).
_ZIAMATH_OPERATORS = (r"\tg", r"\ctg", r"\arcctg", r"\arctg", r"\arg", r"\cotg", r"\sh",
                      r"\ch", r"\cth", r"\th")
_ZIAMATH_FIXES = (
    (r">&#x02191;", r' stretchy="false">&#x02191;'),
    (r">&#x02193;", r' stretchy="false">&#x02193;'),
    (r"<mi>&#x027E8;", r'<mi stretchy="false">&#x027E8;'),
    (r"<mi>&#x027E9;", r'<mi stretchy="false">&#x027E9;'),
    (r'<mo stretchy="false">&#x0005E;', r'<mo stretchy="false">&#710;'),
    (r"<mo>&#x0005E;", r"<mo>&#x00302;"),
    (r"<mo>&#x0007E;", r"<mo>&#x00303;"),
    (r'columnspacing="0em 2em"', r'columnspacing="0em 0.3em"'),
)


def _tex2mml(tex: str, inline: bool) -> str:
    import latex2mathml.commands
    from latex2mathml.converter import convert

    missing = tuple(op for op in _ZIAMATH_OPERATORS
                    if op not in latex2mathml.commands.FUNCTIONS)
    if missing:  # what importing ziamath does, once per process
        latex2mathml.commands.FUNCTIONS = latex2mathml.commands.FUNCTIONS + missing
    tex = re.sub(r"\\binom{(.+?)}{(.+?)}", r"\\left( \1 \\atop \2 \\right)", tex)
    tex = re.sub(r"\\mathrm{(.+?)}", r"\\mathrm {\1}", tex)
    tex = tex.replace("||", "‖")
    tex = tex.replace(r"\begin{aligned}", r"\begin{align*}")
    tex = tex.replace(r"\end{aligned}", r"\end{align*}")
    mml = convert(tex, display="inline" if inline else "block")
    for pattern, replacement in _ZIAMATH_FIXES:
        mml = re.sub(pattern, replacement, mml)
    return mml
