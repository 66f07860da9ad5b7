"""Atom and RSS feeds of the recorded newsletter issues (feedgen), one pair per language,
written beside the site: `<out>/<lang>/feed.atom` and `<out>/<lang>/feed.rss`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time
from pathlib import Path

from ..config import Config
from ..errors import PublishError
from ..model import Collection
from .digest import _replay, load_record, record_path
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
    if not records:
        raise PublishError("no issue recorded yet: `publish digest --format eml` records one",
                           record_path(config))
    out = out or config.build_dir / "html"
    paths: list[Path] = []
    for lang in langs:
        newest = records[-FEED_ITEMS:]
        first = Mail(config, collection, settings, _replay(collection, records[-1], None), lang)
        fg = FeedGenerator()
        home = settings.page_url(f"{lang}/index.html")
        fg.id(home)
        fg.title(first.site_title())
        fg.link(href=home, rel="alternate")
        fg.link(href=settings.page_url(f"{lang}/feed.atom"), rel="self")
        fg.language(lang)
        fg.description(first.ui("Newsletter issues: papers added to the reading lists."))
        for record in newest:
            mail = Mail(config, collection, settings, _replay(collection, record, None), lang)
            context = mail.context(text=True)
            entry = fg.add_entry(order="prepend")
            entry.id(f"{settings.base_url}issues/{record.number}")
            entry.title(mail.subject())
            entry.link(href=home)
            stamp = datetime.combine(record.day, time(8, 0), UTC)
            entry.published(stamp)
            entry.updated(stamp)
            entry.summary(context["preheader"])
            entry.content(mail.html(), type="html")
        target = out / lang
        for name, data in (("feed.atom", fg.atom_str(pretty=True)),
                           ("feed.rss", fg.rss_str(pretty=True))):
            write(target / name, data)
            paths.append(target / name)
    return FeedResult(paths, len(records))
