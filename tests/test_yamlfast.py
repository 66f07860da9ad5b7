"""The fast YAML writer writes what PyYAML writes, byte for byte, or declines."""

from __future__ import annotations

from datetime import date

import yaml
from conftest import REPO
from hypothesis import given, settings
from hypothesis import strategies as st

from publish.content import yamlfast
from publish.content.files import _Dumper, load_yaml, split_front_matter


def pyyaml(data) -> str:
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True,
                     default_flow_style=False, width=100_000)


TRICKY = ["", " ", "null", "yes", "No", "~", "1e3", "0x1F", "2017", "1706.03762",
          "2026-11-23", ": x", "a: b", "a #b", "#c", "- d", "'", '"', "it's", "[x]", "{y}",
          "&a", "*b", "!t", "%p", "@q", "`r", "|s", ">t", "?u", "a\\b", "\tx", "x ", " x",
          "神经网络：回顾", "🦜", "\u2028", "\x85", "é", "LoRA: Low-Rank", "on", "off"]
SCALAR = st.one_of(st.text(max_size=20), st.sampled_from(TRICKY), st.integers(0, 3000),
                   st.dates(min_value=date(1900, 1, 1)), st.none())
KEY = st.one_of(st.from_regex(r"[a-z_]{1,10}", fullmatch=True), st.sampled_from(
    ["on", "yes", "null", "title", "also_in", "2017"]))
DATA = st.recursive(
    st.dictionaries(KEY, SCALAR, min_size=1, max_size=4),
    lambda inner: st.dictionaries(KEY, st.one_of(SCALAR, st.lists(SCALAR, max_size=3),
                                                 st.lists(inner, max_size=3), inner),
                                  min_size=1, max_size=4),
    max_leaves=20)


@settings(max_examples=300, deadline=None)
@given(DATA)
def test_the_fast_writer_writes_what_pyyaml_writes_or_declines(data):
    fast = yamlfast.dump(data)
    if fast is not None:
        assert fast == pyyaml(data)


def test_every_file_of_the_tree_is_written_fast_and_the_same():
    files = sorted((REPO / "content").glob("*/*.md"))[:400] + sorted(
        (REPO / "content" / "lists").glob("*.yaml"))
    declined = 0
    for path in files:
        text = path.read_text("utf-8")
        front = split_front_matter(text)[0] if path.suffix == ".md" else text
        data = load_yaml(front, path)
        if path.suffix == ".yaml":
            # A list holds dates and numbers as its writer gave them, not as strings.
            for entry in data.get("entries", []):
                entry["position"] = int(entry["position"])
                entry["added"] = date.fromisoformat(entry["added"])
        fast = yamlfast.dump(data)
        declined += fast is None
        if fast is not None:
            assert fast == pyyaml(data), path
    assert declined <= len(files) // 20
