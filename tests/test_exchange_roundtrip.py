"""Whole lists of the seeded project through XLIFF and PO, both ways (en → zh: field-25;
zh → en: llm-top10-2023-zh): export, a translator's tool fills units (codes kept by id, as
OmegaT does; or PO entries, as Poedit does), import. Exactly the translated units change,
and `publish status` says they are current."""

from __future__ import annotations

import copy
import json
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from conftest import run, tree_hashes
from lxml import etree

from publish.blocks import split_blocks
from publish.content.files import split_front_matter

sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "xsd"))
from xsdcheck import xliff_errors

EPOCH = {"SOURCE_DATE_EPOCH": "1795392000"}  # 2026-11-23
CASES = [("zh", "field-25", "译："), ("en", "llm-top10-2023-zh", "EN: ")]
NS12 = "urn:oasis:names:tc:xliff:document:1.2"
NS2 = "urn:oasis:names:tc:xliff:document:2.0"

pytestmark = pytest.mark.slow


def _fill_xliff(path: Path, prefix: str, every: int) -> set[str]:
    """A translator confirming every `every`-th unit: the source with its codes, prefixed."""
    doc = etree.parse(str(path))
    root = doc.getroot()
    done: set[str] = set()
    ns = etree.QName(root).namespace
    units = list(root.iter(f"{{{ns}}}trans-unit" if ns == NS12 else f"{{{ns}}}unit"))
    for i, unit in enumerate(units):
        if i % every:
            continue
        holder = unit if ns == NS12 else unit.find(f"{{{ns}}}segment")
        source = holder.find(f"{{{ns}}}source")
        old = holder.find(f"{{{ns}}}target")
        target = copy.deepcopy(source)
        target.tag = f"{{{ns}}}target"
        target.text = prefix + (target.text or "")
        if old is not None:
            holder.replace(old, target)
        else:
            source.addnext(target)
        if ns == NS12:
            target.set("state", "translated")
        else:
            holder.set("state", "translated")
            holder.attrib.pop("subState", None)
        done.add(unit.get("id"))
    doc.write(str(path), xml_declaration=True, encoding="UTF-8")
    return done


def _fill_po(path: Path, prefix: str, every: int) -> set[str]:
    po = polib.pofile(str(path))
    done: set[str] = set()
    for i, entry in enumerate(po):
        if i % every:
            continue
        entry.msgstr = prefix + entry.msgid
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
        done.add(entry.msgctxt)
    po.save(str(path))
    return done


def _blocks(path: Path, lang: str) -> list[tuple[str, str | None, str | None]]:
    if not path.is_file():
        return []
    _, body, line = split_front_matter(path.read_text("utf-8"))
    return [(b.text, b.state, b.by) for b in split_blocks(body, lang, line)]


def _details(root: Path, to: str, list_id: str) -> dict:
    result = run(root, "status", "--lang", to, "--list", list_id, "--details", "--format",
                 "json")
    return json.loads(result.stdout)


def _count(details: dict, state: str) -> int:
    return sum(1 for p in details["papers"] for b in p["blocks"] if b["state"] == state)


@pytest.mark.parametrize("fmt", ["xliff", "xliff2", "po"])
@pytest.mark.parametrize(("to", "list_id", "prefix"), CASES, ids=[c[1] for c in CASES])
def test_a_whole_list_goes_through_and_comes_back(seeded: Path, tmp_path: Path, fmt: str,
                                                  to: str, list_id: str, prefix: str):
    root = tmp_path / "proj"
    shutil.copytree(seeded, root)
    out = tmp_path / f"{list_id}.{to}.{'po' if fmt == 'po' else 'xlf'}"
    result = run(root, "export", "--to", to, "--list", list_id, "--format", fmt, "--out",
                 str(out), env=EPOCH)
    assert result.exit_code == 0, result.output
    every = 2 if fmt == "po" else 1  # the PO translator does every other unit
    if fmt == "po":
        done = _fill_po(out, prefix, every)
        check = subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(out)],
                               capture_output=True, text=True)
        assert check.returncode == 0, check.stderr
    else:
        done = _fill_xliff(out, prefix, every)
        assert xliff_errors(out) == []
    assert done
    before = tree_hashes(root)
    current_before = _count(_details(root, to, list_id), "current")
    texts_before = {p: _blocks(p, to) for p in (root / "content" / to).glob("*.md")}
    result = run(root, "import-translations", str(out), "--by", "mei", "--format", "json",
                 env=EPOCH)
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    written = {u["unit"] for u in report["units"] if u["result"] == "written"}
    assert written == done
    assert report["counts"]["skipped"] == len(report["units"]) - len(done)
    # exactly the translated units: each changed file is the old one plus new blocks
    after = tree_hashes(root)
    changed = {k for k in after if after[k] != before.get(k)}
    assert changed == {str(Path(p).relative_to(root)) for p in report["written"]}
    assert not set(before) - set(after)
    new_blocks = 0
    for rel in changed:
        path = root / rel
        now = _blocks(path, to)
        old = texts_before.get(path, [])
        added = [b for b in now if b not in old]
        assert [b for b in now if b in old] == old  # nothing else moved or changed
        assert all(text.split("\n")[0].lstrip("-#> 0123456789.").startswith(prefix.strip())
                   and state == "human" and by == "mei" for text, state, by in added), added
        new_blocks += len(added)
    assert new_blocks == len(done)
    # and status says so: every translated unit current, the others as they were
    details = _details(root, to, list_id)
    assert _count(details, "current") == current_before + len(done)
    if every == 1:
        assert details["lists"][list_id][to]["coverage"] == 100.0
    again = run(root, "import-translations", str(out), "--by", "mei", "--format", "json",
                env=EPOCH)
    assert json.loads(again.stdout)["counts"]["unchanged"] == len(done)
    assert tree_hashes(root) == after
