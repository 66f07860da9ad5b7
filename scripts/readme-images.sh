#!/usr/bin/env bash
# Make the README's pictures again from the committed content:
#   docs/images/booklet-zh.png         two pages of the Chinese booklet of one list
#   docs/images/booklet-bilingual.png  two pages of the bilingual booklet of another list
#   docs/images/site.png               the site's search page, in Chinese, with a Chinese query
#                                      typed (headless Chromium runs the page's own script)
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
BILINGUAL_LIST=ai-four-families-zh
OUT=docs/images
export SOURCE_DATE_EPOCH=1795392000  # the cover's date: 2026-11-23, as the seeds' import

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$OUT"

# The spreads: the first two pages of each booklet's body (the page numbered 1 is the
# list's opening page), right after the front matter.
spread() {  # PDF NAME
  local first
  first=$("$PYTHON" -c 'import sys, pikepdf
pages = pikepdf.open(sys.argv[1]).pages
print(next(i for i, page in enumerate(pages) if page.label == "1") + 1)' "$1")
  pdftoppm -r 60 -f "$first" -l "$((first + 1))" -png "$1" "$work/$2"
}
"$PUBLISH" pdf --lang zh --list "$LIST" --out "$work/booklet.pdf"
spread "$work/booklet.pdf" zh
"$PUBLISH" pdf --lang bilingual --list "$BILINGUAL_LIST" --out "$work/bilingual.pdf"
spread "$work/bilingual.pdf" bilingual

QUERY=%E8%AF%AD%E8%A8%80%E6%A8%A1%E5%9E%8B  # 语言模型, "language model"
"$PUBLISH" html --out "$work/site"
"$CHROMIUM" --headless --no-sandbox --disable-gpu --hide-scrollbars \
  --virtual-time-budget=5000 --screenshot="$work/site.png" --window-size=1000,700 \
  "file://$work/site/zh/search.html?q=$QUERY" >"$work/chromium.log" 2>&1 \
  || { cat "$work/chromium.log" >&2; exit 1; }

"$PYTHON" - "$work" "$OUT" <<'PY'
"""Each booklet's two pages side by side; every image reduced to a small palette, which
text survives and which keeps them small. (Pillow comes with WeasyPrint.)"""
import sys
from pathlib import Path

from PIL import Image

work, out = Path(sys.argv[1]), Path(sys.argv[2])


def small(image: Image.Image) -> Image.Image:
    return image.convert("RGB").quantize(colors=48, method=Image.Quantize.MEDIANCUT)


for name in ("zh", "bilingual"):
    left, right = (Image.open(p).convert("RGB") for p in sorted(work.glob(f"{name}-*.png")))
    gap = 16
    spread = Image.new("RGB", (left.width + right.width + 3 * gap,
                               max(left.height, right.height) + 2 * gap), (226, 226, 226))
    spread.paste(left, (gap, gap))
    spread.paste(right, (left.width + 2 * gap, gap))
    small(spread).save(out / f"booklet-{name}.png", optimize=True)
small(Image.open(work / "site.png")).save(out / "site.png", optimize=True)
PY

for png in "$OUT/booklet-zh.png" "$OUT/booklet-bilingual.png" "$OUT/site.png"; do
  size=$(stat -c %s "$png")
  echo "$png: $((size / 1024)) KB"
  [ "$size" -lt 153600 ] || { echo "$png is over 150 KB" >&2; exit 1; }
done
