"""`publish enrich` end to end: the real HTTP client (requests) against stand-ins for arXiv,
OpenAlex, Crossref and Semantic Scholar on 127.0.0.1 (tests/enrich_server.py), answering in
each API's documented format. What lands in content/, what is reported, what is never
touched."""

from __future__ import annotations

import json
import re
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from conftest import run, tree_hashes
from enrich_server import StandIn

from publish.blocks import split_blocks
from publish.content.files import split_front_matter

DATE = {"SOURCE_DATE_EPOCH": "1796169600"}  # 2026-12-02
ROUTES = {
    "openalex": [("filter", "deep learning", "openalex/search_deep_learning.json"),
                 ("filter", "llama", "openalex/search_llama.json")],
    "crossref": [("query.bibliographic", "deep residual",
                  "crossref/search_bibliographic_resnet.json"),
                 ("query.bibliographic", "deep learning",
                  "crossref/search_bibliographic_deep_learning.json")],
    "semanticscholar": [("query", "qlora", "semanticscholar/search_match_qlora.json"),
                        ("query", "llama", "semanticscholar/search_llama.json"),
                        ("query", "deep learning", "semanticscholar/search_deep_learning.json")],
    "arxiv": [("search_query", "qlora", "arxiv/search_ti_qlora.xml"),
              ("search_query", "llama", "arxiv/search_ti_llama.xml")],
}
LIST = """# Reading group

- [Attention Is All You Need](https://arxiv.org/abs/1706.03762)
- Deep Residual Learning for Image Recognition
- LLaMA
- A Bilingual Reading List That Does Not Exist
"""


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, "utf-8")


def read(root: Path, pid: str, lang: str = "en") -> str:
    return (root / "content" / lang / f"{pid}.md").read_text("utf-8")


def front(root: Path, pid: str) -> str:
    return split_front_matter(read(root, pid))[0] or ""


@pytest.fixture
def proj(project: Path) -> Path:
    write(project / "list.md", LIST)
    result = run(project, "import", str(project / "list.md"), "--list", "rg", "--lang", "en",
                 env=DATE)
    assert result.exit_code == 0, result.output
    return project


@contextmanager
def services(root: Path, *names: str, **kw: object) -> Iterator[dict[str, StandIn]]:
    """Stand-ins for `names` (each with the ROUTES of its service, and `kw`: mode=…,
    latency=…), written into publish.toml as [enrich.<name>] url."""
    servers = {name: StandIn(name, routes=ROUTES[name], **kw).start()  # type: ignore[arg-type]
               for name in names}
    toml = (root / "publish.toml").read_text("utf-8").split("\n[enrich]")[0]
    toml += '\n[enrich]\nmailto = "reader@example.org"\n' + "".join(
        f'[enrich.{name}]\nurl = "{server.url}"\n' for name, server in servers.items())
    (root / "publish.toml").write_text(toml, "utf-8")
    _ASKED[root] = names
    try:
        yield servers
    finally:
        for server in servers.values():
            server.stop()


_ASKED: dict[Path, tuple[str, ...]] = {}  # project -> the services standing in for it


def enrich(root: Path, *args: str, env: dict[str, str] | None = None):
    """`publish enrich ARGS --format json`, asking only the services standing in (never the
    real ones): (exit code, the JSON report or None, output)."""
    sources = [] if "--source" in args else [x for n in _ASKED.get(root, ()) for x in
                                              ("--source", n)]
    result = run(root, "enrich", *args, *sources, "--format", "json",
                 env={**DATE, **(env or {})})
    try:
        data = json.loads(result.stdout)
    except ValueError:
        data = None
    return result.exit_code, data, result.output


def paper(data: dict, pid: str) -> dict:
    return next(p for p in data["results"] if p["id"] == pid)


def sent(servers: dict[str, StandIn]) -> int:
    return sum(len(s.requests) for s in servers.values())


