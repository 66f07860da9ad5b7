"""A Markdown reading list: headings give sections, each top-level list item is one paper.

Structure comes from markdown-it (its `map` gives source lines), but block text is taken
from the source itself, so a summary's markup, TeX math and URLs reach the paper verbatim.
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.tree import SyntaxTreeNode
from mdit_py_plugins.front_matter import front_matter_plugin

from .base import RawEntry, RawList, arxiv_from, doi_from, escape_block_start

# Front matter is skipped rather than misread as a rule and a setext heading.
_md = MarkdownIt("commonmark").use(front_matter_plugin)

_LISTS = ("bullet_list", "ordered_list")
_YEAR = r"((?:19|20)\d\d)"
_TRAILING_YEAR_RE = re.compile(rf"(?:\s*\({_YEAR}\)|\s*,\s*{_YEAR})\s*\.?\s*$")
_LEADING_YEAR_RE = re.compile(rf"^\s*\({_YEAR}\)")
_LEADING_SEP_RE = re.compile(r"^\s*(?:[—–:,.;|]|-(?=\s))?\s*")
_BOLD_RE = re.compile(r"^(\*\*|__)(.+?)\1")
_SEPS = (" — ", " – ", " - ")
_ARXIV_TEXT_RE = re.compile(r"\barXiv:\s*(\d{4}\.\d{4,5})", re.IGNORECASE)
_URL_RE = re.compile(r"^(?:https?://|www\.)\S+$")
_CODE_RE = re.compile(r"(`+)(?!`).*?(?<!`)\1(?!`)", re.DOTALL)
_AUTOLINK_RE = re.compile(r"<[A-Za-z][A-Za-z0-9+.-]{1,31}:[^<>\s]*>")


def read(text: str, path: str) -> RawList:
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    out = RawList(shape="markdown")
    headings: list[tuple[int, str]] = []
    seen_item = False
    after_title = False
    for node in SyntaxTreeNode(_md.parse(text)).children:
        if node.type == "html_block" or node.type == "front_matter":
            continue  # comments between the title and its description do not separate them
        if node.type == "heading":
            level, heading = int(node.tag[1]), _plain(node.children[0])
            if level == 1 and out.title is None and not seen_item:
                out.title, after_title, headings = heading, True, []
                continue
            headings = [h for h in headings if h[0] < level] + [(level, heading)]
        elif node.type == "paragraph" and after_title and out.description is None:
            out.description = node.children[0].content
        elif node.type in _LISTS:
            seen_item = True
            section = " > ".join(h[1] for h in headings) or None
            for item in node.children:
                entry = _entry(item, lines, node.type == "ordered_list", section)
                if entry is not None:
                    out.entries.append(entry)
        after_title = False
    return out


def _entry(item: SyntaxTreeNode, lines: list[str], ordered: bool,
           section: str | None) -> RawEntry | None:
    start, end = item.map or (0, 0)
    entry = RawEntry(line=start + 1, title=None, section=section)
    if ordered and item.info.isdigit():
        entry.rank = int(item.info)
    children = list(item.children)
    first = children.pop(0) if children and children[0].type == "paragraph" else None
    if first is None:
        if not children:
            return None  # an empty bullet
        entry.hint = _dedent(lines[start:end]) or None
    else:
        inline = first.children[0]
        link = _first_link(inline)
        if link is not None and str(link.attrs.get("href", "")).startswith("#"):
            return None  # a table of contents points into the page, not at a paper
        if link is not None:
            title, rest = _plain(link), _after_link(inline.content, inline, link)
            entry.url = str(link.attrs.get("href", "")) or None
        else:
            title, rest = _split_title(inline.content)
        _fill(entry, title, rest, inline.content)
    for child in children:
        if child.type in _LISTS:
            for sub in child.children:
                s, e = sub.map or (0, 0)
                entry.blocks.append(("item", _dedent(lines[s:e])))
        elif child.type == "paragraph":
            entry.blocks.append(("paragraph", escape_block_start(child.children[0].content)))
        elif child.map:
            # Code, quotes, math: already Markdown structure, so kept as written.
            kind = "heading" if child.type == "heading" else "paragraph"
            entry.blocks.append((kind, _dedent(lines[child.map[0]:child.map[1]])))
    return entry


def _fill(entry: RawEntry, title: str, rest: str, source: str) -> None:
    """Title, year, ids and the summary block from an item's first paragraph."""
    if m := _TRAILING_YEAR_RE.search(title):
        entry.year, title = int(m.group(1) or m.group(2)), title[:m.start()]
    if m := _LEADING_YEAR_RE.match(rest):
        entry.year, rest = entry.year or int(m.group(1)), rest[m.end():]
    if entry.year is None and (m := _TRAILING_YEAR_RE.search(rest.split("\n")[0])):
        entry.year = int(m.group(1) or m.group(2))
        if not _LEADING_SEP_RE.sub("", rest[:m.start()], count=1).strip() and "\n" not in rest:
            rest = ""  # `[Title](url), 2017`: nothing but the year, so no summary
    rest = _LEADING_SEP_RE.sub("", rest, count=1).strip()
    title = title.strip().rstrip(",;").strip()
    if not title or _URL_RE.match(title):
        entry.hint = source  # a bare link names no paper; propose one from the text
    else:
        entry.title = title
    entry.arxiv = arxiv_from(entry.url) or arxiv_from(source)
    if entry.arxiv is None and (m := _ARXIV_TEXT_RE.search(source)):
        entry.arxiv = m.group(1)
    entry.doi = doi_from(entry.url) or doi_from(source)
    if rest:
        entry.blocks.append(("paragraph", escape_block_start(rest)))


