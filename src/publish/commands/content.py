"""Content verbs: init, import, merge, list, show."""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path
from typing import Any

import click

from .options import (
    FORMAT_TABLE_JSON,
    format_option,
    lang_option,
    list_option,
    project_config,
    wait_option,
)


@click.command()
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
def init(folder: Path) -> None:
    """Create an empty, valid project in FOLDER.

    \b
    Example:
      publish init reading-list && cd reading-list && publish list
    """
    from ..config import init_project

    for path in init_project(folder):
        click.echo(f"created {path}")


@click.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@list_option("Id of the reading list to merge into (created if new), e.g. papers-list.")
@lang_option("Language the list is written in.", required=True)
@click.option("--format", "fmt", default="auto", show_default=True,
              type=click.Choice(["auto", "seed-text", "markdown", "bibtex", "csv", "ris",
                                 "csl-json"]),
              help="Shape of FILE; auto uses the extension (.md .bib .csv .ris .json) and "
                   "otherwise sniffs the content (CSL-JSON, RIS, the seed text shapes, BibTeX, "
                   "Markdown, CSV).")
@click.option("--include", "include", type=click.Choice(["papers", "all"]),
              default="papers", show_default=True,
              help="papers: skip what is not a paper (repositories, tools, books, courses, "
                   "posts, videos: each reported with its reason); all: keep those too. A "
                   "table of contents, a badge or junk is never kept.")
@click.option("--column", "column_map", multiple=True, metavar="FIELD=HEADER",
              help="Read the column HEADER (of a CSV file or a Markdown table) as FIELD: "
                   "title, url, authors, year, venue, arxiv, doi, citations, summary, rank, "
                   "section, added, type, aliases (repeatable).")
@click.option("--title", "titles", multiple=True, metavar="[LANG:]TEXT",
              help="The list's title, in the list's language or in LANG (repeatable). Only "
                   "fills titles the list does not have yet.")
@click.option("--date", "day", type=click.DateTime(["%Y-%m-%d"]),
              help="Date new entries are 'added' (default: today, or SOURCE_DATE_EPOCH).")
@click.option("--dry-run", is_flag=True, help="Report what would change; write nothing.")
@click.option("--report", "report_fmt", type=FORMAT_TABLE_JSON, default="table",
              show_default=True,
              help="How to print what happened, entry by entry (--format is taken by the "
                   "input's shape).")
@wait_option()
@click.pass_context
def import_(ctx: click.Context, file: Path, list_id: str | None, lang: str, fmt: str,
            include: str, column_map: tuple[str, ...], titles: tuple[str, ...], day: Any,
            dry_run: bool, report_fmt: str, wait: float) -> None:
    """Merge the reading list in FILE into content/.

    Reads Markdown lists and tables (awesome-lists, papers-of-the-week tables, Chinese
    lists), BibTeX, CSV (Zotero's export included), RIS and CSL-JSON. Entries that are not
    papers are skipped with their reason. The same paper found in several lists (or twice
    in one) becomes one paper: matched by arXiv id or DOI, else by title ignoring case,
    punctuation and hyphens (a book and an article, or two years far apart, stay two
    papers). Short names and similar titles are proposed as unsure pairs for
    `publish merge`. Conflicting metadata is kept and reported. Re-importing the same file
    changes nothing.

    Exit status: 0 imported; 1 imported, but a person must look (entries without a title,
    unsure pairs); 2 refused, nothing written (bad input, or no papers found).

    \b
    Example:
      publish import content/imports/sources/001_*.txt --list best-ai-2015-now --lang en
      publish import papers.bib --list reading-group --lang en --dry-run
      publish import export.csv --list lab --lang en --column url=PaperURL --report json
    """
    from ..imports import import_list
    from ..imports.columns import ColumnMap
    from ..imports.report import print_import

    if not list_id:
        raise click.UsageError("--list LIST_ID is required")
    by_lang = {}
    for text in titles:
        code, sep, rest = text.partition(":")
        by_lang.update({code: rest.strip()} if sep and code in ("en", "zh") else {lang: text})
    result = import_list(project_config(ctx), file, list_id, lang, fmt, dry_run,
                         day.date() if isinstance(day, date) else None, by_lang, wait,
                         include_all=include == "all", columns=ColumnMap.parse(column_map))
    print_import(result, report_fmt)
    if result.exit_code:
        sys.exit(result.exit_code)


