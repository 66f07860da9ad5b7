"""Translation verbs: status (the gap report) and review (a person vouches for a block)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .options import lang_option, list_option, project_config, wait_option

STATE_NAMES = ("missing", "outdated", "machine", "current", "original")
STATUS_FORMATS = ("table", "json", "csv", "markdown", "html")


def _states(ctx: click.Context, param: click.Parameter, values: tuple[str, ...]) -> list[str]:
    out = []
    for value in values:
        for name in filter(None, (v.strip() for v in value.split(","))):
            if name not in STATE_NAMES:
                raise click.BadParameter(f"{name!r} is not one of {', '.join(STATE_NAMES)}")
            out.append(name)
    return list(dict.fromkeys(out))


@click.command()
@lang_option("Only this language (its coverage alone counts for --fail-under). zh-Hant "
             "is derived from zh with OpenCC s2twp: zh's states, titles in Traditional, and "
             "how many files in build/zh-Hant/ are stale.", derived=True)
@list_option()
@click.option("--state", "states", multiple=True, callback=_states, metavar="STATE",
              help="Only papers in this state (repeatable, or comma-separated): "
                   f"{', '.join(STATE_NAMES)}. With --details, only blocks in it. Summaries "
                   "still count every paper.")
@click.option("--format", "fmt", type=click.Choice(STATUS_FORMATS), default="table",
              show_default=True,
              help="table for people; json, csv or markdown for scripts and notes; html "
                   "writes a page (to --out).")
@click.option("--details", is_flag=True,
              help="One row per block: paper, language, line in that language's file, "
                   "state, and the source text's first words.")
@click.option("--fail-under", type=click.FloatRange(0, 100), metavar="PCT",
              help="Exit with code 1 when a shown language's coverage is under PCT.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the report to this file and print its path (html: default "
                   "build/status.html).")
@click.option("--no-cache", is_flag=True,
              help="Read every file again and ignore build/index.sqlite (it is rebuilt "
                   "anyway when deleted or corrupt).")
@click.pass_context
def status(ctx: click.Context, lang: str | None, list_id: str | None, states: list[str],
           fmt: str, details: bool, fail_under: float | None, out: Path | None,
           no_cache: bool) -> None:
    """What is missing, stale or unreviewed: per language, per list, per paper.

    A paper's state in a language is the worst of its blocks': missing, outdated (its
    source changed since it was translated or reviewed), machine (a draft nobody reviewed),
    current, original. Coverage is the share of papers original or current. Work left is
    the source text still to translate or check: English words into Chinese, Chinese
    characters into English. A second run reads only files that changed (build/index.sqlite).

    \b
    Examples:
      publish status
      publish status --lang zh --list best-ai-2015-now --state outdated --details
      publish status --lang zh-Hant --format json
      publish status --format json --fail-under 80
      publish status --format html            # writes build/status.html
    """
    from ..status.run import run_status

    sys.exit(run_status(project_config(ctx), lang=lang, list_id=list_id, states=states,
                        fmt=fmt, details=details, fail_under=fail_under, out=out,
                        use_cache=not no_cache))


@click.command()
@click.argument("paper_id", required=False)
@lang_option("The language of the translation being reviewed. zh-Hant: you read the "
             "Traditional text (publish show ID --lang zh-Hant); the review is recorded on "
             "the zh blocks it is made from.", derived=True, required=True)
@click.option("--block", "lines", type=click.IntRange(min=1), multiple=True, metavar="N",
              help="Only the block at line N of content/LANG/PAPER_ID.md (repeatable): the "
                   "line `publish show` and `publish status --details` print, i.e. the "
                   "block's first line (its marker line works too). Default: every machine "
                   "or outdated block of the paper in LANG.")
@click.option("--by", "by", metavar="NAME",
              help="Who reviewed (default: git config user.name, else $USER).")
@click.option("--serve", is_flag=True,
              help="Open a review page on 127.0.0.1 instead: every machine or outdated "
                   "block in LANG (of PAPER_ID, or --list) beside its source, to edit, "
                   "approve or skip. Prints a URL that works once; Ctrl-C stops it.")
@list_option("With --serve: only the papers of this reading list.")
@click.option("--port", type=click.IntRange(0, 65535), default=0, show_default=True,
              help="With --serve: the port (0: any free one).")
@wait_option()
@click.pass_context
def review(ctx: click.Context, paper_id: str | None, lang: str, lines: tuple[int, ...],
           by: str | None, serve: bool, list_id: str | None, port: int, wait: float) -> None:
    """Mark machine or outdated translations of a paper as reviewed by a person.

    Rewrites each block's marker only: state=human, who, today's date, and the hash of the
    source block it is paired with now, so it counts as current until that source changes.
    Blocks already current are reported and left alone. With --serve, a local page does the
    same block by block, and lets the reviewer correct the text first.

    \b
    Examples:
      publish review attention-is-all-you-need --lang zh
      publish review attention-is-all-you-need --lang zh --block 12 --block 15 --by mei
      publish review attention-is-all-you-need --lang zh-Hant --by mei
      publish review --serve --lang zh --list field-25
    """
    if serve:
        if lines:
            raise click.UsageError("--block goes with a PAPER_ID, not with --serve")
        return _serve(ctx, paper_id, lang, by, list_id, port, wait)
    if paper_id is None:
        raise click.UsageError("PAPER_ID is needed (or --serve)")
    if list_id is not None or port:
        raise click.UsageError("--list and --port go with --serve")
    from ..status.review import review as run_review

    result = run_review(project_config(ctx), paper_id, lang, lines, by, wait=wait)
    if result.note:
        click.echo(result.note)
    for line, was in result.done:
        click.echo(f"{result.path}:{line}: reviewed ({was} -> current) by {result.by} on "
                   f"{result.at}")
    for line, why in result.untouched:
        click.echo(f"{result.path}:{line}: not touched: {why}")
    if not result.done and not result.untouched:
        click.echo(f"{result.path}: nothing to review (no machine or outdated blocks)")


def _serve(ctx: click.Context, paper_id: str | None, lang: str, by: str | None,
           list_id: str | None, port: int, wait: float) -> None:
    from ..exchange.serve import ReviewServer, ServeOptions

    server = ReviewServer(project_config(ctx), ServeOptions(
        lang=lang, list_id=list_id, paper_ids=(paper_id,) if paper_id else (), by=by,
        port=port, wait=wait))
    click.echo(f"Review page for {lang} (as {server.by}): {server.url}")
    click.echo("The link works once, in one browser. Ctrl-C stops the server.")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        click.echo("stopped")
    finally:
        server.shutdown()


COMMANDS = [status, review]
