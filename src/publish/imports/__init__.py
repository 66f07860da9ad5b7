"""`publish import`: read a reading list in any known shape and merge it into content/."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from ..config import Config
from ..content.files import dump_yaml, load_yaml, paper_to_files, render_list_file
from ..content.load import Snapshot, load_collection
from ..content.textfile import decode
from ..content.write import DEFAULT_WAIT, Transaction, project_lock
from ..errors import PublishError
from ..ids import check_id
from ..sanitise import control_problem
from . import numbered, outline, sections, titled, untitled
from .base import RawList
from .merge import MergeReport, merge
from .propose import propose

FORMATS = ("auto", "seed-text", "markdown", "bibtex", "csv")
# The shapes of the seed text files, tried in this order when sniffing.
SEED_SHAPES = (numbered, outline, untitled, sections, titled)


def read_source(path: Path, data: bytes, fmt: str = "auto") -> RawList:
    text = decode(data, path)
    found = control_problem(text)  # what import writes, load accepts: refused here
    if found is not None:
        raise PublishError(f"holds a {found[1]}: remove it and import again", path, found[0])
    if not text.strip():
        raise PublishError("empty file: nothing to import", path, 1)
    if fmt == "auto":
        fmt = {".md": "markdown", ".markdown": "markdown", ".bib": "bibtex",
               ".csv": "csv"}.get(path.suffix.lower(), "seed-text")
    if fmt == "markdown":
        from . import markdown
        return markdown.read(text, str(path))
    if fmt == "bibtex":
        from . import bibtex
        return bibtex.read(text, str(path))
    if fmt == "csv":
        from . import csv
        return csv.read(text, str(path))
    if fmt != "seed-text":
        raise PublishError(f"unknown format {fmt!r} (known: {', '.join(FORMATS)})", path)
    lines = text.split("\n")
    for shape in SEED_SHAPES:
        if shape.looks_like(lines):
            return shape.read(text, str(path))
    raise PublishError("cannot tell which reading-list shape this is (numbered abstracts, "
                       "contents outline, untitled summaries, numbered sections, 'Title "
                       "(Year)' lines); pass --format markdown, bibtex or csv", path, 1)


def today_from_env() -> date:
    """SOURCE_DATE_EPOCH pins 'today' for reproducible imports, as reproducible builds do."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), tz=UTC).date()
    return date.today()


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
    changed: list[Path] = field(default_factory=list)
    titles_file: Path | None = None
    dry_run: bool = False


def import_list(config: Config, path: Path, list_id: str, lang: str, fmt: str = "auto",
                dry_run: bool = False, today: date | None = None,
                titles: dict[str, str] | None = None,
                wait: float = DEFAULT_WAIT) -> ImportResult:
    """Read `path`, merge it into the tree as list `list_id`, write atomically. The tree is
    read and written under the project's writer lock (waiting up to `wait` seconds for
    another writer)."""
    why = check_id(list_id)
    if why:
        raise PublishError(f"bad --list: {why}")
    if lang not in config.languages:
        raise PublishError(f"--lang {lang!r} is not a language of this project "
                           f"({', '.join(config.languages)})", config.root / "publish.toml")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise PublishError(f"cannot read: {exc.strerror}", path) from None
    raw = read_source(path, data, fmt)
    with project_lock(config.root, "import", wait):
        return _import(config, path, data, raw, list_id, lang, dry_run, today, titles)


def _import(config: Config, path: Path, data: bytes, raw: RawList, list_id: str, lang: str,
            dry_run: bool, today: date | None, titles: dict[str, str] | None) -> ImportResult:
    collection = load_collection(config)
    seen = Snapshot(collection)
    existing = collection.lists.get(list_id)
    if existing and existing.lang != lang:
        raise PublishError(f"list {list_id!r} is a {existing.lang} list; import it with "
                           f"--lang {existing.lang}", existing.path, 1)
    today = today or today_from_env()
    tpath = titles_path(config, list_id)
    recorded, titles_bytes = _read_titles(tpath)
    confirmed = {int(e["position"]): str(e["title"]) for e in recorded
                 if str(e.get("confirmed", "")).lower() == "true" and e.get("title")
                 and str(e.get("position", "")).isdigit()}
    source = {"file": path.name, "format": raw.shape,
              "sha256": hashlib.sha256(data).hexdigest()}
    for code in titles or {}:
        if code not in config.languages:
            raise PublishError(f"--title for {code!r}, which is not a language of this project")
    report = merge(collection, config, raw, list_id, lang, today, confirmed, titles, source)
    tx = Transaction(config.root)
    for pid in sorted(report.touched):
        paper = collection.papers[pid]
        for plang, text in paper_to_files(paper).items():
            target = config.lang_dir(plang) / f"{pid}.md"
            tx.write(target, text, seen.expect(target))
    target = config.lists_dir / f"{list_id}.yaml"
    tx.write(target, render_list_file(collection.lists[list_id]), seen.expect(target))
    titles_file = None
    if any(e.title is None for e in raw.entries):
        titles_file = tpath
        tx.write(tpath, _render_titles(list_id, raw, recorded, collection), titles_bytes)
    result = ImportResult(report=report, titles_file=titles_file, dry_run=dry_run)
    result.changed = sorted(tx.changed()) if dry_run else tx.commit("import")
    return result


def _render_titles(list_id: str, raw: RawList, recorded: list[dict[str, Any]],
                   collection: Any) -> str:
    by_position = {int(e["position"]): e for e in recorded if str(e.get("position")).isdigit()}
    entries = []
    for position, entry in enumerate(raw.entries, start=1):
        if entry.title is not None:
            continue
        old = by_position.get(position)
        if old and str(old.get("confirmed", "")).lower() == "true":
            entries.append(old)
            continue
        proposals = propose(entry.hint or "", collection)
        entries.append({
            "position": position,
            "summary": (entry.hint or "")[:160],
            "title": proposals[0].title if proposals else "",
            "confirmed": False,
            "proposals": [f"{p.title} (score {p.score:g}: {p.why})" for p in proposals],
        })
    return TITLES_HEADER.format(list_id=list_id) + dump_yaml({"entries": entries})
