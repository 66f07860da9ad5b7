"""One writer at a time: real `publish` processes started together on one project.

Every command that writes content/ holds the project's writer lock; a second one waits for
it (saying so) or gives up after --wait with nothing written; and every write checks the
file is still what its run read, so no plan overwrites text it did not see.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import IMPORT_DATE, REPO, run, seed, tree_hashes
from translation_server import TranslationServer

from publish.config import load_config
from publish.content.load import load_collection
from publish.content.write import project_lock

pytestmark = pytest.mark.slow
ENV = {**os.environ, "PYTHONPATH": str(REPO / "src"), "SOURCE_DATE_EPOCH": IMPORT_DATE}


def publish(root: Path, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", "from publish.cli import main; main()", "--root", str(root),
         *args], env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def finish(proc: subprocess.Popen[str], seconds: float = 120) -> tuple[int, str]:
    out, err = proc.communicate(timeout=seconds)
    return proc.returncode, out + err


def wait_for(predicate, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not predicate():
        assert time.monotonic() < deadline, "timed out waiting"
        time.sleep(0.05)


def test_three_imports_started_at_once_all_land(project: Path):
    # An import now takes well under a second: the three could run one after another by
    # chance. Holding the lock while they start makes them meet it, as a long run would.
    with project_lock(project, "test"):
        jobs = [publish(project, "import", str(seed(prefix)), "--list", lid, "--lang", lang)
                for prefix, lid, lang in (("001", "best-ai-2015-now", "en"),
                                          ("003", "llm-top10-2023-zh", "zh"),
                                          ("004", "ai-four-families-zh", "zh"))]
        time.sleep(3)
    results = [finish(job) for job in jobs]
    assert [code for code, _ in results] == [0, 0, 0], results
    assert any("waiting for another run to finish writing" in out for _, out in results)
    collection = load_collection(load_config(project))  # the tree loads: nothing half-done
    assert set(collection.lists) == {"best-ai-2015-now", "llm-top10-2023-zh",
                                     "ai-four-families-zh"}
    assert not list(project.rglob("*.publish-tmp"))
    assert not (project / ".publish-journal.json").exists()


def test_an_import_during_translate_waits_and_the_persons_text_is_kept(project: Path):
    assert run(project, "import", str(seed("001")), "--list", "best-ai-2015-now", "--lang",
               "en", env={"SOURCE_DATE_EPOCH": IMPORT_DATE}).exit_code == 0
    with TranslationServer("slow", latency=0.2) as srv:
        translating = publish(project, "translate", "--to", "zh", "--backend", "libre",
                              "--url", srv.url, "--jobs", "1", "--limit", "12")
        wait_for(lambda: srv.requests >= 1)
        # An impatient import gives up with nothing written...
        before = tree_hashes(project)
        code, out = finish(publish(project, "import", str(seed("003")), "--list",
                                   "llm-top10-2023-zh", "--lang", "zh", "--wait", "0"))
        assert code == 2 and "another run is writing to this project (`publish translate`" \
            in out and "nothing was written" in out
        assert not (project / "content" / "lists" / "llm-top10-2023-zh.yaml").exists()
        assert set(tree_hashes(project).items()) >= {
            (k, v) for k, v in before.items() if "/zh/" not in k}
        # ...a patient one waits for the translation to finish, then imports.
        importing = publish(project, "import", str(seed("003")), "--list",
                            "llm-top10-2023-zh", "--lang", "zh", "--wait", "120")
        code_t, out_t = finish(translating)
        code_i, out_i = finish(importing)
    assert code_t == 0, out_t
    assert code_i == 0, out_i
    assert "waiting for another run to finish writing" in out_i
    collection = load_collection(load_config(project))
    listed = collection.lists["llm-top10-2023-zh"].paper_ids()
    assert len(listed) == 10
    for pid in listed:  # the Chinese list's text is there, as a person's original
        blocks = collection.papers[pid].texts["zh"].blocks
        assert any(b.is_original for b in blocks), pid


def test_a_file_someone_writes_during_translate_is_not_overwritten(project: Path):
    assert run(project, "import", str(seed("001")), "--list", "best-ai-2015-now", "--lang",
               "en", env={"SOURCE_DATE_EPOCH": IMPORT_DATE}).exit_code == 0
    ids = sorted(p.stem for p in (project / "content" / "en").glob("*.md"))
    with TranslationServer("slow", latency=0.3) as srv:
        translating = publish(project, "translate", "--to", "zh", "--backend", "libre",
                              "--url", srv.url, "--jobs", "1", "--format", "json")
        wait_for(lambda: srv.requests >= 2)
        # Planned as a new file; a person (not publish) writes it first.
        mine = "---\nmeta_in: en\n---\n\n一位译者自己写的摘要。\n"
        targets = [project / "content" / "zh" / f"{pid}.md" for pid in ids[-3:]]
        for target in targets:
            target.write_text(mine, "utf-8")
        code, out = finish(translating, 300)
    assert code == 1, out  # papers left: the run says which
    for target in targets:
        assert target.read_text("utf-8") == mine
        assert target.stem in out and "changed on disk" in out
    drafted = [p for p in (project / "content" / "zh").glob("*.md") if p not in targets]
    assert drafted and all("state=machine" in p.read_text("utf-8") for p in drafted)
