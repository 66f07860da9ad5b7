"""The translation states, worst first, and what each shows as.

A paper's state in a language is the worst of its units' (its blocks, and its title where it
counts); `RANK` orders them for every report and sort.
"""

from __future__ import annotations

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
