"""The command line as a newcomer meets it: help, version, init, list, show."""

from __future__ import annotations

import json
from pathlib import Path

import click
from click.testing import CliRunner
from conftest import run

from publish import __version__
from publish.cli import cli


def commands() -> list[str]:
    return cli.list_commands(click.Context(cli))


def test_every_module_verb_is_registered_under_its_own_name():
    """publish.commands.VERBS (what start-up imports lazily) is exactly the modules' verbs."""
    import importlib
    import pkgutil

    from publish import commands as package

    found = {}
    for info in pkgutil.iter_modules(package.__path__):
        module = importlib.import_module(f"{package.__name__}.{info.name}")
        for command in getattr(module, "COMMANDS", []):
            found[command.name] = info.name
    assert found == package.VERBS
    assert len(found) >= 13


def test_version_and_help():
    result = CliRunner().invoke(cli, ["--version"])
    assert result.exit_code == 0 and __version__ in result.output
    result = CliRunner().invoke(cli, ["--help"])
    assert result.exit_code == 0
    for name in commands():
        assert name in result.output


def test_every_command_has_help_with_an_example():
    for name in commands():
        result = CliRunner().invoke(cli, [name, "--help"])
        assert result.exit_code == 0, name
        assert "Example" in result.output, f"`publish {name} --help` shows no example"


def test_init_makes_a_valid_empty_project(tmp_path: Path):
    root = tmp_path / "new"
    result = CliRunner().invoke(cli, ["init", str(root)])
    assert result.exit_code == 0
    assert (root / "publish.toml").is_file()
    listed = run(root, "list", "--format", "json")
    assert listed.exit_code == 0 and json.loads(listed.output) == []
    again = CliRunner().invoke(cli, ["init", str(root)])
    assert again.exit_code == 2 and "already exists" in again.output


def test_root_is_found_by_walking_up(seeded: Path, monkeypatch):
    monkeypatch.chdir(seeded / "content" / "zh")
    result = CliRunner().invoke(cli, ["list", "--lang", "zh", "--format", "json"])
    assert result.exit_code == 0
    rows = json.loads(result.output)
    assert 20 <= len(rows) <= 30
    monkeypatch.chdir(seeded.parent)
    result = CliRunner().invoke(cli, ["list"])
    assert result.exit_code == 2 and "publish init" in result.output


def test_list_of_a_reading_list_in_its_order(seeded: Path):
    result = run(seeded, "list", "--list", "best-ai-2015-now", "--format", "json")
    rows = json.loads(result.output)
    assert [r["rank"] for r in rows[:3]] == [1, 2, 3]
    assert rows[0]["title"] == ("An Image is Worth 16x16 Words: Transformers for Image "
                                "Recognition at Scale")
    assert rows[0]["languages"] == {"en": "original", "zh": "missing"}
    table = run(seeded, "list", "--list", "llm-top10-2023-zh")
    assert table.exit_code == 0
    assert "10 papers in llm-top10-2023-zh" in table.output


def test_show_one_paper_in_both_languages(seeded: Path):
    pid = "llama-2-open-foundation-and-fine-tuned-chat-models"
    record = json.loads(run(seeded, "show", pid, "--format", "json").output)
    assert record["arxiv"] == "2307.09288"
    assert record["url"] == "https://arxiv.org/abs/2307.09288"
    assert {e["list"] for e in record["lists"]} >= {"best-ai-2015-now", "llm-top10-2023-zh"}
    zh = record["texts"]["zh"]["blocks"]
    assert zh[0]["origin"] == "zh" and zh[0]["translation_of"] is None
    text = run(seeded, "show", pid).output
    assert "Llama 2: Open Foundation and Fine-Tuned Chat Models" in text
    assert "本篇论文" in text


def test_a_usage_mistake_is_one_line_from_the_console_script(tmp_path: Path):
    import subprocess
    import sys

    root = tmp_path / "p"
    assert run(tmp_path, "init", str(root)).exit_code == 0
    for args, says in ((["status", "--lang", "fr"], "Invalid value for '--lang'"),
                       (["list", "--bogus"], "No such option '--bogus'"),
                       (["nosuchverb"], "No such command 'nosuchverb'")):
        done = subprocess.run([sys.executable, "-m", "publish.cli", "--root", str(root), *args],
                              capture_output=True, text=True)
        assert done.returncode == 2, done
        lines = done.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("publish: error: ") and says in lines[0]
        assert "--help`)" in lines[0] and not done.stdout


def test_show_says_where_the_text_is_when_a_language_has_none(seeded: Path):
    shown = run(seeded, "show", "mistral-7b", "--lang", "en")
    assert shown.exit_code == 0
    flat = " ".join(shown.output.split())
    assert "the text is in zh" in flat and "publish translate --to en --paper mistral-7b" in flat
    bare = run(seeded, "show", "a-b-testing-intuition-busters")
    assert "metadata only: no text yet" in bare.output


def test_list_keeps_ids_whole_and_states_visible_in_a_narrow_terminal(seeded: Path,
                                                                      monkeypatch):
    monkeypatch.setenv("COLUMNS", "120")
    table = run(seeded, "list", "--list", "field-25").output
    assert "llama-open-and-efficient-foundation-language-models " in table
    monkeypatch.setenv("COLUMNS", "80")
    table = run(seeded, "list", "--list", "field-25").output
    assert "original" in table and "missing" in table  # states never cut to "o…"
