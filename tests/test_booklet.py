"""What a reader sees in a booklet, checked with poppler's tools, pypdf and pikepdf on real
output: Chinese typography (justified lines, line-breaking rules, spacing between scripts,
full-width punctuation, no slanted Han), the contents (dot leaders, titles clear of the
numbers, the same shape as the bookmarks), running heads, the bilingual "not yet
translated" said once, and a tagged, self-describing PDF.
"""

from __future__ import annotations

import itertools
import re
import shutil
import subprocess
from pathlib import Path

import pikepdf
import pytest
import yaml
from conftest import run
from pagefill import outline
from pypdf import PdfReader

pytestmark = [pytest.mark.skipif(not shutil.which("pdftotext"), reason="needs poppler-utils"),
              pytest.mark.slow]

LISTS = ("llm-top10-2023-zh", "ai-four-families-zh", "typography")
CLOSING = set("，。、：；！？）」』》】〉”’")
OPENING = set("（「『《【〈“‘")

# A paper made to try the rules: emphasis in Chinese, Han touching Latin, long runs of
# punctuation for the line breaks to meet.
TYPO_ZH = """---
title: Typesetting Chinese Between Latin Words and Punctuation Marks, a Long Title To Wrap
year: 2024
lists:
  - typography
---

这是一段*强调*的中文，还有**另一种强调**；基于Transformer的模型在2024年很常见。

""" + "".join(f"第{i}句话说：“模型（包括GPT-4与LLaMA）在《基准》上表现如何？”答案是：很好。"
              for i in range(1, 13)) + "\n"


