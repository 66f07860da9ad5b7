"""Newsletter issues: what is new since a date or since the last issue, and the record of
issues that keeps a paper from being announced twice.

The record is `content/digests.yaml` (committed with the content):

    issues:
      - number: 1
        date: 2026-11-24
        since: null              # the first issue announces everything
        lang: en
        papers: [attention-is-all-you-need, ...]   # announced as new
        updated: []                                # announced as changed or translated

and `content/digests.state.json`, the fingerprint of every paper's text when the last issue
was recorded, so the next issue knows exactly which texts changed since (a person never
edits it). Without a fingerprint (or with --since DATE), "changed" means a translation
marker dated on or after the date.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from ..blocks import parse_attrs
from ..clock import now
from ..config import Config
from ..content.files import dump_yaml, load_yaml
from ..content.textfile import read_text
from ..content.write import Transaction
from ..errors import PublishError
from ..model import HUMAN, MACHINE, Collection, Paper, Text

RECORD = "digests.yaml"
STATE = "digests.state.json"


@dataclass
class IssueRecord:
    number: int
    day: date
    since: date | None
    lang: str
    papers: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)

    def as_yaml(self) -> dict[str, Any]:
        return {"number": self.number, "date": self.day.isoformat(),
                "since": self.since.isoformat() if self.since else None, "lang": self.lang,
                "papers": list(self.papers), "updated": list(self.updated)}


@dataclass
class Selection:
    """One issue's content: new papers grouped by list (each paper once, under the first
    list it joined), and the papers whose text changed or got translated."""

    record: IssueRecord
    groups: list[tuple[str, list[str]]]  # (list id, paper ids in list order)
    joined: dict[str, list[str]]  # paper -> the lists it joined in this period
    updated: list[tuple[str, list[str]]]  # (paper id, what happened: "translated:zh"...)
    fresh: bool  # not yet in the record


def record_path(config: Config) -> Path:
    return config.content_dir / RECORD


def today() -> date:
    """The issue date: the day of `now()`."""
    return now().date()


def _date(value: object, path: Path, line: int) -> date:
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise PublishError(f"not a date (YYYY-MM-DD): {value!r}", path, line) from None


def load_record(config: Config) -> list[IssueRecord]:
    path = record_path(config)
    if not path.is_file():
        return []
    text = read_text(path)
    data = load_yaml(text, path) or {}
    lines = text.splitlines()

    def line_of(number: object) -> int:
        for n, row in enumerate(lines, 1):
            if re.match(rf"\s*-?\s*number:\s*'?{re.escape(str(number))}'?\s*$", row):
                return n
        return 1

    if not isinstance(data, dict) or not isinstance(data.get("issues", []), list):
        raise PublishError("expected `issues:` followed by a list of issues", path, 1)
    out: list[IssueRecord] = []
    for item in data.get("issues") or []:
        if not isinstance(item, dict):
            raise PublishError("each issue is a mapping with number, date, papers", path, 1)
        number = item.get("number")
        line = line_of(number)
        if not str(number).isdigit():
            raise PublishError(f"issue number must be a whole number, not {number!r}", path,
                               line)
        papers, updated = item.get("papers") or [], item.get("updated") or []
        if not isinstance(papers, list) or not isinstance(updated, list):
            raise PublishError("papers and updated must be lists of paper ids", path, line)
        since = item.get("since")
        out.append(IssueRecord(int(str(number)), _date(item.get("date"), path, line),
                               _date(since, path, line) if since not in (None, "null", "")
                               else None, str(item.get("lang") or "en"),
                               [str(p) for p in papers], [str(p) for p in updated]))
    numbers = [r.number for r in out]
    if len(set(numbers)) != len(numbers):
        raise PublishError("two issues have the same number", path, 1)
    return sorted(out, key=lambda r: r.number)


# 2: what a person wrote or reviewed, without machine drafts and markers; 3: nor fetched
# abstracts. A state file of another version is not compared (its papers would all look
# changed once).
STATE_VERSION = 3


def _title_attrs(text: Text) -> dict[str, str] | None:
    return parse_attrs(text.title_translation) if text.title_translation else None


def fingerprint(paper: Paper) -> str:
    """The paper's text as subscribers should hear of it changing: unreviewed machine drafts
    (blocks and titles) are not news until a person reviews them, nor is an abstract
    `publish enrich` fetched (completing 600 papers' metadata would otherwise announce 600
    changed papers)."""
    h = hashlib.sha1()
    for code, text in sorted(paper.texts.items()):
        attrs = _title_attrs(text)
        title = "" if attrs and attrs["state"] == MACHINE else text.local_title or ""
        blocks = [re.sub(r"\s+", "", b.text) for b in text.blocks
                  if b.state != MACHINE and b.provenance is None]
        if title or blocks:  # a file of machine drafts only is as good as none yet
            h.update("\0".join([code, title, *blocks, ""]).encode())
    return h.hexdigest()[:12]


def _load_state(config: Config) -> dict[str, str] | None:
    path = config.content_dir / STATE
    try:
        data = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("version") != STATE_VERSION:
        return None
    return data.get("papers")


def _translated_since(paper: Paper, since: date) -> list[str]:
    """Languages a person translated or reviewed text (or the title) into since `since`."""
    langs = []
    for code, text in sorted(paper.texts.items()):
        attrs = _title_attrs(text)
        marks = [(b.state, b.at) for b in text.blocks if b.source_hash is not None]
        if attrs:
            marks.append((attrs["state"], attrs.get("at")))
        for state, at in marks:
            if state != HUMAN or not at:
                continue
            try:
                if date.fromisoformat(at[:10]) >= since:
                    langs.append(code)
                    break
            except ValueError:
                continue
    return langs


def select(config: Config, collection: Collection, *, since: date | None = None,
           since_last: bool = False, list_id: str | None = None, issue: int | None = None,
           lang: str = "en", day: date | None = None) -> Selection:
    """What issue `issue` (default: the next one) announces."""
    records = load_record(config)
    if list_id is not None and list_id not in collection.lists:
        raise PublishError(f"no reading list {list_id!r} (known: "
                           f"{', '.join(sorted(collection.lists))})", config.lists_dir)
    by_number = {r.number: r for r in records}
    if issue is not None and issue in by_number:
        return _replay(collection, by_number[issue], list_id)
    last = records[-1] if records else None
    number = issue if issue is not None else (last.number + 1 if last else 1)
    if last and number <= last.number:
        raise PublishError(f"issue {number} would come before issue {last.number}, the last "
                           "one recorded", record_path(config))
    announced = {pid for r in records for pid in r.papers}
    if since_last:
        since = last.day if last else None
    new_by_list: list[tuple[str, list[str]]] = []
    joined: dict[str, list[str]] = {}
    for lid in _list_order(collection):
        if list_id is not None and lid != list_id:
            continue
        entries = sorted(collection.lists[lid].entries, key=lambda e: e.position)
        pids = [e.paper for e in entries if e.paper in collection.papers
                and (since is None or e.added >= since)
                and not (since_last and e.paper in announced)]
        for pid in pids:
            joined.setdefault(pid, []).append(lid)
        new_by_list.append((lid, pids))
    seen: set[str] = set()
    groups = []
    for lid, pids in new_by_list:
        mine = [p for p in pids if p not in seen]
        seen.update(mine)
        if mine:
            groups.append((lid, mine))
    updated = _updated(config, collection, since, seen, list_id)
    record = IssueRecord(number, day or today(), since, lang,
                         [p for _, ps in groups for p in ps], [p for p, _ in updated])
    return Selection(record, groups, joined, updated, fresh=True)


def _list_order(collection: Collection) -> list[str]:
    """Lists with the most entries first: the big list's papers are grouped under it."""
    return sorted(collection.lists, key=lambda lid: (-len(collection.lists[lid].entries), lid))


