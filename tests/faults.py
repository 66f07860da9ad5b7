"""Fault injection: kill a command that writes content/ at random points, resume it, and
check that the tree is exactly what one uninterrupted run makes.

A campaign runs one `Scenario` (how to set up a project, which `publish` command writes to
it, what it needs running — a stand-in server) many times:

1. a clean run on a fresh copy of the project gives the expected content/ tree, its wall
   time, and how often it makes each write-related system call (strace -c);
2. each kill point runs the command on another fresh copy and kills it with SIGKILL, either
   after a random time within the clean run's (the whole process group, as a terminal or a
   supervisor would), or — through strace's fault injection, so no hook in publish — at
   the N-th call of one of its write-related system calls (a random call and N);
3. the command is run again until it finishes (the resume), then content/ must equal the
   clean run's, byte for byte, with no journal, staged file or backup left, and the tree
   must load.

Each command is one Scenario: see SCENARIOS in tests/test_faults.py (import, translate,
enrich).
"""

from __future__ import annotations

import contextlib
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from conftest import IMPORT_DATE, REPO, tree_hashes

# System calls that change files: where a kill leaves something half done.
WRITE_CALLS = ("write", "pwrite64", "rename", "renameat", "renameat2", "link", "linkat",
               "unlink", "unlinkat", "fsync", "fdatasync", "sync", "ftruncate", "mkdir",
               "mkdirat")
ENV = {**os.environ, "PYTHONPATH": str(REPO / "src"), "SOURCE_DATE_EPOCH": IMPORT_DATE,
       "USER": "faults"}
PUBLISH = [sys.executable, "-c", "from publish.cli import main; main()"]


@dataclass
class Scenario:
    name: str
    prepare: Callable[[Path], None]  # makes the project state the command starts from
    args: Callable[[Path, Any], list[str]]  # the command's arguments (root, context)
    context: Callable[[], contextlib.AbstractContextManager[Any]] = contextlib.nullcontext
    ok: tuple[int, ...] = (0,)  # exit codes of a finished run
    # the project told what the context started (a stand-in's address in publish.toml)
    configure: Callable[[Path, Any], None] = lambda _root, _ctx: None


@dataclass
class Point:
    kind: str  # "time" or the system call
    at: float  # seconds, or the call's number
    killed: bool  # whether the kill landed before the run finished by itself
    resumes: int  # runs needed after the kill
    same: bool
    note: str = ""


@dataclass
class Campaign:
    scenario: str
    clean_seconds: float
    calls: dict[str, int]
    points: list[Point] = field(default_factory=list)

    @property
    def failures(self) -> list[Point]:
        return [p for p in self.points if not p.same]


def _run(root: Path, args: list[str], prefix: list[str] | None = None,
         timeout: float = 600) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*(prefix or []), *PUBLISH, "--root", str(root), *args], env=ENV,
                          capture_output=True, text=True, timeout=timeout)


def _counts(root: Path, args: list[str], log: Path) -> dict[str, int]:
    """How often the command makes each write-related call (strace -c, all processes)."""
    _run(root, args, ["strace", "-f", "-qq", "-c", "-o", str(log), "-e",
                      "trace=" + ",".join(WRITE_CALLS)])
    counts = {}
    for line in log.read_text().splitlines():
        m = re.match(r"\s*[\d.]+\s+[\d.]+\s+\d+\s+(\d+)\s+(?:\d+\s+)?(\w+)\s*$", line)
        if m and m.group(2) in WRITE_CALLS:
            counts[m.group(2)] = int(m.group(1))
    return counts


def _leftovers(root: Path) -> list[str]:
    found = [p for p in root.rglob("*") if p.name.endswith(
        (".publish-tmp", ".publish-old", ".tmp")) or p.name == ".publish-journal.json"]
    return [str(p.relative_to(root)) for p in found]


