"""The import invariant, as a property: whatever any reader makes of a source — random
text, hostile bytes, YAML and Markdown syntax in every field — an import either writes
files that `load` accepts, or refuses with nothing written. Never a tree that every later
command, the re-import included, refuses.

Hypothesis builds lists in every shape the importer reads (Markdown bullets, tables and
Chinese records, BibTeX, CSV, RIS, CSL-JSON, the seed text shape) from entries whose
titles, links, years, sections and summaries are drawn from hostile alphabets and tokens.
"""

from __future__ import annotations

import csv
import io
import json
import re
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from publish.config import init_project, load_config
from publish.content.load import load_collection
from publish.errors import PublishError
from publish.imports import import_list

pytestmark = pytest.mark.slow

# Pieces real lists and attackers put in fields: YAML indicators and scalars that change
# type, Markdown structure, translation markers, control and invisible characters, schemes
# that must never become links, paths out of the project, CJK and emoji.
HOSTILE = [
    "null", "yes", "no", "~", "1e3", "0x1F", ": ---", "- item", "&anchor", "*alias",
    "!!python/object/apply:os.system [\"x\"]", "%YAML 1.2", "@", "`", "'", '"', "{", "}",
    "[", "]", "|", ">", "#", "key: value # c", "---", "...", "\\", "\t", "\u2028", "\x85",
    "\x00", "\x1b[31m", "\u202e", "\u200b", "\ufeff", "\ufffd", "<!-- translation from=zh "
    "src=0123456789ab state=human -->", "<script>alert(1)</script>", "javascript:alert(1)",
    "../../etc/passwd", "[x]([https://a.b)", "./#anchor", "#anchor", "data:text/html,x",
    "file:///etc/passwd", "<https://arxiv.org/abs/1706.03762>", "arXiv:1706.03762",
    "10.1000/xyz", "https://doi.org/10.1000/x\"y", "2023a", "19", "神经网络：回顾", "🦜",
    "LLaMA：开放", "1、", "①", "《书》", "标题：", "地址：", "\\|", "||", "**", "__",
    "$x^2$", "\\(a+b\\)", "    ", "\n", "\n\n", "\r\n", "\r",
]
TEXT = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=30),
    st.lists(st.sampled_from(HOSTILE), min_size=1, max_size=4).map("".join),
    st.lists(st.one_of(st.sampled_from(HOSTILE), st.sampled_from(
        ["Attention", "Is", "All", "You", "Need", "QLoRA", "GPT-3", "a", "of"])),
             min_size=1, max_size=6).map(" ".join),
)
URL = st.one_of(st.none(), st.sampled_from([
    "https://arxiv.org/abs/1706.03762", "https://arxiv.org/pdf/2305.14314v2.pdf",
    "https://doi.org/10.1038/nature14539", "https://github.com/a/b", "http://example.org/x",
    "https://www.youtube.com/watch?v=x", "javascript:alert(1)", "../x.pdf", "#top", "",
    "https://example.org/a b", "https://ex\u200bample.org", "ftp://x.org/y",
]), TEXT)
YEAR = st.one_of(st.none(), st.integers(-5, 3000).map(str), TEXT)
ENTRY = st.fixed_dictionaries({"title": TEXT, "url": URL, "year": YEAR, "summary": TEXT,
                               "section": TEXT, "author": TEXT})
ENTRIES = st.lists(ENTRY, min_size=1, max_size=6)


def _line(value: object) -> str:
    return " ".join(str(value or "").replace("\r", " ").split("\n"))


def markdown_list(entries: list[dict]) -> str:
    out = ["# " + _line(entries[0]["section"]), ""]
    for e in entries:
        out += [f"## {_line(e['section'])}", ""]
        out.append(f"- [{_line(e['title'])}]({_line(e['url'])}) — {_line(e['summary'])} "
                   f"({_line(e['year'])})")
        out.append(f"  - code: {_line(e['url'])}")
        out.append("")
    return "\n".join(out)


def markdown_table(entries: list[dict]) -> str:
    out = ["| Title | Paper | Year | Authors | Citations |", "|---|---|---|---|---|"]
    for e in entries:
        cells = [_line(e["title"]), f"[Paper]({_line(e['url'])})", _line(e["year"]),
                 _line(e["author"]), _line(e["summary"])]
        out.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return "\n".join(out) + "\n"


def chinese_records(entries: list[dict]) -> str:
    out = []
    for i, e in enumerate(entries, 1):
        out += [f"### {i}. {_line(e['section'])}", "", f"- 标题：{_line(e['title'])}",
                f"- 地址：{_line(e['url'])}", f"- 简介：{_line(e['summary'])}", "",
                f"{i}、{_line(e['title'])}（{_line(e['author'])}，{_line(e['year'])}）", ""]
    return "\n".join(out)


def bibtex(entries: list[dict]) -> str:
    return "\n".join(
        f"@article{{k{i},\n  title = {{{e['title']}}},\n  author = {{{e['author']}}},\n"
        f"  year = {{{e['year']}}},\n  url = {{{e['url']}}},\n  abstract = {{{e['summary']}}}\n}}\n"
        for i, e in enumerate(entries))


