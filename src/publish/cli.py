"""The `publish` command group: error handling and registration. Verbs live in
`publish.commands`; each parses its options and calls one core function."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path
from typing import Any

import click

from . import commands, lifetime
from .errors import PublishError


def _fail(exc: PublishError) -> None:
    for problem in exc.problems:
        click.echo(f"publish: error: {problem}", err=True)
    sys.exit(2)


class _Group(click.Group):
    """Turns user errors into one line each and exit code 2, never a traceback; imports a
    verb's module only when that verb is run (or every one, for `publish --help`)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(commands.VERBS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in self.commands and name in commands.VERBS:
            module = importlib.import_module(f"{commands.__name__}.{commands.VERBS[name]}")
            for command in module.COMMANDS:
                self.add_command(command)
        return super().get_command(ctx, name)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except PublishError as exc:
            _fail(exc)
        except OSError as exc:  # a full disk, a file that cannot be written: one line
            from .outputs import error_line

            _fail(error_line(exc, doing=None))


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="publish", prog_name="publish")
@click.option("--root", type=click.Path(file_okay=False, path_type=Path),
              help="Project folder (holds publish.toml). Default: the nearest one above the "
                   "current directory.")
@click.pass_context
def cli(ctx: click.Context, root: Path | None) -> None:
    """Keep a reading list of AI papers in English and Chinese, and publish it.

    Papers live in content/en/ and content/zh/ (one Markdown file per paper and language,
    same id in both); reading lists in content/lists/.

    \b
    Start here:
      publish init my-list          create an empty project
      publish import FILE --list ID --lang en
      publish list                  what is in the collection
      publish show PAPER_ID         one paper, all languages
    """
    ctx.ensure_object(dict)
    ctx.obj["root"] = root




def main() -> None:
    """The console script: click's own handling, except that a usage mistake (an unknown
    option, a --lang that does not exist) is one line, as every other error is. A
    command that succeeds ends the process without tearing its heap down (`lifetime`)."""
    lifetime.ends_after_command()
    try:
        code = cli.main(prog_name="publish", standalone_mode=False)
    except click.UsageError as exc:
        where = exc.ctx.command_path if exc.ctx is not None else "publish"
        click.echo(f"publish: error: {exc.format_message()} (see `{where} --help`)", err=True)
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except click.Abort:
        click.echo("Aborted!", err=True)
        sys.exit(1)
    lifetime.end(code if isinstance(code, int) else 0)


if __name__ == "__main__":
    main()
