#!/usr/bin/env bash
# Install everything publish needs on Debian/Ubuntu: system packages (CJK fonts, HarfBuzz
# subsetting, Pango for WeasyPrint, poppler's PDF tools, Chromium) and a virtualenv in .venv
# with the package. `--test` also installs what the test suite needs (SpamAssassin, which
# scores the newsletter), `--bench` that and Hugo, which benchmarks/bench_site.py races.
#
#   scripts/install.sh [--test | --bench]
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
APT_PACKAGES=(python3-venv fonts-noto-cjk fonts-noto-core fonts-dejavu-core fonts-noto-color-emoji
              libharfbuzz-subset0 libpango-1.0-0 libpangoft2-1.0-0 poppler-utils chromium gettext
              libxml2-utils
              strace e2fsprogs util-linux)  # the reliability tests: fault injection, chattr, unshare
case "${1:-}" in
  --test) APT_PACKAGES+=(spamassassin) ;;
  --bench) APT_PACKAGES+=(spamassassin hugo) ;;
esac

SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing system packages: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

"$PYTHON" - <<'PY'
import sys
if sys.version_info < (3, 11):
    sys.exit(f"publish needs Python 3.11 or newer; {sys.executable} is {sys.version.split()[0]}")
PY
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
if [ "${1:-}" = "--test" ] || [ "${1:-}" = "--bench" ]; then
  .venv/bin/python -m pip install -q -e '.[test]'
else
  .venv/bin/python -m pip install -q -e .
fi
echo "installed: $(.venv/bin/publish --version)"
