"""`publish check --lang zh-Hant`: the zh checks on the text as the zh-Hant edition shows it,
and a check that the conversion kept what must stay as written.

zh-Hant is not stored (publish.derived): its text is content/zh/ converted with OpenCC. So
the checks read the converted text, and report the content/zh/ file and line, where a person
fixes it. The converted text stays `zh` for the checks (the same pairing, ratios and
typography rules); findings are then labelled zh-Hant.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from pathlib import Path

from ..derived import Derived, conversion_losses
from ..model import Collection, Paper
from . import CheckReport, run_checks
from .files import CheckSettings, Term
from .findings import CHECKS, ERROR, Finding


def for_checks(d: Derived, text: str) -> str:
    """`text` converted as the edition shows it (the number reader knows 億 and 萬)."""
    return d.convert(text)


def _terms(d: Derived, terms: Sequence[Term]) -> list[Term]:
    """The glossary with its source-language spellings converted: 微调 is 微調 in zh-Hant."""
    def conv(forms: dict[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
        return {code: tuple(dict.fromkeys(for_checks(d, f) for f in spellings))
                if code == d.source else spellings for code, spellings in forms.items()}

    return [replace(t, forms=conv(t.forms), avoid=conv(t.avoid)) for t in terms]


def check_derived(collection: Collection, languages: Sequence[str], root: Path, d: Derived,
                  terms: Sequence[Term], options: CheckSettings, ids: Sequence[str],
                  checks: Iterable[str] = ()) -> CheckReport:
    wanted = set(checks)
    papers: dict[str, Paper] = {}
    for pid in ids:
        paper = collection.papers[pid]
        text = paper.texts.get(d.source)
        if text is not None:
            shown = replace(text, body=for_checks(d, text.body), local_title=(
                d.convert(text.local_title) if text.local_title else None))
            paper = replace(paper, texts={**paper.texts, d.source: shown})
        papers[pid] = paper
    derived = Collection(papers={**collection.papers, **papers}, lists=collection.lists)
    usual = wanted & set(CHECKS)
    if usual or not wanted:
        report = run_checks(derived, languages, root, _terms(d, terms), options, d.source, ids,
                            usual or None)
    else:  # --check conversion alone
        report = CheckReport(papers=len(ids))
    report.findings = [replace(f, lang=d.lang) if f.lang == d.source else f
                       for f in report.findings]
    if not wanted or "conversion" in wanted:
        for pid in ids:
            text = collection.papers[pid].texts.get(d.source)
            if text is None:
                continue
            file = text.path.relative_to(root).as_posix() if text.path.is_relative_to(root) \
                else text.path.as_posix()
            for block in text.blocks:
                report.blocks += wanted == {"conversion"}  # else counted by the others
                for token in conversion_losses(block.text, d.convert(block.text)):
                    report.findings.append(Finding(
                        file, block.line, "conversion", ERROR,
                        f"{d.method} changed {token}: the {d.lang} edition would not show it "
                        "as written", pid, d.lang))
        report.findings.sort()
    return report
