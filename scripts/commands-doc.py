"""Write docs/commands.md, the command reference, from `publish --help` and its notes.

Every command of the `publish` group gets its usage line, its help text (click's `\\b`
paragraphs as code blocks) and a table of its options, all read from the click objects, then
the hand-written notes kept under its name in docs/commands-notes.md. A test
(tests/test_docs.py) checks that the committed file is what this script writes.

    .venv/bin/python scripts/commands-doc.py           write docs/commands.md
    .venv/bin/python scripts/commands-doc.py --check   exit 1 if it is not up to date
"""

from __future__ import annotations

import inspect
import re
import sys
import textwrap
from pathlib import Path

import click

from publish.cli import cli

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "docs" / "commands.md"
NOTES = REPO / "docs" / "commands-notes.md"
REGENERATE = ".venv/bin/python scripts/commands-doc.py"
GROUP_KEY = "publish"  # the notes heading for the whole command line
WIDTH = 100


# ---------------------------------------------------------------------------------------------
# notes


def read_notes(path: Path = NOTES) -> dict[str, str]:
    """The notes file's sections by key: the text under each `## KEY` heading. Text before the
    first heading describes the file itself and is not copied."""
    notes: dict[str, str] = {}
    key: str | None = None
    lines: list[str] = []
    for line in [*path.read_text("utf-8").splitlines(), "## "]:
        m = re.fullmatch(r"## (\S*)\s*", line)
        if not m:
            lines.append(line)
            continue
        if key is not None:
            if key in notes:
                raise SystemExit(f"{path}: `## {key}` appears twice")
            notes[key] = "\n".join(lines).strip("\n")
        key, lines = m.group(1), []
    return notes


# ---------------------------------------------------------------------------------------------
# text


def _escape(text: str) -> str:
    """Help prose as Markdown text: no HTML tags."""
    return text.replace("<", "&lt;")


def _cell(text: str) -> str:
    return _escape(" ".join(text.split())).replace("|", "\\|")


def _prose(paragraph: str) -> str:
    """One help paragraph, rewrapped; kept on one line where wrapping would start a line with
    something Markdown reads as structure."""
    text = " ".join(paragraph.split())
    wrapped = textwrap.fill(text, WIDTH, break_long_words=False, break_on_hyphens=False)
    if any(re.match(r"([-+*#>=]|\d+[.)])(\s|$)", line) for line in wrapped.splitlines()[1:]):
        return _escape(text)
    return _escape(wrapped)


def help_markdown(help_text: str) -> str:
    """click's help text as Markdown. A paragraph after a `\\b` line is kept as it is: a
    label line (`Examples:`) stays text, the lines under it become a code block."""
    text = inspect.cleandoc(help_text).split("\f", 1)[0]
    out = []
    for paragraph in re.split(r"\n\s*\n", text):
        lines = paragraph.splitlines()
        if lines and lines[0].strip() == "\b":
            lines = lines[1:]
            if lines and not lines[0].startswith(" ") and lines[0].rstrip().endswith(":"):
                out.append(lines[0].strip())
                lines = lines[1:]
            if lines:
                out.append("```text\n" + textwrap.dedent("\n".join(lines)).rstrip() + "\n```")
        elif paragraph.strip():
            out.append(_prose(paragraph))
    return "\n\n".join(out)


# ---------------------------------------------------------------------------------------------
# parameters


def _range(kind: click.types._NumberRangeBase) -> str:
    lo, hi = kind.min, kind.max
    parts = []
    if lo is not None:
        parts.append(f"{'>' if kind.min_open else '≥'} {lo:g}")
    if hi is not None:
        parts.append(f"{'<' if kind.max_open else '≤'} {hi:g}")
    return ", ".join(parts)


def _kind(param: click.Parameter) -> str:
    """What the value is: its choices, `flag`, its metavar, or its type."""
    kind = param.type
    if isinstance(param, click.Option) and param.is_flag:
        return "flag"
    if isinstance(kind, click.Choice):
        return ", ".join(f"`{c}`" for c in kind.choices)
    if isinstance(kind, click.DateTime):
        name = "YYYY-MM-DD" if list(kind.formats) == ["%Y-%m-%d"] else "/".join(kind.formats)
    elif param.metavar:
        name = param.metavar
    elif isinstance(kind, click.Path):
        name = "folder" if not kind.file_okay else "file" if not kind.dir_okay else "path"
    else:
        name = {"integer": "integer", "float": "number", "text": "text",
                "boolean": "yes/no"}.get(kind.name, kind.name)
        if isinstance(kind, click.types._NumberRangeBase):
            name = {"integer range": "integer", "float range": "number"}.get(kind.name,
                                                                            kind.name)
    if isinstance(kind, click.types._NumberRangeBase):
        name += f" ({_range(kind)})"
    return f"`{name}`" if not name.startswith("`") else name


