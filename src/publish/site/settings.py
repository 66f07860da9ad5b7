"""The optional `[site]` and `[digest]` tables of publish.toml.

`config.Config` does not carry them (yet), so they are read here with tomllib; every
problem is reported at once with its line, like the rest of publish.toml.

    [site]
    base_url = "https://example.org/papers/"   # where `publish html` output is served
    [digest]                                      # all three needed by `digest --format eml`
    from = "Reading list <list@example.org>"
    to = "subscribers@example.org"               # optional
    list_unsubscribe = "<mailto:leave@example.org>, <https://example.org/unsubscribe>"
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, replace
from pathlib import Path

from ..config import CONFIG_NAME, Config
from ..errors import Problems, PublishError

_SITE_KEYS = {"base_url"}
_DIGEST_KEYS = {"from", "to", "list_unsubscribe"}


@dataclass(frozen=True)
class WebSettings:
    base_url: str | None = None  # ends with "/"
    sender: str | None = None  # [digest] from: an e-mail is refused without one
    to: str | None = None
    list_unsubscribe: str | None = None

    def page_url(self, relative: str) -> str | None:
        return self.base_url + relative if self.base_url else None


def _line(text: str, key: str) -> int | None:
    m = re.search(rf"^\s*\[?{re.escape(key)}\]?\s*(=|$)", text, re.MULTILINE)
    return text.count("\n", 0, m.start()) + 1 if m else None


def load_settings(config: Config) -> WebSettings:
    path: Path = config.root / CONFIG_NAME
    text = path.read_text("utf-8") if path.is_file() else ""
    data = tomllib.loads(text) if text else {}
    problems = Problems()
    site = data.get("site", {})
    digest = data.get("digest", {})
    for name, table, keys in (("site", site, _SITE_KEYS), ("digest", digest, _DIGEST_KEYS)):
        if not isinstance(table, dict):
            problems.add(f"'{name}' must be a table: [{name}]", path, _line(text, name))
            continue
        for key, value in table.items():
            if key not in keys:
                problems.add(f"unknown key {key!r} in [{name}] (known: "
                             f"{', '.join(sorted(keys))})", path, _line(text, key))
            elif not isinstance(value, str) or not value.strip():
                problems.add(f"[{name}] {key} must be a non-empty string", path,
                             _line(text, key))
    base = site.get("base_url") if isinstance(site, dict) else None
    if isinstance(base, str) and not re.match(r"^https?://[^/\s]+", base):
        problems.add(f"[site] base_url must be an http(s) URL, not {base!r}", path,
                     _line(text, "base_url"))
    problems.raise_if_any()
    digest = digest if isinstance(digest, dict) else {}
    if isinstance(base, str) and not base.endswith("/"):
        base += "/"
    return WebSettings(base_url=base, sender=digest.get("from"), to=digest.get("to"),
                       list_unsubscribe=digest.get("list_unsubscribe"))


def with_base_url(settings: WebSettings, url: str | None) -> WebSettings:
    """The settings with --base-url, when given, in place of [site] base_url."""
    if not url:
        return settings
    if not re.match(r"^https?://[^/\s]+", url):
        raise PublishError(f"--base-url must be an http(s) URL, not {url!r}")
    return replace(settings, base_url=url.rstrip("/") + "/")


def require_mail(config: Config, settings: WebSettings) -> None:
    """An e-mail goes to people who cannot reach `build/`: it needs absolute links, a sender
    and a way to unsubscribe. Every missing setting is reported at once, before anything is
    selected, written or recorded."""
    path = config.root / CONFIG_NAME
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
