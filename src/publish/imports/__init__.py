"""`publish import`: read a reading list in any known shape and merge it into content/.

An import ends one of two ways: its entries are written and the project loads (exit 0, or
1 when a person must look at something: an untitled entry, an unsure pair), or nothing is
written and one line per problem says why (exit 2). Before anything is written, every file
the import would write is read back with the loader's own parsers: whatever an import
writes, `load` accepts.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from .. import clock
from ..config import Config
from ..content.decisions import decisions_path, read_decisions
from ..content.files import dump_yaml, load_yaml, paper_to_files, render_list_file
from ..content.load import Snapshot, load_collection
from ..content.textfile import decode
from ..content.write import DEFAULT_WAIT, Transaction, project_lock
from ..errors import PublishError
from ..ids import check_id
from .base import NEVER, PAPER, REASONS, RawList
from .columns import ColumnMap
from .guard import check_staged
from .merge import MergeReport, merge
from .propose import propose
from .sniff import FORMATS, read_source

__all__ = ["FORMATS", "ImportResult", "import_list", "read_source"]

# Exit codes of `publish import` (docs/commands-notes.md).
OK, NEEDS_A_PERSON, REFUSED = 0, 1, 2


def titles_path(config: Config, list_id: str) -> Path:
    return config.content_dir / "imports" / f"{list_id}.titles.yaml"


TITLES_HEADER = """\
# Titles for the entries of list '{list_id}' whose source does not name the paper.
# `publish import` proposed a title for each; a person checks it, corrects `title` if it is
# wrong, and sets `confirmed: true`. Only confirmed entries are imported, so a re-run
# reproduces the same papers.
"""


def _read_titles(path: Path) -> tuple[list[dict[str, Any]], bytes | None]:
    """The recorded entries, and the file's bytes (None when there is none yet)."""
    if not path.exists():
        return [], None
    raw = path.read_bytes()
    data = load_yaml(decode(raw, path), path)
    entries = data.get("entries") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        raise PublishError("expected 'entries:' with a list of positions and titles", path, 1)
    return [e for e in entries if isinstance(e, dict)], raw


@dataclass
class ImportResult:
    report: MergeReport
    raw: RawList
    path: Path
    changed: list[Path] = field(default_factory=list)
    titles_file: Path | None = None
    dry_run: bool = False

    @property
    def exit_code(self) -> int:
        return NEEDS_A_PERSON if self.report.needs_a_person else OK


def import_list(config: Config, path: Path, list_id: str, lang: str, fmt: str = "auto",
                dry_run: bool = False, today: date | None = None,
                titles: dict[str, str] | None = None,
                wait: float = DEFAULT_WAIT, include_all: bool = False,
                columns: ColumnMap | None = None) -> ImportResult:
    """Read `path`, merge it into the tree as list `list_id`, write atomically. The tree is
    read and written under the project's writer lock (waiting up to `wait` seconds for
    another writer)."""
    why = check_id(list_id)
    if why:
        raise PublishError(f"bad --list: {why}")
    if lang not in config.languages:
        raise PublishError(f"--lang {lang!r} is not a language of this project "
                           f"({', '.join(config.languages)})", config.root / "publish.toml")
    for code in titles or {}:
        if code not in config.languages:
            raise PublishError(f"--title for {code!r}, which is not a language of this project")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise PublishError(f"cannot read: {exc.strerror}", path) from None
    raw = read_source(path, data, fmt, columns)
    _refuse_if_no_papers(raw, path, include_all)
    with project_lock(config.root, "import", wait):
        return _import(config, path, data, raw, list_id, lang, dry_run, today, titles,
                       include_all)


