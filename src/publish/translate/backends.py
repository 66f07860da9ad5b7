"""The translation services publish can draft with, all through deep-translator, and the
settings of a run: backend, URL, timeout, jobs, keys.

Keys come from the environment (or the `[translate]` table of publish.toml, environment
first), never from the command line, where they would end up in shell history and process
lists.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import PublishError

if TYPE_CHECKING:
    from .settings import TranslateSection  # settings reads BACKENDS from here


@dataclass(frozen=True)
class Backend:
    name: str
    client: str  # the deep_translator class
    needs: tuple[str, ...] = ()  # environment variables that must be set
    optional: tuple[str, ...] = ()  # environment variables used when set
    codes: Mapping[str, str] = field(default_factory=dict)  # our language code -> theirs
    limit: int = 5000  # characters per request
    url: bool = False  # takes --url
    note: str = ""


# Codes are what deep-translator accepts (it checks them against its own tables before
# sending): DeepL takes `zh` although its API documents `ZH`; Microsoft's table is lowercased
# (`zh-hans`, deep-translator issue #133); MyMemory knows English only as en-GB / en-US.
BACKENDS: dict[str, Backend] = {b.name: b for b in (
    Backend("google", "GoogleTranslator", codes={"en": "en", "zh": "zh-CN"}, limit=4999,
            note="Google Translate's web endpoint; no key, rate-limited."),
    Backend("deepl", "DeeplTranslator", needs=("DEEPL_API_KEY",),
            codes={"en": "en", "zh": "zh"},
            note="Free-plan keys (ending in :fx) use api-free.deepl.com."),
    Backend("microsoft", "MicrosoftTranslator", needs=("MICROSOFT_API_KEY",),
            optional=("MICROSOFT_REGION",), codes={"en": "en", "zh": "zh-hans"},
            note="Azure Translator; MICROSOFT_REGION for regional resources."),
    Backend("mymemory", "MyMemoryTranslator", optional=("MYMEMORY_EMAIL",),
            codes={"en": "en-GB", "zh": "zh-CN"}, limit=499,
            note="No key; 500 characters per request; an email raises the daily quota."),
    Backend("libre", "LibreTranslator", optional=("LIBRE_API_KEY",),
            codes={"en": "en", "zh": "zh"}, url=True,
            note="LibreTranslate; --url for a self-hosted server (no key needed there)."),
    Backend("baidu", "BaiduTranslator", needs=("BAIDU_APPID", "BAIDU_APPKEY"),
            codes={"en": "en", "zh": "zh"}, limit=2000,
            note="Baidu Fanyi; 6,000 bytes per request, so 2,000 characters."),
    Backend("chatgpt", "ChatGptTranslator", needs=("OPENAI_API_KEY",),
            optional=("OPENAI_MODEL",), codes={"en": "en", "zh": "zh-CN"},
            note="Needs the openai<1 package (deep-translator uses its old API); "
                 "OPEN_API_KEY is accepted too."),
)}
DEFAULT_BACKEND = "google"
# deep-translator's own names for a few variables, accepted as aliases.
_ALIASES = {"OPENAI_API_KEY": ("OPEN_API_KEY",)}


@dataclass(frozen=True)
class Settings:
    """One run's choices: command line over publish.toml's [translate] over defaults."""

    backend: str = DEFAULT_BACKEND
    url: str | None = None
    timeout: float = 30.0
    jobs: int = 4
    retries: int = 4
    secrets: Mapping[str, str] = field(default_factory=dict, repr=False)

    @property
    def spec(self) -> Backend:
        return BACKENDS[self.backend]

    def missing(self) -> list[str]:
        return [name for name in self.spec.needs if not self.secrets.get(name)]


_TABLE_KEYS = {"backend": str, "url": str, "timeout": (int, float), "jobs": int,
               "retries": int}


def resolve(section: TranslateSection, backend: str | None = None, url: str | None = None,
            timeout: float | None = None, jobs: int | None = None, retries: int | None = None,
            environ: Mapping[str, str] | None = None, path: Path | None = None) -> Settings:
    """Settings for a run: the command line over publish.toml's [translate] (`section`)
    over defaults; keys from the environment first, then publish.toml."""
    environ = os.environ if environ is None else environ
    name = backend or section.backend or DEFAULT_BACKEND
    if name not in BACKENDS:
        raise PublishError(f"unknown backend {name!r} (known: {', '.join(BACKENDS)})")
    spec = BACKENDS[name]
    url = url or section.url
    if url is not None:
        if not spec.url:
            raise PublishError(f"backend {name!r} does not take --url (only "
                               f"{', '.join(b.name for b in BACKENDS.values() if b.url)} do)")
        if not re.match(r"^https?://[^\s/]+", url):
            raise PublishError(f"--url must be an http(s) URL, not {url!r}")
        url = url if url.endswith("/") else url + "/"  # deep-translator appends "translate"
    secrets: dict[str, str] = {}
    for var in (*spec.needs, *spec.optional):
        value = environ.get(var) or next((environ[a] for a in _ALIASES.get(var, ())
                                          if environ.get(a)), None) or section.secrets.get(var)
        if value:
            secrets[var] = value
    timeout = float(_first(timeout, section.timeout, 30.0))
    jobs = int(_first(jobs, section.jobs, 4))
    retries = int(_first(retries, section.retries, 4))
    if timeout <= 0:
        raise PublishError(f"the timeout must be more than 0 seconds, not {timeout:g}", path)
    if not 1 <= jobs <= 64:
        raise PublishError(f"jobs must be from 1 to 64, not {jobs}", path)
    if not 0 <= retries <= 20:
        raise PublishError(f"retries must be from 0 to 20, not {retries}", path)
    return Settings(name, url, timeout, jobs, retries, secrets)


def _first(*values: Any) -> Any:
    return next(v for v in values if v is not None)


def require_keys(settings: Settings) -> None:
    missing = settings.missing()
    if missing:
        raise PublishError(
            f"backend {settings.backend!r} needs {' and '.join(missing)}: set "
            f"{'them' if len(missing) > 1 else 'it'} in the environment (export "
            f"{missing[0]}=…) or in publish.toml's [translate] table; keys are never taken "
            "from the command line")


def backend_code(spec: Backend, lang: str) -> str:
    code = spec.codes.get(lang)
    if code is None:
        raise PublishError(f"backend {spec.name!r} has no code for language {lang!r}")
    return code


def make_client(settings: Settings, source: str, target: str) -> Any:
    """A deep-translator client for one language pair. May touch the network (Microsoft's
    constructor fetches its language list), so call it inside `transport.bounded_call`."""
    import deep_translator

    spec = settings.spec
    cls = getattr(deep_translator, spec.client)
    src, tgt = backend_code(spec, source), backend_code(spec, target)
    s = settings.secrets
    if spec.name == "libre":
        # deep-translator refuses to build a LibreTranslator without a key, although a
        # self-hosted server needs none: build it with a stand-in and drop it, so no key
        # parameter is sent at all.
        client = cls(source=src, target=tgt, api_key=s.get("LIBRE_API_KEY") or "unused",
                     custom_url=settings.url, use_free_api=settings.url is None)
        if not s.get("LIBRE_API_KEY"):
            client.api_key = None
        return client
    if spec.name == "deepl":
        key = s["DEEPL_API_KEY"]
        return cls(source=src, target=tgt, api_key=key, use_free_api=key.endswith(":fx"))
    if spec.name == "microsoft":
        return cls(source=src, target=tgt, api_key=s["MICROSOFT_API_KEY"],
                   region=s.get("MICROSOFT_REGION"))
    if spec.name == "mymemory":
        return cls(source=src, target=tgt, email=s.get("MYMEMORY_EMAIL"))
    if spec.name == "baidu":
        return cls(source=src, target=tgt, appid=s["BAIDU_APPID"], appkey=s["BAIDU_APPKEY"])
    if spec.name == "chatgpt":
        return cls(source=src, target=tgt, api_key=s["OPENAI_API_KEY"],
                   model=s.get("OPENAI_MODEL") or "gpt-3.5-turbo")
    return cls(source=src, target=tgt)


def backend_rows(environ: Mapping[str, str] | None = None) -> list[dict[str, Any]]:
    """What `publish translate --backends` shows."""
    environ = os.environ if environ is None else environ
    rows = []
    for b in BACKENDS.values():
        def is_set(var: str) -> bool:
            return bool(environ.get(var) or any(environ.get(a) for a in _ALIASES.get(var, ())))

        rows.append({
            "name": b.name, "client": b.client, "needs": list(b.needs),
            "optional": list(b.optional), "set": [v for v in (*b.needs, *b.optional)
                                                  if is_set(v)],
            "ready": all(is_set(v) for v in b.needs), "url": b.url, "limit": b.limit,
            "codes": dict(b.codes), "note": b.note,
        })
    return rows