# ---------------------------------------------------------------------------------------------
# Found, not found, not sure


def test_a_paper_found_by_its_arxiv_id_gets_its_metadata_and_abstract(proj: Path):
    with services(proj, "arxiv", "openalex", "semanticscholar") as s:
        code, data, out = enrich(proj, "--paper", "attention-is-all-you-need")
    assert code == 0, out
    p = paper(data, "attention-is-all-you-need")
    assert p["status"] == "found" and p["how"] == "its id (arXiv)"
    fm = front(proj, "attention-is-all-you-need")
    assert "authors:\n  - Ashish Vaswani\n  - Noam Shazeer\n  - Niki Parmar\n" in fm
    assert "  - Lukasz Kaiser\n  - Illia Polosukhin\nyear: 2017\n" in fm  # arXiv's, in order
    assert "openalex: W2963403868\ns2: 204e3073870fae3d05bcbc2f6a8e263d9b72e776\n" in fm
    assert re.search(r"citations: \d+\ncitations_source: openalex\ncitations_date: "
                     r"'\d{4}-\d\d-\d\d'\n", fm)
    body = read(proj, "attention-is-all-you-need")
    assert "<!-- abstract source=arxiv id=1706.03762 at=2026-12-02 -->\nThe dominant " \
           "sequence transduction models" in body
    blocks = split_blocks(split_front_matter(body)[1], "en")
    assert [(b.origin, b.provenance, b.source_hash) for b in blocks] == \
        [("en", "arxiv:1706.03762", None)]
    # one request each: arXiv by id, OpenAlex by arXiv's DataCite DOI, S2 in one batch
    assert [r.params["id_list"] for r in s["arxiv"].requests] == ["1706.03762"]
    assert [r.path for r in s["openalex"].requests] == ["/works/doi:10.48550/arXiv.1706.03762"]
    assert [r.path for r in s["semanticscholar"].requests] == ["/graph/v1/paper/batch"]
    # the abstract is English text like any other: status counts it, translate would send it
    status = json.loads(run(proj, "status", "--format", "json").stdout)
    row = next(x for x in status["papers"] if x["id"] == "attention-is-all-you-need")
    assert row["states"] == {"en": "original", "zh": "missing"}


@pytest.mark.slow  # arXiv's three-second gate, for real
def test_a_second_run_sends_nothing_and_changes_nothing(proj: Path):
    with services(proj, "openalex", "crossref", "semanticscholar") as s:
        _, first, _ = enrich(proj)
        assert first["requests"] > 0
        before, count = tree_hashes(proj), sent(s)
        _code, second, out = enrich(proj)
        assert sent(s) == count and second["requests"] == 0, out
        assert second["from_cache"] == second["lookups"] > 0
        assert tree_hashes(proj) == before
        assert second["written"] == []


def test_a_title_is_found_and_then_its_ids_are_asked_of_the_others(proj: Path):
    with services(proj, "openalex", "crossref", "semanticscholar") as s:
        _code, data, out = enrich(proj, "--paper",
                                 "deep-residual-learning-for-image-recognition")
    p = paper(data, "deep-residual-learning-for-image-recognition")
    assert p["status"] == "found" and p["how"] == "the same title (Crossref)", out
    fm = front(proj, "deep-residual-learning-for-image-recognition")
    assert fm.startswith("title: Deep Residual Learning for Image Recognition\nauthors:\n"
                         "  - Kaiming He\n")
    assert "year: 2016\n" in fm  # Crossref's (the CVPR year), not Semantic Scholar's 2015
    assert "arxiv: '1512.03385'\ndoi: 10.1109/cvpr.2016.90\nopenalex: W2194775991\n" in fm
    assert "venue: 2016 IEEE Conference on Computer Vision and Pattern Recognition" in fm
    paths = [r.path for r in s["openalex"].requests]
    assert "/works/doi:10.1109/cvpr.2016.90" in paths  # by the DOI Crossref gave


