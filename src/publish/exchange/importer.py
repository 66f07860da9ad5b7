"""`publish import-translations`: what a translator finished in XLIFF or PO, written back into
content/ as a person's translations.

All files are read and checked first: a file that cannot be trusted as a whole (broken XML or
PO, a language pair the project does not have, an id publish never wrote, a unit twice) is
refused with its line, and nothing is written. Then each finished unit is placed the way
`publish status` pairs blocks and becomes `state=human` with the export's source hash:

- its source unchanged: the block is written (or its draft replaced) and is `current`;
- its source edited since the export: written against the old hash, so it is `outdated` and
  reported, never silently current (its place is found from the blocks around it);
- the text the export offered was changed in content/ since by a person: a conflict,
  reported, nothing overwritten (a machine draft is no one's text: it is replaced);
- a protected piece (math, code, a URL…) lost or changed: refused, with file and unit;
- unfinished (fuzzy, needing review, empty) units are left alone, and a unit already
  imported is `unchanged`: importing a file twice changes nothing.

Every write goes through one Transaction, committed in `apply` alone.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

from ..blocks import format_attrs, format_marker, normalise
from ..config import Config
from ..content.write import Expect, Transaction
from ..errors import Problem, PublishError
from ..languages import LANGUAGES
from ..model import HUMAN, MACHINE, TITLE, Block, Collection, Paper
from ..sanitise import control_problem
from ..status.compute import Unit, paper_status
from ..status.states import CURRENT
from ..status.states import OUTDATED as OUTDATED_STATE
from ..translate.drafts import INSERT, REPLACE, Need, Ready, anchor_for, paper_file
from ..translate.protect import PlaceholderError
from .ids import Record, UnitId, parse_unit_id
from .inline import block_syntax, not_one_block, restore_block, segment
from .po import read_po
from .read import ReadFile, ReadUnit
from .units import Pair
from .xliff_read import read_xliff

WRITTEN, OUTDATED, UNCHANGED, SKIPPED, CONFLICT, REFUSED = (
    "written", "outdated", "unchanged", "skipped", "conflict", "refused")
RESULTS = (WRITTEN, OUTDATED, UNCHANGED, SKIPPED, CONFLICT, REFUSED)


@dataclass
class Outcome:
    file: str
    line: int | None
    unit: str
    result: str  # one of RESULTS
    reason: str = ""
    path: str | None = None  # the content file written (or that would be)
    by: str | None = None  # whose translation it was written as

    def as_dict(self) -> dict[str, object]:
        return {"file": self.file, "line": self.line, "unit": self.unit,
                "result": self.result, "reason": self.reason, "path": self.path,
                "by": self.by}


@dataclass
class ImportResult:
    dry_run: bool
    by: str
    at: str
    outcomes: list[Outcome] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)

    def count(self, result: str) -> int:
        return sum(o.result == result for o in self.outcomes)

    @property
    def ok(self) -> bool:
        return not (self.count(CONFLICT) or self.count(REFUSED))


# ---------------------------------------------------------------------------------------------
# Reading the files


def _decode(data: bytes, path: Path, charset: str = "utf-8") -> str | Problem:
    data = data.removeprefix(b"\xef\xbb\xbf")
    try:
        return data.decode(charset)
    except (UnicodeDecodeError, LookupError) as exc:
        start = getattr(exc, "start", 0)
        return Problem(f"not readable as {charset}: {exc}", path,
                       data.count(b"\n", 0, start) + 1)


def read_file(path: Path) -> ReadFile:
    """An XLIFF or PO file, told apart by its content (a leading `<` is XML)."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        return ReadFile(path, "?", problems=[Problem(f"cannot read: {exc.strerror}", path)])
    if data.removeprefix(b"\xef\xbb\xbf").lstrip()[:1] == b"<":
        return read_xliff(path, data)
    found = re.search(rb"charset=([A-Za-z0-9_.:-]+)", data[:4096])
    charset = found.group(1).decode() if found else "utf-8"
    try:
        codecs.lookup(charset)
    except LookupError:  # "CHARSET", as a template leaves it
        charset = "utf-8"
    text = _decode(data, path, charset)
    if isinstance(text, Problem):
        return ReadFile(path, "po", problems=[text])
    return read_po(path, text)