def _kill_by_time(root: Path, args: list[str], seconds: float) -> bool:
    proc = subprocess.Popen([*PUBLISH, "--root", str(root), *args], env=ENV,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    try:
        proc.wait(seconds)
        return False  # finished before the kill
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        return True


def _kill_by_call(root: Path, args: list[str], call: str, n: int) -> bool:
    result = _run(root, args, ["strace", "-f", "-qq", "-o", os.devnull, "-e",
                               f"trace={call}", "-e", f"inject={call}:signal=KILL:when={n}"])
    return result.returncode in (-signal.SIGKILL, 128 + signal.SIGKILL)


def run_campaign(scenario: Scenario, work: Path, points: int = 20, seed: int = 16,
                 progress: Callable[[str], None] | None = None) -> Campaign:
    rng = random.Random(seed)
    template = work / "template"
    init = subprocess.run([*PUBLISH, "init", str(template)], env=ENV, capture_output=True)
    assert init.returncode == 0, init.stderr
    scenario.prepare(template)
    with scenario.context() as ctx:
        scenario.configure(template, ctx)
        clean = _copy(template, work / "clean")
        args = scenario.args(clean, ctx)
        start = time.monotonic()
        first = _run(clean, args)
        seconds = time.monotonic() - start
        assert first.returncode in scenario.ok, first.stderr
        expected = tree_hashes(clean)
        assert expected != tree_hashes(template), "the command changed nothing"
        calls = _counts(_copy(template, work / "counted"), args, work / "strace.txt")
        assert calls, "strace counted no write calls"
        campaign = Campaign(scenario.name, seconds, calls)
        weights = list(calls.items())
        for i in range(points):
            root = _copy(template, work / f"point-{i}")
            args = scenario.args(root, ctx)
            if i % 2 == 0:
                kind, at = "time", round(rng.uniform(0.05, seconds), 3)
                killed = _kill_by_time(root, args, at)
            else:
                (kind,) = rng.choices([c for c, _ in weights], [n for _, n in weights])
                at = rng.randint(1, calls[kind])
                killed = _kill_by_call(root, args, kind, int(at))
                while not killed and at > 1:
                    # strace counts calls per thread: a call made by several threads may
                    # never reach N in one of them; an earlier call, on a fresh copy
                    at //= 2
                    shutil.rmtree(root)
                    root = _copy(template, root)
                    killed = _kill_by_call(root, args, kind, int(at))
            resumes, note = 0, ""
            while resumes < 3:
                resumes += 1
                again = _run(root, args)
                if again.returncode in scenario.ok:
                    break
                note = again.stderr.strip()[-300:]
            got = tree_hashes(root)
            left = _leftovers(root / "content") + _leftovers_root(root)
            loads = _run(root, ["list", "--format", "json"]).returncode == 0
            same = got == expected and not left and loads
            if not same:
                differ = sorted(k for k in set(got) | set(expected)
                                if got.get(k) != expected.get(k))
                note = (note + f" differ: {differ[:5]} left: {left[:5]} loads: {loads}").strip()
            point = Point(kind, at, killed, resumes, same, note)
            campaign.points.append(point)
            if progress:
                progress(f"{scenario.name} #{i}: {point}")
            if same:
                shutil.rmtree(root)
    return campaign


def every_call(scenario: Scenario, work: Path, calls: tuple[str, ...]) -> list[Point]:
    """Kill at each call of `calls`, one after another (not at random): for the few calls
    a commit makes at its end (backups linked, then unlinked), where a random pick rarely
    lands. Returns the points whose resumed tree differs."""
    template = work / "template"
    init = subprocess.run([*PUBLISH, "init", str(template)], env=ENV, capture_output=True)
    assert init.returncode == 0, init.stderr
    scenario.prepare(template)
    failed = []
    with scenario.context() as ctx:
        scenario.configure(template, ctx)
        clean = _copy(template, work / "clean")
        assert _run(clean, scenario.args(clean, ctx)).returncode in scenario.ok
        expected = tree_hashes(clean)
        counts = _counts(_copy(template, work / "counted"), scenario.args(clean, ctx),
                         work / "strace.txt")
        for call in calls:
            for n in range(1, counts.get(call, 0) + 1):
                root = _copy(template, work / f"{call}-{n}")
                args = scenario.args(root, ctx)
                killed = _kill_by_call(root, args, call, n)
                again = _run(root, args)
                left = _leftovers(root / "content") + _leftovers_root(root)
                if again.returncode not in scenario.ok or tree_hashes(root) != expected \
                        or left:
                    failed.append(Point(call, n, killed, 1, False, f"left: {left[:3]}"))
                shutil.rmtree(root)
    return failed


def _leftovers_root(root: Path) -> list[str]:
    return [p.name for p in root.glob(".publish-journal.json*")]


def _copy(template: Path, target: Path) -> Path:
    shutil.copytree(template, target, symlinks=True)
    return target


@contextlib.contextmanager
def server(latency: float = 0.0) -> Iterator[Any]:
    from translation_server import TranslationServer

    with TranslationServer("echo", latency=latency) as srv:
        yield srv