def test_no_match_changes_nothing(proj: Path):
    pid = "a-bilingual-reading-list-that-does-not-exist"
    before = tree_hashes(proj)
    with services(proj, "openalex", "crossref", "semanticscholar"):
        code, data, out = enrich(proj, "--paper", pid)
    assert code == 0 and paper(data, pid)["status"] == "no match", out
    assert tree_hashes(proj) == before


def test_two_candidates_wait_for_a_person_who_confirms_one(proj: Path):
    before = read(proj, "llama")
    with services(proj, "openalex", "semanticscholar") as s:
        code, data, out = enrich(proj, "--paper", "llama")
        assert code == 1 and paper(data, "llama")["status"] == "unsure", out
        assert read(proj, "llama") == before  # never a guess
        waiting = (proj / "content" / "enrich-unsure.yaml").read_text("utf-8")
        assert "  llama:\n    title: LLaMA\n    candidates:\n      - ref: arxiv:2302.13971\n" \
               in waiting
        assert "ref: arxiv:2307.09288" in waiting
        count = sent(s)
        code, data, out = enrich(proj, "--confirm", "llama", "1")
        assert code == 0, out
        assert sent(s) == count  # both candidates' answers were kept
    fm = front(proj, "llama")
    assert fm.startswith("title: 'LLaMA: Open and Efficient Foundation Language Models'\n"
                         "authors:\n  - Hugo Touvron\n")
    assert "arxiv: '2302.13971'\n" in fm and "aliases:\n  - LLaMA\n" in fm
    # the list's title, a decision now: an import that meets it again finds the paper
    decisions = (proj / "content" / "imports" / "decisions.yaml").read_text("utf-8")
    assert "  - paper: llama\n    was: llama\n    title: LLaMA\n" in decisions
    assert "llama:" not in (proj / "content" / "enrich-unsure.yaml").read_text("utf-8")


def test_a_run_with_other_services_keeps_the_candidates_it_did_not_ask_about(proj: Path):
    with services(proj, "openalex", "crossref"):
        assert enrich(proj, "--paper", "llama", "--source", "openalex")[0] == 1
        _code, data, out = enrich(proj, "--paper", "llama", "--source", "crossref")
    assert paper(data, "llama")["status"] == "no match", out
    waiting = (proj / "content" / "enrich-unsure.yaml").read_text("utf-8")
    assert "ref: arxiv:2302.13971" in waiting and "ref: arxiv:2307.09288" in waiting


def test_rejected_candidates_are_not_proposed_again(proj: Path):
    with services(proj, "openalex"):
        assert enrich(proj, "--paper", "llama")[0] == 1
        code, data, out = enrich(proj, "--reject", "llama")
        assert code == 0 and paper(data, "llama")["status"] == "no match", out
        code, data, out = enrich(proj, "--paper", "llama")
    assert code == 0 and paper(data, "llama")["candidates"] == [], out
    waiting = (proj / "content" / "enrich-unsure.yaml").read_text("utf-8")
    assert "    rejected:\n      - arxiv:2302.13971\n      - arxiv:2307.09288\n" in waiting


def test_a_different_paper_with_the_same_title_is_not_taken(project: Path):
    # The 2015 Nature review by LeCun, Bengio and Hinton; OpenAlex also has the 2016 book.
    write(project / "content/en/deep-learning.md",
          "---\ntitle: Deep learning\nauthors:\n  - Yann LeCun\nyear: 2015\n---\n")
    write(project / "content/en/the-book.md",
          "---\ntitle: Deep Learning\nauthors:\n  - Ian Goodfellow\nyear: 2016\n---\n")
    write(project / "content/en/no-clue.md", "---\ntitle: Deep Learning\n---\n")
    with services(project, "openalex"):
        _code, data, _out = enrich(project)
    assert "doi: 10.1038/nature14539\n" in front(project, "deep-learning")
    assert "openalex: W2160815625\n" in front(project, "the-book")
    assert "doi:" not in front(project, "the-book")
    # Without a year or an author, two works with the title: a person decides.
    assert paper(data, "no-clue")["status"] == "unsure"
    assert [c["ref"] for c in paper(data, "no-clue")["candidates"]] == \
        ["doi:10.1038/nature14539", "openalex:W2160815625"]