def _project_lang(tag: str | None, languages: Sequence[str]) -> str | None:
    """A language tag as tools write it (zh-CN, zh_Hans, en-US) as a project language; None
    for one the project does not store (zh-Hant is derived, never imported into)."""
    if not tag:
        return None
    tag = tag.replace("_", "-").strip()
    if tag in languages:
        return tag
    parts = tag.lower().split("-")
    if parts[0] == "zh" and any(p in ("hant", "tw", "hk", "mo") for p in parts[1:]):
        return None
    known = [code for code in languages if code.lower() == parts[0]]
    return known[0] if known and LANGUAGES.get(known[0], None) is not None else None


def file_pair(file: ReadFile, languages: Sequence[str]) -> Pair | Problem:
    target = _project_lang(file.target_lang, languages)
    source = _project_lang(file.source_lang, languages)
    if file.source_lang is None and target is not None:
        others = [code for code in languages if code != target]
        source = others[0] if len(others) == 1 else None
    if source is None or target is None or source == target:
        said = f"{file.source_lang or '?'} → {file.target_lang or '?'}"
        return Problem(f"the language pair {said} is not one of this project's "
                       f"({', '.join(languages)})", file.path, 1)
    return Pair(source, target)


@dataclass
class _Job:
    """One finished unit to place: from which file, into which paper."""

    file: ReadFile
    pair: Pair
    unit: ReadUnit
    id: UnitId
    by: str  # who translated it: --by, else its file's translator, else the default


def _translator(file: ReadFile, by: str | None, default: str) -> str | Problem:
    """Who the file's units are by: `by` (--by), else the name the file gives, else
    `default`. A name from a file that cannot go into a marker refuses the file."""
    from ..status.review import check_name

    if by is not None or not file.translator:
        return by or default or Problem("no name to record as who translated it: pass --by "
                                        "NAME", file.path, 1)
    try:
        return check_name(file.translator)
    except PublishError as exc:
        return Problem(f"its translator's name {file.translator!r} cannot go into a marker "
                       f"({exc.problems[0].message.split('(', 1)[-1].rstrip(')')}): pass --by "
                       "NAME", file.path, 1)


def check_files(files: Sequence[ReadFile], collection: Collection, languages: Sequence[str],
                by: str | None = None, default: str = "") -> tuple[list[_Job], list[Outcome]]:
    """The finished units to place, and the outcomes of the others; raises PublishError with
    every problem that refuses a file."""
    problems: list[Problem] = []
    jobs: list[_Job] = []
    outcomes: list[Outcome] = []
    seen: dict[str, tuple[Path, int | None]] = {}
    for file in files:
        problems += file.problems
        if file.problems:
            continue
        pair = file_pair(file, languages)
        name = _translator(file, by, default)
        if isinstance(pair, Problem) or isinstance(name, Problem):
            problems += [p for p in (pair, name) if isinstance(p, Problem)]
            continue
        for unit in file.units:
            where = f"unit {unit.id!r}" if unit.id else "a unit without an id"
            uid = parse_unit_id(unit.id)
            if uid is None:
                problems.append(Problem(f"{where} is not an id publish exports "
                                        "(<paper>.<block|title>.<hash>)", file.path, unit.line))
                continue
            if str(uid) in seen:
                first = seen[str(uid)]
                problems.append(Problem(f"{where} is there twice (also {first[0]}:{first[1]})",
                                        file.path, unit.line))
                continue
            seen[str(uid)] = (file.path, unit.line)
            paper = collection.papers.get(uid.paper)
            if paper is None:
                problems.append(Problem(f"{where}: unknown paper {uid.paper!r}", file.path,
                                        unit.line))
                continue
            wrong = _wrong_direction(paper, uid, pair)
            found = control_problem(unit.target) if unit.target else None
            if found is not None:  # what is imported, load accepts (issue 16)
                wrong = f"its translation holds a {found[1]}: remove it"
            if wrong:
                problems.append(Problem(f"{where}: {wrong}", file.path, unit.line))
                continue
            if not unit.translated:
                outcomes.append(Outcome(str(file.path), unit.line, unit.id, SKIPPED,
                                        "not finished (untranslated, fuzzy or to review)"))
                continue
            jobs.append(_Job(file, pair, unit, uid, name))
    if problems:
        raise PublishError.many(problems)
    return jobs, outcomes


