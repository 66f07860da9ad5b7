"""Generate a synthetic publish project tree for benchmarks.

    python benchmarks/gen_tree.py /tmp/tree-10k --papers 10000 [--seed 0] [--zh-share 1.0]

Writes OUT_DIR/publish.toml, content/en/<id>.md for every paper, content/zh/<id>.md for a
share of them (`meta_in: en`, each translated block preceded by a translation marker whose
`src` is the real `publish.blocks.block_hash` of the English block; a few machine
translations, a few outdated ones with a stale hash, a few untranslated blocks and a few
Chinese originals without a marker) and content/lists/<id>.yaml for five reading lists.

Output is a pure function of (--papers, --seed, --zh-share): the same bytes every run.

Speed: PyYAML's pure-Python dumper costs ~0.7 ms per front matter, too slow for 100,000
papers, so front matter and lists are written by a small template emitter here. To keep the
format in sync with the package, the first --verify papers (and a prefix of every list) are
also rendered with `publish.content.files.paper_to_files` / `render_list_file` and must match byte
for byte, and their blocks are re-read with `publish.blocks.split_blocks`; any scalar the
template emitter is not sure about is rendered by `publish.content.files.dump_yaml` itself.
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import os
import random
import re
import shutil
import sys
import time
import unicodedata
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path

from publish.blocks import HASH_LENGTH, block_hash, format_marker, split_blocks
from publish.config import DEFAULT_TOML
from publish.content.files import dump_yaml, paper_to_files, render_list_file
from publish.ids import slugify
from publish.model import Entry, Meta, Paper, ReadingList, Text

STAMP = ".gen_tree"  # marks a folder this script made, so --force only ever removes those
REPO = Path(__file__).resolve().parent.parent
BASE_DAY = date(2026, 11, 23)

# ---------------------------------------------------------------------------------------------
# Word material

AREAS = ("Computer Vision", "NLP", "Speech", "Multimodal", "Core ML", "RecSys", "RL",
         "Graph ML")
VENUES = ("NeurIPS", "ICML", "ICLR", "CVPR", "ICCV", "ACL", "EMNLP", "NAACL", "AAAI", "KDD",
          "Interspeech", "TMLR")
FIRST = ("Alice", "Wei", "Yann", "Ashish", "Noam", "Li", "Jing", "Sebastian", "Maria", "Hugo",
         "Priya", "Ahmed", "Olga", "Kenji", "Fatima", "Lucas", "Chen", "Sara", "Diederik",
         "Ilya", "Yoshua", "Geoffrey", "Fei", "Andrej", "Oriol", "Jakob", "Lukasz", "Niki",
         "Aidan", "Tim", "Mira", "Xiang", "Yi", "Hao", "Zhi", "Elena", "Tomas", "Ravi", "Ana",
         "Julien", "Mohammad", "Sun", "Kai", "Lin", "Tao", "Ming", "Ruth", "Daniel", "Emma")
MIDDLE = ("", "", "", "", "", "N. ", "P. ", "J. ", "A. ", "K. ")
LAST = ("Zhang", "Wang", "Li", "Liu", "Chen", "Yang", "Huang", "Zhao", "Wu", "Zhou", "Smith",
        "Johnson", "Brown", "Garcia", "Miller", "Davis", "Kingma", "Vaswani", "Shazeer",
        "Parmar", "Uszkoreit", "Jones", "Gomez", "Kaiser", "Polosukhin", "Hinton", "Bengio",
        "LeCun", "Sutskever", "Karpathy", "Vinyals", "Touvron", "Lample", "Raffel", "Devlin",
        "Radford", "Brown", "Kaplan", "Hoffmann", "Chowdhery", "Kumar", "Singh", "Tanaka",
        "Sato", "Kim", "Park", "Nguyen", "Rossi", "Muller", "Novak", "Ivanova", "Haddad")
PREFIX = ("Sparse", "Flash", "Deep", "Mega", "Retro", "Fast", "Long", "Uni", "Omni", "Meta",
          "Auto", "Self", "Contra", "Diff", "Graph", "Vision", "Speech", "Point", "Neural",
          "Hyper", "Mix", "Tiny", "Open", "Insta", "Cross", "Token", "Prompt", "Chain",
          "Reward", "Latent", "Masked", "Quant", "Lo", "Mamba", "Swin", "Dense", "Wave")
SUFFIX = ("Former", "Net", "GPT", "BERT", "Diffusion", "Attention", "Mixer", "LM", "Flow",
          "GAN", "RL", "Seg", "CLIP", "Align", "Tune", "Merge", "Prune", "Route", "Agent",
          "Search", "Coder", "Vox", "Fusion", "Gen", "Rank", "Walk", "Pool")
ADJ = ("Efficient", "Scalable", "Robust", "Sparse", "Self-Supervised", "Contrastive",
       "Hierarchical", "Multilingual", "Parameter-Efficient", "Unified", "Adaptive",
       "Causal", "Generative", "Differentiable", "Zero-Shot", "Few-Shot", "Long-Context",
       "Memory-Efficient", "Interpretable", "Multimodal", "Federated", "Quantized")
NOUN = ("Transformers", "Language Models", "Diffusion Models", "Graph Neural Networks",
        "Vision Transformers", "Mixture of Experts", "State Space Models", "Retrieval",
        "Representation Learning", "Reward Models", "Policy Optimization", "Embeddings",
        "Attention", "Tokenizers", "Autoencoders", "Speech Recognition", "World Models",
        "Knowledge Distillation", "Instruction Tuning", "Preference Optimization")
TASK = ("Image Classification", "Machine Translation", "Question Answering",
        "Code Generation", "Text-to-Image Synthesis", "Object Detection", "Summarization",
        "Recommendation", "Protein Folding", "Speech Synthesis", "Mathematical Reasoning",
        "Video Understanding", "Semantic Segmentation", "Dialogue", "Robot Control",
        "Link Prediction", "Open-Domain Retrieval", "Long Document Understanding")
PROPERTY = ("Expressivity", "Sample Complexity", "Robustness", "Calibration",
            "Generalization", "Emergent Abilities", "Scaling Laws", "Inductive Biases",
            "Optimization Landscape", "Memorization")

# Sentence templates: {m} method name, {n} noun, {t} task, {a} adjective, {x} inline math,
# {u} a URL, {k} a number. Lowercased nouns/tasks read as running text.
EN_TEMPLATES = (
    "We introduce {m}, a {a} approach to {t} built on {n}.",
    "Unlike prior work on {n}, {m} does not require labelled data for {t}.",
    "The key idea is to replace dense attention with a routing step whose cost grows as {x}.",
    "On standard benchmarks for {t}, {m} improves accuracy by {k} points over the strongest "
    "baseline while using fewer parameters.",
    "We analyse why {n} fail on {t} and show that the loss is bounded by {x} under mild "
    "assumptions.",
    "Code and pretrained checkpoints are available at {u} under a permissive licence.",
    "Ablations show that both the {a} objective and the curriculum matter, and that removing "
    "either costs about {k} points.",
    "Training uses a learning rate of {x} with cosine decay and a batch of {k} thousand "
    "examples.",
    "A human evaluation with {k} annotators confirms that the gains are not an artefact of "
    "the automatic metrics.",
    "We further show that {n} trained this way transfer to {t} with only a few examples.",
    "The method scales to models with {k} billion parameters without changes to the "
    "optimiser or the data pipeline.",
    "Our analysis connects the behaviour of {n} to classical results on {t}, see {u} for "
    "the full derivation.",
    "Surprisingly, the simplest variant, which only rescales the logits by {x}, performs "
    "best on {t}.",
    "Limitations include the reliance on English-centric data and the cost of the {a} "
    "pretraining stage.",
)
MATH = ("$x^2$", "$O(n \\log n)$", "$\\alpha = 0.1$", "$\\mathbb{E}[x]$",
        "$d_{model} = 512$", "$\\sqrt{d_k}$", "$3 \\times 10^{-4}$", "$O(n^2)$",
        "$\\lambda \\in [0, 1]$", "$p(y \\mid x)$")
URLS = ("https://arxiv.org/abs/{arxiv}", "https://github.com/example-lab/{slug}",
        "https://openreview.net/forum?id={slug}", "https://huggingface.co/example/{slug}")

# Common Chinese characters: text that looks like Chinese, and costs nothing to make.
# Numerals are left out (a checker would read 三 or 万 as numbers the source lacks).
_CJK_ALL = (
    "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下"
    "过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两"
    "体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线"
    "内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并"
    "提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见"
    "计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处队南给色光门即保治北造百规热领七"
    "海口东导器压志世金增争济阶油思术极交受联什认六共权收证改清己美再采转更单风切打白教速花带安场"
    "身车例真务具万每目至达走积示议声报斗完类八离华名确才科张信马节话米整空元况今集温传土许步群广"
    "石记需段研界拉林律叫且究观越织装影算低持音众书布复容儿须际商非验连断深难近矿千周委素技备半办"
    "青省列习响约支般史感劳便团往酸历市克何除消构府称太准精值号率族维划选标写存候毛亲快效斯院查江"
)
CJK = "".join(dict.fromkeys(c for c in _CJK_ALL if c not in "零〇一二两三四五六七八九十百千万亿"))
CJK_PUNCT = "，"
TRANSLATORS = ("alice", "bob", "chen", "dana", "lin")


_LIST_MARK_RE = re.compile(r"^\s*(?:[-*+]|\d{1,9}[.)])\s+")  # as publish.blocks


def fast_block_hash(text: str) -> str:
    """`publish.blocks.block_hash`, four times faster: `"".join(text.split())` removes exactly
    the characters `re.sub(r"\\s+", "", text)` does (both use str.isspace), and the rest is
    the same steps. verify_papers() checks the two agree on the first --verify papers."""
    text = _LIST_MARK_RE.sub("", unicodedata.normalize("NFC", text), count=1)
    return hashlib.sha1("".join(text.split()).encode("utf-8")).hexdigest()[:HASH_LENGTH]


def _zh_run(rng: random.Random, n: int) -> str:
    return "".join(rng.choices(CJK, k=n))


def _zh_sentence(rng: random.Random, tokens: list[str]) -> str:
    """15-45 characters in 2-4 clauses, with the English sentence's names, math, URLs and
    numbers kept, each after a space (Chinese next to Latin text or digits takes one) and
    right before the clause's full-width comma or full stop (which takes none)."""
    parts = [_zh_run(rng, rng.randint(5, 13)) for _ in range(rng.randint(2, 4))]
    for tok in tokens:
        i = rng.randrange(len(parts))
        parts[i] = f"{parts[i]} {tok}"
    return CJK_PUNCT.join(parts) + "。"


