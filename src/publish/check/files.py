"""Project files the checks read: content/glossary.yaml and content/check.yaml."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..config import Config
from ..errors import Problems, PublishError
from .findings import ALL_CHECKS, INFO, WARNING


@dataclass(frozen=True)
class Term:
    """A glossary entry. `forms[lang]`: accepted spellings, the preferred one first."""

    forms: dict[str, tuple[str, ...]]
    keep: bool = False  # written the same in every language, matched case-sensitively
    avoid: dict[str, tuple[str, ...]] = field(default_factory=dict)
    line: int = 0


@dataclass(frozen=True)
class CheckSettings:
    """content/check.yaml. `zh_punctuation`: the house style for , : ; ? ! ( ) in Chinese
    text — `any` (default: either width, but one per block), `fullwidth`, `ascii`.
    `originals`: severity of style findings in text written in Chinese (`off` skips it)."""

    zh_punctuation: str = "any"
    originals: str = INFO
    disable: frozenset[str] = frozenset()


def _nodes(text: str, path: Path) -> Any:
    """YAML nodes, which know their lines; every scalar stays text (`no` is the word no)."""
    import yaml

    try:
        return yaml.compose(text, Loader=yaml.BaseLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise PublishError(f"broken YAML: {exc.problem or exc}", path,
                           mark.line + 1 if mark else 1) from None
    except yaml.YAMLError as exc:
        raise PublishError(f"broken YAML: {exc}", path, 1) from None


def _line(node: Any) -> int:
    return node.start_mark.line + 1


def _strings(node: Any) -> list[str] | None:
    """A scalar or a list of scalars, as non-empty strings; None when it is neither."""
    import yaml

    items = node.value if isinstance(node, yaml.SequenceNode) else [node]
    if not items or not all(isinstance(n, yaml.ScalarNode) for n in items):
        return None
    values = [n.value.strip() for n in items]
    return values if all(values) else None


def parse_glossary(text: str, path: Path, languages: Sequence[str]) -> list[Term]:
    """Read a glossary; every problem is reported with its line before refusing it."""
    import yaml

    root = _nodes(text, path) if text.strip() else None
    if root is None:
        return []
    problems = Problems()
    if not isinstance(root, yaml.MappingNode):
        raise PublishError("a glossary is a mapping with `keep:` and `translate:` lists", path, 1)
    terms: list[Term] = []
    seen: dict[str, int] = {}

    def claim(form: str, line: int) -> None:
        key = form.casefold()
        if key in seen:
            problems.add(f"term {form!r} is already in the glossary (line {seen[key]})", path,
                         line)
        seen[key] = line

    for key_node, value in root.value:
        key = key_node.value
        if key not in ("keep", "translate"):
            problems.add(f"unknown key {key!r} (known: keep, translate)", path, _line(key_node))
        elif not isinstance(value, yaml.SequenceNode):
            problems.add(f"'{key}' must be a list", path, _line(value))
        elif key == "keep":
            for item in value.value:
                forms = _strings(item)
                if forms is None or len(forms) != 1 or isinstance(item, yaml.SequenceNode):
                    problems.add("each 'keep' item is one term, e.g. `- LoRA`", path, _line(item))
                    continue
                claim(forms[0], _line(item))
                terms.append(Term({lang: (forms[0],) for lang in languages}, keep=True,
                                  line=_line(item)))
        else:
            for item in value.value:
                term = _glossary_entry(item, path, languages, problems)
                if term is not None:
                    for lang in languages:
                        claim(term.forms[lang][0], term.line)
                    terms.append(term)
    problems.raise_if_any()
    return terms


def _glossary_entry(item: Any, path: Path, languages: Sequence[str],
                    problems: Problems) -> Term | None:
    import yaml

    example = "e.g. `- {en: fine-tuning, zh: 微调}`"
    if not isinstance(item, yaml.MappingNode):
        problems.add(f"each 'translate' item maps every language to its term, {example}", path,
                     _line(item))
        return None
    forms: dict[str, tuple[str, ...]] = {}
    avoid: dict[str, tuple[str, ...]] = {}
    for key_node, value in item.value:
        key, line = key_node.value, _line(key_node)
        if key == "avoid":
            if not isinstance(value, yaml.MappingNode):
                problems.add("'avoid' maps a language to renderings to refuse, e.g. "
                             "`avoid: {zh: [精调]}`", path, line)
                continue
            for lang_node, words in value.value:
                got = _strings(words)
                if lang_node.value not in languages or got is None:
                    problems.add(f"'avoid' needs a language of the project "
                                 f"({', '.join(languages)}) and words", path, _line(lang_node))
                else:
                    avoid[lang_node.value] = tuple(got)
        elif key not in languages:
            problems.add(f"{key!r} is not a language of the project ({', '.join(languages)}) "
                         "nor 'avoid'", path, line)
        else:
            got = _strings(value)
            if got is None:
                problems.add(f"'{key}' must be a term or a list of spellings (preferred "
                             "first)", path, line)
            else:
                forms[key] = tuple(got)
    missing = [lang for lang in languages if lang not in forms]
    if missing:
        problems.add(f"entry has no term in {', '.join(missing)}, {example}", path, _line(item))
        return None
    return Term(forms, avoid=avoid, line=_line(item))


def parse_options(text: str, path: Path) -> CheckSettings:
    import yaml

    root = _nodes(text, path) if text.strip() else None
    if root is None:
        return CheckSettings()
    if not isinstance(root, yaml.MappingNode):
        raise PublishError("content/check.yaml is a mapping of options", path, 1)
    problems = Problems()
    values: dict[str, Any] = {}
    choices = {"zh_punctuation": ("any", "fullwidth", "ascii"),
               "originals": (INFO, WARNING, "off")}
    for key_node, value in root.value:
        key, line = key_node.value, _line(key_node)
        if key in choices:
            if not isinstance(value, yaml.ScalarNode) or value.value not in choices[key]:
                problems.add(f"'{key}' must be one of {', '.join(choices[key])}", path, line)
            else:
                values[key] = value.value
        elif key == "disable":
            names = _strings(value) if isinstance(value, yaml.SequenceNode) else None
            unknown = [n for n in names or [] if n not in ALL_CHECKS]
            if names is None or unknown:
                problems.add(f"'disable' must list check names ({', '.join(ALL_CHECKS)})"
                             + (f"; unknown: {', '.join(unknown)}" if unknown else ""),
                             path, line)
            else:
                values["disable"] = frozenset(names)
        else:
            problems.add(f"unknown option {key!r} (known: disable, originals, zh_punctuation)",
                         path, line)
    problems.raise_if_any()
    return CheckSettings(**values)


def load_project_files(config: Config) -> tuple[list[Term], CheckSettings]:
    from ..content.textfile import read_text

    glossary, options = config.content_dir / "glossary.yaml", config.content_dir / "check.yaml"
    terms = (parse_glossary(read_text(glossary), glossary, config.languages)
             if glossary.is_file() else [])
    opts = parse_options(read_text(options), options) if options.is_file() else CheckSettings()
    return terms, opts
