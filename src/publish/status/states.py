"""The translation states, worst first, and what each shows as.

A paper's state in a language is the worst of its units' (its blocks, and its title where it
counts); `RANK` orders them for every report and sort.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .compute import PaperStatus

MISSING, OUTDATED, MACHINE_STATE, CURRENT, ORIGINAL = (
    "missing", "outdated", "machine", "current", "original")
# Worst first: a paper's state in a language is the worst of its blocks'.
STATES = (MISSING, OUTDATED, MACHINE_STATE, CURRENT, ORIGINAL)
RANK = {s: i for i, s in enumerate(STATES)}
# What a person can vouch for (`publish review`).
REVIEWABLE = (MACHINE_STATE, OUTDATED)
# Colours in the terminal (rich styles).
STYLE = {MISSING: "red", OUTDATED: "yellow", MACHINE_STATE: "magenta", CURRENT: "cyan",
         ORIGINAL: "green"}


@dataclass
class Summary:
    papers: int = 0
    states: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STATES, 0))
    words_to_translate: int = 0

    @property
    def coverage(self) -> float:
        done = self.states[ORIGINAL] + self.states[CURRENT]
        return round(100.0 * done / self.papers, 1) if self.papers else 100.0

    def add(self, status: PaperStatus) -> None:
        self.papers += 1
        self.states[status.state] += 1
        self.words_to_translate += status.work

    def as_dict(self) -> dict[str, object]:
        return {"papers": self.papers, "states": dict(self.states), "coverage": self.coverage,
                "words_to_translate": self.words_to_translate}