@click.command("merge")
@click.argument("keep", metavar="A")
@click.argument("other", metavar="B")
@click.option("--keep-apart", is_flag=True,
              help="A and B are different works: record it, and no import proposes them "
                   "as the same paper again.")
@click.option("--dry-run", is_flag=True, help="Say what would change; write nothing.")
@format_option()
@wait_option()
@click.pass_context
def merge_(ctx: click.Context, keep: str, other: str, keep_apart: bool, dry_run: bool,
           fmt: str, wait: float) -> None:
    """Settle a pair `publish import` was unsure about: B is the same paper as A.

    B is folded into A: A's empty metadata is filled from B (different values are kept as
    conflicts), B's text is appended where A lacks it, every list that held B holds A, and
    B's title becomes a name A goes by; B's files are removed. The decision is recorded in
    content/imports/decisions.yaml, so importing a list again keeps it.

    \b
    Examples:
      publish merge qlora-efficient-finetuning-of-quantized-llms qlora
      publish merge --keep-apart textbooks-are-all-you-need textbooks-are-all-you-need-ii
    """
    from ..imports.settle import settle

    result = settle(project_config(ctx), keep, other, keep_apart, wait=wait, dry_run=dry_run)
    if fmt == "json":
        click.echo(json.dumps({
            "kept": result.keep, "other": result.other, "apart": result.apart,
            "dry_run": result.dry_run,
            "conflicts": [{"field": f, "kept": a, "other": b} for f, a, b in result.conflicts],
            "changed": [str(p) for p in result.changed]}, ensure_ascii=False, indent=2))
        return
    verb = "would change" if dry_run else "changed"
    what = (f"{keep} and {other} are kept apart" if keep_apart else
            f"{other} merged into {keep}")
    click.echo(f"{what}; {len(result.changed)} files {verb}.")
    for name, kept, new in result.conflicts:
        click.echo(f"  {name}: kept {kept!r}; {other} said {new!r} (recorded as a conflict)")


@click.command("list")
@lang_option("Only papers that have a file in this language (titles shown in it). zh-Hant: "
             "the papers with zh text, titles converted to Traditional with OpenCC s2twp.",
             derived=True)
@list_option()
@format_option()
@click.pass_context
def list_(ctx: click.Context, lang: str | None, list_id: str | None, fmt: str) -> None:
    """List the papers, or the entries of one reading list in its order, with each
    language's state as `publish status` reports it (original, current, outdated, machine,
    missing).

    \b
    Examples:
      publish list --list best-ai-2015-now
      publish list --lang zh --format json
      publish list --lang zh-Hant --list llm-top10-2023-zh
    """
    from ..browse import paper_rows, print_papers
    from ..content.load import load_collection
    from ..derived import derived, require
    from ..languages import offered
    from ..status.cache import paper_states

    config = project_config(ctx)
    if derived(lang):
        require(lang, config.languages)
    # A derived language gets a column of its own only when asked for.
    shown = (*config.languages, lang) if lang in offered(config.languages) and \
        lang not in config.languages else config.languages
    rows = paper_rows(load_collection(config), shown, paper_states(config), lang, list_id)
    print_papers(rows, fmt, shown, list_id)


@click.command()
@click.argument("paper_id")
@lang_option("Only the text in this language (metadata and lists are always shown). zh-Hant: "
             "the zh text converted with OpenCC s2twp, with the lines of content/zh/.",
             derived=True)
@format_option()
@click.pass_context
def show(ctx: click.Context, paper_id: str, lang: str | None, fmt: str) -> None:
    """Show one paper: metadata, lists, and its blocks in every language.

    \b
    Examples:
      publish show llama-2-open-foundation-and-fine-tuned-chat-models
      publish show llama-2-open-foundation-and-fine-tuned-chat-models --lang zh-Hant
    """
    from ..browse import paper_record, print_paper
    from ..content.load import load_collection
    from ..derived import derived, require

    config = project_config(ctx)
    if derived(lang):
        require(lang, config.languages)
    record = paper_record(load_collection(config), paper_id, lang)
    if fmt == "json":
        click.echo(json.dumps(record, ensure_ascii=False, indent=2))
    else:
        print_paper(record, lang)



COMMANDS = [init, import_, merge_, list_, show]
