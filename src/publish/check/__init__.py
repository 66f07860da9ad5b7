"""Translation checks: each translated block against its source block, the Chinese text's
typography, the glossary, and metadata that contradicts itself.

Modelled on Weblate's quality checks and translate-toolkit's pofilter, cut to what a Markdown
summary of a paper can get wrong. Blocks are paired by `status.paper_status`, so a check
compares exactly the source a translation was made from. Outdated pairs are left to
`publish status`: their source changed on purpose, and a diff against it is not a mistake.

Severity says what a finding means for a run (`publish check` exits 1 on an error):
- error: the published text says something else than its source, or the data contradicts
  itself (a number, URL, formula, code or link lost; metadata contradicted; a translation
  of nothing);
- warning: probably wrong, a person should look (punctuation, glossary, emphasis, style);
- info: the author's own Chinese text breaking typography rules. Originals come from the
  reading lists' articles: worth a look, never a failed run (content/check.yaml `originals`).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..config import Config
from ..errors import PublishError
from ..ids import unknown_paper
from ..model import Block, Collection, Entry, Paper, ReadingList, Text
from .files import CheckSettings, Term, load_project_files, parse_glossary, parse_options
from .findings import (
    ALL_CHECKS,
    CHECKS,
    DERIVED_CHECKS,
    ERROR,
    INFO,
    STYLE_CHECKS,
    WARNING,
    Finding,
    Raw,
    show,
)
from .masking import Anatomy, anatomy
from .numerals import numbers, spelled_numbers
from .pairs import pair_findings
from .typography import bracket_findings, punctuation_findings, spacing_findings, text_findings

__all__ = [
    "ALL_CHECKS",
    "CHECKS",
    "DERIVED_CHECKS",
    "ERROR",
    "INFO",
    "WARNING",
    "Anatomy",
    "CheckReport",
    "CheckSettings",
    "Finding",
    "Raw",
    "Term",
    "anatomy",
    "bracket_findings",
    "check_project",
    "entries_by_paper",
    "format_json",
    "format_table",
    "load_project_files",
    "metadata_findings",
    "numbers",
    "pair_findings",
    "parse_glossary",
    "parse_options",
    "punctuation_findings",
    "read_front",
    "run_checks",
    "spacing_findings",
    "spelled_numbers",
    "text_findings",
    "year_findings",
]


# Collection checks: metadata a translation file contradicts, years that lists disagree on

_META_KEYS = ("title", "authors", "year", "venue", "arxiv", "doi", "url", "citations", "area",
              "lists", "conflicts")


def _comparable(key: str, value: Any) -> Any:
    if key in ("year", "citations"):
        return int(value) if isinstance(value, str) and value.strip().isdigit() else value
    if key == "lists" and isinstance(value, list):
        return sorted(str(v).strip() for v in value)
    if key == "authors" and isinstance(value, list):
        return [str(v).strip() for v in value]
    if key == "conflicts" and isinstance(value, list):
        return sorted(tuple(str(c.get(k, "")) for k in ("field", "value", "source"))
                      if isinstance(c, dict) else (str(c),) for c in value)
    return value.strip() if isinstance(value, str) else value


def metadata_findings(paper: Paper, front: dict[str, Any], front_text: str,
                      meta_file: str) -> list[tuple[int, str, str]]:
    """(line, severity, message) for each metadata field a translation file repeats with a
    value of its own. The loader reads metadata only from the source-language file, so such
    a value is silently ignored — and when it differs, one of the two files is wrong."""
    out: list[tuple[int, str, str]] = []
    for key in _META_KEYS:
        if key not in front or front[key] in ("", None, []):
            continue
        mine = _comparable(key, front[key])
        value = getattr(paper.meta, key)
        if key == "conflicts":
            value = [{"field": c.field, "value": c.value, "source": c.source} for c in value]
        theirs = _comparable(key, value)
        if mine == theirs:
            continue
        m = re.search(rf"^{key}\s*:", front_text, re.M)
        line = 2 + (front_text.count("\n", 0, m.start()) if m else 0)
        if theirs in (None, [], ""):
            out.append((line, WARNING, f"'{key}' is ignored here: metadata is read from "
                        f"{meta_file}, which has no '{key}'; move it there"))
        else:
            hint = "; a title in this language goes in 'local_title'" if key == "title" else ""
            out.append((line, ERROR, f"'{key}' is {_brief(mine)} here but {_brief(theirs)} in "
                        f"{meta_file}, where metadata is read from{hint}"))
    return out


def _brief(value: Any) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(_brief(v) for v in value) + "]"
    return show(str(value), 50) if not isinstance(value, int) else str(value)


def entries_by_paper(collection: Collection) -> dict[str, list[tuple[ReadingList, Entry]]]:
    out: dict[str, list[tuple[ReadingList, Entry]]] = {}
    for rl in collection.lists.values():
        for e in rl.entries:
            out.setdefault(e.paper, []).append((rl, e))
    return out


def year_findings(paper: Paper, entries: Sequence[tuple[ReadingList, Entry]], meta_file: str
                  ) -> list[tuple[Path | str, int | None, str]]:
    """(file, line, message) for each list whose year for `paper` disagrees with the
    paper's metadata (or, without one, with most lists), including disagreements the
    importer recorded under `conflicts` (reported in the paper's file, line None: the
    model does not keep front-matter lines)."""
    claims = [(rl, e) for rl, e in entries if e.year is not None]
    reference = paper.meta.year
    if reference is None:
        years = Counter(e.year for _, e in claims)
        if len(years) < 2:
            return []
        reference = years.most_common(1)[0][0]
    out: list[tuple[Path | str, int | None, str]] = []
    reported = set()
    for rl, e in claims:
        if e.year != reference:
            reported.add(rl.id)
            out.append((rl.path or rl.id, e.line or 1,
                        f"{paper.id}: year {e.year} here, but {reference} in {meta_file}; "
                        "fix the wrong one (and drop the `conflicts` entry)"))
    for c in paper.meta.conflicts:
        if c.field == "year" and c.value != str(reference) and c.source not in reported:
            out.append((meta_file, None, f"list {c.source!r} gave year {c.value}, the metadata "
                        f"keeps {reference}; decide, then drop the `conflicts` entry"))
    return out


# Running the checks


_NO_OPTIONS = CheckSettings()  # content/check.yaml absent


@dataclass
class CheckReport:
    findings: list[Finding] = field(default_factory=list)
    papers: int = 0
    pairs: int = 0  # translated blocks compared with their source
    blocks: int = 0  # blocks whose typography was checked

    def count(self, severity: str) -> int:
        return sum(f.severity == severity for f in self.findings)

    def exit_code(self, strict: bool = False) -> int:
        failing = (ERROR, WARNING) if strict else (ERROR,)
        return 1 if any(f.severity in failing for f in self.findings) else 0


def read_front(text: Text) -> tuple[dict[str, Any], str]:
    """A file's front matter as the loader saw it, before it dropped what it does not use."""
    from ..content.files import load_yaml, split_front_matter
    from ..content.textfile import read_text

    front_text, _, _ = split_front_matter(read_text(text.path))
    front = load_yaml(front_text, text.path, 2) if front_text and front_text.strip() else {}
    return (front if isinstance(front, dict) else {}), front_text or ""


