#!/usr/bin/env bash
# Install what the tests need, then run the whole suite (lint included).
# Chromium tests fail here when no browser is found, and tests of other tools (SpamAssassin)
# when the tool is missing (a bare pytest run skips them).
#
#   scripts/test.sh [PYTEST ARGS…]        e.g. -m "not slow", -x -k import
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install.sh --test
.venv/bin/ruff check src tests benchmarks scripts
scripts/i18n.sh --check
export PUBLISH_REQUIRE_CHROMIUM="${PUBLISH_REQUIRE_CHROMIUM:-1}"
export PUBLISH_REQUIRE_TOOLS="${PUBLISH_REQUIRE_TOOLS:-1}"
.venv/bin/python -m pytest "$@"
