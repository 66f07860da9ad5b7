"""The shape of the code, checked as a maintainer would: imports go one way (no cycles, not
even through imports inside functions), no module grows past 600 lines, the core never
imports click, and no block of six or more lines is written twice in src/ (the same lines,
or the same shape with other names, strings and numbers)."""

from __future__ import annotations

import ast
import io
import re
import tokenize
from collections import defaultdict
from pathlib import Path

from conftest import REPO

SRC = REPO / "src"
PACKAGE = SRC / "publish"
MAX_LINES = 600
RUN = 6  # lines that make a repeated block


def modules() -> dict[str, Path]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = list(path.relative_to(SRC).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


def import_graph() -> dict[str, set[str]]:
    """Module -> the package's modules it imports, anywhere in it (functions included;
    TYPE_CHECKING blocks excluded: they never run)."""
    mods = modules()
    edges: dict[str, set[str]] = {name: set() for name in mods}
    for name, path in mods.items():
        tree = ast.parse(path.read_text("utf-8"))
        package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
        skip = {id(n) for node in ast.walk(tree) if isinstance(node, ast.If)
                and "TYPE_CHECKING" in ast.unparse(node.test) for n in ast.walk(node)}
        for node in ast.walk(tree):
            if id(node) in skip:
                continue
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = package[: len(package) - (node.level - 1)] if node.level else []
                module = ".".join(base + ([node.module] if node.module else [])) \
                    if node.level else (node.module or "")
                targets = [module] + [f"{module}.{alias.name}" for alias in node.names]
            for target in targets:
                while target and target not in mods:
                    target = target.rpartition(".")[0]
                if target and target != name and target.startswith("publish"):
                    edges[name].add(target)
    return edges


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan), leaving out a
    package's __init__ importing its own submodules."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in edges[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return [c for c in out if not all(m == c[0] or m.startswith(c[0] + ".") for m in c)]


def test_imports_go_one_way():
    edges = import_graph()
    assert len(edges) > 50  # the walk found the package
    assert cycles(edges) == []


def test_a_cycle_would_be_found():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()}) == [["a", "b", "c"]]


def test_no_module_over_600_lines():
    long = {str(p.relative_to(SRC)): n for p in PACKAGE.rglob("*.py")
            if (n := p.read_text("utf-8").count("\n")) > MAX_LINES}
    assert long == {}


def test_the_core_never_imports_click():
    edges_to_click = []
    for path in PACKAGE.rglob("*.py"):
        rel = path.relative_to(PACKAGE).as_posix()
        if rel == "cli.py" or rel.startswith("commands/"):
            continue
        if re.search(r"^\s*(import click|from click\b)", path.read_text("utf-8"), re.M):
            edges_to_click.append(rel)
    assert edges_to_click == []


# ---------------------------------------------------------------------------------------------
# Repeated blocks


_TRIVIAL = re.compile(r"^[\s()\[\]{}:,.]*$|^(else|try|finally|return|pass|break|continue)\b|^@")