def _refuse_if_no_papers(raw: RawList, path: Path, include_all: bool) -> None:
    """0 papers is never a silent success: say what was seen and why none of it counts."""
    if any(e.kind == PAPER or (include_all and e.kind not in NEVER) for e in raw.entries):
        return
    seen = ", ".join(f"{n} {shape}{'s' if n != 1 else ''}" for shape, n in raw.seen.items())
    skipped: dict[str, int] = {}
    for e in raw.entries:
        skipped[e.kind] = skipped.get(e.kind, 0) + 1
    why = "; ".join(f"{n} {REASONS.get(k, k)}" for k, n in
                    sorted(skipped.items(), key=lambda kv: -kv[1]))
    hint = " (--include all keeps what is not a table of contents, a badge or junk)" \
        if any(k not in NEVER for k in skipped) else ""
    raise PublishError(
        f"no papers found in this {raw.shape} file: saw {seen or 'nothing it knows'}"
        + (f"; skipped {why}" if why else "") + hint + "; nothing written", path, 1)


def _import(config: Config, path: Path, data: bytes, raw: RawList, list_id: str, lang: str,
            dry_run: bool, today: date | None, titles: dict[str, str] | None,
            include_all: bool) -> ImportResult:
    collection = load_collection(config)
    seen = Snapshot(collection)
    existing = collection.lists.get(list_id)
    if existing and existing.lang != lang:
        raise PublishError(f"list {list_id!r} is a {existing.lang} list; import it with "
                           f"--lang {existing.lang}", existing.path, 1)
    today = today or clock.today()
    decisions, _ = read_decisions(decisions_path(config.content_dir))
    tpath = titles_path(config, list_id)
    recorded, titles_bytes = _read_titles(tpath)
    confirmed = {int(e["position"]): str(e["title"]) for e in recorded
                 if str(e.get("confirmed", "")).lower() == "true" and e.get("title")
                 and str(e.get("position", "")).isdigit()}
    source = {"file": path.name, "format": raw.shape,
              "sha256": hashlib.sha256(data).hexdigest()}
    report = merge(collection, config, raw, list_id, lang, today, confirmed, titles, source,
                   include_all=include_all, decisions=decisions)
    tx = Transaction(config.root)
    for pid in sorted(report.touched):
        paper = collection.papers[pid]
        for plang, text in paper_to_files(paper).items():
            target = config.lang_dir(plang) / f"{pid}.md"
            tx.write(target, text, seen.expect(target))
    target = config.lists_dir / f"{list_id}.yaml"
    tx.write(target, render_list_file(collection.lists[list_id]), seen.expect(target))
    titles_file = None
    if report.untitled:
        titles_file = tpath
        tx.write(tpath, _render_titles(list_id, raw, report.untitled, recorded, collection),
                 titles_bytes)
    check_staged(config, tx, collection)
    result = ImportResult(report=report, raw=raw, path=path, titles_file=titles_file,
                          dry_run=dry_run)
    result.changed = sorted(tx.changed()) if dry_run else tx.commit("import")
    return result


def _render_titles(list_id: str, raw: RawList, untitled: list[int],
                   recorded: list[dict[str, Any]], collection: Any) -> str:
    by_position = {int(e["position"]): e for e in recorded if str(e.get("position")).isdigit()}
    entries = []
    for position in untitled:
        entry = raw.entries[position - 1]
        old = by_position.get(position)
        if old and str(old.get("confirmed", "")).lower() == "true":
            entries.append(old)
            continue
        hint = entry.hint or entry.local_title or entry.title or ""
        proposals = propose(hint, collection)
        record: dict[str, Any] = {
            "position": position,
            "summary": hint[:160],
            "title": proposals[0].title if proposals else "",
            "confirmed": False,
            "proposals": [f"{p.title} (score {p.score:g}: {p.why})" for p in proposals],
        }
        if link := (entry.arxiv and f"https://arxiv.org/abs/{entry.arxiv}") or entry.url or \
                (entry.doi and f"https://doi.org/{entry.doi}"):
            record["link"] = link
        entries.append(record)
    return TITLES_HEADER.format(list_id=list_id) + dump_yaml({"entries": entries})
