"""Blocks and their hashes: what 'the source changed' means."""

from __future__ import annotations

import random

from publish.blocks import block_hash, format_marker, join_blocks, split_blocks
from publish.ids import all_valid, check_id, slugify


def test_slugs_are_stable_ascii_and_never_paths():
    assert slugify("Attention Is All You Need") == "attention-is-all-you-need"
    assert slugify("LoRA: Low-Rank Adaptation of Large Language Models") == (
        "lora-low-rank-adaptation-of-large-language-models")
    assert slugify("Fréchet Audio Distance") == "frechet-audio-distance"
    assert slugify("Patch n’ Pack: NaViT") == "patch-n-pack-navit"
    # No Latin letters: spelled out, never a hash or a bare number.
    assert slugify("注意力") == "zhu-yi-li"
    assert slugify("神经网络七十年：回顾与展望") == (
        "shen-jing-wang-luo-qi-shi-nian-hui-gu-yu-zhan-wang")
    assert slugify("第2章") == "di-2-zhang"
    assert slugify("Нейронные сети") == "neyronnye-seti"
    assert slugify("🦜🔗").startswith("paper-")  # symbols alone: nothing to spell
    assert len(slugify("word " * 100)) <= 80
    for bad in ("..", "../etc/passwd", "a/b", "Upper-Case", "", "a--b", "-a"):
        assert check_id(bad) is not None, bad
    assert check_id("attention-is-all-you-need") is None


def test_many_ids_at_once_agree_with_one_at_a_time():
    # A trailing newline once passed as a valid id (`$` matches before it).
    for bad in ("a\n", "a\nb", "a" * 91, "a.md", "é"):
        assert check_id(bad) is not None, bad
        assert not all_valid(["good-id", bad]), bad
    assert all_valid(["good-id", "a" * 90, "x1-2"]) and all_valid([])
    rnd = random.Random(0)
    for _ in range(20_000):
        value = "".join(rnd.choice("ab1-A/ .\n") for _ in range(rnd.randint(0, 6)))
        assert all_valid([value]) == (check_id(value) is None), repr(value)


def test_rewrapping_does_not_change_a_hash_but_an_edit_does():
    text = "The Transformer relies on attention.\nIt trains fast."
    assert block_hash(text) == block_hash("The Transformer relies on attention. It trains fast.")
    assert block_hash(text) == block_hash(
        "  The Transformer relies   on attention.\n\tIt trains fast.")
    assert block_hash(text) != block_hash("The Transformer relies on attention. It trains slowly.")
    # Chinese: a line break inside a sentence leaves no space when joined.
    assert block_hash("模型在\n基准上表现出色。") == block_hash("模型在基准上表现出色。")
    assert block_hash("- item one") == block_hash("* item one")


def test_split_blocks_kinds_lines_and_markers():
    marker = format_marker("en", "abc123abc123", "machine", by="libre", at="2026-11-23")
    body = (
        "# Heading\n\nFirst paragraph\nwrapped.\n\n- one\n- two\n\n"
        f"{marker}\n机器翻译的段落。\n\n$$x^2$$\n"
    )
    blocks = split_blocks(body, "zh", first_line=10)
    assert [(b.kind, b.line) for b in blocks] == [
        ("heading", 10), ("paragraph", 12), ("item", 15), ("item", 16), ("paragraph", 19),
        ("paragraph", 21)]
    assert blocks[1].text == "First paragraph\nwrapped."
    assert blocks[0].is_original and blocks[0].origin == "zh"
    translated = blocks[4]
    assert (translated.origin, translated.source_hash, translated.state, translated.by) == (
        "en", "abc123abc123", "machine", "libre")
    assert not translated.is_original


def test_join_blocks_keeps_items_in_one_tight_list():
    body = join_blocks([("paragraph", "Intro."), ("item", "- a"), ("item", "- b"),
                        ("paragraph", "End.")])
    assert body == "Intro.\n\n- a\n- b\n\nEnd.\n"
    assert [b.kind for b in split_blocks(body, "en")] == ["paragraph", "item", "item",
                                                         "paragraph"]


def test_markers_read_the_same_by_the_written_form_and_the_general_reader():
    import random

    from publish.blocks import _ATTR_RE, MARKER_RE, format_marker, parse_marker

    def general(line: str) -> dict[str, str] | None:
        m = MARKER_RE.match(line.strip())
        return {k: v.strip('"') for k, v in _ATTR_RE.findall(m.group("attrs"))} if m else None

    rng = random.Random(3)
    lines = [format_marker(rng.choice(["en", "zh", "zh-Hant"]), "3f2a9c1b4d5e",
                           rng.choice(["human", "machine"]),
                           rng.choice([None, "libre", "Ada Lovelace", "a\"b", ""]),
                           rng.choice([None, "2026-11-23", "2026-11-23T10:00"]))
             for _ in range(200)]
    lines += ["<!-- translation from=en src=abc state=human x=1 -->",
              "<!--translation from=en src=abc state=human-->",
              "<!-- translation from=en src=abc state=human -->  ",
              "<!-- translation src=abc from=en state=machine by=x -->",
              "<!-- translation from=en src=abc state=human by=\"\" -->",
              "<!-- not a marker -->", "<!-- translation -->"]
    for line in lines:
        assert parse_marker(line) == general(line), line


def test_normalise_strips_a_leading_list_mark_of_any_kind():
    from publish.blocks import block_hash, normalise

    for text, same in [("- item text", "item text"), ("12. item", "item"),
                       ("\u3000- 项目", "项目"), ("１. 项目", "项目"), ("* 项目", "项目")]:
        assert normalise(text) == normalise(same), text
        assert block_hash(text) == block_hash(same), text
    assert normalise("2023年的论文") == "2023年的论文"
