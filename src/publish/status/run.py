"""`publish status`: the view in the format asked for, printed or written to a file, and the
exit code (`--fail-under`)."""

from __future__ import annotations

import io
import sys
from collections.abc import Sequence
from pathlib import Path

from ..config import Config
from ..outputs import check_output, write_output
from .formats import json_chunks, print_table, render_csv, render_json, render_markdown
from .html import render_html
from .view import StatusView, below, status_view


def render(view: StatusView, fmt: str) -> str:
    if fmt == "json":
        return render_json(view)
    if fmt == "csv":
        return render_csv(view)
    if fmt == "markdown":
        return render_markdown(view)
    if fmt == "html":
        return render_html(view)
    buf = io.StringIO()
    print_table(view, buf)
    return buf.getvalue()


def write_atomic(path: Path, text: str) -> None:
    write_output(path, text.encode("utf-8"))


def run_status(config: Config, *, lang: str | None = None, list_id: str | None = None,
               states: Sequence[str] = (), fmt: str = "table", details: bool = False,
               fail_under: float | None = None, out: Path | None = None,
               use_cache: bool = True) -> int:
    """`publish status`: print (or write to `out`) the report; the exit code."""
    if out is not None:
        out = check_output(config.root, out)
    view = status_view(config, lang=lang, list_id=list_id, states=states, details=details,
                       use_cache=use_cache)
    for warning in view.warnings:
        print(f"publish: warning: {warning}", file=sys.stderr)
    if fmt != "table":
        for o in view.orphans:
            if not o.superseded:
                print(f"publish: warning: {view.path(o.lang, o.paper)}:{o.line}: orphan "
                      f"translation: {o.reason}", file=sys.stderr)
    if fmt in ("json", "csv"):  # their shape is fixed: what a derived language is goes aside
        for note in view.notes:
            print(f"publish: note: {note}", file=sys.stderr)
    if fmt == "html" and out is None:
        out = config.build_dir / "status.html"
    if out is not None:
        write_atomic(out, render(view, fmt))
        print(out)
    elif fmt == "table":
        print_table(view)
    elif fmt == "json":
        sys.stdout.flush()
        out_bytes = getattr(sys.stdout, "buffer", None)
        for chunk in json_chunks(view):  # 20 MB at 100,000 papers: no copies
            if out_bytes is not None:
                out_bytes.write(chunk)
            else:
                sys.stdout.write(chunk.decode("utf-8"))
        if out_bytes is not None:
            out_bytes.flush()
    else:
        sys.stdout.write(render(view, fmt))
    failing = below(view, fail_under) if fail_under is not None else []
    for line in failing:
        print(f"publish: {line}", file=sys.stderr)
    return 1 if failing else 0
