"""Atom and RSS feeds of the recorded newsletter issues (feedgen), one pair per language,
written beside the site: `<out>/<lang>/feed.atom` and `<out>/<lang>/feed.rss`.

Before the first issue is recorded the feeds are valid and empty (as static site generators
write them): a reader can subscribe to the address at once, and the site never links a
feed that is missing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time
from pathlib import Path

from ..config import Config
from ..errors import PublishError
from ..model import Collection
from ..outputs import check_output
from ..sanitise import xml_text
from .issues import IssueRecord, Selection, _replay, load_record, today
from .mail import Mail, write
from .settings import WebSettings

FEED_ITEMS = 50


@dataclass
class FeedResult:
    paths: list[Path]
    issues: int


def build_feeds(config: Config, collection: Collection, settings: WebSettings,
                langs: tuple[str, ...], out: Path | None = None) -> FeedResult:
    from feedgen.feed import FeedGenerator

    if not settings.base_url:
        raise PublishError("feeds need the site's address: add `base_url = \"https://…/\"` "
                           "under [site] (or pass --base-url)", config.root / "publish.toml")
    records = load_record(config)
    # The feed's own date is its newest issue's, so an unchanged feed has unchanged bytes
    last_day = records[-1].day if records else today()
    out = check_output(config.root, out, folder=True) if out else config.build_dir / "html"
    paths: list[Path] = []
    for lang in langs:
        newest = records[-FEED_ITEMS:]
        empty = Selection(IssueRecord(0, last_day, None, lang), [], {}, [], fresh=False)
        first = Mail(config, collection, settings, empty, lang)
        fg = FeedGenerator()
        home = settings.page_url(f"{lang}/index.html")
        fg.id(home)
        fg.title(xml_text(first.site_title()))
        fg.language(lang)
        fg.description(xml_text(first.ui("Newsletter issues: papers added to the reading "
                                          "lists.")))
        fg.updated(datetime.combine(last_day, time(8, 0), UTC))
        fg.lastBuildDate(datetime.combine(last_day, time(8, 0), UTC))
        for record in newest:
            mail = Mail(config, collection, settings, _replay(collection, record, None), lang)
            context = mail.context(text=True)
            entry = fg.add_entry(order="prepend")
            entry.id(f"{settings.base_url}issues/{record.number}")
            entry.title(xml_text(mail.subject()))
            entry.link(href=home)
            stamp = datetime.combine(record.day, time(8, 0), UTC)
            entry.published(stamp)
            entry.updated(stamp)
            # what XML cannot hold (a control character in a title) is left out
            entry.summary(xml_text(context["preheader"]))
            entry.content(xml_text(mail.html()), type="html")
        target = out / lang
        for name in ("feed.atom", "feed.rss"):
            # Each file names itself as rel=self; RSS's <link> is feedgen's last link: home
            fg.link([{"href": settings.page_url(f"{lang}/{name}"), "rel": "self"},
                     {"href": home, "rel": "alternate"}], replace=True)
            data = fg.atom_str(pretty=True) if name == "feed.atom" else fg.rss_str(pretty=True)
            write(target / name, data)
            paths.append(target / name)
    return FeedResult(paths, len(records))
