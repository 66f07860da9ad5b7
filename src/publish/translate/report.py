"""What `publish translate` prints: a progress bar while it runs, then what it did — a rich
summary for people, JSON for scripts."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from rich.console import Console
from rich.progress import (
    BarColumn,
    Progress,
    TaskProgressColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table

from . import run
from .zh_hant import DeriveResult


def _console(stderr: bool = False) -> Console:
    return Console(soft_wrap=False, highlight=False, stderr=stderr)


def _json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


@contextmanager
def progress_bar(enabled: bool = True) -> Iterator[Callable[[run.Progress], None]]:
    """A callback for `run.translate` that draws blocks done, characters sent and the ETA on
    stderr; nothing when stderr is not a terminal (CI logs, pipes)."""
    console = _console(stderr=True)
    if not enabled or not console.is_terminal:
        yield lambda p: None
        return
    bar = Progress(
        TextColumn("[bold]translate[/]"), BarColumn(), TaskProgressColumn(),
        TextColumn("{task.fields[blocks]} blocks"), TextColumn("{task.fields[chars]} chars sent"),
        TextColumn("{task.fields[failed]}"), TimeElapsedColumn(), TextColumn("ETA"),
        TimeRemainingColumn(), console=console, transient=False)
    task = bar.add_task("translate", total=None, blocks="0/0", chars="0", failed="")

    def update(p: run.Progress) -> None:
        bar.update(task, total=max(p.chars_total, 1), completed=p.chars_done,
                   blocks=f"{p.blocks_done}/{p.blocks_total}", chars=f"{p.chars_sent:,}",
                   failed=f"[red]{p.failed} failed[/]" if p.failed else "")

    with bar:
        yield update


def result_dict(r: run.Result) -> dict[str, Any]:
    data: dict[str, Any] = {
        "to": r.to, "from": list(r.froms), "backend": r.backend, "dry_run": r.dry_run,
        "papers": r.papers, "blocks": r.blocks, "titles": r.titles, "unique": r.unique,
        "from_memory": r.from_memory, "copied": r.copied, "to_send": r.to_send,
        "characters_to_send": r.chars_to_send, "titles_for_review": r.titles_for_review,
    }
    if r.dry_run:
        data["missing_keys"] = r.missing_keys
        data["per_paper"] = r.per_paper
        data["left"] = r.left
        return data
    data.update(requests=r.requests, characters_sent=r.chars_sent, seconds=r.seconds,
                drafted=r.drafted,
                written=[str(p) for p in r.written], failed=r.failed, left=r.left,
                stopped=r.stopped, interrupted=r.interrupted)
    return data


def print_result(r: run.Result, fmt: str) -> None:
    if fmt == "json":
        _json(result_dict(r))
        return
    console = _console()
    pair = f"{'+'.join(r.froms)} → {r.to}"
    if r.dry_run:
        titles = f" ({r.titles} of them titles)" if r.titles else ""
        console.print(f"[bold]dry run[/] ({r.backend}, {pair}): {r.blocks} blocks to draft in "
                      f"{r.papers} papers{titles}; {r.unique} distinct, {r.from_memory} in the "
                      f"translation memory, {r.copied} copied as they are (code, math); "
                      f"[bold]{r.to_send} would be sent, {r.chars_to_send:,} characters[/]. "
                      "Nothing sent, nothing written.")
        if r.missing_keys:
            console.print(f"[yellow]{r.backend} needs {', '.join(r.missing_keys)} in the "
                          "environment before a real run.[/]")
        rows = [p for p in r.per_paper if p["blocks"]]
        if rows:
            from ..termtable import render

            # One write with fixed widths (rich's Table took seconds for a thousand papers),
            # the id last and whole so it can be copied into --paper.
            cells = ([(f"{p['blocks']:,}", ""), (f"{p['from_memory']:,}", ""),
                      (f"{p['to_send']:,}", ""), (f"{p['characters']:,}", ""),
                      ("new" if p["create"] else "", ""), (p["paper"], "")] for p in rows)
            table = render([6, 9, 7, 10, 4, max(len(p["paper"]) for p in rows)],
                           ["blocks", "in memory", "to send", "characters", "file", "paper"],
                           cells, right=[True, True, True, True])
            console.print("\n[bold]Per paper[/]")
            console.print(table, soft_wrap=True)
        if r.left:
            console.print(f"--limit leaves {len(r.left)} papers for a later run.")
        _titles_for_review(console, r)
        return
    console.print(f"{r.backend} {pair}: {r.drafted} drafts written into {len(r.written)} "
                  f"files; {r.from_memory} from the translation memory, {r.requests} requests, "
                  f"{r.chars_sent:,} characters sent.")
    for path in r.written[:10]:
        console.print(f"  wrote {path}", markup=False, soft_wrap=True)
    if len(r.written) > 10:
        console.print(f"  … and {len(r.written) - 10} more files")
    if r.blocks == 0:
        console.print("Nothing to draft: no block is missing a translation"
                      + (" or outdated" if r.froms else "") + ".")
    if r.failed:
        table = Table(title="Blocks not drafted", title_justify="left")
        for col in ("paper", "where", "why"):
            table.add_column(col, overflow="fold")
        for f in r.failed:
            where = f"{f['path']}:{f['line']}" if f.get("line") else str(f["path"])
            table.add_row(f["paper"], where, f["reason"])
        console.print(table)
    if r.stopped:
        console.print(f"[red]stopped:[/] {r.stopped}")
    if r.interrupted:
        console.print("[red]interrupted[/]: finished blocks are kept; run again to continue.")
    _titles_for_review(console, r)
    if r.left:
        console.print(f"[yellow]{len(r.left)} papers still miss drafts[/] (run again to "
                      f"continue): {', '.join(r.left[:20])}{' …' if len(r.left) > 20 else ''}")


def _titles_for_review(console: Any, r: run.Result) -> None:
    if r.titles_for_review:
        ids = r.titles_for_review
        console.print(f"{len(ids)} outdated title(s) a person wrote, left for a person (the "
                      f"published title changed): {', '.join(ids[:10])}"
                      f"{' …' if len(ids) > 10 else ''}; edit, then `publish review ID "
                      f"--lang {r.to}`", markup=False, soft_wrap=True)


def print_backends(rows: list[dict[str, Any]], fmt: str) -> None:
    if fmt == "json":
        _json(rows)
        return
    table = Table(title="Translation backends (publish translate --backend NAME)",
                  title_justify="left")
    table.add_column("name", no_wrap=True)
    table.add_column("needs", no_wrap=True)
    table.add_column("ready", no_wrap=True)
    table.add_column("zh", no_wrap=True)
    table.add_column("chars", justify="right", no_wrap=True)
    table.add_column("note", ratio=1, overflow="fold")
    for r in rows:
        needs = [*r["needs"], *(f"({v})" for v in r["optional"])]
        table.add_row(r["name"], "\n".join(needs) or "—",
                      "[green]yes[/]" if r["ready"] else "[red]no[/]", r["codes"].get("zh", ""),
                      f"{r['limit']:,}", r["note"])
    console = _console()
    console.print(table)
    console.print("(VAR): optional. chars: characters per request; longer blocks are split at "
                  "sentences. Keys are read from the environment (or publish.toml's "
                  "[translate] table), never from the command line.", markup=False)


def print_derived(result: DeriveResult, fmt: str, dry_run: bool) -> None:
    if fmt == "json":
        _json({"to": "zh-Hant", "from": ["zh"], "dry_run": dry_run, "papers": result.papers,
               "written": [str(p) for p in result.written], "unchanged": result.unchanged,
               "removed": [str(p) for p in result.removed]})
        return
    verb = "would write" if dry_run else "wrote"
    console = _console()
    console.print(f"zh-Hant (OpenCC s2twp from zh): {result.papers} papers; {verb} "
                  f"{len(result.written)}, {result.unchanged} unchanged, "
                  f"{len(result.removed)} stale removed.")
    for path in result.written:
        console.print(f"  {verb} {path}", markup=False, soft_wrap=True)
