"""The reading-list corpus (tests/fixtures/lists/): real-shaped lists, each with what a
careful reader imports from it (expected.yaml, explained in the folder's README.md).

Per file: every entry is read at its line, as a paper or skipped for an acceptable reason;
papers carry their own arXiv id and DOI and never one from their description; titles and
years are what the source says. Per import: papers and skips counted as expected, the
project loads after. Across files: one paper per work where the entries share an id or a
title, never one paper for two works, and short names proposed as unsure pairs.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest
import yaml
from conftest import run

from publish.imports.normalise import title_key
from publish.imports.sniff import read_source

FIXTURES = Path(__file__).parent / "fixtures" / "lists"
EXPECTED = yaml.safe_load((FIXTURES / "expected.yaml").read_text("utf-8"))["files"]
# Files that cannot be imported whole, and what they end in.
REFUSED = {"hostile-invalid-utf8.md": ("not valid UTF-8", 4),
           "toc-only.md": ("no papers found", 1)}
READABLE = [name for name in EXPECTED if name not in REFUSED or name == "toc-only.md"]

# The importer's reasons (publish.imports.base.REASONS) for the reader's kinds: a careful
# reader says `tool` where the importer, seeing a GitHub link outside a tools section, says
# `repo`; `blog_video` is a post or a video; `other` is any reason that is not a paper.
ALLOWED = {"toc": {"toc"}, "badge": {"badge"}, "repo": {"repo"}, "tool": {"tool", "repo"},
           "course": {"course"}, "book": {"book"}, "blog_video": {"post", "video"}}


def allowed(kind: str) -> set[str] | None:
    """My kinds acceptable for an expected kind; None: any reason other than paper."""
    return {"paper"} if kind == "paper" else ALLOWED.get(kind)


def acceptable(mine: str, expected: dict) -> bool:
    for kind in expected.get("accept") or [expected["kind"]]:
        ok = allowed(kind)
        if (ok is None and mine != "paper") or (ok is not None and mine in ok):
            return True
    return False


def same_title(mine: str | None, expected: dict) -> bool:
    """A title as the source gives it: compared by key, a trailing remark in parentheses
    and enclosing quotes aside; the paper's real title or its Chinese one also do."""
    def key(text: str) -> str:
        return title_key(re.sub(r"\s*[(（][^()（）]*[)）]\s*$", "", text.strip("\"'“”")))
    wanted = [t for t in (expected.get("title"), expected.get("paper_title"),
                          expected.get("title_zh")) if t]
    if expected.get("title") is None:
        return mine is None or any(key(mine) == key(t) for t in wanted[1:])
    return mine is not None and any(key(mine) == key(t) for t in wanted)


def read(name: str):
    path = FIXTURES / name
    return read_source(path, path.read_bytes())