@dataclass
class SentencePool:
    """Pairs of (English sentence with {m} left for the method name, matching zh sentence)."""

    en: list[str] = field(default_factory=list)
    zh: list[str] = field(default_factory=list)
    words: list[int] = field(default_factory=list)
    naming: list[int] = field(default_factory=list)  # sentences that name the method


def build_pool(rng: random.Random, size: int = 4000) -> SentencePool:
    pool = SentencePool()
    for _ in range(size):
        tpl = rng.choice(EN_TEMPLATES)
        tokens: list[str] = []
        fill = {
            "m": "{m}",
            "n": rng.choice(NOUN).lower(),
            "t": rng.choice(TASK).lower(),
            "a": rng.choice(ADJ).lower(),
            "x": rng.choice(MATH),
            "u": rng.choice(URLS).format(arxiv=f"{rng.randint(1501, 2412)}."
                                               f"{rng.randint(1, 29999):05d}",
                                         slug=slugify(rng.choice(NOUN))),
            "k": str(rng.randint(2, 90)),
        }
        # What a translation keeps: names, math, URLs and numbers (a scale in Chinese).
        for m in re.finditer(r"\{([mxuk])\}( thousand| billion)?", tpl):
            key, scale = m.groups()
            if key != "k":
                tokens.append(fill[key])
            elif scale == " thousand":
                tokens.append(f"{fill['k']} 千")
            elif scale == " billion":
                tokens.append(f"{int(fill['k']) * 10} 亿")
            else:
                tokens.append(fill["k"])
        en = tpl.format(**fill)
        pool.en.append(en)
        pool.zh.append(_zh_sentence(rng, tokens))
        pool.words.append(en.count(" ") + 1)
        if "{m}" in en:
            pool.naming.append(len(pool.en) - 1)
    return pool


