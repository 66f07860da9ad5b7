"""The languages publish knows, in one table, and the editions made of them.

Every `--lang` choice, every set of languages (those stored under content/, those derived
from one, those counted in characters) and every edition (`bilingual`, `all`) is derived from
`LANGUAGES`. A project uses some of them (`languages` in publish.toml); a language with a
`source` is never stored: it is made from its source by a pure function (see `derived`).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Language:
    code: str
    native: str  # its own name, as a language switcher shows it
    cjk: bool  # written without spaces: work counted in characters, CJK typography
    html: str  # BCP 47 tag for `lang` attributes: picks Simplified or Traditional glyphs
    locale: str  # babel's locale: numbers, dates, plural rules
    source: str | None = None  # derived from this stored language (never in content/)
    method: str | None = None  # how it is derived, as a person is told


LANGUAGES: dict[str, Language] = {lang.code: lang for lang in (
    Language("en", "English", cjk=False, html="en", locale="en"),
    Language("zh", "简体中文", cjk=True, html="zh-Hans", locale="zh_Hans"),
    Language("zh-Hant", "繁體中文", cjk=True, html="zh-Hant", locale="zh_Hant", source="zh",
             method="OpenCC s2twp"),
)}

# Languages a project may keep under content/<lang>/.
STORED = tuple(code for code, lang in LANGUAGES.items() if lang.source is None)
# Languages made from a stored one.
DERIVED = tuple(code for code, lang in LANGUAGES.items() if lang.source is not None)
# Languages whose text is counted in characters (and set with CJK typography).
CJK = frozenset(code for code, lang in LANGUAGES.items() if lang.cjk)

# Editions: a booklet or newsletter with every block in English, then Chinese; a site or
# feed in every language the project offers.
BILINGUAL = "bilingual"
ALL = "all"


def choices(*, derived: bool = True, editions: tuple[str, ...] = ()) -> tuple[str, ...]:
    """What a `--lang` option offers: the stored languages, the derived ones (unless
    `derived` is false), then the editions the command can make."""
    return (*STORED, *(DERIVED if derived else ()), *editions)


def source_of(code: str) -> str:
    """The stored language whose files hold `code`'s text: itself unless it is derived."""
    lang = LANGUAGES.get(code)
    return lang.source if lang is not None and lang.source else code


def offered(stored: tuple[str, ...] | list[str]) -> tuple[str, ...]:
    """A project's stored languages, and the derived ones it can make from them."""
    return (*stored, *(code for code in DERIVED if LANGUAGES[code].source in stored))