def _split_title(source: str) -> tuple[str, str]:
    """(plain title, Markdown rest) of an item without a link: `**Title**: why`,
    `Title — why`, or a whole first line as the title."""
    first, _, more = source.partition("\n")
    if m := _BOLD_RE.match(first):
        head, tail = m.group(2), first[m.end():]
    else:
        cuts = [(first.find(sep), sep) for sep in _SEPS if sep in first]
        if cuts:
            at, sep = min(cuts)
            head, tail = first[:at], first[at + len(sep):]
        else:
            head, tail = first, ""
    rest = tail + ("\n" + more if more else "")
    inline = SyntaxTreeNode(_md.parseInline(head)).children[0]
    return _plain(inline), rest


def _after_link(source: str, inline: SyntaxTreeNode, link: SyntaxTreeNode) -> str:
    """The Markdown after the chosen link. Inline tokens carry no source positions, so the
    link's span is found again by scanning the source, matched by its rank among links."""
    rank = [n for n in inline.walk() if n.type == "link"].index(link)
    spans = _link_spans(source)
    if rank >= len(spans):
        return ""
    start, end = spans[rank]
    rest = source[end:]
    # `**[Title](url)** — why`: drop the emphasis that closes around the link.
    if (m := re.search(r"[*_]+$", source[:start])) and rest.startswith(m.group(0)):
        rest = rest[len(m.group(0)):]
    return rest


def _link_spans(source: str) -> list[tuple[int, int]]:
    """(start, end) of each inline link `[text](dest)`, `[text][ref]` or `<url>`."""
    spans: list[tuple[int, int]] = []
    i = 0
    while i < len(source):
        c = source[i]
        if c == "\\":
            i += 2
            continue
        if c == "`" and (m := _CODE_RE.match(source, i)):
            i = m.end()  # brackets in code are not links
            continue
        if c == "<" and (m := _AUTOLINK_RE.match(source, i)):
            spans.append((i, m.end()))
            i = m.end()
            continue
        if c == "[" and source[i - 1:i] != "!":
            label_end = _closing(source, i, "[", "]")
            nxt = source[label_end + 1:label_end + 2] if label_end >= 0 else ""
            if nxt in ("(", "["):
                end = _closing(source, label_end + 1, nxt, ")" if nxt == "(" else "]")
                if end >= 0:
                    spans.append((i, end + 1))
                    i = end + 1
                    continue
        i += 1
    return spans


def _closing(source: str, start: int, opener: str, closer: str) -> int:
    depth, i = 0, start
    while i < len(source):
        c = source[i]
        if c == "\\":
            i += 2
            continue
        depth += (c == opener) - (c == closer)
        if depth == 0:
            return i
        i += 1
    return -1


def _first_link(inline: SyntaxTreeNode) -> SyntaxTreeNode | None:
    """The first link with words in it: a badge (`[![img](…)](…)`) names no paper."""
    links = [n for n in inline.walk() if n.type == "link"]
    named = [n for n in links if _plain(n)]
    return named[0] if named else (links[0] if links else None)


def _plain(node: SyntaxTreeNode) -> str:
    """Text as a reader sees it: no markup, no images, whitespace collapsed."""
    parts: list[str] = []
    for child in node.children:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif child.type != "image":
            parts.append(_plain(child))
    return " ".join("".join(parts).split())


def _dedent(lines: list[str]) -> str:
    """Source lines shifted left by the first line's indent, so a nested item stays an item."""
    lines = "\n".join(line.rstrip() for line in lines).rstrip("\n").split("\n")
    indent = len(lines[0]) - len(lines[0].lstrip())
    return "\n".join(line[min(indent, len(line) - len(line.lstrip())):] for line in lines)
