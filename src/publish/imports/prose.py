"""Chinese reading lists written as prose: `标题：…` / `地址：URL` lines under a heading,
`1、` and `①` enumerations that Markdown does not see as lists, names with a Chinese gloss
(`LIMA：对齐只需少量高质量数据`, `直接偏好优化（DPO）：URL`).

Pure functions of text; the Markdown reader decides where records start and end.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .clean import clean_text

_CJK = "\u3400-\u9fff\uf900-\ufaff"
CJK_RE = re.compile(f"[{_CJK}]")
LATIN_RE = re.compile(r"[A-Za-z]")
# `key：value` (full- or half-width colon), maybe bulleted, quoted, italic (Notion exports).
_KV_RE = re.compile(r"^\s*(?:[-*+>]\s*)*[_*]*\s*([^\s：:_*]{1,8}?)\s*[：:]\s*(.*?)\s*[_*]*\s*$")
_KEYS = {
    "title": ("论文标题", "论文题目", "论文名称", "论文名", "标题", "题目", "论文", "title",
              "paper title"),
    "url": ("论文地址", "论文链接", "地址", "链接", "原文", "原文链接", "paper", "url", "pdf",
            "arxiv"),
    "code": ("代码地址", "代码", "论文源码", "源码", "项目地址", "项目", "code", "github"),
    "summary": ("简介", "摘要", "背景", "介绍", "贡献", "方法", "abstract", "summary", "tldr"),
}
_KEY_OF = {spelling: key for key, spellings in _KEYS.items() for spelling in spellings}
_URL_RE = re.compile(r"https?://[^\s<>()\[\]（）_*]+[^\s<>()\[\]（）.,;:。，；_*]")
ENUM_RE = re.compile(r"^\s*(?:\d{1,3}、|[①-⑳]|\(\d{1,3}\)|（\d{1,3}）)\s*(?=\S)")
# `（计算机学报，2016）`: where and when, after a title.
_VENUE_YEAR_RE = re.compile(r"[（(]\s*([^（）()]*?)\s*[，,]\s*((?:19|20)\d\d)\s*[）)]\s*$")
_BOOK_RE = re.compile(r"《([^》]+)》")


@dataclass
class KeyValue:
    key: str  # title, url, code or summary
    value: str
    url: str | None = None


def key_value(line: str) -> KeyValue | None:
    """A `标题：…` / `论文地址:https://…` / `_论文题目：…_` line, or None."""
    m = _KV_RE.match(line)
    if not m:
        return None
    key = _KEY_OF.get(m.group(1).lower().strip())
    value = m.group(2).strip()
    if key is None or not value:
        return None
    url = _URL_RE.search(value)
    if key == "url" and url is None:
        return None  # `仓库地址：网页链接`: a promise of a link, not one
    if key == "title" and url is not None and url.start() == 0:
        key = "url"  # `论文：https://…`
    return KeyValue(key, value, url.group(0) if url else None)


@dataclass
class Record:
    """A paper described by key-value lines, maybe under its own heading."""

    line: int
    heading: str | None = None
    title: str | None = None
    url: str | None = None
    summary: list[str] = field(default_factory=list)

    def add(self, kv: KeyValue) -> None:
        if kv.key == "title" and self.title is None:
            self.title = clean_text(re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", kv.value))
        elif kv.key == "url" and self.url is None:
            self.url = kv.url
        elif kv.key == "summary":
            self.summary.append(kv.value)


def heading_title(text: str) -> tuple[str | None, int | None]:
    """What a numbered heading says of its paper: (title or name, year). A heading that ends
    with a colon is a topic (`指令微调：`), not a title."""
    text = re.sub(r"^\s*(?:\d{1,3}[.、)]|[一二三四五六七八九十]+、)\s*", "", text).strip(" *")
    if re.search(r"[：:]\s*$", text):
        return None, None
    year = None
    if m := re.search(r"\s*[(（]\s*((?:19|20)\d\d)(?:[./-]\d{1,2})?\s*[)）]\s*$", text):
        year, text = int(m.group(1)), text[:m.start()]
    return clean_text(text), year


@dataclass
class Name:
    """A name as a Chinese list writes it, split into the published title and the rest."""

    title: str | None
    local: str | None = None  # a Chinese title or gloss
    url: str | None = None
    venue: str | None = None
    year: int | None = None
    book: bool = False


def split_name(text: str) -> Name:
    """`直接偏好优化（DPO）：https://…` → DPO; `LIMA：对齐只需少量高质量数据` → LIMA with a
    gloss; `BlitzNet 实时场景理解` → BlitzNet; `《机器学习》，周志华，…` → a book;
    `神经网络七十年：回顾与展望（计算机学报，2016）` → a Chinese title with venue and year."""
    text = text.strip()
    out = Name(title=None)
    if m := _BOOK_RE.match(text):
        out.title, out.book = clean_text(m.group(1)), True
        if url := _URL_RE.search(text):
            out.url = url.group(0)
        return out
    if m := _VENUE_YEAR_RE.search(text):
        out.venue, out.year = clean_text(m.group(1)) or None, int(m.group(2))
        text = text[:m.start()].strip()
    if m := re.search(r"[：:](?!//)", text):
        name, sep, value = text[:m.start()], m.group(0), text[m.end():].strip()
    else:
        name, sep, value = text, "", ""
    if sep and (url := _URL_RE.match(value)):
        out.url, text = url.group(0), name.strip()
    elif sep and (not value or (CJK_RE.search(value) and not CJK_RE.search(name)
                                and LATIN_RE.search(name))):
        text, out.local = name.strip(), value or None
    text = text.strip()
    if CJK_RE.search(text) and LATIN_RE.search(text):
        if m := re.search(r"[（(]\s*([A-Za-z][\w .+-]*?)\s*[）)]", text):
            out.title = m.group(1)
            out.local = out.local or clean_text(text[:m.start()] + text[m.end():])
            return out
        if m := re.match(r"^([A-Za-z0-9][\w .+:-]*?)\s+(?=[" + _CJK + "])", text):
            out.title = m.group(1).strip()
            out.local = out.local or clean_text(text[m.end():])
            return out
    out.title = clean_text(text)
    return out
