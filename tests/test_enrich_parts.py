"""The parts of `publish enrich`, one at a time: each service's answers as documented (the
fixtures), the confidence rules, the abstract marker in the content model, text from a
server made safe, the arXiv gate, the cache, and import matching aliases and the new ids."""

from __future__ import annotations

import itertools
import threading
import time
from pathlib import Path

import pytest
from enrich_server import fixture

from publish.blocks import format_abstract_marker, split_blocks
from publish.enrich import arxiv, crossref, openalex, semanticscholar, text
from publish.enrich.cache import Cache
from publish.enrich.match import Target, judge_id, judge_titles, surname
from publish.enrich.pace import Gate, Pace, RateBroken
from publish.enrich.record import Answer, Lookup, Record, title_lookup
from publish.enrich.service import BadIds, Malformed, Throttled
from publish.fields import BY_NAME as FIELDS
from publish.fields import read_field

ID = [Lookup("arxiv", "arxiv:1706.03762")]


# ---------------------------------------------------------------------------------------------
# Answers as each service documents them


def test_arxiv_entries_current_and_legacy_layouts():
    (attention,) = arxiv.parse(ID, fixture("arxiv/id_1706.03762.xml"))["arxiv:1706.03762"]
    assert attention.title == "Attention Is All You Need" and attention.year == 2017
    assert attention.arxiv == "1706.03762" and attention.authors[6] == "Lukasz Kaiser"
    assert attention.abstract[0].startswith("The dominant sequence transduction models")
    lora_key = [Lookup("arxiv", "arxiv:2106.09685")]
    (lora,) = arxiv.parse(lora_key, fixture("arxiv/id_2106.09685_legacy.xml"))[
        "arxiv:2106.09685"]
    assert lora.title == "LoRA: Low-Rank Adaptation of Large Language Models"
    # the legacy layout hard-wraps the summary with leading spaces: one clean paragraph
    assert lora.abstract == (" ".join(lora.abstract[0].split()),)
    assert lora.abstract[0].startswith("An important paradigm of natural language processing")


def test_arxiv_batches_map_each_id_and_leave_unknown_ones_empty():
    lookups = [Lookup("arxiv", "arxiv:1706.03762"), Lookup("arxiv", "arxiv:2305.14314"),
               Lookup("arxiv", "arxiv:0000.0000")]
    found = arxiv.parse(lookups, fixture("arxiv/id_list_1706.03762_2305.14314.xml"))
    assert [len(found[k.key]) for k in lookups] == [1, 1, 0]
    assert arxiv.request(lookups).params[1] == ("id_list",
                                                "1706.03762,2305.14314,0000.0000")


def test_arxiv_errors_are_told_apart():
    for name in ("arxiv/error_bad_id_1234.12345.xml", "arxiv/error_bad_id_legacy.xml"):
        with pytest.raises(BadIds) as bad:
            arxiv.parse([Lookup("arxiv", "arxiv:1234.12345")], fixture(name))
        assert bad.value.ids == {"1234.12345"}
    with pytest.raises(Throttled):
        arxiv.parse(ID, fixture("arxiv/error_429_rate_exceeded.txt"))
    for name in ("arxiv/malformed_truncated.xml", "arxiv/malformed_html_503.html"):
        with pytest.raises(Malformed):
            arxiv.parse(ID, fixture(name))
    with pytest.raises(Malformed):  # entities are never expanded
        arxiv.parse(ID, b'<?xml version="1.0"?><!DOCTYPE f [<!ENTITY a "aaaa">]><f>&a;</f>')
    assert arxiv.parse(ID, fixture("arxiv/empty_id_0000.0000.xml")) == {ID[0].key: []}


def test_arxiv_title_search_quotes_the_title_and_names_the_first_author():
    lk = title_lookup("arxiv", 'Deep "learning" (review)', 2015, "LeCun")
    query = dict(arxiv.request([lk]).params)["search_query"]
    assert query == 'ti:"Deep learning review" AND au:lecun'
    found = arxiv.parse([lk], fixture("arxiv/search_ti_llama.xml"))[lk.key]
    assert [r.arxiv for r in found] == ["2307.09288", "2302.13971"]


