"""The enrich verb: papers' metadata and abstracts from arXiv, OpenAlex, Crossref and
Semantic Scholar."""

from __future__ import annotations

import sys

import click

from ..enrich.settings import FIELD_GROUPS as FIELDS
from ..enrich.settings import SOURCES
from .options import format_option, list_option, project_config, wait_option


def _fields(ctx: click.Context, param: click.Parameter, value: str | None
            ) -> tuple[str, ...]:
    names = tuple(n.strip() for n in (value or "").split(",") if n.strip())
    for name in names:
        if name not in FIELDS:
            raise click.BadParameter(f"{name!r} is not one of {', '.join(FIELDS)}")
    return names


@click.command()
@list_option("Only the papers of this reading list.")
@click.option("--paper", "paper_ids", metavar="ID", multiple=True,
              help="Only this paper (repeatable).")
@click.option("--source", "sources", multiple=True, type=click.Choice(SOURCES),
              help="Ask only this service (repeatable; default: all four).")
@click.option("--fields", "fields", metavar="LIST", callback=_fields,
              help=f"Fill only these, comma-separated: {','.join(FIELDS)} (default: all; "
                   "ids include the published title).")
@click.option("--update", "update", multiple=True, type=click.Choice(["citations"]),
              help="citations: refresh the counts enrich wrote (answers a day old are "
                   "asked again); a count a list gave is kept.")
@click.option("--dry-run", is_flag=True,
              help="Look up (answers are cached) and report what would change; write "
                   "nothing in content/.")
@click.option("--jobs", type=click.IntRange(1, 32), default=4, show_default=True,
              help="Requests at once, for the services that allow several (OpenAlex, and "
                   "Crossref as its headers say); arXiv and Semantic Scholar take one at "
                   "a time.")
@click.option("--timeout", type=click.FloatRange(min=0, min_open=True), default=30.0,
              show_default=True, metavar="S", help="Seconds before a silent server is "
                                                   "given up on (then retried).")
@click.option("--retries", type=click.IntRange(0, 10), default=3, show_default=True,
              help="Retries after a 429, a 5xx, a timeout or a broken answer (Retry-After "
                   "is honoured).")
@click.option("--url", metavar="URL",
              help="With one --source: where that service is served from (a mirror, a "
                   "proxy, a stand-in); else [enrich.<source>] url in publish.toml.")
@click.option("--confirm", "confirm", nargs=2, multiple=True, metavar="PAPER CANDIDATE",
              help="PAPER is CANDIDATE (its number in content/enrich-unsure.yaml, or a ref "
                   "such as arxiv:2302.13971): look it up by that id and fill it.")
@click.option("--reject", "reject", multiple=True, metavar="PAPER",
              help="None of PAPER's candidates is it: they are not proposed again.")
@format_option()
@wait_option()
@click.pass_context
def enrich(ctx: click.Context, list_id: str | None, paper_ids: tuple[str, ...],
           sources: tuple[str, ...], fields: tuple[str, ...], update: tuple[str, ...],
           dry_run: bool, jobs: int, timeout: float, retries: int, url: str | None,
           confirm: tuple[tuple[str, str], ...], reject: tuple[str, ...], fmt: str,
           wait: float) -> None:
    """Complete papers' metadata and abstracts from bibliographic services.

    Each paper is found by its arXiv id or DOI, else by its title (with its year and first
    author when known), and accepted only when the titles are the same (or very close, with
    the year and first author agreeing); works only similar are recorded in
    content/enrich-unsure.yaml for a person (--confirm, --reject), never guessed. Empty
    fields are filled (ids, authors, year, venue, citation count); a value already there
    is never written over: a service that disagrees is recorded as a conflict. A title
    that is another title than the published one (a short name, a first version's) gives
    way to it and is kept as an alias, which import matches. A paper with no English text
    gets its abstract, marked with where it came from. Answers are
    cached in build/enrich-cache.sqlite: a re-run sends no request, an interrupted one
    resumes.

    Contact and keys: [enrich] mailto in publish.toml (OpenAlex's and Crossref's polite
    pools); OPENALEX_API_KEY and SEMANTIC_SCHOLAR_API_KEY from the environment. Exit code 1
    when papers wait for a person or lookups failed.

    \b
    Examples:
      publish enrich --list best-ai-2015-now --dry-run
      publish enrich --source openalex --source semanticscholar --jobs 8
      publish enrich --paper attention-is-all-you-need --fields abstract
      publish enrich --confirm llama 1
      publish enrich --update citations --source openalex --format json
    """
    from ..enrich.report import print_result, progress_bar
    from ..enrich.run import EnrichRequest
    from ..enrich.run import enrich as run_enrich

    request = EnrichRequest(list_id=list_id, paper_ids=paper_ids, sources=sources,
                            fields=fields, update=update, dry_run=dry_run, jobs=jobs,
                            timeout=timeout, retries=retries, url=url, confirm=confirm,
                            reject=reject, wait=wait)
    config = project_config(ctx)
    try:
        with progress_bar(enabled=fmt == "table") as on_progress:
            result = run_enrich(config, request, on_progress)
    except KeyboardInterrupt:
        click.echo("publish: interrupted; nothing was written. The answers so far are kept in "
                   "build/enrich-cache.sqlite: run again to go on from there.", err=True)
        sys.exit(130)
    print_result(result, fmt)
    if not result.ok:
        sys.exit(1)


COMMANDS = [enrich]
