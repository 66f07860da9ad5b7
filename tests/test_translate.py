"""`publish translate` against a LibreTranslate stand-in on 127.0.0.1, through deep-translator's
real LibreTranslator client: drafts, memory, placeholders, failures, interruption, locking."""

from __future__ import annotations

import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import REPO, run, tree_hashes
from translation_server import TranslationServer

from publish.blocks import block_hash, format_marker, split_blocks
from publish.config import load_config
from publish.content.load import load_collection
from publish.status import paper_status
from publish.translate.protect import PlaceholderError, protect, restore
from publish.translate.split import split_text

DATE = {"SOURCE_DATE_EPOCH": "1795478400"}  # 2026-11-24
ALPHA = "Alpha paragraph about attention."
BETA_OLD = "Beta paragraph about scaling."
BETA = "Beta paragraph about scaling laws."
GAMMA = ("Gamma paragraph with math $x^2 + y$ and \\(a_n\\), code `f(x)`, and a link "
         "https://arxiv.org/abs/1706.03762.")
DELTA = "- Delta item, a machine draft gone stale."
DELTA_OLD = "- Delta item, first version."
SHARED = "A paragraph that two papers share word for word."
ALPHA_ZH = "甲段,一位译者审过。"
BETA_ZH = "乙段,旧的人工译文。"
ZH_NOTE = "笔者的评论:这是一段中文原文。"


def marker(source: str, state: str, by: str = "mei") -> str:
    return format_marker("en", block_hash(source), state, by=by, at="2026-11-20")


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, "utf-8")


@pytest.fixture
def proj(project: Path) -> Path:
    """Two small papers with every kind of block state, and two real papers."""
    write(project / "content/en/paper-one.md",
          "---\ntitle: Paper One\nyear: 2020\n---\n\n"
          f"{ALPHA}\n\n{BETA}\n\n{DELTA}\n\n{GAMMA}\n\n{SHARED}\n")
    write(project / "content/zh/paper-one.md",
          "---\nmeta_in: en\n---\n\n"
          f"{marker(ALPHA, 'human')}\n{ALPHA_ZH}\n\n"
          f"{marker(BETA_OLD, 'human')}\n{BETA_ZH}\n\n"
          f"{marker(DELTA_OLD, 'machine', 'libre')}\n- 丁项,旧的机器译文。\n\n"
          f"{ZH_NOTE}\n")
    write(project / "content/en/paper-two.md",
          f"---\ntitle: Paper Two\nyear: 2021\n---\n\n{SHARED}\n\nIts own closing remark.\n")
    for pid in ("attention-is-all-you-need", "mistral-7b"):
        for lang in ("en", "zh"):
            src = REPO / "content" / lang / f"{pid}.md"
            text = src.read_text("utf-8")
            # The real papers' list memberships point at lists this project does not have.
            lines, out, skipping = text.split("\n"), [], False
            for line in lines:
                if line == "lists:":
                    skipping = True
                    continue
                if skipping and line.startswith("  - "):
                    continue
                skipping = False
                out.append(line)
            write(project / "content" / lang / f"{pid}.md", "\n".join(out))
    return project


@pytest.fixture
def server() -> Iterator[TranslationServer]:
    with TranslationServer("echo") as srv:
        yield srv


def translate(root: Path, srv: TranslationServer, *args: str):
    return run(root, "translate", "--backend", "libre", "--url", srv.url, *args, env=DATE)


def zh_states(root: Path, pid: str, lang: str = "zh") -> list[str]:
    config = load_config(root)
    paper = load_collection(config).papers[pid]
    return [u.state for u in paper_status(paper, lang, config.languages).units]


def lines_kept(before: str, after: str) -> bool:
    """Every line of `before` is in `after`, in order: only insertions happened."""
    it = iter(after.split("\n"))
    return all(any(line == other for other in it) for line in before.split("\n"))


# ---------------------------------------------------------------------------------------------


