"""What a formula may put on a page: MathML and SVG checked against allowlists.

latex2mathml passes `\\text{…}` through as raw markup and copies `\\href`, `\\style` and
`\\class` arguments into attributes, so a formula can carry `<script>`, `<meta
http-equiv=refresh>` or `href="javascript:…"`. Its output (and ziamath's SVG) is therefore
read as a stream of tags and text by a strict tokenizer and written out again from what was
read:

- elements: an allowlist per language; anything else refuses the whole formula (the
  caller shows its TeX, escaped), so nothing is silently dropped from a formula;
- attributes: an allowlist, each value checked against its kind (keyword, length, colour,
  path data…) and written out escaped; others (`style`, `class`, `id`, event handlers) are
  dropped; `href` is kept only for http(s) addresses on `LINK_HOSTS`;
- text: only characters that cannot be markup (no `<`, `>`, and `&` only in numeric
  character references); token elements (`mi`, `mtext`…) hold text only.

The writer reproduces the converters' own bytes for what is allowed, so checked formulas
look exactly as before.
"""

from __future__ import annotations

import re
from html import escape, unescape
from urllib.parse import urlsplit

MATHML_NS = "http://www.w3.org/1998/Math/MathML"
SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"

# Hosts a formula's \href may link to: where papers and their code live.
LINK_HOSTS = ("arxiv.org", "doi.org", "openreview.net", "aclanthology.org", "github.com",
              "proceedings.neurips.cc", "papers.nips.cc", "proceedings.mlr.press",
              "dl.acm.org", "ieeexplore.ieee.org", "wikipedia.org")

_KEYWORD = re.compile(r"^[a-z]+(?:[ -][a-z]+)*$")
_LENGTH = re.compile(r"^(?:[+-]?(?:\d+\.?\d*|\.\d+)(?:[a-z]{1,5}|%)?\s*)+$")
_COLOUR = re.compile(r"^(?:#[0-9A-Fa-f]{3,8}|[A-Za-z]{1,20})$")
_NUMBERS = re.compile(r"^[-+0-9.eE\s,]*$")
_PATH = re.compile(r"^[MmLlHhVvCcSsQqTtAaZz0-9.eE\s,+-]*$")

_MATHML_ATTRS = {
    **dict.fromkeys(("accent", "accentunder", "displaystyle", "fence", "separator",
                     "stretchy", "symmetric", "largeop", "movablelimits", "form", "display",
                     "mathvariant", "notation", "linebreak", "columnalign", "rowalign",
                     "columnlines", "rowlines", "frame", "equalrows", "equalcolumns",
                     "align", "numalign", "denomalign", "bevelled", "dir", "open", "close",
                     "separators"), _KEYWORD),
    **dict.fromkeys(("width", "height", "depth", "lspace", "rspace", "voffset",
                     "linethickness", "mathsize", "minsize", "maxsize", "scriptlevel",
                     "columnspacing", "rowspacing", "framespacing", "columnspan", "rowspan"),
                    _LENGTH),
    **dict.fromkeys(("mathcolor", "mathbackground"), _COLOUR),
}
_MATHML = {
    "elements": {"math", "mrow", "mi", "mn", "mo", "ms", "mtext", "mspace", "msub", "msup",
                 "msubsup", "munder", "mover", "munderover", "mfrac", "msqrt", "mroot",
                 "mstyle", "merror", "mpadded", "mphantom", "mfenced", "menclose", "mtable",
                 "mtr", "mtd", "mlabeledtr", "mmultiscripts", "mprescripts", "none",
                 "semantics", "annotation"},
    "text_only": {"mi", "mn", "mo", "ms", "mtext", "mspace", "annotation", "none",
                  "mprescripts"},
    "attrs": _MATHML_ATTRS,
    "root": "math",
    "xmlns": {"xmlns": MATHML_NS},
}
_SVG = {
    "elements": {"svg", "g", "path", "rect", "line", "polyline", "polygon", "circle",
                 "ellipse"},
    "text_only": {"path", "rect", "line", "polyline", "polygon", "circle", "ellipse"},
    "attrs": {
        "d": _PATH, "fill": _COLOUR, "stroke": _COLOUR, "stroke-width": _LENGTH,
        "x": _LENGTH, "y": _LENGTH, "x1": _LENGTH, "y1": _LENGTH, "x2": _LENGTH,
        "y2": _LENGTH, "width": _LENGTH, "height": _LENGTH, "rx": _LENGTH, "ry": _LENGTH,
        "cx": _LENGTH, "cy": _LENGTH, "r": _LENGTH, "viewBox": _NUMBERS,
        "points": _NUMBERS, "transform": re.compile(r"^[a-z]+\([-+0-9.eE\s,]*\)"
                                                    r"(?:\s*[a-z]+\([-+0-9.eE\s,]*\))*$"),
        "fill-rule": _KEYWORD, "stroke-linecap": _KEYWORD, "stroke-linejoin": _KEYWORD,
    },
    "root": "svg",
    "xmlns": {"xmlns": SVG_NS, "xmlns:xlink": XLINK_NS},
}