# ---------------------------------------------------------------------------------------------
# YAML: a template emitter for the few shapes used here, checked against dump_yaml

_PLAIN_RE = re.compile(r"[A-Za-z\u4e00-\u9fff][A-Za-z0-9\u4e00-\u9fff .,()/'&+-]*"
                       r"[A-Za-z0-9\u4e00-\u9fff.)]")
# DOIs and bare https URLs as generated here: plain for PyYAML too (no ': ', not a number).
_PLAIN_EXTRA_RE = re.compile(r"10\.[0-9]{4,9}/[a-z0-9.-]+|https://[a-z0-9.-]+/")
_NUMBER_RE = re.compile(r"[0-9]+\.[0-9]+")  # an arXiv id reads as a float: quoted
_NOT_PLAIN_WORDS = {"yes", "no", "on", "off", "true", "false", "null", "y", "n"}


@lru_cache(maxsize=65536)
def _dumped(value: str) -> str:
    return dump_yaml({"k": value})[3:-1]


def _plain_ok(value: str) -> bool:
    return bool(_PLAIN_RE.fullmatch(value)) and "  " not in value and " #" not in value


def _plain_extra(value: str) -> bool:
    return bool(_PLAIN_EXTRA_RE.fullmatch(value))


def yscalar(value: str) -> str:
    """How `publish.content.files.dump_yaml` writes a string value, for the shapes generated here:
    plain, or single-quoted when a plain scalar would read as a number or has ': ' in it;
    anything else is left to dump_yaml itself."""
    if (_plain_ok(value) and value.lower() not in _NOT_PLAIN_WORDS) or _plain_extra(value):
        return value
    if _NUMBER_RE.fullmatch(value) or (": " in value and _plain_ok(value.replace(": ", " "))):
        return "'" + value.replace("'", "''") + "'"
    return _dumped(value)


