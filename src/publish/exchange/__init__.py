"""Exchanging translations with people's tools: XLIFF 1.2 and 2.1, and PO.

`publish export` writes one unit per block (and per title) that needs a translation, with a
stable id; `publish import-translations` reads what a translator did with it and writes each
translated unit back as a person's translation, through one Transaction; `publish review
--serve` is a local page for the same review `publish review` records. The pairing of blocks,
the markers and the protected pieces (math, code, URLs) are the ones status, review and
translate use: `ids` (unit ids and the export record), `inline` (placeables), `units` (what
is exported), `xliff`, `po`, `export`, `importer`, `serve`.
"""
