"""A Markdown reading list: headings give sections; list items, table rows (GFM or HTML,
several tables per file, tables inside `<details>`), showcase paragraphs (`🔥 **Title**`
and a line of links) and Chinese `标题：/地址：` records are entries.

Structure comes from markdown-it (its `map` gives source lines), but block text is taken
from the source itself, so a summary's markup, TeX math and URLs reach the paper verbatim.
Every entry is then classified (`kinds`): papers are kept, the rest reported with a reason.
"""

from __future__ import annotations

import importlib
import re

from markdown_it import MarkdownIt
from markdown_it.tree import SyntaxTreeNode
from mdit_py_plugins.front_matter import front_matter_plugin

from . import prose
from .base import RawEntry, RawList, arxiv_from, doi_from, escape_block_start, skip
from .clean import clean_text, safe_url
from .columns import ColumnMap
from .inline import analyze, plain_text
from .kinds import (
    Evidence,
    classify,
    contents_neighbours,
    is_paper_link,
    label_kind,
    looks_like_title,
)
from .tables import gfm_table, html_tables, read_table

# Front matter is skipped rather than misread as a rule and a setext heading. Nesting is
# capped (and indentation clamped, below) so hostile input costs linear time, no recursion.
# Only the block structure is parsed here: each entry's inline text is parsed once, when it
# is read (`inline.analyze`), not a second time for the whole document.
_md = MarkdownIt("commonmark", {"maxNesting": 200}).enable("table").use(
    front_matter_plugin).disable("inline")
_LISTS = ("bullet_list", "ordered_list")
_PIPE_RE = re.compile(r"(?<!\\)\|")


def _split_cells(row: str) -> list[str]:
    """markdown-it's `escapedSplit`, with the same result (a pipe after a backslash is
    kept, without the backslash), in C: its loop of a Python step per character was a third
    of reading a 1 MB table list (tests/test_import_tables.py compares the two)."""
    return [part.replace("\\|", "|") for part in _PIPE_RE.split(row)]


# (`markdown_it.rules_block.table` is the rule function: the module is reached by name.)
_table_rule = importlib.import_module("markdown_it.rules_block.table")
if callable(getattr(_table_rule, "escapedSplit", None)):
    _table_rule.escapedSplit = _split_cells
_MAX_INDENT = 64
_MD_LINK_RE = re.compile(r"\[([^\[\]]*)\]\(([^()\s]+)\)|href=[\"']([^\"']+)[\"']")
# A description, not a title: a long sentence (`GoogleAI introduces Muse, a new…`).
_SENTENCE_RE = re.compile(r"[.!?。！？:：][\"”’')]*\s*$")
_DATE_LINE_RE = re.compile(r"((?:19|20)\d\d)\s*[年/.-]\s*(\d{1,2})\s*[月/.-]\s*(\d{1,2})\s*日?")
_LINE_URL_RE = re.compile(r"\S\s*[,，]?\s+https?://\S+\s*$|[,，]\s*https?://\S+\s*$")
# `[翻译: 会思考的大模型…](…)`: the title in the list's language, under the published one.
_TRANSLATED_RE = re.compile(r"^\s*\[?\s*(?:翻译|译文|译名|中文标题|中文名|中文)\s*[:：]\s*(.+?)\s*"
                            r"(?:\]\([^)]*\))?\s*$")
_ATTRIBUTE_RE = re.compile(r"(?i)^\s*(?:code|demo|project|github|video|slides|blog|tweet|"
                           r"website|homepage|data|dataset|model|weights)\s*[:：]")


def read(text: str, path: str, columns: ColumnMap | None = None) -> RawList:
    text = "\n".join(_clamp(line) for line in text.split("\n"))
    walker = _Walker(text.split("\n"), path, columns or ColumnMap())
    walker.blocks(SyntaxTreeNode(_md.parse(text)).children, top=True)
    walker.close()
    return walker.out


def _clamp(line: str) -> str:
    indent = len(line) - len(line.lstrip(" \t"))
    return line if indent <= _MAX_INDENT else " " * _MAX_INDENT + line.lstrip(" \t")