def test_openalex_work_by_doi_and_arxiv():
    key = [Lookup("openalex", "doi:10.1109/cvpr.2016.90")]
    (work,) = openalex.parse(key, fixture("openalex/work_doi_10.1109_cvpr.2016.90.json"))[
        key[0].key]
    assert (work.openalex, work.doi, work.year) == ("W2194775991", "10.1109/cvpr.2016.90", 2016)
    assert work.venue and "CVPR" in work.venue and work.arxiv == "1512.03385"
    key = [Lookup("openalex", "arxiv:1706.03762")]
    assert openalex.request(key).path == "works/doi:10.48550/arXiv.1706.03762"
    (pre,) = openalex.parse(key, fixture(
        "openalex/work_doi_10.48550_arxiv.1706.03762.json"))[key[0].key]
    # arXiv's DataCite DOI names the arXiv id, and is not a published DOI; the repository is
    # no venue, the conference among its locations is
    assert (pre.arxiv, pre.doi, pre.preprint) == ("1706.03762", None, True)
    assert pre.venue == "Neural Information Processing Systems"
    assert pre.abstract[0].startswith("The dominant sequence transduction models")


def test_openalex_abstract_is_rebuilt_from_its_inverted_index_in_order():
    assert openalex.abstract({"world": [1], "Hello": [0], "again": [3], "hello": [2]}) == \
        ["Hello world hello again"]
    assert openalex.abstract({"x": [10**12], "y": ["a", -1]}) == ["x"]  # no huge array
    assert openalex.abstract(None) == []


def test_openalex_filters_never_carry_a_comma_or_a_pipe():
    lk = title_lookup("openalex", "Sparse, Fast | Cheap: attention", None, None)
    assert dict(openalex.request([lk]).params)["filter"] == \
        "title.search:Sparse Fast Cheap attention"


def test_crossref_work_with_a_jats_abstract_and_without_one():
    key = [Lookup("crossref", "doi:10.1038/nature14539")]
    (work,) = crossref.parse(key, fixture("crossref/work_10.1038_nature14539.json"))[
        key[0].key]
    assert (work.title, work.year, work.venue) == ("Deep learning", 2015, "Nature")
    assert work.authors[:2] == ("Yann LeCun", "Yoshua Bengio")
    assert work.abstract[0].startswith("Deep learning allows computational models")
    assert "<" not in work.abstract[0]
    key = [Lookup("crossref", "doi:10.1109/cvpr.2016.90")]
    (ieee,) = crossref.parse(key, fixture("crossref/work_10.1109_cvpr.2016.90.json"))[
        key[0].key]
    assert ieee.abstract == () and ieee.year == 2016


def test_crossref_jats_paragraphs_titles_and_broken_markup():
    assert crossref.jats_paragraphs("<jats:title>Abstract</jats:title><jats:p>One.</jats:p>"
                                    "<jats:p>Two <jats:italic>b</jats:italic>.</jats:p>") == \
        ["One.", "Two  b ."]
    assert crossref.jats_paragraphs("<jats:p>Open <b>unclosed</jats:p>") == \
        [" Open  unclosed "]
    assert crossref.jats_paragraphs('<!DOCTYPE x><jats:p>x</jats:p>') == []


def test_crossref_list_and_errors():
    lk = title_lookup("crossref", "Deep learning", 2015, "LeCun")
    found = crossref.parse([lk], fixture("crossref/search_bibliographic_deep_learning.json"))
    assert len(found[lk.key]) == 2
    assert dict(crossref.request([lk]).params)["query.bibliographic"] == \
        "Deep learning LeCun 2015"
    with pytest.raises(Malformed):
        crossref.parse([lk], fixture("crossref/malformed_truncated.json"))
    with pytest.raises(Malformed):
        crossref.parse([lk], fixture("crossref/error_429.html"))


