"""One entry's text, as a list item's first paragraph or a table cell holds it: which part
is the title, which link is the entry's own, what the rest says.

Real lists write the same thing many ways — `[Title](url) — why`, `**Title** (2015), A.
Author [[pdf]](url)`, `<u>GPT-3</u>: **"Language Models…"**. [[Paper](url)]`, `[2023/05]
Title. (Meta AI) [[paper](url)]`, `1) **Title** - why`, `StarCoder: [arXiv](url)`. Links whose
text is a label (`Paper`, `pdf`, `Code`) point at the entry's own work; a link that names
something else in the description is a mention, and never gives the entry its id.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

from markdown_it import MarkdownIt
from markdown_it.tree import SyntaxTreeNode

from .base import arxiv_from, doi_from
from .clean import clean_text
from .kinds import is_paper_link, label_kind

MD = MarkdownIt("commonmark").enable("table")

_YEAR = r"((?:19|20)\d\d)"
_TRAILING_YEAR_RE = re.compile(rf"(?:\s*\(\s*{_YEAR}\s*\)|\s*,\s*{_YEAR})\s*\.?\s*$")
_LEADING_YEAR_RE = re.compile(rf"^\s*\(\s*{_YEAR}\s*\)")
_ANY_YEAR_RE = re.compile(r"(?<![\d./])((?:19|20)\d\d)(?![\d/]|\.\d|\s*[-–]\s*\d)")
_LEADING_SEP_RE = re.compile(r"^\s*(?:[—–:,.;|。，、：；]|--?(?=\s)|-(?=\s))?\s*")
_SEPS = (" — ", " – ", " -- ", " - ")
# Before the title: a checkbox, a number, decoration (emoji, arrows), a date or venue tag.
_CHECKBOX_RE = re.compile(r"^\s*\[[ xX]\]\s+")
_NUMBER_RE = re.compile(r"^\s*\d{1,4}\s*[.)、]\s*(?=\S)")
_DECORATION_RE = re.compile(r"^(?:[^\w\s\[\]*_(<\"'`“‘「《!#$\\&~%@+-]|:[a-z_]+:)+\s*")
_DATE_TAG_RE = re.compile(rf"^\s*\[\s*{_YEAR}(?:[/.-]\d{{1,2}}){{0,2}}\s*\]\s*")
_VENUE_TAG_RE = re.compile(rf"^\s*\(\s*([^()]{{0,40}}?)\s*{_YEAR}\s*\)\s*")
_SHORT_NAME_RE = re.compile(r"^\s*<u>\s*(.+?)\s*</u>\s*[:：]?\s*")
_WIKI_RE = re.compile(r"^\[\[([^\[\]]+)\]\]$")
# A topic tag before a title that has its own colon: `NLP: Recent Trends…: A Survey…`.
_TOPIC_TAG_RE = re.compile(r"^\s*[A-Z]{2,6}:\s+(?=[^:\n]{3,}:\s)")
# `Title, https://…` / `Title，https://…` / `Title https://…`: a title, then its link.
_TRAILING_URL_RE = re.compile(r"^(.*?\S)\s*[,，]?\s+(https?://[^\s<>]+)\s*$|"
                              r"^(.*?[^\s,，])[,，]\s*(https?://[^\s<>]+)\s*$")
# `(Hu et al., 2021)`, `(Christiano et al. 2017)`, `(Shazeer 2019)`: who and when.
_AUTHOR_YEAR_RE = re.compile(rf"\s*\(\s*[^()]*?(?:et al\.?|[A-Z][a-z]+),?\s*{_YEAR}\s*\)\s*$")
_TRAILING_PAREN_RE = re.compile(r"\s*[(（][^()（）]{1,40}[)）]\s*$")
_ARXIV_AFTER_RE = re.compile(r"\s*[(\[]?\s*arxiv\s*:\s*(\d{4}\.\d{4,5})(?:v\d+)?\s*[)\]]?\s*$",
                             re.IGNORECASE)
_QUOTED_RE = re.compile(r"^[\"“'‘](.+)[\"”'’]$")
_VENUES = (r"NeurIPS|NIPS|ICLR|ICML|ACL|EMNLP|NAACL|COLING|CVPR|ICCV|ECCV|AAAI|IJCAI|KDD|"
           r"SIGIR|WWW|TACL|TMLR|JMLR|TPAMI|IJCV|Nature|Science|Interspeech|ICASSP|UAI|"
           r"AISTATS|CoRL|RSS|ICRA|IROS|MLSys|OSDI|SOSP|NSDI|COLM")
_VENUE_YEAR_RE = re.compile(rf"\b({_VENUES})(?:\s+\w+){{0,3}}\s*'?{_YEAR}\b")
_URL_TEXT_RE = re.compile(r"^(?:https?://|www\.)\S+$")
_NICK = "\x1f"  # between a quoted title and the short name before it, inside this module
_SINGLE_NAME_RE = re.compile(r"^[A-Za-z][\w.+-]*[A-Z0-9][\w.+-]*$|^[A-Z][\w.+-]+$")
_BARE_URL_RE = re.compile(r"https?://[^\s<>()\[\]]+[^\s<>()\[\].,;:。，]")


@dataclass
class Link:
    text: str
    href: str
    label: str | None  # "paper", "code", "other" for label links; None when it names a work
    images_only: bool = False


@dataclass
class Parsed:
    """What an entry's text says: its title, its own link, the rest as Markdown."""

    title: str | None = None
    rest: str = ""
    own: Link | None = None
    links: list[Link] = field(default_factory=list)  # every link, in order
    mentions: list[Link] = field(default_factory=list)  # named links in the description
    year: int | None = None
    venue: str | None = None
    aliases: list[str] = field(default_factory=list)
    arxiv: str | None = None  # written right after the title: `Title (arXiv:…)`
    images_only: bool = False
    bare_url: str | None = None  # the whole text is one URL
    unsafe: list[str] = field(default_factory=list)  # `javascript:`, `data:`… targets dropped

    @property
    def paper_links(self) -> list[str]:
        """The links that show the entry is a paper: its own named link on a paper site, or
        links labelled as the paper (`[Paper]`, `[pdf]`, `[the arXiv version]`)."""
        out = [lk.href for lk in self.links if lk.label == "paper"]
        if self.own is not None and self.own.label is None and is_paper_link(self.own.href):
            out.insert(0, self.own.href)
        if self.bare_url and is_paper_link(self.bare_url):
            out.append(self.bare_url)
        return out

    def ids(self) -> tuple[str | None, str | None]:
        """(arXiv id, DOI) from the entry's own links only."""
        own = [self.own.href] if self.own is not None else []
        links = [*own, *self.paper_links]
        arxiv = next((a for a in map(arxiv_from, links) if a), None) or self.arxiv
        doi = next((d for d in map(doi_from, links) if d), None)
        return arxiv, doi


