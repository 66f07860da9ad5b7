"""System tools some tests run (SpamAssassin…): a missing one skips the test, saying what to
install; with PUBLISH_REQUIRE_TOOLS=1 (set by scripts/test.sh, so in CI) it fails it, so CI
never passes without checking."""

from __future__ import annotations

import os
import shutil

import pytest


def need(tool: str, package: str) -> str:
    """The tool's path, or the test skipped (failed under PUBLISH_REQUIRE_TOOLS=1)."""
    found = shutil.which(tool)
    if found:
        return found
    what = f"{tool} not found: `sudo apt-get install {package}`"
    if os.environ.get("PUBLISH_REQUIRE_TOOLS") == "1":
        pytest.fail(f"{what} (PUBLISH_REQUIRE_TOOLS=1: a missing tool is a failure)")
    pytest.skip(what)
