"""`publish export` and `publish import-translations`, checked with the tools translators use:
the OASIS schemas (lxml and xmllint), msgfmt, translate-toolkit (xliff2po, pocount,
pofilter, its XLIFF 2 reader), and files shaped as OmegaT, Weblate and Poedit save them
(tests/fixtures/exchange/)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from conftest import REPO, run, tree_hashes
from exchange_project import (
    P_ITEM,
    P_MACHINE,
    P_OLD,
    P_RICH,
    PID,
    TITLE_ONLY,
    ZH_MACHINE,
    ZH_OUTDATED,
    hold_lock,
    make_project,
)
from lxml import etree

from publish.blocks import block_hash, format_marker
from publish.exchange.ids import UnitId, find_record, parse_unit_id

XSD = REPO / "tests" / "fixtures" / "xsd"
FIXTURES = REPO / "tests" / "fixtures" / "exchange"
sys.path.insert(0, str(XSD))
from xsdcheck import xliff_errors  # noqa: E402 - the vendored checker lives beside the XSDs

EPOCH = {"SOURCE_DATE_EPOCH": "1795392000"}  # 2026-11-23
NS12 = "{urn:oasis:names:tc:xliff:document:1.2}"
NS2 = "{urn:oasis:names:tc:xliff:document:2.0}"
TOOLS = Path(sys.executable).parent  # translate-toolkit's commands, installed with it
needs_msgfmt = pytest.mark.skipif(not shutil.which("msgfmt"), reason="needs gettext (msgfmt)")
needs_xmllint = pytest.mark.skipif(not shutil.which("xmllint"),
                                   reason="needs libxml2-utils (xmllint)")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return make_project(tmp_path)


def export(root: Path, out: Path, *args: str) -> Path:
    result = run(root, "export", "--to", "zh", "--list", "demo", "--out", str(out), *args,
                 env=EPOCH)
    assert result.exit_code == 0, result.output
    return out


def import_json(root: Path, *args: str) -> tuple[int, dict]:
    result = run(root, "import-translations", *args, "--format", "json", env=EPOCH)
    assert result.exit_code in (0, 1), result.output
    return result.exit_code, json.loads(result.stdout)


def outcomes(report: dict) -> dict[str, str]:
    return {u["unit"]: u["result"] for u in report["units"]}


def zh_file(root: Path, pid: str = PID) -> str:
    return (root / "content" / "zh" / f"{pid}.md").read_text("utf-8")


def zh_states(root: Path) -> dict[str, str]:
    result = run(root, "status", "--lang", "zh", "--details", "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    return {f"{p['id']}:{b['source_lang']}:{b['source_line']}": b["state"]
            for p in data["papers"] for b in p["blocks"]}


# ---------------------------------------------------------------------------------------------
# Ids


def test_unit_ids_read_back_and_nothing_else_does():
    for uid in (UnitId(PID, "0123456789ab"), UnitId(PID, "0123456789ab", occurrence=3),
                UnitId(TITLE_ONLY, "0123456789ab", title=True)):
        assert parse_unit_id(str(uid)) == uid
    for bad in ("x/block/0123456789ab", f"{PID}.block-1.0123456789ab", f"{PID}.block.0123",
                f"{PID}.para.0123456789ab", f"../{PID}.block.0123456789ab", ""):
        assert parse_unit_id(bad) is None, bad
    assert find_record("x", "publish-export: target=- prev=0123456789ab next=-").prev == (
        "0123456789ab")
    assert find_record("publish-export: target=- prev=zz next=-") is None


# ---------------------------------------------------------------------------------------------
# What export writes, checked by the schemas and by other tools


def test_xliff12_is_valid_strict_xliff_and_xmllint_agrees(project: Path, tmp_path: Path):
    out = export(project, tmp_path / "zh.xlf")
    assert xliff_errors(out) == []
    if shutil.which("xmllint"):
        done = subprocess.run(["xmllint", "--noout", "--nonet", "--schema",
                               str(XSD / "xliff-core-1.2-strict.xsd"), str(out)],
                              capture_output=True, text=True,
                              env={"XML_CATALOG_FILES": str(XSD / "catalog.xml")})
        assert done.returncode == 0, done.stderr


def test_xliff21_is_valid_and_keeps_the_rules_the_schema_cannot_say(project: Path,
                                                                    tmp_path: Path):
    out = export(project, tmp_path / "zh.xlf", "--format", "xliff2")
    assert xliff_errors(out) == []
    if shutil.which("xmllint"):
        done = subprocess.run(["xmllint", "--noout", "--nonet", "--schema",
                               str(XSD / "xliff_core_2.0.xsd"), str(out)],
                              capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
    root = etree.parse(str(out)).getroot()
    assert root.get("trgLang") == "zh" and root.get("version") == "2.1"  # F1
    for file in root.iter(f"{NS2}file"):
        ids = [u.get("id") for u in file.iter(f"{NS2}unit")]
        assert len(ids) == len(set(ids))  # K3
    inline = (f"{NS2}ph", f"{NS2}pc", f"{NS2}sc", f"{NS2}ec")
    for unit in root.iter(f"{NS2}unit"):
        assert unit.find(f"{NS2}segment") is not None  # F3
        source = unit.find(f"{NS2}segment/{NS2}source")
        source_ids = [e.get("id") for e in source.iter(*inline)]
        assert len(source_ids) == len(set(source_ids))  # K6
        target = unit.find(f"{NS2}segment/{NS2}target")
        if target is not None:
            assert {e.get("id") for e in target.iter(*inline)} <= set(source_ids)  # K8
        data = {d.get("id") for d in unit.iter(f"{NS2}data")}
        refs = {e.get(a) for e in unit.iter(*inline)
                for a in ("dataRef", "dataRefStart", "dataRefEnd") if e.get(a)}
        assert refs == data


@needs_msgfmt
def test_po_passes_msgfmt_check_without_a_warning(project: Path, tmp_path: Path):
    out = export(project, tmp_path / "zh.po", "--format", "po")
    done = subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(out)],
                          capture_output=True, text=True)
    assert done.returncode == 0 and done.stderr == ""
    done = subprocess.run(["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(out)],
                          capture_output=True, text=True, env={"LC_ALL": "C"})
    assert done.stderr.strip() == ("0 translated messages, 2 fuzzy translations, "
                                   "7 untranslated messages.")


def test_pocount_sees_the_suggestions_as_fuzzy_in_xliff_and_po(project: Path, tmp_path: Path):
    files = [export(project, tmp_path / "zh.xlf"),
             export(project, tmp_path / "zh.po", "--format", "po")]
    done = subprocess.run([str(TOOLS / "pocount"), "--no-color",
                           "--csv", *map(str, files)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    rows = [line.split(",") for line in done.stdout.strip().splitlines()]
    header = rows[0]
    for row in rows[1:]:
        got = dict(zip(header, row, strict=True))
        assert (got["Translated Messages"], got["Fuzzy Messages"],
                got["Untranslated Messages"], got["Total Message"]) == ("0", "2", "7", "9"), got


def test_xliff2po_gives_back_the_markdown_the_po_export_shows(project: Path, tmp_path: Path):
    """translate-toolkit flattens XLIFF 1.2 native code to its text: the Markdown comes back
    exactly, as our own PO export writes it."""
    xlf = export(project, tmp_path / "zh.xlf")
    ours = polib.pofile(str(export(project, tmp_path / "zh.po", "--format", "po")))
    converted = tmp_path / "converted.po"
    done = subprocess.run([str(TOOLS / "xliff2po"), "--progress=none", str(xlf), str(converted)],
                          capture_output=True, text=True)
    assert done.returncode == 0 and converted.stat().st_size, done.stderr
    theirs = [e for e in polib.pofile(str(converted)) if e.msgid]
    assert [e.msgid for e in theirs] == [e.msgid for e in ours]
    assert "A **Transformer** uses *multi-head* `attention` with $O(n^2)$ cost" in (
        theirs[2].msgid)
    assert [bool(e.msgstr) for e in theirs] == [bool(e.msgstr) for e in ours]


def test_translate_toolkit_reads_xliff21_units_and_states(project: Path, tmp_path: Path):
    from translate.storage.xliff2 import Xliff2File

    out = export(project, tmp_path / "zh.xlf", "--format", "xliff2")
    store = Xliff2File.parsefile(str(out))
    units = [u for u in store.units if not u.isheader()]
    assert len(units) == 9
    assert units[0].getid() == f"{PID}.block.{block_hash(P_MACHINE)}"
    assert [u.isfuzzy() for u in units][:2] == [True, True]
    assert not any(u.istranslated() for u in units)


def test_suggestions_are_marked_and_the_earlier_source_is_shown(project: Path, tmp_path: Path):
    po = polib.pofile(str(export(project, tmp_path / "zh.po", "--format", "po")))
    machine, outdated = po[0], po[1]
    assert machine.fuzzy and machine.msgstr == ZH_MACHINE
    assert outdated.fuzzy and outdated.msgstr == ZH_OUTDATED
    assert outdated.previous_msgid == P_OLD  # found in the git history
    assert outdated.previous_msgctxt == f"{PID}.block.{block_hash(P_OLD)}"
    assert "outdated: the suggested target is a person's translation" in outdated.comment
    rich = po[2]
    assert "glossary: keep 'Transformer' as it is; keep 'LoRA' as it is; 'fine-tuning' → " \
           "'微调'" in " ".join(rich.comment.split())
    xlf = etree.parse(str(export(project, tmp_path / "zh.xlf")))
    alt = xlf.find(f".//{NS12}alt-trans")
    assert alt.get("alttranstype") == "previous-version"
    assert alt.findtext(f"{NS12}source") == P_OLD
    target = xlf.find(f".//{NS12}trans-unit/{NS12}target")
    assert target.get("state") == "needs-review-translation"
    assert target.get("state-qualifier") == "mt-suggestion"


def test_without_git_or_memory_the_earlier_source_is_said_to_be_missing(tmp_path: Path):
    root = make_project(tmp_path, git=False)
    po = polib.pofile(str(export(root, tmp_path / "zh.po", "--format", "po")))
    assert po[1].previous_msgid is None
    assert "the earlier source text was not found" in po[1].comment


def test_export_changes_nothing_in_content(project: Path, tmp_path: Path):
    before = tree_hashes(project)
    for fmt in ("xliff", "xliff2", "po"):
        export(project, tmp_path / f"zh.{fmt}", "--format", fmt)
    assert tree_hashes(project) == before


def test_split_per_paper_writes_a_folder_per_component(project: Path, tmp_path: Path):
    result = run(project, "export", "--to", "zh", "--format", "po", "--split", "paper",
                 "--out", str(tmp_path / "l10n"), env=EPOCH)
    assert result.exit_code == 0, result.output
    found = sorted(p.relative_to(tmp_path).as_posix() for p in (tmp_path / "l10n").rglob("*"))
    assert found == ["l10n/attention-is-all-you-need", "l10n/attention-is-all-you-need/zh.po",
                     "l10n/title-only-paper", "l10n/title-only-paper/zh.po"]
    result = run(project, "export", "--to", "zh", "--format", "po", "--split", "list",
                 "--out", str(tmp_path / "by-list"), env=EPOCH)
    assert (tmp_path / "by-list" / "demo" / "zh.po").is_file(), result.output


def test_only_the_states_asked_for_are_exported(project: Path, tmp_path: Path):
    po = polib.pofile(str(export(project, tmp_path / "m.po", "--format", "po", "--state",
                                 "machine")))
    assert [e.msgctxt for e in po] == [f"{PID}.block.{block_hash(P_MACHINE)}"]
    result = run(project, "export", "--to", "zh", "--state", "current")
    assert result.exit_code == 2 and "'current' is not one of" in result.output


def test_nothing_to_export_writes_nothing(project: Path, tmp_path: Path):
    result = run(project, "export", "--to", "en", "--paper", TITLE_ONLY, "--out",
                 str(tmp_path / "x.xlf"))
    assert result.exit_code == 0 and "Nothing to export" in result.output
    assert not (tmp_path / "x.xlf").exists()


# ---------------------------------------------------------------------------------------------
# Importing files as tools save them


def test_omegat_confirmed_segments_are_written_as_a_persons_and_the_rest_left(project: Path):
    code, report = import_json(project, str(FIXTURES / "omegat-zh.xlf"), "--by", "mei")
    assert code == 0, report
    assert report["counts"] == {"written": 7, "outdated": 0, "unchanged": 0, "skipped": 2,
                                "conflict": 0, "refused": 0}
    text = zh_file(project)
    assert ("一个**Transformer**使用*多头* `attention`，代价为 $O(n^2)$；对它微调很便宜，如"
            "[LoRA 论文](https://arxiv.org/abs/2106.09685)所示。") in text
    assert "- 多头自注意力让每个位置都能一步关注其他所有位置。" in text
    assert "## 结果" in text
    assert format_marker("en", block_hash(P_MACHINE), "human", "mei", "2026-11-23") in text
    assert ZH_MACHINE not in text  # the draft was replaced
    assert ZH_OUTDATED in text  # untouched in OmegaT: left alone
    title = zh_file(project, TITLE_ONLY)
    assert "local_title: 仅有标题的论文\n" in title
    assert "title_translation: from=en src=" in title and "state=human by=mei" in title
    states = zh_states(project)
    assert sorted(states.values()).count("current") == 8
    assert states[f"{PID}:en:12"] == "outdated" and states[f"{PID}:en:20"] == "missing"


def test_importing_the_same_file_twice_changes_nothing(project: Path):
    assert import_json(project, str(FIXTURES / "omegat-zh.xlf"), "--by", "mei")[0] == 0
    before = tree_hashes(project)
    code, report = import_json(project, str(FIXTURES / "omegat-zh.xlf"), "--by", "someone")
    assert code == 0 and report["counts"]["unchanged"] == 7 and report["written"] == []
    assert tree_hashes(project) == before


def test_weblate_po_names_the_translator_and_a_lost_url_is_refused(project: Path):
    before = zh_file(project)
    code, report = import_json(project, str(FIXTURES / "weblate-zh.po"))
    assert code == 1
    got = outcomes(report)
    lost = f"{PID}.block.{block_hash('Results are summarised in Table 2, see <https://example.org/table-2>.')}"
    assert got[lost] == "refused"
    (unit,) = [u for u in report["units"] if u["unit"] == lost]
    assert unit["file"].endswith("weblate-zh.po") and unit["line"] > 0
    assert "'<https://example.org/table-2>'" in unit["reason"]
    assert got[f"{PID}.block.{block_hash(P_MACHINE)}"] == "skipped"  # still fuzzy
    assert report["by"] == "Mei Chen"
    assert report["counts"]["written"] == 5
    text = zh_file(project)
    assert "该模型在 WMT 2014 英语到德语翻译任务上达到 28.4 BLEU。" in text
    assert ZH_OUTDATED not in text  # the translator revised the outdated text: replaced
    assert ZH_MACHINE in text and before != text
    assert "旧段落" not in text  # the obsolete entry
    assert zh_states(project)[f"{PID}:en:12"] == "current"


def test_a_translator_name_that_cannot_go_into_a_marker_refuses_the_file(project: Path,
                                                                        tmp_path: Path):
    hostile = tmp_path / "hostile.po"
    text = (FIXTURES / "weblate-zh.po").read_text("utf-8")
    hostile.write_text(text.replace("Mei Chen <mei@example.org>", 'x --> <b>\\"'), "utf-8")
    before = tree_hashes(project)
    result = run(project, "import-translations", str(hostile), env=EPOCH)
    assert result.exit_code == 2
    assert re.search(r"hostile\.po:1: its translator's name 'x --> \"' cannot go into a "
                     r"marker .*: pass --by NAME", result.output), result.output
    assert tree_hashes(project) == before
    code, report = import_json(project, str(hostile), "--by", "li")  # --by settles it
    assert code == 1  # the lost URL of this file is still refused
    assert report["by"] == "li" and report["counts"]["written"] == 5


def test_poedit_crlf_file_reads_as_weblate_s(project: Path):
    code, report = import_json(project, str(FIXTURES / "poedit-crlf-zh.po"), "--by", "li")
    assert code == 0 and report["counts"]["written"] == 6, report
    assert "结果汇总在表 2 中，见 <https://example.org/table-2>。" in zh_file(project)


def test_xliff21_with_sc_ec_segments_and_markers_is_understood(project: Path):
    code, report = import_json(project, str(FIXTURES / "sc-ec-zh.xlf"), "--by", "li")
    assert code == 0, report
    assert report["counts"]["written"] == 3 and report["counts"]["skipped"] == 6
    text = zh_file(project)
    assert ("一个**Transformer**使用*多头* `attention`，代价为 $O(n^2)$；对它微调很便宜，如"
            "[LoRA 论文](https://arxiv.org/abs/2106.09685)所示。") in text
    assert "结果汇总在表 2 中， 见 <https://example.org/table-2>。" in text


def test_a_file_saved_by_translate_toolkit_with_plain_targets_imports(project: Path,
                                                                      tmp_path: Path):
    """Weblate saves XLIFF through translate-toolkit; a plain-text target flattens the codes
    to their Markdown, which is then checked as a PO translation is."""
    from translate.storage.xliff import xlifffile

    out = export(project, tmp_path / "zh.xlf")
    store = xlifffile.parsefile(str(out))
    for unit in store.units:
        if unit.getid().endswith(block_hash(P_ITEM)):
            unit.target = "多头自注意力让每个位置关注其他位置。"
            unit.markfuzzy(False)
        elif "efcbc4fc4e24" in unit.getid():
            unit.target = ("一个 **Transformer** 用*多头* `attention`，代价 $O(n^2)$；微调便宜，见"
                           " [LoRA 论文](https://arxiv.org/abs/2106.09685)。")
            unit.markfuzzy(False)
    store.savefile(str(out))
    code, report = import_json(project, str(out), "--by", "li")
    assert code == 0 and report["counts"]["written"] == 2, report
    assert "一个 **Transformer** 用*多头* `attention`" in zh_file(project)


# ---------------------------------------------------------------------------------------------
# Bad files: one line each, with file and line, and nothing written

BAD = {
    "bad-truncated.xlf": [r"bad-truncated\.xlf:\d+: broken XML"],
    "bad-pair.xlf": [r"bad-pair\.xlf:1: the language pair en → fr is not one of this "
                     r"project's \(en, zh\)"],
    "bad-direction.po": [r"bad-direction\.po:12: unit 'attention-is-all-you-need\.block\."
                         r"1de773d3be7b': its source is a zh block .* the wrong language pair"],
    "bad-ids.xlf": [r"bad-ids\.xlf:\d+: unit 'no-such-paper\.block\.e4238c07177a': unknown "
                    r"paper 'no-such-paper'",
                    r"bad-ids\.xlf:\d+: unit 'attention-is-all-you-need/cf56ea81b66b' is not "
                    r"an id publish exports"],
    "bad-duplicate.xlf": [r"bad-duplicate\.xlf:\d+: unit 'attention-is-all-you-need\.block\."
                          r"cf56ea81b66b' is there twice \(also .*bad-duplicate\.xlf:\d+\)"],
    "bad-syntax.po": [r"bad-syntax\.po:9: PO syntax error: '\"结果' is not one complete "
                      r"quoted string"],
    "bad-keyword.po": [r"bad-keyword\.po:9: PO syntax error: 'msgtsr \"结果\"' is neither a "
                       r"keyword"],
}


@pytest.mark.parametrize("name", sorted(BAD))
def test_a_bad_file_is_refused_whole_with_one_line_per_problem(project: Path, name: str):
    before = tree_hashes(project)
    result = run(project, "import-translations", str(FIXTURES / name), env=EPOCH)
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == len(BAD[name]), lines
    for line, pattern in zip(lines, BAD[name], strict=True):
        assert line.startswith("publish: error: ") and re.search(pattern, line), line
    assert tree_hashes(project) == before


def test_a_good_file_is_not_imported_with_a_bad_one(project: Path):
    before = tree_hashes(project)
    result = run(project, "import-translations", str(FIXTURES / "omegat-zh.xlf"),
                 str(FIXTURES / "bad-syntax.po"), env=EPOCH)
    assert result.exit_code == 2 and "bad-syntax.po:9:" in result.output
    assert tree_hashes(project) == before


def test_an_xliff_with_entities_is_refused(project: Path, tmp_path: Path):
    bomb = tmp_path / "bomb.xlf"
    bomb.write_text('<?xml version="1.0"?>\n<!DOCTYPE xliff [<!ENTITY a "aaaaaaaaaa">'
                    '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>\n'
                    '<xliff xmlns="urn:oasis:names:tc:xliff:document:1.2" version="1.2">'
                    '<file original="x" source-language="en" target-language="zh" '
                    'datatype="plaintext"><body/></file></xliff>\n', "utf-8")
    result = run(project, "import-translations", str(bomb))
    assert result.exit_code == 2 and "a DOCTYPE in an XLIFF file is not accepted" in (
        result.output)


# ---------------------------------------------------------------------------------------------
# What happened in content/ since the export


def _translate_po(path: Path, texts: dict[str, str]) -> None:
    po = polib.pofile(str(path))
    for entry in po:
        for key, text in texts.items():
            if entry.msgctxt.endswith(key):
                entry.msgstr = text
                if "fuzzy" in entry.flags:
                    entry.flags.remove("fuzzy")
    po.save(str(path))


def test_a_persons_edit_in_content_after_the_export_is_a_conflict(project: Path,
                                                                  tmp_path: Path):
    po = export(project, tmp_path / "zh.po", "--format", "po")
    path = project / "content" / "zh" / f"{PID}.md"
    edited = path.read_text("utf-8").replace(ZH_MACHINE, "有人动手改过的草稿。")
    path.write_text(edited, "utf-8")
    _translate_po(po, {block_hash(P_MACHINE): "我们用 8 个 GPU、$d_{model}=512$ 训练 100k 步。",
                       block_hash(P_ITEM): "多头自注意力。"})
    code, report = import_json(project, str(po), "--by", "li")
    assert code == 1
    got = outcomes(report)
    assert got[f"{PID}.block.{block_hash(P_MACHINE)}"] == "conflict"
    assert got[f"{PID}.block.{block_hash(P_ITEM)}"] == "written"
    assert "有人动手改过的草稿。" in zh_file(project)


def test_a_draft_made_after_the_export_is_replaced(project: Path, tmp_path: Path):
    po = export(project, tmp_path / "zh.po", "--format", "po")
    path = project / "content" / "zh" / f"{PID}.md"
    marker = format_marker("en", block_hash(P_ITEM), "machine", "libre", "2026-11-25")
    path.write_text(path.read_text("utf-8") + f"\n{marker}\n- 机器草稿。\n", "utf-8")
    _translate_po(po, {block_hash(P_ITEM): "多头自注意力。"})
    code, report = import_json(project, str(po), "--by", "li")
    assert code == 0 and outcomes(report)[f"{PID}.block.{block_hash(P_ITEM)}"] == "written"
    text = zh_file(project)
    assert "机器草稿" not in text and "- 多头自注意力。" in text


def _edit_item_source(root: Path) -> None:
    path = root / "content" / "en" / f"{PID}.md"
    path.write_text(path.read_text("utf-8").replace(P_ITEM, P_ITEM + " Also faster."),
                    "utf-8")


def test_a_source_edited_after_the_export_is_written_as_outdated(project: Path,
                                                                 tmp_path: Path):
    po = export(project, tmp_path / "zh.po", "--format", "po")
    _edit_item_source(project)
    _translate_po(po, {block_hash(P_ITEM): "多头自注意力让每个位置关注其他位置。",
                       block_hash(P_RICH): "一个 **Transformer** 用*多头* `attention`，代价 "
                       "$O(n^2)$；微调便宜，见 [LoRA 论文](https://arxiv.org/abs/2106.09685)。"})
    result = run(project, "import-translations", str(po), "--by", "li", env=EPOCH)
    assert result.exit_code == 0, result.output
    assert "outdated: its source changed since the export" in result.output
    text = zh_file(project)
    assert format_marker("en", block_hash(P_ITEM), "human", "li", "2026-11-23") in text
    states = zh_states(project)
    assert states[f"{PID}:en:14"] == "current" and states[f"{PID}:en:16"] == "outdated"


def test_an_edited_source_after_untranslated_blocks_is_not_written_misplaced(
        project: Path, tmp_path: Path):
    """Status pairs a translation of an edited source by its place: after a block with no
    translation it would take that block for its source. Such a unit is refused."""
    po = export(project, tmp_path / "zh.po", "--format", "po")
    _edit_item_source(project)
    _translate_po(po, {block_hash(P_ITEM): "多头自注意力让每个位置关注其他位置。"})
    before = tree_hashes(project)
    code, report = import_json(project, str(po), "--by", "li")
    assert code == 1 and report["counts"]["refused"] == 1 and report["written"] == []
    assert "would not pair it with its source block" in report["units"][3]["reason"]
    assert tree_hashes(project) == before


def test_a_lost_code_in_xliff_is_refused_with_file_and_unit(project: Path, tmp_path: Path):
    src = (FIXTURES / "omegat-zh.xlf").read_text("utf-8")
    broken = tmp_path / "lost.xlf"
    broken.write_text(src.replace('，代价为 <ph id="5" ctype="x-math">$O(n^2)$</ph>；', "；"),
                      "utf-8")
    result = run(project, "import-translations", str(broken), "--by", "li", env=EPOCH)
    assert result.exit_code == 1
    assert re.search(r"lost\.xlf:\d+: attention-is-all-you-need\.block\.efcbc4fc4e24: "
                     r"refused: the translation lost or damaged 1 protected piece\(s\): "
                     r"'\$O\(n\^2\)\$'", result.output), result.output
    assert "代价为" not in zh_file(project)


def test_a_changed_code_in_xliff_is_refused(project: Path, tmp_path: Path):
    src = (FIXTURES / "omegat-zh.xlf").read_text("utf-8")
    changed = tmp_path / "changed.xlf"
    changed.write_text(src.replace('<ph id="5" ctype="x-math">$O(n^2)$</ph>；',
                                   '<ph id="5" ctype="x-math">$O(n)$</ph>；'), "utf-8")
    code, report = import_json(project, str(changed), "--by", "li")
    assert code == 1
    (unit,) = [u for u in report["units"] if u["result"] == "refused"]
    assert "changed the code '5' ('$O(n^2)$' → '$O(n)$')" in unit["reason"]


def test_a_translation_that_is_not_one_block_is_refused(project: Path, tmp_path: Path):
    po = export(project, tmp_path / "zh.po", "--format", "po")
    _translate_po(po, {block_hash(P_ITEM): "第一段。\n\n第二段。"})
    code, report = import_json(project, str(po), "--by", "li")
    assert code == 1
    assert "it would not be one Markdown item" in report["units"][3]["reason"]


def test_dry_run_says_what_would_be_written_and_writes_nothing(project: Path):
    before = tree_hashes(project)
    result = run(project, "import-translations", str(FIXTURES / "omegat-zh.xlf"), "--dry-run",
                 env=EPOCH)
    assert result.exit_code == 0
    assert f"would write {project / 'content' / 'zh' / (PID + '.md')}" in result.output
    assert "(dry run: nothing written)" in result.output
    assert tree_hashes(project) == before


# ---------------------------------------------------------------------------------------------
# translate-toolkit's converters and checks on what comes back


def test_pofilter_flags_the_lost_url_the_import_refuses(tmp_path: Path):
    out = tmp_path / "flagged.po"
    done = subprocess.run([str(TOOLS / "pofilter"), "--progress=none", "--language=zh",
                           "-t", "urls", "-t", "xmltags", "-t", "printf", "-t", "escapes",
                           "-t", "newlines", str(FIXTURES / "weblate-zh.po"), str(out)],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    flagged = {e.msgctxt: e.tcomment for e in polib.pofile(str(out)) if e.msgid}
    assert "(pofilter) urls" in flagged.pop(f"{PID}.block.f04c441b30f8")
    # pofilter's known false positive with Chinese: text right after a link's `)` is taken
    # for part of its URL (docs/notes-exchange.md); the import checks the URL itself
    assert list(flagged) == [f"{PID}.block.efcbc4fc4e24"]


def test_pofilter_finds_nothing_wrong_in_the_suggestions_offered(project: Path,
                                                                 tmp_path: Path):
    po = export(project, tmp_path / "zh.po", "--format", "po")
    out = tmp_path / "flagged.po"
    subprocess.run([str(TOOLS / "pofilter"), "--progress=none", "--language=zh", "-t", "urls",
                    "-t", "xmltags", "-t", "printf", "-t", "escapes", "-t", "newlines",
                    str(po), str(out)], check=True, capture_output=True)
    assert not out.exists()  # pofilter writes nothing when no unit fails


def xlf_ns(path: Path) -> str:
    return etree.QName(etree.parse(str(path)).getroot()).namespace


def test_a_po2xliff_conversion_is_refused_cleanly(project: Path, tmp_path: Path):
    """po2xliff numbers its units and drops msgctxt: such a file cannot say which block a
    unit is, and is refused whole, one line per unit."""
    po = export(project, tmp_path / "zh.po", "--format", "po")
    xlf = tmp_path / "converted.xlf"
    done = subprocess.run([str(TOOLS / "po2xliff"), "--progress=none", str(po), str(xlf)],
                          capture_output=True, text=True)
    assert done.returncode == 0 and xlf.stat().st_size, done.stderr
    before = tree_hashes(project)
    result = run(project, "import-translations", str(xlf))
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    units = etree.parse(str(xlf)).getroot().iter(f"{{{xlf_ns(xlf)}}}trans-unit")
    assert len(lines) == len(list(units)) >= 9
    assert all("is not an id publish exports" in ln for ln in lines)
    assert tree_hashes(project) == before


# ---------------------------------------------------------------------------------------------
# One writer at a time


@pytest.mark.slow
def test_an_import_waits_for_another_writer_or_gives_up_with_nothing_written(project: Path):
    before = tree_hashes(project)
    holder = hold_lock(project, 2)
    impatient = run(project, "import-translations", str(FIXTURES / "omegat-zh.xlf"),
                    "--wait", "0", env=EPOCH)
    assert impatient.exit_code == 2
    assert "another run is writing to this project (`publish translate`" in impatient.output
    assert tree_hashes(project) == before
    patient = run(project, "import-translations", str(FIXTURES / "omegat-zh.xlf"),
                  "--by", "mei", "--wait", "30", env=EPOCH)
    holder.wait(10)
    assert patient.exit_code == 0, patient.output
    assert "waiting for another run to finish writing" in patient.output
    assert "7 written" in patient.output
