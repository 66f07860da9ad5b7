"""What `publish enrich` prints: a progress bar while it looks up, then what it found and
changed — tables for people, JSON for scripts. Everything a service said is escaped before
it reaches the terminal (rich markup included)."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from . import fetch
from .record import LABELS
from .run import PaperResult, Result

ROWS = 40  # rows of a table before "… and N more"


def _console(stderr: bool = False) -> Console:
    return Console(soft_wrap=False, highlight=False, stderr=stderr)


@contextmanager
def progress_bar(enabled: bool = True) -> Iterator[Callable[[fetch.Progress], None]]:
    """Lookups done of those known so far (the count grows as found papers are looked up in
    further services), requests sent, answers from the cache; on stderr, when it is a
    terminal."""
    console = _console(stderr=True)
    if not enabled or not console.is_terminal:
        yield lambda p: None
        return
    bar = Progress(TextColumn("[bold]enrich[/]"), BarColumn(), MofNCompleteColumn(),
                   TextColumn("lookups · {task.fields[requests]} requests · {task.fields[cached]}"
                              " from the cache{task.fields[failed]}"), TimeElapsedColumn(),
                   console=console, transient=False)
    task = bar.add_task("enrich", total=None, requests=0, cached=0, failed="")

    def update(p: fetch.Progress) -> None:
        bar.update(task, total=max(p.lookups_total, 1), completed=p.lookups_done,
                   requests=p.requests, cached=p.from_cache,
                   failed=f" · [red]{p.failed} failed[/]" if p.failed else "")

    with bar:
        yield update


def _change(c: Any) -> dict[str, Any]:
    return {"field": c.field, "old": c.old, "new": c.new, "source": c.source}


def paper_dict(p: PaperResult) -> dict[str, Any]:
    return {"id": p.id, "title": p.title, "status": p.status, "how": p.how or None,
            "changes": [_change(c) for c in p.changes],
            "conflicts": [_change(c) for c in p.conflicts], "abstract": p.abstract,
            "candidates": p.candidates, "failed": p.failed}


def result_dict(r: Result) -> dict[str, Any]:
    return {
        "dry_run": r.dry_run, "sources": list(r.sources),
        "papers": {"total": len(r.papers), "found": r.count("found"),
                   "unsure": r.count("unsure"), "no_match": r.count("no match"),
                   "failed": r.count("failed")},
        "lookups": r.lookups, "requests": r.requests, "from_cache": r.from_cache,
        "seconds": round(r.seconds, 3), "written": [str(p) for p in r.written],
        "unsure_file": str(r.unsure_file) if r.unsure_file else None,
        "warnings": r.warnings, "results": [paper_dict(p) for p in r.papers],
    }


def print_result(r: Result, fmt: str) -> None:
    if fmt == "json":
        sys.stdout.write(json.dumps(result_dict(r), ensure_ascii=False, indent=2) + "\n")
        return
    console = _console()
    for warning in r.warnings:
        console.print(f"[yellow]warning:[/] {escape(warning)}")
    filled = sum(len(p.changes) for p in r.papers)
    conflicts = sum(len(p.conflicts) for p in r.papers)
    abstracts = sum(p.abstract is not None for p in r.papers)
    verb = "would change" if r.dry_run else "changed"
    console.print(
        f"[bold]enrich[/] ({', '.join(LABELS[s] for s in r.sources)}): {len(r.papers)} "
        f"papers — {r.count('found')} found, {r.count('unsure')} unsure, "
        f"{r.count('no match')} no match, {r.count('failed')} failed; {filled} fields "
        f"filled, {conflicts} conflicts kept, {abstracts} abstracts added; {r.lookups} "
        f"lookups, {r.requests} requests, {r.from_cache} from the cache; "
        f"{len(r.written)} files {verb} ({r.seconds:.1f} s).")
    _table(console, "Filled (and titles made the published ones, the old kept as aliases)",
           ("paper", "field", "was", "now", "from"),
           [(p.id, c.field, _short(c.old or ""), _short(c.new), c.source) for p in r.papers
            for c in p.changes])
    _table(console, "Conflicts (the paper's value kept, the service's recorded)",
           ("paper", "field", "kept", "the service says", "from"),
           [(p.id, c.field, c.old or "", c.new, c.source) for p in r.papers
            for c in p.conflicts])
    _table(console, "Unsure: a person decides (publish enrich --confirm PAPER N, --reject "
                    "PAPER)", ("paper", "n", "candidate", "why"),
           [(p.id, str(i), _candidate(c), c.get("why", "")) for p in r.papers
            for i, c in enumerate(p.candidates, 1)])
    _table(console, "Failed (asked again next run)", ("paper", "service", "why"),
           [(p.id, s, why) for p in r.papers for s, why in p.failed.items()
            if p.status == "failed"])
    if r.unsure_file and r.count("unsure"):
        console.print(f"Candidates are listed in {escape(str(r.unsure_file))}.")


def _short(value: str, limit: int = 80) -> str:
    return value if len(value) <= limit else value[:limit - 1] + "…"


def _candidate(c: dict[str, str]) -> str:
    return " · ".join(x for x in (c.get("ref"), c.get("title"), c.get("year"),
                                  c.get("authors")) if x)


def _table(console: Console, title: str, columns: tuple[str, ...],
           rows: list[tuple[str, ...]]) -> None:
    if not rows:
        return
    table = Table(title=title, title_justify="left")
    for col in columns:
        table.add_column(col, overflow="fold")
    for row in rows[:ROWS]:
        table.add_row(*(escape(cell) for cell in row))
    console.print(table)
    if len(rows) > ROWS:
        console.print(f"… and {len(rows) - ROWS} more (--format json lists them all)")
