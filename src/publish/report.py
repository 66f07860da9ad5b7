"""Terminal output: rich tables for people, JSON for scripts."""

from __future__ import annotations

import json
import sys
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from .imports import ImportResult
from .status_report import STATE_STYLE  # list speaks status's states


def _console() -> Console:
    return Console(soft_wrap=False, highlight=False)


def _json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def print_papers(rows: list[dict[str, Any]], fmt: str, languages: tuple[str, ...],
                 list_id: str | None) -> None:
    """Ids are whole (they are what `show` and `review` take); the title, which an id spells
    anyway, and the section get what room is left."""
    from .termtable import render

    if fmt == "json":
        _json(rows)
        return
    console = _console()
    id_w = max([len(r["id"]) for r in rows] + [2])
    pos_w = max([len(str(r.get("position", ""))) for r in rows] + [1]) if list_id else 0
    state_w = 9
    fixed = (pos_w + 1 if list_id else 0) + id_w + 1 + 5 + (state_w + 1) * len(languages)
    room = console.width - fixed - 1
    section_w = min(30, room // 3) if list_id and room >= 30 else 0
    title_w = room - (section_w + 1 if section_w else 0)
    title_w = title_w if title_w >= 12 else 0
    widths = [pos_w, id_w, title_w, 4, *([state_w] * len(languages)), section_w]
    header = ["#", "id", "title", "year", *languages, "section"]
    body = ([(str(r.get("position", "")), ""), (r["id"], ""), (r["title"], ""),
             (str(r["year"] or ""), ""),
             *((r["languages"][c], STATE_STYLE.get(r["languages"][c], "")) for c in languages),
             (r.get("section") or "", "")] for r in rows)
    title = f"{len(rows)} papers" + (f" in {list_id}" if list_id else "")
    console.print(title + "\n" + render(widths, header, body, right=[True, False, False, True]),
                  soft_wrap=True)


def print_paper(record: dict[str, Any], lang: str | None = None) -> None:
    console = _console()
    console.print(f"[bold]{record['title']}[/]  ({record['id']})")
    for key in ("authors", "year", "venue", "arxiv", "doi", "url", "citations", "area"):
        value = record[key]
        if value:
            shown = ", ".join(value) if isinstance(value, list) else value
            console.print(f"  {key:<10}{shown}")
    for entry in record["lists"]:
        where = " · ".join(str(x) for x in (entry["section"], entry["rank"] and
                                           f"rank {entry['rank']}") if x)
        console.print(f"  list      {entry['list']} #{entry['position']}"
                      f"{'  ' + where if where else ''}  (added {entry['added']})")
    for c in record["conflicts"]:
        console.print(f"  [yellow]conflict[/]  {c['field']}: {c['source']} says {c['value']}")
    if lang is not None and lang not in record["texts"]:
        console.print(f"\n[bold]{lang}[/] [red]missing[/]: no text in this language yet")
    for code, text in record["texts"].items():
        marker = text.get("title_translation")
        console.print(f"\n[bold]{code}[/] {text['path']}"
                      + (f" — {escape(text['local_title'])}" if text["local_title"] else "")
                      + (f" ({marker['state']} translation of {marker['origin']}:"
                         f"{marker['translation_of']})" if marker else ""))
        if "derived_from" in text:
            console.print(f"  derived from {text['derived_from']} with {text['converter']}: "
                          "edit the text, at these lines, in the file above")
        if not text["blocks"]:
            elsewhere = {c: n for c, n in record.get("blocks", {}).items() if n and c != code}
            hint = "; ".join(f"the text is in {c} ({n} blocks), not yet in {code}: "
                             f"publish translate --to {code} --paper {record['id']}"
                             for c, n in elsewhere.items()) or "metadata only: no text yet"
            console.print(f"  ({hint})", markup=False)
        for b in text["blocks"]:
            origin = ("original" if b["translation_of"] is None
                      else f"{b['state']} translation of {b['origin']}:{b['translation_of']}")
            first = b["text"].replace("\n", " ")
            console.print(f"  {b['line']:>4} {b['kind']:<9} {origin:<12} "
                          f"{first[:90]}{'…' if len(first) > 90 else ''}", markup=False)


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
            table.add_row(title, pid, f"{score:.0f}")
        console.print(table)
    if r.conflicts:
        table = Table(title="Conflicting metadata (first value kept, other recorded)",
                      title_justify="left")
        for col in ("paper", "field", "kept", "this list says"):
            table.add_column(col, overflow="fold")
        for pid, name, old, new in r.conflicts:
            table.add_row(pid, name, old, new)
        console.print(table)
    if r.kept:
        console.print(f"{len(r.kept)} entries are no longer in the source; kept in the list.")
    if r.unconfirmed:
        console.print(f"[yellow]{len(r.unconfirmed)} entries have no title in the source.[/] "
                      f"Proposals are in {result.titles_file}: check each, set "
                      "`confirmed: true`, and import again.")
