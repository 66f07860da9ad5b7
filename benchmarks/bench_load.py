"""How long loading a big tree takes, cold (a fresh interpreter per run), against a naive loop.

    python benchmarks/bench_load.py [--papers 10000] [--runs 3] [--json FILE]

Generates (or reuses) a tree of N papers x 2 languages under /tmp with gen_tree.py, then runs
each variant in a fresh `python` subprocess, interleaved, `--runs` times:

  startup       `import publish.config, publish.content.load`, nothing else: the floor
  load          publish.config.load_config + load_collection(config, cache=False) (read,
                decode, front matter, validation, lists, cross-references; no index cache)
  load+blocks   the same, then `text.blocks` for every text (Markdown block split + hashes)
  publish list  `publish --root TREE list --format json > /dev/null`, the whole command
  naive         the baseline: for every file, read + decode, `yaml.safe_load` of the front
                matter (pure-Python default loader) and a full
                `markdown_it.MarkdownIt("commonmark").parse` of the body; lists safe_load'ed

Reported per variant: median wall-clock seconds of the subprocess (interpreter start-up
included: what a user waits for), median seconds inside it (from its first line, so importing
publish is included but interpreter start-up is not), median CPU seconds (user+sys, less
sensitive to other load on the machine), peak RSS (`resource.getrusage` in the subprocess),
and the ratio of the wall median to the naive one.
One untimed warm-up run first, so every timed run sees the files in the page cache and
compiled .pyc files: "cold" here means a new process, not an empty disk cache (dropping
that needs root).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
PY = sys.executable
TARGET_LOAD_S = 2.0

# Each child prints one JSON line: seconds after imports, peak RSS, and counts to check that
# every variant did the same work.
_PRELUDE = """\
import json, resource, sys, time
from pathlib import Path
t0 = time.perf_counter()
"""
_REPORT = """
print(json.dumps({"inner": time.perf_counter() - t0, "counts": counts,
                  "maxrss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
"""
CHILDREN: dict[str, str] = {
    "startup": """\
import publish.config, publish.content.load
counts = {}
""",
    "load": """\
from publish.config import load_config
from publish.content.load import load_collection
c = load_collection(load_config(Path(sys.argv[1])), cache=False)
counts = {"papers": len(c.papers), "texts": sum(len(p.texts) for p in c.papers.values()),
          "lists": len(c.lists)}
""",
    "load+blocks": """\
from publish.config import load_config
from publish.content.load import load_collection
c = load_collection(load_config(Path(sys.argv[1])), cache=False)
t1 = time.perf_counter()
blocks = sum(len(t.blocks) for p in c.papers.values() for t in p.texts.values())
counts = {"papers": len(c.papers), "texts": sum(len(p.texts) for p in c.papers.values()),
          "lists": len(c.lists), "blocks": blocks,
          "blocks_seconds": round(time.perf_counter() - t1, 3)}
""",
    "naive": """\
import yaml
from markdown_it import MarkdownIt
md = MarkdownIt("commonmark")
root = Path(sys.argv[1])
files = tokens = 0
for lang in ("en", "zh"):
    for path in sorted((root / "content" / lang).glob("*.md")):
        text = path.read_bytes().decode("utf-8")
        _, front, body = text.split("---\\n", 2)
        meta = yaml.safe_load(front)
        tokens += len(md.parse(body))
        files += 1
for path in sorted((root / "content" / "lists").glob("*.yaml")):
    yaml.safe_load(path.read_bytes().decode("utf-8"))
    files += 1
counts = {"files": files, "tokens": tokens}
""",
}
# The whole command as a user runs it; no JSON line of its own.
CLI_LIST = "publish list"
VARIANTS = ("startup", "load", "load+blocks", CLI_LIST, "naive")


@dataclass
class Runs:
    wall: list[float] = field(default_factory=list)
    inner: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)
    rss_kb: list[int] = field(default_factory=list)
    counts: dict[str, object] = field(default_factory=dict)

    def med(self, name: str) -> float | None:
        values = getattr(self, name)
        return statistics.median(values) if values else None


def run_child(variant: str, root: Path) -> tuple[float, float, dict[str, object]]:
    """(wall seconds, CPU seconds, the child's JSON report) of one fresh subprocess."""
    if variant == CLI_LIST:
        publish = str(Path(PY).with_name("publish"))
        cmd = [publish, "--root", str(root), "list", "--format", "json"]
        code = ("import resource, runpy, sys\n"
                "sys.argv = sys.argv[1:]\n"
                "try:\n"
                "    runpy.run_path(sys.argv[0], run_name='__main__')\n"
                "finally:\n"
                "    print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)\n")
        cmd = [PY, "-c", code, *cmd]
    else:
        cmd = [PY, "-c", _PRELUDE + CHILDREN[variant] + _REPORT, str(root)]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if proc.returncode != 0:
        raise SystemExit(f"bench_load: {variant} failed ({proc.returncode}):\n{proc.stderr}")
    if variant == CLI_LIST:
        rows = json.loads(proc.stdout)
        report: dict[str, object] = {"counts": {"rows": len(rows)},
                                     "maxrss_kb": int(proc.stderr.strip().splitlines()[-1])}
    else:
        report = json.loads(proc.stdout.strip().splitlines()[-1])
    return wall, cpu, report


def ensure_tree(papers: int, seed: int, tree: Path | None, regen: bool) -> Path:
    root = tree or Path(f"/tmp/publish-bench-load-{papers}-s{seed}")
    stamp = root / ".gen_tree"
    want = f"papers={papers} seed={seed} zh_share=1.0\n"
    if not regen and stamp.exists() and stamp.read_text() == want:
        print(f"reusing {root} ({want.strip()})", file=sys.stderr)
        return root
    cmd = [PY, str(HERE / "gen_tree.py"), str(root), "--papers", str(papers), "--seed",
           str(seed), "--zh-share", "1.0", "--force"]
    subprocess.run(cmd, check=True)
    return root


def machine() -> dict[str, object]:
    return {"nproc": os.cpu_count(), "python": platform.python_version(),
            "platform": platform.platform(), "loadavg_at_start": os.getloadavg()}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--papers", type=int, default=10_000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--tree", type=Path,
                    help="tree to use (default /tmp/publish-bench-load-N-sSEED, generated "
                         "once and reused)")
    ap.add_argument("--regen", action="store_true", help="generate the tree again")
    ap.add_argument("--only", nargs="+", choices=VARIANTS, help="run only these variants")
    ap.add_argument("--json", type=Path, help="also write the results here")
    args = ap.parse_args(argv)
    info = machine()
    root = ensure_tree(args.papers, args.seed, args.tree, args.regen)
    variants = [v for v in VARIANTS if not args.only or v in args.only]
    if "naive" not in variants:
        variants.append("naive")  # ratios need the same-run baseline
    results = {v: Runs() for v in variants}
    print(f"warm-up ({', '.join(variants)}) ...", file=sys.stderr)
    for v in variants:
        if v != "naive":
            run_child(v, root)
    run_child("load", root)
    for i in range(args.runs):
        for v in variants:
            wall, cpu, report = run_child(v, root)
            r = results[v]
            r.wall.append(wall)
            r.cpu.append(cpu)
            if "inner" in report:
                r.inner.append(float(report["inner"]))  # type: ignore[arg-type]
            r.rss_kb.append(int(report["maxrss_kb"]))  # type: ignore[call-overload]
            r.counts = report["counts"]  # type: ignore[assignment]
            print(f"run {i + 1}/{args.runs} {v:<12} wall {wall:7.3f} s  cpu {cpu:7.3f} s  "
                  f"{report['counts']}", file=sys.stderr)
    info["loadavg_at_end"] = os.getloadavg()
    base = results["naive"].med("wall") or 1.0
    print(f"\n{args.papers} papers x 2 languages, {root}; {args.runs} runs, median; "
          f"nproc {info['nproc']}, Python {info['python']}; load average "
          f"{info['loadavg_at_start'][0]:.2f} -> {info['loadavg_at_end'][0]:.2f}")
    print(f"{'variant':<13} {'wall s':>8} {'in-proc s':>9} {'cpu s':>8} {'peak RSS':>9} "
          f"{'x naive':>8}")
    for v in variants:
        r = results[v]
        inner = r.med("inner")
        wall = r.med("wall") or 0.0
        print(f"{v:<13} {wall:8.3f} {inner if inner is not None else float('nan'):9.3f} "
              f"{r.med('cpu') or 0.0:8.3f} {max(r.rss_kb) / 1024:7.0f} MB "
              f"{wall / base:8.3f}")
    load = results.get("load")
    if load is not None:
        wall = load.med("wall") or 0.0
        print(f"\ntarget: load {args.papers} papers x 2 languages cold under "
              f"{TARGET_LOAD_S:g} s: {'MET' if wall < TARGET_LOAD_S else 'NOT MET'} "
              f"(median {wall:.3f} s)"
              + ("" if args.papers == 10_000 else "; the target is set for 10,000 papers"))
    blocks = results.get("load+blocks")
    if blocks is not None and load is not None:
        extra = (blocks.med("wall") or 0.0) - (load.med("wall") or 0.0)
        print(f"splitting every text into blocks adds {extra:.3f} s "
              f"({blocks.counts.get('blocks')} blocks)")
    if args.json:
        args.json.write_text(json.dumps({
            "machine": info, "papers": args.papers, "runs": args.runs, "tree": str(root),
            "results": {v: r.__dict__ for v, r in results.items()},
        }, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
