"""Titles with formulas, as the booklet's contents, page titles and e-mail subjects show them."""

from __future__ import annotations

from publish.render.titles import formula_text, plain_title


def test_the_seeds_titles_with_math_read_as_text():
    assert plain_title(r"Self-attention Does Not Need \(O(n^2)\) Memory") == (
        "Self-attention Does Not Need O(n²) Memory")
    assert plain_title(r"\(\infty\)-former: Infinite Memory Transformer").startswith("∞-former")
    assert plain_title(r"PIXART-\(\alpha\): Fast Training").startswith("PIXART-α:")
    assert plain_title(r"ReST-MCTS\(^{*}\): LLM Self-Training").startswith("ReST-MCTS*:")


def test_dollars_follow_pandocs_rule_and_layout_keeps_its_tex():
    assert plain_title("Costs $5 and $10 a month") == "Costs $5 and $10 a month"
    assert plain_title(r"Tokens $x_i$ per step") == "Tokens xᵢ per step"
    assert formula_text(r"\frac{1}{2}") == r"\frac{1}{2}"  # needs layout: shown as written
    assert formula_text(r"e^{i\pi}") == r"e^{i\pi}"  # no superscript π in Unicode
    assert plain_title("Attention Is All You Need") == "Attention Is All You Need"
