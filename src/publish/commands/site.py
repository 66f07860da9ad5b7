"""Web verbs: html (the static site), digest (a newsletter issue), feed (Atom/RSS)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click

from ..languages import ALL, BILINGUAL
from .options import format_option, lang_option, list_option, project_config, wait_option


def _settings(config, base_url: str | None):  # -> WebSettings
    from ..site.settings import load_settings, with_base_url

    return with_base_url(load_settings(config), base_url)


BASE_URL = click.option("--base-url", metavar="URL",
                        help="The site's address, for links (default: [site] base_url in "
                             "publish.toml).")


@click.command()
@lang_option("Site language; all builds every content language and zh-Hant.", derived=True,
             editions=(ALL,), default=ALL)
@click.option("--out", type=click.Path(file_okay=False, path_type=Path),
              help="Output folder (default: build/html/).")
@click.option("--jobs", type=click.IntRange(min=0), default=0, show_default=True,
              help="Worker processes rendering pages (0: one per CPU).")
@BASE_URL
@format_option()
@click.pass_context
def html(ctx: click.Context, lang: str, out: Path | None, jobs: int, base_url: str | None,
         fmt: str) -> None:
    """Build the static site: per language an index, a page per list, per paper and per
    newsletter issue, and a search page.

    Works with no external requests; math is MathML; every page links to the same page in
    the other languages. Search (titles, authors and text, Chinese included) runs in the
    reader's browser from an index written beside the search page; without JavaScript that
    page lists every paper. With the site's address ([site] base_url or --base-url) it also
    writes sitemap.xml and the newsletter's Atom and RSS feeds, which every page links.
    Only pages whose inputs changed are rendered again, and only pages whose bytes changed
    are written; block HTML, interface strings, translation states and search terms are
    kept in build/site-cache.sqlite (delete it any time).

    \b
    Examples:
      publish html
      publish html --lang zh --out public/
      publish html --base-url https://example.org/papers/
    """
    import json

    from ..content.load import load_collection
    from ..site.build import build_site, describe
    from ..site.cache import CACHE_NAME

    config = project_config(ctx)
    # With a site cache, a run renders few pages: blocks are split when a page needs them,
    # not made for every file (a cold build needs them all, from the index)
    warm = (config.build_dir / CACHE_NAME).is_file()
    result = build_site(config, load_collection(config, blocks=not warm), lang, out, jobs,
                        settings=_settings(config, base_url))
    if fmt == "json":
        click.echo(json.dumps(describe(result)))
    else:
        click.echo(f"wrote {result.out} ({result.pages} pages: {result.rendered} rendered, "
                   f"{result.written} written, {result.removed} removed; "
                   f"{result.seconds:.1f} s)")
        for note in result.notes:
            click.echo(note)


@click.command()
@click.option("--since", type=click.DateTime(["%Y-%m-%d"]), metavar="YYYY-MM-DD",
              help="Papers added to a list on or after this date.")
@click.option("--since-last", is_flag=True,
              help="Papers not announced by a recorded issue (the default).")
@lang_option("Language of the issue.", derived=True, editions=(BILINGUAL,), default="en")
@list_option("Only this reading list.")
@click.option("--format", "fmt", type=click.Choice(["html", "text", "eml"]), default="html",
              show_default=True,
              help="html or text to preview; eml: a complete multipart message to send "
                   "(needs [site] base_url, [digest] from and list_unsubscribe).")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path),
              help="Output file (default: build/digest/issue-N.LANG.EXT).")
@click.option("--issue", type=click.IntRange(min=1),
              help="Issue number (default: the next one). A recorded number renders that "
                   "issue again.")
@click.option("--max-per-list", type=click.IntRange(min=1), default=10, show_default=True,
              help="Papers shown per list; the rest are 'and N more' linking to the site.")
@click.option("--record/--no-record", default=None,
              help="Add the issue to content/digests.yaml so its papers are not announced "
                   "again (default: --record with --format eml, --no-record for previews).")
@BASE_URL
@wait_option()
@click.pass_context
def digest(ctx: click.Context, since: datetime | None, since_last: bool, lang: str,
           list_id: str | None, fmt: str, out: Path | None, issue: int | None,
           max_per_list: int, record: bool | None, base_url: str | None,
           wait: float) -> None:
    """Write a newsletter issue: papers added since a date or since the last issue.

    Grouped by list, at most --max-per-list papers each ("and N more" links to the list's
    page), then the papers whose text changed or got translated. Each paper: title (localized
    and original), authors, year, lists, a short summary, and links to the paper and its
    site page.

    An e-mail (--format eml) is refused, with nothing written, until publish.toml has
    [site] base_url (or --base-url), [digest] from and [digest] list_unsubscribe. Writing
    it records the issue in content/digests.yaml, so --since-last never announces a paper
    twice. A preview (html, text) records nothing unless --record; without a base URL its
    links go to the local site that `publish html` writes to build/html/.

    \b
    Examples:
      publish digest --format html                        preview the next issue
      publish digest --format eml                         write it and record it
      publish digest --since 2026-11-01 --lang zh --format text
      publish digest --issue 3 --format eml --no-record  issue 3 again
    """
    import sys
    from contextlib import nullcontext

    from ..content.load import load_collection
    from ..content.write import project_lock
    from ..site.newsletter import IssueRequest, NothingNew, make_issue

    if since and since_last:
        raise click.UsageError("--since and --since-last exclude each other")
    config = project_config(ctx)
    request = IssueRequest(since=since.date() if since else None, since_last=since is None,
                            lang=lang, list_id=list_id, fmt=fmt, out=out, issue=issue,
                            max_per_list=max_per_list, record=record)
    # recording writes content/digests.yaml: one writer at a time, from reading to writing
    writing = project_lock(config.root, "digest", wait) if request.records else nullcontext()
    try:
        with writing:
            result = make_issue(config, load_collection(config, blocks=True),
                                _settings(config, base_url), request)
    except NothingNew as exc:
        click.echo(f"publish: {exc}", err=True)
        sys.exit(1)
    number = result.selection.record.number
    if result.recorded:
        after = "; recorded in content/digests.yaml"
    elif result.selection.fresh:
        after = "; not recorded (a preview: --record, or --format eml, records it)"
    else:
        after = ""
    click.echo(f"wrote {result.path} (issue {number}: {result.new} new, {result.updated} "
               f"updated; {result.size / 1024:.1f} KB){after}")
    if result.local_links:
        click.echo("links go to the local site in build/html/ (`publish html`); set [site] "
                   "base_url in publish.toml for the site's address")


@click.command()
@lang_option("Feed language.", derived=True, editions=(ALL,), default=ALL)
@click.option("--out", type=click.Path(file_okay=False, path_type=Path),
              help="Site folder the feeds go in, as LANG/feed.atom and LANG/feed.rss "
                   "(default: build/html/).")
@BASE_URL
@click.pass_context
def feed(ctx: click.Context, lang: str, out: Path | None, base_url: str | None) -> None:
    """Write Atom and RSS feeds of the recorded newsletter issues.

    The newest 50 issues, newest first. Needs the site's address ([site] base_url in
    publish.toml, or --base-url). Before the first issue is recorded (`publish digest
    --format eml`) the feeds are valid and empty, so readers can subscribe already.

    \b
    Example:
      publish feed --lang en --base-url https://example.org/papers/
    """
    from ..content.load import load_collection
    from ..site.build import site_languages
    from ..site.feed import build_feeds

    config = project_config(ctx)
    result = build_feeds(config, load_collection(config, blocks=True), _settings(config, base_url),
                         site_languages(config, lang), out)
    for path in result.paths:
        click.echo(f"wrote {path}")
    if not result.issues:
        click.echo("no issue recorded yet: the feeds have no entries (`publish digest "
                   "--format eml` records one)")


COMMANDS = [html, digest, feed]