def text_of(pdf: Path, first: int | None = None, last: int | None = None,
            *extra: str) -> str:
    cmd = ["pdftotext", "-enc", "UTF-8", *extra]
    if first:
        cmd += ["-f", str(first), "-l", str(last or first)]
    return subprocess.run([*cmd, str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout


def _body_pages(pdf: Path) -> range:
    """1-based numbers of the body's pages."""
    reader = PdfReader(pdf)
    return range(reader.page_labels.index("1") + 1, len(reader.pages) + 1)


@pytest.fixture(scope="module")
def project(seeded: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("booklet") / "proj"
    shutil.copytree(seeded, root)
    (root / "content" / "zh" / "typesetting-chinese.md").write_text(TYPO_ZH, "utf-8")
    (root / "content" / "lists" / "typography.yaml").write_text(yaml.safe_dump({
        "lang": "zh", "title": {"zh": "排版试验"},
        "entries": [{"paper": "typesetting-chinese", "position": 1,
                     "added": "2026-11-23"}]}, allow_unicode=True), "utf-8")
    return root


def _build(root: Path, name: str, *args: str) -> Path:
    out = root / "out" / name
    result = run(root, "pdf", "--out", str(out), *args)
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="module")
def zh(project: Path) -> Path:
    return _build(project, "zh.pdf", "--lang", "zh", *(a for lid in LISTS
                                                       for a in ("--list", lid)))


# ---------------------------------------------------------------------------------------------
# Chinese typography


def _lines(pdf: Path, page: int) -> list[tuple[float, float, float, float, str]]:
    """(xMin, yMin, xMax, yMax, text) of each line poppler finds on a page."""
    out = text_of(pdf, page, page, "-bbox-layout")
    found = []
    for m in re.finditer(r'<line xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" '
                         r'yMax="([\d.]+)">(.*?)</line>', out, re.DOTALL):
        words = re.findall(r">([^<]*)</word>", m.group(5))
        found.append((*(float(m.group(i)) for i in range(1, 5)), "".join(words)))
    return found


def _han(text: str) -> int:
    return len(re.findall(r"[\u4e00-\u9fff]", text))


def test_chinese_lines_never_start_with_a_closing_mark_or_end_with_an_opening_one(
        zh: Path) -> None:
    checked = 0
    for page in _body_pages(zh):
        for line in text_of(zh, page, page, "-layout").splitlines():
            line = line.strip()
            if _han(line) < 5:
                continue
            checked += 1
            assert line[0] not in CLOSING, f"page {page}: {line}"
            assert line[-1] not in OPENING, f"page {page}: {line}"
    assert checked > 300


def test_chinese_paragraphs_are_justified(zh: Path) -> None:
    """Within a paragraph (lines at the normal leading), every line but the last ends at the
    text column's right edge."""
    pages = {page: [ln for ln in _lines(zh, page) if _han(ln[4]) >= 8]
             for page in _body_pages(zh)}
    steps = [round(b[1] - a[1], 1) for lines in pages.values()
             for a, b in itertools.pairwise(lines)]
    pitch = max(set(steps), key=steps.count)  # the leading inside a paragraph
    flush = short = 0
    for page, lines in pages.items():
        if not lines:
            continue
        right = max(ln[2] for ln in lines)
        for this, nxt in itertools.pairwise(lines):
            if (abs(nxt[1] - this[1] - pitch) < 0.5 and abs(nxt[0] - this[0]) < 1
                    and abs((nxt[3] - nxt[1]) - (this[3] - this[1])) < 0.5):
                # the same paragraph goes on: this line must reach the column's edge
                assert right - this[2] < 1.0, f"page {page}: {this[4]!r} ends at {this[2]}"
                flush += 1
            elif right - this[2] >= 1.0:
                short += 1
    assert flush > 150 and short > 10


def test_chinese_spacing_punctuation_and_emphasis(zh: Path) -> None:
    text = text_of(zh)
    # a space between Han and Latin or digits that touched in the source
    assert re.search(r"基于 Transformer 的模型在 2024 年\s*很常见", text)
    # our own interface text in full-width punctuation
    assert "收录于：" in text
    # emphasis in Chinese is bold, never a slanted Han face
    reader = PdfReader(zh)
    page = next(p for p in reader.pages if "这是一段" in p.extract_text())
    slanted: list[str] = []
    fonts: set[str] = set()

    def visit(text: str, cm: list, tm: list, font: dict | None, _size: float) -> None:
        if _han(text):
            # the text rendering matrix (tm × cm): a slant shows as a shear term
            b = tm[0] * cm[1] + tm[1] * cm[3]
            c = tm[2] * cm[0] + tm[3] * cm[2]
            if abs(b) > 1e-6 or abs(c) > 1e-6:
                slanted.append(text)
            if font is not None and text.strip() in ("强调", "另一种强调"):
                fonts.add(str(font.get("/BaseFont")))

    page.extract_text(visitor_text=visit)
    assert not slanted
    assert len(fonts) == 1 and "Serif-CJK-SC-Bold" in fonts.pop()
    assert not any("Italic" in f or "Oblique" in f for f in fonts)


# ---------------------------------------------------------------------------------------------
# contents, bookmarks, running heads


def _contents(pdf: Path) -> list[tuple[float, str, float]]:
    """Contents entries: (x of the entry's first word, title, x of its number), from the
    words of the contents pages grouped into lines by their baseline."""
    reader = PdfReader(pdf)
    heading = outline(pdf)[0][1]
    out = text_of(pdf, 2, reader.page_labels.index("1"), "-bbox")
    entries = []
    for page in out.split("<page ")[1:]:
        lines: dict[float, list[tuple[float, float, str]]] = {}
        for x0, y0, x1, word in re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" '
                                           r'xMax="([\d.]+)" yMax="[\d.]+">(.*?)</word>',
                                           page):
            lines.setdefault(round(float(y0)), []).append((float(x0), float(x1), word))
        pending: list[tuple[float, str]] = []
        for _y, words in sorted(lines.items()):
            words.sort()
            text = "".join(w for _x0, _x1, w in words if w != ".")
            if text == heading or (text.isdigit() and len(words) == 1 and not pending):
                continue  # the contents' heading; the front page's own number
            number = words[-1][2].isdigit() and words[-1][0] > 300
            title = "".join(w for _x0, _x1, w in (words[:-1] if number else words) if w != ".")
            pending.append((words[0][0], title))
            if number:
                entries.append((pending[0][0], "".join(t for _x, t in pending), words[-1][0]))
                pending = []
    return entries


def test_contents_have_leaders_wrap_clear_and_match_the_bookmarks(zh: Path) -> None:
    layout = text_of(zh, 2, PdfReader(zh).page_labels.index("1"), "-layout")
    assert re.search(r"\S \. \. \. .*\d+$", layout, re.MULTILINE)  # dot leaders
    entries = _contents(zh)
    marks = [(d, t) for d, t, _p in outline(zh)][1:]  # [0] is the contents itself
    assert len(entries) == len(marks)
    indents = sorted({round(x) for x, _t, _n in entries})
    for (x, title, _number), (depth, mark) in zip(entries, marks, strict=True):
        assert title.replace(" ", "") == mark.replace(" ", ""), (title, mark)
        assert indents.index(round(x)) == depth, (title, depth)
    # a title that wraps keeps its lines clear of the numbers' column
    column = min(number for _x, _t, number in entries) - 10
    for page in range(2, PdfReader(zh).page_labels.index("1") + 1):
        for x0, _y0, x1, _y1, text in _lines(zh, page):
            if x0 < column and not text.isdigit():
                assert x1 < column, text


def _head(pdf: Path, page: int) -> str:
    """The running head of a (0-based) page: the text of the top margin."""
    return text_of(pdf, page + 1, page + 1, "-x", "0", "-y", "0", "-W", "420",
                   "-H", "40").strip()


def test_a_lists_opening_page_has_no_running_head(zh: Path) -> None:
    marks = outline(zh)
    lists = [(t, p) for d, t, p in marks if d == 0][1:]
    assert len(lists) == len(LISTS)
    openings = {p for _t, p in lists}
    for title, page in lists:
        assert _head(zh, page) == "", title
        if page + 1 < len(PdfReader(zh).pages) and page + 1 not in openings:
            assert _head(zh, page + 1), f"no running head after {title}'s opening page"
    # the single-chapter list repeats its title in the head of its other pages
    top10 = dict(lists)["2023年十大人工智能(LLM)必读论文"]
    assert _head(zh, top10 + 1) == "2023年十大人工智能(LLM)必读论文"


# ---------------------------------------------------------------------------------------------
# bilingual


def test_bilingual_says_not_yet_translated_once_per_paper(project: Path) -> None:
    pdf = _build(project, "bilingual.pdf", "--lang", "bilingual", "--list",
                 "llm-top10-2023-zh")
    text = text_of(pdf, _body_pages(pdf).start, len(PdfReader(pdf).pages)).replace("\n", " ")
    titles = [t for d, t, _p in outline(pdf) if d == 1]
    assert len(titles) == 10
    positions = [text.index(t.split(":")[0], 200) for t in titles] + [len(text)]
    counts = [text[a:b].count("not yet translated") for a, b in itertools.pairwise(positions)]
    assert all(c <= 1 for c in counts), counts
    assert sum(counts) >= 8  # the papers have no English text yet: said once each


# ---------------------------------------------------------------------------------------------
# a tagged, self-describing PDF


def test_booklet_is_tagged_and_describes_itself(zh: Path, project: Path) -> None:
    info = subprocess.run(["pdfinfo", str(zh)], capture_output=True, text=True,
                          check=True).stdout
    assert re.search(r"^Tagged:\s+yes", info, re.MULTILINE)
    assert re.search(r"^Title:\s+2023年十大人工智能\(LLM\)必读论文 · ", info, re.MULTILINE)
    assert re.search(r"^Author:\s+人工智能论文阅读清单", info, re.MULTILINE)
    with pikepdf.open(zh) as pdf:
        assert str(pdf.Root.Lang) == "zh-Hans"
        with pdf.open_metadata() as xmp:
            assert xmp["dc:title"].startswith("2023年十大人工智能")
            assert list(xmp["dc:language"]) == ["zh-Hans"]
        tree = pdf.Root.StructTreeRoot
        document = tree.K[0]
        assert pikepdf.Name.Document == document.S
        kinds: dict[str, int] = {}

        def walk(element: pikepdf.Object) -> None:
            kinds[str(element.S)] = kinds.get(str(element.S), 0) + 1
            for kid in element.get("/K", []):
                if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
                    walk(kid)

        walk(document)
        assert kinds.get("/H1", 0) >= len(LISTS)  # each list's title
        # the papers of the single-chapter lists and the four families' chapters, whose
        # papers come one level under
        assert kinds.get("/H2", 0) == 10 + 1 + 4 and kinds.get("/H3", 0) == 13
        assert kinds.get("/P", 0) > 200 and kinds.get("/Link", 0) > 20
        # every page's marked content has its entry in the parent tree, and each entry is
        # an element of the tree
        nums = tree.ParentTree.Nums
        parents = {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}
        assert int(tree.ParentTreeNextKey) == len(parents)
        for page in pdf.pages:
            key = int(page.obj.StructParents)
            mcids = set(re.findall(rb"/MCID (\d+)", page.obj.Contents.read_bytes()
                                   if isinstance(page.obj.Contents, pikepdf.Stream)
                                   else b"".join(c.read_bytes() for c in page.obj.Contents)))
            assert len(parents[key]) >= len(mcids)
        assert pdf.check_pdf_syntax() == []
