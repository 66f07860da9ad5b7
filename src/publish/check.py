"""Translation checks: each translated block against its source block, the Chinese text's
typography, the glossary, and metadata that contradicts itself.

Modelled on Weblate's quality checks and translate-toolkit's pofilter, cut to what a Markdown
summary of a paper can get wrong. Blocks are paired by `status.paper_status`, so a check
compares exactly the source a translation was made from. Outdated pairs are left to
`publish status`: their source changed on purpose, and a diff against it is not a mistake.

Severity says what a finding means for a run (`publish check` exits 1 on an error):
- error: the published text says something else than its source, or the data contradicts
  itself (a number, URL, formula, code or link lost; metadata contradicted; a translation
  of nothing);
- warning: probably wrong, a person should look (punctuation, glossary, emphasis, style);
- info: the author's own Chinese text breaking typography rules. Originals come from the
  reading lists' articles: worth a look, never a failed run (content/check.yaml `originals`).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

from .config import Config
from .errors import Problems, PublishError
from .model import Block, Collection, Entry, Paper, ReadingList, Text

ERROR, WARNING, INFO = "error", "warning", "info"

# Every check, in the order they are listed and run. The command's help is built from this.
CHECKS: dict[str, str] = {
    "numbers": "numbers kept (70B = 700亿 = 70 billion; full-width digits count)",
    "urls": "URLs kept",
    "inline-code": "`code` spans kept verbatim",
    "math": "$…$, $$…$$, \\(…\\), \\[…\\] kept exactly",
    "links": "Markdown links keep their targets",
    "emphasis": "as much *emphasis* and **bold** as the source, none shown literally",
    "structure": "a heading stays a heading of its level, an item an item, code code",
    "end-punctuation": "ends like its source (. = 。  ? = ？  ! = ！  : = ：)",
    "glossary": "content/glossary.yaml: terms kept, or translated the agreed way",
    "untranslated": "not left in the source language",
    "length": "not far shorter or longer than its source (a truncated draft)",
    "cjk-spacing": "Chinese: a space between Chinese and Latin letters or digits, none "
                   "between Chinese characters or around full-width punctuation",
    "cjk-punctuation": "Chinese: no doubled marks, no ASCII full stop after Chinese, one "
                       "punctuation width (content/check.yaml zh_punctuation)",
    "brackets": "brackets and quotes balanced",
    "metadata": "a translation file repeats metadata only with the same value",
    "conflicting-year": "one year per paper across its metadata and its lists",
    "orphan": "every translation still has a source block",
}
_STYLE_CHECKS = ("cjk-spacing", "cjk-punctuation", "brackets")


@dataclass(frozen=True, order=True)
class Finding:
    file: str
    line: int
    check: str
    severity: str
    message: str
    paper: str | None = None
    lang: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


# ---------------------------------------------------------------------------------------------
# Project files the checks read: content/glossary.yaml and content/check.yaml


@dataclass(frozen=True)
class Term:
    """A glossary entry. `forms[lang]`: accepted spellings, the preferred one first."""

    forms: dict[str, tuple[str, ...]]
    keep: bool = False  # written the same in every language, matched case-sensitively
    avoid: dict[str, tuple[str, ...]] = field(default_factory=dict)
    line: int = 0


@dataclass(frozen=True)
class Options:
    """content/check.yaml. `zh_punctuation`: the house style for , : ; ? ! ( ) in Chinese
    text — `any` (default: either width, but one per block), `fullwidth`, `ascii`.
    `originals`: severity of style findings in text written in Chinese (`off` skips it)."""

    zh_punctuation: str = "any"
    originals: str = INFO
    disable: frozenset[str] = frozenset()


def _nodes(text: str, path: Path) -> Any:
    """YAML nodes, which know their lines; every scalar stays text (`no` is the word no)."""
    import yaml

    try:
        return yaml.compose(text, Loader=yaml.BaseLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise PublishError(f"broken YAML: {exc.problem or exc}", path,
                           mark.line + 1 if mark else 1) from None
    except yaml.YAMLError as exc:
        raise PublishError(f"broken YAML: {exc}", path, 1) from None


def _line(node: Any) -> int:
    return node.start_mark.line + 1


def _strings(node: Any) -> list[str] | None:
    """A scalar or a list of scalars, as non-empty strings; None when it is neither."""
    import yaml

    items = node.value if isinstance(node, yaml.SequenceNode) else [node]
    if not items or not all(isinstance(n, yaml.ScalarNode) for n in items):
        return None
    values = [n.value.strip() for n in items]
    return values if all(values) else None


def parse_glossary(text: str, path: Path, languages: Sequence[str]) -> list[Term]:
    """Read a glossary; every problem is reported with its line before refusing it."""
    import yaml

    root = _nodes(text, path) if text.strip() else None
    if root is None:
        return []
    problems = Problems()
    if not isinstance(root, yaml.MappingNode):
        raise PublishError("a glossary is a mapping with `keep:` and `translate:` lists", path, 1)
    terms: list[Term] = []
    seen: dict[str, int] = {}

    def claim(form: str, line: int) -> None:
        key = form.casefold()
        if key in seen:
            problems.add(f"term {form!r} is already in the glossary (line {seen[key]})", path,
                         line)
        seen[key] = line

    for key_node, value in root.value:
        key = key_node.value
        if key not in ("keep", "translate"):
            problems.add(f"unknown key {key!r} (known: keep, translate)", path, _line(key_node))
        elif not isinstance(value, yaml.SequenceNode):
            problems.add(f"'{key}' must be a list", path, _line(value))
        elif key == "keep":
            for item in value.value:
                forms = _strings(item)
                if forms is None or len(forms) != 1 or isinstance(item, yaml.SequenceNode):
                    problems.add("each 'keep' item is one term, e.g. `- LoRA`", path, _line(item))
                    continue
                claim(forms[0], _line(item))
                terms.append(Term({lang: (forms[0],) for lang in languages}, keep=True,
                                  line=_line(item)))
        else:
            for item in value.value:
                term = _glossary_entry(item, path, languages, problems)
                if term is not None:
                    for lang in languages:
                        claim(term.forms[lang][0], term.line)
                    terms.append(term)
    problems.raise_if_any()
    return terms


def _glossary_entry(item: Any, path: Path, languages: Sequence[str],
                    problems: Problems) -> Term | None:
    import yaml

    example = "e.g. `- {en: fine-tuning, zh: 微调}`"
    if not isinstance(item, yaml.MappingNode):
        problems.add(f"each 'translate' item maps every language to its term, {example}", path,
                     _line(item))
        return None
    forms: dict[str, tuple[str, ...]] = {}
    avoid: dict[str, tuple[str, ...]] = {}
    for key_node, value in item.value:
        key, line = key_node.value, _line(key_node)
        if key == "avoid":
            if not isinstance(value, yaml.MappingNode):
                problems.add("'avoid' maps a language to renderings to refuse, e.g. "
                             "`avoid: {zh: [精调]}`", path, line)
                continue
            for lang_node, words in value.value:
                got = _strings(words)
                if lang_node.value not in languages or got is None:
                    problems.add(f"'avoid' needs a language of the project "
                                 f"({', '.join(languages)}) and words", path, _line(lang_node))
                else:
                    avoid[lang_node.value] = tuple(got)
        elif key not in languages:
            problems.add(f"{key!r} is not a language of the project ({', '.join(languages)}) "
                         "nor 'avoid'", path, line)
        else:
            got = _strings(value)
            if got is None:
                problems.add(f"'{key}' must be a term or a list of spellings (preferred "
                             "first)", path, line)
            else:
                forms[key] = tuple(got)
    missing = [lang for lang in languages if lang not in forms]
    if missing:
        problems.add(f"entry has no term in {', '.join(missing)}, {example}", path, _line(item))
        return None
    return Term(forms, avoid=avoid, line=_line(item))


def parse_options(text: str, path: Path) -> Options:
    import yaml

    root = _nodes(text, path) if text.strip() else None
    if root is None:
        return Options()
    if not isinstance(root, yaml.MappingNode):
        raise PublishError("content/check.yaml is a mapping of options", path, 1)
    problems = Problems()
    values: dict[str, Any] = {}
    choices = {"zh_punctuation": ("any", "fullwidth", "ascii"),
               "originals": (INFO, WARNING, "off")}
    for key_node, value in root.value:
        key, line = key_node.value, _line(key_node)
        if key in choices:
            if not isinstance(value, yaml.ScalarNode) or value.value not in choices[key]:
                problems.add(f"'{key}' must be one of {', '.join(choices[key])}", path, line)
            else:
                values[key] = value.value
        elif key == "disable":
            names = _strings(value) if isinstance(value, yaml.SequenceNode) else None
            unknown = [n for n in names or [] if n not in CHECKS]
            if names is None or unknown:
                problems.add(f"'disable' must list check names ({', '.join(CHECKS)})"
                             + (f"; unknown: {', '.join(unknown)}" if unknown else ""),
                             path, line)
            else:
                values["disable"] = frozenset(names)
        else:
            problems.add(f"unknown option {key!r} (known: disable, originals, zh_punctuation)",
                         path, line)
    problems.raise_if_any()
    return Options(**values)


def load_project_files(config: Config) -> tuple[list[Term], Options]:
    from .store import read_text

    glossary, options = config.content_dir / "glossary.yaml", config.content_dir / "check.yaml"
    terms = (parse_glossary(read_text(glossary), glossary, config.languages)
             if glossary.is_file() else [])
    opts = parse_options(read_text(options), options) if options.is_file() else Options()
    return terms, opts


# ---------------------------------------------------------------------------------------------
# A block's anatomy: what must survive translation, and its prose with the rest masked out

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJK_RUN_RE = re.compile(f"[{_CJK}]+")
_LATIN_RUN_RE = re.compile("[A-Za-z]+")
_FILL = "\ufffc"  # stands in for masked text; no check reads it as a letter or a mark
_CODE_RE = re.compile(r"(?<!`)(`+)(?!`)(.+?)(?<!`)\1(?!`)", re.S)
# Each pattern with a substring it needs: most blocks skip most patterns without a scan.
_MATH_RES = (
    ("$$", re.compile(r"\$\$(.+?)\$\$", re.S)),
    ("\\[", re.compile(r"\\\[(.+?)\\\]", re.S)),
    ("\\(", re.compile(r"\\\((.+?)\\\)", re.S)),
    # Pandoc's rule, so "$5 and $10" is money, not math: no space inside the dollars, and
    # no digit right after the closing one.
    ("$", re.compile(r"(?<![\\$])\$(?![\s$])((?:\\.|[^$\\])+?)(?<![\s\\])\$(?![\d$])",
                     re.S)),
)
_URL_RE = re.compile(r"(?:(?:https?|ftp)://|www\.)[^\s<>\"'`" + _CJK
                     + r"\u3000-\u303f\uff00-\uffef" + _FILL + "]+")
_SYNTAX_RES = (
    ("](", re.compile(r"(!?\[)[^\[\]\n]*(\]\([^)\n]*\))")),  # [text](target): all but text
    ("<", re.compile(r"<!--.*?-->|</?[A-Za-z][\w-]*(?:\s[^<>\n]*)?>|<" + _FILL + "+>", re.S)),
    ("\\", re.compile(r"\\(?=[!-/:-@\[-`{-~])")),  # the backslash of an escape
    # Block markers: a list marker or heading where the block starts; later, only what can
    # interrupt a paragraph (a wrapped line may well begin "2017. "): a bullet, "1.", ">".
    ("", re.compile(r"\A[ \t]*(?:[-*+]|\d{1,9}[.)])(?:[ \t]+|$)|\A#{1,6}[ \t]+|[ \t]+#+[ \t]*$"
                    r"|^[ \t]*(?:[-*+]|1[.)])[ \t]+|^[ \t]*>[ \t]?|^[=-]+[ \t]*$", re.M)),
    ("*", re.compile(r"\*+")),
)


def _mask(text: str, spans: Iterable[tuple[int, int]]) -> str:
    spans = list(spans)
    if not spans:
        return text
    chars = list(text)
    for start, end in spans:
        chars[start:end] = [c if c == "\n" else _FILL for c in chars[start:end]]
    return "".join(chars)


def _trim_url(url: str) -> str:
    url = url.rstrip(".,;:!?*_~")
    for opener, closer in ("()", "[]"):
        while url.endswith(closer) and url.count(closer) > url.count(opener):
            url = url[:-1].rstrip(".,;:!?")
    return url


_FULL_WIDTH_RE = re.compile("[\u3000\uff01-\uff5e]")


def _half_width(text: str) -> str:
    """Full-width ASCII forms (Ｆ１，７０％) and the ideographic space as their ASCII selves,
    one character for one so offsets still point into the block."""
    return _FULL_WIDTH_RE.sub(lambda m: " " if m.group() == "\u3000"
                              else chr(ord(m.group()) - 0xFEE0), text)


@dataclass(frozen=True)
class Anatomy:
    prose: str  # the prose, same length as the block's text, everything else masked
    plain: str  # the prose with full-width forms (，１) as ASCII: for numbers and ends
    code: Counter[str]
    math: Counter[str]
    urls: Counter[str]
    links: Counter[str]
    emphasis: Counter[str]  # "em", "strong", and "literal" for markers shown as-is

    @cached_property
    def size(self) -> int:
        """In translators' units: a word of English, a character of Chinese."""
        from .status import text_size

        return text_size(self.plain)

    @cached_property
    def cjk(self) -> int:
        return sum(map(len, _CJK_RUN_RE.findall(self.plain)))

    @cached_property
    def latin(self) -> int:
        return sum(map(len, _LATIN_RUN_RE.findall(self.plain)))


