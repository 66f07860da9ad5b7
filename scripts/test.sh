#!/usr/bin/env bash
# Install what the tests need, then run the whole suite (lint included).
#
#   scripts/test.sh [PYTEST ARGS…]
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install.sh --test
.venv/bin/ruff check src tests benchmarks
scripts/i18n.sh --check
.venv/bin/python -m pytest "$@"