def test_a_persons_fields_are_never_changed(project: Path):
    text = ("---\ntitle: Attention Is All You Need\nauthors:\n  - A. Person\nyear: 2016\n"
            "venue: Our own venue\narxiv: '1706.03762'\n---\n\nMy own summary.\n")
    write(project / "content/en/attention.md", text)
    with services(project, "arxiv", "semanticscholar"):
        _, data, _ = enrich(project)
    p = paper(data, "attention")
    assert {(c["field"], c["old"], c["new"]) for c in p["conflicts"]} == {
        ("year", "2016", "2017"),
        ("authors", "A. Person", "Ashish Vaswani; Noam Shazeer; Niki Parmar; Jakob Uszkoreit; "
                                 "Llion Jones; Aidan N. Gomez; Lukasz Kaiser; Illia Polosukhin")}
    fm = front(project, "attention")
    assert "authors:\n  - A. Person\nyear: 2016\nvenue: Our own venue\n" in fm
    assert ("  - field: year\n    value: '2017'\n    source: semanticscholar:"
            "204e3073870fae3d05bcbc2f6a8e263d9b72e776\n") in fm  # S2's year before arXiv's
    assert read(project, "attention").endswith("---\n\nMy own summary.\n")  # no abstract
    assert p["abstract"] is None
    # a re-run records nothing twice
    with services(project, "arxiv", "semanticscholar"):
        _code, again, _out = enrich(project)
    assert paper(again, "attention")["conflicts"] == []


def test_a_title_spelt_differently_stays_as_it_is(project: Path):
    write(project / "content/en/attention.md", "---\ntitle: attention is all you need\n"
          "arxiv: '1706.03762'\n---\n")
    with services(project, "arxiv"):
        code, _data, out = enrich(project)
    assert code == 0, out
    fm = front(project, "attention")
    assert fm.startswith("title: attention is all you need\nauthors:") and "aliases" not in fm


def test_a_paper_with_only_chinese_text_gets_an_english_file_for_its_abstract(project: Path):
    write(project / "content/zh/attention.md", "---\ntitle: Attention Is All You Need\n"
          "arxiv: '1706.03762'\n---\n\n这篇论文提出了 Transformer。\n")
    with services(project, "arxiv"):
        code, _data, out = enrich(project)
    assert code == 0, out
    en = read(project, "attention")
    assert en.startswith("---\nmeta_in: zh\n---\n\n<!-- abstract source=arxiv id=1706.03762")
    assert "authors:\n  - Ashish Vaswani" in read(project, "attention", "zh")
    status = json.loads(run(project, "status", "--format", "json").stdout)
    (row,) = status["papers"]
    assert row["states"] == {"en": "missing", "zh": "missing"}  # each the other's to translate


def test_after_enrich_an_import_linking_to_arxiv_matches_by_id(proj: Path):
    with services(proj, "openalex", "crossref", "semanticscholar"):
        enrich(proj, "--paper", "deep-residual-learning-for-image-recognition")
    write(proj / "other.md", "# Vision\n\n- [ResNet](https://arxiv.org/abs/1512.03385v1)\n")
    result = run(proj, "import", str(proj / "other.md"), "--list", "vision", "--lang", "en",
                 "--report", "json", env=DATE)
    report = json.loads(result.stdout)
    assert report["created"] == []
    assert report["matched"] == [{"id": "deep-residual-learning-for-image-recognition",
                                  "by": "arXiv id"}]


