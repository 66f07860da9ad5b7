"""Browsing the collection: rows for `publish list` and the record for `publish show`, and
how a terminal shows them (JSON for scripts)."""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping
from typing import Any

from rich.console import Console
from rich.markup import escape

from .derived import derived, require
from .errors import PublishError
from .ids import unknown_paper
from .languages import source_of
from .model import Block, Collection, Text, external_link
from .sanitise import terminal
from .status.states import STYLE  # list speaks status's states


def paper_rows(collection: Collection, languages: tuple[str, ...],
               states: Mapping[str, Mapping[str, str]], lang: str | None = None,
               list_id: str | None = None) -> list[dict[str, Any]]:
    """One row per paper; `languages` are the columns, each the paper's state in it as
    `publish status` has it (`states`: paper id -> language -> state; a derived language,
    such as zh-Hant, shows its source's), `lang` keeps the papers with text in it and shows
    titles in it."""
    d = derived(lang)
    if d is not None:
        require(d.lang, [code for code in languages if not derived(code)])
    if list_id is not None:
        if list_id not in collection.lists:
            known = ", ".join(sorted(collection.lists)) or "none yet"
            raise PublishError(f"unknown list id {list_id!r} (known: {known})")
        entries = collection.lists[list_id].entries
        papers = [(collection.papers[e.paper], e) for e in entries if e.paper in collection.papers]
    else:
        papers = [(p, None) for p in sorted(collection.papers.values(), key=lambda p: p.id)]
    rows = []
    for paper, entry in papers:
        if lang is not None and source_of(lang) not in paper.texts:
            continue
        row: dict[str, Any] = {
            "id": paper.id,
            "title": (d.convert(paper.title_in(d.source)) if d else paper.title_in(lang))
            if lang else paper.title,
            "year": paper.meta.year,
            "lists": list(paper.meta.lists),
            "languages": {code: states[paper.id][source_of(code)] for code in languages},
        }
        if entry is not None:
            row.update(position=entry.position, section=entry.section, rank=entry.rank,
                       added=entry.added.isoformat())
        rows.append(row)
    return rows


def _title_marker(value: str | None) -> dict[str, str | None] | None:
    from .blocks import parse_attrs

    attrs = parse_attrs(value) if value else None
    if attrs is None:
        return None
    return {"origin": attrs["from"], "translation_of": attrs["src"], "state": attrs["state"],
            "by": attrs.get("by"), "at": attrs.get("at")}


def _text_record(text: Text, lang: str) -> dict[str, Any]:
    """A text as `show` prints it; a derived language's is its source's, converted, with the
    source file's path, lines and hashes (what a person edits and `review` records)."""
    d = derived(lang)

    def block(b: Block) -> dict[str, Any]:
        origin = d.lang if d and b.origin == d.source else b.origin
        return {"line": b.line, "kind": b.kind, "origin": origin, "hash": b.hash,
                "translation_of": b.source_hash, "state": b.state,
                "provenance": b.provenance,  # an abstract's service and id (enrich)
                "text": d.convert(b.text) if d else b.text}

    record: dict[str, Any] = {
        "path": str(text.path),
        "local_title": d.convert(text.local_title) if d and text.local_title
        else text.local_title,
        # what the local title translates (blocks.format_attrs), as a block's marker says
        "title_translation": _title_marker(text.title_translation),
        "blocks": [block(b) for b in text.blocks],
    }
    if d is not None:
        record.update(derived_from=d.source, converter=d.method)
    return record


def paper_record(collection: Collection, paper_id: str,
                 lang: str | None = None) -> dict[str, Any]:
    """Everything about one paper; with `lang`, only that language's text (a derived language
    converted from its source's)."""
    d = derived(lang)
    paper = collection.papers.get(paper_id)
    if paper is None:
        raise PublishError(unknown_paper(paper_id, collection.papers))
    m = paper.meta
    return {
        "id": paper.id,
        "title": d.convert(m.title) if d else m.title,
        "aliases": m.aliases,
        "authors": m.authors,
        "year": m.year,
        "venue": m.venue,
        "arxiv": m.arxiv,
        "doi": m.doi,
        "openalex": m.openalex,
        "s2": m.s2,
        "url": external_link(m)[0],
        "citations": m.citations,
        "citations_source": m.citations_source,
        "citations_date": m.citations_date,
        "area": m.area,
        "lists": [
            {"list": lid, "position": e.position, "section": e.section, "rank": e.rank,
             "added": e.added.isoformat()}
            for lid in m.lists if lid in collection.lists
            for e in collection.lists[lid].entries if e.paper == paper.id
        ],
        "conflicts": [{"field": c.field, "value": c.value, "source": c.source}
                      for c in m.conflicts],
        "metadata_in": paper.source_lang,
        # blocks per stored language, whatever --lang shows: where the text is
        "blocks": {code: len(text.blocks) for code, text in paper.texts.items()},
        "texts": {
            code: _text_record(text, code)
            for code, text in ([(lang, paper.texts[source_of(lang)])]
                               if lang and source_of(lang) in paper.texts else
                               [] if lang else paper.texts.items())
        },
    }


# ---------------------------------------------------------------------------------------------
# In a terminal


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
             *((r["languages"][c], STYLE.get(r["languages"][c], "")) for c in languages),
             (r.get("section") or "", "")] for r in rows)
    title = f"{len(rows)} papers" + (f" in {list_id}" if list_id else "")
    console.print(title + "\n" + render(widths, header, body, right=[True, False, False, True]),
                  soft_wrap=True)


def _shown(value: object) -> str:
    """Content in rich markup: escaped, control characters dropped (sanitise.terminal)."""
    return escape(terminal(str(value)))


def print_paper(record: dict[str, Any], lang: str | None = None) -> None:
    console = _console()
    console.print(f"[bold]{_shown(record['title'])}[/]  ({record['id']})")
    for key in ("aliases", "authors", "year", "venue", "arxiv", "doi", "openalex", "s2", "url",
                "citations", "area"):
        value = record[key]
        if value:
            shown = ", ".join(value) if isinstance(value, list) else value
            if key == "citations" and record["citations_source"]:
                shown = f"{shown} ({record['citations_source']}, {record['citations_date']})"
            console.print(f"  {key:<10}{_shown(shown)}")
    for entry in record["lists"]:
        where = " · ".join(str(x) for x in (entry["section"], entry["rank"] and
                                           f"rank {entry['rank']}") if x)
        console.print(f"  list      {entry['list']} #{entry['position']}"
                      f"{'  ' + _shown(where) if where else ''}  (added {entry['added']})")
    for c in record["conflicts"]:
        console.print(f"  [yellow]conflict[/]  {c['field']}: {_shown(c['source'])} says "
                      f"{_shown(c['value'])}")
    if lang is not None and lang not in record["texts"]:
        console.print(f"\n[bold]{lang}[/] [red]missing[/]: no text in this language yet")
    for code, text in record["texts"].items():
        marker = text.get("title_translation")
        console.print(f"\n[bold]{code}[/] {text['path']}"
                      + (f" — {_shown(text['local_title'])}" if text["local_title"] else "")
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
            if b["provenance"]:
                origin += f" (abstract from {b['provenance']})"
            first = terminal(b["text"])
            console.print(f"  {b['line']:>4} {b['kind']:<9} {origin:<12} "
                          f"{first[:90]}{'…' if len(first) > 90 else ''}", markup=False)
