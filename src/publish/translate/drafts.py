"""Which blocks need a machine draft, and where each draft goes in its file.

The plan is read off `publish.status`: for the target language, every source block that is
`missing` (and, when asked, `outdated`) gets a draft. Drafts are written with line-level edits
(`publish.edit`), so everything else in the file stays byte for byte:

- a missing block's draft goes right after the target-language block paired with the
  previous source block, so drafts appear in source order;
- an outdated *machine* draft is replaced;
- an outdated *person's* translation is kept, and the new draft goes right after it: a person
  decides what to keep (`publish status` then reports the old block as an orphan);
- originals and current person translations are never touched.

A paper's title is drafted when `publish.status` counts it as a unit and it is missing (a
paper with no text anywhere: the title is all there is) or an outdated machine draft: the
draft goes into the front matter as `local_title`, with its marker as `title_translation`.
An outdated person's title is left for a person.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..blocks import format_attrs, format_marker
from ..config import Config
from ..content.edit import insert_after, replace_block, set_front_keys
from ..content.files import render_paper_file
from ..content.textfile import read_text
from ..content.write import ABSENT, Expect, Transaction
from ..errors import PublishError
from ..model import MACHINE, Block, Collection, Paper, Text
from ..status import MISSING, OUTDATED, paper_status

INSERT, REPLACE, BESIDE, TITLE_DRAFT = "insert", "replace", "beside", "title"
ONLY_CHOICES = ("missing", "outdated", "all")

ItemKey = tuple[str, str]  # (source language, source block hash)


@dataclass(frozen=True)
class Need:
    """One draft to write into one paper's target file."""

    source: Block
    action: str  # INSERT a missing block, REPLACE an outdated machine draft, BESIDE a person's,
    # TITLE_DRAFT: set the local title
    old: Block | None  # the outdated block replaced or kept (None for INSERT)
    anchor: Block | None  # the draft goes after this block; None: at the start of the body
    order: int  # place among the paper's source blocks

    @property
    def key(self) -> ItemKey:
        return (self.source.lang, self.source.hash)



@dataclass
class PaperPlan:
    paper: Paper
    path: Path
    target: Text | None  # None: the file does not exist yet
    needs: list[Need] = field(default_factory=list)
    title_for_review: bool = False  # an outdated title a person wrote
    refused: dict[str, object] | None = None  # its machine title is in a form not edited

    @property
    def keys(self) -> set[ItemKey]:
        return {n.key for n in self.needs}


@dataclass
class Item:
    """One distinct source block: sent once however many papers (or places) need it."""

    key: ItemKey
    source: Block
    papers: list[str] = field(default_factory=list)

    @property
    def lang(self) -> str:
        return self.key[0]


@dataclass
class Plan:
    to: str
    froms: tuple[str, ...]
    papers: list[PaperPlan]
    items: dict[ItemKey, Item]
    # Papers whose outdated title a person wrote: no draft replaces it, a person looks.
    titles_for_review: list[str] = field(default_factory=list)
    refused: list[dict[str, object]] = field(default_factory=list)  # see PaperPlan.refused

    @property
    def blocks(self) -> int:
        return sum(len(p.needs) for p in self.papers)

    @property
    def titles(self) -> int:
        return sum(n.action == TITLE_DRAFT for p in self.papers for n in p.needs)


def select_papers(collection: Collection, list_id: str | None,
                  paper_ids: Sequence[str]) -> list[Paper]:
    if list_id is not None and list_id not in collection.lists:
        raise PublishError(f"unknown list {list_id!r} (known: "
                           f"{', '.join(sorted(collection.lists)) or 'none'})")
    papers = collection.in_list(list_id) if list_id else [
        collection.papers[k] for k in sorted(collection.papers)]
    if paper_ids:
        unknown = [pid for pid in paper_ids if pid not in collection.papers]
        if unknown:
            raise PublishError(f"unknown paper id {unknown[0]!r}")
        wanted = set(paper_ids)
        papers = [p for p in papers if p.id in wanted]
    return papers


def anchor_for(units_blocks: list[Block | None], i: int, file_blocks: list[Block]
                ) -> Block | None:
    """Where the draft of unit `i` goes: after the target block of the nearest earlier unit;
    failing that, just before the target block of the nearest later one; failing that (no
    source block of this language is translated yet), after the file's last block."""
    for j in range(i - 1, -1, -1):
        if units_blocks[j] is not None:
            return units_blocks[j]
    for j in range(i + 1, len(units_blocks)):
        later = units_blocks[j]
        if later is not None:
            at = next(k for k, b in enumerate(file_blocks) if b is later)
            return file_blocks[at - 1] if at else None
    return file_blocks[-1] if file_blocks else None


