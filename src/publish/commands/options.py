"""Options shared by the commands, so every verb speaks one vocabulary."""

from __future__ import annotations

from collections.abc import Callable

import click

from ..languages import choices

FORMAT_TABLE_JSON = click.Choice(["table", "json"])


def project_config(ctx: click.Context):  # -> publish.config.Config
    """The validated publish.toml of the project this command runs in."""
    from ..config import load_config

    return load_config(ctx.find_root().obj.get("root"))


def lang_option(help_text: str = "Only this language.", derived: bool = False,
                editions: tuple[str, ...] = (), **kw) -> Callable:
    """--lang: the stored languages; with `derived`, zh-Hant too (Traditional Chinese made
    from zh with OpenCC); then the `editions` the command makes (bilingual, all). Every
    choice comes from publish.languages."""
    if kw.get("default") is not None:
        kw.setdefault("show_default", True)
    return click.option("--lang", "lang", help=help_text,
                        type=click.Choice(choices(derived=derived, editions=editions)), **kw)


def list_option(help_text: str = "Only the papers of this reading list (its id).") -> Callable:
    return click.option("--list", "list_id", metavar="LIST_ID", help=help_text)


def format_option(choices: click.Choice = FORMAT_TABLE_JSON) -> Callable:
    return click.option("--format", "fmt", type=choices, default="table", show_default=True,
                        help="table for people, json for scripts.")


def wait_option() -> Callable:
    """--wait: how long a command that writes content/ waits for another one to finish."""
    from ..content.write import DEFAULT_WAIT

    return click.option("--wait", "wait", type=click.FloatRange(min=0), default=DEFAULT_WAIT,
                        show_default=True, metavar="SECONDS",
                        help="One command writes to a project at a time: wait this long for "
                             "another one to finish, then stop with nothing written.")