def plain(node: SyntaxTreeNode) -> str:
    """Text as a reader sees it: no markup, no images, whitespace collapsed."""
    parts: list[str] = []
    stack = list(reversed(node.children))
    hidden = None  # inside <script>…</script> or <style>…</style>: not text
    while stack:  # iterative: nesting in hostile input must not hit a recursion limit
        child = stack.pop()
        if hidden is not None:
            if child.type == "html_inline" and re.match(rf"(?i)^</{hidden}\b",
                                                         child.content.strip()):
                hidden = None
            continue
        if child.type == "html_inline" and (m := re.match(r"(?i)^<(script|style)\b",
                                                          child.content.strip())):
            hidden = m.group(1).lower()
            continue
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif child.type == "html_inline":
            if re.match(r"(?i)^<br\s*/?>$", child.content.strip()):
                parts.append(" ")
        elif child.type != "image":
            stack.extend(reversed(child.children))
    return " ".join("".join(parts).split())


def _links(root: SyntaxTreeNode) -> list[tuple[SyntaxTreeNode, Link]]:
    out = []
    for node in root.walk():
        if node.type == "link":
            text = plain(node)
            images = not text and any(c.type == "image" for c in node.walk())
            href = str(node.attrs.get("href", ""))
            out.append((node, Link(text, href, None if text and label_kind(text) is None
                                   else (label_kind(text) or "other"), images)))
    return out


