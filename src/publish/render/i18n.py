"""Interface text from gettext catalogs, and numbers and dates formatted by babel.

Catalogs are `src/publish/locale/<lang>/LC_MESSAGES/publish.po`, kept with
`scripts/i18n.sh` (pybabel extract/update). They are compiled when first needed, in
memory (read_po → write_mo → Translations), so no binary .mo file is committed or installed.
Traditional Chinese has no catalog of its own: its strings are the Simplified ones
converted with OpenCC `s2twp` (Taiwan vocabulary), like the content itself.
"""

from __future__ import annotations

from datetime import date
from functools import cache
from io import BytesIO
from pathlib import Path
from typing import TYPE_CHECKING

from ..languages import LANGUAGES, source_of

if TYPE_CHECKING:
    from babel.support import NullTranslations
# babel itself is imported where it is used: a rebuild of one page seldom needs it.

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
DOMAIN = "publish"


def N_(message: str) -> str:
    """Mark a string for extraction; it is translated where it is shown."""
    return message


# Names that come from the content (areas of `papers-list`) but are worth translating.
AREA_NAMES = (N_("Computer Vision"), N_("NLP"), N_("Multimodal"), N_("Core ML"),
              N_("Speech"), N_("RecSys"), N_("RL"), N_("Graph ML"))


def html_lang(lang: str) -> str:
    """The BCP 47 tag for `lang` attributes: it picks the Simplified or Traditional glyphs."""
    known = LANGUAGES.get(lang)
    return known.html if known else lang


def hant(text: str) -> str:
    """zh text as the zh-Hant edition shows it: the one conversion every output shares."""
    from ..derived import to_hant

    return to_hant(text)


@cache
def translations(lang: str) -> NullTranslations:
    """The catalog for a booklet language, compiled in memory."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po
    from babel.support import NullTranslations, Translations

    source = source_of(lang)
    path = LOCALE_DIR / source / "LC_MESSAGES" / f"{DOMAIN}.po"
    if not path.is_file():
        return NullTranslations()
    with path.open("rb") as fh:
        catalog = read_po(fh, locale=LANGUAGES[source].locale.split("_")[0])
    if lang == "zh-Hant":
        for message in catalog:
            if isinstance(message.string, tuple):
                message.string = tuple(hant(s) for s in message.string)
            elif message.string:
                message.string = hant(message.string)
    buf = BytesIO()
    write_mo(buf, catalog)
    buf.seek(0)
    return Translations(fp=buf, domain=DOMAIN)


def gettext(lang: str, message: str) -> str:
    return translations(lang).gettext(message)


def ngettext(lang: str, singular: str, plural: str, n: int) -> str:
    return translations(lang).ngettext(singular, plural, n)


def format_count(n: int, lang: str) -> str:
    """Citations and other large counts: `53,520` in English, `5.4万` in Chinese."""
    from babel.numbers import format_compact_decimal, format_decimal

    locale = _locale(lang)
    if lang.startswith("zh") and n >= 10_000:
        return format_compact_decimal(n, locale=locale, fraction_digits=1)
    return format_decimal(n, locale=locale)


def format_number(n: int, lang: str) -> str:
    from babel.numbers import format_decimal

    return format_decimal(n, locale=_locale(lang))


def format_day(day: date, lang: str) -> str:
    """`November 23, 2026` / `2026年11月23日`."""
    from babel.dates import format_date

    return format_date(day, format="long", locale=_locale(lang))


def _locale(lang: str) -> str:
    """babel's locale for `lang` (English for an edition such as bilingual)."""
    known = LANGUAGES.get(lang)
    return known.locale if known else "en"
