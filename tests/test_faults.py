"""Kill the commands that write content/ (import, translate, enrich) at ≥ 20 random points
each and resume them: the tree must be exactly what an uninterrupted run makes (harness:
tests/faults.py; the campaign's figures are in docs/reliability.md)."""

from __future__ import annotations

import contextlib
import shutil
import subprocess
from collections.abc import Iterator
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


def _import_enrich_list(root: Path) -> None:
    from test_enrich import LIST

    (root / "list.md").write_text(LIST, "utf-8")
    result = run(root, "import", str(root / "list.md"), "--list", "rg", "--lang", "en",
                 env={"SOURCE_DATE_EPOCH": IMPORT_DATE})
    assert result.exit_code == 0, result.output


@contextlib.contextmanager
def _enrich_services(names: tuple[str, ...]) -> Iterator[dict[str, object]]:
    from enrich_server import StandIn
    from test_enrich import ROUTES

    servers = {name: StandIn(name, routes=ROUTES[name], latency=0.02).start()
               for name in names}
    try:
        yield servers
    finally:
        for server in servers.values():
            server.stop()


def _point_enrich_at(root: Path, servers: dict[str, object]) -> None:
    toml = (root / "publish.toml").read_text("utf-8")
    toml += '\n[enrich]\nmailto = "reader@example.org"\n' + "".join(
        f'[enrich.{name}]\nurl = "{server.url}"\n'  # type: ignore[attr-defined]
        for name, server in servers.items())
    (root / "publish.toml").write_text(toml, "utf-8")


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
    # metadata and abstracts from stand-ins of OpenAlex and Semantic Scholar
    "enrich": Scenario(
        "enrich", _import_enrich_list,
        lambda root, _servers: ["enrich", "--jobs", "2", "--source", "openalex",
                                "--source", "semanticscholar"],
        context=lambda: _enrich_services(("openalex", "semanticscholar")),
        configure=_point_enrich_at,
        ok=(0, 1)),  # 1: candidates left for a person to confirm
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