def _default(param: click.Parameter, ctx: click.Context) -> str:
    if param.required:
        return "required"
    if isinstance(param, click.Option) and isinstance(param.show_default, str):
        return param.show_default
    value = param.get_default(ctx, call=False)
    if callable(value):
        return "(computed)"
    if value is None or value is False or value == () or repr(value).startswith("Sentinel."):
        return ""
    if isinstance(param, click.Option) and param.is_flag:
        return f"`{param.opts[0] if value else param.secondary_opts[0]}`"
    return f"`{value}`"


def _names(param: click.Parameter, ctx: click.Context) -> str:
    if isinstance(param, click.Argument):
        return f"`{param.make_metavar(ctx)}` (argument)"
    names = [*param.opts, *param.secondary_opts]
    return ", ".join(f"`{n}`" for n in names)


def options_table(command: click.Command, ctx: click.Context) -> str:
    rows = ["| option | value | default | what it does |", "|---|---|---|---|"]
    help_option = command.get_help_option(ctx)
    for param in command.get_params(ctx):
        if param is help_option or getattr(param, "hidden", False):
            continue
        text = getattr(param, "help", None) or ""
        if getattr(param, "multiple", False) and "repeatable" not in text:
            text = f"{text} (repeatable)".strip()
        cells = [_names(param, ctx), _cell(_kind(param)), _cell(_default(param, ctx)),
                 _cell(text)]
        rows.append(f"| {' | '.join(cells)} |")
    return "\n".join(rows) if len(rows) > 2 else ""


# ---------------------------------------------------------------------------------------------
# the page


def _usage(command: click.Command, ctx: click.Context) -> str:
    return " ".join([ctx.command_path, *command.collect_usage_pieces(ctx)])


def _section(command: click.Command, ctx: click.Context, note: str | None) -> str:
    parts = [f"## {ctx.command_path}", f"```text\n{_usage(command, ctx)}\n```",
             help_markdown(command.help or "")]
    table = options_table(command, ctx)
    if table:
        parts += ["### Options", table]
    if note:
        parts += ["### Notes", note]
    return "\n\n".join(parts)


def render(notes: dict[str, str] | None = None) -> str:
    """docs/commands.md as it should be: the group, then every command in name order."""
    notes = read_notes() if notes is None else dict(notes)
    root = click.Context(cli, info_name="publish")
    names = cli.list_commands(root)
    unknown = set(notes) - {GROUP_KEY, *names}
    if unknown:
        raise SystemExit(f"{NOTES.relative_to(REPO)}: notes for no command: "
                         f"{', '.join(sorted(unknown))}")
    contents = []
    sections = [_section(cli, root, notes.get(GROUP_KEY))]
    for name in names:
        command = cli.get_command(root, name)
        assert command is not None, name
        ctx = click.Context(command, info_name=name, parent=root)
        contents.append(f"- [`publish {name}`](#publish-{name}) — "
                        f"{_escape(command.get_short_help_str(limit=300))}")
        sections.append(_section(command, ctx, notes.get(name)))
    head = ("# Command reference\n\n"
            "<!-- Generated by scripts/commands-doc.py from `publish --help` and "
            "docs/commands-notes.md: edit those, then run "
            f"`{REGENERATE}`. -->\n\n"
            "Every command also takes `-h`/`--help`, which prints what its section here "
            "shows.\n\n" + "\n".join(contents))
    return head + "\n\n" + "\n\n".join(sections) + "\n"


def main(argv: list[str]) -> int:
    text = render()
    if argv[1:] == ["--check"]:
        if OUT.read_text("utf-8") != text:
            print(f"{OUT.relative_to(REPO)} is out of date: run `{REGENERATE}`",
                  file=sys.stderr)
            return 1
        return 0
    if argv[1:]:
        print(__doc__, file=sys.stderr)
        return 2
    OUT.write_text(text, "utf-8")
    print(f"wrote {OUT.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