@lru_cache(maxsize=8192)
def anatomy(text: str) -> Anatomy:
    """What a block holds besides prose, and the prose alone (see `Anatomy.plain`)."""
    from markdown_it import MarkdownIt

    code_spans = list(_CODE_RE.finditer(text)) if "`" in text else []
    code = Counter(m.group(2).strip() for m in code_spans)
    masked = _mask(text, (m.span() for m in code_spans))
    math: Counter[str] = Counter()
    math_spans: list[tuple[int, int]] = []
    for needle, rx in _MATH_RES:
        if needle not in masked:
            continue
        found = list(rx.finditer(masked))
        math.update(" ".join(m.group(1).split()) for m in found)
        math_spans += [m.span() for m in found]
        masked = _mask(masked, (m.span() for m in found))
    # Markdown reads the text with math hidden, so `$x_1 * y_2$` is not taken for emphasis.
    links: Counter[str] = Counter()
    emphasis: Counter[str] = Counter()
    md_text = _mask(text, math_spans)
    markup = any(c in md_text for c in "[*_<")  # most blocks have none: skip the parser
    tokens = _markdown(MarkdownIt).parseInline(md_text)[0].children if markup else None
    for tok in tokens or []:
        if tok.type in ("link_open", "image"):
            links[_unquote(str(tok.attrs.get("href") or tok.attrs.get("src") or ""))] += 1
        elif tok.type in ("em_open", "strong_open"):
            emphasis[tok.type[:-5]] += 1
        elif tok.type == "text":
            emphasis["literal"] += len(re.findall(r"\*\*|__", tok.content))
    url_spans = [(m.start(), m.start() + len(_trim_url(m.group())))
                 for m in _URL_RE.finditer(masked)] if "://" in masked or "www." in masked \
        else []
    urls = Counter(_unquote(masked[a:b]) for a, b in url_spans)
    masked = _mask(masked, url_spans)
    for needle, rx in _SYNTAX_RES:
        if needle not in masked:
            continue
        spans: list[tuple[int, int]] = []
        for m in rx.finditer(masked):
            groups = [g for g in range(1, rx.groups + 1) if m.group(g) is not None]
            spans += [m.span(g) for g in groups] if groups else [m.span()]
        masked = _mask(masked, spans)
    return Anatomy(masked, _half_width(masked), code, math, urls, links, emphasis)


