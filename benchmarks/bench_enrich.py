"""How fast `publish enrich` looks up 1,000 papers against a stand-in that takes 200 ms per
request, with one request at a time and with eight; what a second run sends; and whether
arXiv's one request every three seconds holds, in one run and in two at once.

    python benchmarks/bench_enrich.py [--papers 1000] [--latency 0.2] [--arxiv-papers 200]
                                      [--json FILE]

Makes a project of N title-only papers (the shape of the 649 `papers-list` papers), starts
the OpenAlex stand-in of tests/enrich_server.py on 127.0.0.1 with `--latency`, answering
each title search with a work of that title, and runs the real command in a fresh
interpreter (start-up, loading and writing included):

  jobs 1        `publish enrich --source openalex --jobs 1` on a fresh copy (empty cache)
  jobs 8        the same with --jobs 8 on another fresh copy; target ≥ 6× faster
  second run    the command again on the jobs-8 copy: target 0 requests
  arXiv         a project of M papers with arXiv ids and 3 with titles only, `--source arxiv`:
                ids go 50 to a request; every gap between requests the stand-in received
                must be ≥ 3 s (also printed: the smallest gap)
  arXiv, two    two runs (--dry-run, so neither waits for the writer lock) on one project at
                once, with an empty cache: the gate file in build/ keeps them 3 s apart too

Seconds are the whole command's; "asking" runs from the first request the stand-in received
to the last one's answer (the part --jobs speeds up).
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import json
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))

from enrich_server import Seen, StandIn  # noqa: E402

WORDS = ["sparse", "attention", "graph", "diffusion", "contrastive", "latent", "policy",
         "reward", "transformer", "retrieval", "scaling", "federated", "robust", "causal",
         "vision", "speech", "tabular", "agent", "memory", "token", "kernel", "bayesian",
         "neural", "implicit", "equivariant", "spectral"]


def title(i: int) -> str:
    h = hashlib.sha1(str(i).encode()).digest()
    return " ".join(WORDS[b % len(WORDS)].capitalize() for b in h[:5]) + f" {i}"


def make_project(root: Path, papers: int, arxiv_ids: int = 0) -> None:
    (root / "content" / "en").mkdir(parents=True)
    (root / "content" / "zh").mkdir()
    (root / "content" / "lists").mkdir()
    (root / "publish.toml").write_text('languages = ["en", "zh"]\nsource_language = "en"\n'
                                       '[title]\nen = "Bench"\nzh = "Bench"\n'
                                       '[enrich]\nmailto = "bench@example.org"\n', "utf-8")
    for i in range(papers):
        front = f"title: {title(i)}\n"
        if i < arxiv_ids:
            arxiv = f"{2001 + i // 9000}.{10000 + i % 9000:05d}"
            front = f"title: Paper {arxiv}\narxiv: '{arxiv}'\n"
        (root / "content" / "en" / f"paper-{i}.md").write_text(f"---\n{front}---\n", "utf-8")


def synthetic_openalex(seen: Seen) -> tuple[int, dict[str, str], bytes] | None:
    """A work for any title searched: its title, an author, a year, an abstract."""
    words = seen.params.get("filter", "").removeprefix("title.search:")
    if not words:
        return None
    n = int(hashlib.sha1(words.encode()).hexdigest()[:8], 16)
    work = {"id": f"https://openalex.org/W{n}", "doi": f"https://doi.org/10.5555/{n}",
            "title": words, "publication_year": 2020 + n % 5, "type": "article",
            "authorships": [{"author": {"display_name": "Ada Lovelace"}}],
            "cited_by_count": n % 1000,
            "abstract_inverted_index": {"We": [0], "study": [1], words.split()[0]: [2]}}
    return 200, {}, json.dumps({"meta": {"count": 1}, "results": [work]}).encode()


def synthetic_arxiv(seen: Seen) -> tuple[int, dict[str, str], bytes] | None:
    ids = [i for i in seen.params.get("id_list", "").split(",") if i]
    entries = "".join(
        f"<entry><id>http://arxiv.org/abs/{i}v1</id><title>Paper {i}</title>"
        f"<summary>Abstract of {i}.</summary><published>2020-01-01T00:00:00Z</published>"
        f"<author><name>Ada Lovelace</name></author></entry>" for i in ids)
    feed = ('<?xml version="1.0" encoding="UTF-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
            f"{entries}</feed>")
    return 200, {}, feed.encode()


def enrich(root: Path, *args: str) -> tuple[float, dict, int]:
    started = time.monotonic()
    proc = subprocess.run(
        [sys.executable, "-c", "from publish.cli import main; main()", "--root", str(root),
         "enrich", *args, "--format", "json"], capture_output=True, text=True, check=False)
    wall = time.monotonic() - started
    if proc.returncode not in (0, 1):
        sys.exit(f"publish enrich failed ({proc.returncode}):\n{proc.stderr}{proc.stdout}")
    return wall, json.loads(proc.stdout), proc.returncode


def set_url(root: Path, source: str, url: str) -> None:
    toml = root / "publish.toml"
    toml.write_text(toml.read_text("utf-8") + f'[enrich.{source}]\nurl = "{url}"\n', "utf-8")


def openalex_runs(work: Path, papers: int, latency: float) -> dict[str, dict]:
    out: dict[str, dict] = {}
    base = work / "base"
    make_project(base, papers)
    with StandIn("openalex", latency=latency, handler=synthetic_openalex) as server:
        for jobs in (1, 8):
            tree = work / f"jobs-{jobs}"
            shutil.copytree(base, tree)
            set_url(tree, "openalex", server.url)
            before = len(server.requests)
            wall, data, _ = enrich(tree, "--source", "openalex", "--jobs", str(jobs))
            arrivals = [r.at for r in server.requests[before:]]
            out[f"jobs {jobs}"] = {"seconds": wall, "requests": len(server.requests) - before,
                                   "asking": max(arrivals) - min(arrivals) + latency,
                                   "found": data["papers"]["found"],
                                   "written": len(data["written"])}
            print(f"jobs {jobs}: {wall:.1f} s, {out[f'jobs {jobs}']}", file=sys.stderr)
        before = len(server.requests)
        wall, data, _ = enrich(work / "jobs-8", "--source", "openalex", "--jobs", "8")
        out["second run"] = {"seconds": wall, "requests": len(server.requests) - before,
                             "from_cache": data["from_cache"], "written": len(data["written"])}
        print(f"second run: {out['second run']}", file=sys.stderr)
    return out


def arxiv_runs(work: Path, papers: int, latency: float) -> dict[str, dict]:
    out: dict[str, dict] = {}
    tree = work / "arxiv"
    make_project(tree, papers + 3, arxiv_ids=papers)
    with StandIn("arxiv", latency=latency, handler=synthetic_arxiv) as server:
        set_url(tree, "arxiv", server.url)
        wall, data, _ = enrich(tree, "--source", "arxiv")
        gaps = server.gaps()
        out["arXiv"] = {"seconds": wall, "requests": len(server.requests),
                        "found": data["papers"]["found"], "min_gap": min(gaps, default=None)}
        print(f"arXiv: {out['arXiv']}", file=sys.stderr)
        assert all(g >= 3.0 for g in gaps), gaps
        shutil.rmtree(tree / "build")
        before = len(server.requests)
        procs = [subprocess.Popen(
            [sys.executable, "-c", "from publish.cli import main; main()", "--root", str(tree),
             "enrich", "--source", "arxiv", "--dry-run", "--format", "json"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) for _ in range(2)]
        for p in procs:
            p.wait()
        times = sorted(r.at for r in server.requests[before:])
        both = [b - a for a, b in itertools.pairwise(times)]
        out["arXiv, two runs at once"] = {"requests": len(times), "min_gap": min(both)}
        print(f"arXiv, two runs: {out['arXiv, two runs at once']}", file=sys.stderr)
        assert all(g >= 3.0 for g in both), both
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--papers", type=int, default=1000)
    ap.add_argument("--latency", type=float, default=0.2, help="seconds per request")
    ap.add_argument("--arxiv-papers", type=int, default=200)
    ap.add_argument("--json", type=Path, help="also write the results here")
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-enrich-"))
    try:
        results = openalex_runs(work, args.papers, args.latency)
        results.update(arxiv_runs(work, args.arxiv_papers, args.latency))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    speedup = results["jobs 1"]["seconds"] / results["jobs 8"]["seconds"]
    print(f"\n{platform.node()}, Python {platform.python_version()}, {args.papers} papers, "
          f"{args.latency * 1000:.0f} ms a request\n")
    print("| run | seconds | requests | notes |\n|---|---:|---:|---|")
    for name, r in results.items():
        seconds = f"{r['seconds']:.1f}" if "seconds" in r else ""
        notes = ", ".join(f"{k} {v:.2f}" if isinstance(v, float) else f"{k} {v}"
                          for k, v in r.items() if k not in ("seconds", "requests"))
        print(f"| {name} | {seconds} | {r['requests']} | {notes} |")
    asking = results["jobs 1"]["asking"] / results["jobs 8"]["asking"]
    print(f"\njobs 8 against jobs 1: {speedup:.1f}× over the whole command, {asking:.1f}× "
          f"while asking (target ≥ 6×); second run: {results['second run']['requests']} "
          "requests (target 0)")
    if args.json:
        args.json.write_text(json.dumps({"speedup": speedup, **results}, indent=2), "utf-8")
    if speedup < 6 or results["second run"]["requests"]:
        sys.exit(1)


if __name__ == "__main__":
    main()
