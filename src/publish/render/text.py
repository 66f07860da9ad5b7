"""Which text a paper shows in a booklet language, block by block, with its state.

The units come from `publish.status.paper_status`: the language's own originals, then for
every other language its originals paired with their translations. A unit is shown as

- original or current translation: the text;
- machine draft: the text, marked "machine translation";
- outdated translation: the old text, marked "outdated";
- missing: per `--fallback` — `source` shows the source block in its own language marked
  "not translated" (the default), `mark` shows one "not yet translated" line for a run of
  missing blocks, `skip` leaves out papers that have no text at all in the language
  (papers partly translated keep the one-line mark for their missing blocks).

zh-Hant has no files of its own yet: it is the zh text converted with OpenCC s2twp here.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..languages import source_of
from ..model import Block, Paper
from ..status import CURRENT, MACHINE_STATE, MISSING, ORIGINAL, OUTDATED, Unit, paper_status
from .i18n import hant

FALLBACKS = ("source", "mark", "skip")


@dataclass(frozen=True)
class Shown:
    """One block as the booklet shows it. `text` is Markdown; None for a "not yet
    translated" line. `lang` is a booklet language (en, zh, zh-Hant)."""

    text: str | None
    lang: str
    kind: str
    state: str  # original, current, machine, outdated, missing
    machine: bool = False
    path: Path | None = None
    line: int | None = None

    @property
    def marks(self) -> tuple[str, ...]:
        out = []
        if self.state == OUTDATED:
            out.append("outdated")
        if self.machine or self.state == MACHINE_STATE:
            out.append("machine")
        if self.state == MISSING:
            out.append("untranslated" if self.text is not None else "missing")
        return tuple(out)


def _booklet_lang(content: str, target: str) -> str:
    """zh text shown in a zh-Hant booklet is converted, so it is zh-Hant."""
    return target if content == source_of(target) else content


def _block_shown(block: Block, target: str, state: str, machine: bool,
                 path: Path | None) -> Shown:
    lang = _booklet_lang(block.lang, target)
    text = hant(block.text) if lang == "zh-Hant" else block.text
    return Shown(text, lang, block.kind, state, machine, path, block.line)


def _paths(paper: Paper) -> dict[str, Path]:
    return {code: text.path for code, text in paper.texts.items()}


def shown_blocks(paper: Paper, lang: str, languages: tuple[str, ...],
                 fallback: str = "source") -> list[Shown] | None:
    """The blocks of `paper` in booklet language `lang`; None when the paper is skipped."""
    code = source_of(lang)
    status = paper_status(paper, code, languages)
    paths = _paths(paper)
    out: list[Shown] = []
    for unit in status.units:
        shown = _unit_shown(unit, lang, fallback, paths)
        if shown is None:
            continue
        if shown.text is None and out and out[-1].text is None:
            continue  # one line for a run of missing blocks
        out.append(shown)
    titled = status.title is not None and status.title.block is not None
    if fallback == "skip" and all(s.state == MISSING for s in out) and not titled:
        return None
    return out


def _unit_shown(unit: Unit, lang: str, fallback: str,
                paths: dict[str, Path]) -> Shown | None:
    if unit.state == MISSING:
        src = unit.original
        if fallback == "source":
            return _block_shown(src, lang, MISSING, False, paths.get(src.lang))
        return Shown(None, lang, src.kind, MISSING, False, paths.get(src.lang), src.line)
    assert unit.block is not None
    return _block_shown(unit.block, lang, unit.state, unit.machine,
                        paths.get(unit.block.lang))


@dataclass(frozen=True)
class Pair:
    """One block in both languages: `en` above, `zh` below, whichever is the original."""

    en: Shown
    zh: Shown


def bilingual_pairs(paper: Paper, languages: tuple[str, ...],
                    fallback: str = "source") -> list[Pair] | None:
    """Every original block with its counterpart in the other language, the paper's source
    language first. A missing counterpart is a one-line mark (the original is already
    beside it). With `skip`, a paper missing from either language is left out."""
    if not {"en", "zh"} <= set(languages):
        return None
    statuses = {code: paper_status(paper, code, languages) for code in ("en", "zh")}
    paths = _paths(paper)
    order = [paper.source_lang] + [c for c in ("en", "zh") if c != paper.source_lang]
    pairs: list[Pair] = []
    for src_lang in order:
        other = "zh" if src_lang == "en" else "en"
        counterpart: dict[tuple[int, str], Unit] = {
            (u.source.line, u.source.hash): u for u in statuses[other].units
            if u.source is not None and u.source.lang == src_lang}
        for unit in statuses[src_lang].units:
            if unit.state != ORIGINAL or unit.block is None:
                continue
            original = _block_shown(unit.block, src_lang, ORIGINAL, False,
                                    paths.get(src_lang))
            match = counterpart.get((unit.block.line, unit.block.hash))
            if match is None or match.block is None:
                translated = Shown(None, other, unit.block.kind, MISSING, False,
                                   paths.get(src_lang), unit.block.line)
            else:
                translated = _block_shown(match.block, other, match.state, match.machine,
                                          paths.get(other))
            en, zh = (original, translated) if src_lang == "en" else (translated, original)
            pairs.append(Pair(en, zh))
    if fallback == "skip":
        for code in ("en", "zh"):
            if statuses[code].state == MISSING and not any(
                    getattr(p, code).state != MISSING for p in pairs):
                return None
    return pairs


def paper_state(paper: Paper, lang: str, languages: tuple[str, ...]) -> str:
    """The paper's state in a booklet language (the worst of its blocks')."""
    if lang == "bilingual":
        states = [paper_status(paper, c, languages).state for c in ("en", "zh")]
        order = (MISSING, OUTDATED, MACHINE_STATE, CURRENT, ORIGINAL)
        return min(states, key=order.index)
    return paper_status(paper, source_of(lang), languages).state
