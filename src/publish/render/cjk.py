"""Justified Chinese: the slack of a line shared between its characters, not only its spaces.

CSS asks for `text-justify: inter-character` in Chinese; WeasyPrint (checked up to 70)
implements `text-align: justify` by widening spaces only, so a Chinese line with one Latin
word gets all the line's slack in the two spaces around that word, and a line without
spaces is left short. This module teaches WeasyPrint's justification one more kind of
expansion opportunity, each Han character, kana or full-width mark, through the same
mechanism it uses for spaces (a Pango letter-spacing attribute per run of such characters):

- `count_expandable_spaces` also counts those characters, so the slack is divided among
  spaces and characters alike;
- `Layout.set_text` (called with `justify=True` when a justified line is laid out again
  with its extra spacing) gives every such run that spacing;
- `justify_line` leaves out the half step Pango puts after a line's last character.

Pango gives a run with letter spacing s one step between its characters, half a step
before it (none at the start of a piece of text) and half a step after it (measured: a run
of k characters widens its text by (k - 1/2)·s when it starts the text, k·s otherwise). The
half step after the line's last character is not seen, so the line is justified as if it
were not there: its last character then ends on the margin. Installed once per process,
before rendering, and only when WeasyPrint still has the functions it replaces; without
them the booklet keeps WeasyPrint's own justification (spaces only).
"""

from __future__ import annotations

import re
from typing import Any

# Han (with extensions and compatibility ideographs), kana, CJK punctuation and full-width
# forms: the characters a Chinese line is set on a grid of.
CJK = re.compile("[\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]+")

_installed = False


def install() -> bool:
    """Patch WeasyPrint's justification (once); False when its internals are not the ones
    this was written for."""
    global _installed
    if _installed:
        return True
    try:
        from weasyprint.formatting_structure import boxes
        from weasyprint.layout import inline
        from weasyprint.text import line_break
        from weasyprint.text.ffi import TO_UNITS, ffi, pango
    except ImportError:
        return False
    count = getattr(inline, "count_expandable_spaces", None)
    add_spacing = getattr(inline, "add_word_spacing", None)
    set_text = getattr(getattr(line_break, "Layout", None), "set_text", None)
    if count is None or set_text is None or add_spacing is None:
        return False

    def count_expandable(box: Any) -> float:
        found = count(box)
        if isinstance(box, boxes.TextBox) and CJK.search(box.text):
            found += sum(len(m.group()) for m in CJK.finditer(box.text))
            if CJK.match(box.text):
                found -= 0.5
        return found

    def justify_line(context: Any, line: Any, extra_width: float) -> None:
        expandable = count_expandable(line)  # the original recurses into the patched one
        texts = [b for b in line.descendants() if isinstance(b, boxes.TextBox) and b.text]
        if texts and CJK.match(texts[-1].text[-1]):
            expandable -= 0.5
        if expandable > 0:
            add_spacing(context, line, extra_width / expandable, 0)


    def set_text_spaced(self: Any, text: str, justify: bool = False) -> None:
        set_text(self, text, justify)
        spacing = getattr(self, "justification_spacing", 0)
        if not (justify and spacing and CJK.search(self.text or "")):
            return
        attrs = pango.pango_layout_get_attributes(self.layout)
        if attrs == ffi.NULL:
            attrs = ffi.gc(pango.pango_attr_list_new(), pango.pango_attr_list_unref)
        units = int(spacing * TO_UNITS)
        for match in CJK.finditer(self.text):
            attr = pango.pango_attr_letter_spacing_new(units)
            attr.start_index = len(self.text[:match.start()].encode())
            attr.end_index = len(self.text[:match.end()].encode())
            pango.pango_attr_list_change(attrs, attr)
        pango.pango_layout_set_attributes(self.layout, attrs)

    inline.count_expandable_spaces = count_expandable
    inline.justify_line = justify_line
    line_break.Layout.set_text = set_text_spaced
    _installed = True
    return True