def test_semantic_scholar_batch_with_an_unknown_id():
    lookups = [Lookup("semanticscholar", "arxiv:1706.03762"),
               Lookup("semanticscholar", "arxiv:9999.99999"),
               Lookup("semanticscholar", "doi:10.1109/CVPR.2016.90")]
    request = semanticscholar.request(lookups)
    assert request.method == "POST" and request.json_body == {
        "ids": ["ARXIV:1706.03762", "ARXIV:9999.99999", "DOI:10.1109/CVPR.2016.90"]}
    found = semanticscholar.parse(lookups, fixture("semanticscholar/batch_arxiv_ids.json"))
    assert [len(found[k.key]) for k in lookups] == [1, 0, 1]
    (attention,) = found["arxiv:1706.03762"]
    assert attention.title == "Attention is All you Need" and attention.s2
    with pytest.raises(Malformed):  # not aligned with the ids asked
        semanticscholar.parse(lookups[:2], fixture("semanticscholar/batch_arxiv_ids.json"))


def test_semantic_scholar_null_abstract_and_no_results():
    lk = [Lookup("semanticscholar", "doi:10.1109/cvpr.2016.90")]
    body = b"[" + fixture("semanticscholar/paper_doi_10.1109_cvpr.2016.90.json") + b"]"
    (resnet,) = semanticscholar.parse(lk, body)[lk[0].key]
    assert resnet.abstract == () and resnet.year == 2015
    search = title_lookup("semanticscholar", "nothing", None, None)
    assert semanticscholar.parse([search], fixture("semanticscholar/search_no_results.json")) \
        == {search.key: []}


# ---------------------------------------------------------------------------------------------
# The confidence rules


def rec(title: str, year: int | None = None, authors: tuple[str, ...] = (),
        wid: str = "W1", preprint: bool = False) -> Record:
    return Record("openalex", wid, title, authors, year, openalex=wid, preprint=preprint)


def test_the_same_title_is_accepted_whatever_its_spelling():
    v = judge_titles(Target("chain of thought prompting elicits reasoning"),
                     [rec("Chain-of-Thought Prompting Elicits Reasoning")])
    assert v.accepted is not None and v.how == "the same title"


def test_a_very_close_title_needs_the_year_and_the_first_author():
    close = rec("Deep Residual Learning for Image Recognitio", 2016, ("Kaiming He",))
    assert judge_titles(Target("Deep Residual Learning for Image Recognition", 2016,
                               "Kaiming He"), [close]).accepted == close
    unsure = judge_titles(Target("Deep Residual Learning for Image Recognition"), [close])
    assert unsure.accepted is None and len(unsure.candidates) == 1


def test_another_work_with_the_title_is_not_taken():
    book = rec("Deep Learning", 2016, ("Ian Goodfellow",), "W2")
    review = rec("Deep learning", 2015, ("Yann LeCun",), "W1")
    v = judge_titles(Target("Deep learning", 2015, "Yann LeCun"), [book, review])
    assert v.accepted == review
    v = judge_titles(Target("Deep learning", 2021), [book, review])  # neither year fits
    assert v.accepted is None and v.candidates == ()
    v = judge_titles(Target("Deep learning"), [book, review])
    assert v.accepted is None and len(v.candidates) == 2


def test_a_preprint_and_its_published_version_are_one_paper():
    pre = rec("QLoRA: Efficient Finetuning of Quantized LLMs", 2023, ("Tim Dettmers",), "W1",
              preprint=True)
    pub = rec("QLoRA: Efficient Finetuning of Quantized LLMs", 2023, ("Tim Dettmers",), "W2")
    assert judge_titles(Target("QLoRA: Efficient Finetuning of Quantized LLMs"),
                        [pre, pub]).accepted == pub


def test_a_short_name_is_only_a_candidate_and_a_rejected_one_not_even_that():
    qlora = rec("QLoRA: Efficient Finetuning of Quantized LLMs")
    v = judge_titles(Target("QLoRA"), [qlora, rec("Something else entirely", wid="W9")])
    assert v.accepted is None and [c.record for c in v.candidates] == [qlora]
    assert judge_titles(Target("QLoRA"), [qlora], frozenset({"openalex:W1"})).candidates == ()


