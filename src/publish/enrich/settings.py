"""The `[enrich]` table of publish.toml: whom the services may write to, and where each
source is served from (a mirror, a proxy, a stand-in server).

    [enrich]
    mailto = "me@example.org"            # OpenAlex's and Crossref's polite pool
    [enrich.openalex]
    url = "http://127.0.0.1:8080/"       # instead of https://api.openalex.org/

Keys (Semantic Scholar's) come from the environment only, never from this file.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import Problems

SOURCES = ("arxiv", "openalex", "crossref", "semanticscholar")
# What `enrich --fields` chooses from ("ids" includes the published title).
FIELD_GROUPS = ("ids", "authors", "year", "venue", "citations", "abstract")
_SOURCE_KEYS = {"url"}
_MAIL_RE = re.compile(r"^[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+$")


@dataclass(frozen=True)
class EnrichSection:
    mailto: str | None = None
    urls: Mapping[str, str] = field(default_factory=dict)  # source -> its base URL


def parse_section(table: Any, path: Path, where: Callable[[str], int | None]
                  ) -> tuple[EnrichSection, Problems]:
    problems = Problems()
    if not isinstance(table, dict):
        problems.add("'enrich' must be a table: [enrich]", path, where("enrich"))
        return EnrichSection(), problems
    mailto, urls = None, {}
    for key, value in table.items():
        if key == "mailto":
            if not isinstance(value, str) or not _MAIL_RE.match(value.strip()):
                problems.add(f"[enrich] mailto must be an e-mail address, not {value!r}", path,
                             where("mailto"))
            else:
                mailto = value.strip()
        elif key in SOURCES:
            if not isinstance(value, dict):
                problems.add(f"[enrich.{key}] must be a table", path, where(key))
                continue
            for sub, url in value.items():
                if sub not in _SOURCE_KEYS:
                    problems.add(f"unknown key {sub!r} in [enrich.{key}] (known: "
                                 f"{', '.join(sorted(_SOURCE_KEYS))}; keys go in the "
                                 "environment)", path, where(sub))
                elif not isinstance(url, str) or not re.match(r"^https?://[^/\s]+", url):
                    problems.add(f"[enrich.{key}] url must be an http(s) URL, not {url!r}",
                                 path, where(sub))
                else:
                    urls[key] = url if url.endswith("/") else url + "/"
        else:
            problems.add(f"unknown key {key!r} in [enrich] (known: mailto, and a table per "
                         f"source: {', '.join(SOURCES)})", path, where(key))
    return EnrichSection(mailto=mailto, urls=urls), problems
