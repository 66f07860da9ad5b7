"""How long `publish import` takes, cold, on two lists:

  seed 002      the ~900-title "Papers List" (content/imports/sources/002_*.txt), target 3 s
  table list    a 1 MB Markdown list of 1,300 GFM table rows in 130 tables, in the shape of
                the papers-of-the-week lists (`1) **Title** - description` and
                `[Paper](arxiv), [Tweet](x.com)` cells), made here, target 2 s

    python benchmarks/bench_import.py [--seeds content/imports/sources] [--runs 3]
                                      [--only seed|table] [--profile] [--json out.json]

Each run: `publish init` a fresh project under /tmp (not timed), then, each in a fresh
subprocess and timed from outside:

  import     publish --root P import LIST --list ID --lang en --report json
             (SOURCE_DATE_EPOCH pinned, so every run writes the same bytes)
  re-import  the same command again on the result: must find everything known and write
             0 files (checked from its JSON report and from a snapshot of the tree)

and in the same run, the baselines, also each in a fresh subprocess:

  startup    `python -c "import publish.cli"`: the interpreter and the package's imports,
             the floor under every publish command
  read       `import publish.cli`, then read and decode the list (bytes -> str) and split
             it into lines: the least an import must do
  write      `import publish.cli`, then write as many files as the import writes (the
             import's own texts, through `Transaction`): what the disk costs, whoever writes
  help       `publish --help`: the click entry point, end to end, doing nothing

Reported: median wall-clock seconds of `--runs` runs, median CPU seconds (user+sys of the
child: less sensitive to other load on the machine), and ratios to `read` and `write`.

--profile additionally runs each import once in-process under cProfile and prints the top
functions by cumulative time.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PY = sys.executable
PUBLISH = str(Path(PY).with_name("publish"))
ENV = {**os.environ, "SOURCE_DATE_EPOCH": "1795392000"}  # 2026-11-23, as import-seeds.sh
TARGETS = {"seed": 3.0, "table": 2.0}
_WORDS = ("attention", "transformer", "scaling", "language", "model", "diffusion", "vision",
          "graph", "neural", "network", "reinforcement", "learning", "retrieval", "alignment",
          "efficient", "sparse", "mixture", "experts", "benchmark", "multimodal", "reasoning",
          "agents", "instruction", "tuning", "contrastive", "representation", "optimization")


def table_list(path: Path, rows: int = 1300, seed: int = 0) -> Path:
    """A papers-of-the-week list: weekly GFM tables of ten rows, each row a bold title, a
    description of 55-80 words, and `[Paper](arxiv), [Tweet](x.com)` links: about 1 MB."""
    rng = random.Random(seed)
    out = ["# Top ML Papers of the Week", "", "The papers we read, week by week.", ""]
    n = week = 0
    while n < rows:
        week += 1
        out += [f"## Top ML Papers of the Week ({week})", "", "| **Paper** | **Links** |",
                "| --- | --- |"]
        for i in range(1, 11):
            if n >= rows:
                break
            n += 1
            title = " ".join(rng.choice(_WORDS).capitalize()
                             for _ in range(rng.randint(4, 10)))
            desc = " ".join(rng.choice(_WORDS) for _ in range(rng.randint(55, 80)))
            arxiv = f"{rng.randint(2001, 2412):04d}.{rng.randint(10000, 99999)}"
            tweet = rng.randint(10 ** 17, 10 ** 18)
            out.append(f"| {i}) **{title} {n}** - {desc}. | [Paper](https://arxiv.org/abs/"
                       f"{arxiv}), [Tweet](https://x.com/u/status/{tweet}) |")
        out.append("")
    path.write_text("\n".join(out) + "\n", "utf-8")
    return path


def timed(cmd: list[str], cwd: Path | None = None) -> tuple[float, float, str]:
    """(wall seconds, CPU seconds of the child, stdout)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, env=ENV, cwd=cwd)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode not in (0, 1):  # 1: imported, with unsure pairs for a person
        raise SystemExit(f"bench_import: {' '.join(cmd)} failed ({proc.returncode}):\n"
                         f"{proc.stderr}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, proc.stdout


def snapshot(root: Path) -> dict[str, tuple[int, str]]:
    """mtime and content hash of every file, to prove a re-import touched nothing (the
    writer lock's file aside: taking the lock is not writing)."""
    out = {}
    for path in sorted(root.rglob("*")):
        if path.is_file() and path.name != ".publish.lock":
            out[str(path.relative_to(root))] = (path.stat().st_mtime_ns,
                                                hashlib.sha256(path.read_bytes()).hexdigest())
    return out


_WRITE = """\
import sys, publish.cli
from pathlib import Path
from publish.content.write import Transaction
source, target = Path(sys.argv[1]), Path(sys.argv[2])
tx = Transaction(target)
for path in sorted(source.rglob("*.md")) + sorted(source.rglob("*.yaml")):
    tx.write(target / path.relative_to(source), path.read_text("utf-8"))
tx.commit("bench")
"""


def profile(source: Path, list_id: str, top: int = 25) -> None:
    import cProfile
    import pstats

    from publish.config import init_project, load_config
    from publish.imports import import_list

    with tempfile.TemporaryDirectory(prefix="publish-bench-import-prof-") as tmp:
        init_project(Path(tmp))
        config = load_config(Path(tmp))
        prof = cProfile.Profile()
        prof.enable()
        import_list(config, source, list_id, "en")
        prof.disable()
        print(f"\ncProfile of one in-process import of {source.name} (top {top} by "
              "cumulative):")
        pstats.Stats(prof, stream=sys.stdout).sort_stats("cumulative").print_stats(top)


def bench(name: str, source: Path, list_id: str, runs: int, tmp: Path) -> dict:
    baselines = {
        "startup": [PY, "-c", "import publish.cli"],
        "read": [PY, "-c", "import sys, publish.cli\n"
                           "from pathlib import Path\n"
                           "from publish.imports.clean import decode_source\n"
                           "p = Path(sys.argv[1])\n"
                           "lines = decode_source(p.read_bytes(), p)[0].split('\\n')\n",
                 str(source)],
        "help": [PUBLISH, "--help"],
    }
    names = ["import", "re-import", "write", *baselines]
    wall: dict[str, list[float]] = {n: [] for n in names}
    cpu: dict[str, list[float]] = {n: [] for n in names}
    facts: dict[str, object] = {}
    for cmd in baselines.values():  # warm-up: .pyc files and the page cache
        timed(cmd)
    for i in range(runs):
        project = tmp / f"{name}-run{i}"
        subprocess.run([PUBLISH, "init", str(project)], check=True, capture_output=True)
        cmd = [PUBLISH, "--root", str(project), "import", str(source), "--list", list_id,
               "--lang", "en", "--report", "json"]
        w, c, out = timed(cmd)
        first = json.loads(out)
        wall["import"].append(w)
        cpu["import"].append(c)
        before = snapshot(project)
        w, c, out = timed(cmd)
        again = json.loads(out)
        after = snapshot(project)
        wall["re-import"].append(w)
        cpu["re-import"].append(c)
        touched = sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k))
        facts = {"entries": first["entries"], "created": len(first["created"]),
                 "files_written": len(first["changed"]),
                 "bytes": source.stat().st_size,
                 "reimport_files_written": len(again["changed"]),
                 "reimport_files_touched_on_disk": len(touched),
                 "reimport_created": len(again["created"])}
        if again["changed"] or touched or again["created"]:
            raise SystemExit(f"bench_import: re-import changed something: {facts}; "
                             f"{touched[:10]}")
        target = tmp / f"{name}-write{i}"
        target.mkdir()
        w, c, _ = timed([PY, "-c", _WRITE, str(project / "content"), str(target)])
        wall["write"].append(w)
        cpu["write"].append(c)
        for bname, bcmd in baselines.items():
            w, c, _ = timed(bcmd)
            wall[bname].append(w)
            cpu[bname].append(c)
        print(f"{name} run {i + 1}/{runs}: import {wall['import'][-1]:.3f} s, re-import "
              f"{wall['re-import'][-1]:.3f} s, write baseline {wall['write'][-1]:.3f} s, "
              f"read baseline {wall['read'][-1]:.3f} s", file=sys.stderr)
    return {"facts": facts, "wall": wall, "cpu": cpu, "names": names}