def run_checks(collection: Collection, languages: Sequence[str], root: Path,
               terms: Sequence[Term] = (), options: CheckSettings = _NO_OPTIONS,
               lang: str | None = None, paper_ids: Iterable[str] | None = None,
               checks: Iterable[str] | None = None, front_of: Any = read_front) -> CheckReport:
    from ..status import CURRENT, MACHINE_STATE, paper_status, title_unit

    enabled = set(checks) if checks else set(CHECKS) - options.disable
    report = CheckReport()

    def rel(path: Path | str) -> str:
        p = Path(path)
        return p.relative_to(root).as_posix() if p.is_absolute() and p.is_relative_to(root) \
            else p.as_posix()

    def add(raws: Iterable[Raw], block: Block, paper: Paper, file: str,
            severity: str | None = None) -> None:
        for check, sev, message, at in raws:
            if check in enabled:
                line = block.line + (block.text.count("\n", 0, at) if at > 0 else 0)
                report.findings.append(Finding(file, line, check, severity or sev, message,
                                               paper.id, block.lang))

    ids = list(paper_ids) if paper_ids is not None else sorted(collection.papers)
    entries = entries_by_paper(collection)
    codes = [c for c in languages if lang in (None, c)]
    for paper in (collection.papers[pid] for pid in ids):
        report.papers += 1
        meta_file = rel(paper.texts[paper.source_lang].path) if paper.source_lang in \
            paper.texts else f"content/{paper.source_lang}/{paper.id}.md"
        for code in codes:
            text = paper.texts.get(code)
            if text is None:
                continue
            file = rel(text.path)
            title = title_unit(paper, code) if text.local_title else None
            if title and title.source and title.block and title.state in (CURRENT,
                                                                          MACHINE_STATE):
                report.pairs += 1  # a local title keeps numbers, terms and formulas too
                add(pair_findings(title.source, title.block, terms), title.block, paper, file)
            if any(not b.is_original for b in text.blocks):
                status = paper_status(paper, code, languages)
                for unit in status.units:
                    if unit.source and unit.block and unit.state in (CURRENT, MACHINE_STATE):
                        report.pairs += 1
                        add(pair_findings(unit.source, unit.block, terms), unit.block, paper,
                            file)
                for orphan in status.orphans:
                    add([("orphan", ERROR, f"translation from {orphan.block.origin} has no "
                          f"source block: {orphan.reason}; delete it, or translate the "
                          "paragraph it replaced", -1)], orphan.block, paper, file)
            if enabled & set(STYLE_CHECKS):
                for block in text.blocks:
                    severity = None
                    if block.is_original:
                        if code != "zh" or options.originals == "off":
                            continue
                        severity = options.originals
                    report.blocks += 1
                    add(text_findings(block, options.zh_punctuation), block, paper, file,
                        severity)
            if text.meta_in is not None and "metadata" in enabled:
                front, front_text = front_of(text)
                for line, sev, message in metadata_findings(paper, front, front_text,
                                                            meta_file):
                    report.findings.append(Finding(file, line, "metadata", sev, message,
                                                   paper.id, code))
        if "conflicting-year" in enabled and lang is None:
            for path, line, message in year_findings(paper, entries.get(paper.id, []),
                                                     meta_file):
                if line is None:
                    line = _conflict_line(root / meta_file)
                report.findings.append(Finding(rel(path), line, "conflicting-year", WARNING,
                                               message, paper.id))
    report.findings.sort()
    return report