def strip_prefix(source: str) -> tuple[str, dict]:
    """The source without what goes before a title, and what that said (year, venue,
    short name)."""
    said: dict = {}
    for _ in range(4):
        before = source
        source = _CHECKBOX_RE.sub("", source, count=1)
        source = _NUMBER_RE.sub("", source, count=1)
        source = _DECORATION_RE.sub("", source, count=1)
        if m := _DATE_TAG_RE.match(source):
            said.setdefault("year", int(m.group(1)))
            source = source[m.end():]
        if (m := _VENUE_TAG_RE.match(source)) and m.group(1).strip():
            said.setdefault("year", int(m.group(2)))
            venue = re.sub(r"(?i)\b(?:preprint|paper)\b", "", m.group(1)).strip(" ,")
            if venue and venue.lower() != "arxiv":
                said.setdefault("venue", venue)
            source = source[m.end():]
        if m := _SHORT_NAME_RE.match(source):
            said.setdefault("aliases", []).append(clean_text(m.group(1)))
            source = source[m.end():]
        if m := _TOPIC_TAG_RE.match(source):
            source = source[m.end():]  # `MSA: Multimodal sentiment analysis: A review…`
        if source == before:
            break
    return source, said


def _defuse(source: str) -> tuple[str, list[str]]:
    """`[Title](javascript:…)`: markdown-it refuses such a link and would leave its syntax
    in the title. The link is replaced by its text, its target kept aside (never stored)."""
    if "](" not in source:
        return source, []
    unsafe: list[str] = []
    out, last = [], 0
    for start, end in _link_spans(source):
        span = source[start:end]
        m = re.match(r"^\[(.*)\]\(\s*(.*?)\s*\)$", span, re.DOTALL)
        if not m:
            continue
        target = html.unescape(m.group(2))
        if re.match(r"(?i)^\s*(?!https?:|mailto:)[a-z][a-z0-9+.-]*:", target):
            out.append(source[last:start] + m.group(1))
            unsafe.append(target)
            last = end
    out.append(source[last:])
    return "".join(out), unsafe


def analyze(source: str, *, table_cell: bool = False) -> Parsed:
    """Read an entry's first paragraph (or a title cell) written in Markdown."""
    source, said = strip_prefix(source)
    source, unsafe = _defuse(source)
    out = Parsed(year=said.get("year"), venue=said.get("venue"),
                 aliases=[a for a in said.get("aliases", []) if a], unsafe=unsafe)
    if "](" not in source and "\n" not in source.strip() and (
            m := _TRAILING_URL_RE.match(source.strip())):
        source, out.bare_url = m.group(1) or m.group(3), m.group(2) or m.group(4)
        source = re.sub(r"\s*(?:[—–:：,，;；]|--?)\s*$", "", source)  # `Title — https://…`
    if not source.strip():
        return out
    tokens = MD.parseInline(source)
    root = SyntaxTreeNode(tokens).children[0] if tokens else None
    if root is None:
        return out
    links = _links(root)
    out.links = [lk for _, lk in links]
    out.images_only = bool(links) and all(lk.images_only for lk in out.links) and \
        not _text_outside_links(root)
    if out.images_only or (not plain(root) and not links):
        out.images_only = out.images_only or any(c.type == "image" for c in root.walk())
        return out
    first = next((c for c in root.children if not _is_blank(c)), None)
    if first is not None and first.type == "text" and re.fullmatch(
            r"\s*[\w -]{1,20}[:：]\s*", first.content) and first.next_sibling is not None \
            and first.next_sibling.type == "link" and _named(first.next_sibling, links):
        first = first.next_sibling  # `follow-up: [KTO: …](…)`: a label, then the title
    title, rest = None, ""
    if first is not None and first.type == "strong":
        inner = [lk for node, lk in links if _inside(node, first)]
        title = plain(first)
        if inner and len(inner) == 1 and inner[0].label is None:
            out.own = inner[0]
        rest = _after_strong(source)
    elif first is not None and first.type == "link" and _named(first, links):
        link = _link_of(first, links)
        title, out.own = link.text, link
        rest = _after_link(source, root, first)
    else:
        title, rest = _text_title(source, root, links, table_cell)
        named = [c for c in root.children if c.type == "link" and _named(c, links)]
        if table_cell and len(links) == 1 and len(named) == 1 and title:
            # A title cell whose one link names the work after words about it (`撑起计算机
            # 视觉半边天的 [ResNet](…)`): the link is the entry's own, never lost; the
            # words are its description.
            link = _link_of(named[0], links)
            title, out.own, rest = link.text, link, f"{title} {rest}"
    out.title, out.rest = _tidy(title, out, table_cell), rest.strip()
    if out.aliases and (out.title is None or label_kind(out.title) is not None):
        out.title = out.aliases.pop(0)  # `<u>OpenWebText</u>: [[Source](…)]`
    if out.own is None:
        out.own = _own_label_link(out.links)
    if out.bare_url:
        pass  # `Title, https://…`: the link that closed the line
    elif out.title is None and out.own is None and (m := _BARE_URL_RE.search(source)):
        out.bare_url = m.group(0)
    elif not out.bare_url and (m := _BARE_URL_RE.fullmatch(_LEADING_SEP_RE.sub(
            "", out.rest, count=1).strip())):
        out.bare_url, out.rest = m.group(0), ""
    out.mentions = [lk for lk in out.links if lk.label is None and lk is not out.own]
    _metadata_from_rest(out)
    return out


