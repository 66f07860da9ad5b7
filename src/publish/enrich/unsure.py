"""content/enrich-unsure.yaml: the papers `enrich` would not guess for, with the works it
found for each, and what a person decided (`--confirm`, `--reject`). Committed with the
content, so the decisions are the team's and a re-run asks nobody twice."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..content.files import dump_yaml, load_yaml
from ..content.textfile import decode
from ..errors import PublishError
from . import text
from .match import Candidate

FILE_NAME = "enrich-unsure.yaml"
HEADER = """\
# Papers `publish enrich` found works for but would not guess between: titles only similar,
# several works with one title, or a list's id that names a work with another title. For
# each paper, look at its candidates and run one of
#   publish enrich --confirm PAPER CANDIDATE   (the candidate's number, or its ref)
#   publish enrich --reject PAPER              (none of them: not proposed again)
# `enrich` keeps this file up to date; what a person rejected stays here.
"""
_PARSERS = {"arxiv": text.arxiv_id, "doi": text.doi, "openalex": text.openalex_id,
            "s2": text.s2_id}


@dataclass
class Waiting:
    """One paper's entry."""

    title: str
    candidates: list[dict[str, str]] = field(default_factory=list)
    rejected: list[str] = field(default_factory=list)


def path_of(content_dir: Path) -> Path:
    return content_dir / FILE_NAME


def read(path: Path) -> tuple[dict[str, Waiting], bytes | None]:
    """The entries by paper id, and the file's bytes (None: there is no file)."""
    if not path.exists():
        return {}, None
    raw = path.read_bytes()
    data = load_yaml(decode(raw, path), path)
    papers = data.get("papers") if isinstance(data, dict) else None
    if data in (None, {}) or papers in (None, {}):
        return {}, raw
    if not isinstance(papers, dict):
        raise PublishError("expected 'papers:' with an entry per paper id", path, 1)
    out: dict[str, Waiting] = {}
    for pid, entry in papers.items():
        if not isinstance(entry, dict):
            raise PublishError(f"the entry of {pid!r} must be a mapping", path, 1)
        candidates = entry.get("candidates") or []
        rejected = entry.get("rejected") or []
        if not isinstance(candidates, list) or not all(isinstance(c, dict) for c in
                                                        candidates):
            raise PublishError(f"'candidates' of {pid!r} must be a list of mappings", path, 1)
        if not isinstance(rejected, list) or not all(isinstance(r, str) for r in rejected):
            raise PublishError(f"'rejected' of {pid!r} must be a list of refs", path, 1)
        out[str(pid)] = Waiting(str(entry.get("title") or ""),
                                [{str(k): str(v) for k, v in c.items()} for c in candidates],
                                list(rejected))
    return out, raw


def render(entries: dict[str, Waiting]) -> str:
    papers = {}
    for pid in sorted(entries):
        e = entries[pid]
        item: dict[str, object] = {"title": e.title}
        if e.candidates:
            item["candidates"] = e.candidates
        if e.rejected:
            item["rejected"] = sorted(set(e.rejected))
        papers[pid] = item
    return HEADER + dump_yaml({"papers": papers})


def describe(candidate: Candidate) -> dict[str, str]:
    """A candidate as a person reads it in the file."""
    r = candidate.record
    authors = ", ".join(r.authors[:3]) + (" …" if len(r.authors) > 3 else "")
    out = {"ref": r.ref, "title": r.title, "year": str(r.year or ""), "authors": authors,
           "source": r.source, "why": candidate.why}
    return {k: v for k, v in out.items() if v}


def parse_ref(ref: str) -> tuple[str, str] | None:
    """`arxiv:1706.03762` -> ("arxiv", "1706.03762"); None when it is not a valid ref."""
    kind, _, value = ref.partition(":")
    parse = _PARSERS.get(kind.strip().lower())
    found = parse(value.strip()) if parse else None
    return (kind.strip().lower(), found) if found else None


def chosen(entries: dict[str, Waiting], paper: str, candidate: str, path: Path
           ) -> tuple[str, str]:
    """The id a person confirmed for `paper`: a candidate's number in the file, its ref, or
    any ref (`arxiv:…`, `doi:…`, `openalex:W…`, `s2:…`) they found themselves."""
    entry = entries.get(paper)
    if candidate.isdigit():
        if entry is None or not 1 <= int(candidate) <= len(entry.candidates):
            count = len(entry.candidates) if entry else 0
            raise PublishError(f"--confirm {paper} {candidate}: {paper!r} has {count} "
                               f"candidate(s) in {path.name}; give a number from 1, or a ref "
                               "such as arxiv:1706.03762")
        candidate = entry.candidates[int(candidate) - 1].get("ref", "")
    found = parse_ref(candidate)
    if found is None:
        raise PublishError(f"--confirm {paper} {candidate!r}: not a candidate's number or a "
                           "ref like arxiv:1706.03762, doi:10.…, openalex:W…, s2:<40 hex>")
    return found
