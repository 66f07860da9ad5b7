"""Paper and list ids: stable ASCII slugs that can never be used as a path."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable

ID_RE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")  # fullmatch: `$` would let "id\n" through
MAX_ID_LENGTH = 80


def is_valid_id(value: str) -> bool:
    return bool(ID_RE.fullmatch(value)) and len(value) <= MAX_ID_LENGTH + 10


def check_id(value: object) -> str | None:
    """Return why `value` is not a usable id, or None when it is."""
    if not isinstance(value, str) or not value:
        return "an id must be a non-empty string"
    if "/" in value or "\\" in value or ".." in value:
        return (f"id {value!r} looks like a path; ids are lowercase ASCII letters, digits and "
                "hyphens")
    if not is_valid_id(value):
        return f"id {value!r} is not a slug (lowercase ASCII letters, digits and single hyphens)"
    return None


# Many ids, one per line, all valid: one regular expression over the joined text decides it
# in C; at 100,000 papers a Python call per id is a noticeable part of a cold run.
_ALL_VALID_RE = re.compile(rf"(?:(?=[^\n]{{1,{MAX_ID_LENGTH + 10}}}\n)[a-z0-9]+(?:-[a-z0-9]+)*\n)*")


def all_valid(values: list[str]) -> bool:
    """True when every value is a usable id (check_id says None for each): a fast test
    before looking at them one by one."""
    if not values:
        return True
    text = "\n".join(values) + "\n"
    return text.count("\n") == len(values) and _ALL_VALID_RE.fullmatch(text) is not None


def slugify(title: str, max_length: int = MAX_ID_LENGTH) -> str:
    """`Attention Is All You Need` -> `attention-is-all-you-need`.

    Accents are folded (Fréchet -> frechet) so ids stay ASCII. A title with no Latin letters
    is spelled out, so its id can still be read: Chinese in pinyin (`神经网络七十年` ->
    `shen-jing-wang-luo-qi-shi-nian`, `第2章` -> `di-2-zhang`, never `2`), other scripts
    transliterated; only a title of symbols alone falls back to a hash.
    """
    slug = _ascii_slug(title)
    if not re.search(r"[a-z]", slug):
        slug = _ascii_slug(_spelled_out(title)) or slug
    if not slug:
        return "paper-" + hashlib.sha1(title.encode("utf-8")).hexdigest()[:10]
    if len(slug) > max_length:
        cut = slug[: max_length + 1]
        slug = cut[: cut.rfind("-")] if "-" in cut else cut[:max_length]
    return slug


def _ascii_slug(title: str) -> str:
    folded = unicodedata.normalize("NFKD", title)
    folded = "".join(c for c in folded if not unicodedata.combining(c))
    folded = folded.replace("&", " and ").replace("’", "").replace("'", "")
    return re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-")


def _spelled_out(title: str) -> str:
    """Han characters in pinyin, one syllable a word (pypinyin, which reads characters in
    their common words); other scripts in Latin letters (anyascii); emoji dropped."""
    from anyascii import anyascii
    from pypinyin import Style, lazy_pinyin

    words = lazy_pinyin(title, style=Style.NORMAL, errors=lambda chars: [anyascii(chars)])
    return " ".join(w for w in words if not w.startswith(":"))


def unknown_paper(value: str, known: Iterable[str]) -> str:
    """What to say of an id that is not a paper's: the message, with the nearest ids."""
    from rapidfuzz import process

    near = process.extract(value, list(known), limit=3)
    hint = f"; did you mean {', '.join(n[0] for n in near)}?" if near else ""
    return f"unknown paper id {value!r}{hint}"