def spreadsheet(entries: list[dict]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(["Title", "PaperURL", "Year", "Author", "Description", "Section", "Tweet"])
    for e in entries:
        writer.writerow([e["title"], e["url"] or "", e["year"] or "", e["author"],
                         e["summary"], e["section"], e["url"] or ""])
    return buf.getvalue()


def ris(entries: list[dict]) -> str:
    return "".join(f"TY  - JOUR\nTI  - {_line(e['title'])}\nAU  - {_line(e['author'])}\n"
                   f"PY  - {_line(e['year'])}\nUR  - {_line(e['url'])}\n"
                   f"AB  - {_line(e['summary'])}\nER  - \n\n" for e in entries)


def csl_json(entries: list[dict]) -> str:
    return json.dumps([{"id": str(i), "type": "article-journal", "title": e["title"],
                        "URL": e["url"], "abstract": e["summary"],
                        "author": [{"literal": e["author"]}],
                        "issued": {"date-parts": [[e["year"]]]}}
                       for i, e in enumerate(entries)], ensure_ascii=False)


def seed_numbered(entries: list[dict]) -> str:
    out = [_line(entries[0]["section"]) or "List"]
    for i, e in enumerate(entries, 1):
        out += [f"{i}. {_line(e['title']) or 'Untitled'}", "12 citations",
                _line(e["summary"]) or "text"]
    out += [f"{len(entries) + 1}. Padding Entry", "1 citation", "text"] * (len(entries) < 2)
    return "\n".join(out) + "\n"


def seed_titled(entries: list[dict]) -> str:
    out = [_line(entries[0]["section"]) or "Families", "", "1.Group"]
    for i, e in enumerate(entries * (3 if len(entries) < 3 else 1)):
        title = re.sub(r"[^\x20-\x7e]", "", _line(e["title"])).strip() or "Paper"
        out += [f"Paper {i} {title} (20{i % 30:02d})", _line(e["summary"]) or "why"]
    return "\n".join(out) + "\n"


def seed_sections(entries: list[dict]) -> str:
    out = [_line(entries[0]["section"]) or "Ten papers", _line(entries[0]["summary"]) or "intro"]
    for i, e in enumerate(entries * (3 if len(entries) < 3 else 1), 1):
        out += [f"{i:02d}", _line(e["title"]) or "Paper", _line(e["url"]) or "x",
                f"• {_line(e['summary'])}", "1. item"]
    return "\n".join(out) + "\n"


def seed_untitled(entries: list[dict]) -> str:
    lines = [f"{_line(e['summary'])} about {_line(e['title'])}".strip() for e in entries]
    lines = [line if line and not re.match(r"^\d+\s+papers?", line, re.I) else "text"
             for line in lines]
    return f"Field — all\n{len(lines)} papers in this field\n" + "\n".join(lines) + "\n"


SHAPES = {"md": markdown_list, "table.md": markdown_table, "zh.md": chinese_records,
          "bib": bibtex, "csv": spreadsheet, "ris": ris, "json": csl_json,
          "txt": seed_numbered, "titled.txt": seed_titled, "sections.txt": seed_sections,
          "untitled.txt": seed_untitled}


def _check(shape: str, entries: list[dict], encoding_bytes: bytes = b"") -> None:
    with tempfile.TemporaryDirectory(prefix="publish-invariant-") as tmp:
        root = Path(tmp) / "proj"
        init_project(root)
        config = load_config(root)
        source = Path(tmp) / f"list.{shape}"
        source.write_bytes(encoding_bytes + SHAPES[shape](entries).encode("utf-8"))
        fmt = "seed-text" if shape.endswith("txt") else "auto"
        lang = "zh" if shape == "zh.md" else "en"
        for attempt in range(2):  # an import, then the same import again
            try:
                result = import_list(config, source, "fuzz", lang, fmt,
                                     include_all=attempt == 1)
            except PublishError as exc:
                # Refusing is allowed (no papers, a broken file), writing a broken tree is
                # not: the guard that reads back every staged file must never fire.
                assert "what load refuses" not in str(exc), str(exc)
                assert attempt == 1 or not (root / "content/lists/fuzz.yaml").exists()
                continue
            assert result.report.entries >= 0
            # The invariant: load accepts the tree, and sees the list.
            collection = load_collection(config, cache=False, blocks=True)
            assert "fuzz" in collection.lists
            assert all(p.id for p in collection.papers.values())


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(shape=st.sampled_from(sorted(SHAPES)), entries=ENTRIES,
       bom=st.sampled_from([b"", b"\xef\xbb\xbf"]))
def test_whatever_import_writes_load_accepts(shape: str, entries: list[dict],
                                             bom: bytes) -> None:
    _check(shape, entries, bom)


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_every_reader_survives_the_hostile_tokens(shape: str) -> None:
    """Every hostile token in every field of every shape, deterministically."""
    entries = [{"title": f"Paper {t} Title", "url": t, "year": t, "summary": t,
                "section": t, "author": t} for t in HOSTILE]
    entries += [{"title": t, "url": "https://arxiv.org/abs/1706.03762", "year": "2017",
                 "summary": t, "section": t, "author": t} for t in HOSTILE]
    for start in range(0, len(entries), 12):
        _check(shape, entries[start:start + 12])