def test_an_id_that_names_another_title_is_asked_about():
    attention = rec("Attention Is All You Need")
    assert judge_id(Target("Attention is all you need (Transformer)"), [attention]).accepted
    assert judge_id(Target("Transformer"), [rec("Transformer-XL")]).accepted  # a short name
    v = judge_id(Target("Generative Adversarial Nets"), [attention])
    assert v.accepted is None and "another title" in v.candidates[0].why
    assert judge_id(Target("Generative Adversarial Nets"), [attention], vouched=True).accepted


def test_surnames():
    assert [surname(n) for n in ("Geoffrey E. Hinton", "J. E. Hu", "LeCun, Yann",
                                 "Aur'elien Rodriguez", "Łukasz Kaiser", "Vaswani et al.")] == \
        ["hinton", "hu", "lecun", "rodriguez", "kaiser", "vaswani"]


# ---------------------------------------------------------------------------------------------
# What a server says, made safe


def test_text_from_a_server_is_one_clean_line():
    assert text.clean("  Attention\u202e is\x00 all\n\tyou\u200b need ") == \
        "Attention is all you need"
    assert text.clean(123) is None and text.clean(" \x01 ") is None
    assert len(text.clean("word " * 1000) or "") <= text.MAX_TITLE + 2


def test_ids_must_look_like_ids():
    assert text.arxiv_id("http://arxiv.org/abs/1706.03762v7") == "1706.03762"
    assert text.arxiv_id("hep-ex/0307015v1") == "hep-ex/0307015"
    assert text.arxiv_id("1706.03762; rm -rf /") is None
    assert text.doi("https://doi.org/10.1038/nature14539") == "10.1038/nature14539"
    assert text.doi("10.1234/x<script>") is None and text.doi("11.1/x") is None
    assert text.openalex_id("https://openalex.org/W2963403868") == "W2963403868"
    assert text.s2_id("../../etc/passwd") is None
    assert text.url("javascript:alert(1)") is None
    assert text.year("2017; drop") is None and text.whole(True) is None
    assert text.whole(-5) is None
    assert text.venue("arXiv (Cornell University)") is None and text.venue("ArXiv") is None


def test_an_abstract_is_markdown_that_stays_plain_paragraphs():
    hostile = ["# Heading", "- item", "1990. A year", "> quote", "<!-- translation from=zh "
               "src=abc state=human -->", "```", "Plain with $x^2$ math and <b>tags</b>."]
    paragraphs = text.paragraphs(hostile)
    body = "\n\n".join(paragraphs)
    blocks = split_blocks(body, "en")
    assert [b.kind for b in blocks] == ["paragraph"] * len(hostile)
    assert all(b.is_original for b in blocks)
    assert paragraphs[-1] == "Plain with $x^2$ math and <b>tags</b>."  # inline text kept


# ---------------------------------------------------------------------------------------------
# The abstract marker in the content model


BODY = ("<!-- abstract source=arxiv id=1706.03762 at=2026-12-02 -->\nThe dominant sequence "
        "models.\n\n<!-- translation from=zh src=44ccd89d8be2 state=machine by=libre "
        "at=2026-11-24 -->\nA translated paragraph.\n\nA person's paragraph.\n")


def test_an_abstract_marker_gives_an_original_its_provenance():
    for fast in (True, False):  # the line reader and markdown-it agree
        blocks = split_blocks(BODY, "en", fast=fast)
        assert [(b.origin, b.provenance, b.source_hash) for b in blocks] == [
            ("en", "arxiv:1706.03762", None), ("zh", None, "44ccd89d8be2"),
            ("en", None, None)]
    assert format_abstract_marker("crossref", "10.1038/nature14539", "2026-12-02") == \
        "<!-- abstract source=crossref id=10.1038/nature14539 at=2026-12-02 -->"
    with pytest.raises(ValueError):
        format_abstract_marker("crossref", "10.1/x --> <b>", "2026-12-02")


def test_the_index_cache_keeps_provenance(project: Path):
    from publish.config import load_config
    from publish.content.load import load_collection

    path = project / "content" / "en" / "p.md"
    path.write_text("---\ntitle: P\n---\n\n" + BODY, "utf-8")
    config = load_config(project)
    load_collection(config)
    time.sleep(0.05)
    for _ in range(2):  # filled, then read back
        paper = load_collection(config, blocks=True).papers["p"]
        assert paper.texts["en"].blocks[0].provenance == "arxiv:1706.03762"


