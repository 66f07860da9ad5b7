"""A BibTeX file, as exported by Zotero, Google Scholar, DBLP, Semantic Scholar, arXiv or a
textbook's bibliography: one entry per work, with its abstract (if any) as the entry's text.

A field that cannot be read is a warning on its entry, with the line; an entry that cannot
be parsed is reported and skipped; neither ever stops the rest of the file.
"""

from __future__ import annotations

import logging
import re
import unicodedata

import bibtexparser

from .base import (
    RawEntry,
    RawList,
    arxiv_from,
    arxiv_id,
    arxiv_in_text,
    doi_from,
    escape_block_start,
    skip,
)
from .clean import clean_text, safe_url
from .kinds import Evidence, classify, is_paper_link
from .types import work_type

# TeX accents, so `J{\"u}rgen` reads as "Jürgen": a combining mark, composed by NFC.
_ACCENTS = {'"': "\u0308", "'": "\u0301", "`": "\u0300", "^": "\u0302", "~": "\u0303",
            "=": "\u0304", ".": "\u0307", "u": "\u0306", "v": "\u030c", "H": "\u030b",
            "c": "\u0327", "k": "\u0328", "r": "\u030a"}
_ACCENT_RE = re.compile(r"\\([\"'`^~=.])\s*\{?\\?([A-Za-z])\}?"
                        r"|\\([uvHckr])(?:\s*\{\\?([A-Za-z])\}|\s+([A-Za-z]))")
# Letters TeX writes as commands: {\L}ukasz, {\o}, \ss.
_LETTERS = {"L": "Ł", "l": "ł", "o": "ø", "O": "Ø", "ss": "ß", "ae": "æ", "AE": "Æ",
            "oe": "œ", "OE": "Œ", "aa": "å", "AA": "Å", "i": "ı", "j": "ȷ"}
_LETTER_RE = re.compile(r"\\(ss|ae|AE|oe|OE|aa|AA|[LloOij])(?![A-Za-z])\s?")
# `\emph{x}`, `\textit{x}`, `\url{x}`, `{\em x}`: the text without the command.
_COMMAND_RE = re.compile(r"\\(?:emph|textit|textbf|textsc|textrm|texttt|url|mbox|text)\s*\{")
_SWITCH_RE = re.compile(r"\{\\(?:em|it|bf|sc|rm|tt|sl)\s+")
_ESCAPED_RE = re.compile(r"\\([&%_#$])")
# Math keeps its braces: `$\mathbb{R}^{n}$` means nothing without them.
_MATH_RE = re.compile(r"(\$[^$]*\$|\\\(.*?\\\))")
_AND_RE = re.compile(r"\s+and\s+", re.IGNORECASE)
_COMMA_RE = re.compile(r",")
# natbib's `2023a` is 2023: the letter only tells two Liu 2023 papers apart.
_YEAR_RE = re.compile(r"^\s*\{?\s*((?:1[5-9]|20)\d\d)(?!\d)")
# `\article{key,` — an entry whose `@` became a backslash: BibTeX skips it as text.
_BACKSLASH_ENTRY_RE = re.compile(r"^\s*\\([A-Za-z]+)\s*\{\s*([^,\s]+)\s*,", re.MULTILINE)
# A field that swallowed the next one: `title = {…}` with no comma, then `author = {…}`.
_SWALLOWED_RE = re.compile(r"\}\s*\n\s*([A-Za-z]+)\s*=\s*[{\"]")


