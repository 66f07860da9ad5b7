"""A newsletter issue as email: HTML (table layout, CSS inlined), plain text, and a complete
multipart/alternative .eml message.

The HTML must survive mail clients: one ~600 px column of tables, every style inlined
(css-inline), only the dark-mode `@media` rule kept in a <style>, no hidden text (no
"preheader": invisible text is what spam filters look for), and at most `max_per_list`
papers per list with "and N more" linking to the list on the site, so a first issue after
importing a thousand papers stays well under Gmail's 102 KB clipping. The plain text is
wrapped at 72 columns, Chinese included (`wrap`). The same issue is a page of the site and
an entry of its feeds (`fragment`: the issue's body without the e-mail around it).
"""

from __future__ import annotations

import html as htmllib
import os
import re
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr
from pathlib import Path
from typing import Any

from markupsafe import escape

from ..clock import now
from ..config import Config
from ..languages import LANGUAGES, source_of
from ..model import Collection, Paper
from ..outputs import write_output
from ..render.book import Label
from ..render.i18n import format_day, format_number, gettext, hant, html_lang, ngettext
from ..render.markdown import MarkdownRenderer
from ..render.text import shown_blocks
from ..status import title_unit
from .issues import Selection
from .pages import environment, issue_path, list_path, paper_link, paper_path, titles
from .settings import WebSettings
from .wrap import join_cjk_lines, wrap

SUMMARY_CHARS = {"en": 260, "zh": 110, "zh-Hant": 110}
MAX_AUTHORS = 3
_TAG = re.compile(r"<[^>]+>")
_SENTENCE_END = re.compile(r"(?<=[.!?。！？])[\"'”’)]?(\s+|(?<=[。！？]))")


@dataclass
class PaperItem:
    id: str
    title: Label
    original_title: Label | None
    authors: str
    year: int | None
    lists: list[Label]
    summary: Label | None
    link: str | None
    link_label: str | None
    page: str | None
    what: list[str] = field(default_factory=list)
    machine: str | None = None  # "machine translation" when the title or summary is a draft


@dataclass
class Group:
    title: Label
    papers: list[PaperItem]
    more: int
    more_text: str | None
    more_href: str | None


def _no_math(_tex: str, _display: bool) -> str | None:
    return None  # a mail client cannot draw MathML: the TeX source is shown


_PLAIN = MarkdownRenderer(_no_math)


def plain(markdown: str, lang: str) -> str:
    """A block as one line of text. A line break between two Chinese characters is no
    space in Chinese (a reader would see "。 本" as a stray gap), so it is dropped."""
    text = htmllib.unescape(_TAG.sub("", _PLAIN.render(markdown, lang)))
    return re.sub(r"\s+", " ", join_cjk_lines(text)).strip()