@pytest.mark.parametrize("name", READABLE)
def test_every_entry_is_read_at_its_line_as_a_careful_reader_reads_it(name: str):
    expected = EXPECTED[name]
    mine: dict[int, list] = {}
    for entry in read(name).entries:
        mine.setdefault(entry.line, []).append(entry)
    wanted: dict[int, list] = {}
    for e in expected["entries_detail"]:
        wanted.setdefault(e["line"], []).append(e)
    assert {k: len(v) for k, v in mine.items()} == {k: len(v) for k, v in wanted.items()}
    wrong = []
    for line, entries in wanted.items():
        for exp, got in zip(entries, mine[line], strict=True):
            where = f"{name}:{line}"
            if not acceptable(got.kind, exp):
                wrong.append(f"{where}: read as {got.kind} ({got.why}), expected {exp['kind']}")
                continue
            if got.kind != "paper" or exp["kind"] != "paper":
                continue
            if got.arxiv != exp.get("arxiv"):
                wrong.append(f"{where}: arXiv {got.arxiv}, expected {exp.get('arxiv')}")
            if (got.doi or "").lower() != (exp.get("doi") or "").lower():
                wrong.append(f"{where}: DOI {got.doi}, expected {exp.get('doi')}")
            if got.arxiv and got.arxiv in (exp.get("must_not_attribute") or []):
                wrong.append(f"{where}: attributed {got.arxiv} from its description")
            if not same_title(got.title, exp):
                wrong.append(f"{where}: title {got.title!r}, expected {exp.get('title')!r}")
            if exp.get("year") and got.year != exp["year"]:
                wrong.append(f"{where}: year {got.year}, expected {exp['year']}")
            if exp.get("added") and got.added != exp["added"]:
                wrong.append(f"{where}: added {got.added}, expected {exp['added']}")
            if exp.get("local_title") and got.local_title != exp["local_title"]:
                wrong.append(f"{where}: local title {got.local_title!r}, expected "
                             f"{exp['local_title']!r}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("name", READABLE)
def test_papers_and_skips_are_counted_as_expected(name: str):
    expected = EXPECTED[name]
    entries = read(name).entries
    papers = sum(e.kind == "paper" for e in entries)
    details = expected["entries_detail"]
    surely = sum((e.get("accept") or [e["kind"]]) == ["paper"] for e in details)
    maybe = sum("paper" in (e.get("accept") or [e["kind"]]) for e in details)
    assert surely <= papers <= maybe
    assert expected["papers"] in range(surely, maybe + 1)
    assert len(entries) == expected["entries"]
    assert len(entries) - papers == sum(expected["skipped_by_reason"].values()) + (
        expected["papers"] - papers)


@pytest.mark.parametrize("name", list(EXPECTED))
def test_an_import_writes_what_load_accepts_or_nothing(project: Path, name: str):
    result = run(project, "import", str(FIXTURES / name), "--list", "corpus", "--lang",
                 EXPECTED[name]["language"], "--report", "json")
    if name in REFUSED:
        words, line = REFUSED[name]
        assert result.exit_code == 2
        assert f"{name}:{line}: " in result.output and words in result.output
        assert not (project / "content" / "lists" / "corpus.yaml").exists()
        return
    assert result.exit_code in (0, 1), result.output
    report = json.loads(result.output)
    entries = read(name).entries
    summary = report["summary"]
    assert summary["read"] == len(entries)
    assert summary["papers"] == sum(e.kind == "paper" for e in entries)
    assert summary["skipped"] == dict(Counter(e.kind for e in entries if e.kind != "paper"))
    outcomes = Counter(i["outcome"] for i in report["items"])
    assert outcomes["created"] + outcomes["unsure"] + outcomes["matched"] + \
        outcomes["repeated"] + outcomes["untitled"] == summary["papers"]
    assert (result.exit_code == 1) == bool(report["unconfirmed"] or report["unsure"])
    listed = run(project, "list", "--list", "corpus", "--format", "json")
    assert listed.exit_code == 0, listed.output
    # Importing the same file again changes nothing.
    again = run(project, "import", str(FIXTURES / name), "--list", "corpus", "--lang",
                EXPECTED[name]["language"], "--report", "json")
    assert json.loads(again.output)["changed"] == []


def _all_in_one(root: Path) -> tuple[dict[str, list[dict]], set[frozenset[str]]]:
    """Import every readable file into one project: (file:line) → the report's items, and
    every pair of papers an import proposed as maybe the same."""
    items: dict[str, list[dict]] = {}
    unsure: set[frozenset[str]] = set()
    for name in EXPECTED:
        if name in REFUSED:
            continue
        result = run(root, "import", str(FIXTURES / name), "--list",
                     re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-"), "--lang",
                     EXPECTED[name]["language"], "--report", "json")
        assert result.exit_code in (0, 1), result.output
        report = json.loads(result.output)
        for item in report["items"]:
            items.setdefault(f"{name}:{item['line']}", []).append(item)
        unsure |= {frozenset((u["paper"], u["similar_to"])) for u in report["unsure"]}
    return items, unsure


@pytest.mark.slow
def test_one_paper_per_work_and_never_two_works_in_one(project: Path):
    items, unsure = _all_in_one(project)
    papers: dict[str, tuple[dict, dict]] = {}  # file:line[#n] -> (expected, item)
    for name, expected in EXPECTED.items():
        seen: Counter = Counter()
        for exp in expected["entries_detail"]:
            where = f"{name}:{exp['line']}"
            got = items.get(where, [])
            if exp["kind"] != "paper" or seen[where] >= len(got):
                continue
            item = got[seen[where]]
            seen[where] += 1
            if item.get("paper") and item["kind"] == "paper":
                papers[f"{where}#{seen[where]}"] = (exp, item)
    wrong = []
    keys = sorted(papers)
    for i, a in enumerate(keys):
        for b in keys[i + 1:]:
            (ea, ia), (eb, ib) = papers[a], papers[b]
            same = ia["paper"] == ib["paper"]
            if ea.get("canon") != eb.get("canon") and same:
                wrong.append(f"{a} and {b} are different works, merged into {ia['paper']}")
            shares = any(ea.get(k) and ea.get(k, "").lower() == (eb.get(k) or "").lower()
                         for k in ("arxiv", "doi"))
            if ea.get("canon") == eb.get("canon") and shares and not same:
                wrong.append(f"{a} and {b} share an id but are {ia['paper']} and {ib['paper']}")
            titled = ia.get("title") and ib.get("title") and \
                title_key(ia["title"]) == title_key(ib["title"])
            if ea.get("canon") == eb.get("canon") and titled and not same and \
                    frozenset((ia["paper"], ib["paper"])) not in unsure:
                wrong.append(f"{a} and {b}: one title, two papers, and nobody was asked")
    assert not wrong, "\n".join(wrong)


@pytest.mark.slow
def test_short_names_are_proposed_as_unsure_pairs(project: Path):
    items, unsure = _all_in_one(project)
    pairs = EXPECTED["short-names.md"]["unsure_pairs"]
    missed = []
    for pair in pairs:
        mine = items.get(pair["entry"], [{}])[0]
        for other in pair["with"]:
            if other not in items:
                continue  # `awesome-llm.md:vLLM (tool)`: a mention, not an entry
            theirs = items[other][0]
            if pair["relation"] == "different_papers_similar_names":
                assert mine.get("paper") != theirs.get("paper"), (pair, other)
            elif pair["relation"] == "same_paper_short_name" and not pair.get(
                    "needs_knowledge"):
                a, b = mine.get("paper"), theirs.get("paper")
                if a != b and frozenset((a, b)) not in unsure:
                    missed.append(f"{pair['entry']} ({pair['title']}) not proposed with "
                                  f"{other} ({theirs.get('paper')})")
    assert not missed, "\n".join(missed)