def plan_paper(config: Config, paper: Paper, to: str, froms: Iterable[str], only: str
               ) -> PaperPlan:
    text = paper.texts.get(to)
    plan = PaperPlan(paper, config.lang_dir(to) / f"{paper.id}.md", text)
    status = paper_status(paper, to, config.languages)
    file_blocks = text.blocks if text else []
    want = {"missing": (MISSING,), "outdated": (OUTDATED,), "all": (MISSING, OUTDATED)}[only]
    title = status.title
    if (title is not None and title.source is not None and title.source.lang in froms
            and title.state in want):
        if title.state == MISSING or title.machine:
            refused = _title_not_editable(plan) if title.block is not None else None
            if refused is None:
                plan.needs.append(Need(title.source, TITLE_DRAFT, title.block, None, -1))
            else:  # found now rather than after its draft was paid for
                plan.refused = refused
        else:
            plan.title_for_review = True
    for lang in froms:
        units = [u for u in status.units if u.source is not None and u.source.lang == lang]
        blocks = [u.block for u in units]
        for i, unit in enumerate(units):
            if unit.state not in want or unit.source is None:
                continue
            if unit.state == MISSING:
                need = Need(unit.source, INSERT, None, anchor_for(blocks, i, file_blocks), i)
            elif unit.machine:
                need = Need(unit.source, REPLACE, unit.block, unit.block, i)
            else:
                need = Need(unit.source, BESIDE, unit.block, unit.block, i)
            plan.needs.append(need)
    return plan


def _title_not_editable(plan: PaperPlan) -> dict[str, object] | None:
    """Why the file's local title cannot be replaced by a line edit (set_front_keys), as a
    failure entry; None when it can."""
    try:
        set_front_keys(read_text(plan.path), {"local_title": "-", "title_translation": "-"},
                       plan.path)
    except PublishError as exc:
        problem = exc.problems[0]
        return {"paper": plan.paper.id, "path": str(problem.path or plan.path),
                "line": problem.line, "reason": problem.message}
    return None


def make_plan(config: Config, collection: Collection, to: str, froms: Sequence[str],
              only: str, list_id: str | None = None, paper_ids: Sequence[str] = ()) -> Plan:
    papers = []
    items: dict[ItemKey, Item] = {}
    for_review: list[str] = []
    refused: list[dict[str, object]] = []
    for paper in select_papers(collection, list_id, paper_ids):
        pp = plan_paper(config, paper, to, froms, only)
        if pp.title_for_review:
            for_review.append(paper.id)
        if pp.refused:
            refused.append(pp.refused)
        if not pp.needs:
            continue
        papers.append(pp)
        for need in pp.needs:
            item = items.setdefault(need.key, Item(need.key, need.source))
            if paper.id not in item.papers:
                item.papers.append(paper.id)
    return Plan(to, tuple(froms), papers, items, for_review, refused)


# ---------------------------------------------------------------------------------------------
# Writing


Ready = tuple[Need, tuple[str, str]]  # a need and its (marker line, draft text)


def edited_body(text: Text, ready: list[Ready]) -> str:
    """`text`'s body with the drafts in. Edits go bottom-up, so the line numbers of the
    blocks above each edit stay true; at one block, the insertions after it go before its
    own replacement."""
    inserts: dict[int, tuple[Block | None, list[tuple[str, str]]]] = {}
    edits: list[tuple[int, int, Block | None, list[tuple[str, str]]]] = []
    for need, pair in sorted(ready, key=lambda r: r[0].order):
        if need.action == REPLACE:
            assert need.old is not None
            edits.append((need.old.line, 0, need.old, [pair]))
        else:
            inserts.setdefault(id(need.anchor), (need.anchor, []))[1].append(pair)
    for anchor, pairs in inserts.values():
        edits.append((anchor.line if anchor else -1, 1, anchor, pairs))
    body = text.body
    for _, kind, block, pairs in sorted(edits, key=lambda e: (e[0], e[1]), reverse=True):
        current = Text(text.lang, text.path, body, text.body_line)
        if kind == 1:
            body = insert_after(current, block, pairs)
        else:
            assert block is not None
            marker, draft = pairs[0]
            body = replace_block(current, block, marker, draft)
    return body if body.endswith("\n") else body + "\n"


def fresh_body(ready: list[Ready]) -> str:
    """A body of drafts only, in source order, a blank line between blocks."""
    return "\n\n".join(f"{marker}\n{draft}" for _, (marker, draft)
                       in sorted(ready, key=lambda r: r[0].order)) + "\n"