def test_a_title_replaced_by_the_published_one_still_matches_a_reimport(proj: Path):
    with services(proj, "openalex", "semanticscholar"):
        enrich(proj, "--paper", "llama")
        enrich(proj, "--confirm", "llama", "arxiv:2302.13971")
    result = run(proj, "import", str(proj / "list.md"), "--list", "rg", "--lang", "en",
                 "--report", "json", env=DATE)
    report = json.loads(result.stdout)
    assert report["created"] == []
    assert {"id": "llama", "by": "a name confirmed with publish merge"} in report["matched"]


@pytest.mark.slow  # arXiv's three-second gate, for real
def test_dry_run_writes_nothing_in_content(proj: Path):
    before = tree_hashes(proj)
    with services(proj, "openalex", "crossref", "semanticscholar"):
        _code, data, _out = enrich(proj, "--dry-run")
    assert data["dry_run"] and tree_hashes(proj) == before
    assert str(proj / "content/en/deep-residual-learning-for-image-recognition.md") in \
        data["written"]


def test_fields_limits_what_is_filled(proj: Path):
    with services(proj, "arxiv"):
        enrich(proj, "--paper", "attention-is-all-you-need", "--fields", "abstract")
    fm = front(proj, "attention-is-all-you-need")
    assert "authors" not in fm and "year" not in fm
    assert "<!-- abstract source=arxiv" in read(proj, "attention-is-all-you-need")


# ---------------------------------------------------------------------------------------------
# Services misbehaving


@pytest.mark.slow
def test_a_429_is_retried_after_its_retry_after(proj: Path):
    with services(proj, "openalex", mode="429", fail_first=1, retry_after=1) as s:
        code, data, out = enrich(proj, "--paper", "attention-is-all-you-need")
    assert code == 0 and paper(data, "attention-is-all-you-need")["status"] == "found", out
    assert len(s["openalex"].requests) == 2 and s["openalex"].gaps()[0] >= 1.0


def test_a_500_fails_the_lookup_writes_nothing_and_is_asked_again_next_run(proj: Path):
    before = tree_hashes(proj)
    with services(proj, "openalex", mode="500"):
        code, data, out = enrich(proj, "--paper", "attention-is-all-you-need", "--retries", "0")
    p = paper(data, "attention-is-all-you-need")
    assert code == 1 and p["status"] == "failed"
    assert "HTTP 500" in p["failed"]["OpenAlex"]
    assert tree_hashes(proj) == before
    with services(proj, "openalex") as s:  # the failure was not kept as an answer
        code, data, out = enrich(proj, "--paper", "attention-is-all-you-need")
    assert len(s["openalex"].requests) == 1 and code == 0, out


def test_a_service_that_keeps_failing_is_not_asked_again_in_the_run(proj: Path):
    with services(proj, "openalex", mode="500") as s:
        code, data, out = enrich(proj, "--retries", "0", "--jobs", "1")
    assert code == 1 and len(s["openalex"].requests) == 3, out
    reasons = [p["failed"]["OpenAlex"] for p in data["results"]]
    assert sum("not asked again this run" in r for r in reasons) == 1, reasons


def test_a_server_that_never_answers_is_given_up_on(proj: Path):
    started = time.monotonic()
    with services(proj, "openalex", mode="hang"):
        _code, data, _out = enrich(proj, "--paper", "attention-is-all-you-need", "--timeout",
                                 "0.3", "--retries", "0")
    assert time.monotonic() - started < 5
    assert "no answer within 0.3 s" in paper(data, "attention-is-all-you-need")["failed"][
        "OpenAlex"]


@pytest.mark.parametrize("source", ["openalex", "semanticscholar", "crossref", "arxiv"])
def test_a_malformed_answer_is_a_failure_not_a_no_match(project: Path, source: str):
    write(project / "content/en/resnet.md", "---\ntitle: Deep Residual Learning for Image "
          "Recognition\narxiv: '1512.03385'\ndoi: 10.1109/CVPR.2016.90\n---\n")
    before = tree_hashes(project)
    with services(project, source, mode="garbage"):
        code, data, out = enrich(project, "--retries", "0")
    p = paper(data, "resnet")
    assert code == 1 and p["status"] == "failed", out
    assert "malformed answer" in next(iter(p["failed"].values()))
    assert tree_hashes(project) == before


