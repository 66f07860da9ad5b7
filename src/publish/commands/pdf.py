"""Booklet verbs: pdf, doctor."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..languages import BILINGUAL
from .options import lang_option, project_config


@click.command()
@lang_option("Booklet language; bilingual shows every block in English and Chinese.",
             derived=True, editions=(BILINGUAL,), required=True)
@click.option("--list", "lists", multiple=True, metavar="LIST_ID",
              help="Only this reading list (repeatable; default: the whole collection).")
@click.option("--paper-size", type=click.Choice(["A5", "A4", "letter"]), default="A5",
              show_default=True, help="Page size.")
@click.option("--fallback", type=click.Choice(["source", "mark", "skip"]), default="source",
              show_default=True,
              help="Text not yet translated: show the source marked as untranslated, a "
                   "one-line mark, or leave out papers with no text in the language.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path),
              help="Output file (default: build/pdf/<list-or-all>.<lang>.pdf).")
@click.option("--no-cache", is_flag=True,
              help="Render every page afresh (ignore and do not fill build/pdf/cache).")
@click.option("--jobs", type=click.IntRange(min=0), default=0, show_default=True,
              help="Worker processes (0: one per CPU).")
@click.pass_context
def pdf(ctx: click.Context, lang: str, lists: tuple[str, ...], paper_size: str, fallback: str,
        out: Path | None, no_cache: bool, jobs: int) -> None:
    """Render a PDF booklet of the collection or of some reading lists.

    Cover, contents with page numbers, bookmarks (list > chapter > section > paper), running
    heads, and each paper with its metadata and text, in a tagged PDF (PDF/UA structure).
    Machine translations and outdated ones are marked; missing text follows --fallback.
    Chapters render in parallel, in cached runs of pages, so a rebuild after an edit
    renders only the pages around it. A character no installed font has is printed as its
    code point, with a warning naming the file and line.

    \b
    Examples:
      publish pdf --lang zh --list llm-top10-2023-zh
      publish pdf --lang bilingual --list field-25 --paper-size A4
      publish pdf --lang en --out booklet.pdf
    """
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from ..render.pdf import PdfRequest, build_pdf

    config = project_config(ctx)
    request = PdfRequest(lang=lang, lists=lists, paper_size=paper_size, fallback=fallback,
                         out=out, use_cache=not no_cache, jobs=jobs)
    bar = Progress(TextColumn("booklet"), BarColumn(), MofNCompleteColumn(),
                   TextColumn("{task.description}"), transient=True,
                   console=_stderr_console(), disable=not sys.stderr.isatty())
    with bar:
        task = bar.add_task("", total=None)

        def progress(done: int, total: int, label: str) -> None:
            bar.update(task, completed=done, total=total, description=label[:40])

        result = build_pdf(config, request, progress)
    for warning in result.warnings:
        click.echo(f"publish: warning: {warning}", err=True)
    click.echo(f"{'wrote' if result.written else 'up to date:'} {result.path} "
               f"({result.pages} pages, {result.papers} papers; "
               f"{result.rendered_pages} pages rendered in {result.rendered} "
               f"{'run' if result.rendered == 1 else 'runs'}, {result.runs} runs used; "
               f"{result.seconds:.1f} s)")


def _stderr_console():  # -> rich.console.Console
    from rich.console import Console

    return Console(stderr=True)


@click.command()
def doctor() -> None:
    """Check what the booklets need: fonts, HarfBuzz subsetting, Pango, poppler tools.

    Prints one line per check and the command that installs what is missing; exits 1 when
    something the PDF needs is missing.

    \b
    Example:
      publish doctor
    """
    from ..render.doctor import run_checks

    checks = run_checks()
    for check in checks:
        mark = "ok " if check.ok else ("-- " if check.optional else "NO ")
        click.echo(f"{mark} {check.name}: {check.detail}")
    missing = [c for c in checks if not c.ok and c.fix]
    if missing:
        packages = sorted({p for c in missing for p in c.fix})
        click.echo(f"\nTo install what is missing:\n  sudo apt-get install {' '.join(packages)}")
    if any(not c.ok and not c.optional for c in checks):
        sys.exit(1)


COMMANDS = [pdf, doctor]