def _wrong_direction(paper: Paper, uid: UnitId, pair: Pair) -> str | None:
    """Why the unit's source is not in the file's source language, when it plainly is not."""
    def hashes(lang: str) -> set[str]:
        text = paper.texts.get(lang)
        return {b.hash for b in text.blocks if b.is_original} if text else set()

    if uid.title or uid.hash in hashes(pair.source):
        return None
    if uid.hash in hashes(pair.target):
        return (f"its source is a {pair.target} block of {paper.id}, but the file says "
                f"{pair.source} → {pair.target}: the wrong language pair")
    return None


# ---------------------------------------------------------------------------------------------
# Placing units


@dataclass
class _Expected:
    """A placed unit, and what `publish status` must say of it once written."""

    index: int | None  # among the paper's source blocks; None: the title
    text: str
    outcome: Outcome
    ready: Ready | None


@dataclass
class _PaperEdits:
    paper: Paper
    lang: str
    path: Path
    ready: list[Ready] = field(default_factory=list)
    title: dict[str, str] = field(default_factory=dict)
    outcomes: list[Outcome] = field(default_factory=list)  # the units written here
    expected: list[_Expected] = field(default_factory=list)


class _Placer:
    def __init__(self, config: Config, pair: Pair, paper: Paper, keep: Sequence[str],
                 titles: frozenset[str], at: str):
        self.config, self.pair, self.paper = config, pair, paper
        self.keep, self.titles, self.at = keep, titles, at
        self.status = paper_status(paper, pair.target, config.languages)
        self.body = [u for u in self.status.units
                     if u.source is not None and u.source.lang == pair.source]
        text = paper.texts.get(pair.target)
        self.file_blocks = text.blocks if text else []
        self.edits = _PaperEdits(paper, pair.target,
                                 config.lang_dir(pair.target) / f"{paper.id}.md")
        self.used: set[int] = set()  # body units a job of this run already goes to

    def where(self) -> str:
        return str(self.edits.path)

    def _index(self, job: _Job) -> tuple[int | None, str]:
        """The body unit a job goes to, and "" or why it cannot be placed; the unit whose
        source has the job's hash (its n-th occurrence), else the one source block between
        the export's neighbours (the edited one)."""
        count = 0
        for i, unit in enumerate(self.body):
            if unit.original.hash == job.id.hash:
                count += 1
                if count == job.id.occurrence:
                    return i, ""
        record = job.unit.record
        if record is None:
            return None, ("its source changed since the export and the file lost the "
                          "publish-export note that says where it was: export again")
        hashes = [u.original.hash for u in self.body]
        start = hashes.index(record.prev) + 1 if record.prev in hashes else (
            0 if record.prev is None else None)
        end = (hashes.index(record.next, start or 0) if record.next in hashes[start or 0:]
               else len(hashes) if record.next is None else None)
        if start is None or end is None or end - start != 1:
            return None, ("its source changed since the export and the blocks around it "
                          "changed too, so its place is not certain: export again")
        return start, ""

    def place(self, job: _Job) -> Outcome:
        out = Outcome(str(job.file.path), job.unit.line, job.unit.id, REFUSED, path=self.where())
        if job.id.title:
            return self._title(job, out)
        index, why = self._index(job)
        if index is None:
            out.reason = why
            return out
        if index in self.used:
            out.reason = "another unit of the import goes to the same block"
            return out
        unit = self.body[index]
        assert unit.source is not None
        changed = unit.source.hash != job.id.hash
        if not changed:
            shown = segment(unit.source.text, unit.source.kind, self.keep, self.titles).display
            if normalise(shown) != normalise(job.unit.source):
                out.reason = (f"its source in the file is not the text at "
                              f"{self._source_where(unit)}: was it edited in the tool?")
                return out
        text = self._translation(job, unit.source, out)
        if text is None:
            return out
        block = unit.block
        if _settled(job, block, text, out):
            return out
        marker = format_marker(self.pair.source, job.id.hash, HUMAN, job.by, self.at)
        if block is None:
            blocks = [u.block for u in self.body]
            need = Need(unit.source, INSERT, None, anchor_for(blocks, index, self.file_blocks),
                        index)
        else:
            need = Need(unit.source, REPLACE, block, block, index)
        out.by = job.by
        ready: Ready = (need, (marker, text))
        self.edits.ready.append(ready)
        self.used.add(index)
        self.edits.expected.append(_Expected(index, text, out, ready))
        out.result = OUTDATED if changed else WRITTEN
        out.reason = ("its source changed since the export: written against the old "
                      "source, so it shows as outdated" if changed else "")
        self.edits.outcomes.append(out)
        return out

    def _source_where(self, unit: Unit) -> str:
        text = self.paper.texts.get(self.pair.source)
        path = text.path.relative_to(self.config.root).as_posix() if text else "?"
        return f"{path}:{unit.original.line}"

    def _translation(self, job: _Job, source: Block, out: Outcome) -> str | None:
        """The unit's translation as the block to write, or None (out says why)."""
        target = (job.unit.target or "").replace("\r\n", "\n").strip()
        if job.unit.problems:
            out.reason = job.unit.problems[0]
            return None
        bad = next((ch for ch in target if ord(ch) < 0x20 and ch not in "\n\t"), None)
        if bad is not None:
            out.reason = f"its translation has the control character U+{ord(bad):04X}"
            return None
        kind = "title" if job.id.title else source.kind
        checked = segment(job.unit.source, kind, self.keep, self.titles)
        like = block_syntax(source.text, kind)
        try:
            text = restore_block(checked, target, like)
        except PlaceholderError as exc:
            out.reason = str(exc)
            return None
        if job.id.title:
            return " ".join(text.split())
        why = not_one_block(text, source.kind, self.pair.target)
        if why:
            out.reason = f"its translation: {why}"
            return None
        return text

    def _title(self, job: _Job, out: Outcome) -> Outcome:
        title = self.status.title
        meta_title = self.paper.meta.title
        source = title.source if title is not None and title.source is not None else Block(
            TITLE, meta_title, self.paper.source_lang, self.paper.source_lang, 1, job.id.hash)
        if source.lang != self.pair.source:
            out.reason = (f"the title of {self.paper.id} is in {source.lang}, not "
                          f"{self.pair.source}")
            return out
        changed = source.hash != job.id.hash
        text = self._translation(job, source, out)
        if text is None:
            return out
        block = title.block if title is not None else None
        if _settled(job, block, text, out):
            return out
        self.edits.title = {"local_title": text, "title_translation": format_attrs(
            self.pair.source, job.id.hash, HUMAN, job.by, self.at)}
        self.edits.expected.append(_Expected(None, text, out, None))
        out.by = job.by
        out.result = OUTDATED if changed else WRITTEN
        out.reason = ("the title changed since the export: written against the old title, "
                      "so it shows as outdated" if changed else "")
        self.edits.outcomes.append(out)
        return out


