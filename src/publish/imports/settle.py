"""`publish merge A B`: a person settles a pair an import was unsure about. Either B is the
same work as A — B is folded into A (metadata filled, text appended, lists pointed at A,
B's title kept as a name of A) and B's files are removed — or, with `--keep-apart`, they
are different works and no import proposes them again. Both are recorded in
`content/imports/decisions.yaml`, so re-importing any list keeps the decision."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from .. import clock
from ..blocks import format_marker
from ..config import Config
from ..content.decisions import Decisions, Merged, decisions_path, read_decisions, render_decisions
from ..content.files import paper_to_files, render_list_file
from ..content.load import Snapshot, load_collection
from ..content.write import DEFAULT_WAIT, Transaction, project_lock
from ..errors import PublishError
from ..fields import CONFLICT, SOURCE_FIELDS
from ..ids import unknown_paper
from ..model import Collection, Conflict, Entry, Paper, Text
from .guard import check_staged
from .normalise import title_key


@dataclass
class Settled:
    keep: str
    other: str
    apart: bool
    changed: list[Path] = field(default_factory=list)
    conflicts: list[tuple[str, str, str]] = field(default_factory=list)  # field, kept, other
    dry_run: bool = False


def settle(config: Config, keep: str, other: str, apart: bool = False,
           today: date | None = None, wait: float = DEFAULT_WAIT,
           dry_run: bool = False) -> Settled:
    """Record that `keep` and `other` are one work (folding `other` into `keep`), or with
    `apart`, two works. Under the project's writer lock, atomically."""
    if keep == other:
        raise PublishError(f"{keep!r} twice: name two different papers")
    today = today or clock.today()
    with project_lock(config.root, "merge", wait):
        collection = load_collection(config)
        seen = Snapshot(collection)
        for pid in (keep, other):
            if pid not in collection.papers:
                raise PublishError(unknown_paper(pid, collection.papers))
        path = decisions_path(config.content_dir)
        decisions, before = read_decisions(path)
        result = Settled(keep, other, apart, dry_run=dry_run)
        tx = Transaction(config.root)
        if apart:
            if not decisions.kept_apart(keep, other):
                decisions.apart.append((keep, other, today.isoformat()))
        else:
            if decisions.kept_apart(keep, other):
                raise PublishError(f"{keep} and {other} were kept apart (a decision in "
                                   f"{path}); remove that decision to merge them", path)
            _fold(collection, keep, other, result, decisions, today)
            paper = collection.papers[keep]
            for lang, text in paper_to_files(paper).items():
                target = config.lang_dir(lang) / f"{keep}.md"
                tx.write(target, text, seen.expect(target))
            for lang in config.languages:
                gone = config.lang_dir(lang) / f"{other}.md"
                if gone.exists():
                    tx.remove(gone, seen.expect(gone))
            for rl in collection.lists.values():
                if keep in {e.paper for e in rl.entries}:
                    target = config.lists_dir / f"{rl.id}.yaml"
                    tx.write(target, render_list_file(rl), seen.expect(target))
        tx.write(path, render_decisions(decisions), before)
        check_staged(config, tx, collection)
        if dry_run:
            result.changed = sorted([*tx.changed(), *(p for p in tx.removed if p.exists())])
        else:
            result.changed = tx.commit("merge")
        return result


def _fold(collection: Collection, keep: str, other: str, result: Settled,
          decisions: Decisions, today: date) -> None:
    a, b = collection.papers[keep], collection.papers.pop(other)
    meta, gone = a.meta, b.meta
    for f in SOURCE_FIELDS:
        new, old = getattr(gone, f.name), getattr(meta, f.name)
        if new is None or new == [] or f.name == "aliases":
            continue
        if old is None or old == []:
            setattr(meta, f.name, list(new) if isinstance(new, list) else new)
        elif f.merge == CONFLICT and str(old).lower() != str(new).lower():
            conflict = Conflict(f.name, str(new), f"merge:{other}")
            if conflict not in meta.conflicts:
                meta.conflicts.append(conflict)
            result.conflicts.append((f.name, str(old), str(new)))
    names = [*meta.aliases]
    for name in (gone.title, *gone.aliases):
        if title_key(name) != title_key(meta.title) and title_key(name) not in {
                title_key(n) for n in names}:
            names.append(name)
    meta.aliases = names
    meta.lists = sorted(set(meta.lists) | set(gone.lists))
    meta.conflicts += [c for c in gone.conflicts if c not in meta.conflicts]
    for lang, text in b.texts.items():
        _fold_text(a, lang, text)
    for rl in collection.lists.values():
        entries = {e.paper: e for e in rl.entries}
        if other not in entries:
            continue
        moved = entries.pop(other)
        if keep in entries:
            kept = entries[keep]
            for section in (moved.section, *moved.also_in):
                if section and section != kept.section and section not in kept.also_in:
                    kept.also_in.append(section)
        else:
            entries[keep] = Entry(paper=keep, position=moved.position, added=moved.added,
                                  section=moved.section, rank=moved.rank, year=moved.year,
                                  also_in=list(moved.also_in))
        rl.entries = sorted(entries.values(), key=lambda e: e.position)
    decisions.merged.append(Merged(keep, other, gone.title, gone.arxiv, gone.doi,
                                   today.isoformat()))


def _fold_text(paper: Paper, lang: str, text: Text) -> None:
    """Append the other paper's blocks this paper's file in `lang` lacks (by hash), with
    their translation markers; its local title when this one has none."""
    mine = paper.texts.get(lang)
    have = {blk.hash for blk in mine.blocks} if mine else set()
    pieces = []
    for blk in text.blocks:
        if blk.hash in have:
            continue
        marker = format_marker(blk.origin, blk.source_hash, blk.state or "human", blk.by,
                               blk.at) + "\n" if blk.source_hash else ""
        pieces.append(marker + blk.text)
    if mine is None:
        mine = paper.texts[lang] = Text(
            lang=lang, path=text.path.with_name(f"{paper.id}.md"), body="", body_line=1,
            meta_in=None if lang == paper.source_lang else paper.source_lang)
    if pieces:
        old = mine.body.rstrip("\n")
        mine.body = (old + "\n\n" if old else "") + "\n\n".join(pieces) + "\n"
        mine.__dict__.pop("blocks", None)
    if not mine.local_title and text.local_title:
        mine.local_title, mine.title_translation = text.local_title, text.title_translation
