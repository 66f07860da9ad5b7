"""Translation state: what is missing, outdated, machine-drafted or current, per block, per
paper, per language and per list.

- `states`: the state names, worst first.
- `compute`: the state of a paper's blocks and title in a language, a pure function of the
  model (pairing translations with their sources by content), and summaries.
- `records`: one cached record per paper, what every format shows of it.
- `cache`: the records of the whole tree through build/index.sqlite, recomputed only for
  files that changed; `report`: the default report, patched paper by paper.
- `view`: what a run shows (selection, order, summaries, details); `formats` and `html`
  print it; `run` is `publish status`.
- `review`: a person vouches for machine drafts and outdated translations.

Imports go one way: states <- compute <- records <- report <- cache <- view <- formats <- html
<- run. The pure model functions are re-exported here for the renderers and checks.
"""

from .compute import (
    Orphan,
    PaperStatus,
    StatusReport,
    Summary,
    Unit,
    collection_status,
    paper_status,
    text_size,
    title_unit,
    worst_first,
)
from .states import CURRENT, MACHINE_STATE, MISSING, ORIGINAL, OUTDATED, RANK, STATES

__all__ = ["CURRENT", "MACHINE_STATE", "MISSING", "ORIGINAL", "OUTDATED", "RANK", "STATES",
           "Orphan", "PaperStatus", "StatusReport", "Summary", "Unit", "collection_status",
           "paper_status", "text_size", "title_unit", "worst_first"]