def ylist(key: str, items: list[str]) -> str:
    return f"{key}:\n" + "".join(f"  - {yscalar(v)}\n" for v in items)


# ---------------------------------------------------------------------------------------------
# Papers


@dataclass
class GenPaper:
    id: str
    meta: Meta
    en_body: str
    zh_body: str | None = None
    local_title: str | None = None
    blocks: list[tuple[str, str]] = field(default_factory=list)  # (kind, en text)
    zh_plan: list[str] = field(default_factory=list)  # per zh block: how it was made


def _title(rng: random.Random) -> tuple[str, str]:
    method = rng.choice(PREFIX) + rng.choice(SUFFIX)
    if rng.random() < 0.3:
        method += f"-{rng.randint(1, 99)}"
    a, n, t = rng.choice(ADJ), rng.choice(NOUN), rng.choice(TASK)
    shape = rng.randrange(6)
    if shape == 0:
        title = f"{method}: {a} {n} for {t}"
    elif shape == 1:
        title = f"{a} {n} for {t}"
    elif shape == 2:
        title = f"Towards {a} {t} with {n}"
    elif shape == 3:
        title = f"On the {rng.choice(PROPERTY)} of {a} {n}"
    elif shape == 4:
        title = f"{method}: Scaling {n} to {rng.randint(2, 500)} Billion Parameters"
    else:
        title = f"Learning {t} with {a} {n}"
    return title, method