def _lines(path: Path) -> list[tuple[int, str, str]]:
    """(line number, the line as written, its shape) of each line that counts: no blank
    lines, comments, imports, docstrings, lone punctuation, lines of data (literals only) or
    data-class fields and module constants (a run of `name: type` or of `NAME = re.compile(…)`
    is a declaration, not logic written twice)."""
    source = path.read_text("utf-8")
    shapes: dict[int, list[str]] = defaultdict(list)
    skipped: set[int] = set()  # docstrings, imports, data-class fields
    for node in ast.walk(ast.parse(source)):
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr) and isinstance(
                getattr(body[0], "value", None), ast.Constant) and isinstance(
                body[0].value.value, str):
            skipped.update(range(body[0].lineno, body[0].end_lineno + 1))
        if isinstance(node, ast.Import | ast.ImportFrom):
            skipped.update(range(node.lineno, node.end_lineno + 1))
        if isinstance(node, ast.ClassDef):
            for item in node.body:
                if isinstance(item, ast.AnnAssign):
                    skipped.update(range(item.lineno, item.end_lineno + 1))
        if isinstance(node, ast.Module):  # constants: `_WORD_RE = re.compile(…)` and the like
            for item in node.body:
                if isinstance(item, ast.Assign | ast.AnnAssign) and all(
                        isinstance(t, ast.Name) and t.id.lstrip("_").isupper()
                        for t in (item.targets if isinstance(item, ast.Assign)
                                  else [item.target])):
                    skipped.update(range(item.lineno, item.end_lineno + 1))
    for tok in tokenize.generate_tokens(io.StringIO(source).readline):
        if tok.type in (tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT,
                        tokenize.DEDENT, tokenize.ENDMARKER):
            continue
        shape = {tokenize.NAME: "n", tokenize.STRING: "s", tokenize.NUMBER: "0"}.get(
            tok.type, tok.string)
        if tok.type == tokenize.NAME and tok.string in _KEYWORDS:
            shape = tok.string
        shapes[tok.start[0]].append(shape)
    out = []
    for number, line in enumerate(source.split("\n"), 1):
        text = " ".join(line.split())
        shape = shapes.get(number, [])
        if (not text or text.startswith("#") or number in skipped or _TRIVIAL.match(text)
                or not any(t == "n" for t in shape)):  # data: literals and punctuation
            continue
        out.append((number, text, " ".join(shape)))
    return out


_THIN = 5  # tokens, less one: a line this short says little by its shape
_KEYWORDS = {"def", "class", "return", "if", "elif", "else", "for", "in", "while", "with",
             "as", "try", "except", "finally", "raise", "yield", "lambda", "not", "and", "or",
             "is", "None", "True", "False", "async", "await", "assert", "del", "global",
             "nonlocal", "pass", "break", "continue", "import", "from"}


def repeated_blocks(paths: list[Path], root: Path = SRC, run: int = RUN
                    ) -> list[tuple[str, str]]:
    """Places where `run` consecutive counting lines are the same (as written, or in shape)
    as `run` lines elsewhere: ("file:line", "file:line") pairs, the first place first."""
    seen: dict[tuple[str, ...], tuple[str, int]] = {}
    found = set()
    for path in paths:
        lines = _lines(path)
        rel = path.relative_to(root).as_posix()
        for kind in (1, 2):  # as written, then in shape
            for i in range(len(lines) - run + 1):
                window = lines[i:i + run]
                if kind == 2 and any(item[2].count(" ") < _THIN for item in window):
                    continue  # same-shape runs of thin lines (`def f(self):`) are boilerplate
                key = (str(kind), *(item[kind] for item in window))
                first = seen.setdefault(key, (rel, window[0][0]))
                if first[0] != rel or window[0][0] - first[1] >= run:
                    found.add((f"{first[0]}:{first[1]}", f"{rel}:{window[0][0]}"))
    return sorted(found)


def test_no_block_is_written_twice():
    assert repeated_blocks(sorted(PACKAGE.rglob("*.py"))) == []


def test_a_repeated_block_would_be_found(tmp_path: Path):
    body = "\n".join(f"    total = total + value_{i} * {i}" for i in range(7))
    a, b = tmp_path / "a.py", tmp_path / "b.py"
    a.write_text(f"def f(total):\n{body}\n    return total\n", "utf-8")
    b.write_text(f"def g(total):\n{body.replace('value', 'other')}\n    return total\n",
                 "utf-8")
    assert repeated_blocks([a, b], tmp_path)  # the same shape, other names
    assert not repeated_blocks([a], tmp_path)
    short = "\n".join(f"    x{i} = f(x{i})" for i in range(7))  # thin lines, but the same
    c, d = tmp_path / "c.py", tmp_path / "d.py"
    c.write_text(f"def h(f):\n{short}\n", "utf-8")
    d.write_text(f"def k(f):\n{short}\n", "utf-8")
    assert repeated_blocks([c, d], tmp_path)
