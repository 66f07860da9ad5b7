"""Rendering the collection: Markdown to safe HTML, gettext catalogs, and the PDF booklet.

`markdown` and `math` turn blocks into HTML; `text` decides which text a paper shows in a
language; `book` lays the papers out in chapters; `html` fills the templates; `pdf` renders
the chunks (in parallel, cached) and `assemble` joins them into one booklet.
"""