def _block_text(rng: random.Random, pool: SentencePool, method: str,
                first: bool) -> tuple[str, list[int]]:
    target = rng.randint(40, 120)
    picks: list[int] = []
    words = 0
    while words < target:
        # A paper opens with a sentence that names its method.
        i = rng.choice(pool.naming) if first and not picks else rng.randrange(len(pool.en))
        picks.append(i)
        words += pool.words[i]
    return " ".join(pool.en[i] for i in picks).replace("{m}", method), picks


def make_paper(rng: random.Random, pool: SentencePool, taken: set[str],
               list_ids: list[str], zh: bool) -> GenPaper:
    title, method = _title(rng)
    year = rng.randint(2012, 2025)
    pid = slugify(title)
    if pid in taken:  # as the importer does: add the year, else a number
        candidates = itertools.chain([f"{pid}-{year}"], (f"{pid}-{n}" for n in itertools.count(2)))
        pid = next(c for c in candidates if c not in taken)
    taken.add(pid)
    meta = Meta(title=title)
    meta.authors = [f"{rng.choice(FIRST)} {rng.choice(MIDDLE)}{rng.choice(LAST)}"
                    for _ in range(rng.randint(3, 8))]
    meta.year = year
    if rng.random() < 0.4:
        meta.venue = f"{rng.choice(VENUES)} {year}"
    if rng.random() < 0.9:
        digits = 5 if year >= 2015 else 4
        meta.arxiv = (f"{year % 100:02d}{rng.randint(1, 12):02d}."
                      f"{rng.randint(1, 10 ** digits - 1):0{digits}d}")
    if rng.random() < 0.1:
        meta.doi = f"10.{rng.randint(1000, 9999)}/{slugify(method)}.{year}.{rng.randint(1, 999)}"
    if rng.random() < 0.05:
        meta.url = f"https://{slugify(method)}.github.io/"
    meta.citations = min(int(rng.paretovariate(1.1) * 20) - 20, 250_000)
    meta.area = rng.choice(AREAS)
    meta.lists = sorted(rng.sample(list_ids, rng.choice((1, 1, 1, 2))))

    n_blocks = rng.randint(2, 6)
    style = rng.random()  # paragraphs only, a paragraph then a list, or a list only
    blocks: list[tuple[str, str, list[int]]] = []
    for b in range(n_blocks):
        kind = ("paragraph" if style < 0.5 or (style < 0.8 and b == 0) else "item")
        text, picks = _block_text(rng, pool, method, first=b == 0)
        blocks.append((kind, "- " + text if kind == "item" else text, picks))
    en_body = _join([(k, t) for k, t, _ in blocks])
    paper = GenPaper(id=pid, meta=meta, en_body=en_body,
                     blocks=[(k, t) for k, t, _ in blocks])
    if zh:
        if rng.random() < 0.4:
            paper.local_title = _zh_run(rng, rng.randint(8, 18))
        paper.zh_body = _zh_body(rng, pool, method, blocks, paper)
    return paper


def _join(blocks: list[tuple[str, str]]) -> str:
    """As `publish.blocks.join_blocks`: a blank line between blocks, list items kept tight."""
    out: list[str] = []
    prev = ""
    for kind, text in blocks:
        if out:
            out.append("\n" if kind == "item" and prev == "item" else "\n\n")
        out.append(text)
        prev = kind
    return "".join(out) + "\n"


def _zh_body(rng: random.Random, pool: SentencePool, method: str,
             blocks: list[tuple[str, str, list[int]]], paper: GenPaper) -> str:
    """Each block: marker line, then the zh block; blocks apart by a blank line (a marker
    before each list item ends the list there, so every item keeps its own marker)."""
    out: list[str] = []
    partial = rng.random() < 0.05  # a translation in progress: the last blocks are missing
    keep = len(blocks) - rng.randint(1, len(blocks) - 1) if partial else len(blocks)
    for kind, en_text, picks in blocks[:keep]:
        zh = "".join(pool.zh[i] for i in picks).replace("{m}", method)
        if kind == "item":
            zh = "- " + zh
        roll = rng.random()
        src = fast_block_hash(en_text)
        if roll < 0.05:
            # Outdated: the English block changed after this was translated.
            src = fast_block_hash(en_text + " (earlier draft)")
            how, state, by = "stale", "human", rng.choice(TRANSLATORS)
        elif roll < 0.12:
            how, state, by = "machine", "machine", "libre"
        else:
            how, state, by = "human", "human", rng.choice(TRANSLATORS)
        at = (BASE_DAY - timedelta(days=rng.randint(0, 400))).isoformat()
        out.append(format_marker("en", src, state, by, at) + "\n" + zh)
        paper.zh_plan.append(how)
    if rng.random() < 0.04:
        # A translator's note written in Chinese: an original, no marker.
        out.append("译者注：" + _zh_sentence(rng, [method]))
        paper.zh_plan.append("original")
    return "\n\n".join(out) + "\n"


