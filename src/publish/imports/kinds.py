"""Telling papers from the rest of a reading list: repositories, tools, books, courses,
posts, videos, tables of contents, badges.

Evidence is weighed in a fixed order, strongest first: what the entry is made of (only
badges, only an in-page anchor, no words), what the source says it is (a BibTeX `@book`, a
Zotero `computerProgram`), a link to a paper (arXiv, a DOI, a proceedings site, a PDF, or a
link the list labels `Paper`), then where its own link goes (YouTube, a blog, GitHub), what
its section is called ("LLM Tools", "视频"), and last whether its text reads like a title.
Each decision carries its reason, for the import report.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .base import PAPER, REASONS, RawEntry, skip
from .clean import host_of

# Hosts whose pages are papers (or a paper's landing page).
_PAPER_HOSTS = (
    "arxiv.org", "ar5iv.org", "ar5iv.labs.arxiv.org", "doi.org", "dx.doi.org",
    "aclanthology.org", "aclweb.org", "openreview.net", "proceedings.neurips.cc",
    "papers.nips.cc", "papers.neurips.cc", "neurips.cc", "proceedings.mlr.press", "jmlr.org",
    "ieeexplore.ieee.org", "dl.acm.org", "link.springer.com", "nature.com", "science.org",
    "sciencedirect.com", "semanticscholar.org", "openaccess.thecvf.com",
    "cv-foundation.org", "ijcai.org", "aaai.org", "ojs.aaai.org", "distill.pub",
    "biorxiv.org", "medrxiv.org", "ncbi.nlm.nih.gov", "pubmed.ncbi.nlm.nih.gov",
    "paperswithcode.com", "researchgate.net", "iclr.cc", "icml.cc", "isca-archive.org",
    "isca-speech.org", "academic.oup.com", "pnas.org", "cell.com", "tandfonline.com",
    "onlinelibrary.wiley.com", "transformer-circuits.pub", "mlsys.org", "usenix.org",
    "vldb.org", "ecva.net", "kns.cnki.net", "cnki.net", "jair.org", "jstor.org",
    "citeseerx.ist.psu.edu", "scholar.archive.org", "hal.science", "ssrn.com",
    "papers.ssrn.com", "mitpressjournals.org", "direct.mit.edu", "iopscience.iop.org",
)
_PAPER_PATH_RE = re.compile(r"(?i)(\.pdf(?:$|[?#])|/papers?/|/publications?/|"
                            r"huggingface\.co/papers/)")
# Where a link goes when it is not a paper: (reason, hosts or host suffixes, path pattern).
_HOSTS: tuple[tuple[str, tuple[str, ...], str | None], ...] = (
    ("video", ("youtube.com", "youtu.be", "bilibili.com", "b23.tv", "vimeo.com",
               "videolectures.net", "slideslive.com", "ixigua.com", "douyin.com"), None),
    ("social", ("twitter.com", "x.com", "t.me", "discord.gg", "discord.com", "weibo.com",
                "linkedin.com", "facebook.com", "reddit.com", "mastodon.social"), None),
    ("post", ("medium.com", "substack.com", "mp.weixin.qq.com", "zhuanlan.zhihu.com",
              "towardsdatascience.com", "notion.site", "hackmd.io", "jianshu.com",
              "csdn.net", "cnblogs.com", "lilianweng.github.io", "jalammar.github.io",
              "colah.github.io", "karpathy.github.io", "huggingface.co/blog"),
     r"(?i)/(?:blog|blogs|posts?|news|articles?)(?:/|$)|^blog\."),
    ("book", ("manning.com", "oreilly.com", "amazon.com", "d2l.ai", "zh.d2l.ai",
              "deeplearningbook.org", "llm-book.com", "packtpub.com", "nostarch.com"),
     r"(?i)/books?(?:/|$)"),
    ("course", ("coursera.org", "edx.org", "udacity.com", "udemy.com", "deeplearning.ai"),
     r"(?i)/(?:teaching|courses?|class|lectures?)(?:/|$)|(?<![a-z])cs\d{2,3}"),
    ("dataset", ("kaggle.com", "huggingface.co/datasets", "image-net.org",
                 "paperswithcode.com/dataset"), None),
    ("tool", ("huggingface.co/spaces", "pypi.org", "npmjs.com", "crates.io",
              "colab.research.google.com", "chat.openai.com", "gradio.live"), None),
    ("repo", ("github.com", "gitlab.com", "bitbucket.org", "gitee.com", "sourceforge.net",
              "codeberg.org"), None),
    ("model", ("huggingface.co", "modelscope.cn", "ollama.com"), None),
)
# Section headings that say what their entries are, when nothing stronger does.
_SECTIONS: tuple[tuple[str, str], ...] = (
    ("book", r"\bbooks?\b|textbooks?|书籍|教材|图书|书单"),
    ("course", r"\bcourses?\b|\blectures?\b|\btutorials?\b|\bguides?\b|课程|教程|指南|入门"),
    ("video", r"\btalks?\b|\bvideos?\b|podcasts?|youtube|视频|讲座|直播"),
    ("post", r"\bblogs?\b|\bposts\b|newsletters?|博客|公众号文章"),
    ("tool", r"\btools?\b|\bframeworks?\b|\blibrar(?:y|ies)\b|\bsoftware\b|"
             r"\binference engines?\b|工具|框架"),
    ("dataset", r"\bdatasets?\b|\bcorpora\b|\bcorpus\b|数据集|语料"),
    ("repo", r"\bprojects?\b|\brepos(?:itories)?\b|\btrending\b|项目|仓库"),
    ("model", r"\bopen[- ]?(?:source )?llms?\b|\bcheckpoints?\b|\bmodel zoo\b|模型权重"),
    ("other", r"\binstall|\busage\b|\bcontribut|\blicen[cs]e\b|\backnowledg|\bcitation\b|"
              r"\bcontact\b|安装|使用说明|致谢|贡献"),
)
# A talk section that is also a course section ("Courses & Talks"): a course is named so.
_COURSE_NAME_RE = re.compile(r"(?i)(?<![a-z])cs ?\d{2,3}\b|\bcourse|\blecture|课程|/teaching/")
# `Llama 2-7|13|70B`: model checkpoints listed by size.
_MODEL_SIZES_RE = re.compile(r"\d(?:\.\d+)?[BM]?\s*\|\s*\d.*\d(?:\.\d+)?\s*[BbMm]\b")
# Link texts that label a link instead of naming a work; the kind of thing each points to.
_LABELS = (
    ("paper", r"paper|papers|pdf|arxiv(?: ?paper)?|\[pdf\]|preprint|full ?text|openreview|"
              r"(?:the )?arxiv version|论文|原文|全文|论文地址|论文链接|paper link|"
              r"arxiv ?: ?\S+|technical report|tech report"),
    ("code", r"code|github|gitee|repo|repository|source code|代码|源码|checkpoints?|weights|"
             r"model|models|hugging ?face|🤗"),
    ("other", r"tweet|twitter|x|demo|local demo|video|blog|slides?|poster|project(?: page)?|"
              r"page|website|homepage|link|links|here|source|summary|citation|cite|bibtex|"
              r"download|eval tool|dataset|data|b站|youtube|bilibili|链接|视频|地址|项目|"
              r"主页|详情|博客|知乎|talk|notes?|discussion|leaderboard|docs?|website"),
)
_LABEL_RES = tuple((kind, re.compile(rf"^(?:{pattern})$", re.IGNORECASE))
                   for kind, pattern in _LABELS)
_LABEL_STRIP_RE = re.compile(r"^[\W_]+|[\W_]+$")


def label_kind(text: str) -> str | None:
    """"paper", "code" or "other" when a link's text is a label (`[Paper]`, `[[pdf]]`,
    `[GitHub]`, `论文地址：https://…`), None when it names something."""
    words = _LABEL_STRIP_RE.sub("", text.strip()).strip()
    if not words:
        return "other"
    if re.match(r"(?i)^https?://", words):
        return "paper" if is_paper_link(words) else "other"
    if m := re.match(r"^(论文地址|论文链接|地址|链接|arXiv|Paper|PDF)\s*[：:]\s*(\S.*)$", words,
                     re.IGNORECASE):
        value = m.group(2)
        return "paper" if is_paper_link(value) or "论文" in m.group(1) or re.match(
            r"^\d{4}\.\d{4,5}(?:v\d+)?$", value) else "other"
    for kind, pattern in _LABEL_RES:
        if pattern.match(words):
            return kind
    return None


def is_paper_link(href: str | None) -> bool:
    """A link to a paper: arXiv, a DOI, a proceedings or publisher site, or a PDF."""
    if not href:
        return False
    host = host_of(href)
    if host and any(host == h or host.endswith("." + h) for h in _PAPER_HOSTS):
        return not (host.endswith("nature.com") and "/articles/" not in href)
    return bool(_PAPER_PATH_RE.search(href)) and "/blog" not in href.lower()


def link_reason(href: str | None) -> str | None:
    """The kind of thing a non-paper link points to (a key of REASONS), or None."""
    if not href:
        return None
    host = host_of(href)
    if not host:
        return None
    lowered = href.lower().split("://", 1)[-1].removeprefix("www.")
    where = "/" + lowered.partition("/")[2]  # the path, from its first slash
    for reason, hosts, path in _HOSTS:
        for h in hosts:
            if ("/" in h and lowered.startswith(h)) or host == h or host.endswith("." + h):
                return reason
        if path and (re.search(path, where) or re.search(path, host)):
            return reason
    return None


def section_reason(section: str | None) -> str | None:
    """What a section's name says its entries are; the nearest heading decides first."""
    if not section:
        return None
    for heading in reversed(section.split(" > ")):
        found = [reason for reason, pattern in _SECTIONS
                 if re.search(pattern, heading, re.IGNORECASE)]
        if {"course", "video"} <= set(found):
            return "course|video"  # "Courses & Talks": each entry says which it is
        if found:
            return found[0]
        if re.search(r"(?i)\bpapers?\b|论文|文献|reading", heading):
            return PAPER
    return None


