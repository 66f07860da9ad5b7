"""How long `publish status --format json` takes on a big tree: cold, warm, warm with one file
changed, against the naive way (every file parsed, status.collection_status), in one run.

    python benchmarks/bench_status.py [--papers 100000] [--runs 3] [--skip-naive] [--json FILE]

Generates (or reuses) a tree of N papers x 2 languages with gen_tree.py under /tmp, then runs
each variant as a user would, `publish --root TREE status --format json > /dev/null`, in a
fresh process:

  cold          no build/index.sqlite: every file read, parsed and its status computed
                (worker processes on a multi-core machine), and the cache written
  warm          nothing changed since the last run
  warm+1        one English file edited (a word of its first paragraph): that paper is read
                again, its Chinese translation becomes outdated
  naive         --no-cache: store.load_collection + status.collection_status, as a command
                without the index would do it

Reported per variant: median wall-clock seconds (interpreter start-up included), CPU seconds
(user+sys of the process and its workers: less sensitive to other load on the machine), and
peak RSS of the largest process (ru_maxrss). The JSON of cold, warm and naive must be
identical, and warm+1 must show the edited paper outdated in zh, or the run fails.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
TARGETS = {"cold": 15.0, "warm+1": 1.5}
MEMORY_TARGET_MB = 1024

# Runs one command and reports what it cost, descendants included (the cold run's workers).
_WRAPPER = """
import json, resource, subprocess, sys, time
t0 = time.perf_counter()
with open(sys.argv[1], "wb") as out:
    code = subprocess.run(sys.argv[2:], stdout=out).returncode
wall = time.perf_counter() - t0
ru = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"code": code, "wall": wall, "cpu": ru.ru_utime + ru.ru_stime,
                  "maxrss_kb": ru.ru_maxrss}))
"""


def tree_for(papers: int, root: Path | None) -> Path:
    root = root or Path(f"/tmp/publish-bench-status-{papers}")
    stamp = root / ".gen_tree"
    if stamp.exists() and f"papers={papers} " in stamp.read_text("utf-8"):
        return root
    print(f"generating {papers} papers in {root} …", file=sys.stderr)
    subprocess.run([sys.executable, str(HERE / "gen_tree.py"), str(root), "--papers",
                    str(papers), "--force"], check=True)
    return root


def publish_cmd() -> list[str]:
    exe = Path(sys.executable).with_name("publish")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "publish.cli"]


def measure(tree: Path, out: Path, *extra: str) -> dict:
    cmd = [sys.executable, "-c", _WRAPPER, str(out), *publish_cmd(), "--root", str(tree),
           "status", "--format", "json", *extra]
    result = json.loads(subprocess.run(cmd, check=True, capture_output=True,
                                       text=True).stdout)
    if result["code"] != 0:
        raise SystemExit(f"bench_status: {' '.join(cmd[3:])} exited {result['code']}")
    return result


def edit_one(tree: Path) -> tuple[Path, bytes, str]:
    """Change one word of the first paragraph of an English file that has a Chinese
    translation; returns (path, original bytes, paper id)."""
    for path in sorted((tree / "content" / "en").glob("*.md")):
        if not (tree / "content" / "zh" / path.name).exists():
            continue
        data = path.read_bytes()
        head, sep, body = data.partition(b"\n---\n\n")
        if b" the " in body.split(b"\n\n")[0]:
            path.write_bytes(head + sep + body.replace(b" the ", b" one ", 1))
            return path, data, path.stem
    raise SystemExit("bench_status: no English paragraph with ' the ' to edit")


def summarise(name: str, runs: list[dict]) -> dict:
    return {"variant": name, "runs": len(runs),
            "wall_s": round(statistics.median(r["wall"] for r in runs), 2),
            "cpu_s": round(statistics.median(r["cpu"] for r in runs), 2),
            "maxrss_mb": round(max(r["maxrss_kb"] for r in runs) / 1024)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--papers", type=int, default=100_000)
    ap.add_argument("--runs", type=int, default=3, help="runs of each warm variant (median)")
    ap.add_argument("--cold-runs", type=int, default=1, help="runs of cold (median)")
    ap.add_argument("--tree", type=Path, help="tree folder (default /tmp/publish-bench-…)")
    ap.add_argument("--skip-naive", action="store_true", help="skip the (slow) naive run")
    ap.add_argument("--json", type=Path, help="also write the figures here")
    args = ap.parse_args(argv)
    tree = tree_for(args.papers, args.tree)
    scratch = Path(f"/tmp/publish-bench-status-out-{os.getpid()}")
    scratch.mkdir(exist_ok=True)
    results = []
    try:
        cold = []
        for _ in range(args.cold_runs):
            shutil.rmtree(tree / "build", ignore_errors=True)
            cold.append(measure(tree, scratch / "cold.json"))
        results.append(summarise("cold", cold))
        warm = [measure(tree, scratch / "warm.json") for _ in range(args.runs)]
        results.append(summarise("warm", warm))
        if (scratch / "cold.json").read_bytes() != (scratch / "warm.json").read_bytes():
            raise SystemExit("bench_status: warm output differs from cold")
        path, original, pid = edit_one(tree)
        try:
            changed = []
            for i in range(args.runs):
                if i:  # written again before each run: one file to read again each time
                    path.write_bytes(original)
                    edit_one(tree)
                changed.append(measure(tree, scratch / "changed.json"))
            papers = json.loads((scratch / "changed.json").read_text("utf-8"))["papers"]
            state = next(p["states"]["zh"] for p in papers if p["id"] == pid)
            if state != "outdated":
                raise SystemExit(f"bench_status: {pid} is {state} in zh after the edit")
            results.append(summarise("warm+1", changed))
        finally:
            path.write_bytes(original)
        if not args.skip_naive:
            naive = measure(tree, scratch / "naive.json", "--no-cache")
            results.append(summarise("naive", [naive]))
            measure(tree, scratch / "warm.json")  # the original file is back: warm again
            if (scratch / "naive.json").read_bytes() != (scratch / "warm.json").read_bytes():
                raise SystemExit("bench_status: naive output differs from the cached one")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    print(f"publish status --format json, {args.papers:,} papers x 2 languages "
          f"({platform.python_version()}, {os.cpu_count()} CPUs, load "
          f"{os.getloadavg()[0]:.1f})")
    print(f"{'variant':<8} {'wall s':>8} {'cpu s':>8} {'peak MB':>8}  target")
    for r in results:
        target = TARGETS.get(r["variant"])
        note = f"< {target} s" if target else ""
        if target:
            note += "  ok" if r["wall_s"] < target else "  MISSED"
        print(f"{r['variant']:<8} {r['wall_s']:>8.2f} {r['cpu_s']:>8.2f} {r['maxrss_mb']:>8}"
              f"  {note}")
    if args.json:
        args.json.write_text(json.dumps({"papers": args.papers, "results": results,
                                         "cpus": os.cpu_count(),
                                         "python": platform.python_version()}, indent=2))
    worst = max(r["maxrss_mb"] for r in results if r["variant"] != "naive")
    print(f"peak memory (largest process, cached variants): {worst} MB "
          f"({'ok' if worst < MEMORY_TARGET_MB else 'MISSED'}: < {MEMORY_TARGET_MB} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