def read(text: str, path: str) -> RawList:
    logging.getLogger("bibtexparser").setLevel(logging.ERROR)
    library = bibtexparser.parse_string(text)
    strings = {k.lower(): str(v.value) for k, v in library.strings_dict.items()}
    out = RawList(shape="bibtex")
    for item in library.entries:
        line = (item.start_line or 0) + 1
        out.saw("entry")
        fields = {f.key.lower(): (_resolve(str(f.value), strings), (f.start_line or 0) + 1)
                  for f in item.fields}
        out.entries.append(_entry(item.entry_type.lower(), item.key, fields, line))
    for block in library.failed_blocks:
        out.saw("broken entry")
        line = (block.start_line or 0) + 1
        head = (block.raw or "").split("\n")[0].strip()[:60]
        why = str(getattr(block.error, "abort_reason", "") or block.error).split(". Note:")[0]
        title = re.search(r"(?im)^\s*title\s*=\s*[{\"]\s*\{?([^}\"]+)", block.raw or "")
        entry = RawEntry(line=line, title=clean_text(title.group(1)) if title else None)
        out.entries.append(skip(entry, "broken", f"cannot parse {head!r}: {why.strip()}"))
    for comment in library.comments:
        for m in _BACKSLASH_ENTRY_RE.finditer(comment.raw or ""):
            out.saw("broken entry")
            line = (comment.start_line or 0) + 1 + comment.raw.count("\n", 0, m.start())
            rest = comment.raw[m.end():]
            title = re.search(r"(?im)^\s*title\s*=\s*[{\"]\s*\{?([^}\"]+)", rest)
            entry = RawEntry(line=line, title=clean_text(title.group(1)) if title else None)
            out.entries.append(skip(entry, "broken", f"'\\{m.group(1)}{{' is not a BibTeX "
                                    f"entry (did you mean '@{m.group(1)}{{'?); skipped"))
    out.entries.sort(key=lambda e: e.line)
    return out


def _resolve(value: str, strings: dict[str, str]) -> str:
    """A field's value with `@string` macros and `#` concatenation resolved: `neurips #
    " 27"` → "Advances in Neural Information Processing Systems 27"."""
    if "#" not in value and value.strip().lower() not in strings:
        return value
    parts, depth, quoted, start = [], 0, False, 0
    for i, c in enumerate(value):
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
        elif c == '"' and depth == 0:
            quoted = not quoted
        elif c == "#" and depth == 0 and not quoted:
            parts.append(value[start:i])
            start = i + 1
    parts.append(value[start:])
    out = []
    for part in (p.strip() for p in parts):
        if len(part) >= 2 and part[0] + part[-1] in ('""', "{}"):
            out.append(part[1:-1])
        elif part.lower() in strings:
            out.append(strings[part.lower()])
        else:
            out.append(part)
    return "".join(out)


def _entry(kind: str, key: str, fields: dict[str, tuple[str, int]], line: int) -> RawEntry:
    def get(*names: str) -> str | None:
        for name in names:
            value = " ".join(fields.get(name, ("", 0))[0].split())
            if value:
                return value
        return None

    entry = RawEntry(line=line, title=None)
    for name, (value, at) in fields.items():
        if m := _SWALLOWED_RE.search(value):
            entry.title = _tex(value.split("}")[0]) if name == "title" else None
            return skip(entry, "broken", f"line {at}: no comma after the '{name}' field, "
                        f"so it swallowed '{m.group(1)}'; skipped")
    title = _tex(get("title") or "") or None
    entry.title = title
    entry.year = _year(fields, entry)
    if citations := get("citations"):
        if citations.isdecimal():
            entry.citations = int(citations)
        else:
            entry.warnings.append(f"line {fields['citations'][1]}: citations {citations!r} "
                                  "is not a whole number: left empty")
    url = _tex(get("url") or "") or None
    howpublished = get("howpublished") or ""
    url = url or (m.group(0) if (m := re.search(r"https?://[^\s{}\\]+", howpublished))
                  else None)
    entry.url = safe_url(url)
    entry.arxiv = _arxiv(get, url)
    raw_doi = get("doi")
    entry.doi = (doi_from(raw_doi) or None) if raw_doi else doi_from(url)
    if raw_doi and not entry.doi:
        entry.warnings.append(f"line {fields['doi'][1]}: doi {raw_doi!r} is not a DOI: left out")
    entry.authors = [_name(a) for a in _split_authors(fields.get("author", ("", 0))[0])]
    venue = _tex(get("journal", "booktitle", "journaltitle") or "") or None
    if venue and not re.match(r"(?i)^(?:arxiv|corr)\b", venue):
        entry.venue = venue
    abstract = get("abstract")
    if abstract:
        entry.blocks.append(("paragraph", escape_block_start(abstract)))
    entry.hint = None if title else (abstract or url or raw_doi or key)
    entry.type = _work_type(kind, get)
    ev = Evidence(own=url, work_type=entry.type,
                  paper_links=[u for u in (url, raw_doi) if u and is_paper_link(u)])
    if entry.type in ("article", "chapter", "thesis", "report"):
        return entry
    return classify(entry, ev)


