"""How long `publish import` of seed 002 (the ~900-title "Papers List") takes, cold.

    python benchmarks/bench_import.py [--seeds content/imports/sources] [--runs 3] [--profile]

Each run: `publish init` a fresh project under /tmp (not timed), then, each in a fresh
subprocess and timed from outside:

  import     publish --root P import SEED002 --list papers-list --lang en --report json
             (SOURCE_DATE_EPOCH pinned, so every run writes the same bytes)
  re-import  the same command again on the result: must find everything known and write
             0 files (checked from its JSON report and from a snapshot of the tree)

and in the same run, the baseline, also each in a fresh subprocess:

  startup    `python -c "import publish.cli"`: the interpreter and the package's imports,
             the floor under every publish command
  read       `import publish.cli`, then read and decode the seed file (bytes -> str,
             `publish.store.decode`) and split it into lines: the least an import must do
  help       `publish --help`: the click entry point, end to end, doing nothing

Reported: median wall-clock seconds of `--runs` runs, median CPU seconds (user+sys of the
child: less sensitive to other load on the machine), and the ratio to `read`. The import's
writes go through `Transaction`, which fsyncs every file, so its wall time includes waiting
for the disk; CPU time does not.

--profile additionally runs the import once in-process under cProfile and prints the top
functions by cumulative time.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PY = sys.executable
PUBLISH = str(Path(PY).with_name("publish"))
TARGET_IMPORT_S = 3.0
ENV = {**os.environ, "SOURCE_DATE_EPOCH": "1795392000"}  # 2026-11-23, as import-seeds.sh


def timed(cmd: list[str], cwd: Path | None = None) -> tuple[float, float, str]:
    """(wall seconds, CPU seconds of the child, stdout)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, env=ENV, cwd=cwd)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise SystemExit(f"bench_import: {' '.join(cmd)} failed ({proc.returncode}):\n"
                         f"{proc.stderr}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, proc.stdout


def snapshot(root: Path) -> dict[str, tuple[int, str]]:
    """mtime and content hash of every file, to prove a re-import touched nothing."""
    out = {}
    for path in sorted(root.rglob("*")):
        if path.is_file():
            out[str(path.relative_to(root))] = (path.stat().st_mtime_ns,
                                                hashlib.sha256(path.read_bytes()).hexdigest())
    return out


def profile(seed: Path, top: int = 25) -> None:
    import cProfile
    import pstats

    from publish.config import init_project, load_config
    from publish.imports import import_list

    with tempfile.TemporaryDirectory(prefix="publish-bench-import-prof-") as tmp:
        init_project(Path(tmp))
        config = load_config(Path(tmp))
        prof = cProfile.Profile()
        prof.enable()
        import_list(config, seed, "papers-list", "en")
        prof.disable()
        print(f"\ncProfile of one in-process import of {seed.name} (top {top} by cumulative):")
        pstats.Stats(prof, stream=sys.stdout).sort_stats("cumulative").print_stats(top)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    default_seeds = Path(__file__).resolve().parents[1] / "content" / "imports" / "sources"
    ap.add_argument("--seeds", type=Path, default=default_seeds,
                    help=f"folder with the seed lists (default {default_seeds})")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--profile", action="store_true", help="also cProfile one import")
    ap.add_argument("--json", type=Path, help="also write the results here")
    args = ap.parse_args(argv)
    found = sorted(args.seeds.glob("002_*.txt"))
    if len(found) != 1:
        raise SystemExit(f"bench_import: expected one 002_*.txt in {args.seeds}")
    seed = found[0].resolve()
    info = {"nproc": os.cpu_count(), "python": platform.python_version(),
            "loadavg_at_start": os.getloadavg()}

    baselines = {
        "startup": [PY, "-c", "import publish.cli"],
        "read": [PY, "-c", "import sys, publish.cli\n"
                           "from pathlib import Path\n"
                           "from publish.store import decode\n"
                           "p = Path(sys.argv[1])\n"
                           "lines = decode(p.read_bytes(), p).split('\\n')\n", str(seed)],
        "help": [PUBLISH, "--help"],
    }
    names = ["import", "re-import", *baselines]
    wall: dict[str, list[float]] = {n: [] for n in names}
    cpu: dict[str, list[float]] = {n: [] for n in names}
    facts: dict[str, object] = {}
    for cmd in baselines.values():  # warm-up: .pyc files and the page cache
        timed(cmd)
    with tempfile.TemporaryDirectory(prefix="publish-bench-import-") as tmp:
        for i in range(args.runs):
            project = Path(tmp) / f"run{i}"
            subprocess.run([PUBLISH, "init", str(project)], check=True, capture_output=True)
            cmd = [PUBLISH, "--root", str(project), "import", str(seed), "--list",
                   "papers-list", "--lang", "en", "--report", "json"]
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
                     "reimport_files_written": len(again["changed"]),
                     "reimport_files_touched_on_disk": len(touched),
                     "reimport_created": len(again["created"])}
            if again["changed"] or touched or again["created"]:
                raise SystemExit(f"bench_import: re-import changed something: {facts}; "
                                 f"{touched[:10]}")
            for name, bcmd in baselines.items():
                w, c, _ = timed(bcmd)
                wall[name].append(w)
                cpu[name].append(c)
            print(f"run {i + 1}/{args.runs}: import {wall['import'][-1]:.3f} s, re-import "
                  f"{wall['re-import'][-1]:.3f} s, read baseline {wall['read'][-1]:.3f} s",
                  file=sys.stderr)
    info["loadavg_at_end"] = os.getloadavg()

    med = {n: statistics.median(v) for n, v in wall.items()}
    med_cpu = {n: statistics.median(v) for n, v in cpu.items()}
    print(f"\n{seed.name}: {facts}; {args.runs} runs, median; nproc {info['nproc']}, "
          f"Python {info['python']}; load average {info['loadavg_at_start'][0]:.2f} -> "
          f"{info['loadavg_at_end'][0]:.2f}")
    print(f"{'step':<10} {'wall s':>8} {'cpu s':>8} {'x read':>8}")
    for n in names:
        print(f"{n:<10} {med[n]:8.3f} {med_cpu[n]:8.3f} {med[n] / med['read']:8.2f}")
    verdict = "MET" if med["import"] < TARGET_IMPORT_S else "NOT MET"
    print(f"\ntarget: import seed 002 under {TARGET_IMPORT_S:g} s: {verdict} "
          f"(median {med['import']:.3f} s wall, {med_cpu['import']:.3f} s CPU)")
    if args.json:
        args.json.write_text(json.dumps({"machine": info, "seed": seed.name, "facts": facts,
                                         "wall": wall, "cpu": cpu}, indent=2) + "\n")
    if args.profile:
        profile(seed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
