"""YAML out, fast: the text `yaml.dump` writes for the shapes `publish` writes (mappings,
lists, strings, whole numbers, dates), without PyYAML's pure-Python emitter — about half of
an import of a thousand papers went into it.

Every choice PyYAML makes is still PyYAML's: whether a string may be written plain or must
be quoted comes from its own resolver and scalar analysis; only the writing is done here.
A value that needs more (double quotes, a block scalar, an unknown type) makes `dump`
return None, and the caller uses PyYAML for the whole document, so the output never
depends on which path ran (tests/test_yamlfast.py compares both on random data and on every
file of the seeded tree).
"""

from __future__ import annotations

import io
import re
from datetime import date
from functools import lru_cache
from typing import Any

import yaml
from yaml.emitter import Emitter
from yaml.nodes import ScalarNode

_STR = "tag:yaml.org,2002:str"
_BREAKS = frozenset("\n\r\x85\u2028\u2029")
_SIMPLE_RE = re.compile(r"[A-Za-z0-9(][A-Za-z0-9 .,()/+'-]*[A-Za-z0-9).]|[A-Za-z0-9]")
_resolver = yaml.resolver.Resolver()
_emitter = Emitter(io.StringIO(), allow_unicode=True)


class _Unsupported(Exception):
    pass


@lru_cache(maxsize=65536)
def _scalar(value: str, key: bool) -> str:
    """A string as PyYAML writes it in block context (a mapping value or a list item; a
    mapping key when `key`): plain when it reads back as that string, else single-quoted."""
    if _SIMPLE_RE.fullmatch(value) and _resolver.resolve(ScalarNode, value, (True, False)) \
            == _STR:
        return value  # words and common punctuation: plain (PyYAML's analysis agrees)
    if _BREAKS.intersection(value):
        raise _Unsupported  # line breaks (and YAML's other line breaks): PyYAML's
    analysis = _emitter.analyze_scalar(value)
    if analysis.multiline:
        raise _Unsupported
    implicit = _resolver.resolve(ScalarNode, value, (True, False)) == _STR
    if implicit and not (key and (analysis.empty or analysis.multiline)) and \
            analysis.allow_block_plain:
        return value
    if analysis.allow_single_quoted and not (key and analysis.multiline):
        return "'" + value.replace("'", "''") + "'"
    raise _Unsupported  # double quotes: PyYAML's


def _value(value: Any) -> str:
    if isinstance(value, str):
        return _scalar(value, False)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    if value is None:
        return "null"
    raise _Unsupported


def _mapping(data: dict, indent: int, out: list[str], first_prefix: str | None = None) -> None:
    pad = " " * indent
    for i, (key, value) in enumerate(data.items()):
        if not isinstance(key, str):
            raise _Unsupported
        lead = first_prefix if (i == 0 and first_prefix is not None) else pad
        name = _scalar(key, True)
        if isinstance(value, dict):
            if not value:
                out.append(f"{lead}{name}: {{}}\n")
            else:
                out.append(f"{lead}{name}:\n")
                _mapping(value, indent + 2, out)
        elif isinstance(value, list):
            if not value:
                out.append(f"{lead}{name}: []\n")
            else:
                out.append(f"{lead}{name}:\n")
                _sequence(value, indent + 2, out)
        else:
            out.append(f"{lead}{name}: {_value(value)}\n")


def _sequence(items: list, indent: int, out: list[str]) -> None:
    pad = " " * indent
    for item in items:
        if isinstance(item, dict) and item:
            _mapping(item, indent + 2, out, first_prefix=f"{pad}- ")
        elif isinstance(item, list | dict):
            raise _Unsupported  # nested lists, empty mappings in lists: PyYAML's
        else:
            out.append(f"{pad}- {_value(item)}\n")


def dump(data: Any) -> str | None:
    """What `content.files.dump_yaml(data)` returns, or None when this writer does not
    handle `data` (the caller then uses PyYAML)."""
    if not isinstance(data, dict) or not data:
        return None
    out: list[str] = []
    try:
        _mapping(data, 0, out)
    except _Unsupported:
        return None
    return "".join(out)