@lru_cache(maxsize=1)
def _markdown(cls: Any) -> Any:
    return cls("commonmark")


def _unquote(url: str) -> str:
    from urllib.parse import unquote

    return unquote(url).rstrip("/")


# ---------------------------------------------------------------------------------------------
# Numbers: by value, so 70B, 700亿, 70 billion and 7×10¹⁰ written any of these ways agree

_NUM = r"(?:\d{1,3}(?:,\d{3})+(?!\d)|\d+)(?:\.\d+)?"
# A line break may fall anywhere in wrapped text, even between "2.5" and "亿".
_GAP = r"[ \t]*\n?[ \t]*"
_NUMBER_RE = re.compile(
    rf"(?P<a>{_NUM})(?:{_GAP}(?:-|–|—|~|至|到){_GAP}(?P<b>{_NUM}))?"
    rf"(?:(?:{_GAP}|-(?=[a-z]))(?P<scale>万亿|千亿|百亿|十亿|千万|百万|亿|万|千(?![米克瓦])"
    r"|[kKMBbT](?![A-Za-z])|(?:thousand|million|billion|trillion)(?![A-Za-z])))?")
_SCALES = {"万亿": 10**12, "千亿": 10**11, "百亿": 10**10, "十亿": 10**9, "千万": 10**7,
           "百万": 10**6, "亿": 10**8, "万": 10**4, "千": 10**3, "k": 10**3, "K": 10**3,
           "M": 10**6, "B": 10**9, "b": 10**9, "T": 10**12, "thousand": 10**3,
           "million": 10**6, "billion": 10**9, "trillion": 10**12}
