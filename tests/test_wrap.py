"""Plain text wrapped by display width, Chinese included (site/wrap.py)."""

from __future__ import annotations

import re

from publish.site.wrap import NO_END, NO_START, display_width, join_cjk_lines, wrap

ZH = ("Transformer 是模型架构的一个重大突破。在本文发表之前，大多数序列传导模型都依赖于循环"
      "神经网络（RNN）或卷积神经网络（CNN）来捕捉序列中元素之间的关系。由于 RNN 具有顺序性，"
      "因此训练速度可能特别慢。“自注意力”机制改变了这一点……")


def test_chinese_is_wrapped_by_columns_between_characters() -> None:
    out = wrap(ZH, 40, "  ")
    lines = out.split("\n")
    assert len(lines) > 3
    assert all(display_width(line) <= 40 for line in lines), lines
    # nothing lost, nothing added but the indents and the breaks
    assert "".join(line.strip() for line in lines).replace(" ", "") == ZH.replace(" ", "")
    for line in lines:
        assert line.startswith("  ")
        assert line.strip()[0] not in NO_START, line  # no line starts with 。，）」…
        assert line[-1] not in NO_END, line  # none ends with （「“
    # a Latin word is never cut
    assert not any(re.search(r"Transfor$|^\s*mer", line) for line in lines)


def test_latin_text_breaks_only_at_spaces_and_long_words_keep_their_line() -> None:
    text = ("The paper introduced the Transformer, see "
            "https://example.org/a/very/long/address/that/does/not/fit/anywhere.html today")
    lines = wrap(text, 30, "  ", "* ").split("\n")
    assert lines[0].startswith("* The paper")
    assert "  https://example.org/a/very/long/address/that/does/not/fit/anywhere.html" in lines
    assert all(display_width(line) <= 30 for line in lines if "https://" not in line)
    assert wrap("e.g. 1,024 items", 72) == "e.g. 1,024 items"


def test_line_breaks_between_chinese_characters_are_no_space() -> None:
    assert join_cjk_lines("第一句。\n第二句，\n  English\nwords 中文\n文字") == \
        "第一句。第二句，\n  English\nwords 中文文字"
    # a paragraph break stays one
    assert join_cjk_lines("段落一。\n\n段落二。") == "段落一。\n\n段落二。"
