"""Line-level edits keep everything they do not touch."""

from __future__ import annotations

from pathlib import Path

from publish.blocks import format_marker, split_blocks
from publish.content.edit import insert_after, replace_block, set_marker
from publish.model import Text

BODY = "First paragraph.\n\n---\n\n- item one\n- item two\n\nLast  paragraph,\nwrapped.\n"


def text_of(body: str) -> Text:
    return Text(lang="zh", path=Path("x.md"), body=body, body_line=7)


def test_insert_after_a_block_and_at_the_start():
    text = text_of(BODY)
    first, _, _, last = text.blocks
    marker = format_marker("en", "aaaaaaaaaaaa", "machine", by="libre", at="2026-11-24")
    body = insert_after(text, first, [(marker, "第一段。")])
    assert body.startswith("First paragraph.\n\n" + marker + "\n第一段。\n\n---\n")
    blocks = split_blocks(body, "zh", 7)
    assert [b.text for b in blocks] == ["First paragraph.", "第一段。", "- item one",
                                        "- item two", "Last  paragraph,\nwrapped."]
    assert blocks[1].source_hash == "aaaaaaaaaaaa" and blocks[1].state == "machine"
    body = insert_after(text, None, [(marker, "开头。")])
    assert body.startswith(marker + "\n开头。\n\nFirst paragraph.")
    body = insert_after(text, last, [(marker, "最后。")])
    assert body.endswith("wrapped.\n\n" + marker + "\n最后。\n")


def test_set_marker_and_replace_block():
    marker = format_marker("en", "aaaaaaaaaaaa", "machine")
    text = text_of(insert_after(text_of(BODY), None, [(marker, "开头。")]))
    draft = text.blocks[0]
    reviewed = format_marker("en", "bbbbbbbbbbbb", "human", by="mei", at="2026-11-25")
    body = set_marker(text, draft, reviewed)
    assert body.count("<!-- translation") == 1
    assert split_blocks(body, "zh", 7)[0].state == "human"
    body = replace_block(text, draft, reviewed, "新的开头。")
    blocks = split_blocks(body, "zh", 7)
    assert (blocks[0].text, blocks[0].source_hash) == ("新的开头。", "bbbbbbbbbbbb")
    assert body.endswith(BODY)
