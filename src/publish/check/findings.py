"""What every check shares: severities, the list of checks, a finding, and how a message
quotes text."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

ERROR, WARNING, INFO = "error", "warning", "info"

# Every check, in the order they are listed and run. The command's help is built from this.
CHECKS: dict[str, str] = {
    "numbers": "numbers kept (70B = 700亿 = 70 billion; full-width digits count)",
    "urls": "URLs kept",
    "inline-code": "`code` spans kept verbatim",
    "math": "$…$, $$…$$, \\(…\\), \\[…\\] kept exactly",
    "links": "Markdown links keep their targets",
    "emphasis": "as much *emphasis* and **bold** as the source, none shown literally",
    "structure": "a heading stays a heading of its level, an item an item, code code",
    "end-punctuation": "ends like its source (. = 。  ? = ？  ! = ！  : = ：)",
    "glossary": "content/glossary.yaml: terms kept, or translated the agreed way",
    "untranslated": "not left in the source language",
    "length": "not far shorter or longer than its source (a truncated draft)",
    "cjk-spacing": "Chinese: a space between Chinese and Latin letters or digits, none "
                   "between Chinese characters or around full-width punctuation",
    "cjk-punctuation": "Chinese: no doubled marks, no ASCII full stop after Chinese, one "
                       "punctuation width (content/check.yaml zh_punctuation)",
    "brackets": "brackets and quotes balanced",
    "metadata": "a translation file repeats metadata only with the same value",
    "conflicting-year": "one year per paper across its metadata and its lists",
    "orphan": "every translation still has a source block",
}
STYLE_CHECKS = ("cjk-spacing", "cjk-punctuation", "brackets")

Raw = tuple[str, str, str, int]  # (check, severity, message, offset in the translation or -1)


@dataclass(frozen=True, order=True)
class Finding:
    file: str
    line: int
    check: str
    severity: str
    message: str
    paper: str | None = None
    lang: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def show(item: str, width: int = 60) -> str:
    return repr(item if len(item) <= width else item[: width - 1] + "…")

# Checks of a derived language's conversion (zh-Hant), run only with --lang zh-Hant.
DERIVED_CHECKS: dict[str, str] = {
    "conversion": "zh-Hant only: OpenCC s2twp kept code, math, URLs, links and numbers as "
                  "written",
}
ALL_CHECKS: dict[str, str] = {**CHECKS, **DERIVED_CHECKS}