def _settled(job: _Job, block: Block | None, text: str, out: Outcome) -> bool:
    """Whether the unit is settled without a write, `out` saying how: its translation is
    already there (UNCHANGED), or the text there must not be replaced (CONFLICT)."""
    if block is not None and block.state == HUMAN and block.source_hash == job.id.hash \
            and normalise(block.text) == normalise(text):
        out.result, out.reason = UNCHANGED, "already in content/"
        return True
    conflict = _conflict(block, job.unit.record)
    if conflict:
        out.result, out.reason = CONFLICT, conflict
    return bool(conflict)


def _conflict(block: Block | None, record: Record | None) -> str:
    """Why the text there now must not be replaced, or "": only what the export offered, or
    a machine draft (no person's text), is replaced."""
    if block is None:
        return ""
    if record is not None and record.target == block.hash:
        return ""
    if block.state == MACHINE and (record is None or record.target is None):
        return ""
    if record is None:
        return (f"{'a machine draft' if block.state == MACHINE else 'a person'} wrote the "
                "text there, and the file lost the publish-export note that says whether it "
                "is the one the export offered: compare by hand")
    return ("the text there changed in content/ since the export (by "
            f"{block.by or 'someone'}): compare by hand, nothing was overwritten")


# ---------------------------------------------------------------------------------------------
# The run


