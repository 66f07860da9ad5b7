"""The translate verb: machine drafts of missing and outdated translations."""

from __future__ import annotations

import sys

import click

from .options import FORMAT_TABLE_JSON, list_option, project_config, wait_option

ZH_HANT = "zh-Hant"


@click.command()
@click.option("--to", "to", metavar="LANG",
              help="Language to draft into: a language of the project, or zh-Hant "
                   "(Traditional Chinese derived from zh with OpenCC, offline).")
@click.option("--from", "froms", metavar="LANG", multiple=True,
              help="Translate from this language only (default: every other language).")
@click.option("--backend", metavar="NAME",
              help="google, deepl, microsoft, mymemory, libre, baidu or chatgpt (default: "
                   "[translate] backend in publish.toml, else google). See --backends.")
@click.option("--url", metavar="URL", help="Server of a self-hosted LibreTranslate.")
@list_option("Only the papers of this reading list.")
@click.option("--paper", "paper_ids", metavar="ID", multiple=True,
              help="Only this paper (repeatable).")
@click.option("--only", type=click.Choice(["missing", "outdated", "all"]), default="missing",
              show_default=True,
              help="missing blocks; outdated ones (a machine draft is replaced, a person's "
                   "translation is kept and the new draft put after it); or all.")
@click.option("--jobs", type=click.IntRange(1, 64), help="Requests at once (default 4).")
@click.option("--limit", type=click.IntRange(0), metavar="N",
              help="Send at most N blocks this run; the rest wait for the next.")
@click.option("--timeout", type=click.FloatRange(min=0, min_open=True), metavar="S",
              help="Seconds before a silent server is cut off (default 30).")
@click.option("--retries", type=click.IntRange(0, 20),
              help="Retries of a block after 429 or 5xx answers (default 4).")
@click.option("--dry-run", is_flag=True,
              help="Show what would be sent (blocks, characters); send and write nothing.")
@click.option("--backends", "show_backends", is_flag=True,
              help="List the backends and what each needs, then stop.")
@click.option("--format", "fmt", type=FORMAT_TABLE_JSON, default="table", show_default=True,
              help="table for people, json for scripts.")
@wait_option()
@click.pass_context
def translate(ctx: click.Context, to: str | None, froms: tuple[str, ...], backend: str | None,
              url: str | None, list_id: str | None, paper_ids: tuple[str, ...], only: str,
              jobs: int | None, limit: int | None, timeout: float | None,
              retries: int | None, dry_run: bool, show_backends: bool, fmt: str,
              wait: float) -> None:
    """Write machine drafts for blocks not yet translated into LANG.

    Only missing blocks are sent (and outdated ones with --only); drafts are marked
    `state=machine` until a person reviews them. Original and reviewed text is never
    changed. Finished drafts are kept in translation-memory.sqlite, so a re-run, or an
    interrupted run resumed, sends nothing twice. Math, code, URLs, quoted paper titles and
    glossary "keep" terms are sent as placeholders and must come back intact.

    Keys come from the environment (DEEPL_API_KEY, MICROSOFT_API_KEY, BAIDU_APPID and
    BAIDU_APPKEY, OPENAI_API_KEY, LIBRE_API_KEY), never from the command line. Exit code 1
    when some blocks could not be drafted; the papers left are listed.

    \b
    Examples:
      publish translate --backends
      publish translate --to zh --list best-ai-2015-now --dry-run
      publish translate --to zh --backend libre --url http://localhost:5000 --jobs 8
      publish translate --to en --paper mistral-7b --only all
      publish translate --to zh-Hant
    """
    from ..translate import backends
    from ..translate import report as out

    if show_backends:
        out.print_backends(backends.backend_rows(), fmt)
        return
    if not to:
        raise click.UsageError("--to LANG is required (or --backends)")
    config = project_config(ctx)
    if to == ZH_HANT:
        from ..translate.zh_hant import derive

        out.print_derived(derive(config, froms, list_id, paper_ids, dry_run, wait), fmt,
                          dry_run)
        return
    from ..translate.run import TranslateRequest
    from ..translate.run import translate as run_translate

    settings = backends.resolve(config.translate, backend, url, timeout, jobs, retries,
                                path=config.path)
    options = TranslateRequest(to=to, froms=froms, only=only, list_id=list_id, paper_ids=paper_ids,
                      limit=limit, dry_run=dry_run, wait=wait)
    with out.progress_bar(enabled=not dry_run and fmt == "table") as on_progress:
        result = run_translate(config, settings, options, on_progress)
    out.print_result(result, fmt)
    if result.interrupted:
        sys.exit(130)
    if not result.dry_run and not result.ok:
        sys.exit(1)


COMMANDS = [translate]