def render_drafts(plan: PaperPlan, drafts: dict[ItemKey, str], by: str, at: str
                  ) -> tuple[Path, str, Expect] | None:
    """The target file's new text with every need whose draft is in `drafts`, and what the
    file must still be on disk when it is written (its bytes as read here, or absent), or
    None when no draft is in. Refuses (PublishError) when the file changed on disk since the
    plan read it."""
    ready: list[Ready] = [
        (n, (format_marker(n.source.lang, n.source.hash, MACHINE, by=by, at=at), drafts[n.key]))
        for n in plan.needs if n.key in drafts and n.action != TITLE_DRAFT]
    title: dict[str, str] = {}
    for n in plan.needs:
        if n.key in drafts and n.action == TITLE_DRAFT:
            title = {"local_title": drafts[n.key], "title_translation":
                     format_attrs(n.source.lang, n.source.hash, MACHINE, by, at)}
    if not ready and not title:
        return None
    return (plan.path, *paper_file(plan.paper, plan.path, plan.target, ready, title))


def paper_file(paper: Paper, path: Path, target: Text | None, ready: list[Ready],
               title: dict[str, str]) -> tuple[str, Expect]:
    """The text of `paper`'s file at `path` (`target` as loaded, None when there is none yet)
    with the `ready` blocks written in and the front-matter keys in `title` set, and what the
    file must still be on disk when it is written (its bytes as read here, or absent).
    Refuses (PublishError) when the file changed on disk since it was loaded."""
    if target is None:  # planned for no file: written only if there is still none
        front = {"meta_in": paper.source_lang, **title}
        return render_paper_file(front, fresh_body(ready) if ready else ""), ABSENT
    on_disk = read_text(path)
    read = on_disk.encode("utf-8")
    if not on_disk.endswith(target.body):
        raise PublishError("changed on disk while this run was working on it; run again",
                           path)
    if title:  # a line edit of the front matter, refused unless it reads back as meant
        on_disk = set_front_keys(on_disk, title, path)
    head = on_disk[: len(on_disk) - len(target.body)]
    if not ready:
        return on_disk, read
    if not target.body.strip():
        return (head if head.endswith("\n\n") else head + "\n") + fresh_body(ready), read
    return head + edited_body(target, ready), read


class Writer:
    """Writes papers whose drafts are in, a batch at a time: one Transaction (two fsyncs and
    a scan of content/) per half second rather than one per paper. A paper waits at most that
    long; if the run is killed meanwhile, its drafts are in the translation memory and the
    next run writes them without sending anything."""

    def __init__(self, root: Path, plans: Sequence[PaperPlan], drafts: dict[ItemKey, str],
                 by: str, at: str, every: float = 0.5):
        self.root = root
        self.plans = {p.paper.id: p for p in plans}
        self.drafts = drafts
        self.by, self.at, self.every = by, at, every
        self.queued: list[str] = []
        self.seen: set[str] = set()
        self.written: list[Path] = []
        self.drafted = 0
        self.failed: list[dict[str, object]] = []
        self._last = time.monotonic()

    def add(self, paper_id: str) -> None:
        if paper_id not in self.seen:
            self.seen.add(paper_id)
            self.queued.append(paper_id)

    def flush(self, force: bool = False) -> None:
        if not self.queued or (not force and time.monotonic() - self._last < self.every):
            return
        tx = Transaction(self.root)
        drafted = 0
        for paper_id in self.queued:
            plan = self.plans[paper_id]
            try:
                out = render_drafts(plan, self.drafts, by=self.by, at=self.at)
            except PublishError as exc:
                problem = exc.problems[0]
                self.failed.append({"paper": paper_id, "path": str(problem.path or plan.path),
                                    "line": problem.line, "reason": problem.message})
                continue
            if out is not None:
                tx.write(*out)
                drafted += sum(1 for n in plan.needs if n.key in self.drafts)
        # A file someone changed since it was read is left alone (its drafts stay in the
        # translation memory for the next run); the others are written.
        for problem in tx.conflicts():
            path = Path(str(problem.path))
            del tx.files[path], tx.expected[path]
            plan = self.plans[path.stem]
            drafted -= sum(1 for n in plan.needs if n.key in self.drafts)
            self.failed.append({"paper": path.stem, "path": str(path), "line": problem.line,
                                "reason": problem.message})
        self.written += tx.commit("translate")
        self.drafted += drafted
        self.queued.clear()
        self._last = time.monotonic()
