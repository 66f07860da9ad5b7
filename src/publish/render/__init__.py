"""Rendering the collection: Markdown to safe HTML, gettext catalogs, and the PDF booklet.

`markdown` and `math` turn blocks into HTML; `text` decides which text a paper shows in a
language; `book` lays the papers out in chapters; `booklet` fills the templates; `pdf`
builds a booklet: each chapter flows as one document, rendered in runs (`schedule`, `flow`:
in parallel, cached) that `assemble` joins where a unit starts a page.
"""
