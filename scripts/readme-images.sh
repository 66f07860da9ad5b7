#!/usr/bin/env bash
# Make the README's pictures again from the committed content:
#   docs/images/booklet-zh.png  two pages of the Chinese booklet of one list, side by side
#   docs/images/site.png        the site's search page, in Chinese, with a Chinese query typed
#                               (headless Chromium runs the page's own script)
# Needs the virtualenv (scripts/install.sh), poppler's pdftoppm and Chromium. Each PNG must
# stay under 150 KB; the script fails if one does not.
#
#   scripts/readme-images.sh
set -euo pipefail
cd "$(dirname "$0")/.."
PUBLISH=${PUBLISH:-.venv/bin/publish}
PYTHON=${PYTHON:-.venv/bin/python}
CHROMIUM=${PUBLISH_CHROMIUM:-chromium}
LIST=llm-top10-2023-zh
OUT=docs/images
export SOURCE_DATE_EPOCH=1795392000  # the cover's date: 2026-11-23, as the seeds' import

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$OUT"

"$PUBLISH" pdf --lang zh --list "$LIST" --out "$work/booklet.pdf"
pdftoppm -r 60 -f 1 -l 4 -png "$work/booklet.pdf" "$work/page"

QUERY=%E8%AF%AD%E8%A8%80%E6%A8%A1%E5%9E%8B  # 语言模型, "language model"
"$PUBLISH" html --out "$work/site"
"$CHROMIUM" --headless --no-sandbox --disable-gpu --hide-scrollbars \
  --virtual-time-budget=5000 --screenshot="$work/site.png" --window-size=1000,700 \
  "file://$work/site/zh/search.html?q=$QUERY" >"$work/chromium.log" 2>&1 \
  || { cat "$work/chromium.log" >&2; exit 1; }

"$PYTHON" - "$work" "$OUT" <<'PY'
"""Pages 3 and 4 (the list's introduction and its first papers) side by side; both images
reduced to a small palette, which text survives and which keeps them small."""
import shutil
import sys
from pathlib import Path

work, out = Path(sys.argv[1]), Path(sys.argv[2])
pages = sorted(work.glob("page-*.png"))[2:4]
try:
    from PIL import Image
except ImportError:  # no Pillow: one page, as pdftoppm drew it
    shutil.copy(pages[0], out / "booklet-zh.png")
    shutil.copy(work / "site.png", out / "site.png")
    sys.exit(0)


def small(image: Image.Image) -> Image.Image:
    return image.convert("RGB").quantize(colors=48, method=Image.Quantize.MEDIANCUT)


left, right = (Image.open(p).convert("RGB") for p in pages)
gap = 16
spread = Image.new("RGB", (left.width + right.width + 3 * gap, max(left.height, right.height)
                           + 2 * gap), (226, 226, 226))
spread.paste(left, (gap, gap))
spread.paste(right, (left.width + 2 * gap, gap))
small(spread).save(out / "booklet-zh.png", optimize=True)
small(Image.open(work / "site.png")).save(out / "site.png", optimize=True)
PY

for png in "$OUT/booklet-zh.png" "$OUT/site.png"; do
  size=$(stat -c %s "$png")
  echo "$png: $((size / 1024)) KB"
  [ "$size" -lt 153600 ] || { echo "$png is over 150 KB" >&2; exit 1; }
done
