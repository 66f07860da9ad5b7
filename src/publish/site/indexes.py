"""The search index of each site language as `publish html` makes it (the index itself,
its words and its file are `search`'s): each paper's terms from what its page shows,
remembered in the site cache by the paper's digest, and each index patched from the one the
last run wrote when only some papers changed (or from the previous language's, in a run
that builds several), so a rebuild after one edit does not start over."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import TYPE_CHECKING

from ..languages import source_of
from ..render.i18n import html_lang
from .search import IndexBuilder, IndexState, doc_terms, read_state

if TYPE_CHECKING:
    from ..model import Paper
    from .cache import SiteCache
    from .pages import Pages


def _key(lang: str, digest: str) -> str:
    return hashlib.sha1(f"{lang}\0{digest}".encode()).hexdigest()


class SearchIndexes:
    """`order`: the papers as the search pages list them; `digests`: each paper's inputs;
    `pages(lang)`: the view models that say what a paper's page shows."""

    def __init__(self, cache: SiteCache | None, langs: tuple[str, ...], order: list[str],
                 digests: dict[str, str], pages: Callable[[str], Pages]) -> None:
        self.cache = cache
        self.langs = langs
        self.order = order
        self.digests = digests
        self.pages = pages
        self.builder = IndexBuilder()
        self._terms: dict[str, str] | None = None
        self._last: dict[str, str] = {}  # lang -> hash of its file, then its papers' keys
        self._memo: dict[str, frozenset[str]] = {}  # block text -> terms, across languages
        self._alone: dict[str, str] = {}  # paper -> its terms where it has no text
        self.terms_added: dict[str, str] = {}
        self.index_added: dict[str, str] = {}
        # the bytes of a file the last run wrote, if they hash to the digest (build_site)
        self.previous: Callable[[str, str], bytes | None] | None = None

    def preload(self) -> dict[str, str]:
        """Papers' terms and the last index of each language, from the cache: read before
        workers fork, never in one."""
        if self._terms is None:
            self._terms = self.cache.load("terms") if self.cache else {}
            self._last = self.cache.load("index", self.langs) if self.cache else {}
        return self._terms

    def take_added(self) -> dict[str, dict[str, str]]:
        added = {"terms": self.terms_added, "index": self.index_added}
        self.terms_added, self.index_added = {}, {}
        return added

    def build(self, lang: str) -> bytes:
        self.preload()
        keys = [_key(lang, self.digests[pid]) for pid in self.order]
        docs = [self._doc(pid, lang, key) for pid, key in zip(self.order, keys, strict=True)]
        data = self.builder.build(self.order, docs, html_lang(lang), self._previous(lang))
        # what the file was made of, so the next run patches it instead of starting over
        self.index_added[lang] = "\n".join([hashlib.sha1(data).hexdigest(), *keys])
        return data

    def _previous(self, lang: str) -> IndexState | None:
        """The index the output folder has from the last run, when it is what the cache says
        it is (its bytes' hash) and numbers the papers as this run does."""
        known = self.preload()
        stored = self._last.get(lang)
        if not stored or self.previous is None:
            return None
        digest, *keys = stored.split("\n")
        data = self.previous(f"{lang}/search-index.js", digest)
        if data is None or len(keys) != len(self.order):
            return None
        docs = [known.get(key) for key in keys]
        found = [d for d in docs if d is not None]
        return read_state(data, self.order, found) if len(found) == len(keys) else None

    def _doc(self, pid: str, lang: str, key: str) -> str:
        """What the index of `lang` holds of a paper (encoded): from the cache when the
        paper is unchanged (its digest), else from what its page shows."""
        known = self.preload().get(key) or self.terms_added.get(key)
        if known is not None:
            return known
        pages = self.pages(lang)
        paper: Paper = pages.collection.papers[pid]
        # With no text in the language, a paper's page shows its title as published and its
        # source text, as the page in its source language does (when that text has no title
        # of its own): the terms are made once (tests/test_search.py checks every paper)
        source = paper.texts.get(paper.source_lang)
        alone = source_of(lang) not in paper.texts and source is not None and (
            not source.local_title or source.local_title == paper.meta.title)
        if alone and pid in self._alone:
            value = self.terms_added[key] = self._alone[pid]
            return value
        if alone and paper.source_lang in self.langs and paper.source_lang != lang:
            value = self.terms_added[key] = self._doc(
                pid, paper.source_lang, _key(paper.source_lang, self.digests[pid]))
            self._alone[pid] = value
            return value
        title, original = pages.titles(paper)
        meta = paper.meta
        if lang in paper.texts and len(paper.texts) == 1:
            # its only text, in its own language: the page shows the original blocks (what
            # render.text.shown_blocks gives, without computing the paper's status)
            shown = [b.text for b in paper.texts[lang].blocks if b.is_original]
        else:
            shown = [s.text for s in pages.shown(paper) if s.text]
        found = doc_terms([title.text, original.text if original else ""],
                          [*meta.authors, str(meta.year or ""), meta.venue or "",
                           meta.arxiv or ""], shown, self._memo)
        value = self.terms_added[key] = found.encode()
        self.builder.known[value] = found
        if alone:
            self._alone[pid] = value
        return value
