"""Plain aligned tables for the terminal, written in one go.

rich's Table measures and wraps every cell: seconds for a thousand rows. These tables have
fixed column widths (cells cut with … to fit, CJK characters counted as two cells), rich
markup only for colour, and one `console.print` for the whole table.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from .sanitise import terminal

Cell = tuple[str, str]  # (text, rich style or "")


def fit(text: str, width: int, right: bool = False) -> str:
    """`text` padded or cut (with …) to `width` terminal cells."""
    from rich.cells import cell_len, set_cell_size

    if cell_len(text) > width:
        return set_cell_size(text, max(width - 1, 0)) + "…"
    return " " * (width - cell_len(text)) + text if right else set_cell_size(text, width)


def render(widths: Sequence[int], header: Sequence[str], rows: Iterable[Sequence[Cell]],
           right: Sequence[bool] = ()) -> str:
    """The table as rich markup: a bold header line, then a line per row. A column of width
    0 is left out."""
    from rich.markup import escape

    keep = [i for i, w in enumerate(widths) if w > 0]
    align = [i < len(right) and right[i] for i in range(len(widths))]

    last = keep[-1] if keep else -1

    def line(cells: Sequence[Cell]) -> str:
        parts = []
        for i in keep:
            text, style = cells[i]
            shown = fit(terminal(text), widths[i], align[i])  # content: no control codes
            # No padding after the last column: a line's trailing spaces wrap in a narrow
            # terminal and get in the way of copying.
            shown = escape(shown.rstrip(" ") if i == last and not align[i] else shown)
            parts.append(f"[{style}]{shown}[/]" if style else shown)
        return " ".join(parts)

    out = ["[bold]" + line([(h, "") for h in header]) + "[/]"]
    out += [line(cells) for cells in rows]
    return "\n".join(out)
