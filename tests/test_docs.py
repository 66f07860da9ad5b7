"""The documentation follows the code: docs/commands.md is generated from `--help`, every
command is in it, and the README names every command."""

from __future__ import annotations

import importlib.util
import re
from types import ModuleType

import click
from conftest import REPO

from publish.cli import cli

REGENERATE = ".venv/bin/python scripts/commands-doc.py"


def commands() -> list[str]:
    return cli.list_commands(click.Context(cli))


def commands_doc() -> ModuleType:
    spec = importlib.util.spec_from_file_location("commands_doc",
                                                  REPO / "scripts" / "commands-doc.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_command_reference_is_generated_from_help():
    committed = (REPO / "docs" / "commands.md").read_text("utf-8")
    assert committed == commands_doc().render(), (
        f"docs/commands.md is not what --help and docs/commands-notes.md make: run `{REGENERATE}`")


def test_every_command_is_documented_in_the_reference():
    reference = (REPO / "docs" / "commands.md").read_text("utf-8")
    notes = commands_doc().read_notes()
    for name in commands():
        assert re.search(rf"^## publish {name}$", reference, re.M), f"no section for {name}"
        assert notes.get(name, "").strip(), f"docs/commands-notes.md has no notes for {name}"


def test_notes_for_a_command_that_does_not_exist_are_refused():
    doc = commands_doc()
    try:
        doc.render({"no-such-verb": "text"})
    except SystemExit as exc:
        assert "no-such-verb" in str(exc)
    else:
        raise AssertionError("notes for an unknown command were accepted")


def test_help_paragraphs_marked_with_b_become_code_blocks():
    md = commands_doc().help_markdown("Do it.\n\n    \b\n    Example:\n      publish x --y\n")
    assert md == "Do it.\n\nExample:\n\n```text\npublish x --y\n```"


def test_readme_names_every_command():
    readme = (REPO / "README.md").read_text("utf-8")
    for name in commands():
        assert re.search(rf"\bpublish {name}\b", readme), f"README does not name {name}"
    assert "docs/commands.md" in readme
