"""Kill the commands that write content/ at ≥ 20 random points each and resume them: the
tree must be exactly what an uninterrupted run makes (harness: tests/faults.py; the
campaign's figures are in docs/reliability.md)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import IMPORT_DATE, run, seed
from faults import Scenario, every_call, run_campaign, server

pytestmark = pytest.mark.slow
POINTS = 20


def _import_first_list(root: Path) -> None:
    """A project that already holds a list, so the killed import also changes files."""
    result = run(root, "import", str(seed("001")), "--list", "best-ai-2015-now", "--lang",
                 "en", env={"SOURCE_DATE_EPOCH": IMPORT_DATE})
    assert result.exit_code == 0, result.output


SCENARIOS = {
    # the seed with 939 entries merged into a tree of 100: ~1,000 files written
    "import": Scenario(
        "import", _import_first_list,
        lambda root, _ctx: ["import", str(seed("002")), "--list", "papers-list", "--lang",
                            "en"],
        ok=(0, 1)),  # 1: imported, with unsure pairs for a person to look at
    # drafts of a list's papers from the stand-in server, written in batches
    "translate": Scenario(
        "translate", _import_first_list,
        lambda root, srv: ["translate", "--to", "zh", "--list", "best-ai-2015-now",
                           "--backend", "libre", "--url", srv.url, "--jobs", "2"],
        context=lambda: server(latency=0.01)),
    # "enrich": Scenario("enrich", ..., lambda root, srv: ["enrich", ...], context=...)
}


@pytest.mark.skipif(shutil.which("strace") is None, reason="strace is needed (apt strace)")
@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_killed_at_random_points_and_resumed_the_tree_is_a_clean_runs(name: str,
                                                                      tmp_path: Path):
    if subprocess.run(["strace", "-qq", "-o", "/dev/null", "true"]).returncode != 0:
        pytest.skip("strace cannot trace here (ptrace not allowed)")
    campaign = run_campaign(SCENARIOS[name], tmp_path, points=POINTS, seed=16)
    assert len(campaign.points) >= POINTS
    assert sum(p.killed for p in campaign.points) >= POINTS // 2, campaign.points
    assert not campaign.failures, campaign.failures


@pytest.mark.skipif(shutil.which("strace") is None, reason="strace is needed (apt strace)")
def test_killed_at_every_link_and_unlink_of_an_import_and_resumed(tmp_path: Path):
    """The end of a commit — backups linked, then the backups and the journal unlinked —
    at each call in turn. (A kill between the journal's removal and the backups' once left
    backups no journal named.)"""
    if subprocess.run(["strace", "-qq", "-o", "/dev/null", "true"]).returncode != 0:
        pytest.skip("strace cannot trace here (ptrace not allowed)")
    assert every_call(SCENARIOS["import"], tmp_path, ("link", "linkat", "unlink",
                                                      "unlinkat")) == []
