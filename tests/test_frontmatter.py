"""The fast front-matter path reads exactly what PyYAML reads, or steps aside."""

from __future__ import annotations

import yaml
from conftest import REPO

from publish.content.files import split_front_matter
from publish.content.frontmatter import load_events, parse, parse_records


def base(text: str):
    return yaml.load(text, Loader=yaml.CBaseLoader)


def test_every_committed_file_reads_the_same_both_ways():
    fast = 0
    files = sorted((REPO / "content").glob("*/*.md"))
    for path in files:
        front = split_front_matter(path.read_text("utf-8"))[0]
        got = parse(front)
        if got is not None:
            fast += 1
            assert got == base(front), path
        assert load_events(front) == base(front), path
    assert fast > 0.95 * len(files)  # the fast path is the common path
    for path in sorted((REPO / "content").glob("**/*.yaml")):
        text = path.read_text("utf-8")
        assert load_events(text) == base(text), path


def fast_agrees(text: str, fast, wrap=lambda data: data) -> bool:
    """`fast(text)` is what PyYAML reads (through `wrap`) or None, and None where PyYAML
    refuses the text. True when the fast path answered."""
    try:
        expected = base(text)
    except yaml.YAMLError:
        assert fast(text) is None, text
        return False
    got = fast(text)
    assert got is None or got == wrap(expected), (text, got, expected)
    return got is not None


TRICKY = [
    "a: 1\nb: '2106.10000'\nc: no\nd: ~\n",
    "a: 'it''s'\nb: x - y\nc: -1\nd: :x\n",
    "title: 'LoRA: Low-Rank'\nlists:\n  - one\n  - two\n",
    "lists:\n- one\n- two\nyear: 2017\n",
    "empty:\nnext: 1\n",
    "a: x # comment\n",
    'a: "double \\u00e9"\n',
    "a: [1, 2]\n",
    "a: {b: 1}\n",
    "a:\n  b: 1\n",
    "a: |\n  block\n",
    "a: &x 1\nb: *x\n",
    "a: !!int 3\n",
    "lists:\n  - one\n    continued\n",
    "lists:\n  - one\n    - two\n",
    "a: b\u2028c\n",
    "a: 'unterminated\n",
    "a: x\ta\n",
    "key with space: 1\n",
    "a: b: c\n",
    "- top\n- level\n",
    "a: 'x' 'y'\n",
    "a: ?b\nc: ? d\n",
]


# The TRICKY texts PyYAML itself refuses: the fast path must refuse them too.
REFUSED = {"a: b\u2028c\n", "a: 'unterminated\n", "a: b: c\n", "a: 'x' 'y'\n",
           "a: ?b\nc: ? d\n"}


def test_tricky_texts_match_pyyaml_or_fall_back():
    for text in TRICKY:
        fast_agrees(text, parse)
        if text in REFUSED:
            assert parse(text) is None, text
        else:
            assert load_events(text) == base(text), text


def test_list_files_read_the_same_through_the_record_reader():
    from publish.content.files import _load_list_yaml

    for path in sorted((REPO / "content" / "lists").glob("*.yaml")):
        text = path.read_text("utf-8")
        _, _, entries = text.partition("\nentries:\n")
        assert parse_records(entries) is not None, path  # the fast path is taken
        assert _load_list_yaml(text, path) == base(text), path
    odd = "lang: en\ntitle: {en: X}\nentries:\n  - paper: a\n    position: 1\n  - {paper: b}\n"
    assert _load_list_yaml(odd, REPO / "x.yaml") == base(odd)
    nested = "entries:\n  - paper: a\n    deep:\n      more: 1\n"
    assert parse_records(nested.partition("\nentries:\n")[2] or nested[9:]) is None


ROUNDS = 6000


def test_fuzzed_texts_match_pyyaml_or_fall_back():
    """Lines stitched from the characters that matter to YAML's plain and quoted scalars."""
    import random

    rng = random.Random(7)
    atoms = ["a", "b c", " ", "  ", ":", ": ", "#", " #", "-", "- ", "'", "''", "?", ",", "[",
             "{", "&", "*", "!", "|", ">", '"', "%", "@", "`", "\t", "1", "x:y", "é", "中文",
             "\u00a0", "~", "null", "2017", "\\"]
    keys = ["title", "lists", "year", "_k", "a-b", "k1", "bad key", "", "é"]
    checked = 0
    for _ in range(ROUNDS):
        lines = []
        for _ in range(rng.randint(1, 5)):
            value = "".join(rng.choice(atoms) for _ in range(rng.randint(0, 4)))
            shape = rng.random()
            if shape < 0.55:
                lines.append(f"{rng.choice(keys)}:{' ' if rng.random() < 0.9 else ''}{value}")
            elif shape < 0.9:
                lines.append(f"{' ' * rng.choice([0, 2, 2, 4])}- {value}")
            else:
                lines.append(value)
        text = "\n".join(lines) + ("\n" if rng.random() < 0.9 else "")
        checked += fast_agrees(text, parse)
    assert checked > 200  # the fast path was really exercised


def test_fuzzed_list_entries_match_pyyaml_or_fall_back():
    import random

    rng = random.Random(11)
    values = ["a", "x-y", "'q: r'", "2017", "''", "a: b", "- c", "#d", "é 中", ":x", "'it''s'"]
    checked = 0
    for _ in range(3000):
        lines = []
        for _ in range(rng.randint(1, 3)):
            pad = " " * rng.choice([0, 2, 2, 2, 4])
            lines.append(f"{pad}- {rng.choice(['paper', 'bad key', 'k'])}: {rng.choice(values)}")
            for _ in range(rng.randint(0, 3)):
                deeper = " " * rng.choice([2, 4, 4, 6])
                if rng.random() < 0.6:
                    lines.append(f"{pad}{deeper}{rng.choice(['position', 'added'])}: "
                                 f"{rng.choice(values)}")
                else:
                    lines.append(f"{pad}  also_in:")
                    lines += [f"{pad}{deeper}- {rng.choice(values)}"
                              for _ in range(rng.randint(0, 2))]
        entries = "\n".join(lines) + "\n"
        checked += fast_agrees("entries:\n" + entries, lambda t: parse_records(t[9:]),
                               lambda data: data["entries"])
    assert checked > 150