_ZH_DIGITS = {c: int(d) for c, d in zip("零〇一二两三四五六七八九", "001223456789", strict=True)}
_ZH_NUMERAL_RE = re.compile("[零〇一二两三四五六七八九十百千万亿]+")
_EN_WORDS = {w: i for i, w in enumerate(re.findall("[a-z]+", (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen")))}
_EN_WORDS.update({w: 10 * i for i, w in enumerate(re.findall(
    "[a-z]+", "twenty thirty forty fifty sixty seventy eighty ninety"), start=2)})
_EN_WORDS.update(first=1, second=2, third=3, fourth=4, fifth=5, once=1, twice=2, double=2,
                 triple=3, dozen=12, hundred=100)
_EN_NUMERAL_WORDS = {*_EN_WORDS, "thousand", "million", "billion", "trillion"}
_WORD_RE = re.compile(r"[A-Za-z]+")


def numbers(plain: str) -> dict[Decimal, tuple[str, int]]:
    """Numbers written in digits: value -> (as written, offset) of the first occurrence."""
    out: dict[Decimal, tuple[str, int]] = {}
    for m in _NUMBER_RE.finditer(plain):
        scale = _SCALES.get(m.group("scale") or "", 1)
        for name in ("a", "b"):
            if m.group(name):
                value = Decimal(m.group(name).replace(",", "")) * scale
                out.setdefault(value.normalize(), (m.group().strip(), m.start()))
    return out


def _zh_numeral(word: str) -> int:
    if not any(c in "十百千万亿" for c in word):  # 二〇二三: digit by digit
        return int("".join(str(_ZH_DIGITS[c]) for c in word))
    total, section, digit = 0, 0, 0
    for c in word:
        if c in _ZH_DIGITS:
            digit = _ZH_DIGITS[c]
        elif c in "十百千":
            section += (digit or 1) * {"十": 10, "百": 100, "千": 1000}[c]
            digit = 0
        else:
            total = (total + section + digit) * (10**4 if c == "万" else 10**8)
            section = digit = 0
    return total + section + digit


def _en_numeral(words: str) -> int:
    total, current = 0, 0
    for w in re.split(r"[\s-]+", words.lower().strip()):
        if w in ("thousand", "million", "billion", "trillion"):
            total += (current or 1) * _SCALES[w]
            current = 0
        elif w == "hundred":
            current = (current or 1) * 100
        elif w:
            current += _EN_WORDS[w]
    return total + current


def spelled_numbers(plain: str) -> set[Decimal]:
    """Numbers in words (三, 七十亿, two, seven billion): they may stand for a source's digits,
    but are never demanded — "一种" is "a kind", not the number one."""
    out = {Decimal(_zh_numeral(m.group())) for m in _ZH_NUMERAL_RE.finditer(plain)}
    run: list[str] = []  # consecutive number words: "seven billion", "twenty-five"
    end = -1
    for m in _WORD_RE.finditer(plain):
        word = m.group().lower()
        if word in _EN_NUMERAL_WORDS:
            if run and plain[end:m.start()].strip(" -\t\n"):
                out.add(Decimal(_en_numeral(" ".join(run))))
                run = []
            run.append(word)
            end = m.end()
        elif run:
            out.add(Decimal(_en_numeral(" ".join(run))))
            run = []
    if run:
        out.add(Decimal(_en_numeral(" ".join(run))))
    return {v.normalize() for v in out}


# ---------------------------------------------------------------------------------------------
# Pair checks: one translated block against its source block

Raw = tuple[str, str, str, int]  # (check, severity, message, offset in the translation or -1)
_END_CLASS = {".": "full stop", "。": "full stop", "?": "question mark", "!": "exclamation mark",
              ":": "colon", ";": "semicolon", ",": "comma", "、": "comma", "…": "ellipsis"}
_CLOSERS = ")]}\"'”’」』》】*_ \t\n" + _FILL


def _end_class(plain: str) -> str:
    text = plain.rstrip(_CLOSERS)
    if text.endswith(("...", "……", "…")):
        return "ellipsis"
    return _END_CLASS.get(text[-1:], "no punctuation") if text else "no punctuation"


def _heading_level(block: Block) -> int:
    if block.kind != "heading":
        return 0
    first, _, rest = block.text.partition("\n")
    hashes = len(first) - len(first.lstrip("#"))
    return hashes or (1 if rest.strip().startswith("=") else 2)


def _counter_diff(check: str, source: Counter[str], target: Counter[str], what: str,
                  text: str) -> list[Raw]:
    out: list[Raw] = []
    for item in sorted(source - target):
        out.append((check, ERROR, f"{what} {_show(item)} of the source is missing", -1))
    for item in sorted(target - source):
        out.append((check, WARNING, f"{what} {_show(item)} is not in the source",
                    text.find(item)))
    return out


def _show(item: str, width: int = 60) -> str:
    return repr(item if len(item) <= width else item[: width - 1] + "…")


def _script_share(a: Anatomy, lang: str) -> float:
    mine = a.cjk if lang == "zh" else a.latin
    return mine / (a.cjk + a.latin) if a.cjk + a.latin else 0.0  # nothing to translate


# Translators' units (a word of English, a character of Chinese) per unit of the source.
_EXPECTED_RATIO = {("en", "zh"): 1.6, ("zh", "en"): 0.6}


def pair_findings(source: Block, target: Block, terms: Sequence[Term] = ()) -> list[Raw]:
    """Everything wrong with `target` as a translation of `source`."""
    out: list[Raw] = []
    if source.kind != target.kind or _heading_level(source) != _heading_level(target):
        def name(b: Block) -> str:
            level = _heading_level(b)
            return f"level-{level} heading" if level else b.kind
        out.append(("structure", WARNING, f"the source is a {name(source)}, the translation "
                    f"a {name(target)}", -1))
    if "code" in (source.kind, target.kind) or "html" in (source.kind, target.kind):
        if source.kind == target.kind and source.text.strip() != target.text.strip():
            out.append(("inline-code", WARNING, "code block differs from the source's; "
                        "translate comments only", -1))
        return out
    s, t = anatomy(source.text), anatomy(target.text)
    src_numbers, tgt_numbers = numbers(s.plain), numbers(t.plain)
    # Numbers in words only matter where the digits disagree, which is seldom: read lazily.
    lost = set(src_numbers) - set(tgt_numbers) - (spelled_numbers(t.plain)
                                                    if src_numbers.keys() - tgt_numbers.keys()
                                                    else set())
    added = set(tgt_numbers) - set(src_numbers) - (spelled_numbers(s.plain)
                                                     if tgt_numbers.keys() - src_numbers.keys()
                                                     else set())
    for value in lost:
        out.append(("numbers", ERROR, f"number {src_numbers[value][0]!r} of the source is "
                    "missing", -1))
    for value in added:
        written, at = tgt_numbers[value]
        out.append(("numbers", WARNING, f"number {written!r} is not in the source", at))
    out += _counter_diff("urls", s.urls, t.urls, "URL", target.text)
    out += _counter_diff("inline-code", s.code, t.code, "code", target.text)
    out += _counter_diff("math", s.math, t.math, "formula", target.text)
    for link in sorted(s.links - t.links):
        if t.urls[link]:
            out.append(("links", WARNING, f"link to {_show(link)} became plain text", -1))
        elif not s.urls[link]:  # URLs have their own check; this is a relative target
            out.append(("links", ERROR, f"link to {_show(link)} is missing", -1))
    for link in sorted(t.links - s.links):
        out.append(("links", WARNING, f"link to {_show(link)} is not in the source",
                    target.text.find(link)))
    if t.emphasis["literal"] > s.emphasis["literal"]:
        out.append(("emphasis", WARNING, "** or __ will show as-is: Markdown does not close "
                    "emphasis between a letter and punctuation such as “” or ，; put a space "
                    "outside the markers or move the punctuation inside", -1))
    else:
        for kind, word in (("em", "emphasis (*…*)"), ("strong", "bold (**…**)")):
            if s.emphasis[kind] != t.emphasis[kind]:
                out.append(("emphasis", WARNING, f"{word}: {s.emphasis[kind]} in the source, "
                            f"{t.emphasis[kind]} in the translation", -1))
    src_end, tgt_end = _end_class(s.plain), _end_class(t.plain)
    if src_end != tgt_end:
        out.append(("end-punctuation", WARNING, f"the source ends with a {src_end}, the "
                    f"translation with a {tgt_end}", -1))
    out += _glossary_findings(source, target, s.plain, t.plain, terms)
    src_size, tgt_size = s.size, t.size
    # A list of paper titles is often left in English on purpose: only sentences count.
    sentence = source.kind == "paragraph" or _end_class(s.plain) in ("full stop",
                                                                      "question mark")
    if sentence and _script_share(s, source.lang) > 0.5:
        if " ".join(source.text.split()) == " ".join(target.text.split()):
            out.append(("untranslated", WARNING, "identical to its source", -1))
        elif src_size >= 3 and _script_share(t, target.lang) < 0.2:
            out.append(("untranslated", WARNING, f"hardly any {target.lang} text: still in "
                        f"{source.lang}?", -1))
    expected = _EXPECTED_RATIO.get((source.lang, target.lang), 1.0)
    if src_size >= 15 and not 1 / 3 <= tgt_size / (src_size * expected) <= 3:
        out.append(("length", WARNING, f"{tgt_size} units for a source of {src_size} (words "
                    f"of English, characters of Chinese): cut short or padded?", -1))
    return out


@lru_cache(maxsize=4096)
def _term_re(form: str, case_sensitive: bool) -> re.Pattern[str]:
    """A term as a whole word; hyphen, space or nothing between its parts, and an English
    -s/-es/-d/-ed on the end, are all the same term."""
    if not re.search("[A-Za-z0-9]", form):
        return re.compile(re.escape(form))
    body = r"[-\s]?".join(re.escape(p) for p in re.split(r"[-\s]+", form))
    tail = r"(?:s|es|d|ed)?" if form[-1].isalpha() else ""
    return re.compile(rf"(?<![A-Za-z0-9]){body}{tail}(?![A-Za-z0-9])",
                      0 if case_sensitive else re.IGNORECASE)


def _has(plain: str, forms: Iterable[str], keep: bool) -> str | None:
    return next((f for f in forms if _term_re(f, keep).search(plain)), None)


def _glossary_findings(source: Block, target: Block, src: str, tgt: str,
                       terms: Sequence[Term]) -> list[Raw]:
    out: list[Raw] = []
    for term in terms:
        src_forms, tgt_forms = term.forms.get(source.lang), term.forms.get(target.lang)
        if not src_forms or not tgt_forms:
            continue
        found = _has(src, src_forms, term.keep)
        if found is None:
            continue
        if _has(tgt, tgt_forms, term.keep) is None:
            how = ("keep it as is (glossary: not translated)" if term.keep
                   else f"the glossary translates it {tgt_forms[0]!r}")
            out.append(("glossary", WARNING, f"the source has {found!r}: {how}", -1))
        wrong = _has(tgt, term.avoid.get(target.lang, ()), False)
        if wrong is not None:
            out.append(("glossary", WARNING, f"{wrong!r} for {found!r}: the glossary says "
                        f"{tgt_forms[0]!r}", tgt.find(wrong)))
    return out


# ---------------------------------------------------------------------------------------------
# Text checks: typography of Chinese text, balance of brackets in any translation

_H = f"[{_CJK}]"
_SP = "[ \\t\\u3000]"
_SPACING_RULES = (
    (re.compile(f"(?<={_H})[A-Za-z0-9]|[A-Za-z0-9](?={_H})"),
     "no space between Chinese and Latin text"),
    (re.compile(f"(?<={_H}){_SP}+(?={_H})"), "a space between Chinese characters"),
    (re.compile(f"{_SP}+[，。、；：？！）》」』】]|[，。、；：？！（《「『【]{_SP}+(?=\\S)"),
     "a space next to full-width punctuation (it has its own)"),
    (re.compile(f"(?<={_H})[,;:]{_SP}+(?={_H})|(?<={_H}){_SP}+[,;:!?]"),
     "a space around a comma or colon inside Chinese"),
)
_DOUBLED_RE = re.compile("[,，、。;；:：?？!！]{2,}")
_ASCII_STOP_RE = re.compile(f"(?<={_H})\\.(?=\\s|$|{_H})")
# (ASCII, full-width) forms of the marks whose width is a house style.
_WIDTHS = dict(zip(",:;?!()", "，：；？！（）", strict=True))
# An ASCII mark counts as Chinese punctuation when a Chinese character touches it.
_NARROW_RE = re.compile(f"(?<={_H})[,:;?!()]|[,:;?!()](?={_H})")
_WIDE_RE = re.compile("[，：；？！（）]")
_PAIRS = {"(": ")", "（": "）", "[": "]", "【": "】", "《": "》", "「": "」", "『": "』", "“": "”"}
_CLOSING = {v: k for k, v in _PAIRS.items()}
_BRACKET_RE = re.compile("[" + re.escape("".join(_PAIRS) + "".join(_CLOSING)) + "]")
_ENUMERATOR_RE = re.compile(r"(?:^|\n)[ \t]*[A-Za-z0-9]{1,3}$")


def _near(text: str, at: int) -> str:
    snippet = text[max(at - 8, 0): at + 9].replace("\n", " ").replace(_FILL, "…")
    return f"'{snippet.strip()}'"


def spacing_findings(prose: str) -> list[Raw]:
    out: list[Raw] = []
    for rx, what in _SPACING_RULES:
        for m in rx.finditer(prose):
            out.append(("cjk-spacing", WARNING, f"{what}: {_near(prose, m.start())}",
                        m.start()))
    return out


def punctuation_findings(prose: str, style: str = "any") -> list[Raw]:
    out: list[Raw] = []
    for m in _DOUBLED_RE.finditer(prose):
        if not set(m.group()) <= set("?？!！"):  # ?! is emphatic, not a slip
            out.append(("cjk-punctuation", WARNING, f"doubled punctuation {m.group()!r}: "
                        f"{_near(prose, m.start())}", m.start()))
    for m in _ASCII_STOP_RE.finditer(prose):
        out.append(("cjk-punctuation", WARNING, f"ASCII '.' ends a Chinese sentence, use 。: "
                    f"{_near(prose, m.start())}", m.start()))
    seen: dict[str, list[int]] = {}
    for m in _NARROW_RE.finditer(prose):
        seen.setdefault(m.group(), []).append(m.start())
    for m in _WIDE_RE.finditer(prose):
        seen.setdefault(m.group(), []).append(m.start())
    for ascii_mark, wide in _WIDTHS.items():
        narrow, full = seen.get(ascii_mark, []), seen.get(wide, [])
        if style == "fullwidth":
            wrong, hint = narrow, f"use full-width {wide!r}, not {ascii_mark!r}"
        elif style == "ascii":
            wrong, hint = full, f"house style is ASCII {ascii_mark!r}, not {wide!r}"
        elif narrow and full:
            wrong = narrow if len(narrow) <= len(full) else full
            hint = f"mixes {wide!r} ({len(full)}) and {ascii_mark!r} ({len(narrow)}); pick one"
        else:
            continue
        if wrong:
            more = f" ({len(wrong)} times)" if len(wrong) > 1 else ""
            out.append(("cjk-punctuation", WARNING, f"{hint}{more}: {_near(prose, wrong[0])}",
                        wrong[0]))
    return out


def bracket_findings(prose: str) -> list[Raw]:
    """Unbalanced brackets and quotes; the first problem of the block, and how many."""
    problems: list[tuple[int, str]] = []
    stack: list[tuple[str, int]] = []
    for m in _BRACKET_RE.finditer(prose):
        i, c = m.start(), m.group()
        if c in _PAIRS:
            stack.append((c, i))
        elif stack and stack[-1][0] == _CLOSING[c]:
            stack.pop()
        elif stack and c in ")）" and stack[-1][0] in "(（":
            problems.append((i, f"{stack.pop()[0]!r} closed by {c!r}"))
        elif c == ")" and (_ENUMERATOR_RE.search(prose, 0, i) or prose[i - 1:i] in (":", ";")):
            continue  # "a) first point", or a smiley
        else:
            problems.append((i, f"{c!r} closes nothing"))
    problems += [(i, f"{c!r} is never closed") for c, i in stack]
    if prose.count('"') % 2:
        problems.append((prose.index('"'), "an odd number of '\"'"))
    if not problems:
        return []
    problems.sort()
    at, what = problems[0]
    more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
    return [("brackets", WARNING, f"{what}{more}: {_near(prose, at)}", at)]


def text_findings(block: Block, style: str = "any") -> list[Raw]:
    """Typography of one block in its own language: brackets always, Chinese rules in zh."""
    if block.kind in ("code", "html"):
        return []
    prose = anatomy(block.text).prose
    out = bracket_findings(prose)
    if block.lang == "zh":
        out = spacing_findings(prose) + punctuation_findings(prose, style) + out
    return out


# ---------------------------------------------------------------------------------------------
# Collection checks: metadata a translation file contradicts, years that lists disagree on

_META_KEYS = ("title", "authors", "year", "venue", "arxiv", "doi", "url", "citations", "area",
              "lists", "conflicts")


def _comparable(key: str, value: Any) -> Any:
    if key in ("year", "citations"):
        return int(value) if isinstance(value, str) and value.strip().isdigit() else value
    if key == "lists" and isinstance(value, list):
        return sorted(str(v).strip() for v in value)
    if key == "authors" and isinstance(value, list):
        return [str(v).strip() for v in value]
    if key == "conflicts" and isinstance(value, list):
        return sorted(tuple(str(c.get(k, "")) for k in ("field", "value", "source"))
                      if isinstance(c, dict) else (str(c),) for c in value)
    return value.strip() if isinstance(value, str) else value


def metadata_findings(paper: Paper, front: dict[str, Any], front_text: str,
                      meta_file: str) -> list[tuple[int, str, str]]:
    """(line, severity, message) for each metadata field a translation file repeats with a
    value of its own. The loader reads metadata only from the source-language file, so such
    a value is silently ignored — and when it differs, one of the two files is wrong."""
    out: list[tuple[int, str, str]] = []
    for key in _META_KEYS:
        if key not in front or front[key] in ("", None, []):
            continue
        mine = _comparable(key, front[key])
        value = getattr(paper.meta, key)
        if key == "conflicts":
            value = [{"field": c.field, "value": c.value, "source": c.source} for c in value]
        theirs = _comparable(key, value)
        if mine == theirs:
            continue
        m = re.search(rf"^{key}\s*:", front_text, re.M)
        line = 2 + (front_text.count("\n", 0, m.start()) if m else 0)
        if theirs in (None, [], ""):
            out.append((line, WARNING, f"'{key}' is ignored here: metadata is read from "
                        f"{meta_file}, which has no '{key}'; move it there"))
        else:
            hint = "; a title in this language goes in 'local_title'" if key == "title" else ""
            out.append((line, ERROR, f"'{key}' is {_brief(mine)} here but {_brief(theirs)} in "
                        f"{meta_file}, where metadata is read from{hint}"))
    return out


def _brief(value: Any) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(_brief(v) for v in value) + "]"
    return _show(str(value), 50) if not isinstance(value, int) else str(value)


def entries_by_paper(collection: Collection) -> dict[str, list[tuple[ReadingList, Entry]]]:
    out: dict[str, list[tuple[ReadingList, Entry]]] = {}
    for rl in collection.lists.values():
        for e in rl.entries:
            out.setdefault(e.paper, []).append((rl, e))
    return out


def year_findings(paper: Paper, entries: Sequence[tuple[ReadingList, Entry]], meta_file: str
                  ) -> list[tuple[Path | str, int | None, str]]:
    """(file, line, message) for each list whose year for `paper` disagrees with the
    paper's metadata (or, without one, with most lists), including disagreements the
    importer recorded under `conflicts` (reported in the paper's file, line None: the
    model does not keep front-matter lines)."""
    claims = [(rl, e) for rl, e in entries if e.year is not None]
    reference = paper.meta.year
    if reference is None:
        years = Counter(e.year for _, e in claims)
        if len(years) < 2:
            return []
        reference = years.most_common(1)[0][0]
    out: list[tuple[Path | str, int | None, str]] = []
    reported = set()
    for rl, e in claims:
        if e.year != reference:
            reported.add(rl.id)
            out.append((rl.path or rl.id, e.line or 1,
                        f"{paper.id}: year {e.year} here, but {reference} in {meta_file}; "
                        "fix the wrong one (and drop the `conflicts` entry)"))
    for c in paper.meta.conflicts:
        if c.field == "year" and c.value != str(reference) and c.source not in reported:
            out.append((meta_file, None, f"list {c.source!r} gave year {c.value}, the metadata "
                        f"keeps {reference}; decide, then drop the `conflicts` entry"))
    return out


# ---------------------------------------------------------------------------------------------
# Running the checks


@dataclass
class CheckReport:
    findings: list[Finding] = field(default_factory=list)
    papers: int = 0
    pairs: int = 0  # translated blocks compared with their source
    blocks: int = 0  # blocks whose typography was checked

    def count(self, severity: str) -> int:
        return sum(f.severity == severity for f in self.findings)

    def exit_code(self, strict: bool = False) -> int:
        failing = (ERROR, WARNING) if strict else (ERROR,)
        return 1 if any(f.severity in failing for f in self.findings) else 0


def read_front(text: Text) -> tuple[dict[str, Any], str]:
    """A file's front matter as the loader saw it, before it dropped what it does not use."""
    from .store import load_yaml, read_text, split_front_matter

    front_text, _, _ = split_front_matter(read_text(text.path))
    front = load_yaml(front_text, text.path, 2) if front_text and front_text.strip() else {}
    return (front if isinstance(front, dict) else {}), front_text or ""


def run_checks(collection: Collection, languages: Sequence[str], root: Path,
               terms: Sequence[Term] = (), options: Options = Options(),
               lang: str | None = None, paper_ids: Iterable[str] | None = None,
               checks: Iterable[str] | None = None, front_of: Any = read_front) -> CheckReport:
    from .status import CURRENT, MACHINE_STATE, paper_status

    enabled = set(checks) if checks else set(CHECKS) - options.disable
    report = CheckReport()

    def rel(path: Path | str) -> str:
        p = Path(path)
        return p.relative_to(root).as_posix() if p.is_absolute() and p.is_relative_to(root) \
            else p.as_posix()

    def add(raws: Iterable[Raw], block: Block, paper: Paper, file: str,
            severity: str | None = None) -> None:
        for check, sev, message, at in raws:
            if check in enabled:
                line = block.line + (block.text.count("\n", 0, at) if at > 0 else 0)
                report.findings.append(Finding(file, line, check, severity or sev, message,
                                               paper.id, block.lang))

    ids = list(paper_ids) if paper_ids is not None else sorted(collection.papers)
    entries = entries_by_paper(collection)
    codes = [c for c in languages if lang in (None, c)]
    for paper in (collection.papers[pid] for pid in ids):
        report.papers += 1
        meta_file = rel(paper.texts[paper.source_lang].path) if paper.source_lang in \
            paper.texts else f"content/{paper.source_lang}/{paper.id}.md"
        for code in codes:
            text = paper.texts.get(code)
            if text is None:
                continue
            file = rel(text.path)
            if any(not b.is_original for b in text.blocks):
                status = paper_status(paper, code, languages)
                for unit in status.units:
                    if unit.source and unit.block and unit.state in (CURRENT, MACHINE_STATE):
                        report.pairs += 1
                        add(pair_findings(unit.source, unit.block, terms), unit.block, paper,
                            file)
                for orphan in status.orphans:
                    add([("orphan", ERROR, f"translation from {orphan.block.origin} has no "
                          f"source block: {orphan.reason}; delete it, or translate the "
                          "paragraph it replaced", -1)], orphan.block, paper, file)
            if enabled & set(_STYLE_CHECKS):
                for block in text.blocks:
                    severity = None
                    if block.is_original:
                        if code != "zh" or options.originals == "off":
                            continue
                        severity = options.originals
                    report.blocks += 1
                    add(text_findings(block, options.zh_punctuation), block, paper, file,
                        severity)
            if text.meta_in is not None and "metadata" in enabled:
                front, front_text = front_of(text)
                for line, sev, message in metadata_findings(paper, front, front_text,
                                                            meta_file):
                    report.findings.append(Finding(file, line, "metadata", sev, message,
                                                   paper.id, code))
        if "conflicting-year" in enabled and lang is None:
            for path, line, message in year_findings(paper, entries.get(paper.id, []),
                                                     meta_file):
                if line is None:
                    line = _conflict_line(root / meta_file)
                report.findings.append(Finding(rel(path), line, "conflicting-year", WARNING,
                                               message, paper.id))
    report.findings.sort()
    return report


def _conflict_line(path: Path) -> int:
    """The line of the `- field: year` entry under `conflicts` in a paper's file."""
    from .store import read_text

    try:
        text = read_text(path)
    except PublishError:
        return 1
    m = re.search(r"^\s*-\s*field:\s*['\"]?year", text, re.M)
    return text.count("\n", 0, m.start()) + 1 if m else 1


def check_project(config: Config, lang: str | None = None, list_id: str | None = None,
                  papers: Sequence[str] = (), checks: Sequence[str] = ()) -> CheckReport:
    """Load the project and run the checks on the papers chosen: `publish check`."""
    from .store import load_collection

    collection = load_collection(config)
    terms, options = load_project_files(config)
    unknown = [c for c in checks if c not in CHECKS]
    if unknown:
        raise PublishError(f"unknown check {unknown[0]!r} (known: {', '.join(CHECKS)})")
    ids = sorted(collection.papers)
    if list_id is not None:
        if list_id not in collection.lists:
            known = ", ".join(sorted(collection.lists)) or "none yet"
            raise PublishError(f"unknown list id {list_id!r} (known: {known})")
        ids = [p.id for p in collection.in_list(list_id)]
    if papers:
        missing = [p for p in papers if p not in collection.papers]
        if missing:
            from rapidfuzz import process

            near = process.extract(missing[0], list(collection.papers), limit=3)
            hint = f"; did you mean {', '.join(n[0] for n in near)}?" if near else ""
            raise PublishError(f"unknown paper id {missing[0]!r}{hint}")
        ids = [p for p in ids if p in set(papers)]
    return run_checks(collection, config.languages, config.root, terms, options, lang, ids,
                      checks)


def _n(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 or word == 'info' else 's'}"


def format_table(report: CheckReport) -> str:
    checked = (f"{_n(report.pairs, 'translated block')} and {_n(report.blocks, 'block')} of "
               f"text in {_n(report.papers, 'paper')}")
    if not report.findings:
        return f"No findings: checked {checked}.\n"
    rows = [(f"{f.file}:{f.line}", f.check, f.severity, f.message) for f in report.findings]
    widths = [max(len(r[i]) for r in rows) for i in range(3)]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(r[:3], widths, strict=True)) + "  "
             + r[3] for r in rows]
    files = len({f.file for f in report.findings})
    lines.append(f"\n{_n(report.count(ERROR), 'error')}, {_n(report.count(WARNING), 'warning')}"
                 f", {report.count(INFO)} info in {_n(files, 'file')}; checked {checked}.")
    return "\n".join(lines) + "\n"


def format_json(report: CheckReport) -> str:
    return json.dumps([f.as_dict() for f in report.findings], ensure_ascii=False, indent=2)
