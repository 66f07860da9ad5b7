"""Column headers of spreadsheets and tables, and what each column is for.

One table of spellings serves CSV files (Zotero's export included) and Markdown tables in
English and Chinese; `--column FIELD=HEADER` maps what it does not know. A column that no
role reads is named in the report, so nothing a source gives is dropped silently.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..errors import PublishError

# What a column can be read as: the paper's fields, the entry's place in the list, text
# about the paper, and columns whose links say what the row is (code, a name).
ROLES = ("title", "paper", "name", "url", "authors", "year", "venue", "arxiv", "doi",
         "citations", "summary", "rank", "section", "added", "type", "aliases", "extra",
         "code", "video")
# Spellings (lower case, punctuation and emoji removed) of each role's headers.
SPELLINGS: dict[str, tuple[str, ...]] = {
    "title": ("title", "paper title", "paper name", "article title", "name of paper",
              "标题", "题目", "论文标题", "论文题目", "论文名称", "论文名", "论文"),
    "paper": ("paper", "papers"),
    "name": ("name", "名字", "名称", "模型", "model", "method", "方法"),
    "url": ("url", "link", "links", "paperurl", "paper url", "paper link", "pdf", "page",
            "arxiv link", "website", "resources", "resource", "链接", "论文链接", "地址",
            "论文地址", "资源"),
    "authors": ("author", "authors", "first author", "作者"),
    "year": ("year", "publication year", "date", "published", "time", "年份", "年",
             "时间", "日期", "发表时间"),
    "venue": ("venue", "journal", "conference", "publication", "publication title",
              "booktitle", "会议", "期刊", "出处", "会议期刊"),
    "arxiv": ("arxiv", "arxiv id", "archive id", "eprint"),
    "doi": ("doi",),
    "citations": ("citations", "citation", "cited by", "no citations", "citation count",
                  "citation number", "引用", "引用数", "被引", "引用量"),
    "summary": ("summary", "description", "abstract", "abstract note", "tldr",
                "简介", "摘要", "描述", "说明", "介绍", "备注", "推荐理由", "点评", "评价"),
    "rank": ("rank", "no", "number", "序号", "排名"),
    "section": ("section",),
    "added": ("added",),
    "type": ("type", "item type", "entry type", "类型"),
    "aliases": ("short title", "short name", "alias", "aliases", "nickname", "简称"),
    "extra": ("extra",),
    "code": ("code", "github", "repo", "repository", "checkpoint", "代码", "源码"),
    "video": ("video", "videos", "talk", "talks", "recording", "视频", "录像", "讲解视频"),
}
# Roles read from every column that has them (text), not only the first.
MANY = frozenset({"summary", "code", "url"})
_BY_SPELLING = {s: role for role, spellings in SPELLINGS.items() for s in spellings}
_NORMALISE_RE = re.compile(r"[^\w\u4e00-\u9fff]+")


def normalise(header: str) -> str:
    """`**Paper**` → `paper`, `📑 标题 (Title)` → `标题 title`, `No. Citations` →
    `no citations`."""
    header = re.sub(r"<[^>]*>|[*_`]", "", header)
    return " ".join(_NORMALISE_RE.sub(" ", header.lower()).split())


@dataclass
class ColumnMap:
    """What the user said with `--column FIELD=HEADER`, on top of the known spellings."""

    forced: dict[str, str] = field(default_factory=dict)  # normalised header -> role

    @classmethod
    def parse(cls, options: tuple[str, ...] | list[str]) -> ColumnMap:
        forced: dict[str, str] = {}
        for option in options:
            role, sep, header = option.partition("=")
            role = role.strip().lower()
            if not sep or not header.strip():
                raise PublishError(f"--column {option!r}: write FIELD=HEADER, e.g. "
                                   "--column url=PaperURL")
            if role not in ROLES:
                raise PublishError(f"--column {option!r}: {role!r} is not a field an import "
                                   f"reads (one of {', '.join(ROLES)})")
            forced[normalise(header)] = role
        return cls(forced)

    def roles(self, headers: list[str]) -> tuple[dict[str, list[int]], list[int]]:
        """(role -> column indexes in order, indexes of columns no role reads)."""
        found: dict[str, list[int]] = {}
        unused: list[int] = []
        for i, header in enumerate(headers):
            role = self.role(header)
            if role is None or (role in found and role not in MANY and role != "year"):
                unused.append(i)
                continue
            found.setdefault(role, []).append(i)
        return found, unused

    def role(self, header: str) -> str | None:
        key = normalise(header)
        if key in self.forced:
            return self.forced[key]
        if key in _BY_SPELLING:
            return _BY_SPELLING[key]
        # `📑 标题 (Title)`, `视频（4K）`: a header with a gloss in parentheses, named by
        # its first word that names a role.
        if re.search(r"[(（]", header) or re.search(r"[\u4e00-\u9fff]", key):
            for word in key.split():
                if word in _BY_SPELLING and word not in ("no", "number", "page"):
                    return _BY_SPELLING[word]
        return None
