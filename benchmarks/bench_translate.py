"""How fast `publish translate` drafts against a translation server that takes 100 ms per
request, with one request at a time and with eight; and what a second run sends.

    python benchmarks/bench_translate.py [--papers 160] [--latency 0.1] [--runs 1] [--json FILE]

Generates an English-only tree with gen_tree.py (N papers, about 4 blocks each), starts the
LibreTranslate stand-in from tests/translation_server.py on 127.0.0.1 with `--latency`, and
runs the real command in a fresh interpreter, through deep-translator's LibreTranslator:

  jobs 1        `publish translate --to zh --backend libre --url … --jobs 1` on a fresh copy
  jobs 8        the same with --jobs 8
  second run    the command again on the jobs-8 copy: the target is 0 requests
  from memory   the drafted files put back as they were before the first run, memory kept:
                every draft comes from translation-memory.sqlite, 0 requests

Reported per variant: wall-clock seconds of the whole command (interpreter start-up, loading
and writing included), seconds spent sending (the part --jobs speeds up, from the command's
JSON), requests the server received, and blocks per second on both clocks.
"""

from __future__ import annotations

import argparse
import json
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))

from translation_server import TranslationServer  # noqa: E402


def command(tree: Path, url: str, jobs: int) -> tuple[float, dict]:
    started = time.monotonic()
    proc = subprocess.run(
        [sys.executable, "-c", "from publish.cli import main; main()", "--root", str(tree),
         "translate", "--to", "zh", "--backend", "libre", "--url", url, "--jobs", str(jobs),
         "--format", "json"], capture_output=True, text=True, check=False)
    wall = time.monotonic() - started
    if proc.returncode != 0:
        sys.exit(f"publish translate failed ({proc.returncode}):\n{proc.stderr}{proc.stdout}")
    return wall, json.loads(proc.stdout)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--papers", type=int, default=160)
    ap.add_argument("--latency", type=float, default=0.1, help="seconds per request")
    ap.add_argument("--runs", type=int, default=1, help="runs per variant (median shown)")
    ap.add_argument("--json", type=Path, help="also write the results here")
    args = ap.parse_args()

    work = Path(tempfile.mkdtemp(prefix="bench-translate-"))
    base = work / "tree"
    subprocess.run([sys.executable, str(REPO / "benchmarks" / "gen_tree.py"), str(base),
                    "--papers", str(args.papers), "--zh-share", "0"], check=True,
                   capture_output=True)
    rows: dict[str, list[dict]] = {}
    with TranslationServer("slow", latency=args.latency) as server:
        for _ in range(args.runs):
            for jobs in (1, 8):
                tree = work / f"jobs{jobs}"
                shutil.rmtree(tree, ignore_errors=True)
                shutil.copytree(base, tree)
                server.reset()
                wall, out = command(tree, server.url, jobs)
                rows.setdefault(f"jobs {jobs}", []).append(
                    {"wall": wall, "sending": out["seconds"], "blocks": out["to_send"],
                     "requests": server.requests})
            tree = work / "jobs8"
            server.reset()
            wall, out = command(tree, server.url, 8)
            rows.setdefault("second run", []).append(
                {"wall": wall, "sending": out["seconds"], "blocks": out["to_send"],
                 "requests": server.requests})
            shutil.rmtree(tree / "content")
            shutil.copytree(base / "content", tree / "content")
            server.reset()
            wall, out = command(tree, server.url, 8)
            rows.setdefault("from memory", []).append(
                {"wall": wall, "sending": out["seconds"], "blocks": out["from_memory"],
                 "requests": server.requests})
    shutil.rmtree(work)

    results = {}
    print(f"{args.papers} papers, server latency {args.latency * 1000:.0f} ms, "
          f"{platform.python_implementation()} {platform.python_version()}, "
          f"median of {args.runs}")
    print(f"{'variant':<12} {'blocks':>6} {'requests':>8} {'wall s':>7} {'send s':>7} "
          f"{'blocks/s wall':>13} {'blocks/s send':>13}")
    for name, runs in rows.items():
        wall = statistics.median(r["wall"] for r in runs)
        send = statistics.median(r["sending"] for r in runs)
        blocks, requests = runs[0]["blocks"], runs[0]["requests"]
        results[name] = {"blocks": blocks, "requests": requests, "wall": round(wall, 2),
                         "sending": round(send, 2),
                         "blocks_per_s_wall": round(blocks / wall, 1) if blocks else None,
                         "blocks_per_s_sending": round(blocks / send, 1) if send else None}
        r = results[name]
        print(f"{name:<12} {blocks:>6} {requests:>8} {wall:>7.2f} {send:>7.2f} "
              f"{r['blocks_per_s_wall'] or '-':>13} {r['blocks_per_s_sending'] or '-':>13}")
    one, eight = results["jobs 1"], results["jobs 8"]
    print(f"jobs 8 vs jobs 1: {one['wall'] / eight['wall']:.1f}x faster (whole command), "
          f"{one['sending'] / eight['sending']:.1f}x (sending)")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