def test_the_new_fields_are_checked():
    assert read_field(FIELDS["openalex"], "W123") == ("W123", None)
    assert read_field(FIELDS["openalex"], "123")[1]
    assert read_field(FIELDS["s2"], "x" * 40)[1]
    assert read_field(FIELDS["citations_date"], "yesterday")[1]
    assert read_field(FIELDS["aliases"], ["QLoRA", " "]) == (["QLoRA"], None)


def test_import_matches_the_new_ids_and_a_title_enrich_replaced():
    from publish.content.decisions import Decisions, Merged
    from publish.imports.base import RawEntry
    from publish.imports.identity import Index
    from publish.model import Collection, Meta, Paper

    meta = Meta(title="LLaMA: Open and Efficient Foundation Language Models",
                aliases=["LLaMA"], openalex="W4322718191", s2="a" * 40)
    collection = Collection(papers={"llama": Paper("llama", meta, "en")})
    index = Index(collection, Decisions(merged=[Merged("llama", "llama", "LLaMA")]))
    assert index.find(RawEntry(line=1, title="Llama"), "Llama")[:2] == \
        ("llama", "a name confirmed with publish merge")
    assert index.find(RawEntry(line=1, title="x", openalex="W4322718191"), "x")[:2] == \
        ("llama", "OpenAlex id")
    assert index.find(RawEntry(line=1, title="x", s2="a" * 40), "x")[:2] == \
        ("llama", "Semantic Scholar id")
    # an alias alone (a name a list gave) only proposes, as import decides
    assert Index(collection).find(RawEntry(line=1, title="LLaMA"), "LLaMA")[0] is None


# ---------------------------------------------------------------------------------------------
# Pace and cache


def test_the_gate_spaces_requests_across_threads_and_processes(tmp_path: Path):
    path = tmp_path / "arxiv.gate"
    gates = [Gate(0.2, path), Gate(0.2, path)]  # two runs sharing the project's gate file
    ends: list[tuple[float, float]] = []

    def one(gate: Gate) -> None:
        with gate.turn():
            start = time.time()
            time.sleep(0.01)
            ends.append((start, time.time()))

    threads = [threading.Thread(target=one, args=(gates[i % 2],)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    ends.sort()
    assert all(b[0] - a[1] >= 0.2 for a, b in itertools.pairwise(ends))


def test_the_gate_refuses_to_send_too_soon(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    path = tmp_path / "arxiv.gate"
    path.write_text("1000.0\n")
    clock = iter([1004.0, 1001.0])  # time to go; then the clock steps back
    monkeypatch.setattr(time, "time", lambda: next(clock))
    with pytest.raises(RateBroken), Gate(3.0, path).turn():
        pass


def test_pace_keeps_to_its_concurrency():
    pace = Pace(2, None)
    running, peak = [0], [0]
    lock = threading.Lock()

    def one() -> None:
        with pace.turn():
            with lock:
                running[0] += 1
                peak[0] = max(peak[0], running[0])
            time.sleep(0.02)
            with lock:
                running[0] -= 1

    threads = [threading.Thread(target=one) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert peak[0] == 2


def test_the_cache_keeps_answers_by_service_and_key(tmp_path: Path):
    cache = Cache(tmp_path / "c.sqlite")
    answer = Answer([Record("arxiv", "1706.03762", "Attention", ("A B",), 2017,
                            arxiv="1706.03762", abstract=("Text.",))], "2026-12-02T00:00:00+00:00")
    cache.put("arxiv", "arxiv:1706.03762", answer)
    again = cache.get("arxiv", "arxiv:1706.03762")
    assert again is not None and again.records == answer.records
    assert cache.get("openalex", "arxiv:1706.03762") is None
    from datetime import timedelta
    assert cache.get("arxiv", "arxiv:1706.03762", max_age=timedelta(days=1)) is None
    cache.close()
    (tmp_path / "bad.sqlite").write_bytes(b"not a database at all" * 100)
    broken = Cache(tmp_path / "bad.sqlite")
    assert broken.warning and broken.count() == 0
