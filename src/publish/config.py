"""`publish.toml`, parsed once into one typed `Config`: the project's languages and titles,
and a section per feature (`[translate]`, `[site]`, `[digest]`, `[enrich]`), each declared
by the package that owns it. Every problem in the file is reported at once, with its line."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from .enrich.settings import EnrichSection
from .enrich.settings import parse_section as parse_enrich
from .errors import Problems, PublishError
from .languages import STORED
from .site.settings import DigestSection, SiteSection, parse_digest, parse_site
from .translate.settings import TranslateSection
from .translate.settings import parse_section as parse_translate

CONFIG_NAME = "publish.toml"

DEFAULT_TOML = """\
# The publish project file. `publish --help` explains the commands.

# Languages kept side by side under content/<lang>/, in the order they are shown.
languages = ["en", "zh"]

# The language a new paper's metadata is written in when nothing else says so.
source_language = "en"

# The collection's title in each language (cover of the booklet, site header).
[title]
en = "{title_en}"
zh = "{title_zh}"
"""


@dataclass(frozen=True)
class Config:
    """A validated publish.toml."""

    root: Path
    languages: tuple[str, ...] = ("en", "zh")
    source_language: str = "en"
    title: dict[str, str] = field(default_factory=dict)
    translate: TranslateSection = field(default_factory=TranslateSection)
    site: SiteSection = field(default_factory=SiteSection)
    digest: DigestSection = field(default_factory=DigestSection)
    enrich: EnrichSection = field(default_factory=EnrichSection)

    @property
    def path(self) -> Path:
        return self.root / CONFIG_NAME

    @property
    def content_dir(self) -> Path:
        return self.root / "content"

    @property
    def lists_dir(self) -> Path:
        return self.root / "content" / "lists"

    @property
    def build_dir(self) -> Path:
        return self.root / "build"

    def lang_dir(self, lang: str) -> Path:
        return self.root / "content" / lang


# The feature sections: each package declares its table and checks it.
_SECTIONS = {"translate": parse_translate, "site": parse_site, "digest": parse_digest,
             "enrich": parse_enrich}
_KEYS = {"languages", "source_language", "title", *_SECTIONS}


def _line_of(text: str, key: str) -> int | None:
    m = re.search(rf"^\s*\[?{re.escape(key)}\]?\s*(=|$)", text, re.MULTILINE)
    return text.count("\n", 0, m.start()) + 1 if m else None


def parse_config(text: str, root: Path, path: Path | str = CONFIG_NAME) -> Config:
    """Check every key and report every problem before refusing the file."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        m = re.search(r"line (\d+)", str(exc))
        raise PublishError(f"not valid TOML: {exc}", path, int(m.group(1)) if m else None) from None
    problems = Problems()
    for key in data:
        if key not in _KEYS:
            problems.add(
                f"unknown key {key!r} (known: {', '.join(sorted(_KEYS))})", path,
                _line_of(text, key)
            )
    languages = data.get("languages", ["en", "zh"])
    if not isinstance(languages, list) or not languages or not all(
        isinstance(x, str) for x in languages
    ):
        problems.add("'languages' must be a non-empty list such as [\"en\", \"zh\"]", path,
                     _line_of(text, "languages"))
        languages = ["en", "zh"]
    for lang in languages:
        if lang not in STORED:
            problems.add(f"language {lang!r} is not supported (supported: "
                         f"{', '.join(STORED)})", path, _line_of(text, "languages"))
    if len(set(languages)) != len(languages):
        problems.add("'languages' lists a language twice", path, _line_of(text, "languages"))
    source = data.get("source_language", languages[0])
    if source not in languages:
        problems.add(f"'source_language' is {source!r}, which is not one of 'languages'", path,
                     _line_of(text, "source_language"))
    titles = data.get("title", {})
    if not isinstance(titles, dict):
        problems.add("'title' must be a table: [title] en = \"...\"", path, _line_of(text, "title"))
        titles = {}
    for lang in languages:
        value = titles.get(lang)
        if not isinstance(value, str) or not value.strip():
            problems.add(f"missing the site title in {lang!r}: add `{lang} = \"...\"` under "
                         "[title]",
                         path, _line_of(text, "title"))
    for lang in titles:
        if lang not in languages:
            problems.add(f"[title] has {lang!r}, which is not one of 'languages'", path,
                         _line_of(text, lang))
    sections = {}
    for name, parse in _SECTIONS.items():
        if name in data:
            sections[name], found = parse(data[name], Path(path),
                                          lambda key: _line_of(text, key))
            problems.items.extend(found.items)
    problems.raise_if_any()
    return Config(root=root, languages=tuple(languages), source_language=source,
                  title={k: str(v) for k, v in titles.items()}, **sections)


def find_root(start: Path) -> Path:
    """The nearest folder at or above `start` holding publish.toml."""
    start = start.resolve()
    for folder in (start, *start.parents):
        if (folder / CONFIG_NAME).is_file():
            return folder
    raise PublishError(
        f"no {CONFIG_NAME} in {start} or any folder above it; run `publish init DIR` to create "
        "a project, or pass --root"
    )


def load_config(root: Path | None = None, start: Path | None = None) -> Config:
    if root is None:
        root = find_root(start or Path.cwd())
    root = root.resolve()
    path = root / CONFIG_NAME
    if not path.is_file():
        raise PublishError(f"{CONFIG_NAME} not found in {root}", path)
    from .content.textfile import read_text  # the one place that decodes and rejects BOM/CRLF

    return parse_config(read_text(path), root, path)


def init_project(folder: Path, title_en: str = "AI Papers Reading List",
                 title_zh: str = "人工智能论文阅读清单") -> list[Path]:
    """Create an empty, valid project in `folder`; refuse to overwrite one."""
    folder = folder.resolve()
    target = folder / CONFIG_NAME
    if target.exists():
        raise PublishError(f"{CONFIG_NAME} already exists; not touching it", target)
    made = []
    for sub in ("content/en", "content/zh", "content/lists"):
        (folder / sub).mkdir(parents=True, exist_ok=True)
        keep = folder / sub / ".gitkeep"
        if not any((folder / sub).iterdir()):
            keep.write_text("")
            made.append(keep)
    target.write_text(DEFAULT_TOML.format(title_en=title_en, title_zh=title_zh), "utf-8")
    made.append(target)
    ignore = folder / ".gitignore"
    if not ignore.exists():
        ignore.write_text("build/\n.publish-journal.json*\n.publish.lock\n"
                          "translation-memory.sqlite-wal\ntranslation-memory.sqlite-shm\n")
        made.append(ignore)
    return made
