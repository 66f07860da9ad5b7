"""What `publish import` prints: a summary and a table of every entry for people, JSON for
scripts. Both say, entry by entry, what happened — created, matched (and how), repeated,
unsure (and with what), untitled, skipped (and why) — and sum it up."""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from ..sanitise import terminal
from .base import PAPER

if TYPE_CHECKING:
    from . import ImportResult


def _console() -> Console:
    return Console(soft_wrap=False, highlight=False)


def _json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def summary(result: ImportResult) -> dict[str, Any]:
    """The counts: read, papers, skipped by reason, created, matched by how, unsure,
    untitled, conflicts, unused columns."""
    r = result.report
    matched: dict[str, int] = {}
    for _, how in r.matched:
        matched[how] = matched.get(how, 0) + 1
    return {
        "read": r.entries,
        "papers": r.papers,
        "skipped": dict(sorted(r.skipped.items(), key=lambda kv: (-kv[1], kv[0]))),
        "created": len(r.created),
        "matched": matched,
        "repeated": len(r.duplicates),
        "unsure": len({new for *_, new in r.unsure}),
        "untitled": len(r.unconfirmed),
        "conflicts": len(r.conflicts),
        "unused_columns": list(result.raw.unused),
        "warnings": sum(len(i.warnings) for i in r.items) + len(result.raw.warnings),
        "files_changed": len(result.changed),
    }


def _items(result: ImportResult) -> list[dict[str, Any]]:
    out = []
    for item in result.report.items:
        row: dict[str, Any] = {"line": item.line, "title": item.title,
                               "kind": item.kind, "outcome": item.outcome}
        if item.paper:
            row["paper"] = item.paper
        if item.how:
            row["by"] = item.how
        if item.kind != PAPER and item.why:
            row["why"] = item.why
        if item.unsure:
            row["similar_to"] = [{"paper": u.paper, "why": u.why} for u in item.unsure]
        if item.warnings:
            row["warnings"] = list(item.warnings)
        out.append(row)
    return out


def shown(text: object) -> str:
    """Text from the source list, for a table: no markup, no control characters."""
    return escape(terminal(str(text)))


def print_import(result: ImportResult, fmt: str) -> None:
    r = result.report
    if fmt == "json":
        _json({
            "list": r.list_id, "file": str(result.path), "format": result.raw.shape,
            "entries": r.entries, "dry_run": result.dry_run, "exit": result.exit_code,
            "summary": summary(result),
            "created": r.created, "matched": [{"id": i, "by": how} for i, how in r.matched],
            "duplicates": [{"id": i, "line": ln} for i, ln in r.duplicates],
            "unsure": [{"title": t, "paper": new, "similar_to": i, "score": s, "why": why}
                       for t, i, s, why, new in r.unsure],
            "conflicts": [{"id": i, "field": f, "kept": o, "other": n}
                          for i, f, o, n in r.conflicts],
            "unconfirmed": r.unconfirmed, "kept": r.kept,
            "warnings": [{"line": ln, "message": m} for ln, m in result.raw.warnings],
            "items": _items(result),
            "changed": [str(p) for p in result.changed],
            "titles_file": str(result.titles_file) if result.titles_file else None,
        })
        return
    console = _console()
    s = summary(result)
    verb = "would change" if result.dry_run else "changed"
    skipped = sum(s["skipped"].values())
    how = ", ".join(f"{n} by {k}" for k, n in s["matched"].items())
    console.print(
        f"[bold]{escape(r.list_id)}[/]: {s['read']} entries read, {s['papers']} papers; "
        f"{s['created']} new papers, {len(r.matched)} already known"
        + (f" ({how})" if how else "") + f", {s['repeated']} repeated within the list"
        + (f"; {skipped} skipped ("
           + ", ".join(f"{n} {k}" for k, n in s["skipped"].items()) + ")" if skipped else "")
        + f"; {s['files_changed']} files {verb}.")
    _entries_table(console, result)
    if r.unsure:
        table = Table(title="Unsure: maybe the same paper (settle with `publish merge A B` "
                            "or `publish merge --keep-apart A B`)", title_justify="left")
        for col in ("new paper", "maybe", "why"):
            table.add_column(col, overflow="fold")
        for _title, pid, _score, why, new in r.unsure:
            table.add_row(shown(new), escape(pid), shown(why))
        console.print(table)
    if r.conflicts:
        table = Table(title="Conflicting metadata (first value kept, other recorded)",
                      title_justify="left")
        for col in ("paper", "field", "kept", "this list says"):
            table.add_column(col, overflow="fold")
        for pid, name, old, new in r.conflicts:
            table.add_row(escape(pid), name, shown(old), shown(new))
        console.print(table)
    if result.raw.unused:
        console.print("Columns nobody reads (map one with --column FIELD=HEADER): "
                      + escape(", ".join(result.raw.unused)))
    for line, message in result.raw.warnings:
        console.print(f"{escape(str(result.path))}:{line}: {shown(message)}")
    if r.kept:
        console.print(f"{len(r.kept)} entries are no longer in the source; kept in the list.")
    if r.unconfirmed:
        console.print(f"[yellow]{len(r.unconfirmed)} entries have no title in the source.[/] "
                      f"Proposals are in {escape(str(result.titles_file))}: check each, set "
                      "`confirmed: true`, and import again.")


def _entries_table(console: Console, result: ImportResult) -> None:
    """One row per entry that was not simply created or matched: what a person should
    look at (skipped, repeated, unsure, untitled, warned)."""
    rows = [i for i in result.report.items
            if i.outcome not in ("created", "matched") or i.warnings]
    if not rows:
        return
    table = Table(title="Entries to look at", title_justify="left")
    for col in ("line", "entry", "what happened"):
        table.add_column(col, overflow="fold")
    for item in rows:
        what = {
            "skipped": f"skipped: {item.why or item.kind}",
            "included": f"kept although {item.why or item.kind} (--include all)",
            "repeated": f"repeated: {item.paper}",
            "unsure": f"new paper {item.paper}, maybe "
                      + ", ".join(u.paper for u in item.unsure),
            "untitled": "no title in the source",
        }.get(item.outcome, f"{item.outcome}: {item.paper}")
        if item.warnings:
            what += "; " + "; ".join(item.warnings)
        title = (item.title or "")[:70] + ("…" if item.title and len(item.title) > 70 else "")
        table.add_row(str(item.line), shown(title), shown(what))
    console.print(table)
