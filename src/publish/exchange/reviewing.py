"""What the review page shows and does, without the web: the blocks (and titles) that need a
person's review in one language, and approving one, edited or not.

Approving a block as shown is `publish review` for that block (`status.review.review`, the
very function): its marker says `state=human`, who, when, and the source hash it is paired
with now. Approving an edited block writes the edited text under that same marker, through
the same Transaction. Either way the block on disk must still be the one the page showed:
if it changed since (someone edited the file, another review), nothing is written and the
page says to reload.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from ..blocks import format_attrs, format_marker
from ..config import Config
from ..content.write import Transaction
from ..errors import PublishError
from ..model import HUMAN, Collection, Paper
from ..sanitise import control_problem
from ..status.compute import Unit, paper_status
from ..status.states import CURRENT, OUTDATED, REVIEWABLE
from ..translate.drafts import REPLACE, Need, paper_file
from .ids import UnitId, parse_unit_id
from .inline import not_one_block


class ChangedOnDisk(PublishError):
    """The block is no longer what the page showed."""


@dataclass(frozen=True)
class Item:
    key: str  # `<source language>:<unit id>`: what the page sends back
    paper: str
    title: str
    state: str  # machine or outdated
    machine: bool
    source_lang: str
    source: str
    source_where: str  # path:line
    target: str
    target_where: str
    by: str | None
    at: str | None
    previous: str | None = None  # for an outdated one: the source it was translated from


def _rel(config: Config, path: Path) -> str:
    return path.relative_to(config.root).as_posix()


def _units(paper: Paper, lang: str, languages: Sequence[str]) -> list[tuple[str, Unit]]:
    """(key, unit) of every unit of the paper in `lang` whose source is in another language."""
    status = paper_status(paper, lang, languages)
    out: list[tuple[str, Unit]] = []
    title = status.title
    if title is not None and title.source is not None:
        out.append((f"{title.source.lang}:{UnitId(paper.id, title.source.hash, title=True)}",
                    title))
    seen: dict[tuple[str, str], int] = {}
    for unit in status.units:
        if unit.source is None:
            continue
        key = (unit.source.lang, unit.source.hash)
        seen[key] = seen.get(key, 0) + 1
        uid = UnitId(paper.id, unit.source.hash, occurrence=seen[key])
        out.append((f"{unit.source.lang}:{uid}", unit))
    return out


def review_items(config: Config, collection: Collection, lang: str,
                 papers: Sequence[Paper]) -> list[Item]:
    """The machine drafts and outdated translations in `lang`, paper by paper."""
    from .previous import Wanted, previous_texts

    found: list[tuple[Item, Wanted | None]] = []
    for paper in papers:
        text = paper.texts.get(lang)
        if text is None:
            continue
        for key, unit in _units(paper, lang, config.languages):
            if unit.state not in REVIEWABLE or unit.block is None or unit.source is None:
                continue
            source_text = paper.texts.get(unit.source.lang)
            source_path = source_text.path if source_text else text.path
            item = Item(
                key, paper.id, paper.title, unit.state, unit.machine, unit.source.lang,
                unit.source.text, f"{_rel(config, source_path)}:{unit.source.line}",
                unit.block.text, f"{_rel(config, text.path)}:{unit.block.line}",
                unit.block.by, unit.block.at)
            old = unit.block.source_hash
            wanted = (Wanted(source_path, unit.source.lang, old, unit.block.kind == "title")
                      if unit.state == OUTDATED and old else None)
            found.append((item, wanted))
    # an outdated one is shown with the source it was translated from, where it is found
    earlier = previous_texts(config.root, [w for _, w in found if w is not None])
    return [replace(item, previous=earlier.get((w.lang, w.hash))) if w else item
            for item, w in found]


@dataclass
class Approved:
    key: str
    path: str
    line: int
    before: str  # the state it had
    edited: bool
    by: str
    at: str
    text: str  # the text now on disk


def approve(config: Config, lang: str, key: str, shown: str, text: str, by: str,
            today: date) -> Approved:
    """Approve the unit `key` of the page in `lang`: as shown (`publish review`), or with the
    reviewer's `text`. Raises ChangedOnDisk when the file no longer has what was `shown`."""
    from ..content.load import load_collection
    from ..status.review import check_name, review

    name = check_name(by)
    uid = parse_unit_id(key.partition(":")[2])
    collection = load_collection(config)
    paper = collection.papers.get(uid.paper) if uid is not None else None
    found = dict(_units(paper, lang, config.languages)) if paper is not None else {}
    unit = found.get(key)
    if paper is None or unit is None or unit.block is None or unit.source is None:
        raise ChangedOnDisk("this block is no longer in content/: reload the page")
    text = text.replace("\r\n", "\n").strip()
    if unit.block.text != shown.replace("\r\n", "\n").strip():
        raise ChangedOnDisk(f"the block changed on disk since the page showed it ("
                            f"{paper.id}, line {unit.block.line}): reload the page")
    target = paper.texts[lang]
    rel = _rel(config, target.path)
    at = today.isoformat()
    if unit.state == CURRENT:
        raise ChangedOnDisk("already reviewed since the page showed it: reload the page")
    if unit.state not in REVIEWABLE:
        raise PublishError(f"not a block to review ({unit.state})")
    if text == unit.block.text:
        done = review(config, paper.id, lang, [unit.block.line], name, today)
        return Approved(key, rel, unit.block.line, unit.state, False, done.by, done.at, text)
    found = control_problem(text)
    if found is not None:  # what is written, load accepts (issue 16)
        raise PublishError(f"the edited text holds a {found[1]}: remove it")
    is_title = unit.block.kind == "title"
    if is_title:
        text = " ".join(text.split())
        if not text:
            raise PublishError("an empty title")
        title = {"local_title": text, "title_translation": format_attrs(
            unit.source.lang, unit.source.hash, HUMAN, name, at)}
        content, expect = paper_file(paper, target.path, target, [], title)
    else:
        why = not_one_block(text, unit.block.kind, lang)
        if why:
            raise PublishError(f"the edited text: {why}")
        marker = format_marker(unit.source.lang, unit.source.hash, HUMAN, name, at)
        need = Need(unit.source, REPLACE, unit.block, unit.block, 0)
        content, expect = paper_file(paper, target.path, target, [(need, (marker, text))],
                                     {})
    tx = Transaction(config.root)
    tx.write(target.path, content, expect=expect)
    tx.commit("review --serve")
    return Approved(key, rel, unit.block.line, unit.state, True, name, at, text)