def en_file(p: GenPaper) -> str:
    m = p.meta
    fm = [f"title: {yscalar(m.title)}\n", ylist("authors", m.authors), f"year: {m.year}\n"]
    if m.venue:
        fm.append(f"venue: {yscalar(m.venue)}\n")
    if m.arxiv:
        fm.append(f"arxiv: {yscalar(m.arxiv)}\n")
    if m.doi:
        fm.append(f"doi: {yscalar(m.doi)}\n")
    if m.url:
        fm.append(f"url: {yscalar(m.url)}\n")
    fm.append(f"citations: {m.citations}\n")
    fm.append(f"area: {yscalar(m.area or '')}\n")
    fm.append(ylist("lists", m.lists))
    return "---\n" + "".join(fm) + "---\n\n" + p.en_body


def zh_file(p: GenPaper) -> str:
    fm = "meta_in: en\n"
    if p.local_title:
        fm += f"local_title: {yscalar(p.local_title)}\n"
    return "---\n" + fm + "---\n\n" + (p.zh_body or "")


# ---------------------------------------------------------------------------------------------
# Reading lists

LISTS = (
    # id, lang, titles, description
    ("seminal-papers", "en", {"en": "Seminal Papers", "zh": "奠基论文"},
     {"en": "Need-to-know papers, by area and year."}),
    ("llm-reading-group", "en", {"en": "LLM Reading Group", "zh": "大模型读书会"}, {}),
    ("vision-and-multimodal", "en", {"en": "Vision and Multimodal"}, {}),
    ("zh-weekly-picks", "zh", {"zh": "每周精选论文", "en": "Weekly Picks"},
     {"zh": "每周挑选的值得一读的论文。"}),
    ("rl-and-agents", "en", {"en": "RL and Agents: the Essentials", "zh": "强化学习与智能体"}, {}),
)


def make_lists(rng: random.Random, papers: list[GenPaper]) -> list[ReadingList]:
    out: list[ReadingList] = []
    for list_id, lang, titles, description in LISTS:
        members = [p for p in papers if list_id in p.meta.lists]
        members.sort(key=lambda p: (p.meta.area or "", p.meta.year or 0, p.id))
        rl = ReadingList(id=list_id, lang=lang, title=dict(titles),
                         description=dict(description),
                         source={"file": f"{list_id}.txt", "format": "synthetic"})
        ranked = list_id == "zh-weekly-picks"
        for pos, p in enumerate(members, start=1):
            added = BASE_DAY - timedelta(days=rng.randint(0, 900))
            section = (f"Seminal Papers / Need-to-know > {p.meta.area} > {p.meta.year}"
                       if list_id == "seminal-papers" else
                       p.meta.area if rng.random() < 0.5 else None)
            rl.entries.append(Entry(paper=p.id, position=pos, added=added, section=section,
                                    rank=pos if ranked and pos <= 100 else None,
                                    year=p.meta.year if section else None))
        out.append(rl)
    return out


