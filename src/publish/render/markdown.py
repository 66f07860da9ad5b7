"""One Markdown block to safe HTML.

Content is data: raw HTML in a paper is escaped, never passed through (`html=False`), links
keep only http(s) and mailto targets, a remote image (any scheme, or `//host`) becomes its
alt text (no page or booklet makes an external request), and local images are left to the
renderer's URL fetcher, which refuses anything outside the project's templates and assets.
Math between `$…$`, `$$…$$`, `\\(…\\)` and `\\[…\\]` goes to a pluggable renderer (SVG for
the PDF, MathML for a web page); a formula it cannot render is shown as its TeX in
`<code class="tex">`, never dropped.

Bodies are rendered block by block (`publish.model.Block.text`), not as whole files, because
translation markers are HTML comments that `html=False` would otherwise print as text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from html import escape
from typing import TYPE_CHECKING

from ..sanitise import remote_url
from .math import MathRenderer, svg_math

if TYPE_CHECKING:
    from markdown_it.rules_core import StateCore
    from markdown_it.rules_inline import StateInline
    from markdown_it.token import Token

# markdown-it and its plugins (~40 ms to import) load with the first MarkdownRenderer: a site
# rebuild whose blocks all come from its cache or the plain fast path never needs them.

_SAFE_LINK = re.compile(r"^(https?:|mailto:)", re.IGNORECASE)
_MATH_TOKENS = {
    # token type -> shown as display math
    "math_inline": False,
    "math_inline_double": False,  # `$$…$$` inside a sentence stays in the sentence
    "math_inline_display": True,
    "math_block": True,
    "math_block_label": True,
    "math_block_eqno": True,
}
_HAN = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3040-\u30ff"
_LATIN = r"A-Za-z0-9\u00c0-\u024f"
_HAN_THEN_LATIN = re.compile(rf"([{_HAN}])([{_LATIN}])")
_LATIN_THEN_HAN = re.compile(rf"([{_LATIN}%])([{_HAN}])")
THIN_SPACE = "\u2009"


def cjk_latin_space(text: str, space: str = THIN_SPACE) -> str:
    """A thin space (or `space`) between Han characters and Latin letters or digits that touch.

    WeasyPrint has no `text-autospace`, so the gap Chinese typesetting puts between scripts
    is inserted into the text. U+2009 allows a line break only after it, so it never starts
    a line; text that already has a space is left alone. The booklet asks for an ordinary
    space, the one character its justified lines can stretch.
    """
    return _LATIN_THEN_HAN.sub(rf"\1{space}\2", _HAN_THEN_LATIN.sub(rf"\1{space}\2", text))


# A block that is one line of plain text, alone or as one bullet item: no character that
# starts inline syntax (emphasis, code, links, math, escapes, entities, raw HTML, tables,
# strikethrough) and no line start that makes another block. Such a block renders to escaped
# text in <p> or <ul><li>, exactly as markdown-it renders it (tests/test_site_cache.py checks
# every block of content/ both ways); anything else goes to markdown-it.
_PLAIN = re.compile(r"[^\x00-\x1f\x7f*_`~$\\\[\]<>&|\u0085\u00a0\u1680\u2000-\u200a"
                    r"\u2028\u2029\u202f\u205f\u3000\ufeff]+")
_BLOCK_START = re.compile(r"[-+*#>=|`~0-9\s]")


def plain_block(text: str, lang: str = "en") -> str | None:
    """What `MarkdownRenderer.render` gives for a block of plain text, or None when the
    block is not that simple (then render it with markdown-it)."""
    if text.startswith("- "):
        inner, before, after = text[2:], "<ul>\n<li>", "</li>\n</ul>\n"
    else:
        inner, before, after = text, "<p>", "</p>\n"
    if not inner or _BLOCK_START.match(inner) or inner[-1] == " " or not _PLAIN.fullmatch(inner):
        return None
    if lang.startswith("zh"):
        inner = cjk_latin_space(inner)
    return before + inner.replace('"', "&quot;") + after


def _display_bracket_math(state: StateInline, silent: bool) -> bool:
    """`\\[…\\]` inside a paragraph or list item: texmath only knows it at a block start."""
    if not state.src.startswith("\\[", state.pos):
        return False
    end = state.src.find("\\]", state.pos + 2)
    if end == -1 or end == state.pos + 2:
        return False
    if not silent:
        token = state.push("math_inline_display", "math", 0)
        token.content = state.src[state.pos + 2 : end]
        token.markup = "\\["
    state.pos = end + 2
    return True


class MarkdownRenderer:
    """Renders blocks; one instance per math renderer and language convention.

    `list_counters`: an ordered list that does not start at 1 also gets an inline
    `counter-reset`, for WeasyPrint, which ignores `<ol start>`. Every list item is a block
    of its own (`publish.blocks`), so without it the PDF numbers every item 1. Browsers honour
    `start`, and the site's Content-Security-Policy forbids inline styles: off for the site.
    """

    def __init__(self, math: MathRenderer = svg_math, list_counters: bool = False,
                 cjk_space: str = THIN_SPACE) -> None:
        from markdown_it import MarkdownIt
        from mdit_py_plugins.dollarmath import dollarmath_plugin
        from mdit_py_plugins.texmath import texmath_plugin

        self.math = math
        self.list_counters = list_counters
        self.cjk_space = cjk_space
        md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
        md.enable(["table", "strikethrough"])
        md.use(texmath_plugin, delimiters="brackets")
        md.use(dollarmath_plugin, allow_space=False, allow_digits=True, double_inline=True)
        md.inline.ruler.before("escape", "math_inline_display", _display_bracket_math)
        def render_math(_renderer: object, tokens: Sequence[Token], idx: int,
                        _options: object, _env: object) -> str:
            return self._render_math(tokens[idx])

        for name in _MATH_TOKENS:
            md.add_render_rule(name, render_math)
        md.core.ruler.push("publish_safety", self._rewrite)
        self._md = md

    def render(self, text: str, lang: str = "en") -> str:
        """HTML for one block. `lang` is the block's language (`zh…` gets CJK spacing)."""
        return self._md.render(text, {"lang": lang})

    def inline(self, text: str, lang: str = "en") -> str:
        """HTML for a short text such as a title: inline Markdown, no paragraph."""
        return self._md.renderInline(text, {"lang": lang})

    # -----------------------------------------------------------------------------------

    def _render_math(self, tok: Token) -> str:
        display = _MATH_TOKENS.get(tok.type, False)
        try:
            html = self.math(tok.content.strip(), display)
        except Exception:  # a renderer bug must not lose the formula
            html = None
        if html is None:
            code = f'<code class="tex">{escape(tok.content.strip())}</code>'
            return f'<div class="math-display">{code}</div>\n' if (
                display and tok.block) else code
        if display:
            tag = "div" if tok.block else "span"
            return f'<{tag} class="math-display">{html}</{tag}>' + ("\n" if tok.block else "")
        return html

    def _rewrite(self, state: StateCore) -> None:
        cjk = str(state.env.get("lang", "")).startswith("zh")
        for tok in state.tokens:
            if tok.type in ("heading_open", "heading_close"):
                # A paper's own headings sit below the booklet's chapter and paper titles.
                tok.tag = f"h{min(6, int(tok.tag[1]) + 3)}"
            if tok.type == "ordered_list_open" and self.list_counters:
                start = tok.attrGet("start")
                if start is not None:  # CommonMark: at most 9 digits, so always an int
                    tok.attrSet("style", f"counter-reset: list-item {int(start) - 1}")
            if tok.type != "inline" or not tok.children:
                continue
            link_stack: list[bool] = []
            for child in tok.children:
                if child.type == "link_open":
                    safe = bool(_SAFE_LINK.match(str(child.attrGet("href") or "")))
                    link_stack.append(safe)
                    if not safe:
                        child.tag, child.attrs = "span", {}
                elif child.type == "link_close":
                    if link_stack and not link_stack.pop():
                        child.tag = "span"
                elif child.type == "image" and remote_url(str(child.attrGet("src") or "")):
                    # no external requests: a remote image is its alt text
                    child.type, child.tag, child.attrs = "text", "", {}
                    child.content = "".join(c.content for c in child.children or ())
                    child.children = None
                    if cjk:
                        child.content = cjk_latin_space(child.content, self.cjk_space)
                elif child.type == "text" and cjk:
                    child.content = cjk_latin_space(child.content, self.cjk_space)