def cut(text: str, limit: int) -> str:
    """The text up to the last sentence end within `limit` characters; a long first
    sentence is cut at a word with an ellipsis."""
    if len(text) <= limit:
        return text
    ends = [m.start(1) for m in _SENTENCE_END.finditer(text, 0, limit + 1)]
    ends = [e for e in ends if e >= limit // 3]
    if ends:
        return text[: ends[-1]].rstrip()
    head = text[:limit]
    space = head.rfind(" ")
    return (head[:space] if space > limit // 2 else head).rstrip(" ,;:") + "…"


class Mail:
    """One issue in one language (en, zh, zh-Hant or bilingual)."""

    def __init__(self, config: Config, collection: Collection, settings: WebSettings,
                 selection: Selection, lang: str, max_per_list: int = 10,
                 local_from: Path | None = None, link_base: str | None = None,
                 issue_page: bool = True):
        self.config = config
        self.collection = collection
        self.settings = settings
        self.selection = selection
        self.lang = lang
        self.langs = ("en", "zh") if lang == "bilingual" else (lang,)
        self.ui_lang = "en" if lang == "bilingual" else lang
        self.max_per_list = max_per_list
        # A preview without a base URL links the local site (`publish html` writes it to
        # build/html/) by a path relative to this folder, so "and N more" is never a dead end
        self.local_from = local_from
        # A page of the site links its neighbours relatively ("../../"): `link_base`
        self.link_base = link_base
        # the issue has (or will have) a page on the site: it is recorded
        self.issue_page = issue_page
        self.env = environment(config.root / "templates")
        self.env.filters["wrap"] = wrap

    def href(self, relative: str) -> str | None:
        """A site page's address: absolute under the base URL, else the local build's."""
        if self.link_base is not None:
            return self.link_base + relative
        if self.settings.base_url:
            return self.settings.base_url + relative
        if self.local_from is None:
            return None
        target = self.config.build_dir / "html" / relative
        return Path(os.path.relpath(target, self.local_from)).as_posix()

    # ---- text ---------------------------------------------------------------------

    def ui(self, message: str) -> str:
        if self.lang == "bilingual":
            en, zh = gettext("en", message), gettext("zh", message)
            return en if en == zh else f"{en} / {zh}"
        return gettext(self.lang, message)

    def _convert(self, text: str) -> str:
        """Text of the content in zh, as a zh-Hant issue shows it (as the site does)."""
        return hant(text) if self.lang == "zh-Hant" else text

    def site_title(self) -> str:
        code = source_of(self.ui_lang)
        title = self.config.title.get(code) or next(iter(self.config.title.values()), "")
        if self.lang == "bilingual" and self.config.title.get("zh"):
            title = f"{title} · {self.config.title['zh']}"
        return self._convert(title) if code in self.config.title else title

    def sender_name(self) -> str | None:
        name = parseaddr(self.settings.sender or "")[0]
        return name or None

    def subject(self) -> str:
        r = self.selection.record
        return self.ui("%(title)s — issue %(number)s, %(date)s") % {
            "title": self.site_title(), "number": r.number,
            "date": format_day(r.day, self.ui_lang)}

    def _summary(self, paper: Paper, lang: str) -> tuple[Label, bool] | None:
        """The first block of text, cut at a sentence, and whether a machine drafted it."""
        for shown in shown_blocks(paper, lang, tuple(self.config.languages), "source") or []:
            if shown.text is None or shown.kind in ("heading", "code", "math", "fence"):
                continue
            text = plain(shown.text, shown.lang)
            if text:
                return (Label(cut(text, SUMMARY_CHARS.get(shown.lang, 260)), shown.lang),
                        "machine" in shown.marks)
        return None

    def item(self, pid: str, what: list[str] | None = None) -> PaperItem:
        paper = self.collection.papers[pid]
        lang = self.langs[-1] if self.lang == "bilingual" else self.lang
        title, original = titles(paper, lang)
        authors = paper.meta.authors[:MAX_AUTHORS]
        more = len(paper.meta.authors) - len(authors)
        byline = ", ".join(authors)
        if more:
            byline += " " + ngettext(self.ui_lang, "and %(num)s other", "and %(num)s others",
                                     more) % {"num": more}
        link, label = paper_link(paper)
        found = [s for s in (self._summary(paper, code) for code in self.langs) if s]
        summaries = [label for label, _ in found]
        # Unreviewed machine text is marked in a newsletter as in the booklet and the site.
        local = title_unit(paper, source_of(lang))
        drafted = any(machine for _, machine in found) or bool(local and local.machine)
        if self.lang == "bilingual" and len(summaries) == 2 and \
                summaries[0].lang == summaries[1].lang:
            summaries = summaries[:1]  # no Chinese text yet: the English once
        summary = summaries[0] if len(summaries) == 1 else (
            Label(" / ".join(s.text for s in summaries), "en") if summaries else None)
        lists = [self._list_title(lid) for lid in self.selection.joined.get(pid, [])]
        return PaperItem(pid, title, original, byline, paper.meta.year, lists, summary, link,
                         label, self.href(paper_path(self.page_lang, pid)),
                         [self._what(w) for w in (what or [])],
                         self.ui("machine translation") if drafted else None)

    @property
    def page_lang(self) -> str:
        return "en" if self.lang == "bilingual" else self.lang

    def _what(self, what: str) -> str:
        if what.startswith("translated:"):
            code = what.split(":", 1)[1]
            name = {"en": self.ui("English"), "zh": self.ui("Chinese")}.get(code, code)
            return self.ui("translated into %(language)s") % {"language": name}
        return self.ui("text changed")

    def _list_title(self, list_id: str) -> Label:
        rl = self.collection.lists[list_id]
        code = source_of(self.ui_lang)
        if self.lang == "bilingual" and rl.title.get("en") and rl.title.get("zh"):
            return Label(f"{rl.title['en']} · {rl.title['zh']}", "en")
        if rl.title.get(code):
            return Label(self._convert(rl.title[code]), self.ui_lang)
        return Label(rl.title.get(rl.lang) or list_id, rl.lang)

    # ---- documents --------------------------------------------------------------------

    def context(self, text: bool = False) -> dict[str, Any]:
        sel = self.selection
        groups = []
        for lid, pids in sel.groups:
            shown = pids[: self.max_per_list]
            more = len(pids) - len(shown)
            groups.append(Group(
                self._list_title(lid), [self.item(p) for p in shown], more,
                (self.ui("and %(num)s more") % {"num": format_number(more, self.ui_lang)})
                if more else None,
                self.href(list_path(self.page_lang, lid)) if more else None))
        updated = [self.item(pid, what) for pid, what in sel.updated[: self.max_per_list]]
        more_updated = len(sel.updated) - len(updated)
        new = sum(len(p) for _, p in sel.groups)
        r = sel.record
        # what the issue holds, in a line: a feed entry's summary
        overview = self.ui("%(new)s new papers, %(updated)s updated") % {
            "new": format_number(new, self.ui_lang),
            "updated": format_number(len(sel.updated), self.ui_lang)}
        if groups:
            overview += " — " + ", ".join(
                g.papers[0].title.text for g in groups[:3] if g.papers)
        return {
            "lang": self.lang, "html_lang": html_lang(self.ui_lang),
            "ui": self.ui if text else (lambda m: escape(self.ui(m))), "lang_tag": html_lang,
            "site_title": self.site_title(), "subject": self.subject(),
            "number": r.number, "day": format_day(r.day, self.ui_lang),
            "since": format_day(r.since, self.ui_lang) if r.since else None,
            "groups": groups, "updated": updated,
            "more_updated": (self.ui("and %(num)s more") % {
                "num": format_number(more_updated, self.ui_lang)})
            if more_updated else None,
            "new_count": new, "overview": overview,
            # a label's colon: full width after Chinese ("收录于：")
            "colon": "：" if LANGUAGES[self.ui_lang].cjk else ": ",
            "site_url": self.href(f"{self.page_lang}/index.html"),
            # the issue's own page: once recorded, `publish html` writes it
            "issue_url": self.href(issue_path(self.page_lang, r.number))
            if self.settings.base_url and self.issue_page else None,
            "unsubscribe": _unsubscribe_link(self.settings.list_unsubscribe),
        }

    def html(self) -> str:
        import css_inline

        raw = self.env.get_template("email/digest.html").render(**self.context())
        inliner = css_inline.CSSInliner(keep_at_rules=True, load_remote_stylesheets=False,
                                        minify_css=True)
        return _squeeze(inliner.inline(raw))

    def text(self) -> str:
        out = self.env.get_template("email/digest.txt").render(**self.context(text=True))
        return re.sub(r"\n{3,}", "\n\n", out).strip() + "\n"

    def fragment(self) -> str:
        """The issue's body as HTML without the document around it: a feed entry's
        content and the main part of the issue's page on the site."""
        return _squeeze(self.env.get_template("site/issue-body.html").render(
            **self.context()))

    def list_id(self) -> str:
        """RFC 2919: the list's name and `<label.domain>`, from the site's address."""
        assert self.settings.base_url
        host = self.settings.base_url.split("//")[-1].split("/")[0].split(":")[0]
        path = self.settings.base_url.split("//")[-1].partition("/")[2]
        label = re.sub(r"[^a-z0-9]+", "-", path.lower()).strip("-") or "newsletter"
        return f"{self.site_title()} <{label}.{host}>"

    def eml(self) -> bytes:
        if not (self.settings.base_url and self.settings.sender):
            raise ValueError("an e-mail needs base_url and a sender: settings.require_mail")
        msg = EmailMessage()
        msg["Subject"] = self.subject()
        msg["From"] = self.settings.sender
        msg["To"] = self.settings.to or "undisclosed-recipients:;"
        # when the message is written, not the issue's day: a replayed issue is a new message
        msg["Date"] = format_datetime(now())
        domain = self.settings.base_url.split("//")[-1].split("/")[0].split(":")[0]
        msg["Message-ID"] = make_msgid(f"issue-{self.selection.record.number}", domain=domain)
        msg["List-Id"] = self.list_id()
        if self.settings.list_unsubscribe:
            msg["List-Unsubscribe"] = self.settings.list_unsubscribe
            if "<https://" in self.settings.list_unsubscribe:
                msg["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
        msg.set_content(self.text(), charset="utf-8")
        msg.add_alternative(self.html(), subtype="html", charset="utf-8")
        # after the parts: set_content and add_alternative drop or move Content-* headers
        msg["Content-Language"] = ", ".join(html_lang(code) for code in self.langs)
        return msg.as_bytes()


def _unsubscribe_link(header: str | None) -> str | None:
    """The https (else mailto) address of a List-Unsubscribe header, for the footer."""
    if not header:
        return None
    found = re.findall(r"<([^>]+)>", header) or [header.strip()]
    found.sort(key=lambda u: not u.startswith("https://"))
    return found[0]


def _squeeze(html: str) -> str:
    """Whitespace between tags costs bytes and shows nothing."""
    return re.sub(r">\s+<", "><", html)


def write(path: Path, data: bytes) -> None:
    write_output(path, data)

