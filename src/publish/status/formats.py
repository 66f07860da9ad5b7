"""`publish status` as text: JSON and CSV for scripts, Markdown for notes, and the terminal
summary. The HTML page is in `status.html`."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from typing import IO, Any

from ..blocks import TITLE
from ..languages import source_of
from ..sanitise import csv_cell
from .records import ENCODE, json_line
from .states import STATES, STYLE, Summary
from .view import BlockRow, StatusView

FORMATS = ("table", "json", "csv", "markdown", "html")


WORST_SHOWN = 25  # papers in the terminal summary; the other formats list them all


def render_json(view: StatusView) -> str:
    return b"".join(json_chunks(view)).decode("utf-8")


def json_chunks(view: StatusView) -> Iterator[bytes]:
    """{"summary", "lists", "papers"}, UTF-8, one paper per line: 100,000 of them stay quick
    to write (the cached report's lines go out as they are) and easy to grep."""
    head = {"summary": {lang: s.as_dict() for lang, s in view.summary.items()},
            "lists": {lid: {lang: s.as_dict() for lang, s in sums.items()}
                      for lid, sums in view.lists.items()}}
    yield json.dumps(head, ensure_ascii=False, indent=2)[:-2].encode("utf-8")
    if view.detailed:
        dump = json.JSONEncoder(ensure_ascii=False).encode
        lines = []
        for p in view.rows():
            item: dict[str, Any] = {"id": p.id, "title": p.title, "lists": p.lists,
                                    "states": p.states}
            item["blocks"] = [{"lang": b.lang, "line": b.line, "state": b.state,
                               "machine": b.machine, "source_lang": b.source_lang,
                               "source_line": b.source_line, "kind": b.kind, "text": b.text}
                              for b in p.blocks]
            item["orphans"] = [{"lang": o.lang, "line": o.line, "reason": o.reason,
                                "superseded": o.superseded, "text": o.text}
                               for o in view.orphans if o.paper == p.id]
            lines.append("    " + dump(item))
        joined = ",\n".join(lines).encode("utf-8")
    elif view.joined is not None:
        joined = view.joined
    else:
        keys = [(ENCODE(lang), i) for lang, i in view.columns]
        joined = ",\n".join([json_line(pid, view.records[pid], keys)
                             for pid in view.order]).encode("utf-8")
    if joined:
        yield b',\n  "papers": [\n'
        yield joined
        yield b"\n  ]\n}\n"
    else:
        yield b',\n  "papers": []\n}\n'


class _Cells:
    """A csv writer whose text cells are never spreadsheet formulas (sanitise.csv_cell)."""

    def __init__(self, buf: io.StringIO) -> None:
        self._out = csv.writer(buf, lineterminator="\n")

    def writerow(self, row: list[Any]) -> None:
        self._out.writerow([csv_cell(cell) for cell in row])


def render_csv(view: StatusView) -> str:
    buf = io.StringIO()
    out = _Cells(buf)
    if view.detailed:
        out.writerow(["paper", "lang", "line", "state", "machine", "source_lang", "source_line",
                      "text", "note"])
        for p in view.rows():
            for b in p.blocks:
                out.writerow([b.paper, b.lang, b.line or "", b.state, int(b.machine),
                              b.source_lang, b.source_line, b.text,
                              "title" if b.kind == TITLE else ""])
        for o in view.orphans:
            out.writerow([o.paper, o.lang, o.line, "superseded" if o.superseded else "orphan",
                          "", "", "", o.text, o.reason])
        return buf.getvalue()
    out.writerow(["id", "title", "lists", *(f"state_{lang}" for lang in view.languages),
                  *(f"work_{lang}" for lang in view.languages)])
    for p in view.rows():
        out.writerow([p.id, p.title, " ".join(p.lists), *p.states.values(), *p.work.values()])
    return buf.getvalue()


def _flag(b: BlockRow) -> str:
    return " (machine)" if b.machine and b.state == "outdated" else ""


def summary_cells(s: Summary) -> list[str]:
    return [str(s.papers), *(str(s.states[state]) for state in STATES), f"{s.coverage:.1f}%"]


def work_text(view: StatusView, lang: str, n: int) -> str:
    return f"{n:,} {view.unit(lang)}"


def _md(text: object) -> str:
    return re.sub(r"([\\|*_`\[\]<>])", r"\\\1", " ".join(str(text).split()))


def render_markdown(view: StatusView) -> str:
    head = ["papers", *STATES, "coverage", "work left"]
    out = ["# Translation status", ""]
    if view.list_id:
        out += [f"Reading list `{view.list_id}`.", ""]
    for note in view.notes:
        out += [_md(note), ""]
    out += ["## By language", "", "| language | " + " | ".join(head) + " |",
            "|---" * (len(head) + 1) + "|"]
    for lang, s in view.summary.items():
        out.append(f"| {lang} | " + " | ".join(
            [*summary_cells(s), work_text(view, lang, s.words_to_translate)]) + " |")
    if view.lists:
        out += ["", "## By reading list", "", "| list | language | " + " | ".join(head) + " |",
                "|---" * (len(head) + 2) + "|"]
        for lid, sums in view.lists.items():
            for lang, s in sums.items():
                out.append(f"| {_md(lid)} | {lang} | " + " | ".join(
                    [*summary_cells(s), work_text(view, lang, s.words_to_translate)]) + " |")
    if view.detailed:
        out += ["", "## Blocks", "", "| paper | lang | line | state | source | text |",
                "|---|---|---|---|---|---|"]
        for p in view.rows():
            for b in p.blocks:
                state = b.state + _flag(b)
                out.append(f"| {_md(b.paper)} | {b.lang} | {b.line or '—'} | {state} | "
                           f"{b.source_lang}:{b.source_line} | {_md(b.shown)} |")
    else:
        langs = view.languages
        out += ["", "## Papers, worst first", "",
                "| paper | title | " + " | ".join(langs) + " | " +
                " | ".join(f"work {lang}" for lang in langs) + " |",
                "|---" * (2 + 2 * len(langs)) + "|"]
        for p in view.rows():
            out.append(f"| {_md(p.id)} | {_md(p.title)} | " + " | ".join(p.states.values())
                       + " | " + " | ".join(str(n) for n in p.work.values()) + " |")
    out += _orphan_lines(view, markdown=True)
    return "\n".join(out) + "\n"


def _orphan_lines(view: StatusView, markdown: bool = False) -> list[str]:
    lost = [o for o in view.orphans if not o.superseded]
    if not lost:
        return []
    out = ["", "## Orphan translations" if markdown else
           f"{len(lost)} orphan translation(s): their source block cannot be found"]
    if markdown:
        out.append("")
    for o in lost:
        where = f"{view.path(o.lang, o.paper)}:{o.line}"
        out.append(f"- `{where}`: {_md(o.reason)}" if markdown else f"  {where}: {o.reason}")
    return out


def print_table(view: StatusView, file: IO[str] | None = None) -> None:
    """The terminal summary: states by language, by list, then the worst papers (or every
    block with --details). Narrow enough for 80 columns."""
    from rich import box
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    console = Console(file=file, soft_wrap=False, highlight=False)

    def state(name: str) -> str:
        return f"[{STYLE[name]}]{name}[/]"

    scope = f" of {view.list_id}" if view.list_id else ""
    # The title on its own line: as the table's title it wraps to the table's width.
    console.print(f"[bold]{escape(f'Translation status{scope}: {view.selected} papers')}[/]",
                  soft_wrap=True)
    t = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
    t.add_column("")
    for lang in view.languages:
        t.add_column(lang, justify="right")
    sums = list(view.summary.values())
    for name in STATES:
        t.add_row(state(name), *(f"{s.states[name]:,}" for s in sums))
    t.add_row("coverage", *(f"{s.coverage:.1f}%" for s in sums))
    t.add_row("work left", *(work_text(view, lang, s.words_to_translate)
                             for lang, s in view.summary.items()))
    console.print(t)
    if view.lists:
        from ..termtable import render

        console.print("\n[bold]By reading list[/]")
        head = ["list", "lang", "papers", *STATES[:3], "coverage", "left"]
        rows = [[lid if i == 0 else "", lang, f"{s.papers:,}",
                 *(f"{s.states[name]:,}" for name in STATES[:3]),
                 f"{s.coverage:.1f}%", f"{s.words_to_translate:,}"]
                for lid, by_lang in view.lists.items()
                for i, (lang, s) in enumerate(by_lang.items())]
        # Fixed widths, in one write: ids whole and numbers never cut; a terminal narrower
        # than the table wraps its lines rather than the table hiding a column.
        widths = [max(len(h), *(len(r[k]) for r in rows)) for k, h in enumerate(head)]
        console.print(render(widths, head, ([(c, "") for c in r] for r in rows),
                             right=[False, False] + [True] * (len(head) - 2)), soft_wrap=True)
        console.print("left: " + ", ".join(f"{view.unit(lang)} into {lang}"
                                           for lang in view.languages))
    if view.detailed:
        from ..termtable import render

        where = source_of(view.languages[0]) if len(view.languages) == 1 else "<lang>"
        # One write, fixed widths: thousands of rows through rich's Table took seconds.
        blocks = [b for p in view.rows() for b in p.blocks]
        paper_w = max([len(b.paper) for b in blocks] + [5])
        fixed = paper_w + 8 + 6 + 15 + 9
        text_w = max(20, console.width - fixed - 1)
        body = ([(b.paper, ""), (b.lang, ""), (str(b.line or "—"), ""),
                 (b.state + _flag(b), STYLE[b.state]),
                 (f"{b.source_lang}:{b.source_line}", ""), (b.shown.replace("\n", " "), "")]
                for b in blocks)
        console.print(f"\n[bold]Blocks (line: in content/{where}/<paper>.md)[/]")
        console.print(render([paper_w, 7, 5, 14, 8, text_w],
                             ["paper", "lang", "line", "state", "source", "text"], body,
                             right=[False, False, True]), soft_wrap=True)
    elif view.order:
        from ..termtable import render

        shown = list(view.rows(WORST_SHOWN))
        filtered = f" ({', '.join(view.states)})" if view.states else ""
        console.print(f"\n[bold]Worst first{filtered}: {len(shown)} of {len(view.order)} "
                      "papers[/]")
        # The id last and whole (a folded id cannot be copied): a long one runs past the
        # edge and the terminal wraps it.
        langs = view.languages
        rows = ([*((st, STYLE[st]) for st in p.states.values()),
                 *((f"{n:,}", "") for n in p.work.values()), (p.id, "")] for p in shown)
        widths = ([max(9, len(lang)) for lang in langs] +
                  [max(8, len(f"left {lang}")) for lang in langs] +
                  [max(len(p.id) for p in shown)])
        console.print(render(widths, [*langs, *(f"left {lang}" for lang in langs), "paper"],
                             rows, right=[False] * len(langs) + [True] * len(langs)),
                      soft_wrap=True)
        if len(view.order) > len(shown):
            console.print(f"… and {len(view.order) - len(shown):,} more: --format csv, json, "
                          "markdown or html lists them all; --details shows every block.")
    # A wrapped path cannot be copied or clicked: file:line notes keep their own line.
    for line in _orphan_lines(view):
        console.print(line, markup=False, soft_wrap=True)
    for note in view.notes:
        console.print(note, markup=False, soft_wrap=True)
    kept = sum(o.superseded for o in view.orphans)
    if kept:
        console.print(f"{kept} superseded translation(s) kept beside their newer version "
                      "(--details lists them).")