def plan_import(config: Config, collection: Collection, files: Sequence[ReadFile],
                by: str | None, default: str, at: str, keep: Sequence[str],
                titles: frozenset[str]) -> tuple[list[_PaperEdits], list[Outcome]]:
    jobs, outcomes = check_files(files, collection, config.languages, by, default)
    placers: dict[tuple[str, str], _Placer] = {}
    for job in sorted(jobs, key=lambda j: (j.id.paper, j.pair.target, not j.id.title)):
        key = (job.id.paper, job.pair.target)
        if key not in placers:
            placers[key] = _Placer(config, job.pair, collection.papers[job.id.paper], keep,
                                   titles, at)
        placed = placers[key]
        if placed.pair != job.pair:
            out = Outcome(str(job.file.path), job.unit.line, job.unit.id, REFUSED,
                          f"another file imports {placed.pair.source} → {job.pair.target} "
                          "into this paper in the same run: import them one at a time")
        else:
            out = placed.place(job)
        outcomes.append(out)
    order = {str(f.path): i for i, f in enumerate(files)}
    outcomes.sort(key=lambda o: (order.get(o.file, 0), o.line or 0))
    return [p.edits for p in placers.values() if p.edits.ready or p.edits.title], outcomes


def _misread(config: Config, edits: _PaperEdits, content: str) -> list[_Expected]:
    """The placed units `publish status` would not read back as meant from `content`: each
    paired with its own source block, `current`, or `outdated` when its source changed. (A
    translation of an edited source is paired by its place; with untranslated blocks just
    before it, status could pair it with one of them: then it is not written.)"""
    from ..content.files import parse_paper_file
    from ..errors import Problems

    problems = Problems()
    parsed = parse_paper_file(edits.path, edits.lang, content, problems, config.languages)
    if parsed is None or problems:
        return list(edits.expected)
    paper = replace(edits.paper, texts={**edits.paper.texts, edits.lang: parsed.text})
    status = paper_status(paper, edits.lang, config.languages)
    source_lang = next((e.ready[0].source.lang for e in edits.expected if e.ready), None)
    body = [u for u in status.units if u.source is not None and u.source.lang == source_lang]
    wrong: list[_Expected] = []
    for e in edits.expected:
        unit = status.title if e.index is None else body[e.index]
        want = OUTDATED_STATE if e.outcome.result == OUTDATED else CURRENT
        if unit is None or unit.block is None or unit.state != want or \
                normalise(unit.block.text) != normalise(e.text):
            wrong.append(e)
    return wrong


def render(config: Config, edits: _PaperEdits) -> tuple[str, Expect] | None:
    """The paper's new file, every unit in it checked by status (units it would misread are
    refused and left out), and what the file must still be when it is written; None when
    nothing is left to write."""
    while edits.expected:
        content, expect = paper_file(edits.paper, edits.path,
                                     edits.paper.texts.get(edits.lang), edits.ready, edits.title)
        wrong = _misread(config, edits, content)
        if not wrong:
            return content, expect
        for e in wrong:
            e.outcome.result = REFUSED
            e.outcome.reason = ("publish status would not pair it with its source block once "
                                "written (its source changed, and blocks before it have no "
                                "translation yet): translate those first, or export again")
            edits.expected.remove(e)
            if e.ready is None:
                edits.title = {}
            else:
                edits.ready.remove(e.ready)
    return None


def apply(config: Config, edits: Sequence[_PaperEdits], dry_run: bool) -> list[Path]:
    """Every paper's new file in one Transaction, committed here and only here (the caller
    holds the project's writer lock from reading the tree to this commit)."""
    tx = Transaction(config.root)
    problems: list[Problem] = []
    for e in edits:
        try:
            done = render(config, e)
        except PublishError as exc:
            problems += exc.problems
            continue
        if done is not None:
            tx.write(e.path, *done)
    problems += tx.conflicts()
    if problems:
        raise PublishError.many(problems)
    if dry_run:
        return sorted(tx.changed())
    return tx.commit("import-translations")


def import_translations(config: Config, paths: Sequence[Path], by: str | None = None,
                        dry_run: bool = False, today: date | None = None) -> ImportResult:
    from .. import clock
    from ..content.load import load_collection
    from ..status.review import check_name, reviewer
    from .units import project_terms

    files = [read_file(p) for p in paths]
    collection = load_collection(config)
    name = check_name(by) if by is not None else None
    try:
        default = check_name(reviewer(config.root) or "")
    except PublishError:
        default = ""  # only a problem for a file that names nobody (see _translator)
    at = (today or clock.today()).isoformat()
    keep, titles, _ = project_terms(config, collection)
    edits, outcomes = plan_import(config, collection, files, name, default, at, keep, titles)
    names = sorted({o.by for o in outcomes if o.by})
    result = ImportResult(dry_run, ", ".join(names) or name or default, at, outcomes)
    result.written = apply(config, edits, dry_run)
    return result