def _is_blank(node: SyntaxTreeNode) -> bool:
    if node.type == "link" and not plain(node):
        return True  # a badge: `[![CI](…)](…)`
    return (node.type == "text" and not node.content.strip()) or node.type in (
        "softbreak", "hardbreak") or (node.type == "html_inline" and re.match(
            r"(?i)^</?(?:br|u|b|i|em|strong|span|font|sup|sub)\b[^>]*>$", node.content.strip())
            is not None) or node.type == "image"


def _text_outside_links(root: SyntaxTreeNode) -> bool:
    for child in root.children:
        if child.type == "text" and re.search(r"\w", child.content):
            return True
        if child.type in ("strong", "em", "code_inline"):
            return True
    return False


def _inside(node: SyntaxTreeNode, container: SyntaxTreeNode) -> bool:
    while node is not None:
        if node is container:
            return True
        node = node.parent
    return False


def _link_of(node: SyntaxTreeNode, links: list[tuple[SyntaxTreeNode, Link]]) -> Link:
    return next(lk for n, lk in links if n is node)


def _named(node: SyntaxTreeNode, links: list[tuple[SyntaxTreeNode, Link]]) -> bool:
    link = _link_of(node, links)
    return link.label is None and not link.images_only


def _own_label_link(links: list[Link]) -> Link | None:
    """No named link: the entry's own is its first `[Paper]`-like link, else its first
    link of any label (`[[Source]]`, `[GitHub]`)."""
    for wanted in ("paper", "code", "other"):
        for link in links:
            if link.label == wanted and not link.images_only:
                return link
    return None


def _text_title(source: str, root: SyntaxTreeNode, links: list[tuple[SyntaxTreeNode, Link]],
                table_cell: bool) -> tuple[str | None, str]:
    """An entry that does not start with a link or bold text: the title is the text before
    its first label link (`StarCoder: [arXiv](…)`), before a separator (`Title — why`),
    before two spaces in a cell (`PaperBench  OpenAI introduces…`), or its first line."""
    spans = _link_spans(source)
    first_label = next((i for i, (_, lk) in enumerate(links) if lk.label is not None), None)
    if first_label is not None and first_label < len(spans) and all(
            lk.label is not None for _, lk in links[:first_label + 1]):
        head = source[:spans[first_label][0]]
        if re.search(r"\w", head):
            return plain_text(head.rstrip(" ([:：-—–")), source[spans[first_label][0]:]
    first_line, _, more = source.partition("\n")
    if table_cell and (m := re.match(r"^(\S.{0,120}?\S)\s{2,}(\S.*)$", first_line)) and \
            len(m.group(1).split()) <= 12 and not re.search(r"[.!?]$", m.group(1)):
        return plain_text(m.group(1)), m.group(2) + ("\n" + more if more else "")
    cuts = [(first_line.find(sep), sep) for sep in _SEPS if sep in first_line]
    if cuts:
        at, sep = min(cuts)
        head, tail = first_line[:at], first_line[at + len(sep):]
        # `Title — "The Real Title"`: a quoted rest is the title, the head its short name.
        core = re.sub(r"\s*\([^()]*\)\s*$", "", tail.strip())
        if (q := _QUOTED_RE.match(core)) and len(head.split()) <= 3:
            remark = tail.strip()[len(core):]  # `(Shazeer 2019)`
            return f"{plain_text(q.group(1))}{_NICK}{plain_text(head)}", remark
        return plain_text(head), tail + ("\n" + more if more else "")
    if _URL_TEXT_RE.match(first_line.strip().strip("<>")):
        return None, more  # a bare link: no title, and the link is not a summary
    return plain_text(first_line), more