class _Walker:
    """Walks the block tree once, in source order, keeping the heading path and the open
    record or showcase that later blocks may complete."""

    def __init__(self, lines: list[str], path: str, columns: ColumnMap) -> None:
        self.lines, self.path, self.columns = lines, path, columns
        self.out = RawList(shape="markdown")
        self.headings: list[tuple[int, str]] = []
        self.found: list[tuple[RawEntry, Evidence]] = []
        self.heading_line: int | None = None  # a heading no entry has used yet
        self.record: prose.Record | None = None
        self.record_entry: RawEntry | None = None
        self.showcase: tuple[RawEntry, Evidence] | None = None
        self.after_title = False
        self.last_item_line: int | None = None  # a one-item list that links may follow
        self.day: str | None = None  # a digest's date line above the entries

    @property
    def section(self) -> str | None:
        return " > ".join(h[1] for h in self.headings) or None

    def add(self, entry: RawEntry, ev: Evidence) -> None:
        entry.added = entry.added or self.day
        self.found.append((entry, ev))

    # -- blocks --------------------------------------------------------------------------

    def blocks(self, nodes: list[SyntaxTreeNode], top: bool = False) -> None:
        for node in nodes:
            kind = node.type
            if kind == "front_matter":
                continue
            if kind == "html_block":
                self.html(node)
                continue  # comments between the title and its description do not separate
            if kind == "heading":
                self.heading(node)
            elif kind == "paragraph":
                self.paragraph(node)
            elif kind in _LISTS:
                self.list_(node)
            elif kind == "table":
                self.end_open()
                self.out.saw("table")
                table = gfm_table(node)
                self.out.saw("table row", len(table.rows))
                for entry, ev in read_table(table, self.section, self.columns, self.out,
                                            self.path):
                    self.add(entry, ev)
            elif kind == "blockquote":
                self.blocks(node.children)
            elif kind == "hr":
                self.end_open()
            if top and kind != "heading":
                self.after_title = False

    def heading(self, node: SyntaxTreeNode) -> None:
        self.end_open()
        level = int(node.tag[1])
        text = plain_text(node.children[0].content) if node.children else ""
        if level == 1 and self.out.title is None and not self.found:
            self.out.title, self.after_title, self.headings = clean_text(text), True, []
            return
        self.headings = [h for h in self.headings if h[0] < level] + [(level, text)]
        self.heading_line = (node.map or (0, 0))[0] + 1
        self.day = None
        self.after_title = False

    def html(self, node: SyntaxTreeNode) -> None:
        content = node.content
        if re.search(r"(?i)<table\b", content):
            self.end_open()
            for table in html_tables(content, (node.map or (0, 0))[0] + 1):
                self.out.saw("html table")
                self.out.saw("table row", len(table.rows))
                for entry, ev in read_table(table, self.section, self.columns, self.out,
                                            self.path):
                    self.add(entry, ev)
            return
        if self.showcase is not None:
            # The links of a showcase often sit in HTML under its title.
            for m in _MD_LINK_RE.finditer(content):
                self._showcase_link(m.group(1) or "", m.group(2) or m.group(3))

    def paragraph(self, node: SyntaxTreeNode) -> None:
        inline = node.children[0]
        source = inline.content
        start = (node.map or (0, 0))[0]
        self.out.saw("paragraph")
        if m := _DATE_LINE_RE.fullmatch(source.strip()):
            # `2024年10月09日`: the day the entries below were listed (a digest's days).
            self.day = f"{m.group(1)}-{int(m.group(2)):02d}-{int(m.group(3)):02d}"
            return
        if self.after_title and self.out.description is None:
            self.out.description = source
            self.after_title = False
            return
        if self.prose_lines(source, start):
            return
        if self.title_and_link_lines(source, start):
            return
        first = source.split("\n")[0]
        if m := re.match(r"^(?:[^\w\s*_\[<]+\s*)*(\*\*|__)([^\[\]]+?)\1\s*$", first):
            title = clean_text(re.sub(r"[*_]", "", m.group(2)))
            if title and len(title.split()) >= 3:
                self.end_open()
                self.open_showcase(title, source, start)
                return
        if self.showcase is not None:
            for link in _MD_LINK_RE.finditer(source):
                self._showcase_link(link.group(1) or "", link.group(2) or link.group(3))
            if not self.showcase[0].blocks and not _MD_LINK_RE.search(source):
                self.showcase[0].blocks.append(("paragraph", escape_block_start(source)))
            return
        if self.record is not None and not re.search(r"[\[\]]", source):
            self.record.summary.append(source)

    def title_and_link_lines(self, source: str, start: int) -> bool:
        """`Title，https://arxiv.org/…` lines, one paper each: notes kept as plain lines."""
        lines = [(i, line.strip()) for i, line in enumerate(source.split("\n"))
                 if line.strip()]
        parsed = [(i, analyze(line)) for i, line in lines if _LINE_URL_RE.search(line)]
        if not lines or len(parsed) < len(lines) or not all(
                p.bare_url and p.title and looks_like_title(p.title) for _, p in parsed):
            return False
        for i, p in parsed:
            self.out.saw("title and link line")
            self.add(*self.entry_from(p, start + i + 1, lines[[j for j, _ in lines].index(i)][1]))
        return True

    # -- prose records and enumerations ---------------------------------------------------

    def prose_lines(self, source: str, start: int) -> bool:
        """`标题：…`/`地址：…` lines and `1、…` enumerations; True when they were all."""
        lines = source.split("\n")
        kvs = [prose.key_value(line) for line in lines]
        enums = [prose.ENUM_RE.match(line) for line in lines]
        if any(enums) and all(e or not line.strip() for e, line in zip(enums, lines,
                                                                            strict=True)):
            self.end_open()
            for i, (m, line) in enumerate(zip(enums, lines, strict=True)):
                if m:
                    self.out.saw("enumerated line")
                    self.enumerated(line[m.end():], start + i + 1)
            return True
        if not any(kvs):
            return False
        for i, (kv, line) in enumerate(zip(kvs, lines, strict=True)):
            if kv is not None:
                self.key_value(kv, start + i + 1)
            elif self.record is not None and line.strip():
                self.record.summary.append(line.strip())
        return True

    def key_value(self, kv: prose.KeyValue, line: int) -> None:
        self.out.saw("key-value line")
        rec = self.record
        if rec is None or (kv.key == "title" and rec.title is not None) or (
                kv.key == "url" and rec.url is not None and rec.title is not None):
            self.end_open()
            use_heading = self.heading_line is not None
            heading = self.headings[-1][1] if use_heading and self.headings else None
            rec = self.record = prose.Record(
                line=self.heading_line if use_heading else line, heading=heading)
            self.heading_line = None
        rec.add(kv)

    def enumerated(self, text: str, line: int) -> None:
        parsed = analyze(text)
        name = prose.split_name(text) if prose.CJK_RE.search(text) and not parsed.links \
            else None
        m = re.match(r"^\s*\[([^\]]*)\]\([^)]*\)\s*", text)
        if m and label_kind(m.group(1)) is not None and text[m.end():].strip():
            # `[论文地址：URL](URL) BlitzNet 实时场景理解`: the name follows the link.
            name = prose.split_name(text[m.end():])
        entry, ev = self.entry_from(parsed, line, text)
        if name is not None:
            self.apply_name(entry, ev, name)
        self.add(entry, ev)

    def apply_name(self, entry: RawEntry, ev: Evidence, name: prose.Name) -> None:
        entry.title = name.title
        if name.local and prose.CJK_RE.search(name.local) and name.title and \
                not prose.CJK_RE.search(name.title):
            entry.blocks.insert(0, ("paragraph", escape_block_start(name.local)))
        entry.venue = entry.venue or name.venue
        entry.year = entry.year or name.year
        if name.url:
            ev.own = ev.own or name.url
            entry.url = entry.url or safe_url(name.url)
            entry.arxiv = entry.arxiv or arxiv_from(name.url)
            entry.doi = entry.doi or doi_from(name.url)
            if is_paper_link(name.url):
                ev.paper_links.append(name.url)
        if name.book:
            skip(entry, "book", "a book (《…》)")
            ev.work_type = "book"

    # -- showcase paragraphs ----------------------------------------------------------------

    def open_showcase(self, title: str, source: str, start: int) -> None:
        entry = RawEntry(line=start + 1, title=title, section=self.section)
        ev = Evidence(section=self.section)
        self.showcase = (entry, ev)
        self.out.saw("showcase paragraph")
        for m in _MD_LINK_RE.finditer(source.split("\n", 1)[1] if "\n" in source else ""):
            self._showcase_link(m.group(1) or "", m.group(2) or m.group(3))

    def _showcase_link(self, text: str, href: str) -> None:
        assert self.showcase is not None
        entry, ev = self.showcase
        label = label_kind(re.sub(r"[*_]", "", text))
        if label == "paper" or (label is None and is_paper_link(href)):
            ev.paper_links.append(href)
            entry.arxiv = entry.arxiv or arxiv_from(href)
            entry.doi = entry.doi or doi_from(href)
            entry.url = entry.url or safe_url(href)
            ev.own = ev.own or href

    # -- lists --------------------------------------------------------------------------------

    def list_(self, node: SyntaxTreeNode) -> None:
        items = list(node.children)
        firsts = [self._first_text(item) for item in items]
        kvs = [prose.key_value(f) if f is not None else None for f in firsts]
        last = self.found[-1] if self.found else None
        if last is not None and last[0].line == self.last_item_line and items and all(
                (kv is not None and kv.key in ("url", "code")) or (
                    f is not None and re.fullmatch(r"\s*https?://\S+\s*", f))
                for kv, f in zip(kvs, firsts, strict=True)):
            # `1. GoogleAI introduces Muse…` then `- Paper: https://…` one level too shallow
            # to nest: the links belong to the item above.
            for kv, f in zip(kvs, firsts, strict=True):
                url = kv.url if kv is not None else (f or "").strip()
                if kv is None or kv.key == "url":
                    self._attribute(last[0], last[1], prose.KeyValue("url", url or "", url))
            return
        self.last_item_line = None
        if items and all(kvs):
            for kv, item in zip(kvs, items, strict=True):
                assert kv is not None
                self.key_value(kv, (item.map or (0, 0))[0] + 1)
            return
        self.end_open()
        self.heading_line = None
        section = self.section
        for item in items:
            self.out.saw("list item")
            for entry, ev in self.item(item, node.type == "ordered_list", section):
                self.add(entry, ev)
        if len(items) == 1 and self.found:
            self.last_item_line = self.found[-1][0].line

    @staticmethod
    def _first_text(item: SyntaxTreeNode) -> str | None:
        if item.children and item.children[0].type == "paragraph":
            return item.children[0].children[0].content.split("\n")[0]
        return None

    def item(self, item: SyntaxTreeNode, ordered: bool, section: str | None,
             depth: int = 0) -> list[tuple[RawEntry, Evidence]]:
        start, end = item.map or (0, 0)
        children = list(item.children)
        first = children.pop(0) if children and children[0].type == "paragraph" else None
        if first is None:
            text = _dedent(self.lines[start:end]).lstrip("-*+ ")
            entry = RawEntry(line=start + 1, title=clean_text(text.split("\n")[0]) or None,
                             section=section)
            return [(entry, Evidence(section=section))]
        source = first.children[0].content
        parsed = analyze(source)
        entry, ev = self.entry_from(parsed, start + 1, source, section)
        if ordered and item.info.isdigit() and not (
                item.info == "1" and all(c.info == "1" for c in item.parent.children)):
            entry.rank = int(item.info)
        if entry.title and (prose.CJK_RE.search(entry.title) or entry.title.endswith("：")):
            self.apply_name(entry, ev, prose.split_name(parsed.title or ""))
            if not entry.url and re.search(r"https?://\S+$", source):
                self.apply_name(entry, ev, prose.split_name(source))
        found = [(entry, ev)]
        if not parsed.links and entry.title and " / " in entry.title:
            # `DDPM / DDIM`: two short names on one line are two papers.
            names = [n.strip() for n in entry.title.split(" / ")]
            if all(1 <= len(n.split()) <= 3 for n in names):
                entry.title = names[0]
                for name in names[1:]:
                    found.append((RawEntry(line=entry.line, title=name, section=section),
                                  Evidence(section=section)))
        for child in children:
            if child.type in _LISTS:
                for sub in child.children:
                    found += self.sub_item(sub, entry, ev, section, depth)
            elif child.type == "paragraph":
                entry.blocks.append(("paragraph",
                                     escape_block_start(child.children[0].content)))
            elif child.map:
                kind = "heading" if child.type == "heading" else "paragraph"
                entry.blocks.append((kind, _dedent(self.lines[child.map[0]:child.map[1]])))
        return found

    def sub_item(self, sub: SyntaxTreeNode, parent: RawEntry, ev: Evidence,
                 section: str | None, depth: int) -> list[tuple[RawEntry, Evidence]]:
        """A nested item: the parent's attribute (`标题：…`, `Paper: URL`, `code: URL`), a
        work of its own (`follow-up: [KTO: …](arxiv)`), or text about the parent."""
        first = self._first_text(sub)
        s, e = sub.map or (0, 0)
        if first is not None and (m := _TRANSLATED_RE.match(first)):
            parent.local_title = parent.local_title or clean_text(m.group(1))
            return []
        if first is not None and (kv := prose.key_value(first)) is not None:
            if kv.key == "title" and parent.title is not None and not parent.title.endswith(
                    "：") and (parent.title == kv.value or len(parent.title.split()) <= 2):
                parent.aliases = [*parent.aliases, parent.title]
                parent.title = None
            self._attribute(parent, ev, kv)
            return []
        if first is not None and _ATTRIBUTE_RE.match(first):
            return []  # `code: https://…` says where the code is, nothing more
        if first is not None:
            sub_parsed = analyze(sub.children[0].children[0].content)
            own = sub_parsed.own
            named = [lk for lk in sub_parsed.links if lk.label is None]
            if depth < 3 and ((own is not None and own.href.startswith("#")) or (
                    named and is_paper_link(named[0].href))):
                # A work of its own (`follow-up: [KTO: …](arxiv)`), or a nested contents line.
                return self.item(sub, False, section, depth + 1)
            if sub_parsed.title is None and sub_parsed.bare_url and not parent.url and \
                    not ev.paper_links:
                self._attribute(parent, ev, prose.KeyValue("url", sub_parsed.bare_url,
                                                           sub_parsed.bare_url))
                return []
        parent.blocks.append(("item", _dedent(self.lines[s:e])))
        return []

    def _attribute(self, entry: RawEntry, ev: Evidence, kv: prose.KeyValue) -> None:
        if kv.key == "title" and entry.title is None:
            entry.title = clean_text(kv.value)
        elif kv.key == "url" and kv.url:
            ev.own = ev.own or kv.url
            if is_paper_link(kv.url):
                ev.paper_links.append(kv.url)
            entry.url = entry.url or safe_url(kv.url)
            entry.arxiv = entry.arxiv or arxiv_from(kv.url)
            entry.doi = entry.doi or doi_from(kv.url)
        elif kv.key == "summary":
            entry.blocks.append(("paragraph", escape_block_start(kv.value)))

    def entry_from(self, parsed, line: int, source: str,
                   section: str | None = None) -> tuple[RawEntry, Evidence]:
        section = section if section is not None else self.section
        entry = RawEntry(line=line, title=parsed.title, section=section, year=parsed.year,
                         venue=parsed.venue, aliases=[a for a in parsed.aliases if a])
        entry.arxiv, entry.doi = parsed.ids()
        own = parsed.own.href if parsed.own is not None else (
            parsed.bare_url or (parsed.unsafe[0] if parsed.unsafe else None))
        entry.url = safe_url(own) or next(filter(None, map(safe_url, parsed.paper_links)),
                                          None)
        if own and not safe_url(own) and re.match(r"(?i)^[a-z][a-z0-9+.-]*:", own):
            entry.warnings.append(f"link dropped: {own[:40]!r} is not an http(s) URL")
        first_line = source.split("\n")[0]
        if entry.title and parsed.own is None and not parsed.links and \
                _SENTENCE_RE.search(first_line) and len(first_line.split()) >= 10:
            entry.title, entry.hint = None, clean_text(source)
        elif entry.title is None:
            entry.hint = clean_text(source)
        if parsed.rest:
            entry.blocks.append(("paragraph", escape_block_start(parsed.rest)))
        ev = Evidence(own=own, paper_links=list(parsed.paper_links), section=section,
                      images_only=parsed.images_only)
        return entry, ev

    # -- closing ------------------------------------------------------------------------

    def end_open(self) -> None:
        """Close the open record or showcase: it becomes an entry."""
        if self.showcase is not None:
            self.add(*self.showcase)
            self.showcase = None
        rec, self.record = self.record, None
        if rec is None:
            return
        entry = RawEntry(line=rec.line, title=rec.title, section=self.section)
        ev = Evidence(section=self.section)
        if rec.heading:
            local, year = prose.heading_title(rec.heading)
            entry.year = year
            if local and rec.title is None and not prose.CJK_RE.search(local):
                entry.title = local
            elif local and local != rec.title:
                entry.local_title = local
        if rec.url:
            self._attribute(entry, ev, prose.KeyValue("url", rec.url, rec.url))
        for text in rec.summary:
            entry.blocks.append(("paragraph", escape_block_start(text)))
        if entry.title is None:
            entry.hint = entry.local_title or (rec.summary[0] if rec.summary else None)
        self.add(entry, ev)

    def close(self) -> None:
        self.end_open()
        for entry, ev in self.found:
            if entry.kind == "paper" and ev.work_type is None:
                classify(entry, ev)
        contents_neighbours(self.found)
        self.out.entries.extend(entry for entry, _ in self.found)
        self.out.entries.sort(key=lambda e: e.line)


def _dedent(lines: list[str]) -> str:
    """Source lines shifted left by the first line's indent, so a nested item stays an item."""
    lines = "\n".join(line.rstrip() for line in lines).rstrip("\n").split("\n")
    indent = len(lines[0]) - len(lines[0].lstrip())
    return "\n".join(line[min(indent, len(line) - len(line.lstrip())):] for line in lines)
