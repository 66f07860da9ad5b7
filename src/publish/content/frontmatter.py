"""Front matter, fast: the plain subset of YAML that `publish` itself writes, parsed line by
line; anything else goes to PyYAML.

Loading a large tree is dominated by YAML (PyYAML builds Python objects event by event, about
100 µs for a paper's front matter). The files we write use a tiny subset — `key: scalar`,
`key:` followed by `  - scalar` items, plain or single-quoted scalars — which this module
reads exactly as `yaml.load(text, Loader=yaml.CBaseLoader)` would (every scalar a string),
ten times faster. Any line outside the subset (double quotes, flow collections, nested
mappings, block scalars, anchors, comments after values, tabs…) makes `parse` return None
and the caller uses PyYAML for the whole text, so the result never depends on which path ran.
"""

from __future__ import annotations

import re

# What PyYAML refuses or reads as a line break: leave those texts to PyYAML.
_UNUSUAL_RE = re.compile(
    "[^\t\n\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]")
# A scalar YAML reads as the string it shows: single-quoted ('' for '), or plain — not
# starting with a space or an indicator (`-`, `?`, `:` only when a space follows), with no
# `: `, no ` #`, no tab, not ending in `:`; trailing spaces are not part of it.
# Possessive runs (Python 3.11+): nothing to backtrack into, so a line costs one pass.
_VALUE = (r"'(?:[^'\n]++|'')*+'"
          r"|(?:[^\n\t '\-?:,\[\]{}#&*!|>\"%@`]|[-?:](?=[^\n\t ]))"
          r"(?:[^\n\t :]++|:(?=[^\n\t ])| +(?=[^\n\t #]))*+")
# One line: `key: value`, `key:` (a list follows, or null), `  - value`, or anything else
# (the last group: empty for a blank line, else the text is not in the subset).
_LINE_RE = re.compile(rf"(?:([A-Za-z_][\w-]*):(?: ({_VALUE}))? *|( *)- ({_VALUE}) *|(.*))\n")


def _unquote(value: str) -> str:
    return value[1:-1].replace("''", "'") if value[0] == "'" else value


def parse(text: str) -> dict[str, str | list[str]] | None:
    """The mapping `text` holds, or None when it is not in the fast subset. One regular
    expression reads every line in C; the loop only files what it found."""
    if _UNUSUAL_RE.search(text):
        return None
    if not text.endswith("\n"):
        text += "\n"
    out: dict[str, str | list[str]] = {}
    items: list[str] | None = None
    indent = ""
    for key, value, item_indent, item, other in _LINE_RE.findall(text):
        if key:
            if key in out:
                return None  # a key twice: PyYAML's path reports it with its line
            if value:
                out[key] = value if value[0] != "'" else value[1:-1].replace("''", "'")
                items = None
            else:
                items = out[key] = []
                indent = ""
        elif item:
            if items is None:
                return None
            # Items of one list share an indent; a deeper line would continue a scalar.
            if not items:
                indent = item_indent
            elif item_indent != indent:
                return None
            items.append(item if item[0] != "'" else item[1:-1].replace("''", "'"))
        elif other:
            return None
    # `key:` with nothing under it is null in YAML, which BaseLoader reads as "".
    for key, value in out.items():
        if value == []:
            out[key] = ""
    return out or None  # a blank text is null, not a mapping: PyYAML decides


def strict_load(text: str) -> object:
    """`yaml.load(text, Loader=yaml.CBaseLoader)`, except that a key given twice in a
    mapping is an error (PyYAML keeps the last: `year:` twice would silently win)."""
    import yaml

    class Loader(yaml.CBaseLoader):  # type: ignore[misc, name-defined]
        def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict:
            seen: set[object] = set()
            for key_node, _ in node.value:
                key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
                if key is not None and key in seen:
                    raise duplicate(key, key_node.start_mark)
                seen.add(key)
            return super().construct_mapping(node, deep)

    return yaml.load(text, Loader=Loader)


