"""Atom and RSS feeds of the recorded newsletter issues (feedgen), one pair per language,
written beside the site: `<out>/<lang>/feed.atom` and `<out>/<lang>/feed.rss`.

`publish html` writes them with the site when it knows the site's address (the pages then
link them); `publish feed` writes them alone. Each entry is one issue in the feed's
language: its id and link are the issue's page on the site (`<lang>/issues/<n>.html`, so
every language's entries have their own ids), its content the issue's HTML fragment (the
body of that page, with absolute links), not the e-mail document.

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
from .pages import issue_path
from .settings import WebSettings

FEED_ITEMS = 50
NAMES = ("feed.atom", "feed.rss")


@dataclass
class FeedResult:
    paths: list[Path]
    issues: int


def _need_base(config: Config, settings: WebSettings) -> str:
    if not settings.base_url:
        raise PublishError("feeds need the site's address: add `base_url = \"https://…/\"` "
                           "under [site] (or pass --base-url)", config.root / "publish.toml")
    return settings.base_url


def feed_documents(config: Config, collection: Collection, settings: WebSettings, lang: str,
                   records: list[IssueRecord]) -> dict[str, bytes]:
    """The feeds of one language, by file name."""
    from feedgen.feed import FeedGenerator

    base = _need_base(config, settings)
    # The feed's own date is its newest issue's, so an unchanged feed has unchanged bytes
    last_day = records[-1].day if records else today()
    newest = records[-FEED_ITEMS:]
    fg = FeedGenerator()
    home = f"{base}{lang}/index.html"
    empty = Selection(IssueRecord(0, last_day, None, lang), [], {}, [], fresh=False)
    about = Mail(config, collection, settings, empty, lang)
    # what XML cannot hold (a control character in a title) is left out: xml_text
    title = xml_text(about.site_title())
    fg.id(home)
    fg.title(title)
    # RFC 4287 wants an author for the feed (or for every entry): the list's sender
    fg.author({"name": xml_text(about.sender_name() or title)})
    fg.language(lang)
    fg.description(xml_text(about.ui("Newsletter issues: papers added to the reading lists.")))
    fg.updated(datetime.combine(last_day, time(8, 0), UTC))
    fg.lastBuildDate(datetime.combine(last_day, time(8, 0), UTC))
    for record in newest:
        mail = Mail(config, collection, settings, _replay(collection, record, None), lang)
        page = base + issue_path(lang, record.number)
        entry = fg.add_entry(order="prepend")
        entry.id(page)
        entry.title(xml_text(mail.subject()))
        entry.link(href=page, rel="alternate", type="text/html")
        stamp = datetime.combine(record.day, time(8, 0), UTC)
        entry.published(stamp)
        entry.updated(stamp)
        entry.summary(xml_text(mail.context(text=True)["overview"]))
        entry.content(xml_text(mail.fragment()), type="html")
    out = {}
    for name in NAMES:
        # Each file names itself as rel=self; RSS's <link> is feedgen's last link: home
        fg.link([{"href": f"{base}{lang}/{name}", "rel": "self"},
                 {"href": home, "rel": "alternate"}], replace=True)
        out[name] = fg.atom_str(pretty=True) if name == "feed.atom" else fg.rss_str(pretty=True)
    return out


def build_feeds(config: Config, collection: Collection, settings: WebSettings,
                langs: tuple[str, ...], out: Path | None = None) -> FeedResult:
    _need_base(config, settings)
    records = load_record(config)
    out = check_output(config.root, out, folder=True) if out else config.build_dir / "html"
    paths: list[Path] = []
    for lang in langs:
        for name, data in feed_documents(config, collection, settings, lang, records).items():
            write(out / lang / name, data)
            paths.append(out / lang / name)
    return FeedResult(paths, len(records))