def _work_type(kind: str, get) -> str | None:
    """The entry type, with `@misc` read from what it holds: a publisher and no venue is a
    book, a repository link is software."""
    typed = work_type(kind)
    if typed is not None or kind != "misc":
        return typed
    where = f"{get('howpublished') or ''} {get('url') or ''}"
    if re.search(r"(?i)github\.com|gitlab\.com|pypi\.org|huggingface\.co", where):
        return "software"
    if get("eprint") or arxiv_from(where):
        return "article"
    if get("publisher") and not get("journal", "booktitle", "howpublished"):
        return "book"
    return None


def _year(fields: dict[str, tuple[str, int]], entry: RawEntry) -> int | None:
    for name in ("year", "date"):
        value, line = fields.get(name, ("", 0))
        if not value.strip():
            continue
        if m := _YEAR_RE.match(value):
            return int(m.group(1))
        entry.warnings.append(f"line {line}: {name} {value.strip()!r} is not a year: left "
                              "empty")
    return None


def _arxiv(get, url: str | None) -> str | None:
    """The arXiv id from wherever an exporter put it: `eprint` (with `archivePrefix` or
    `eprinttype` arXiv, or none), the URL, the arXiv DOI, `journal = {arXiv preprint
    arXiv:…}` or `{Ar{X}iv:…}`, DBLP's and Semantic Scholar's `volume = {abs/…}` under
    `journal = {CoRR}` / `{ArXiv}`, a `note`."""
    eprint = get("eprint")
    archive = (get("archiveprefix", "eprinttype") or "").lower()
    if eprint and archive in ("arxiv", "") and (found := arxiv_id(eprint)):
        return found
    found = arxiv_from(url) or arxiv_from(get("doi"))
    if found:
        return found
    journal = (get("journal", "journaltitle") or "").replace("{", "").replace("}", "")
    if found := arxiv_in_text(journal) or arxiv_in_text(get("note")):
        return found
    volume = get("volume") or ""
    if re.match(r"(?i)^(?:arxiv|corr)$", journal.strip()) and volume.startswith("abs/"):
        return arxiv_id(volume)
    return None


def _split_authors(value: str) -> list[str]:
    names = (" ".join(n.split()) for n in _split_outside_braces(value, _AND_RE))
    return [n for n in names if n and n.lower() != "others"]


def _split_outside_braces(value: str, separator: re.Pattern[str]) -> list[str]:
    """Split where braces do not protect: `{Barnes and Noble}` is one (corporate) author."""
    parts, depth, start = [], 0, 0
    for m in re.finditer(rf"[{{}}]|{separator.pattern}", value, separator.flags):
        if m.group(0) in "{}":
            depth += 1 if m.group(0) == "{" else -1
        elif depth == 0:
            parts.append(value[start:m.start()])
            start = m.end()
    parts.append(value[start:])
    return parts


def _name(name: str) -> str:
    """`Last, First` and `Last, Jr, First` as written in running text."""
    parts = [p.strip() for p in _split_outside_braces(name, _COMMA_RE)]
    if len(parts) == 2:
        name = f"{parts[1]} {parts[0]}"
    elif len(parts) == 3:
        name = f"{parts[2]} {parts[0]} {parts[1]}"
    return _tex(name)


def _tex(text: str) -> str:
    """Plain text from a BibTeX value: accents composed, letters and commands read, ties and
    control spaces as spaces, dashes as dashes, capitalisation braces dropped, escaped
    specials unescaped; math segments kept as written (`$\\{$USENIX$\\}$` is not math)."""
    text = text.replace("$\\{$", "").replace("$\\}$", "")
    pieces = _MATH_RE.split(text)
    for i in range(0, len(pieces), 2):  # even pieces are outside math
        piece = pieces[i].replace("\\ ", " ").replace("~", " ")
        piece = piece.replace("---", "—").replace("--", "–")
        piece = _ACCENT_RE.sub(_accent, piece)
        piece = _LETTER_RE.sub(lambda m: _LETTERS[m.group(1)], piece)
        piece = _COMMAND_RE.sub("{", piece)
        piece = _SWITCH_RE.sub("{", piece)
        pieces[i] = _ESCAPED_RE.sub(r"\1", piece.replace("{", "").replace("}", ""))
    return clean_text(unicodedata.normalize("NFC", " ".join("".join(pieces).split()))) or ""


def _accent(m: re.Match[str]) -> str:
    return (m.group(2) or m.group(4) or m.group(5)) + _ACCENTS[m.group(1) or m.group(3)]