def _updated(config: Config, collection: Collection, since: date | None, new: set[str],
             list_id: str | None) -> list[tuple[str, list[str]]]:
    if since is None:
        return []  # a first issue announces every paper as new
    state = _load_state(config)
    allowed = (set(collection.lists[list_id].paper_ids()) if list_id is not None else None)
    out = []
    for pid, paper in sorted(collection.papers.items()):
        if pid in new or (allowed is not None and pid not in allowed):
            continue
        what = [f"translated:{code}" for code in _translated_since(paper, since)]
        if state is not None and pid in state and state[pid] != fingerprint(paper):
            what = what or ["changed"]
        if what:
            out.append((pid, what))
    return out


def _replay(collection: Collection, record: IssueRecord,
            list_id: str | None) -> Selection:
    """A recorded issue again, with the same papers (as they read today)."""
    papers = [p for p in record.papers if p in collection.papers]
    joined: dict[str, list[str]] = {}
    groups: list[tuple[str, list[str]]] = []
    seen: set[str] = set()
    for lid in _list_order(collection):
        if list_id is not None and lid != list_id:
            continue
        members = set(collection.lists[lid].paper_ids())
        mine = [p for p in papers if p in members]
        for pid in mine:
            joined.setdefault(pid, []).append(lid)
        mine = [p for p in mine if p not in seen]
        seen.update(mine)
        if mine:
            groups.append((lid, mine))
    updated = [(p, ["changed"]) for p in record.updated if p in collection.papers]
    return Selection(record, groups, joined, updated, fresh=False)


def save_record(config: Config, collection: Collection, selection: Selection) -> list[Path]:
    """Add the issue to content/digests.yaml and fingerprint every paper's text now."""
    records = [r for r in load_record(config) if r.number != selection.record.number]
    records.append(selection.record)
    records.sort(key=lambda r: r.number)
    header = ("# Newsletter issues sent (`publish digest` records them): a paper announced "
              "here is not\n# announced as new again. digests.state.json is the text of every "
              "paper at the last issue.\n")
    tx = Transaction(config.root)
    tx.write(record_path(config), header + dump_yaml({"issues": [r.as_yaml() for r in records]}))
    state = {pid: fingerprint(p) for pid, p in sorted(collection.papers.items())}
    tx.write(config.content_dir / STATE,
             json.dumps({"issue": selection.record.number, "papers": state,
                         "version": STATE_VERSION}, indent=0, sort_keys=True) + "\n")
    return tx.commit("digest")