_WORD_RE = re.compile(r"[^\W\d_]{2,}")
_NAME_TOKEN_RE = re.compile(r"\w*[A-Z]\w*[A-Z0-9]|\d|[A-Z][a-z]+[A-Z]|[\u4e00-\u9fff]")
_START_RE = re.compile(r"^[\W_]*?([^\W_])")


def looks_like_title(text: str | None) -> bool:
    """Whether a bare text names a work: `QLoRA`, `Llama 2`, `Swin Transformer`, `Attention
    Is All You Need`, `神经网络七十年` do; `null`, `level 0`, `Click me`, `Contrastive
    learning`, `%YAML 1.2` do not."""
    if not text or len(text) > 500:
        return False
    stripped = text.strip().strip("\"'“”‘’「」《》()[]")
    if not stripped or not (stripped[0].isalnum() or stripped[0] in "#"):
        return False
    if re.search(r"[\u4e00-\u9fff]", stripped):
        return True
    if not _WORD_RE.search(stripped) and not re.search(r"[A-Z]", stripped):
        return False  # `1e3`, `x`: no word; `T5`, `R1` are names
    words = stripped.split()
    first = _START_RE.match(stripped)
    if first and first.group(1).islower() and not re.search(
            r"[a-z][A-Z]|[A-Za-z]\d|\d[A-Za-z]", stripped):
        return False  # `level 0`, `null`; but `mPLUG-Owl3`, `word2vec`, `iGPT`
    if len(words) <= 3:
        # A short phrase is a name when it has a capital inside a word or a digit
        # (QLoRA, GPT-3, Llama 2), or every word capitalised (Swin Transformer).
        return bool(_NAME_TOKEN_RE.search(stripped)) or all(
            w[:1].isupper() or not w[:1].isalpha() for w in words)
    return True


