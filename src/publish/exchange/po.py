"""PO files (gettext), bilingual: `msgctxt` is the unit id, `msgid` the source block as
Markdown (without its block syntax), `msgstr` the translation. Written and read with polib.

A suggestion (a machine draft, or a translation of an earlier source) is a `fuzzy` msgstr;
for an outdated one `#| msgctxt`/`#| msgid` hold the earlier source, as `msgmerge
--previous` writes it, so Weblate and Poedit show what changed. What the translator should
know goes into extracted comments (`#.`), the export record too; translator comments (`# `)
are the translator's own. The header says the language pair (`Language`, and
`X-Source-Language`); `Last-Translator` is left for the tool that saves the file.

polib reads leniently (an unterminated string passes), so a file is first checked line by
line as msgfmt would: a broken line is refused with its number before anything is read.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from pathlib import Path

import polib

from ..errors import Problem
from .ids import UnitId, find_record
from .read import ReadFile, ReadUnit
from .units import ExportUnit, Pair, PaperUnits

SOURCE_HEADER = "X-Source-Language"
_PLURALS = {"zh": "nplurals=1; plural=0;", "en": "nplurals=2; plural=(n != 1);"}


def _entry(paper: PaperUnits, unit: ExportUnit) -> polib.POEntry:
    entry = polib.POEntry(msgctxt=str(unit.id), msgid=unit.segment.display,
                          msgstr=unit.suggestion_text or "",
                          comment="\n".join((paper.note, *unit.notes, unit.record.format())),
                          occurrences=[(unit.location[0], str(unit.location[1]))])
    if unit.suggestion is not None:
        entry.flags.append("fuzzy")
        if unit.target is not None and unit.target.source_hash != unit.source.hash:
            entry.previous_msgctxt = str(UnitId(unit.id.paper, unit.target.source_hash or "",
                                                unit.id.title, unit.id.occurrence))
            if unit.previous is not None:
                entry.previous_msgid = unit.previous
    return entry


def write_po(pair: Pair, papers: Sequence[PaperUnits], name: str, today: date) -> str:
    po = polib.POFile(wrapwidth=78)
    po.header = (f"Blocks of {name} to translate from {pair.source} into {pair.target}, "
                 "exported by publish.\nmsgctxt is <paper id>.<block|title>.<source hash>; "
                 "import the file back with `publish import-translations`.")
    stamp = f"{today.isoformat()} 00:00+0000"
    po.metadata = {
        "Project-Id-Version": f"publish {name}",
        "Report-Msgid-Bugs-To": "",
        "POT-Creation-Date": stamp,
        "PO-Revision-Date": stamp,
        "Last-Translator": "",
        "Language-Team": pair.target,
        "Language": pair.target,
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
        "Plural-Forms": _PLURALS.get(pair.target, "nplurals=2; plural=(n != 1);"),
        "X-Generator": "publish",
        SOURCE_HEADER: pair.source,
    }
    for paper in papers:
        for unit in paper.units:
            po.append(_entry(paper, unit))
    return str(po) + "\n"


# ---------------------------------------------------------------------------------------------
# Reading

_KEYWORD_RE = re.compile(r"(msgctxt|msgid|msgid_plural|msgstr|msgstr\[[0-9]+\])[ \t]+(.*)")
# A C string as PO files write it: the escapes msgfmt knows, no raw quote or backslash.
_STRING_RE = re.compile(r'"(?:[^"\\]|\\(?:[\\"abfnrtv?\']|[0-7]{1,3}|x[0-9A-Fa-f]+))*"')


def check_syntax(text: str, path: Path) -> Problem | None:
    """The first line msgfmt would refuse (as far as lines go), or None."""
    for number, raw in enumerate(text.split("\n"), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        m = _KEYWORD_RE.fullmatch(line)
        rest = m.group(2).strip() if m else line
        if not m and not line.startswith('"'):
            return Problem(f"PO syntax error: {_short(line)!r} is neither a keyword (msgctxt, "
                           "msgid, msgstr) nor a quoted string", path, number)
        if not _STRING_RE.fullmatch(rest):
            return Problem(f"PO syntax error: {_short(rest)!r} is not one complete quoted "
                           "string (an unterminated string, a stray quote or backslash?)",
                           path, number)
    return None


def _short(text: str) -> str:
    return text if len(text) <= 40 else text[:39] + "…"


def read_po(path: Path, text: str) -> ReadFile:
    """A PO file as read units; syntax errors, plurals and repeated entries are problems of
    the file (nothing of it is imported)."""
    text = text.replace("\r\n", "\n").lstrip("\ufeff")
    problem = check_syntax(text, path)
    if problem is not None:
        return ReadFile(path, "po", problems=[problem])
    try:
        po = polib.pofile(text, wrapwidth=0)
    except (OSError, ValueError) as exc:
        line = re.search(r"line (\d+)", str(exc))
        return ReadFile(path, "po", problems=[Problem(f"PO syntax error: {exc}", path,
                                                      int(line.group(1)) if line else None)])
    meta = po.metadata
    out = ReadFile(path, "po", source_lang=meta.get(SOURCE_HEADER) or None,
                   target_lang=meta.get("Language") or None,
                   translator=_translator(meta.get("Last-Translator", "")))
    seen: dict[tuple[str | None, str], int] = {}
    for entry in po:
        if entry.obsolete:
            continue
        line = entry.linenum
        key = (entry.msgctxt, entry.msgid)
        if key in seen:
            out.problems.append(Problem(f"the entry {entry.msgctxt or entry.msgid!r} is "
                                        f"repeated (first at line {seen[key]})", path, line))
            continue
        seen[key] = line
        if entry.msgid_plural:
            out.problems.append(Problem(f"a plural entry ({entry.msgctxt or entry.msgid!r}): "
                                        "publish exports none", path, line))
            continue
        translated = bool(entry.msgstr) and not entry.fuzzy
        out.units.append(ReadUnit(
            id=entry.msgctxt or "", line=line, source=entry.msgid,
            target=entry.msgstr or None, translated=translated,
            record=find_record(entry.comment, entry.tcomment)))
    return out


_DEFAULT_TRANSLATORS = ("FULL NAME", "Anonymous")


def _translator(value: str) -> str | None:
    """`Name <mail>` → `Name`; None for the placeholders tools write."""
    name = re.sub(r"\s*<[^>]*>\s*", " ", value).strip()
    return name if name and not name.startswith(_DEFAULT_TRANSLATORS) else None