def plain_text(source: str) -> str:
    """What a reader sees of an inline Markdown text (a heading, a cell)."""
    if not re.search(r"[\\`*_\[\]<>!&]", source):
        return " ".join(source.split())  # no markup: nothing to parse
    tokens = MD.parseInline(source)
    return plain(SyntaxTreeNode(tokens).children[0]) if tokens else ""



_SIMPLE_LINKS_RE = re.compile(r"\s*(?:\[([\w .:-]*)\]\((https?://[\x21-\x7e]+?)\)\s*"
                               r"[,;/|、，]?\s*)+")
_SIMPLE_LINK_RE = re.compile(r"\[([\w .:-]*)\]\((https?://[\x21-\x7e]+?)\)")


def links_of(source: str) -> tuple[list[Link], str | None]:
    """The links of a links cell (`[Paper](…), [Tweet](…)`) and a bare URL, without reading
    a title from it."""
    if _SIMPLE_LINKS_RE.fullmatch(source):
        found = _SIMPLE_LINK_RE.findall(source)
        if not any(re.search(r"[\\&%<>(]", href) for _, href in found):
            # Plain labels and plain ASCII URLs, as most link cells are: what markdown-it
            # would make of them, without it.
            return [Link(text, href, None if text and label_kind(text) is None
                         else (label_kind(text) or "other")) for text, href in found], None
    source, _ = _defuse(source)
    if "[" not in source and "<" not in source:
        m = _BARE_URL_RE.search(source)
        return [], m.group(0) if m else None
    tokens = MD.parseInline(source)
    if not tokens:
        return [], None
    root = SyntaxTreeNode(tokens).children[0]
    found = [lk for _, lk in _links(root)]
    bare = None if found else (m.group(0) if (m := _BARE_URL_RE.search(source)) else None)
    return found, bare


def _tidy(title: str | None, out: Parsed, table_cell: bool) -> str | None:
    """A title without what lists add to it: a year, quotes, `(arXiv:…)`, an author-year or
    a remark in parentheses, wiki brackets, a trailing nickname."""
    if title is None:
        return None
    title, _, alias = title.partition(_NICK)
    if alias:
        out.aliases.append(alias.strip())
    title = title.strip()
    if m := _WIKI_RE.match(title):
        title = m.group(1)
    if m := _ARXIV_AFTER_RE.search(title):
        out.arxiv, title = m.group(1), title[:m.start()]
    if m := _TRAILING_YEAR_RE.search(title):
        out.year, title = out.year or int(m.group(1) or m.group(2)), title[:m.start()]
    if m := _AUTHOR_YEAR_RE.search(title):
        out.year, title = out.year or int(m.group(1)), title[:m.start()]
    title = title.strip().rstrip(",;:：").strip()
    if not table_cell and (m := _TRAILING_PAREN_RE.search(title)):
        # `Textbooks Are All You Need (phi-1)`, `PagedAttention (vLLM)`: a short name beside
        # the title; `LLaMA (the first one)`, `Title. (Meta AI)`: a remark.
        inner = m.group(0).strip()[1:-1].strip()
        head = title[:m.start()]
        if _SINGLE_NAME_RE.match(inner) and len(head.split()) >= 1:
            out.aliases.append(inner)
            title = head
        elif len(head.split()) <= 3 or re.search(r"[.]$", head):
            title = head
    title = title.strip().rstrip(".").strip() if not title.endswith("...") else title
    if q := _QUOTED_RE.match(title):
        title = q.group(1).strip()
    for sep in (" — ", " – "):
        head, found, tail = title.partition(sep)
        if found and len(tail.split()) <= 2 and len(head.split()) >= 3:
            out.aliases.append(tail.strip())
            title = head
    return clean_text(title)


