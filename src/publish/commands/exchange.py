"""Exchange verbs: export blocks that need a translation for people's tools (XLIFF, PO), and
import what they translated."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from .options import format_option, list_option, project_config, wait_option

EXPORT_STATES = ("missing", "outdated", "machine")


def _states(ctx: click.Context, param: click.Parameter, value: str) -> tuple[str, ...]:
    names = tuple(dict.fromkeys(v.strip() for v in value.split(",") if v.strip()))
    for name in names:
        if name not in EXPORT_STATES:
            raise click.BadParameter(f"{name!r} is not one of {', '.join(EXPORT_STATES)}")
    return names


@click.command()
@click.option("--to", "to", metavar="LANG", required=True,
              help="The language the units are to be translated into.")
@click.option("--from", "source", metavar="LANG",
              help="The language of their source (default: the project's other language).")
@list_option()
@click.option("--paper", "paper_ids", metavar="ID", multiple=True,
              help="Only this paper (repeatable).")
@click.option("--state", "states", default=",".join(EXPORT_STATES), show_default=True,
              callback=_states, metavar="STATES",
              help="Which units, comma-separated: missing (no translation), outdated (its "
                   "source changed; the old translation is offered), machine (an unreviewed "
                   "draft, offered).")
@click.option("--format", "fmt", type=click.Choice(["xliff", "xliff2", "po"]),
              default="xliff", show_default=True,
              help="xliff: XLIFF 1.2 (OmegaT, Weblate, Trados, memoQ); xliff2: XLIFF 2.1; "
                   "po: gettext PO with msgctxt (Weblate, Poedit).")
@click.option("--split", type=click.Choice(["none", "list", "paper"]), default="none",
              show_default=True,
              help="One file, or one per reading list or per paper: OUT/<list or paper>/"
                   "<LANG>.<ext>, a Weblate component each.")
@click.option("--out", type=click.Path(path_type=Path),
              help="The file to write (a folder with --split). Default: build/exchange/"
                   "<list or 'all'>.<LANG>.<ext>, or build/exchange/ with --split.")
@click.pass_context
def export(ctx: click.Context, to: str, source: str | None, list_id: str | None,
           paper_ids: tuple[str, ...], states: tuple[str, ...], fmt: str, split: str,
           out: Path | None) -> None:
    """Write the blocks that need a translation as XLIFF or PO, for a translator's tool.

    One unit per block (and per title) that is missing, outdated or an unreviewed machine
    draft in LANG, with a stable id (paper, block, source hash), the source text, the text
    there is now as a suggestion marked for review, and notes (the paper, the state, the
    glossary terms in it). Math, code, URLs, quoted titles and glossary "keep" terms are
    inline codes that must come back intact, as `publish translate` protects them. Nothing
    in content/ changes; `publish import-translations` reads the file back.

    \b
    Examples:
      publish export --to zh --list field-25
      publish export --to en --list llm-top10-2023-zh --format po --out llm.en.po
      publish export --to zh --format po --split list --out l10n/
      publish export --to zh --paper mistral-7b --state machine --format xliff2
    """
    from ..exchange.export import FORMATS, ExportRequest, run_export

    result = run_export(project_config(ctx), ExportRequest(
        to=to, source=source, list_id=list_id, paper_ids=paper_ids, states=states, fmt=fmt,
        split=split, out=out))
    pair = f"{result.pair.source} → {result.pair.target}"
    if not result.files:
        click.echo(f"Nothing to export: no {' or '.join(states)} unit {pair}.")
        return
    for f in result.files:
        counts = ", ".join(f"{n} {state}" for state, n in f.units.items() if n)
        click.echo(f"wrote {f.path} ({FORMATS[fmt][1]}, {pair}: {f.papers} "
                   f"paper{'s' if f.papers != 1 else ''}, {sum(f.units.values())} units: "
                   f"{counts})")
    if result.previous_missing:
        click.echo(f"{result.previous_missing} outdated unit(s) without their earlier source "
                   "text (not in the translation memory or the git history).")


@click.command("import-translations")
@click.argument("files", nargs=-1, required=True,
                type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--by", "by", metavar="NAME",
              help="Who translated (default: the PO file's Last-Translator, else git config "
                   "user.name, else $USER).")
@click.option("--dry-run", is_flag=True, help="Say what would be written; write nothing.")
@format_option()
@wait_option()
@click.pass_context
def import_translations(ctx: click.Context, files: tuple[Path, ...], by: str | None,
                        dry_run: bool, fmt: str, wait: float) -> None:
    """Write the units finished in XLIFF or PO files back as a person's translations.

    Each finished unit becomes its block in content/LANG/ with `state=human`, who, today's
    date and the source hash of the export: `current` when its source is unchanged,
    `outdated` (and reported) when the source was edited since. Untranslated, fuzzy and
    to-review units are left alone; a text a person changed in content/ since the export is
    a conflict, reported and kept; a unit that lost or changed a protected piece (math,
    code, a URL) is refused. Files are checked whole before anything is written: a broken
    file, a wrong language pair, an unknown or repeated unit id stops the run with its line.
    Importing a file twice changes nothing. Exit code 1 when a unit was refused or in
    conflict.

    \b
    Examples:
      publish import-translations build/exchange/field-25.zh.xlf --dry-run
      publish import-translations l10n/*/zh.po --by mei
      publish import-translations omegat/target/field-25.zh.xlf --format json
    """
    from ..content.write import project_lock
    from ..exchange.importer import import_translations as run_import

    config = project_config(ctx)
    if dry_run:
        result = run_import(config, files, by=by, dry_run=True)
    else:  # one writer: nothing changes between reading the tree and writing it
        with project_lock(config.root, "import-translations", wait):
            result = run_import(config, files, by=by)
    if fmt == "json":
        click.echo(json.dumps(_json(result), ensure_ascii=False, indent=2))
    else:
        _table(result)
    sys.exit(0 if result.ok else 1)


def _json(result) -> dict[str, object]:  # result: publish.exchange.importer.ImportResult
    from ..exchange.importer import RESULTS

    return {"dry_run": result.dry_run, "by": result.by, "at": result.at,
            "counts": {r: result.count(r) for r in RESULTS},
            "written": [str(p) for p in result.written],
            "units": [o.as_dict() for o in result.outcomes]}


def _table(result) -> None:
    from ..exchange.importer import RESULTS, SKIPPED, UNCHANGED, WRITTEN

    for o in result.outcomes:
        if o.result not in (WRITTEN, UNCHANGED, SKIPPED):
            where = f"{o.file}:{o.line}" if o.line else o.file
            click.echo(f"{where}: {o.unit}: {o.result}: {o.reason}")
    verb = "would write" if result.dry_run else "wrote"
    for path in result.written:
        click.echo(f"{verb} {path}")
    counts = ", ".join(f"{result.count(r)} {r}" for r in RESULTS if result.count(r))
    click.echo(f"{len(result.outcomes)} units: {counts or 'none'}"
               + (f"; as {result.by} on {result.at}" if result.count(WRITTEN) else "")
               + (" (dry run: nothing written)" if result.dry_run else ""))


COMMANDS = [export, import_translations]