def list_file(rl: ReadingList) -> str:
    out = [f"lang: {rl.lang}\n", "title:\n"]
    out += [f"  {k}: {yscalar(v)}\n" for k, v in rl.title.items()]
    for key in ("description", "source"):
        mapping: dict[str, str] = getattr(rl, key)
        if mapping:
            out.append(f"{key}:\n")
            out += [f"  {k}: {yscalar(v)}\n" for k, v in mapping.items()]
    out.append("entries:\n" if rl.entries else "entries: []\n")
    for e in rl.entries:
        out.append(f"  - paper: {e.paper}\n    position: {e.position}\n"
                   f"    added: {e.added.isoformat()}\n")
        if e.section:
            out.append(f"    section: {yscalar(e.section)}\n")
        if e.rank is not None:
            out.append(f"    rank: {e.rank}\n")
        if e.year is not None:
            out.append(f"    year: {e.year}\n")
    return "".join(out)


# ---------------------------------------------------------------------------------------------
# Checking the template emitter against the package


def verify_papers(papers: list[GenPaper], root: Path) -> None:
    """The package's own writers and block splitter must agree with what was generated."""
    for p in papers:
        texts = {"en": Text(lang="en", path=root / "content/en" / f"{p.id}.md",
                            body=p.en_body, body_line=1)}
        if p.zh_body is not None:
            texts["zh"] = Text(lang="zh", path=root / "content/zh" / f"{p.id}.md",
                               body=p.zh_body, body_line=1, local_title=p.local_title,
                               meta_in="en")
        expected = paper_to_files(Paper(id=p.id, meta=p.meta, source_lang="en", texts=texts))
        mine = {"en": en_file(p)} | ({"zh": zh_file(p)} if p.zh_body is not None else {})
        for lang, text in expected.items():
            if mine[lang] != text:
                raise SystemExit(f"gen_tree: {lang} file of {p.id} differs from "
                                 f"publish.store.paper_to_files:\n--- package\n{text}\n"
                                 f"--- gen_tree\n{mine[lang]}")
        en_blocks = split_blocks(p.en_body, "en")
        if [(b.kind, b.text) for b in en_blocks] != p.blocks:
            raise SystemExit(f"gen_tree: en blocks of {p.id} do not split as generated")
        for b in en_blocks:
            if fast_block_hash(b.text) != block_hash(b.text):
                raise SystemExit("gen_tree: fast_block_hash no longer agrees with "
                                 f"publish.blocks.block_hash on {b.text!r}")
        if p.zh_body is None:
            continue
        zh_blocks = split_blocks(p.zh_body, "zh")
        if len(zh_blocks) != len(p.zh_plan):
            raise SystemExit(f"gen_tree: zh file of {p.id} has {len(zh_blocks)} blocks, "
                             f"expected {len(p.zh_plan)}")
        for i, (block, how) in enumerate(zip(zh_blocks, p.zh_plan, strict=True)):
            if how == "original":
                ok = block.is_original and block.kind == "paragraph"
            else:
                source = en_blocks[i]
                fresh = block.source_hash == source.hash
                ok = (block.kind == source.kind and block.origin == "en"
                      and fresh == (how != "stale")
                      and block.state == ("machine" if how == "machine" else "human"))
            if not ok:
                raise SystemExit(f"gen_tree: zh block {i} of {p.id} is not a {how} "
                                 f"translation as planned: {block}")


def verify_lists(lists: list[ReadingList]) -> None:
    for rl in lists:
        head = ReadingList(id=rl.id, lang=rl.lang, title=rl.title, source=rl.source,
                           description=rl.description, entries=rl.entries[:200])
        if list_file(head) != render_list_file(head):
            raise SystemExit(f"gen_tree: list {rl.id} differs from render_list_file:\n"
                             f"{render_list_file(head)}\n---\n{list_file(head)}")


# ---------------------------------------------------------------------------------------------


def _write_all(files: list[tuple[str, str]]) -> None:
    for path, text in files:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        try:
            os.write(fd, text.encode("utf-8"))
        finally:
            os.close(fd)