# One token: a tag (start, end or empty) with quoted attributes, text without markup
# characters, or a numeric character reference. Anything else (a stray `<`, `&`, a comment,
# CDATA, a processing instruction, a named entity) matches nothing and refuses the input.
_TOKEN = re.compile(
    r'<(/?)([A-Za-z][A-Za-z0-9:-]*)((?:\s+[A-Za-z][A-Za-z0-9:-]*="[^"<>]*")*)\s*(/?)>'
    r"|([^<>&]+)"
    r"|(&#(?:x[0-9A-Fa-f]{1,6}|[0-9]{1,7});)")
_ATTR = re.compile(r'([A-Za-z][A-Za-z0-9:-]*)="([^"]*)"')


def allowed_link(url: str) -> bool:
    """An http(s) address on one of LINK_HOSTS (or a subdomain)."""
    try:
        parts = urlsplit(url.strip())
        host = (parts.hostname or "").lower()
    except ValueError:
        return False
    if parts.scheme not in ("http", "https") or parts.username or parts.password:
        return False
    return any(host == h or host.endswith("." + h) for h in LINK_HOSTS)


def _attrs(tag: str, raw: str, policy: dict, root: bool) -> str | None:
    out = []
    for name, quoted in _ATTR.findall(raw):
        value = unescape(quoted)
        if name.startswith(("xmlns", "xml:")):
            if not root or policy["xmlns"].get(name) != value:
                return None  # another namespace would change what the elements are
        elif name == "href" and policy is _MATHML:
            if not allowed_link(value):
                continue
        else:
            check = policy["attrs"].get(name)
            if check is None or not check.match(value):
                continue  # style, class, id, on*, and values of the wrong kind
        out.append(f' {name}="{escape(value)}"')
    return "".join(out)


def _clean(markup: str, policy: dict) -> str | None:
    """`markup` written out again from its allowed parts, or None when it holds anything
    the policy does not allow or is not one well-nested element."""
    out: list[str] = []
    stack: list[str] = []
    pos = 0
    closed = False
    elements, text_only = policy["elements"], policy["text_only"]
    for m in _TOKEN.finditer(markup):
        if m.start() != pos:
            return None
        pos = m.end()
        end, tag, raw, empty, text, ref = m.groups()
        if tag is None:
            if not stack:
                if text is not None and not text.strip():
                    out.append(text)
                    continue
                return None
            out.append(text if text is not None else ref)
            continue
        if tag not in elements:
            return None
        if end:
            if raw or empty or not stack or stack.pop() != tag:
                return None
            out.append(f"</{tag}>")
            closed = not stack
            continue
        if not stack and (closed or tag != policy["root"]):
            return None
        if stack and stack[-1] in text_only:
            return None
        attrs = _attrs(tag, raw, policy, not stack)
        if attrs is None:
            return None
        if empty:
            out.append(f"<{tag}{attrs} />")
            closed = not stack
        else:
            out.append(f"<{tag}{attrs}>")
            stack.append(tag)
    if pos != len(markup) or stack or not closed:
        return None
    return "".join(out)


def clean_mathml(mathml: str) -> str | None:
    return _clean(mathml, _MATHML)


def clean_svg(svg: str) -> str | None:
    return _clean(svg, _SVG)


# What svg_math itself makes: a flat formula as text in a span, or an SVG with our own
# class and style on its root (added after `clean_svg`).
_FLAT = re.compile(r'<span class="math-text">(?:[^<>&]|&(?:amp|lt|gt|quot|#x27);'
                   r"|<i>(?:[^<>&]|&(?:amp|lt|gt|quot|#x27);)*</i>)*</span>")
_OWN_SVG = re.compile(r'<svg class="math" style="width:[0-9.]+em;height:[0-9.]+em;'
                      r'vertical-align:-?[0-9.]+em" ')


def checked_cached(html: str) -> bool:
    """Whether an entry of the formula cache (build/pdf/cache/math-<fingerprint>.json, data
    like any file) is what svg_math makes, with nothing added."""
    if html.startswith("<span"):
        return _FLAT.fullmatch(html) is not None
    m = _OWN_SVG.match(html)
    return m is not None and clean_svg("<svg " + html[m.end():]) is not None
