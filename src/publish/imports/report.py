"""What `publish import` prints: a table for people, JSON for scripts."""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from ..sanitise import terminal

if TYPE_CHECKING:
    from . import ImportResult


def _console() -> Console:
    return Console(soft_wrap=False, highlight=False)


def _json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def shown(text: str) -> str:
    """Text from the source list, for a table: no markup, no control characters."""
    return escape(terminal(str(text)))


def print_import(result: ImportResult, fmt: str) -> None:
    r = result.report
    if fmt == "json":
        _json({
            "list": r.list_id, "entries": r.entries, "dry_run": result.dry_run,
            "created": r.created, "matched": [{"id": i, "by": how} for i, how in r.matched],
            "duplicates": [{"id": i, "line": ln} for i, ln in r.duplicates],
            "unsure": [{"title": t, "similar_to": i, "score": s} for t, i, s in r.unsure],
            "conflicts": [{"id": i, "field": f, "kept": o, "other": n}
                          for i, f, o, n in r.conflicts],
            "unconfirmed": r.unconfirmed, "kept": r.kept,
            "changed": [str(p) for p in result.changed],
            "titles_file": str(result.titles_file) if result.titles_file else None,
        })
        return
    console = _console()
    verb = "would change" if result.dry_run else "changed"
    console.print(f"[bold]{r.list_id}[/]: {r.entries} entries read; {len(r.created)} new "
                  f"papers, {len(r.matched)} already known, {len(r.duplicates)} repeated "
                  f"within the list; {len(result.changed)} files {verb}.")
    if r.unsure:
        table = Table(title="Similar titles kept as different papers (check them)",
                      title_justify="left")
        for col in ("title", "similar to", "score"):
            table.add_column(col, overflow="fold")
        for title, pid, score in r.unsure:
            table.add_row(shown(title), pid, f"{score:.0f}")
        console.print(table)
    if r.conflicts:
        table = Table(title="Conflicting metadata (first value kept, other recorded)",
                      title_justify="left")
        for col in ("paper", "field", "kept", "this list says"):
            table.add_column(col, overflow="fold")
        for pid, name, old, new in r.conflicts:
            table.add_row(pid, name, shown(old), shown(new))
        console.print(table)
    if r.kept:
        console.print(f"{len(r.kept)} entries are no longer in the source; kept in the list.")
    if r.unconfirmed:
        console.print(f"[yellow]{len(r.unconfirmed)} entries have no title in the source.[/] "
                      f"Proposals are in {result.titles_file}: check each, set "
                      "`confirmed: true`, and import again.")
