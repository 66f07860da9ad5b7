"""How fast is `publish pdf` on the whole collection, against WeasyPrint in one piece?

    python benchmarks/bench_pdf.py [--project DIR] [--lang en] [--jobs N] [--rounds 2]
                                   [--repeat 3] [--old-src OTHER_CHECKOUT/src]

Copies the project (default: this repository's content) to a temporary folder and measures,
in one run so the machine's load is the same for all of them:

- baseline: the same booklet as ONE WeasyPrint document (contents by target-counter),
  `publish.render.pdf.render_single`;
- cold: `publish pdf --lang LANG` with an empty build/ (runs in parallel, then assembly);
- warm: the same command again, nothing changed;
- edit: one word changed in one paper, then the command;
- grow: a paragraph added to one paper (its chapter may get a page longer), then the command.

Each is a separate process; peak memory is the largest sum of the resident sizes of the
process and its children, sampled every 50 ms. Baseline and cold run alternately `--rounds`
times and the fastest of each is kept, so a burst of load from elsewhere on the machine
does not decide the ratio; warm, edit and grow run `--repeat` times each (the same paper
edited once more each time) and the median is kept. With `--old-src`, another checkout's
`src` (put first on PYTHONPATH) does the same work on its own copy of the project,
interleaved run by run with this one: before and after in the same run. Prints a table and
a JSON line.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BASELINE = """
import sys
from pathlib import Path
from publish.config import load_config
from publish.render.pdf import PdfRequest, render_single
config = load_config(Path(sys.argv[1]))
path, pages = render_single(config, PdfRequest(lang=sys.argv[2], out=Path(sys.argv[3])))
print(pages)
"""


def _tree_rss(pid: int) -> int:
    """Resident bytes of `pid` and all its descendants."""
    total = 0
    todo = [pid]
    while todo:
        p = todo.pop()
        try:
            with open(f"/proc/{p}/status") as fh:
                for line in fh:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1]) * 1024
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as fh:
                    todo.extend(int(c) for c in fh.read().split())
        except (OSError, ValueError):
            continue
    return total


def measure(cmd: list[str], env: dict[str, str] | None = None) -> dict[str, float | str]:
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=env)
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, _tree_rss(proc.pid))
            time.sleep(0.05)

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    out, err = proc.communicate()
    done.set()
    thread.join()
    seconds = time.perf_counter() - started
    if proc.returncode != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{err}")
    return {"seconds": round(seconds, 2), "peak_mib": round(peak / 2**20), "out": out.strip()}


def edit_paper(root: Path, grow: bool) -> Path:
    """Change one word of the first paragraph of a mid-collection paper (or add one)."""
    papers = sorted((root / "content" / "en").glob("*.md"))
    target = papers[len(papers) // 2]
    text = target.read_text("utf-8")
    if grow:
        text += ("\nAn added paragraph, long enough to move the text after it: " +
                 "the benchmark grows this paper to see what a longer chapter costs. " * 6
                 + "\n")
    else:
        head, sep, body = text.partition("\n---\n")
        words = body.split(" ")
        words[min(5, len(words) - 1)] += "s"
        text = head + sep + " ".join(words)
    target.write_text(text, "utf-8")
    return target


def _bench(args: argparse.Namespace, tmp: Path, name: str, src: str | None,
           results: dict[str, dict[str, dict[str, float | str]]]) -> Callable[[str], None]:
    """A copy of the project for one version, and a function running one scenario on it."""
    root = tmp / f"proj-{name}"
    root.mkdir()
    shutil.copy(args.project / "publish.toml", root)
    shutil.copytree(args.project / "content", root / "content")
    for extra in ("templates", "assets"):
        if (args.project / extra).is_dir():
            shutil.copytree(args.project / extra, root / extra)
    env = dict(os.environ)
    if src:
        env["PYTHONPATH"] = src + os.pathsep + env.get("PYTHONPATH", "")
    publish = [sys.executable, "-c", "import sys; from publish.cli import main; "
               "sys.argv[0] = 'publish'; main()"]
    build = [*publish, "--root", str(root), "pdf", "--lang", args.lang, "--jobs",
             str(args.jobs)]
    mine = results.setdefault(name, {})

    def scenario(kind: str) -> None:
        if kind == "baseline":
            r = measure([sys.executable, "-c", BASELINE, str(root), args.lang,
                         str(tmp / f"single-{name}.pdf")], env)
        else:
            if kind == "cold":
                shutil.rmtree(root / "build", ignore_errors=True)
            elif kind in ("edit", "grow"):
                edit_paper(root, grow=kind == "grow")
            r = measure(build, env)
        if kind in ("baseline", "cold"):
            if kind not in mine or float(r["seconds"]) < float(mine[kind]["seconds"]):
                mine[kind] = r
        else:  # the median of --repeat tries (each edit changes the paper once more)
            tries = mine.setdefault(f"{kind} tries", {"all": []})["all"]
            assert isinstance(tries, list)
            tries.append(r)
            ordered = sorted(tries, key=lambda t: float(t["seconds"]))
            mine[kind] = {**ordered[len(ordered) // 2], "tries": ", ".join(
                str(t["seconds"]) for t in tries)}

    return scenario


def _table(name: str, results: dict[str, dict[str, float | str]]) -> None:
    cold = float(results["cold"]["seconds"])
    print(f"{name}:\n{'run':10s} {'seconds':>8s} {'peak MiB':>9s}  ratio")
    for kind, r in results.items():
        if kind.endswith(" tries"):
            continue
        if kind == "cold" and "baseline" in results:
            ratio = f"{cold / float(results['baseline']['seconds']):.2f} x baseline"
        elif kind in ("baseline", "cold"):
            ratio = ""
        else:
            ratio = f"{float(r['seconds']) / cold:.2f} x cold"
        tries = f"  (tries: {r['tries']})" if "tries" in r else ""
        print(f"{kind:10s} {r['seconds']:>8} {r['peak_mib']:>9}  {ratio}{tries}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--project", type=Path, default=REPO)
    ap.add_argument("--lang", default="en")
    ap.add_argument("--jobs", type=int, default=0)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--repeat", type=int, default=3,
                    help="tries of warm, edit and grow (the median is kept)")
    ap.add_argument("--skip-baseline", action="store_true")
    ap.add_argument("--old-src", help="another checkout's src folder, measured alongside")
    args = ap.parse_args()
    results: dict[str, dict[str, dict[str, float | str]]] = {}
    with tempfile.TemporaryDirectory(prefix="bench-pdf-") as tmp:
        versions = [("new", _bench(args, Path(tmp), "new", None, results))]
        if args.old_src:
            versions.insert(0, ("old", _bench(args, Path(tmp), "old", args.old_src,
                                              results)))
        for _ in range(max(1, args.rounds)):
            for _name, scenario in versions:
                if not args.skip_baseline:
                    scenario("baseline")
                scenario("cold")
        for _ in range(max(1, args.repeat)):
            for kind in ("warm", "edit", "grow"):
                for _name, scenario in versions:
                    scenario(kind)
    for name, found in results.items():
        _table(name, found)
    print(json.dumps({name: {k: {kk: vv for kk, vv in v.items() if kk != "out"}
                             for k, v in found.items() if not k.endswith(" tries")}
                      for name, found in results.items()}))


if __name__ == "__main__":
    main()
