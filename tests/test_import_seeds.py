"""The five seed lists, imported: what a curator would check by reading content/."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import REPO, import_seeds, run, seed, tree_hashes

from publish.imports.normalise import title_key


def by_title(collection, title: str):
    key = title_key(title)
    found = [p for p in collection.papers.values() if title_key(p.meta.title) == key]
    assert len(found) == 1, (title, [p.id for p in found])
    return found[0]


def test_about_a_thousand_papers_and_two_dozen_with_chinese_text(collection):
    assert 950 <= len(collection.papers) <= 1100
    with_zh = [p for p in collection.papers.values() if "zh" in p.texts]
    assert 20 <= len(with_zh) <= 30
    assert set(collection.lists) == {"field-25", "best-ai-2015-now", "papers-list",
                                     "llm-top10-2023-zh", "ai-four-families-zh"}


def test_the_same_paper_across_lists_is_one_paper(collection):
    cot = by_title(collection, "Chain of Thought Prompting Elicits Reasoning in Large "
                               "Language Models")
    assert cot.meta.lists == ["ai-four-families-zh", "best-ai-2015-now", "field-25",
                              "papers-list"]
    llama2 = by_title(collection, "Llama 2: Open Foundation and Fine-Tuned Chat Models")
    assert set(llama2.meta.lists) >= {"best-ai-2015-now", "llm-top10-2023-zh"}
    assert llama2.meta.arxiv == "2307.09288"
    assert by_title(collection, "Attention Is All You Need").meta.lists == [
        "ai-four-families-zh", "field-25", "papers-list"]
    # Different capitalisation in two lists, one paper.
    roberta = by_title(collection, "RoBERTa: A Robustly Optimized BERT Pretraining Approach")
    assert "ai-four-families-zh" in roberta.meta.lists and "papers-list" in roberta.meta.lists


def test_near_misses_are_different_papers(collection):
    pairs = [
        ("LLaMA: Open and Efficient Foundation Language Models",
         "Llama 2: Open Foundation and Fine-Tuned Chat Models"),
        ("Llama 2: Open Foundation and Fine-Tuned Chat Models", "The Llama 3 Herd of Models"),
        ("Denoising Diffusion Probabilistic Models",
         "Improved Denoising Diffusion Probabilistic Models"),
        ("Visual Instruction Tuning", "Improved Baselines with Visual Instruction Tuning"),
        ("GPT-4 Technical Report",
         "Sparks of Artificial General Intelligence: Early experiments with GPT-4"),
    ]
    for a, b in pairs:
        assert by_title(collection, a).id != by_title(collection, b).id


def test_conflicting_years_are_kept_and_recorded(collection):
    cot = by_title(collection, "Chain-of-Thought Prompting Elicits Reasoning in Large "
                               "Language Models")
    assert cot.meta.year == 2022  # papers-list came first
    assert [(c.field, c.value, c.source) for c in cot.meta.conflicts] == [
        ("year", "2023", "ai-four-families-zh")]


def test_llama2_chinese_commentary_is_an_original_zh_text(collection):
    llama2 = by_title(collection, "Llama 2: Open Foundation and Fine-Tuned Chat Models")
    assert llama2.source_lang == "en"
    zh = llama2.texts["zh"]
    assert zh.meta_in == "en"
    assert zh.blocks and all(b.is_original and b.origin == "zh" for b in zh.blocks)
    assert "本篇论文,是 Meta 广受欢迎的第一篇 Llama 论文的后续。" in zh.blocks[0].text
    assert all(b.origin == "en" for b in llama2.texts["en"].blocks)


def test_zh_only_papers_keep_their_metadata_in_the_zh_file(collection):
    bloomberg = by_title(collection, "BloombergGPT: A Large Language Model for Finance")
    assert bloomberg.source_lang == "zh" and "en" not in bloomberg.texts
    assert bloomberg.meta.arxiv == "2303.17564"
    # The hand correction in content/imports/ maps the blog's heading to the real paper.
    pythia = by_title(collection, "Pythia: A Suite for Analyzing Large Language Models "
                                  "Across Training and Scaling")
    assert "llm-top10-2023-zh" in pythia.meta.lists and "papers-list" in pythia.meta.lists


def test_untitled_seed_uses_confirmed_titles(collection):
    entries = collection.lists["field-25"].entries
    assert len(entries) == 25
    assert entries[3].paper == "lora-low-rank-adaptation-of-large-language-models"
    lora = collection.papers[entries[3].paper]
    assert lora.meta.authors[:2] == ["Edward J. Hu", "Yelong Shen"]
    sam = collection.papers[entries[0].paper]
    assert sam.meta.venue == "IEEE/CVF International Conference on Computer Vision (ICCV)"


def test_list_entries_carry_position_section_rank_and_date(collection):
    best = collection.lists["best-ai-2015-now"]
    first = best.entries[0]
    assert (first.position, first.rank, first.added.isoformat()) == (1, 1, "2026-11-23")
    assert collection.papers[first.paper].meta.citations == 53520
    papers = collection.lists["papers-list"]
    nce = papers.entries[0]
    assert nce.section == "Seminal Papers / Need-to-know > Computer Vision > 2010"
    assert nce.year == 2010
    # Titles without a body in the source still become papers: title, area, year.
    bare = [e for e in papers.entries if not collection.papers[e.paper].texts.get("en")
            or not collection.papers[e.paper].texts["en"].blocks]
    assert len(bare) > 500
    meta = collection.papers[bare[0].paper].meta
    assert meta.title and meta.area and meta.year
    assert collection.lists["llm-top10-2023-zh"].title["en"].startswith("Ten Noteworthy")


def test_math_and_urls_pass_through_verbatim(collection):
    vgg = by_title(collection, "Very Deep Convolutional Networks for Large-Scale Image "
                               "Recognition")
    assert r"\(3 \times (3^2)C^2 = 27C^2\)" in vgg.texts["en"].body
    assert "$$3 \\times 3$$" in vgg.texts["en"].body
    gradcam = by_title(collection, "Grad-CAM: Visual Explanations from Deep Networks via "
                                   "Gradient-based Localization")
    assert "https://github.com/ramprs/grad-cam/" in gradcam.texts["en"].body


def test_scraping_debris_is_not_paper_text(seeded: Path):
    zh_text = "\n".join(p.read_text("utf-8") for p in (seeded / "content" / "zh").glob("*.md"))
    for debris in ("2023年十大人工智能(LLM)必读论文", "Read More", "扫码", "post-qrcode",
                   "次阅读", "更多阅读", "离职", "动向", "END."):
        assert debris not in zh_text, debris
    en_text = "\n".join(p.read_text("utf-8") for p in (seeded / "content" / "en").glob("*.md"))
    assert not re.search(r"^- Code\.?$", en_text, re.MULTILINE)


def test_reimport_changes_nothing(seeded: Path, tmp_path: Path):
    before = tree_hashes(seeded)
    for prefix, list_id, lang in (("002", "papers-list", "en"), ("003", "llm-top10-2023-zh",
                                                                   "zh")):
        result = run(seeded, "import", str(seed(prefix)), "--list", list_id, "--lang", lang,
                     "--report", "json")
        assert result.exit_code == 0, result.output
        assert '"changed": []' in result.output
    assert tree_hashes(seeded) == before


@pytest.mark.slow
def test_committed_content_is_what_the_import_script_makes(tmp_path: Path):
    """content/ in the repository is reproducible from the seeds (golden tree)."""
    root = tmp_path / "fresh"
    run(tmp_path, "init", str(root))
    import_seeds(root)
    fresh = tree_hashes(root)
    # newsletter issues a user recorded (publish digest) are theirs, not the import's
    # and the source lists are the input, not the output
    committed = {k: v for k, v in tree_hashes(REPO).items()
                 if not k.startswith(("content/digests.", "content/imports/sources/"))}
    assert fresh.keys() == committed.keys()
    differing = [k for k in fresh if fresh[k] != committed[k]]
    assert not differing, f"{len(differing)} files differ, e.g. {differing[:3]}"


def test_dry_run_writes_nothing(project: Path):
    result = run(project, "import", str(seed("001")), "--list", "best-ai-2015-now", "--lang",
                 "en", "--dry-run")
    assert result.exit_code == 0
    assert "101 files would change" in " ".join(result.output.split())
    assert tree_hashes(project) == {}