def test_drafts_are_written_marked_in_source_order_and_reviewed_text_is_untouched(
        proj: Path, server: TranslationServer):
    zh_file = proj / "content/zh/paper-one.md"
    before = zh_file.read_text("utf-8")
    result = translate(proj, server, "--to", "zh", "--format", "json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    # paper-one: Beta and Delta (outdated) are left alone by default, Gamma and the shared
    # paragraph are missing; paper-two needs both of its blocks; the shared one is sent once.
    assert report["requests"] == server.requests == report["to_send"]
    assert server.texts.count(SHARED) == 1
    after = zh_file.read_text("utf-8")
    assert lines_kept(before, after), "an existing line was changed or removed"
    blocks = split_blocks(after.split("---\n", 2)[2], "zh")
    drafts = [b for b in blocks if b.state == "machine" and b.at == "2026-11-24"]
    assert [b.by for b in drafts] == ["libre", "libre"]
    assert [b.source_hash for b in drafts] == [block_hash(GAMMA), block_hash(SHARED)]
    # In source order, after the translation of the block before them (Delta's old draft);
    # the Chinese original stays last.
    texts = [b.text for b in blocks]
    assert texts.index(BETA_ZH) < texts.index("- 丁项,旧的机器译文。") < texts.index(
        drafts[0].text) < texts.index(drafts[1].text) < texts.index(ZH_NOTE)
    assert ALPHA_ZH in texts and BETA_ZH in texts
    assert zh_states(proj, "paper-one") == ["original", "current", "outdated", "outdated",
                                            "machine", "machine"]
    # A new file is created for paper-two, with its metadata pointer.
    two = (proj / "content/zh/paper-two.md").read_text("utf-8")
    assert two.startswith("---\nmeta_in: en\n---\n\n<!-- translation from=en src=")
    assert zh_states(proj, "paper-two") == ["machine", "machine"]
    shown = json.loads(run(proj, "show", "paper-two", "--format", "json").output)
    assert [b["state"] for b in shown["texts"]["zh"]["blocks"]] == ["machine", "machine"]
    # The other direction: the Chinese originals of the real papers get English drafts.
    server.reset()
    result = translate(proj, server, "--to", "en")
    assert result.exit_code == 0, result.output
    assert server.texts and all(t and not t.startswith("[") for t in server.texts)
    assert set(zh_states(proj, "mistral-7b", "en")) == {"machine"}


def test_a_second_run_sends_nothing_and_the_memory_serves_deleted_drafts(
        proj: Path, server: TranslationServer):
    first = proj / "content/zh/paper-one.md"
    original = first.read_text("utf-8")
    assert translate(proj, server, "--to", "zh").exit_code == 0
    drafted = tree_hashes(proj)
    server.reset()
    again = translate(proj, server, "--to", "zh", "--format", "json")
    assert again.exit_code == 0 and server.requests == 0
    assert json.loads(again.output)["blocks"] == 0
    # Lose the drafts (a person reverts the file): they come back from the memory, not the
    # service, byte for byte.
    first.write_text(original, "utf-8")
    (proj / "content/zh/paper-two.md").unlink()
    report = json.loads(translate(proj, server, "--to", "zh", "--format", "json").output)
    assert server.requests == 0 and report["from_memory"] == report["unique"] > 0
    assert tree_hashes(proj) == drafted


def test_math_code_urls_and_glossary_terms_come_back_intact(proj: Path,
                                                            server: TranslationServer):
    write(proj / "content/glossary.yaml", "keep:\n  - Gamma\ntranslate:\n  - en: math\n"
                                          "    zh: 数学\n")
    assert translate(proj, server, "--to", "zh", "--paper", "paper-one").exit_code == 0
    sent = next(t for t in server.texts if "paragraph with math" in t)
    for kept in ("Gamma", "$x^2 + y$", "\\(a_n\\)", "`f(x)`", "https://arxiv.org"):
        assert kept not in sent, f"{kept} was sent to the service"
    body = (proj / "content/zh/paper-one.md").read_text("utf-8")
    assert f"[zh] {GAMMA}" in body


def test_outdated_drafts_are_replaced_and_person_translations_kept_beside(
        proj: Path, server: TranslationServer):
    zh_file = proj / "content/zh/paper-one.md"
    result = translate(proj, server, "--to", "zh", "--paper", "paper-one", "--only",
                       "outdated")
    assert result.exit_code == 0, result.output
    assert sorted(server.texts) == sorted([BETA, DELTA[2:]])
    body = zh_file.read_text("utf-8")
    # The person's outdated Beta translation is still there, byte for byte, with the new
    # draft right after it; the stale machine draft of Delta is gone, replaced.
    kept = f"{marker(BETA_OLD, 'human')}\n{BETA_ZH}\n\n"
    assert kept + format_marker("en", block_hash(BETA), "machine", by="libre",
                                at="2026-11-24") + f"\n[zh] {BETA}\n" in body
    assert "丁项,旧的机器译文" not in body and f"- [zh] {DELTA[2:]}" in body
    assert f"{marker(ALPHA, 'human')}\n{ALPHA_ZH}\n" in body
    config = load_config(proj)
    st = paper_status(load_collection(config).papers["paper-one"], "zh", config.languages)
    assert [u.state for u in st.units] == ["original", "current", "machine", "machine",
                                           "missing", "missing"]
    assert [o.block.text for o in st.orphans] == [BETA_ZH]


def test_dry_run_sends_and_writes_nothing(proj: Path, server: TranslationServer):
    before = tree_hashes(proj)
    result = translate(proj, server, "--to", "zh", "--dry-run", "--format", "json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert server.requests == 0 and tree_hashes(proj) == before
    assert not (proj / "translation-memory.sqlite").exists()
    assert report["to_send"] > 0 and report["characters_to_send"] > 100
    assert {p["paper"] for p in report["per_paper"]} >= {"paper-one", "paper-two"}
    table = translate(proj, server, "--to", "zh", "--dry-run")
    assert "would be sent" in table.output and "Nothing sent" in table.output


def test_mangled_placeholder_block_is_not_written_and_paper_reported(
        proj: Path, server: TranslationServer):
    server.reset("mangle")
    zh_file = proj / "content/zh/paper-one.md"
    result = translate(proj, server, "--to", "zh", "--paper", "paper-one", "--format", "json")
    assert result.exit_code == 1, result.output
    report = json.loads(result.output)
    assert [(f["paper"], f["line"]) for f in report["failed"]] == [("paper-one", 12)]
    assert report["failed"][0]["path"].endswith("content/en/paper-one.md")
    assert "placeholder" in report["failed"][0]["reason"]
    assert report["left"] == ["paper-one"]
    body = zh_file.read_text("utf-8")
    assert "Gamma" not in body and f"[zh] {SHARED}" in body  # the other draft is written


@pytest.mark.slow
def test_429_is_retried_after_retry_after(proj: Path):
    with TranslationServer("429", fail_first=2, retry_after=1) as srv:
        started = time.monotonic()
        result = translate(proj, srv, "--to", "zh", "--paper", "paper-two", "--jobs", "1",
                           "--format", "json")
        elapsed = time.monotonic() - started
    assert result.exit_code == 0, result.output
    assert srv.requests == 2 + 2 and elapsed >= 2.0  # two blocks, two 429s of 1 s each
    assert zh_states(proj, "paper-two") == ["machine", "machine"]


@pytest.mark.parametrize(("mode", "reason"), [("500", "HTTP 500"),
                                              ("garbage", "not a translation")])
def test_server_errors_and_garbage_are_reported(proj: Path, mode: str, reason: str):
    before = tree_hashes(proj)
    with TranslationServer(mode) as srv:
        result = translate(proj, srv, "--to", "zh", "--paper", "paper-two", "--retries", "1",
                           "--format", "json")
    assert result.exit_code == 1, result.output
    report = json.loads(result.output)
    assert report["left"] == ["paper-two"] and tree_hashes(proj) == before
    reasons = [f["reason"] for f in report["failed"]] + [report["stopped"] or ""]
    assert any(reason in r for r in reasons), reasons


@pytest.mark.slow
def test_a_hung_server_is_cut_off_by_the_timeout(proj: Path):
    with TranslationServer("hang") as srv:
        started = time.monotonic()
        result = translate(proj, srv, "--to", "zh", "--timeout", "1", "--jobs", "2",
                           "--format", "json")
        elapsed = time.monotonic() - started
    assert result.exit_code == 1, result.output
    report = json.loads(result.output)
    assert elapsed < 8, f"took {elapsed:.1f} s"
    assert "keeps failing" in report["stopped"] and "no answer within 1 s" in report["stopped"]
    assert set(report["left"]) >= {"paper-one", "paper-two"}
    assert report["drafted"] == 0


def test_long_blocks_are_split_at_sentences_under_the_limit(project: Path,
                                                            server: TranslationServer):
    sentence = "Scaling the model with $N$ parameters improves the loss steadily. "
    long = (sentence * 180).strip()  # ~12,000 characters
    write(project / "content/en/long.md", f"---\ntitle: Long\n---\n\n{long}\n")
    assert translate(project, server, "--to", "zh").exit_code == 0
    assert server.requests == 3 and all(len(t) <= 5000 for t in server.texts)
    assert all(t.endswith("steadily.") for t in server.texts)  # whole sentences
    body = (project / "content/zh/long.md").read_text("utf-8")
    assert body.count("$N$") == 180


def test_keys_are_required_and_backends_listed(proj: Path, server: TranslationServer):
    result = run(proj, "translate", "--to", "zh", "--backend", "deepl",
                 env={"DEEPL_API_KEY": ""})
    assert result.exit_code == 2 and "DEEPL_API_KEY" in result.output
    listed = run(proj, "translate", "--backends", "--format", "json")
    rows = {r["name"]: r for r in json.loads(listed.output)}
    assert set(rows) == {"google", "deepl", "microsoft", "mymemory", "libre", "baidu",
                         "chatgpt"}
    assert rows["baidu"]["needs"] == ["BAIDU_APPID", "BAIDU_APPKEY"]
    assert rows["google"]["codes"]["zh"] == "zh-CN" and rows["microsoft"]["codes"]["zh"] == \
        "zh-hans"
    bad = run(proj, "translate", "--to", "fr")
    assert bad.exit_code == 2 and "not a language of this project" in bad.output


def test_limit_sends_at_most_n_blocks(proj: Path, server: TranslationServer):
    result = translate(proj, server, "--to", "zh", "--limit", "2", "--format", "json")
    assert result.exit_code == 0 and server.requests == 2
    assert json.loads(result.output)["left"]


# ---------------------------------------------------------------------------------------------
# Runs in a separate process: killed, and concurrent


def _cli(root: Path, srv: TranslationServer, *args: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, **DATE, "PYTHONPATH": str(REPO / "src")}
    return subprocess.Popen(
        [sys.executable, "-c", "from publish.cli import main; main()", "--root", str(root),
         "translate", "--backend", "libre", "--url", srv.url, *args],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def _wait_for(predicate, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while not predicate():
        assert time.monotonic() < deadline, "timed out waiting"
        time.sleep(0.05)


@pytest.mark.slow
def test_a_killed_run_resumes_without_resending_finished_blocks(proj: Path):
    with TranslationServer("slow", latency=0.25) as srv:
        child = _cli(proj, srv, "--to", "en", "--jobs", "1")
        try:
            # Papers are written as they finish: the first one is on disk before the kill.
            first = proj / "content/en/attention-is-all-you-need.md"
            _wait_for(lambda: srv.requests >= 5 and "state=machine" in first.read_text("utf-8"))
        finally:
            child.send_signal(signal.SIGKILL)
            child.wait()
        sent_first = list(srv.texts)
    db = sqlite3.connect(proj / "translation-memory.sqlite")
    kept = {row[0] for row in db.execute("SELECT source_text FROM drafts")}
    db.close()
    assert len(kept) >= 3, "finished blocks were not in the memory at once"
    # The tree is whole, and the papers finished before the kill are written.
    collection = load_collection(load_config(proj))
    written = sum(1 for p in collection.papers.values() if "en" in p.texts
                  for b in p.texts["en"].blocks if b.state == "machine")
    assert written >= 2
    finished, in_flight = sent_first[:len(kept)], sent_first[len(kept):]
    assert len(in_flight) <= 1  # --jobs 1
    with TranslationServer("echo") as srv:
        result = translate(proj, srv, "--to", "en", "--format", "json")
        assert result.exit_code == 0, result.output
        report = json.loads(result.output)
        assert report["from_memory"] + written == len(kept)
        assert srv.requests == report["to_send"] == report["unique"] - report["from_memory"]
        assert not set(srv.texts) & set(finished), "a finished block was sent again"
        assert set(in_flight) <= set(srv.texts)
    assert set(zh_states(proj, "mistral-7b", "en")) == {"machine"}


@pytest.mark.slow
def test_a_second_concurrent_run_waits_then_refuses(proj: Path):
    with TranslationServer("hang") as srv:
        child = _cli(proj, srv, "--to", "zh", "--timeout", "30", "--jobs", "1")
        try:
            _wait_for(lambda: srv.requests >= 1)
            before = tree_hashes(proj)
            started = time.monotonic()
            second = translate(proj, srv, "--to", "zh", "--wait", "1")
            assert time.monotonic() - started >= 1  # it waited, saying so, then gave up
            assert second.exit_code == 2
            assert "waiting for another run to finish writing" in second.output
            assert "another run is writing to this project (`publish translate`" in \
                second.output
            assert f"pid {child.pid}" in second.output
            assert tree_hashes(proj) == before and srv.requests == 1
        finally:
            child.send_signal(signal.SIGKILL)
            child.wait()
    # The kernel releases the lock with the process: the next run goes ahead.
    with TranslationServer("echo") as srv:
        assert translate(proj, srv, "--to", "zh").exit_code == 0


# ---------------------------------------------------------------------------------------------
# zh-Hant


def test_zh_hant_is_derived_offline_and_refreshed_when_zh_changes(proj: Path):
    result = run(proj, "translate", "--to", "zh-Hant", "--format", "json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["papers"] == 3 and len(report["written"]) == 3
    hant = (proj / "build/zh-Hant/paper-one.md").read_text("utf-8")
    assert hant.startswith("---\nderived_from: zh\nconverter: opencc s2twp\nsource_hash: ")
    assert "筆者的評論:這是一段中文原文。" in hant and "state=human" in hant
    again = json.loads(run(proj, "translate", "--to", "zh-Hant", "--format", "json").output)
    assert again["written"] == [] and again["unchanged"] == 3
    zh = proj / "content/zh/paper-one.md"
    zh.write_text(zh.read_text("utf-8").replace("这是一段", "这是另一段"), "utf-8")
    third = json.loads(run(proj, "translate", "--to", "zh-Hant", "--format", "json").output)
    assert [Path(p).name for p in third["written"]] == ["paper-one.md"]
    assert "這是另一段" in (proj / "build/zh-Hant/paper-one.md").read_text("utf-8")
    assert not (proj / "content/zh-Hant").exists()


# ---------------------------------------------------------------------------------------------
# The pieces


def test_placeholders_restore_or_refuse():
    p = protect("- See $E=mc^2$ at https://example.org/x and “Attention Is All You Need”.",
                "item", keep=["GAtt"])
    assert p.prefix == "- " and "$" not in p.text and "https" not in p.text
    assert p.text.count("⟦") == 3
    assert restore(p, p.text.replace("See", "见")).startswith("- 见 $E=mc^2$ at https://")
    assert restore(p, p.text.replace("⟦0⟧", "⟦ ０ ⟧")).count("$E=mc^2$") == 1
    for broken in (p.text.replace("⟦0⟧", ""), p.text.replace("⟦1⟧", "⟦1"),
                   p.text + " ⟦2⟧", p.text + " ⟦7⟧"):
        with pytest.raises(PlaceholderError):
            restore(p, broken)
    assert not protect("$$\na = b\n$$").translatable
    assert protect("He paid $20M and $5M for it.").text == "He paid $20M and $5M for it."
    assert protect("Uses GAtt well.", keep=["GAtt"]).slots == ("GAtt",)


def test_split_never_cuts_a_placeholder_and_keeps_the_text():
    text = ("One sentence here. " * 30 + "Another with ⟦12⟧ inside! " * 30
            + "中文句子。" * 100)
    for limit in (25, 60, 400):
        pieces = split_text(text, limit)
        assert "".join(pieces) == text
        assert all(len(p) <= limit and p.count("⟦") == p.count("⟧") for p in pieces)


def test_settings_command_line_over_publish_toml_and_keys_from_the_environment(tmp_path: Path):
    from publish.config import parse_config
    from publish.errors import PublishError
    from publish.translate.backends import resolve

    def section(toml: str):
        return parse_config('[title]\nen = "E"\nzh = "Z"\n' + toml, tmp_path).translate

    file = section('[translate]\nbackend = "deepl"\ntimeout = 5\njobs = 2\n'
                   'DEEPL_API_KEY = "from-file"\n')
    s = resolve(file, environ={})
    assert (s.backend, s.timeout, s.jobs, s.secrets["DEEPL_API_KEY"]) == ("deepl", 5.0, 2,
                                                                         "from-file")
    s = resolve(file, jobs=8, environ={"DEEPL_API_KEY": "from-env"})
    assert (s.jobs, s.secrets["DEEPL_API_KEY"]) == (8, "from-env")
    assert "from-env" not in repr(s)  # keys never end up in logs or tracebacks
    s = resolve(file, backend="libre", url="http://127.0.0.1:5000", environ={})
    assert s.url == "http://127.0.0.1:5000/" and s.secrets == {}
    with pytest.raises(PublishError, match="does not take --url"):
        resolve(file, url="http://x", environ={})
    with pytest.raises(PublishError) as caught:  # every problem of the table, with its line
        section('[translate]\nbackend = "bing"\njobs = "4"\n')
    assert [p.line for p in caught.value.problems] == [6, 5]


def test_retry_after_is_read_as_seconds_or_a_date():
    from datetime import UTC, datetime

    from publish.translate.transport import retry_after_seconds

    now = datetime(2026, 11, 24, 12, 0, 0, tzinfo=UTC)
    assert retry_after_seconds("7") == 7.0
    assert retry_after_seconds("Tue, 24 Nov 2026 12:00:30 GMT", now) == 30.0
    assert retry_after_seconds("soon") is None and retry_after_seconds(None) is None


TITLE_ONLY = "Titles Only: Ranking $O(n)$ Lists"


def test_titles_are_drafted_where_a_title_is_all_there_is(proj: Path,
                                                          server: TranslationServer):
    """A paper with no text anywhere gets its title drafted into the front matter, marked;
    a person's title, and the titles of papers with text, are left as they are."""
    write(proj / "content/en/title-only.md", f"---\ntitle: '{TITLE_ONLY}'\nyear: 2022\n---\n")
    write(proj / "content/en/person-titled.md", "---\ntitle: Person Titled\n---\n")
    person = "---\nmeta_in: en\nlocal_title: 人工写的标题\n---\n"
    write(proj / "content/zh/person-titled.md", person)
    states = json.loads(run(proj, "status", "--format", "json").output)["papers"]
    assert {p["id"]: p["states"]["zh"] for p in states}["title-only"] == "missing"
    assert {p["id"]: p["states"]["zh"] for p in states}["person-titled"] == "current"

    result = translate(proj, server, "--to", "zh", "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["titles"] == 1  # the person's title is not drafted
    assert "$O(n)$" not in " ".join(server.texts)  # math in a title is protected too
    drafted = (proj / "content/zh/title-only.md").read_text("utf-8")
    assert drafted == (
        "---\nmeta_in: en\nlocal_title: '[zh] Titles Only: Ranking $O(n)$ Lists'\n"
        f"title_translation: from=en src={block_hash(TITLE_ONLY)} state=machine by=libre "
        "at=2026-11-24\n---\n")
    assert (proj / "content/zh/person-titled.md").read_text("utf-8") == person
    assert "local_title" not in (proj / "content/zh/paper-two.md").read_text("utf-8")
    details = json.loads(run(proj, "status", "--format", "json", "--details").output)
    row = next(p for p in details["papers"] if p["id"] == "title-only")
    assert row["states"]["zh"] == "machine"
    assert [(b["lang"], b["line"], b["state"], b["source_line"], b["kind"])
            for b in row["blocks"] if b["lang"] == "zh"] == [("zh", 3, "machine", 2, "title")]
    table = run(proj, "status", "--details", "--lang", "zh").output
    assert re.search(r"title-only\s+zh\s+3\s+machine\s+en:2\s+title: Titles Only", table)
    shown = json.loads(run(proj, "show", "title-only", "--format", "json").output)
    assert shown["texts"]["zh"]["title_translation"] == {
        "origin": "en", "translation_of": block_hash(TITLE_ONLY), "state": "machine",
        "by": "libre", "at": "2026-11-24"}
    assert shown["texts"]["en"]["title_translation"] is None
    assert f"(machine translation of en:{block_hash(TITLE_ONLY)})" in " ".join(
        run(proj, "show", "title-only").output.split())
    server.reset()
    assert translate(proj, server, "--to", "zh").exit_code == 0 and server.requests == 0

    # The published title changes: the draft is outdated, and drafted again.
    en = proj / "content/en/title-only.md"
    en.write_text(en.read_text("utf-8").replace("Ranking", "Sorting"), "utf-8")
    states = json.loads(run(proj, "status", "--format", "json").output)["papers"]
    assert {p["id"]: p["states"]["zh"] for p in states}["title-only"] == "outdated"
    assert translate(proj, server, "--to", "zh", "--only", "outdated").exit_code == 0
    redrafted = (proj / "content/zh/title-only.md").read_text("utf-8")
    assert "local_title: '[zh] Titles Only: Sorting $O(n)$ Lists'" in redrafted
    assert redrafted.count("local_title:") == redrafted.count("title_translation:") == 1

    # A person reviews it (--block: the title's line or its marker's): only the marker changes.
    reviewed = run(proj, "review", "title-only", "--lang", "zh", "--by", "mei", "--block", "4",
                   env=DATE)
    assert reviewed.exit_code == 0, reviewed.output
    after = (proj / "content/zh/title-only.md").read_text("utf-8")
    assert after == redrafted.replace("state=machine by=libre", "state=human by=mei")
    states = json.loads(run(proj, "status", "--format", "json").output)["papers"]
    assert {p["id"]: p["states"]["zh"] for p in states}["title-only"] == "current"
    server.reset()
    assert translate(proj, server, "--to", "zh", "--only", "all").exit_code == 0
    assert (proj / "content/zh/title-only.md").read_text("utf-8") == after


@pytest.mark.parametrize(("marker", "why"), [
    ("from=en state=sure", "must read like"),
    ("from=en src=abc state=human state=machine", "must read like"),  # which one is meant?
    ("from=fr src=abc state=machine", "says from=fr, but the title it translates is in en"),
    ("''", "must read like"),
])
def test_a_broken_title_marker_is_named_with_its_line(proj: Path, marker: str, why: str):
    write(proj / "content/en/title-only.md", "---\ntitle: Title Only\n---\n")
    write(proj / "content/zh/title-only.md",
          f"---\nmeta_in: en\nlocal_title: 标题\ntitle_translation: {marker}\n---\n")
    result = run(proj, "status")
    assert result.exit_code == 2
    assert f"content/zh/title-only.md:4: field 'title_translation' {why}" in result.output


def test_titles_in_forms_a_line_edit_cannot_change_are_left_alone(
        proj: Path, server: TranslationServer):
    """A title spread over lines, a key written another way: translate and review refuse
    with the file and line, and the file stays as it was."""
    write(proj / "content/en/title-only.md", "---\ntitle: Title Only\n---\n")
    stale = f"from=en src={block_hash('An Older Title')} state=machine by=libre at=2026-11-01"
    folded = (f"---\nmeta_in: en\nlocal_title: >-\n\n  旧的机器标题\ntitle_translation: {stale}"
              "\n---\n")
    zh = proj / "content/zh/title-only.md"
    write(zh, folded)
    result = translate(proj, server, "--to", "zh", "--only", "outdated", "--paper",
                       "title-only", "--format", "json")
    assert result.exit_code == 1
    assert json.loads(result.output)["failed"] == [{
        "paper": "title-only", "path": str(zh), "line": 3,
        "reason": "'local_title' runs over several lines; set it by hand"}]
    assert zh.read_text("utf-8") == folded and server.requests == 0  # found before sending
    # A marker key with a space before its colon is still read, but not edited.
    spaced = folded.replace("local_title: >-\n\n  旧的机器标题", "local_title: 旧的标题")
    spaced = spaced.replace("title_translation:", "title_translation :")
    write(zh, spaced)
    reviewed = run(proj, "review", "title-only", "--lang", "zh", "--by", "mei")
    assert reviewed.exit_code == 2 and "content/zh/title-only.md:4" in reviewed.output
    assert "is written in a form publish does not edit" in reviewed.output
    assert zh.read_text("utf-8") == spaced


def test_an_outdated_title_a_person_wrote_is_left_for_a_person(
        proj: Path, server: TranslationServer):
    write(proj / "content/en/title-only.md", "---\ntitle: Title Only, Revised\n---\n")
    human = f"from=en src={block_hash('Title Only')} state=human by=mei at=2026-11-01"
    zh = proj / "content/zh/title-only.md"
    write(zh, f"---\nmeta_in: en\nlocal_title: 只有标题\ntitle_translation: {human}\n---\n")
    before = zh.read_text("utf-8")
    result = translate(proj, server, "--to", "zh", "--only", "all", "--paper", "title-only")
    assert result.exit_code == 0, result.output
    assert "1 outdated title(s) a person wrote, left for a person" in result.output
    assert zh.read_text("utf-8") == before and server.requests == 0
    # The Traditional edition keeps the marker, as it keeps block markers.
    assert run(proj, "translate", "--to", "zh-Hant").exit_code == 0
    derived = (proj / "build/zh-Hant/title-only.md").read_text("utf-8")
    assert "local_title: 只有標題" in derived and f"title_translation: {human}" in derived
