"""`publish pdf` and `publish doctor`, checked the way a reader would: pdftotext, pdffonts
and pypdf on the real output. Small lists of the real content (llm-top10-2023-zh,
field-25) and one fixture project with math, every translation state and a malicious paper.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import run
from pypdf import PdfReader

from publish.blocks import block_hash
from publish.render.fetcher import SafeFetcher
from publish.render.i18n import format_count, gettext, ngettext
from publish.render.markdown import THIN_SPACE, MarkdownRenderer, cjk_latin_space

pytestmark = pytest.mark.skipif(not shutil.which("pdftotext"), reason="needs poppler-utils")

# ---------------------------------------------------------------------------------------------
# helpers


def text_of(pdf: Path, first: int | None = None, last: int | None = None,
            layout: bool = False) -> str:
    cmd = ["pdftotext", "-enc", "UTF-8", *(["-layout"] if layout else [])]
    if first:
        cmd += ["-f", str(first), "-l", str(last or first)]
    return subprocess.run([*cmd, str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout


def fonts_of(pdf: Path) -> list[list[str]]:
    out = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True,
                         check=True).stdout.splitlines()[2:]
    return [line.split() for line in out]


def outline(pdf: Path) -> list[tuple[int, str]]:
    """(depth, title) of every bookmark, in order."""
    reader = PdfReader(pdf)
    found: list[tuple[int, str]] = []

    def walk(items: list, depth: int) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item, depth + 1)
            else:
                found.append((depth, item.title))

    walk(reader.outline, 0)
    return found


def build(root: Path, *args: str) -> Path:
    out = root / "out" / f"{'-'.join(a.strip('-') for a in args)}.pdf"
    result = run(root, "pdf", *args, "--out", str(out), "--jobs", "2")
    assert result.exit_code == 0, result.output
    assert out.is_file()
    return out


def toc_entries(pdf: Path) -> tuple[int, list[tuple[str, int]]]:
    """The contents page(s): (number of front pages, [(entry text, printed number)])."""
    reader = PdfReader(pdf)
    labels = reader.page_labels
    front = next(i for i, label in enumerate(labels) if label == "1")
    entries = []
    for page in range(2, front + 1):
        for line in text_of(pdf, page, layout=True).splitlines():
            m = re.match(r"^\s*(.+?)\s+(\d+)\s*$", line)
            if m:  # the title, without the dot leader that runs to its number
                entries.append((re.sub(r"[\s.]+$", "", m.group(1)), int(m.group(2))))
    return front, entries


# ---------------------------------------------------------------------------------------------
# the real lists


@pytest.fixture(scope="module")
def top10_zh(seeded: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("pdf") / "proj"
    shutil.copytree(seeded, root)
    return build(root, "--lang", "zh", "--list", "llm-top10-2023-zh")


@pytest.mark.slow
def test_zh_booklet_has_copyable_chinese_and_embedded_cjk_fonts(top10_zh: Path) -> None:
    text = text_of(top10_zh)
    assert "目录" in text  # the contents heading comes from the zh catalog
    assert "2023年十大人工智能(LLM)必读论文" in text.replace(" ", "")
    # a sentence of the Chinese commentary on Llama 2, as it is in content/zh/
    assert "这些模型既有标准的预训练模型" in text.replace("\n", "")
    fonts = fonts_of(top10_zh)
    assert fonts and all(row[-5] == "yes" for row in fonts), fonts  # emb column
    assert any("CJK-SC" in row[0] for row in fonts)
    assert not any("CJK-JP" in row[0] or "CJK-TC" in row[0] for row in fonts)


@pytest.mark.slow
def test_bookmarks_nest_list_then_papers(top10_zh: Path) -> None:
    marks = outline(top10_zh)
    assert marks[0] == (0, "目录")
    lists = [title for depth, title in marks if depth == 0]
    assert "2023年十大人工智能(LLM)必读论文" in lists
    # a list that is one unnamed chapter has no "论文" (Papers) level: papers under the list
    papers = [t for d, t in marks if d == 1]
    assert "论文" not in papers and not [t for d, t in marks if d > 1]
    assert len(papers) == 10 and "Llama 2: Open Foundation and Fine-Tuned Chat Models" in papers


@pytest.mark.slow
def test_contents_page_numbers_are_the_pages_papers_start_on(top10_zh: Path) -> None:
    front, entries = toc_entries(top10_zh)
    papers = [(title, n) for title, n in entries if title.startswith(("Llama 2", "QLoRA",
                                                                       "Mistral 7B"))]
    assert len(papers) == 3, entries
    for title, number in papers:
        page = text_of(top10_zh, front + number)
        assert title.split(":")[0] in page
        # the page number stamped at the foot of that page is the one the contents prints
        assert page.rstrip().splitlines()[-1].strip() == str(number)


@pytest.mark.slow
def test_contents_links_go_to_the_papers(top10_zh: Path) -> None:
    reader = PdfReader(top10_zh)
    front = reader.page_labels.index("1")
    targets = []
    for annot in reader.pages[1].get("/Annots", []):
        dest = annot.get_object().get("/Dest")
        if dest is not None:
            targets.append(reader.get_page_number(dest[0].get_object()))
    assert len(targets) >= 10
    assert all(t >= front for t in targets)


@pytest.fixture(scope="module")
def field25(seeded: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("pdf25") / "proj"
    shutil.copytree(seeded, root)
    return root, build(root, "--lang", "en", "--list", "field-25")


@pytest.mark.slow
def test_english_booklet_metadata_links_and_toc(field25: tuple[Path, Path]) -> None:
    _root, pdf = field25
    text = text_of(pdf)
    assert "Contents" in text and "25 papers" in text
    assert "Citations" in text and re.search(r"\d{1,3}(,\d{3})+", text)  # 53,520 style
    front, entries = toc_entries(pdf)
    assert len([e for e in entries if e[0] != "Papers"]) >= 20
    _title, number = next(e for e in entries if e[0].startswith("Attention Is All"))
    assert "Attention Is All You Need" in text_of(pdf, front + number)


@pytest.mark.slow
def test_rebuild_uses_the_cache(field25: tuple[Path, Path]) -> None:
    root, _pdf = field25
    result = run(root, "pdf", "--lang", "en", "--list", "field-25", "--out",
                 str(root / "again.pdf"))
    assert result.exit_code == 0, result.output
    # Nothing changed, so no page is rendered again, however many runs there are.
    assert re.search(r"; 0 pages rendered in 0 runs, [1-9]\d* runs used",
                     result.output), result.output
    # and the booklet there is the one these runs make: it is not written again...
    again = root / "again.pdf"
    stamp = again.stat().st_mtime_ns
    same = run(root, "pdf", "--lang", "en", "--list", "field-25", "--out", str(again))
    assert same.output.startswith(f"up to date: {again} "), same.output
    assert again.stat().st_mtime_ns == stamp
    # ...unless someone changed it meanwhile
    again.write_bytes(b"%PDF-1.7 not the booklet")
    fixed = run(root, "pdf", "--lang", "en", "--list", "field-25", "--out", str(again))
    assert fixed.output.startswith(f"wrote {again} "), fixed.output
    assert "field" in text_of(again).lower()


# ---------------------------------------------------------------------------------------------
# a fixture project: math, every translation state, a malicious paper

MATH_EN = [
    "The loss is $$\\frac{\\partial L}{\\partial \\theta} = \\sqrt{x^2 + 1}$$ in closed form.",
    "A broken formula \\(\\frac{a}{\\) stays readable.",
    "This paragraph has a reviewed translation.",
    "This paragraph has a machine translation.",
    "This paragraph was edited after it was translated.",
    "This paragraph has no translation yet.",
]


# An ordered list, one block per item: each must keep the number it has in the source.
LIST_EN = [
    "The model has three parts:",
    "1. An image encoder embeds the picture once.",
    "2. A prompt encoder embeds points and boxes.",
    "3. A mask decoder predicts the masks.",
]
LIST_ZH = ["模型分三部分：", "1. 图像编码器对图片做一次嵌入。", "2. 提示编码器嵌入点和框。",
           "3. 掩码解码器预测掩码。"]


def _marker(src: str, state: str) -> str:
    return (f"<!-- translation from=en src={block_hash(src)} state={state} by=t "
            "at=2026-11-23 -->")


def make_fixture(root: Path) -> None:
    (root / "content" / "en").mkdir(parents=True, exist_ok=True)
    (root / "content" / "zh").mkdir(parents=True, exist_ok=True)
    (root / "content" / "lists").mkdir(parents=True, exist_ok=True)
    (root / "content" / "en" / "math-paper.md").write_text(
        "---\ntitle: 'A Paper With Math in \\(O(n^2)\\) Time'\n"
        "authors:\n  - Ada Lovelace\nyear: 2024\n"
        "citations: 53520\narxiv: '2401.00001'\nlists:\n  - fixture\n---\n\n"
        + "\n\n".join(MATH_EN) + "\n", "utf-8")
    old = "This paragraph was edited long ago."
    (root / "content" / "zh" / "math-paper.md").write_text(
        "---\nmeta_in: en\nlocal_title: 带数学的论文\n---\n\n"
        f"{_marker(MATH_EN[2], 'human')}\n这一段有经过审校的译文，软件与数据集。\n\n"
        f"{_marker(MATH_EN[3], 'machine')}\n这一段是机器翻译的草稿。\n\n"
        f"{_marker(old, 'human')}\n这一段的原文后来改过了。\n", "utf-8")
    (root / "content" / "en" / "list-paper.md").write_text(
        "---\ntitle: A Paper With a Numbered List\nyear: 2023\nlists:\n  - fixture\n---\n\n"
        + LIST_EN[0] + "\n\n" + "\n".join(LIST_EN[1:]) + "\n", "utf-8")
    (root / "content" / "zh" / "list-paper.md").write_text(
        "---\nmeta_in: en\nlocal_title: 带编号列表的论文\n---\n\n"
        + "\n\n".join(f"{_marker(en, 'human')}\n{zh}"
                      for en, zh in zip(LIST_EN, LIST_ZH, strict=True))
        + "\n", "utf-8")
    (root / "content" / "en" / "evil-paper.md").write_text(
        "---\ntitle: An Evil Paper\nyear: 2024\nlists:\n  - fixture\n---\n\n"
        '<img src="file:///etc/passwd">\n\n'
        "![passwd](file:///etc/passwd)\n\n"
        "![relative](../../../../../../../../etc/passwd)\n\n"
        "![remote](https://example.com/tracker.png)\n\n"
        "<script>alert('pwned')</script>\n\n"
        "{{ config }} {% for x in range(3) %}loop{% endfor %}\n", "utf-8")
    # A paper with nothing but its title, drafted by a machine in Chinese.
    (root / "content" / "en" / "title-only.md").write_text(
        "---\ntitle: A Paper With Only a Title\nyear: 2022\nlists:\n  - fixture\n---\n", "utf-8")
    (root / "content" / "zh" / "title-only.md").write_text(
        "---\nmeta_in: en\nlocal_title: 只有标题的论文\ntitle_translation: from=en src="
        f"{block_hash('A Paper With Only a Title')} state=machine by=libre at=2026-11-23\n---\n",
        "utf-8")
    (root / "content" / "lists" / "fixture.yaml").write_text(
        "lang: en\ntitle:\n  en: Fixture List\n  zh: 测试清单\nentries:\n"
        "  - paper: math-paper\n    position: 1\n    added: 2026-11-23\n"
        "  - paper: evil-paper\n    position: 2\n    added: 2026-11-23\n"
        "  - paper: list-paper\n    position: 3\n    added: 2026-11-23\n"
        "  - paper: title-only\n    position: 4\n    added: 2026-11-23\n", "utf-8")


@pytest.fixture(scope="module")
def fixture_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from click.testing import CliRunner

    from publish.cli import cli

    root = tmp_path_factory.mktemp("fixture") / "proj"
    assert CliRunner().invoke(cli, ["init", str(root)]).exit_code == 0
    make_fixture(root)
    return root


@pytest.fixture(scope="module")
def fixture_en(fixture_root: Path) -> tuple[Path, str]:
    out = fixture_root / "out" / "en.pdf"
    result = run(fixture_root, "pdf", "--lang", "en", "--list", "fixture", "--out", str(out))
    assert result.exit_code == 0, result.output
    return out, result.output


@pytest.mark.slow
def test_math_is_drawn_and_a_broken_formula_shows_its_tex(fixture_en: tuple[Path, str]) -> None:
    pdf, _ = fixture_en
    text = text_of(pdf)
    # a title's formula is plain text in the heading, the contents and the bookmarks
    assert "A Paper With Math in O(n²) Time" in text and "\\(O" not in text
    assert any("O(n²)" in title for _, title in outline(pdf))
    assert "The loss is" in text and "in closed form" in text
    assert "sqrt" not in text and "partial" not in text  # drawn, not printed as TeX
    assert "\\frac{a}{" in text  # the broken one, as its source
    assert any("DejaVu-Sans-Mono" in row[0] for row in fonts_of(pdf))  # in monospace
    reader = PdfReader(pdf)
    page = next(p for p in reader.pages if "The loss is" in p.extract_text())
    content = page.get_contents().get_data()
    # the formula is glyph outlines: curves (c) in a page that otherwise only has text
    assert content.count(b" c\n") + content.count(b" c ") > 20


@pytest.mark.slow
def test_a_paper_cannot_pull_local_files_or_the_network(fixture_en: tuple[Path, str]) -> None:
    pdf, output = fixture_en
    text = text_of(pdf)
    assert "root:x:0:0" not in text
    assert "<script>alert('pwned')</script>" in text  # shown as text, never run or parsed
    assert "{{ config }}" in text  # content is data, never template code
    # a remote image is its alt text: never even asked for (issue 16)
    assert "tracker.png" not in output and "remote" in text
    assert "refused to load file:///etc/passwd" in output  # the relative path's target

@pytest.mark.slow
def test_papers_link_to_arxiv(fixture_en: tuple[Path, str]) -> None:
    pdf, _ = fixture_en
    uris = {a.get_object().get("/A", {}).get("/URI") for p in PdfReader(pdf).pages
            for a in p.get("/Annots", [])}
    assert "https://arxiv.org/abs/2401.00001" in uris


def test_fetcher_serves_only_project_templates_and_assets(tmp_path: Path) -> None:
    assets = tmp_path / "assets"
    assets.mkdir()
    (assets / "logo.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
    (assets / "escape.txt").symlink_to("/etc/passwd")
    fetcher = SafeFetcher([assets])
    assert fetcher.fetch((assets / "logo.svg").as_uri()).read().startswith(b"<svg")
    for url in ["file:///etc/passwd", (assets / "escape.txt").as_uri(), "file:///dev/zero",
                "http://example.com/x.png", "https://example.com/x.png",
                "data:image/svg+xml,<svg/>", (assets / ".." / ".." / "etc").as_uri(),
                "ftp://example.com/x"]:
        with pytest.raises(ValueError):
            fetcher.fetch(url)
    assert len(fetcher.refused) == 8


@pytest.mark.slow
def test_translation_states_are_marked(fixture_root: Path) -> None:
    pdf = build(fixture_root, "--lang", "zh", "--list", "fixture")
    text = text_of(pdf).replace(THIN_SPACE, " ")
    assert "带数学的论文" in text and "A Paper With Math" in text  # local title, original under
    assert "这一段有经过审校的译文" in text
    assert "机器翻译" in text and "这一段是机器翻译的草稿" in text
    assert "译文已过时" in text and "这一段的原文后来改过了" in text
    assert "未翻译" in text and "This paragraph has no translation yet." in text
    assert "5.4万" in text  # citations in the Chinese way
    # A machine-drafted title is marked as its blocks would be.
    assert re.search(r"只有标题的论文\s+机器翻译\s+A Paper With Only a Title", text), text


@pytest.mark.slow
def test_fallback_mark_and_skip(fixture_root: Path) -> None:
    marked = text_of(build(fixture_root, "--lang", "zh", "--list", "fixture",
                           "--fallback", "mark"))
    assert "尚未翻译" in marked
    assert "This paragraph has no translation yet." not in marked
    skipped = text_of(build(fixture_root, "--lang", "zh", "--list", "fixture",
                            "--fallback", "skip"))
    assert "An Evil Paper" not in skipped  # no Chinese text at all: left out
    assert "带数学的论文" in skipped
    assert "只有标题的论文" in skipped  # its title is Chinese text


@pytest.mark.slow
def test_traditional_chinese_is_derived_with_opencc(fixture_root: Path) -> None:
    pdf = build(fixture_root, "--lang", "zh-Hant", "--list", "fixture")
    text = text_of(pdf)
    assert "軟體" in text and "資料集" in text and "目錄" in text  # s2twp: 软件 → 軟體
    assert "软件" not in text
    assert any("CJK-TC" in row[0] for row in fonts_of(pdf))


@pytest.mark.slow
def test_bilingual_puts_each_block_in_both_languages(fixture_root: Path) -> None:
    pdf = build(fixture_root, "--lang", "bilingual", "--list", "fixture", "--paper-size", "A4")
    text = text_of(pdf).replace("\n", " ")
    en = text.index("This paragraph has a reviewed translation.")
    zh = text.index("这一段有经过审校的译文")
    nxt = text.index("This paragraph has a machine translation.")
    assert en < zh < nxt  # English, then its Chinese, then the next block
    width = PdfReader(pdf).pages[0].mediabox.width
    assert round(float(width)) == 595  # A4


def _numbers(text: str, starts: list[str]) -> list[str]:
    """The list number printed before each text that starts an item, in that order."""
    found = []
    for words in starts:
        m = re.search(rf"(\S+)\s*{re.escape(words)}", text)
        assert m, (words, text)
        found.append(m.group(1))
    return found


def _starts(items: list[str]) -> list[str]:
    return [item.split(" ", 1)[1][:6] for item in items]  # without the source's "1. "


@pytest.mark.slow
def test_ordered_list_items_keep_their_numbers(fixture_root: Path,
                                               fixture_en: tuple[Path, str]) -> None:
    # Each item is a block of its own, rendered alone: "1. 1. 1." before the fix.
    assert _numbers(text_of(fixture_en[0]), _starts(LIST_EN[1:])) == ["1.", "2.", "3."]
    hant = ["影像編碼", "提示編碼", "掩碼解碼"]  # OpenCC s2twp: 图像 → 影像
    for lang, starts in (("zh", _starts(LIST_ZH[1:])), ("zh-Hant", hant)):
        text = text_of(build(fixture_root, "--lang", lang, "--list", "fixture"))
        assert _numbers(text, starts) == ["1.", "2.", "3."], lang
    bilingual = text_of(build(fixture_root, "--lang", "bilingual", "--list", "fixture",
                              "--paper-size", "A4"))
    assert _numbers(bilingual, _starts(LIST_EN[1:])) == ["1.", "2.", "3."]
    assert _numbers(bilingual, _starts(LIST_ZH[1:])) == ["1.", "2.", "3."]
    # each item, then its translation, then the next item
    pairs = zip(_starts(LIST_EN[1:]), _starts(LIST_ZH[1:]), strict=True)
    order = [bilingual.index(start) for pair in pairs for start in pair]
    assert order == sorted(order)


@pytest.mark.slow
def test_emoji_are_drawn_and_a_glyph_no_font_has_is_its_code_point(fixture_root: Path,
                                                                   tmp_path: Path) -> None:
    """A parrot in a title and a private-use character in the text: the emoji in colour,
    the other as a boxed U+E000, one warning naming the file and line, and a booklet."""
    root = tmp_path / "proj"
    shutil.copytree(fixture_root, root)
    paper = root / "content" / "en" / "evil-paper.md"
    text = paper.read_text("utf-8").replace("title: An Evil Paper", "title: An Evil Paper 🦜")
    paper.write_text(text + "\nA glyph nobody has: \ue000.\n", "utf-8")
    line = paper.read_text("utf-8").splitlines().index("A glyph nobody has: \ue000.") + 1
    for lang in ("en", "zh"):
        out = root / f"x.{lang}.pdf"
        result = run(root, "pdf", "--lang", lang, "--list", "fixture", "--out", str(out))
        assert result.exit_code == 0, result.output
        assert out.is_file()
        warnings = [w for w in result.output.splitlines() if "U+E000" in w]
        assert warnings == [f"publish: warning: {paper}:{line}: no installed font has a glyph "
                            "for U+E000 '\\ue000'; printed as its code point (see `publish "
                            "doctor`)"], result.output
        assert "U+1F99C" not in result.output  # the parrot has a font
        text = text_of(out)
        assert "U+E000" in text and "\ue000" not in text  # printed as its code point
        assert any("Emoji" in row[0] for row in fonts_of(out))  # the parrot, in colour
        assert any("An Evil Paper" in t for _, t in outline(out))


@pytest.mark.slow
def test_an_edit_rerenders_only_its_run(fixture_root: Path, tmp_path: Path) -> None:
    root = tmp_path / "proj"
    shutil.copytree(fixture_root, root)
    first = run(root, "pdf", "--lang", "en", "--list", "fixture", "--out", str(root / "a.pdf"))
    assert first.exit_code == 0
    again = run(root, "pdf", "--lang", "en", "--list", "fixture", "--out", str(root / "a.pdf"))
    assert "0 pages rendered in 0 runs" in again.output
    paper = root / "content" / "en" / "math-paper.md"
    paper.write_text(paper.read_text("utf-8").replace("closed form", "a closed form"))
    edited = run(root, "pdf", "--lang", "en", "--list", "fixture", "--out", str(root / "a.pdf"))
    assert " in 1 run," in edited.output
    assert "a closed form" in text_of(root / "a.pdf")
    # the same booklet as one made from nothing
    cold = run(root, "pdf", "--lang", "en", "--list", "fixture", "--no-cache", "--out",
               str(root / "b.pdf"))
    assert cold.exit_code == 0
    assert text_of(root / "a.pdf", layout=True) == text_of(root / "b.pdf", layout=True)


def test_unknown_list_is_a_one_line_error(fixture_root: Path) -> None:
    result = run(fixture_root, "pdf", "--lang", "en", "--list", "nope")
    assert result.exit_code == 2
    assert "unknown list id 'nope'" in result.output


# ---------------------------------------------------------------------------------------------
# pieces


def test_markdown_escapes_html_and_keeps_formulas() -> None:
    md = MarkdownRenderer(math=lambda tex, display: None)  # a renderer that always fails
    html = md.render("<b>x</b> $\\alpha$ [a](javascript:alert(1)) [b](https://x.org)")
    assert "&lt;b&gt;" in html and "<b>" not in html
    assert '<code class="tex">\\alpha</code>' in html
    assert "javascript:" not in html.split("[a]")[0] and 'href="javascript' not in html
    assert '<a href="https://x.org">b</a>' in html


def test_cjk_latin_spacing() -> None:
    assert cjk_latin_space("基于Transformer的模型") == (
        f"基于{THIN_SPACE}Transformer{THIN_SPACE}的模型")
    assert cjk_latin_space("基于 Transformer 的") == "基于 Transformer 的"


def test_numbers_and_catalogs() -> None:
    assert format_count(53520, "en") == "53,520"
    assert format_count(53520, "zh") == "5.4万"
    assert format_count(53520, "zh-Hant") == "5.4萬"
    assert gettext("zh", "Contents") == "目录"
    assert gettext("zh-Hant", "Contents") == "目錄"
    assert ngettext("en", "%(num)s paper", "%(num)s papers", 1) % {"num": 1} == "1 paper"


def test_help_and_doctor(project: Path) -> None:
    result = run(project, "pdf", "--help")
    assert "Example" in result.output and "--fallback" in result.output
    doctor = run(project, "doctor")
    assert "font Noto Serif CJK SC" in doctor.output
    assert "font Noto Color Emoji" in doctor.output
    assert "libharfbuzz-subset" in doctor.output