def _conflict_line(path: Path) -> int:
    """The line of the `- field: year` entry under `conflicts` in a paper's file."""
    from ..content.textfile import read_text

    try:
        text = read_text(path)
    except PublishError:
        return 1
    m = re.search(r"^\s*-\s*field:\s*['\"]?year", text, re.M)
    return text.count("\n", 0, m.start()) + 1 if m else 1


def check_project(config: Config, lang: str | None = None, list_id: str | None = None,
                  papers: Sequence[str] = (), checks: Sequence[str] = ()) -> CheckReport:
    """Load the project and run the checks on the papers chosen: `publish check`."""
    from ..content.load import load_collection
    from ..derived import derived, require

    d = derived(lang)
    if d is not None:
        require(d.lang, config.languages)
    collection = load_collection(config)
    terms, options = load_project_files(config)
    unknown = [c for c in checks if c not in ALL_CHECKS]
    if unknown:
        raise PublishError(f"unknown check {unknown[0]!r} (known: {', '.join(ALL_CHECKS)})")
    ids = sorted(collection.papers)
    if list_id is not None:
        if list_id not in collection.lists:
            known = ", ".join(sorted(collection.lists)) or "none yet"
            raise PublishError(f"unknown list id {list_id!r} (known: {known})")
        ids = [p.id for p in collection.in_list(list_id)]
    if papers:
        missing = [p for p in papers if p not in collection.papers]
        if missing:
            raise PublishError(unknown_paper(missing[0], collection.papers))
        ids = [p for p in ids if p in set(papers)]
    if d is not None:
        from .derived import check_derived

        return check_derived(collection, config.languages, config.root, d, terms, options,
                             ids, checks)
    return run_checks(collection, config.languages, config.root, terms, options, lang, ids,
                      checks)


def _n(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 or word == 'info' else 's'}"


def format_table(report: CheckReport) -> str:
    checked = (f"{_n(report.pairs, 'translated block')} and {_n(report.blocks, 'block')} of "
               f"text in {_n(report.papers, 'paper')}")
    if not report.findings:
        return f"No findings: checked {checked}.\n"
    rows = [(f"{f.file}:{f.line}", f.check, f.severity, f.message) for f in report.findings]
    widths = [max(len(r[i]) for r in rows) for i in range(3)]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(r[:3], widths, strict=True)) + "  "
             + r[3] for r in rows]
    files = len({f.file for f in report.findings})
    lines.append(f"\n{_n(report.count(ERROR), 'error')}, {_n(report.count(WARNING), 'warning')}"
                 f", {report.count(INFO)} info in {_n(files, 'file')}; checked {checked}.")
    return "\n".join(lines) + "\n"


def format_json(report: CheckReport) -> str:
    return json.dumps([f.as_dict() for f in report.findings], ensure_ascii=False, indent=2)
