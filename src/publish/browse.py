"""Browsing the collection: rows for `publish list` and the record for `publish show`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .derived import derived, require
from .errors import PublishError
from .languages import source_of
from .model import Block, Collection, Text, external_link


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
        from rapidfuzz import process

        near = process.extract(paper_id, list(collection.papers), limit=3)
        hint = f"; did you mean {', '.join(n[0] for n in near)}?" if near else ""
        raise PublishError(f"unknown paper id {paper_id!r}{hint}")
    m = paper.meta
    return {
        "id": paper.id,
        "title": d.convert(m.title) if d else m.title,
        "authors": m.authors,
        "year": m.year,
        "venue": m.venue,
        "arxiv": m.arxiv,
        "doi": m.doi,
        "url": external_link(m)[0],
        "citations": m.citations,
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
