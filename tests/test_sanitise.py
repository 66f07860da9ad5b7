"""The rules for untrusted text, one by one: what may reach a page as math, a terminal, a
spreadsheet, a path (tests/test_reliability.py drives the same through the CLI)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from test_site_cache import TRICKY_TEX, _formulas

from publish.errors import PublishError
from publish.outputs import check_output, sweep, write_output
from publish.render import math
from publish.render.mathsafe import allowed_link, checked_cached, clean_mathml, clean_svg
from publish.sanitise import control_problem, csv_cell, remote_url, safe_relative, terminal


def test_checked_mathml_is_the_converters_own_bytes_for_every_formula_of_content():
    formulas = [*_formulas(), *((t, d) for t in TRICKY_TEX for d in (False, True))]
    checked = 0
    for tex, display in formulas:
        raw = math.raw_mathml(tex, display)
        if raw is not None:
            assert clean_mathml(raw) == raw, tex
            checked += 1
    assert checked > 300


@pytest.mark.parametrize("mathml", [
    '<math xmlns="http://www.w3.org/1998/Math/MathML"><mtext><script>x()</script></mtext></math>',
    '<math xmlns="http://www.w3.org/1998/Math/MathML"><mi>a</mi></math><script>x()</script>',
    '<math xmlns="http://www.w3.org/1998/Math/MathML"><mi>a<!-- --></mi></math>',
    '<math xmlns="http://www.w3.org/1998/Math/MathML"><mi>&lt;</mi><mi>&nbsp;</mi></math>',
    '<math xmlns="http://www.w3.org/2000/svg"><mi>a</mi></math>',
    '<math xmlns="http://www.w3.org/1998/Math/MathML"><mi><mi>a</mi></mi></math>',
    '<math xmlns="http://www.w3.org/1998/Math/MathML"><mrow><mi>a</mi></math>',
    '<math xmlns="http://www.w3.org/1998/Math/MathML"><annotation-xml><svg/></annotation-xml>'
    '</math>',
    '<mrow><mi>a</mi></mrow>',
])
def test_mathml_outside_the_allowlist_is_refused_whole(mathml: str):
    assert clean_mathml(mathml) is None


def test_attributes_outside_the_allowlist_are_dropped_and_values_checked():
    mathml = ('<math xmlns="http://www.w3.org/1998/Math/MathML" display="block">'
              '<mrow href="javascript:alert(1)" style="color:red" class="x" onclick="y()">'
              '<mi mathcolor="red" mathvariant="bold">a</mi>'
              '<mi mathcolor="url(http://x/)" href="https://arxiv.org/abs/1706.03762">b</mi>'
              '<mspace width="0.2em" depth="expression(1)" /></mrow></math>')
    assert clean_mathml(mathml) == (
        '<math xmlns="http://www.w3.org/1998/Math/MathML" display="block"><mrow>'
        '<mi mathcolor="red" mathvariant="bold">a</mi>'
        '<mi href="https://arxiv.org/abs/1706.03762">b</mi>'
        '<mspace width="0.2em" /></mrow></math>')


@pytest.mark.parametrize("url,ok", [
    ("https://arxiv.org/abs/1", True), ("http://www.aclanthology.org/x", True),
    ("javascript:alert(1)", False), ("https://evil.example/", False),
    ("https://arxiv.org.evil.example/", False), ("https://user@arxiv.org/", False),
    ("data:text/html,x", False), ("//arxiv.org/", False),
])
def test_formula_links_go_to_known_hosts_over_http(url: str, ok: bool):
    assert allowed_link(url) is ok


def test_svg_is_checked_and_a_tampered_formula_cache_entry_is_drawn_again():
    drawn = math.svg_math(r"\frac{1}{\sqrt{d_k}}", True)
    assert drawn and drawn.startswith('<svg class="math"') and checked_cached(drawn)
    assert clean_svg('<svg xmlns="http://www.w3.org/2000/svg"><script>x()</script></svg>') \
        is None
    assert clean_svg('<svg xmlns="http://www.w3.org/2000/svg"><path d="M 0 0" '
                     'onload="x()" /></svg>') == \
        '<svg xmlns="http://www.w3.org/2000/svg"><path d="M 0 0" /></svg>'
    evil = drawn.replace("<path ", '<path onload="alert(1)" ', 1) + "<img src=x>"
    assert not checked_cached(evil)
    math.preload({"1\\frac{a}{b}": evil})
    again = math.svg_math(r"\frac{a}{b}", True)
    assert again and "onload" not in again and "<img" not in again


def test_formula_limits():
    assert math.too_big("x_{" * 11 + "x" + "}" * 11) == "nests 11 deep (limit 10)"
    assert math.too_big(r"\left(" * 11 + "x" + r"\right)" * 11)
    assert math.too_big("x" * 5000)
    assert math.too_big(r"\frac{a}{\sqrt{b_{i}^{2}}}") is None


@pytest.mark.parametrize("text,line", [("ok\nfine\ttab", None), ("a\nb\x1b[31m", 2),
                                       ("\x00", 1), ("x\n\ny\x9bz", 3), ("é\x07", 1)])
def test_control_characters_are_found_with_their_line(text: str, line: int | None):
    for form in (text, text.encode("utf-8")):
        found = control_problem(form)
        assert (found[0] if found else None) == line


def test_terminal_and_csv_cells():
    shown = terminal("a\x1b]8;;file:///etc/passwd\x07b\x9b31m\nc\td")
    assert shown == "a]8;;file:///etc/passwdb31m c d"
    assert csv_cell("=HYPERLINK(1)") == "'=HYPERLINK(1)"
    for risky in ("+1", "-1+2", "@SUM(A1)", "\t=1"):
        assert str(csv_cell(risky)).startswith("'")
    assert csv_cell("Attention") == "Attention" and csv_cell(3) == 3


@pytest.mark.parametrize("rel,ok", [
    ("en/papers/x.html", True), ("index.html", True), ("en/../../x", False),
    ("/etc/passwd", False), ("en//x", False), ("./x", False), ("a\\..\\b", False), ("", False),
    (3, False),
])
def test_manifest_paths_stay_inside(rel: object, ok: bool):
    assert safe_relative(rel) is ok


def test_remote_urls():
    assert remote_url("http://x/y.png") and remote_url("//x/y.png")
    assert remote_url("data:image/png;base64,AA") and remote_url("FILE:///etc/passwd")
    assert not remote_url("figures/fig1.png") and not remote_url("./fig.png")


def test_outputs_stay_out_of_the_sources(tmp_path: Path):
    root = tmp_path / "proj"
    for folder in ("content/en", "templates", "build"):
        (root / folder).mkdir(parents=True)
    (root / "publish.toml").write_text("", "utf-8")
    for bad in ("content/en/x.md", "content", "templates/site/x.html", "publish.toml"):
        with pytest.raises(PublishError, match="refusing"):
            check_output(root, root / bad)
    with pytest.raises(PublishError, match="refusing"):
        check_output(root, root, folder=True)
    assert check_output(root, root / "build" / "x.html") == (root / "build/x.html").resolve()
    assert check_output(root, tmp_path / "elsewhere", folder=True)


def test_a_failed_write_leaves_no_temporary_file(tmp_path: Path):
    """The staged file is written, then cannot be renamed over the target (a folder that
    holds a file: even root cannot): it is removed, and the error names the target."""
    target = tmp_path / "out" / "page.html"
    (target / "inside").mkdir(parents=True)
    with pytest.raises(PublishError, match="cannot write") as err:
        write_output(target, b"two")
    assert str(target) in str(err.value)
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["page.html"]
    assert target.is_dir()


def test_sweep_takes_only_dead_processes_files(tmp_path: Path):
    mine = tmp_path / f".a.html.{os.getpid()}.tmp"
    dead = tmp_path / ".b.html.999999999.tmp"
    other = tmp_path / "c.tmp"
    for path in (mine, dead, other):
        path.write_text("x", "utf-8")
    assert sweep(tmp_path.iterdir()) == 1
    assert mine.exists() and other.exists() and not dead.exists()
