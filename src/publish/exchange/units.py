"""What an export holds: one unit per block (and per title) that needs work in one language
pair, read off `publish status` — its pairing of blocks, its states — never worked out again.

A unit carries the source block, the text there is now in the target language (a machine
draft, or a translation of an older version of the source) as a suggestion, what the
translator should know (the paper, the state, glossary terms in the block), and the record
the import needs (see `ids`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..check.files import Term
from ..check.pairs import has_term
from ..config import Config
from ..errors import PublishError
from ..model import Block, Collection, Paper
from ..status.compute import Unit, paper_status
from ..status.states import MACHINE_STATE, MISSING, OUTDATED
from .ids import Record, UnitId
from .inline import Piece, Segment, aligned, display, segment

EXPORT_STATES = (MISSING, OUTDATED, MACHINE_STATE)


@dataclass(frozen=True)
class Pair:
    source: str
    target: str


def resolve_pair(config: Config, to: str, source: str | None) -> Pair:
    """The language pair of an export: `to`, and `source` or the one other language."""
    if to not in config.languages:
        raise PublishError(f"--to {to!r} is not a language of this project (languages: "
                           f"{', '.join(config.languages)})")
    others = [lang for lang in config.languages if lang != to]
    if source is None:
        if len(others) != 1:
            raise PublishError(f"--from is needed: the project has {len(others)} other "
                               f"languages than {to} ({', '.join(others)})")
        source = others[0]
    if source not in others:
        raise PublishError(f"--from {source!r} must be another language of the project than "
                           f"--to {to!r}")
    return Pair(source, to)


@dataclass(frozen=True)
class ExportUnit:
    id: UnitId
    state: str  # missing, outdated or machine
    source: Block
    target: Block | None  # the text there is now, offered as a suggestion
    segment: Segment
    suggestion: tuple[Piece, ...] | None  # `target` with the source's codes
    record: Record
    notes: tuple[str, ...]
    location: tuple[str, int]  # the source file (relative to the project) and line
    previous: str | None = None  # the source text `target` was made from (outdated units)

    @property
    def suggestion_text(self) -> str | None:
        return display(self.suggestion) if self.suggestion is not None else None


@dataclass
class PaperUnits:
    paper: Paper
    source_path: str  # relative to the project
    note: str
    units: list[ExportUnit] = field(default_factory=list)


def _rel(config: Config, path: Path) -> str:
    return path.relative_to(config.root).as_posix()


def _glossary_note(text: str, pair: Pair, terms: Sequence[Term]) -> str | None:
    found: list[str] = []
    for term in terms:
        src, tgt = term.forms.get(pair.source), term.forms.get(pair.target)
        if not src or not tgt:
            continue
        hit = has_term(text, src, term.keep)
        if hit is not None:
            found.append(f"keep {hit!r} as it is" if term.keep else f"{hit!r} → {tgt[0]!r}")
    return "glossary: " + "; ".join(dict.fromkeys(found)) if found else None


def _state_note(unit: Unit, pair: Pair) -> str:
    block = unit.block
    if unit.state == MISSING or block is None:
        return f"missing: no {pair.target} translation yet"
    who = f"{block.by or 'someone'}" + (f" on {block.at}" if block.at else "")
    if unit.state == MACHINE_STATE:
        return f"machine draft by {who}: the suggested target is unreviewed machine output"
    what = "a machine draft" if unit.machine else "a person's translation"
    return (f"outdated: the suggested target is {what} (by {who}) of an earlier version of "
            "the source")


def paper_note(paper: Paper, pair: Pair) -> str:
    year = f" ({paper.meta.year})" if paper.meta.year else ""
    local = paper.texts.get(pair.target)
    also = (f" / {local.local_title}" if local and local.local_title
            and local.local_title != paper.title else "")
    lists = f"; lists: {', '.join(paper.meta.lists)}" if paper.meta.lists else ""
    return f"paper {paper.id}: {paper.title}{also}{year}{lists}"


def paper_units(config: Config, paper: Paper, pair: Pair, states: Iterable[str],
                keep: Sequence[str], titles: frozenset[str], terms: Sequence[Term]
                ) -> PaperUnits | None:
    """The units of one paper in `states`; None when it has none."""
    wanted = set(states)
    status = paper_status(paper, pair.target, config.languages)
    holder = paper.texts.get(paper.source_lang)
    source_text = paper.texts.get(pair.source)
    source_path = (_rel(config, source_text.path) if source_text else
                   _rel(config, config.lang_dir(pair.source) / f"{paper.id}.md"))
    out = PaperUnits(paper, source_path, paper_note(paper, pair))
    title = status.title
    if (title is not None and title.source is not None and title.source.lang == pair.source
            and title.state in wanted):
        seg = segment(title.source.text, "title", keep, titles)
        path = _rel(config, holder.path) if holder else source_path
        out.units.append(_unit(UnitId(paper.id, title.source.hash, title=True), title, seg,
                               Record(title.block.hash if title.block else None, None, None),
                               pair, keep, titles, terms, (path, title.source.line)))
    body = [u for u in status.units if u.source is not None and u.source.lang == pair.source]
    seen: dict[str, int] = {}
    for i, unit in enumerate(body):
        assert unit.source is not None
        seen[unit.source.hash] = seen.get(unit.source.hash, 0) + 1
        if unit.state not in wanted:
            continue
        record = Record(unit.block.hash if unit.block else None,
                        body[i - 1].original.hash if i else None,
                        body[i + 1].original.hash if i + 1 < len(body) else None)
        uid = UnitId(paper.id, unit.source.hash, occurrence=seen[unit.source.hash])
        seg = segment(unit.source.text, unit.source.kind, keep, titles)
        out.units.append(_unit(uid, unit, seg, record, pair, keep, titles, terms,
                               (source_path, unit.source.line)))
    return out if out.units else None


def _unit(uid: UnitId, unit: Unit, seg: Segment, record: Record, pair: Pair,
          keep: Sequence[str], titles: frozenset[str], terms: Sequence[Term],
          location: tuple[str, int]) -> ExportUnit:
    assert unit.source is not None
    suggestion = None
    if unit.block is not None:
        kind = "title" if uid.title else unit.block.kind
        suggestion = aligned(seg, segment(unit.block.text, kind, keep, titles))
    notes = [_state_note(unit, pair)]
    glossary = _glossary_note(unit.source.text, pair, terms)
    if glossary:
        notes.append(glossary)
    return ExportUnit(uid, unit.state, unit.source, unit.block, seg, suggestion, record,
                      tuple(notes), location)


def select(config: Config, papers: Iterable[Paper], pair: Pair, states: Iterable[str],
           keep: Sequence[str], titles: frozenset[str], terms: Sequence[Term]
           ) -> list[PaperUnits]:
    states = tuple(states)
    for state in states:
        if state not in EXPORT_STATES:
            raise PublishError(f"--state {state!r}: only {', '.join(EXPORT_STATES)} units "
                               "are exported")
    found = (paper_units(config, p, pair, states, keep, titles, terms) for p in papers)
    return [p for p in found if p is not None]


def project_terms(config: Config, collection: Collection
                  ) -> tuple[list[str], frozenset[str], list[Term]]:
    """What is protected (the glossary's keep terms, known titles), as translate protects
    it, and the glossary's terms for the notes."""
    from ..check.files import load_project_files
    from ..translate.protect import load_keep_terms, title_keys

    keep = load_keep_terms(config.content_dir / "glossary.yaml", config.languages)
    titles = title_keys([p.meta.title for p in collection.papers.values()])
    terms, _ = load_project_files(config)
    return keep, titles, terms