def test_offline_is_one_line_and_nothing_is_written(proj: Path):
    before = tree_hashes(proj)
    result = run(proj, "enrich", "--source", "openalex", "--url", "http://127.0.0.1:9/")
    assert result.exit_code == 2
    lines = result.stderr.strip().split("\n")
    assert len(lines) == 1 and lines[0].startswith("publish: error: cannot connect to "
                                                   "127.0.0.1:9"), result.output
    assert "Nothing was written" in lines[0]
    assert tree_hashes(proj) == before


def test_url_goes_with_exactly_one_source(proj: Path):
    result = run(proj, "enrich", "--url", "http://127.0.0.1:9/")
    assert result.exit_code == 2 and "--url needs exactly one --source" in result.stderr


# ---------------------------------------------------------------------------------------------
# Etiquette, and what leaves the machine


@pytest.mark.slow  # arXiv's three-second gate, for real
def test_contact_and_keys_go_where_each_service_wants_them(proj: Path):
    env = {"SEMANTIC_SCHOLAR_API_KEY": "s2-secret-key", "OPENALEX_API_KEY": "oa-secret-key"}
    with services(proj, "openalex", "crossref", "semanticscholar") as s:
        enrich(proj, env=env)
    for request in s["openalex"].requests + s["crossref"].requests:
        assert "mailto:reader@example.org" in request.headers["user-agent"]
        assert request.params["mailto"] == "reader@example.org"
    assert all(r.params["api_key"] == "oa-secret-key" for r in s["openalex"].requests)
    assert all("api_key" not in r.params for r in s["crossref"].requests)
    assert all(r.headers["x-api-key"] == "s2-secret-key" for r in s["semanticscholar"].requests)
    # keys are never written down: not in content/, not in the cache
    cache = (proj / "build" / "enrich-cache.sqlite").read_bytes()
    assert b"secret-key" not in cache
    assert not any("secret-key" in p.read_text("utf-8") for p in (proj / "content").rglob("*")
                   if p.is_file())


@pytest.mark.slow
def test_arxiv_gets_ids_in_one_batch_and_one_request_every_three_seconds(project: Path):
    for pid, arxiv in (("a", "1706.03762"), ("b", "2305.14314"), ("c", "1512.03385"),
                       ("d", "0000.0000"), ("e", "1234.12345")):
        write(project / f"content/en/{pid}.md", f"---\ntitle: Paper {pid}\narxiv: '{arxiv}'\n"
                                                "---\n")
    write(project / "content/en/qlora.md", "---\ntitle: 'QLoRA: Efficient Finetuning of "
                                           "Quantized LLMs'\n---\n")
    with services(project, "arxiv") as s:
        _code, data, _out = enrich(project)
    ids = [r.params.get("id_list") for r in s["arxiv"].requests]
    # arXiv refuses a whole batch for one malformed id (HTTP 400 and an error entry naming
    # it): that one is no match, the others are asked again
    assert ids == ["1706.03762,2305.14314,1512.03385,0000.0000,1234.12345",
                   "1706.03762,2305.14314,1512.03385,0000.0000", ""], ids
    assert min(s["arxiv"].gaps()) >= 3.0
    assert paper(data, "qlora")["status"] == "found"
    assert paper(data, "d")["status"] == paper(data, "e")["status"] == "no match"
    # "Paper a" is not the title arXiv has for 1706.03762: a person looks
    assert paper(data, "a")["status"] == "unsure"


