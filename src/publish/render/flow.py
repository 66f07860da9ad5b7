"""A chapter as one flow of pages, rendered in runs that meet where a unit starts a page.

The booklet must read as if each chapter were one document: no half-empty page where one
rendered piece ends and the next begins. Rendering a whole chapter at once would make a
one-word edit re-render hundreds of pages, so a chapter is rendered in *runs* (documents of
consecutive units, each starting on a fresh page) and the runs are joined only where the
flow itself starts a page:

- every unit (a paper, with its section heading when it opens a section) begins with an
  invisible spacer of a quarter page that may not be split (`.keep` in booklet.css): a unit
  never starts in the last quarter of a page, it moves to the next page, and so does the
  spacer. A page therefore ends at least three quarters full before a unit that moved;
- a unit whose spacer is at the top of a page is a *cut*: everything from it on is laid out
  exactly as in a document that starts with it (measured: identical text positions), and
  nothing after it changes the pages before it. The spacer moves or not whatever the unit
  holds, so a cut stays a cut when the unit after it is edited.

So the pages of a chapter are the same whichever runs they come from, and any rendered run
can lend its pages from one of its cuts to a later cut, provided the units in between are
the ones the chapter has now (compared by the hash of their HTML). A rebuild after an edit
renders from the last cut before the edited unit until the new pages meet a cut of the
previous build again; a cold build renders each chapter as a chain of runs, each starting
at the last cut of the one before.

Pure functions of hashes and run metadata: no WeasyPrint here (see `publish.render.pdf`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

PHANTOM = ""  # the hash of the spacer that ends every run: where the next unit would start


@dataclass(frozen=True)
class Placed:
    """Where a run's unit starts: its page, and whether it is at that page's top."""

    hash: str
    page: int
    top: bool


@dataclass(frozen=True)
class Run:
    """A rendered run's layout: its units in order, then the phantom spacer."""

    key: str
    context: str  # what besides the units shapes its pages (CSS, running head, headings)
    opening: bool  # starts with the chapter's headings, so only a chapter's start can use it
    units: tuple[Placed, ...]
    pages: int
    # what shapes its pages after its first cut: an opening run's headings and first-page
    # style are behind it, so from there on it is any run of the chapter ('': `context`)
    body: str = ""

    def usable(self, pos: int, context: str, opening: str) -> bool:
        """Whether its pages can carry a chapter's flow from unit `pos` (its start, or a
        later unit with a cut before it)."""
        if pos == 0:
            return self.context == opening
        return (self.body or self.context) == context


@dataclass(frozen=True)
class Segment:
    """Pages [first_page, end_page) of a run, holding the chapter's units [start, end)."""

    run: Run
    start: int
    end: int
    first_page: int
    end_page: int


@dataclass(frozen=True)
class Need:
    """The flow stops at unit `start`: render units [start, end) as a new run."""

    start: int
    end: int
    rebuild: bool = False  # after an edit, among known pages


def _reach(run: Run, i: int, hashes: Sequence[str], pos: int) -> tuple[int, int] | None:
    """How far run unit `i`, put at chapter unit `pos`, carries the flow: (chapter unit,
    run unit) of the furthest cut after it, or None when no cut follows."""
    best = None
    k = i
    n = len(hashes)
    while True:
        at = pos + k - i
        unit = run.units[k]
        if unit.hash == PHANTOM:  # the run's end: a cut if the next unit would move
            if k > i and (unit.top or at == n):
                best = (at, k)
            return best
        if k > i and unit.top:
            best = (at, k)
        if at >= n or unit.hash != hashes[at]:
            return best
        k += 1


def _startable(run: Run, i: int, pos: int) -> bool:
    if pos == 0:
        return i == 0 and run.opening
    return (i == 0 and not run.opening) or (i > 0 and run.units[i].top)


def next_segment(hashes: Sequence[str], pos: int, runs: Iterable[Run], context: str,
                 opening: str) -> Segment | None:
    """The known run that carries the flow furthest from unit `pos`, as a segment."""
    best: Segment | None = None
    for run in runs:
        if not run.usable(pos, context, opening):
            continue
        for i, unit in enumerate(run.units):
            if unit.hash != hashes[pos] or not _startable(run, i, pos):
                continue
            reach = _reach(run, i, hashes, pos)
            if reach is None or (best is not None and reach[0] <= best.end):
                continue
            end, k = reach
            cut = run.units[k]
            end_page = cut.page if cut.top else cut.page + 1
            best = Segment(run, pos, end, run.units[i].page, end_page)
    return best


def resolve(hashes: Sequence[str], runs: Sequence[Run], context: str, opening: str,
            ) -> tuple[list[Segment], int]:
    """Segments covering the chapter from its start as far as known runs allow, and the
    unit where the flow stops (len(hashes) when the chapter is complete)."""
    segments: list[Segment] = []
    pos = 0
    while pos < len(hashes):
        segment = next_segment(hashes, pos, runs, context, opening)
        if segment is None:
            break
        segments.append(segment)
        pos = segment.end
    return segments, pos


def known_hashes(runs: Iterable[Run]) -> set[str]:
    return {unit.hash for run in runs for unit in run.units}


def plan(hashes: Sequence[str], weights: Sequence[int], pos: int, runs: Iterable[Run],
         target: int, tried: int = 0, after_edit: int | None = None) -> Need:
    """Which units to render next from `pos`: twice as many as a run from `pos` to `tried`
    that had no cut in it; in a rebuild (some run has unit `pos`), through the first unit
    no run has (the edit) and `after_edit` weight beyond, where the new pages are likely to
    meet old ones again (a shift is absorbed where a page ends with room to spare); else,
    about `target` weight."""
    n = len(hashes)
    if tried > pos:
        return Need(pos, min(n, pos + 2 * (tried - pos)))
    known = known_hashes(runs)
    rebuild = hashes[pos] in known
    if rebuild:
        edit = next((i for i in range(pos, n) if hashes[i] not in known), pos)
        end, budget = edit + 1, target // 3 if after_edit is None else after_edit
    else:
        end, budget = pos, target
    weight = 0
    while end < n and weight < budget:
        weight += weights[end]
        end += 1
    return Need(pos, min(n, max(end, pos + 1)), rebuild)