@dataclass
class Evidence:
    """What a reader saw of one entry, for `classify`."""

    own: str | None = None  # the entry's own link target, as written
    paper_links: list[str] = field(default_factory=list)  # links that show a paper
    section: str | None = None
    images_only: bool = False
    paper_column: bool = False  # a table row whose paper column holds the entry
    work_type: str | None = None  # what the source says the item is (publish.fields)
    # A row of a spreadsheet's title column names a work, whatever its spelling.
    trust_title: bool = False


# What a source's own type says, for types that are not papers.
_TYPE_REASONS = {"book": "book", "software": "tool", "post": "post", "video": "video",
                 "dataset": "dataset", "webpage": "post"}


def classify(entry: RawEntry, ev: Evidence) -> RawEntry:
    """Set `entry.kind` (PAPER or a reason) and `entry.why` from the evidence."""
    own = (ev.own or "").strip()
    has_ids = bool(entry.arxiv or entry.doi)
    if ev.images_only:
        return skip(entry, "badge")
    if own and re.match(r"^(?:\.?/)?(?:[\w.-]*\.(?:md|markdown|html?))?#", own) and \
            not has_ids and not ev.paper_links:
        return skip(entry, "toc")
    if entry.title is None and not own and not has_ids and not entry.hint:
        return skip(entry, "empty")
    if entry.title is not None and (len(entry.title) > 500 or not re.search(
            r"[^\W\d_]", entry.title)):
        return skip(entry, "junk", "too long for a title" if len(entry.title) > 500 else None)
    reason = _TYPE_REASONS.get(ev.work_type or "")
    if reason and not (ev.work_type == "webpage" and has_ids):
        return skip(entry, reason, f"{REASONS[reason]} (the source says {ev.work_type})")
    if has_ids or ev.paper_links or (own and is_paper_link(own)):
        return _paper(entry)
    if own and re.match(r"^[\w./-]+$", own) and ".." not in own and not own.startswith("/") \
            and not (entry.title and len(entry.title.split()) >= 3):
        return skip(entry, "local")  # `[Contributing](CONTRIBUTING.md)`
    by_link = link_reason(own)
    if by_link in ("video", "social", "post", "book", "course", "dataset"):
        return skip(entry, by_link, f"{REASONS[by_link]} ({host_of(own)})")
    by_section = section_reason(entry.section)
    if by_section == "course|video":
        by_section = "course" if _COURSE_NAME_RE.search(f"{entry.title} {own}") else "video"
    if (by_section not in (None, PAPER, "model") or (by_section == "model" and own)) and \
            not (ev.paper_column and by_section in ("repo", "model")):
        return skip(entry, by_section, f"{REASONS[by_section]} (in section "
                    f"{entry.section.split(' > ')[-1]!r})")
    if by_link in ("repo", "tool", "model") and not ev.paper_column:
        return skip(entry, by_link, f"{REASONS[by_link]} ({host_of(own)})")
    if entry.title and _MODEL_SIZES_RE.search(entry.title):
        return skip(entry, "model", "checkpoints listed by size")
    if entry.title is None:
        if own or has_ids:
            return _paper(entry)  # a description with a link: a paper left untitled
        return skip(entry, "junk")
    if ev.trust_title or looks_like_title(entry.title):
        return _paper(entry)
    if own and not re.match(r"(?i)^https?://", own):
        return skip(entry, "unsafe")
    return skip(entry, "topic")