def _metadata_from_rest(out: Parsed) -> None:
    """Year and venue from what follows the title, when that is short metadata
    (`(2015), G. Hinton et al.`, `— ICLR 2023`, `-- Wang et al., 2022`), not a description."""
    rest = out.rest
    if m := _LEADING_YEAR_RE.match(rest):
        out.year = out.year or int(m.group(1))
        rest = rest[m.end():]
    head = re.split(r"\[\[|\[!\[|!\[|\[[^\]]*\]\(", rest, maxsplit=1)[0]
    text = plain_text(head) if head.strip() and len(head.split()) <= 16 else ""
    if text and len(text.split()) <= 12:
        if m := _VENUE_YEAR_RE.search(text):
            out.venue = out.venue or m.group(1)
            out.year = out.year or int(m.group(2))
        if out.year is None and (m := _ANY_YEAR_RE.search(text)):
            out.year = int(m.group(1))
        if _ANY_YEAR_RE.search(text) and head == rest and _only_who_and_where(text):
            out.rest = ""  # nothing but who, where and when (`ICLR 2023`): no summary
    if out.arxiv is None and out.title and (m := _ARXIV_AFTER_RE.match(
            _LEADING_SEP_RE.sub("", out.rest, count=1))):
        out.arxiv = m.group(1)
    out.rest = _LEADING_SEP_RE.sub("", out.rest, count=1).strip()


_META_WORDS = frozenset({"et", "al", "and", "in", "preprint", "arxiv", "proc", "proceedings",
                         "of", "the", "on", "conference"})


def _only_who_and_where(text: str) -> bool:
    """`ICLR 2023`, `Wang et al., 2022`, `(2015), G. Hinton et al.`: names and a year, no
    description (whose words start in lower case: `residual connections (2016)`)."""
    words = re.findall(r"[^\W\d_][\w.'-]*", text)
    return len(words) <= 8 and all(w[0].isupper() or w.lower().rstrip(".") in _META_WORDS
                                   for w in words)


def _after_strong(source: str) -> str:
    m = re.match(r"^\s*(\*\*|__)(.+?)\1", source, re.DOTALL)
    return source[m.end():] if m else ""


def _after_link(source: str, root: SyntaxTreeNode, link: SyntaxTreeNode) -> str:
    """The Markdown after the chosen link. Inline tokens carry no source positions, so the
    link's span is found again by scanning the source, matched by its rank among links."""
    rank = [n for n in root.walk() if n.type == "link"].index(link)
    spans = _link_spans(source)
    if rank >= len(spans):
        return ""
    start, end = spans[rank]
    rest = source[end:]
    # `**[Title](url)** — why`: drop the emphasis that closes around the link.
    if (m := re.search(r"[*_]+$", source[:start])) and rest.startswith(m.group(0)):
        rest = rest[len(m.group(0)):]
    return rest


_CODE_RE = re.compile(r"(`+)(?!`).*?(?<!`)\1(?!`)", re.DOTALL)
_AUTOLINK_RE = re.compile(r"<[A-Za-z][A-Za-z0-9+.-]{1,31}:[^<>\s]*>")


def _link_spans(source: str) -> list[tuple[int, int]]:
    """(start, end) of each inline link `[text](dest)`, `[text][ref]` or `<url>`. Linear:
    an unmatched `[` is skipped once, never rescanned."""
    spans: list[tuple[int, int]] = []
    closers = _bracket_pairs(source)
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
        if c == "[" and source[i - 1:i] != "!" and i in closers:
            label_end = closers[i]
            nxt = source[label_end + 1:label_end + 2]
            if nxt in ("(", "[") and label_end + 1 in closers:
                end = closers[label_end + 1]
                spans.append((i, end + 1))
                i = end + 1
                continue
        i += 1
    return spans


def _bracket_pairs(source: str) -> dict[int, int]:
    """Matching `[]` and `()` pairs, by the opener's index: one pass with a stack per kind,
    so 3,000 unmatched `[` cost 3,000 steps, not 3,000²."""
    pairs: dict[int, int] = {}
    stacks: dict[str, list[int]] = {"[": [], "(": []}
    closing = {"]": "[", ")": "("}
    i = 0
    while i < len(source):
        c = source[i]
        if c == "\\":
            i += 2
            continue
        if c in stacks:
            stacks[c].append(i)
        elif c in closing and stacks[closing[c]]:
            pairs[stacks[closing[c]].pop()] = i
        i += 1
    return pairs
