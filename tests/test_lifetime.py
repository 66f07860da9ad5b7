"""The console script ends without tearing its heap down (publish.lifetime): what it
prints must still all be there, in order, with the right exit code; a library caller's
objects are never kept."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from conftest import run

from publish import lifetime

SCRIPT = [sys.executable, "-c", "from publish.cli import main; main()"]


def test_the_console_script_flushes_all_it_prints(seeded: Path, tmp_path: Path) -> None:
    out = tmp_path / "list.json"
    with out.open("wb") as fh:  # a file, not a terminal: stdout is block-buffered
        done = subprocess.run([*SCRIPT, "--root", str(seeded), "list", "--format", "json"],
                              stdout=fh, stderr=subprocess.PIPE, check=False)
    assert done.returncode == 0, done.stderr
    printed = out.read_text("utf-8")
    assert len(printed) > 64 * 1024  # more than any buffer holds
    assert json.loads(printed) == json.loads(run(seeded, "list", "--format", "json").output)


def test_a_failing_command_still_says_why_and_exits_non_zero(seeded: Path) -> None:
    done = subprocess.run([*SCRIPT, "--root", str(seeded), "show", "no-such-paper"],
                          capture_output=True, text=True, check=False)
    assert done.returncode != 0
    assert done.stderr.startswith("publish: error:"), done.stderr


def test_a_library_caller_keeps_its_teardown() -> None:
    before = list(lifetime._KEPT)
    lifetime.release_at_exit(object())
    assert before == lifetime._KEPT  # the test process does not end after a command