def contents_neighbours(found: list[tuple[RawEntry, Evidence]]) -> None:
    """A table of contents is never a list of papers: in a section whose entries are
    mostly links into the page, an entry whose own link leads nowhere on the web (a typo
    like `($KG)` for `(#KG)`, seen in a real list) is a contents line too, not a paper
    named after a section; and a section holding only contents is no topic of the
    sections under it."""
    sections: dict[str | None, list[tuple[RawEntry, Evidence]]] = {}
    for entry, ev in found:
        sections.setdefault(entry.section, []).append((entry, ev))
    contents = set()
    for section, group in sections.items():
        toc = sum(entry.kind == "toc" for entry, _ in group)
        if toc < 2 or toc * 3 < len(group) * 2:
            continue
        for entry, ev in group:
            own = (ev.own or "").strip()
            if entry.kind == PAPER and own and not (entry.arxiv or entry.doi) and \
                    not ev.paper_links and not re.match(r"(?i)^https?://", own):
                skip(entry, "toc")
        if section and all(entry.kind == "toc" for entry, _ in group):
            contents.add(section)
    if contents:
        # nor is the heading of a contents a part of the topics under it: `# All Topics:`
        # over `## Theory` files its papers under "Theory"
        for entry, _ in found:
            parts = (entry.section or "").split(" > ")
            kept = [p for i, p in enumerate(parts)
                    if i == len(parts) - 1 or " > ".join(parts[: i + 1]) not in contents]
            if len(kept) < len(parts):
                entry.section = " > ".join(kept)


def _paper(entry: RawEntry) -> RawEntry:
    entry.kind, entry.why = PAPER, None
    return entry
