"""The files of the content tree, one at a time: a paper's language file (front matter and
Markdown body) and a reading list, read into the model and written back.

Pure functions of a file's text: reading the tree and the cache are in `load` and `index`,
writing files in `write`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from ..blocks import parse_attrs
from ..errors import Problem, Problems, PublishError
from ..fields import FIELDS, KNOWN_KEYS, Meta, as_int, as_text, meta_to_front, read_field
from ..ids import all_valid, check_id
from ..model import Entry, Paper, ReadingList, Text
from . import frontmatter, yamlfast


def split_front_matter(text: str) -> tuple[str | None, str, int]:
    """(front matter YAML or None, body, line number of the body's first line)."""
    if not text.startswith("---\n"):
        return None, text, 1
    end = text.find("\n---\n", 3)
    if end == -1:
        if text.endswith("\n---"):
            end = len(text) - 4
        else:
            return None, text, 1
    front = text[4 : end + 1]
    body = text[end + 5 :]
    body_line = front.count("\n") + 3
    if body.startswith("\n"):
        # The blank line that `render_paper_file` puts after the front matter.
        body, body_line = body[1:], body_line + 1
    return front, body, body_line


def value_line(text: str, value: str) -> int:
    """The line of a list item `- value` (or `key: value`) in a whole file."""
    m = re.search(rf"^\s*(?:-|\w+:)\s*['\"]?{re.escape(value)}['\"]?\s*$", text, re.MULTILINE)
    return text.count("\n", 0, m.start()) + 1 if m else 1


def key_line(front: str, key: str, offset: int = 2) -> int:
    m = re.search(rf"^{re.escape(key)}\s*:", front, re.MULTILINE)
    return offset + (front.count("\n", 0, m.start()) if m else 0)


def load_yaml(text: str, path: Path | str, first_line: int = 1) -> Any:
    """YAML with every scalar kept as a string: the schema decides types, so `no`, `1e3` or
    `2106.10000` never turn into a boolean or a float behind the user's back."""
    try:
        fast = frontmatter.parse(text)
        return fast if fast is not None else frontmatter.load_events(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = first_line + mark.line if mark else first_line
        raise PublishError(f"broken YAML: {exc.problem or exc}", path, line) from None
    except yaml.YAMLError as exc:
        raise PublishError(f"broken YAML: {exc}", path, first_line) from None


def _meta_from(front: dict[str, Any], fm: str, path: Path, problems: Problems,
               required: bool) -> Meta | None:
    title = as_text(front.get("title"))
    if title is None:
        if required:
            problems.add("missing required field 'title' (the paper's title as published)",
                         path, 1)
        return None
    meta = Meta(title=title)
    for f in FIELDS[1:]:
        if f.name in front:
            value, why = read_field(f, front[f.name])
            if why:
                problems.add(f"field '{f.name}' {why}", path, key_line(fm, f.name))
            elif value is not None:
                setattr(meta, f.name, value)
    return meta


@dataclass
class ParsedFile:
    id: str
    text: Text
    meta: Meta | None


def parse_paper_file(path: Path, lang: str, content: str, problems: Problems,
                     languages: tuple[str, ...]) -> ParsedFile | None:
    front_text, body, body_line = split_front_matter(content)
    if front_text is None and not content.strip():
        problems.add("empty file: a paper needs front matter with at least a title", path, 1)
        return None
    if front_text is None:
        problems.add("no front matter: the file must start with a '---' line, YAML, and a "
                     "closing '---' line", path, 1)
        return None
    front = load_yaml(front_text, path, first_line=2) if front_text.strip() else {}
    if not isinstance(front, dict):
        problems.add("front matter must be a YAML mapping (key: value lines)", path, 2)
        return None
    if not front.keys() <= KNOWN_KEYS:
        for key in front:
            if key not in KNOWN_KEYS:
                problems.add(f"unknown field {key!r} (known: {', '.join(sorted(KNOWN_KEYS))})",
                             path, key_line(front_text, key))
    meta_in = as_text(front.get("meta_in"))
    if meta_in is not None and (meta_in not in languages or meta_in == lang):
        problems.add(f"field 'meta_in' must name another language of the project, not "
                     f"{meta_in!r}", path, key_line(front_text, "meta_in"))
        meta_in = None
    meta = _meta_from(front, front_text, path, problems, required=meta_in is None)
    local_title = as_text(front.get("local_title"))
    marker = as_text(front.get("title_translation"))
    if "title_translation" in front:
        why = _title_marker_problem(marker, local_title, meta_in)
        if why:
            problems.add(f"field 'title_translation' {why}", path,
                         key_line(front_text, "title_translation"))
            marker = None
    # The title's line, for status --details and review: `title:` is written first.
    key = "title" if meta_in is None else "local_title"
    title_line = 2 if front_text.startswith(key + ":") else key_line(front_text, key)
    text = Text(lang=lang, path=path, body=body, body_line=body_line, local_title=local_title,
                meta_in=meta_in, title_translation=marker, title_line=title_line)
    return ParsedFile(id=path.stem, text=text, meta=meta)


def _title_marker_problem(marker: str | None, local_title: str | None,
                          meta_in: str | None) -> str | None:
    """What is wrong with a `title_translation` value, or None."""
    if local_title is None:
        return "must go with a 'local_title'"
    if meta_in is None:
        return "belongs in a translation file (with 'meta_in'): this file's title is the original"
    attrs = parse_attrs(marker) if marker else None
    if attrs is None:
        return "must read like 'from=en src=<source title hash> state=machine|human'"
    if attrs["from"] != meta_in:
        return f"says from={attrs['from']}, but the title it translates is in {meta_in}"
    return None


def render_paper_file(front: dict[str, Any], body: str) -> str:
    out = "---\n" + dump_yaml(front) + "---\n"
    return out + ("\n" + body if body.strip() else "")


def dump_yaml(data: Any) -> str:
    fast = yamlfast.dump(data)  # the same text, without PyYAML's emitter when it can
    if fast is not None:
        return fast
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True,
                     default_flow_style=False, width=100_000)


class _Dumper(yaml.SafeDumper):
    """Indents list items under their key, as people write YAML by hand."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)

    def ignore_aliases(self, data: Any) -> bool:
        return True  # never `&id001` anchors: each value is written where it is


def _str_representer(dumper: yaml.SafeDumper, data: str) -> yaml.Node:
    # Multi-line text reads best as a literal block, as a person would write it.
    style = "|" if "\n" in data and not data.endswith((" ", "\n")) else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)


_Dumper.add_representer(str, _str_representer)


def paper_to_files(paper: Paper) -> dict[str, str]:
    """The file text for each language of a paper, ready to write."""
    out: dict[str, str] = {}
    if paper.source_lang not in paper.texts:
        out[paper.source_lang] = render_paper_file(meta_to_front(paper.meta), "")
    for lang, text in paper.texts.items():
        if lang == paper.source_lang:
            front = meta_to_front(paper.meta)
        else:
            front = {"meta_in": paper.source_lang}
        if text.local_title:
            front["local_title"] = text.local_title
            if text.title_translation:
                front["title_translation"] = text.title_translation
        out[lang] = render_paper_file(front, text.body)
    return out


def _entry_lines(text: str) -> list[int]:
    """Line of each `- paper:` entry, counting newlines once through the file."""
    lines, line, pos = [], 1, 0
    for m in re.finditer(r"^\s*-\s+paper\s*:", text, re.MULTILINE):
        line += text.count("\n", pos, m.start())
        pos = m.start()
        lines.append(line)
    return lines


def parse_list_file(path: Path, content: str, problems: Problems,
                    languages: tuple[str, ...]) -> ReadingList | None:
    list_id = path.stem
    why = check_id(list_id)
    if why:
        problems.add(f"bad list file name: {why}", path, 1)
        return None
    if not content.strip():
        problems.add("empty list file: it needs at least 'lang', 'title' and 'entries'", path, 1)
        return None
    data = _load_list_yaml(content, path)
    if not isinstance(data, dict):
        problems.add("a list file must be a YAML mapping", path, 1)
        return None
    lang = as_text(data.get("lang"))
    if lang not in languages:
        problems.add(f"'lang' must be one of {', '.join(languages)}, not {lang!r}", path,
                     key_line(content, "lang", 1))
        lang = languages[0]
    title = data.get("title")
    if not isinstance(title, dict) or not all(isinstance(v, str) for v in title.values()):
        problems.add("'title' must map languages to the list's title", path,
                     key_line(content, "title", 1))
        title = {}
    rl = ReadingList(id=list_id, lang=lang, title=dict(title), path=path)
    for key in ("source", "description"):
        value = data.get(key, {})
        if isinstance(value, dict):
            setattr(rl, key, {str(k): str(v) for k, v in value.items()})
        else:
            problems.add(f"'{key}' must be a mapping", path, key_line(content, key, 1))
    raw_entries = data.get("entries", [])
    if not isinstance(raw_entries, list):
        problems.add("'entries' must be a list", path, key_line(content, "entries", 1))
        return rl
    lines = _entry_lines(content)
    valid = all_valid([raw["paper"] for raw in raw_entries
                       if isinstance(raw, dict) and isinstance(raw.get("paper"), str)])
    seen: dict[str, int] = {}
    days: dict[str, date] = {}  # a list has few distinct dates: parse each once
    for i, raw in enumerate(raw_entries):
        line = lines[i] if i < len(lines) else key_line(content, "entries", 1)
        if not isinstance(raw, dict) or not isinstance(raw.get("paper"), str):
            problems.add("each entry needs 'paper: <paper id>'", path, line)
            continue
        pid = raw["paper"]
        why = None if valid else check_id(pid)
        if why:
            problems.add(why, path, line)
            continue
        if pid in seen:
            problems.add(f"paper {pid!r} is in the list twice (first at line {seen[pid]})",
                         path, line)
            continue
        seen[pid] = line
        position = as_int(raw.get("position"))
        day = str(raw.get("added", ""))
        added = days.get(day)
        if added is None:
            try:
                added = days[day] = date.fromisoformat(day)
            except ValueError:
                problems.add(f"entry {pid!r}: 'added' must be a date YYYY-MM-DD", path, line)
                continue
        if position is None or position < 1:
            problems.add(f"entry {pid!r}: 'position' must be a number from 1", path, line)
            continue
        also = raw.get("also_in", [])
        rl.entries.append(Entry(
            paper=pid, position=position, added=added, section=as_text(raw.get("section")),
            rank=as_int(raw.get("rank")), year=as_int(raw.get("year")),
            also_in=list(also) if isinstance(also, list) else [], line=line,
        ))
    return rl


def _load_list_yaml(content: str, path: Path) -> Any:
    """A list file: its head through `load_yaml`, its entries (nearly all of it) through the
    fast record reader when they are written the way `render_list_file` writes them."""
    head, sep, entries = content.partition("\nentries:\n")
    if sep and "\n" not in entries.lstrip(" -").split(":", 1)[0]:
        records = frontmatter.parse_records(entries)
        if records is not None:
            data = load_yaml(head + "\n", path)
            if isinstance(data, dict) and "entries" not in data:
                data["entries"] = records
                return data
    return load_yaml(content, path)


def render_list_file(rl: ReadingList) -> str:
    data: dict[str, Any] = {"lang": rl.lang, "title": dict(rl.title)}
    if rl.description:
        data["description"] = dict(rl.description)
    if rl.source:
        data["source"] = dict(rl.source)
    entries = []
    for e in rl.entries:
        item: dict[str, Any] = {"paper": e.paper, "position": e.position, "added": e.added}
        if e.section:
            item["section"] = e.section
        if e.rank is not None:
            item["rank"] = e.rank
        if e.year is not None:
            item["year"] = e.year
        if e.also_in:
            item["also_in"] = list(e.also_in)
        entries.append(item)
    data["entries"] = entries
    return dump_yaml(data)


def assemble_paper(pid: str, by_lang: dict[str, ParsedFile], problems: list[Problem],
                   unreadable: bool = False) -> Paper | None:
    """A paper from its parsed language files: exactly one holds the metadata and the
    others point to it. Problems are appended to `problems`. `unreadable`: one of its files
    could not be read at all — its own error says why, and nothing is said about the paper
    (its other files would only be blamed for what the broken one holds)."""
    if not by_lang or unreadable:
        return None
    holders = [lang for lang, pf in by_lang.items() if pf.text.meta_in is None]
    if len(holders) != 1:
        paths = ", ".join(str(pf.text.path) for pf in by_lang.values())
        problems.append(Problem(
            "exactly one language file of a paper holds its metadata (the others say "
            f"`meta_in: <lang>`); found {len(holders)} in: {paths}",
            next(iter(by_lang.values())).text.path, 1))
        return None
    source = holders[0]
    meta = by_lang[source].meta
    if meta is None:
        return None
    for pf in by_lang.values():
        if pf.text.meta_in not in (None, source):
            problems.append(Problem(f"meta_in says {pf.text.meta_in!r} but the metadata is in "
                                    f"{by_lang[source].text.path}", pf.text.path, 2))
    return Paper(id=pid, meta=meta, source_lang=source,
                 texts={lang: pf.text for lang, pf in by_lang.items()})