@pytest.mark.slow
def test_an_interrupted_run_resumes_without_asking_again(proj: Path):
    import signal
    import subprocess
    import sys

    with services(proj, "openalex", "semanticscholar", latency=0.3) as s:
        child = subprocess.Popen([sys.executable, "-m", "publish.cli", "--root", str(proj),
                                  "enrich", "--jobs", "1", "--source", "openalex", "--source",
                                  "semanticscholar"], stdout=subprocess.DEVNULL,
                                 stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 30
        while sent(s) < 3 and child.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert child.poll() is None, "the run ended before it could be interrupted"
        child.send_signal(signal.SIGKILL)
        child.wait()
        asked = {(r.path, json.dumps(r.params, sort_keys=True), r.body) for v in s.values()
                 for r in v.requests}
        answered_before = sent(s)
        _code, data, _out = enrich(proj)
        again = [(r.path, json.dumps(r.params, sort_keys=True), r.body) for v in s.values()
                 for r in v.requests[answered_before:]]
    # only what had not been answered was asked (a request in flight when killed, at most)
    assert len([r for r in again if r in asked]) <= 1
    assert data["from_cache"] >= 2


def test_update_citations_refreshes_only_counts_enrich_wrote(project: Path):
    write(project / "content/en/attention.md", "---\ntitle: Attention Is All You Need\n"
          "arxiv: '1706.03762'\n---\n")
    write(project / "content/en/resnet.md", "---\ntitle: Deep Residual Learning for Image "
          "Recognition\ndoi: 10.1109/CVPR.2016.90\ncitations: 12\n---\n")
    with services(project, "openalex") as s:
        enrich(project)
        fm = front(project, "attention")
        fm = fm.replace("citations: 61874", "citations: 5")  # as if counted long ago
        write(project / "content/en/attention.md", f"---\n{fm}---\n")
        db = sqlite3.connect(project / "build" / "enrich-cache.sqlite")
        db.execute("UPDATE answers SET fetched = '2026-01-01T00:00:00+00:00'")
        db.commit()
        db.close()
        count = sent(s)
        _code, _data, out = enrich(project, "--update", "citations")
        assert sent(s) == count + 2, out
    assert "citations: 61874\n" in front(project, "attention")
    assert "citations: 12\n" in front(project, "resnet")  # a list's count stays


# ---------------------------------------------------------------------------------------------
# Hostile answers


def _hostile(seen):
    if not seen.path.startswith("/works/"):
        return None
    work = {"id": "https://openalex.org/W123", "doi": "https://doi.org/10.1234/x<script>",
            "title": "Attention\u202e Is All\x00 You Need",
            "authorships": [{"author": {"display_name": "[red]Eve[/red]\x1b[2J"}}],
            "publication_year": "2017; rm -rf", "cited_by_count": -5,
            "abstract_inverted_index": {"<!--": [0], "translation": [1], "from=zh": [2],
                                        "src=abc": [3], "state=human": [4], "-->": [5],
                                        "#": [6], "x": [10**9]}}
    return 200, {}, json.dumps(work).encode()


def test_a_hostile_answer_is_kept_as_plain_text(project: Path):
    write(project / "content/en/attention.md", "---\ntitle: Attention Is All You Need\n"
          "arxiv: '1706.03762'\n---\n")
    with services(project, "openalex") as s:
        s["openalex"].handler = _hostile
        _code, _data, _out = enrich(project)
    text = read(project, "attention")
    fm, body, _ = split_front_matter(text)
    assert "authors:\n  - '[red]Eve[/red][2J'\n" in fm or "[red]Eve[/red]" in fm
    assert "\x1b" not in text and "\x00" not in text and "\u202e" not in text
    assert "doi:" not in fm and "year:" not in fm and "citations:" not in fm
    blocks = split_blocks(body, "en")
    assert len(blocks) == 1 and blocks[0].kind == "paragraph"
    assert blocks[0].provenance == "openalex:W123" and blocks[0].is_original
    assert blocks[0].text.startswith("\\<!-- translation from=zh")
    assert "#" in blocks[0].text and "\n" not in blocks[0].text
