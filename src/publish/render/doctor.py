"""`publish doctor`: is this machine able to print the booklets?"""

from __future__ import annotations

import ctypes.util
import shutil
from dataclasses import dataclass, field

from .fonts import families

# family -> (why it is needed, Debian package)
FONTS = {
    "Noto Serif CJK SC": ("Simplified Chinese text", "fonts-noto-cjk"),
    "Noto Sans CJK SC": ("Simplified Chinese headings", "fonts-noto-cjk"),
    "Noto Serif CJK TC": ("Traditional Chinese text (zh-Hant)", "fonts-noto-cjk"),
    "Noto Sans CJK TC": ("Traditional Chinese headings (zh-Hant)", "fonts-noto-cjk"),
    "Noto Serif": ("Latin text", "fonts-noto-core"),
    "Noto Sans": ("Latin headings", "fonts-noto-core"),
    "DejaVu Sans Mono": ("code and TeX that cannot be drawn", "fonts-dejavu-core"),
    "Noto Color Emoji": ("emoji in titles and text", "fonts-noto-color-emoji"),
}
MIN_PANGO = 14400  # WeasyPrint needs Pango 1.44


@dataclass
class Check:
    name: str
    ok: bool
    detail: str
    fix: list[str] = field(default_factory=list)
    optional: bool = False


def run_checks() -> list[Check]:
    checks: list[Check] = []
    known = families()
    for family, (why, package) in FONTS.items():
        ok = family in known
        checks.append(Check(f"font {family}", ok, why if ok else f"missing ({why})",
                            [] if ok else [package]))
    subset = ctypes.util.find_library("harfbuzz-subset")
    checks.append(Check(
        "libharfbuzz-subset", subset is not None,
        subset or "missing: fonts are subset slowly with fontTools (CJK fonts take seconds)",
        [] if subset else ["libharfbuzz-subset0"]))
    try:
        from weasyprint.text.ffi import pango

        version = pango.pango_version()
        text = f"{version // 10000}.{version // 100 % 100}.{version % 100}"
        checks.append(Check("Pango", version >= MIN_PANGO,
                            text if version >= MIN_PANGO else f"{text}, need 1.44 or newer",
                            [] if version >= MIN_PANGO else ["libpango-1.0-0"]))
    except (OSError, ImportError) as exc:
        checks.append(Check("Pango", False, f"cannot load: {exc}",
                            ["libpango-1.0-0", "libpangoft2-1.0-0"]))
    for tool in ("pdftotext", "pdffonts", "pdftoppm"):
        path = shutil.which(tool)
        checks.append(Check(tool, path is not None,
                            path or "missing (only to inspect booklets and run the tests)",
                            [] if path else ["poppler-utils"], optional=True))
    return checks