def duplicate(key: object, mark: object) -> Exception:
    """The error a key given twice raises: PyYAML's kind, so it is reported with its line."""
    from yaml.constructor import ConstructorError

    return ConstructorError(None, None, f"key {key!r} is given twice (only one value can "
                            "hold)", mark)


def load_events(text: str) -> object:
    """What `strict_load(text)` returns, built straight from libyaml's events (about twice
    as fast as PyYAML's constructor). Aliases, explicit tags and complex keys are left to
    PyYAML itself; so are texts with more than one document. A key given twice raises."""
    import yaml
    from yaml import events as ev

    root: object = None
    stack: list[dict | list | None] = []
    keys: list[str | None] = []
    current: dict | list | None = None
    documents = 0
    for event in yaml.parse(text, Loader=yaml.CBaseLoader):
        kind = type(event)
        if kind is ev.ScalarEvent or kind is ev.MappingStartEvent or kind is ev.SequenceStartEvent:
            if event.tag is not None and not (kind is ev.ScalarEvent and event.tag == "!"):
                return strict_load(text)
            value: object = (event.value if kind is ev.ScalarEvent
                             else {} if kind is ev.MappingStartEvent else [])
            if type(current) is dict:
                if keys[-1] is None:
                    if kind is not ev.ScalarEvent:
                        return strict_load(text)
                    if value in current:
                        raise duplicate(value, event.start_mark)
                    keys[-1] = value  # type: ignore[assignment]
                else:
                    current[keys[-1]] = value
                    keys[-1] = None
            elif type(current) is list:
                current.append(value)
            else:
                root = value
            if kind is not ev.ScalarEvent:
                stack.append(current)
                keys.append(None)
                current = value  # type: ignore[assignment]
        elif kind is ev.MappingEndEvent or kind is ev.SequenceEndEvent:
            current = stack.pop()
            keys.pop()
        elif kind is ev.AliasEvent:
            return strict_load(text)
        elif kind is ev.DocumentStartEvent:
            documents += 1
            if documents > 1:
                return strict_load(text)  # raises as PyYAML does
    return root


# A line of a list file's entries: `- key: value` opens a record, `key: value` / `key:`
# continue it, `- value` is an item of the key before; (indent, opener, key, value, item, other).
_RECORD_RE = re.compile(
    rf"( *)(?:(- )?([A-Za-z_][\w-]*):(?: ({_VALUE}))? *|- ({_VALUE}) *|(.*))\n")


def parse_records(text: str) -> list[dict[str, str | list[str]]] | None:
    """A block sequence of flat mappings, as a list file's `entries:` is written:

        - paper: some-id
          position: 1
          also_in:
            - A > B

    Scalars and lists of scalars only; None for anything else (the caller uses PyYAML)."""
    if _UNUSUAL_RE.search(text):
        return None
    if not text.endswith("\n"):
        text += "\n"
    records: list[dict[str, str | list[str]]] = []
    record: dict[str, str | list[str]] | None = None
    items: list[str] | None = None
    base = keys_at = items_at = -1
    for indent, opener, key, value, item, other in _RECORD_RE.findall(text):
        depth = len(indent)
        if key:
            if opener:
                if base == -1:
                    base, keys_at = depth, depth + 2
                elif depth != base:
                    return None
                record = {}
                records.append(record)
            elif record is None or depth != keys_at:
                return None
            if key in record:
                return None  # a key twice: PyYAML's path reports it with its line
            if value:
                record[key] = _unquote(value)
                items = None
            else:
                items = record[key] = []
                items_at = -1
        elif item:
            # Items of one list share an indent, at or right of their key's.
            if items is None or depth < keys_at or (items_at != -1 and depth != items_at):
                return None
            items_at = depth
            items.append(_unquote(item))
        elif other or indent:
            return None
    for record in records:
        for key, val in record.items():
            if val == []:
                record[key] = ""  # `key:` with nothing under it is null: BaseLoader's ""
    return records