def generate(out: Path, n: int, seed: int, zh_share: float, check: int,
             threads: int = 2, chunk: int = 500) -> dict[str, int]:
    """Papers are made in chunks; while one chunk is being made, the previous ones are
    written by `threads` threads (creating a file is a system call that releases the GIL,
    and on a journalled file system it costs more than making the text)."""
    chunk = max(chunk, check)
    rng = random.Random(seed)
    pool = build_pool(rng)
    list_ids = [row[0] for row in LISTS]
    taken: set[str] = set()
    for sub in ("content/en", "content/zh", "content/lists"):
        (out / sub).mkdir(parents=True, exist_ok=True)
    (out / "publish.toml").write_text(
        DEFAULT_TOML.format(title_en="Synthetic Reading List", title_zh="合成阅读清单"), "utf-8")
    (out / STAMP).write_text(f"papers={n} seed={seed} zh_share={zh_share}\n", "utf-8")
    en_dir, zh_dir = str(out / "content/en"), str(out / "content/zh")
    papers: list[GenPaper] = []
    n_zh = 0
    with ThreadPoolExecutor(max_workers=threads) as writers:
        pending: list[Future[None]] = []
        for start in range(0, n, chunk):
            files: list[tuple[str, str]] = []
            for _ in range(start, min(n, start + chunk)):
                p = make_paper(rng, pool, taken, list_ids, zh=rng.random() < zh_share)
                files.append((f"{en_dir}/{p.id}.md", en_file(p)))
                if p.zh_body is not None:
                    files.append((f"{zh_dir}/{p.id}.md", zh_file(p)))
                    n_zh += 1
                papers.append(p)
            if start == 0:
                verify_papers(papers[:check], out)  # before anything is written
            for p in papers[start + (check if start == 0 else 0):]:
                p.en_body, p.zh_body, p.blocks = "", None, []  # only the lists need them now
            pending.append(writers.submit(_write_all, files))
            while len(pending) > 2 * threads:  # bounded memory: wait for the oldest
                pending.pop(0).result()
        for f in pending:
            f.result()
    lists = make_lists(rng, papers)
    verify_lists(lists)
    _write_all([(str(out / "content/lists" / f"{rl.id}.yaml"), list_file(rl)) for rl in lists])
    return {"papers": n, "en": n, "zh": n_zh, "lists": len(lists),
            "entries": sum(len(rl.entries) for rl in lists)}


def _prepare(out: Path, force: bool) -> None:
    out = out.resolve()
    if out == REPO or REPO in out.parents:
        raise SystemExit(f"gen_tree: refusing to write inside the repository ({REPO}); "
                         "use a folder under /tmp")
    if out.exists() and any(out.iterdir()):
        if not (force and (out / STAMP).exists()):
            raise SystemExit(f"gen_tree: {out} is not empty (--force replaces a tree this "
                             "script made, and nothing else)")
        shutil.rmtree(out)
    out.mkdir(parents=True, exist_ok=True)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out_dir", type=Path, help="folder to create (outside the repository)")
    ap.add_argument("--papers", type=int, required=True, help="number of papers")
    ap.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    ap.add_argument("--zh-share", type=float, default=1.0,
                    help="share of papers that also have a zh file (default 1.0)")
    ap.add_argument("--verify", type=int, default=300, metavar="N",
                    help="check the first N papers against the package's writers "
                         "(default 300; 0 turns it off)")
    ap.add_argument("--threads", type=int, default=2,
                    help="threads writing files (default 2; output does not depend on it)")
    ap.add_argument("--force", action="store_true",
                    help="replace OUT_DIR if it is a tree this script generated")
    args = ap.parse_args(argv)
    if args.papers < 1 or not 0.0 <= args.zh_share <= 1.0:
        ap.error("--papers must be >= 1 and --zh-share within 0..1")
    _prepare(args.out_dir, args.force)
    start = time.perf_counter()
    counts = generate(args.out_dir.resolve(), args.papers, args.seed, args.zh_share,
                      args.verify, threads=max(1, args.threads))
    took = time.perf_counter() - start
    print(f"gen_tree: {counts['papers']} papers ({counts['en']} en + {counts['zh']} zh "
          f"files), {counts['lists']} lists with {counts['entries']} entries in "
          f"{args.out_dir} ({took:.1f} s)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