def report(name: str, source: Path, result: dict, runs: int) -> dict:
    wall, cpu, names = result["wall"], result["cpu"], result["names"]
    med = {n: statistics.median(v) for n, v in wall.items()}
    med_cpu = {n: statistics.median(v) for n, v in cpu.items()}
    print(f"\n{name}: {source.name}: {result['facts']}; {runs} runs, median")
    print(f"{'step':<10} {'wall s':>8} {'cpu s':>8} {'x read':>8} {'x write':>8}")
    for n in names:
        print(f"{n:<10} {med[n]:8.3f} {med_cpu[n]:8.3f} {med[n] / med['read']:8.2f} "
              f"{med[n] / med['write']:8.2f}")
    target = TARGETS[name]
    verdict = "MET" if med["import"] <= target else "NOT MET"
    print(f"target: import under {target:g} s: {verdict} (median {med['import']:.3f} s wall, "
          f"{med_cpu['import']:.3f} s CPU; without the disk (import - write) "
          f"{med['import'] - med['write']:.3f} s)")
    return {"median_wall": med, "median_cpu": med_cpu}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    default_seeds = Path(__file__).resolve().parents[1] / "content" / "imports" / "sources"
    ap.add_argument("--seeds", type=Path, default=default_seeds,
                    help=f"folder with the seed lists (default {default_seeds})")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--only", choices=sorted(TARGETS), help="one list only")
    ap.add_argument("--profile", action="store_true", help="also cProfile one import")
    ap.add_argument("--json", type=Path, help="also write the results here")
    args = ap.parse_args(argv)
    found = sorted(args.seeds.glob("002_*.txt"))
    if len(found) != 1:
        raise SystemExit(f"bench_import: expected one 002_*.txt in {args.seeds}")
    info = {"nproc": os.cpu_count(), "python": platform.python_version(),
            "loadavg_at_start": os.getloadavg()}
    results = {}
    with tempfile.TemporaryDirectory(prefix="publish-bench-import-") as tmp_name:
        tmp = Path(tmp_name)
        lists = {"seed": (found[0].resolve(), "papers-list"),
                 "table": (table_list(tmp / "papers-of-the-week.md"), "papers-of-the-week")}
        for name, (source, list_id) in lists.items():
            if args.only and name != args.only:
                continue
            results[name] = bench(name, source, list_id, args.runs, tmp)
        info["loadavg_at_end"] = os.getloadavg()
        print(f"\nnproc {info['nproc']}, Python {info['python']}; load average "
              f"{info['loadavg_at_start'][0]:.2f} -> {info['loadavg_at_end'][0]:.2f}")
        summary = {name: report(name, lists[name][0], result, args.runs)
                   for name, result in results.items()}
        if args.profile:
            for name in results:
                profile(*lists[name])
    if args.json:
        args.json.write_text(json.dumps({"machine": info, "results": results,
                                         "summary": summary}, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
