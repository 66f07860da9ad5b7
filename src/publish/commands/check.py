"""`publish check`: translation checks, as a table for people or JSON for scripts."""

from __future__ import annotations

import sys

import click

from ..check import ALL_CHECKS
from .options import format_option, lang_option, list_option, project_config

_NAMES = "\n".join(f"  {name:<16} {about}" for name, about in ALL_CHECKS.items())


@click.command(help=f"""Check translations against their sources, and the text around them.

Each translated block is compared with the source block it was made from (as `publish
status` pairs them; outdated ones wait for review): numbers, URLs, code, math, links and
emphasis kept, end punctuation alike, glossary terms (content/glossary.yaml) followed.
Chinese text is checked for spacing and punctuation; the authors' own Chinese text only
as info, which never fails a run. Metadata a translation file contradicts, and years the
reading lists disagree on, are reported too.

Exit code 1 when there is an error (with --strict, also a warning), else 0.

\b
Checks (--check NAME, repeatable):
{_NAMES}

\b
Example:
  publish check --lang zh --list llm-top10-2023-zh
  publish check --lang zh-Hant --format json
  publish check --check numbers --check urls --format json --strict
""")
@lang_option("Only text in this language: translations into it, its originals, its files' "
             "metadata. Years across lists are checked only without --lang. zh-Hant: the zh "
             "checks on the text converted with OpenCC s2twp (findings name the content/zh/ "
             "line to edit), and the conversion check.", derived=True)
@list_option()
@click.option("--paper", "papers", multiple=True, metavar="ID",
              help="Only this paper (repeatable; within --list when both are given).")
@click.option("--check", "checks", multiple=True, type=click.Choice(list(ALL_CHECKS)),
              metavar="NAME", help="Only this check (repeatable); see the list above.")
@format_option()
@click.option("--strict", is_flag=True, help="Exit 1 on warnings too.")
@click.pass_context
def check(ctx: click.Context, lang: str | None, list_id: str | None, papers: tuple[str, ...],
          checks: tuple[str, ...], fmt: str, strict: bool) -> None:
    from ..check import check_project, format_json, format_table

    report = check_project(project_config(ctx), lang, list_id, papers, checks)
    click.echo(format_json(report) if fmt == "json" else format_table(report), nl=fmt == "json")
    sys.exit(report.exit_code(strict))


COMMANDS = [check]
