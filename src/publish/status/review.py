"""`publish review`: a person vouches for machine drafts and outdated translations.

Reviewing a block rewrites only its marker line: `state=human`, who, when, and `src` set to
the hash of the source block it is paired with *today* (status pairs blocks by content, so
this is the paragraph the reviewer sees beside it). Nothing else in the file changes.
"""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

from ..blocks import MARKER_RE, format_attrs, format_marker
from ..config import Config
from ..content.edit import set_front_keys, set_marker
from ..content.files import key_line, load_yaml, split_front_matter
from ..content.load import load_collection
from ..content.textfile import read_text
from ..content.write import DEFAULT_WAIT, Transaction, project_lock
from ..derived import Derived, derived, require
from ..errors import Problem, PublishError
from ..ids import check_id, unknown_paper
from ..model import HUMAN, Text
from .compute import Unit, paper_status
from .states import CURRENT, ORIGINAL, OUTDATED, REVIEWABLE

# A name goes into an HTML comment as one attribute: no quotes, angle brackets or `--`.
_BAD_NAME_RE = re.compile(r'["<>\n\r]|--')


@dataclass
class Reviewed:
    path: Path
    by: str
    at: str
    done: list[tuple[int, str]] = field(default_factory=list)  # (line, state before)
    untouched: list[tuple[int, str]] = field(default_factory=list)  # (line, why)
    note: str | None = None  # where the review went, when the language asked is derived


def reviewer(root: Path) -> str | None:
    """`git config user.name` in the project, else the login name."""
    try:
        found = subprocess.run(["git", "config", "user.name"], cwd=root, capture_output=True,
                               text=True, timeout=10, check=False).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        found = ""
    return found or os.environ.get("USER") or os.environ.get("USERNAME") or None


def check_name(by: str) -> str:
    by = " ".join(by.split())
    if not by:
        raise PublishError("--by: the reviewer's name is empty")
    if _BAD_NAME_RE.search(by):
        raise PublishError(f"--by: {by!r} cannot go into a marker (no quotes, '<', '>' or "
                           "'--')")
    return by


def _marker_line(text: Text, line: int) -> int | None:
    """The line of the marker above the block starting at `line`, if it has one."""
    lines = text.body.split("\n")
    i = line - text.body_line - 1
    while i >= 0 and not lines[i].strip():
        i -= 1
    return text.body_line + i if i >= 0 and MARKER_RE.match(lines[i].strip()) else None


def review(config: Config, paper_id: str, lang: str, lines: Sequence[int] = (),
           by: str | None = None, today: date | None = None,
           wait: float = DEFAULT_WAIT) -> Reviewed:
    """Mark the paper's machine or outdated blocks in `lang` (those at `lines`, or all) as
    reviewed by `by`; returns what was done. Refuses unknown ids, languages and lines.

    A derived language (zh-Hant) has no text of its own: a person who approves the
    Traditional text approves the zh text it is made from, so the review is recorded there
    (same blocks, same lines)."""
    why = check_id(paper_id)
    if why:
        raise PublishError(why)
    d = derived(lang)
    if d is not None:
        require(d.lang, config.languages)
        lang = d.source
    if lang not in config.languages:
        raise PublishError(f"{lang!r} is not a language of this project "
                           f"({', '.join(config.languages)})")
    with project_lock(config.root, "review", wait):
        return _review(config, paper_id, lang, d, lines, by, today)


def _review(config: Config, paper_id: str, lang: str, d: Derived | None, lines: Sequence[int],
            by: str | None, today: date | None) -> Reviewed:
    collection = load_collection(config)  # the whole tree is checked, as every command does
    paper = collection.papers.get(paper_id)
    if paper is None:
        raise PublishError(unknown_paper(paper_id, collection.papers))
    path = config.lang_dir(lang) / f"{paper_id}.md"
    text = paper.texts.get(lang)
    if text is None:
        raise PublishError(f"no text in {lang} to review: {path} does not exist")
    name = check_name(by if by is not None else reviewer(config.root) or "")
    at = (today or _today()).isoformat()
    status = paper_status(paper, lang, config.languages)
    result = Reviewed(path, name, at)
    if d is not None:
        result.note = (f"{d.lang} is derived from {d.source} with {d.method}: the review is "
                       f"recorded on the {d.source} blocks in {path}, the only stored text, "
                       f"and holds for both")

    units: dict[int, Unit] = {}
    if status.title is not None and status.title.block is not None:
        units[status.title.block.line] = status.title  # its `local_title:` line
        if text.title_translation:  # and its marker's line, as a block's marker line
            front = split_front_matter(read_text(path))[0] or ""
            units.setdefault(key_line(front, "title_translation"), status.title)
    for u in status.units:
        if u.block is not None:
            units[u.block.line] = u
            marker = _marker_line(text, u.block.line) if u.state != ORIGINAL else None
            if marker is not None:
                units.setdefault(marker, u)
    orphans = {o.block.line: o for o in status.orphans}
    for o in status.orphans:
        marker = _marker_line(text, o.block.line)
        if marker is not None:
            orphans.setdefault(marker, o)
    chosen: list[Unit] = []
    problems: list[Problem] = []
    for n in dict.fromkeys(lines):
        if n in orphans:
            problems.append(Problem(f"the translation here has no source block to review it "
                                    f"against ({orphans[n].reason})", path, n))
        elif n not in units:
            starts = ", ".join(str(u.block.line) for u in status.all_units
                               if u.block is not None and u.state != ORIGINAL) or "none"
            problems.append(Problem(f"no translated block starts at line {n} (they start at "
                                    f"lines: {starts}; see `publish status --details`)",
                                    path, n))
        elif units[n].state == ORIGINAL:
            result.untouched.append((n, f"an original {lang} block, not a translation"))
        elif units[n].state == CURRENT:
            result.untouched.append((n, "already current"))
        elif units[n] not in chosen:
            chosen.append(units[n])
    if problems:
        raise PublishError.many(problems)
    if not lines:
        chosen = [u for u in status.all_units if u.state in REVIEWABLE]
    body = text.body
    title_marker: str | None = None
    for u in chosen:
        assert u.block is not None and u.source is not None
        if u is status.title:
            title_marker = format_attrs(u.source.lang, u.source.hash, HUMAN, name, at)
        else:
            marker = format_marker(u.source.lang, u.source.hash, HUMAN, name, at)
            body = set_marker(replace(text, body=body), u.block, marker)
        result.done.append((u.block.line, "outdated machine" if u.state == OUTDATED and
                            u.machine else u.state))
    if chosen:
        content = read_text(path)
        front, old_body, _ = split_front_matter(content)
        now = load_yaml(front or "", path, first_line=2)
        if old_body != text.body or not isinstance(now, dict) or tuple(
                str(now.get(k) or "").strip() or None
                for k in ("local_title", "title_translation")) != (
                text.local_title, text.title_translation):
            raise PublishError("changed on disk while being reviewed; run again", path)
        read = content.encode("utf-8")
        if title_marker is not None:
            # Only the marker's line: the title itself is the person's to edit.
            content = set_front_keys(content, {"title_translation": title_marker}, path)
        tx = Transaction(config.root)
        tx.write(path, content[: len(content) - len(old_body)] + body, expect=read)
        tx.commit("review")
    return result


def _today() -> date:
    from .. import clock

    return clock.today()
