"""States of translated blocks: pairing by content, not by index."""

from __future__ import annotations

from pathlib import Path

from publish.blocks import block_hash, format_marker
from publish.model import Meta, Paper, Text
from publish.status import paper_status, text_size

EN = ["Alpha paragraph about attention.", "Beta paragraph about scaling.",
      "Gamma paragraph about data.", "Delta paragraph about results."]
ZH = ["甲段。", "乙段。", "丙段。", "丁段。"]


def paper(en: list[str], zh: list[tuple[str, str, str]] | None, zh_originals=()) -> Paper:
    """zh: (source text the translation was made from, translation, state)."""
    texts = {"en": Text("en", Path("en.md"), "\n\n".join(en) + "\n", 5)}
    if zh is not None:
        parts = [f"{format_marker('en', block_hash(src), state)}\n{tr}" for src, tr, state in zh]
        parts += list(zh_originals)
        texts["zh"] = Text("zh", Path("zh.md"), "\n\n".join(parts) + "\n", 4, meta_in="en")
    return Paper("p", Meta(title="P"), "en", texts)


def states(p: Paper, lang: str = "zh") -> list[str]:
    return [u.state for u in paper_status(p, lang, ("en", "zh")).units]


def test_all_current_then_one_edit_marks_exactly_that_block():
    zh = [(e, z, "human") for e, z in zip(EN, ZH, strict=True)]
    assert states(paper(EN, zh)) == ["current"] * 4
    edited = [*EN[:1], "Beta paragraph about scaling laws.", *EN[2:]]
    assert states(paper(edited, zh)) == ["current", "outdated", "current", "current"]
    st = paper_status(paper(edited, zh), "zh", ("en", "zh"))
    assert st.state == "outdated"
    assert st.units[1].block.text == "乙段。"


def test_rewrapping_the_source_changes_nothing():
    zh = [(e, z, "human") for e, z in zip(EN, ZH, strict=True)]
    rewrapped = [EN[0].replace(" about ", "\nabout  "), *EN[1:]]
    assert states(paper(rewrapped, zh)) == ["current"] * 4


def test_inserting_deleting_and_moving_source_paragraphs_do_not_misalign():
    zh = [(e, z, "human") for e, z in zip(EN, ZH, strict=True)]
    inserted = [*EN[:1], "New paragraph.", *EN[1:]]
    assert states(paper(inserted, zh)) == ["current", "missing", "current", "current",
                                           "current"]
    deleted = EN[:1] + EN[2:]
    st = paper_status(paper(deleted, zh), "zh", ("en", "zh"))
    assert [u.state for u in st.units] == ["current"] * 3
    assert [o.block.text for o in st.orphans] == ["乙段。"]
    moved = [EN[1], EN[0], EN[2], EN[3]]
    st = paper_status(paper(moved, zh), "zh", ("en", "zh"))
    assert [u.state for u in st.units] == ["current"] * 4 and not st.orphans
    assert [u.block.text for u in st.units] == ["乙段。", "甲段。", "丙段。", "丁段。"]


def test_machine_drafts_missing_and_originals_both_ways():
    zh = [(EN[0], ZH[0], "machine"), (EN[1], ZH[1], "human")]
    p = paper(EN, zh, zh_originals=["笔者的评论。"])
    assert states(p) == ["original", "machine", "current", "missing", "missing"]
    en = paper_status(p, "en", ("en", "zh"))
    # The Chinese commentary is an original whose English is missing.
    assert [u.state for u in en.units] == ["original"] * 4 + ["missing"]
    assert en.state == "missing"
    assert en.work == text_size("笔者的评论。") == 5
    assert paper_status(paper(EN, None), "zh", ("en", "zh")).state == "missing"
    outdated_machine = paper(["Alpha changed."], [(EN[0], ZH[0], "machine")])
    unit = paper_status(outdated_machine, "zh", ("en", "zh")).units[0]
    assert (unit.state, unit.machine) == ("outdated", True)


def test_text_size_counts_words_and_characters():
    assert text_size("Attention is all you need.") == 5
    assert text_size("注意力机制 Transformer 模型") == 8


def test_an_outdated_person_translation_kept_beside_a_new_draft_is_superseded():
    edited = ["Alpha paragraph about attention, revised."]
    zh = [(EN[0], ZH[0], "human"), (edited[0], "甲段（新）。", "machine")]
    st = paper_status(paper(edited, zh), "zh", ("en", "zh"))
    assert [u.state for u in st.units] == ["machine"]
    assert [(o.block.text, o.superseded) for o in st.orphans] == [("甲段。", True)]


def test_the_translation_of_a_deleted_paragraph_is_an_orphan_not_superseded():
    zh = [(e, z, "human") for e, z in zip(EN, ZH, strict=True)]
    st = paper_status(paper([EN[0], EN[2], EN[3]], zh), "zh", ("en", "zh"))
    assert [(o.block.text, o.superseded) for o in st.orphans] == [("乙段。", False)]
