"""The optional `[site]` and `[digest]` tables of publish.toml: their schema, checked here
and reported by config.py with every other problem of the file, at once.

    [site]
    base_url = "https://example.org/papers/"   # where `publish html` output is served
    [digest]                                      # all three needed by `digest --format eml`
    from = "Reading list <list@example.org>"
    to = "subscribers@example.org"               # optional
    list_unsubscribe = "<mailto:leave@example.org>, <https://example.org/unsubscribe>"
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import Problems, PublishError
from ..sanitise import CONTROL, header_problem

if TYPE_CHECKING:
    from ..config import Config

_SITE_KEYS = {"base_url"}
_DIGEST_KEYS = {"from", "to", "list_unsubscribe"}


@dataclass(frozen=True)
class SiteSection:
    base_url: str | None = None  # ends with "/"


@dataclass(frozen=True)
class DigestSection:
    sender: str | None = None  # `from`: an e-mail is refused without one
    to: str | None = None
    list_unsubscribe: str | None = None


def _strings(name: str, table: Any, keys: set[str], path: Path,
             where: Callable[[str], int | None], problems: Problems) -> dict[str, str]:
    if not isinstance(table, dict):
        problems.add(f"'{name}' must be a table: [{name}]", path, where(name))
        return {}
    out = {}
    for key, value in table.items():
        if key not in keys:
            problems.add(f"unknown key {key!r} in [{name}] (known: "
                         f"{', '.join(sorted(keys))})", path, where(key))
        elif not isinstance(value, str) or not value.strip():
            problems.add(f"[{name}] {key} must be a non-empty string", path, where(key))
        else:
            out[key] = value
    return out


def parse_site(table: Any, path: Path, where: Callable[[str], int | None]
               ) -> tuple[SiteSection, Problems]:
    problems = Problems()
    base = _strings("site", table, _SITE_KEYS, path, where, problems).get("base_url")
    if base is not None and (not re.match(r"^https?://[^/\s]+", base) or CONTROL.search(base)):
        problems.add(f"[site] base_url must be an http(s) URL, not {base!r}", path,
                     where("base_url"))
        base = None
    if base is not None and not base.endswith("/"):
        base += "/"
    return SiteSection(base_url=base), problems


def parse_digest(table: Any, path: Path, where: Callable[[str], int | None]
                 ) -> tuple[DigestSection, Problems]:
    problems = Problems()
    found = _strings("digest", table, _DIGEST_KEYS, path, where, problems)
    for key, value in list(found.items()):  # each becomes an e-mail header
        why = header_problem(value)
        if why:
            problems.add(f"[digest] {key} {why}", path, where(key))
            del found[key]
    return DigestSection(found.get("from"), found.get("to"), found.get("list_unsubscribe")), \
        problems


@dataclass(frozen=True)
class WebSettings:
    """What the newsletter and the feeds need: [site] and [digest], with --base-url."""

    base_url: str | None = None  # ends with "/"
    sender: str | None = None  # [digest] from: an e-mail is refused without one
    to: str | None = None
    list_unsubscribe: str | None = None

    def page_url(self, relative: str) -> str | None:
        return self.base_url + relative if self.base_url else None


def load_settings(config: Config) -> WebSettings:
    return WebSettings(base_url=config.site.base_url, sender=config.digest.sender,
                       to=config.digest.to, list_unsubscribe=config.digest.list_unsubscribe)


def with_base_url(settings: WebSettings, url: str | None) -> WebSettings:
    """The settings with --base-url, when given, in place of [site] base_url."""
    if not url:
        return settings
    if not re.match(r"^https?://[^/\s]+", url) or CONTROL.search(url):
        raise PublishError(f"--base-url must be an http(s) URL, not {url!r}")
    return replace(settings, base_url=url.rstrip("/") + "/")


def require_mail(config: Config, settings: WebSettings) -> None:
    """An e-mail goes to people who cannot reach `build/`: it needs absolute links, a sender
    and a way to unsubscribe. Every missing setting is reported at once, before anything is
    selected, written or recorded."""
    path = config.path
    problems = Problems()
    if not settings.base_url:
        problems.add("an e-mail needs the site's address for its links: add "
                     "`base_url = \"https://…/\"` under [site] (or pass --base-url)", path)
    if not settings.sender:
        problems.add("an e-mail needs a sender: add `from = \"Name <address@…>\"` under "
                     "[digest]", path)
    if not settings.list_unsubscribe:
        problems.add("an e-mail needs a List-Unsubscribe header: add `list_unsubscribe = "
                     "\"<mailto:…>, <https://…>\"` under [digest]", path)
    problems.raise_if_any()
