"""Two versions of publish, the same work, in one run: what a refactor or a speed-up changed.

    python benchmarks/compare_versions.py OLD_SRC NEW_SRC SCENARIO --project DIR [--runs 3]

OLD_SRC and NEW_SRC are `src` folders of two checkouts (e.g. a `git worktree` of the commit
before a change, and this one). Each version gets its own copy of the project (DIR-old,
DIR-new, made by the caller or copied here), so one version's caches never meet the other's;
each run is a fresh `publish` process with PYTHONPATH set to that version's `src`, and the
versions alternate run by run, so both see the same load. Scenarios:

  status-cold   rm build/, `publish status --format json`
  status-warm   `publish status --format json`, nothing changed
  status-warm1  one English file edited (a word), then status
  load-cold     rm build/index.sqlite, `publish list --format json` (every file read)
  load-warm     `publish list --format json`, nothing changed (the index warm)
  html-cold     rm build/html and build/site-cache.sqlite, `publish html` (index warm)
  pdf-edit      one word of a paper changed, then `publish pdf --lang en` (chunk cache warm)

Reported: each version's median wall seconds and the ratio new/old. Outputs must be equal
between versions (the status JSON, the site's file list), or the run fails.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

PUBLISH = [sys.executable, "-c", "import sys; from publish.cli import main; sys.argv[0] = "
           "'publish'; main()"]


def run(src: Path, project: Path, *args: str, out: Path | None = None) -> float:
    env = {**os.environ, "PYTHONPATH": str(src)}
    t0 = time.perf_counter()
    with open(out or os.devnull, "wb") as sink:
        code = subprocess.run([*PUBLISH, "--root", str(project), *args], stdout=sink,
                              env=env).returncode
    seconds = time.perf_counter() - t0
    if code not in (0, 1):
        raise SystemExit(f"compare_versions: {src}: publish {' '.join(args)} exited {code}")
    return seconds


def edit_word(project: Path, n: int) -> None:
    """Change a word of the first English paragraph of a paper that has a Chinese file."""
    for path in sorted((project / "content" / "en").glob("*.md")):
        if (project / "content" / "zh" / path.name).exists():
            text = path.read_text("utf-8")
            head, sep, body = text.partition("\n---\n\n")
            if body.strip():
                path.write_text(head + sep + body.replace(" ", f" w{n} ", 1), "utf-8")
                return
    raise SystemExit("compare_versions: no paper with English text and a Chinese file")


def scenario(name: str, src: Path, project: Path, n: int, out: Path) -> float:
    if name == "status-cold":
        shutil.rmtree(project / "build", ignore_errors=True)
        return run(src, project, "status", "--format", "json", out=out)
    if name == "status-warm":
        return run(src, project, "status", "--format", "json", out=out)
    if name == "status-warm1":
        edit_word(project, n)
        return run(src, project, "status", "--format", "json", out=out)
    if name == "load-cold":
        (project / "build" / "index.sqlite").unlink(missing_ok=True)
        return run(src, project, "list", "--format", "json", out=out)
    if name == "load-warm":
        return run(src, project, "list", "--format", "json", out=out)
    if name == "html-cold":
        shutil.rmtree(project / "build" / "html", ignore_errors=True)
        (project / "build" / "site-cache.sqlite").unlink(missing_ok=True)
        return run(src, project, "html")
    if name == "pdf-edit":
        edit_word(project, n)
        return run(src, project, "pdf", "--lang", "en")
    raise SystemExit(f"compare_versions: unknown scenario {name!r}")


def prepare(name: str, src: Path, project: Path) -> None:
    """What a scenario starts from: a warm cache where it measures a warm run."""
    if name == "load-warm":
        run(src, project, "list", "--format", "json")
    elif name in ("status-warm", "status-warm1"):
        run(src, project, "status", "--format", "json")
    elif name == "html-cold":
        run(src, project, "list", "--format", "json")  # the content index warm
    elif name == "pdf-edit":
        run(src, project, "pdf", "--lang", "en")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("old", type=Path)
    ap.add_argument("new", type=Path)
    ap.add_argument("scenario")
    ap.add_argument("--project", type=Path, required=True,
                    help="project folder; DIR-old and DIR-new are copied from it if missing")
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    versions = {"old": args.old.resolve(), "new": args.new.resolve()}
    projects = {}
    for tag in versions:
        copy = args.project.with_name(f"{args.project.name}-{tag}")
        if not copy.exists():
            shutil.copytree(args.project, copy, symlinks=True)
        projects[tag] = copy
    scratch = Path(f"/tmp/compare-versions-{os.getpid()}")
    scratch.mkdir()
    times: dict[str, list[float]] = {tag: [] for tag in versions}
    try:
        for tag, src in versions.items():
            prepare(args.scenario, src, projects[tag])
        for n in range(args.runs):
            for tag in (("old", "new") if n % 2 == 0 else ("new", "old")):
                times[tag].append(scenario(args.scenario, versions[tag], projects[tag], n,
                                           scratch / tag))
        if (args.scenario.startswith(("status", "load")) and (scratch / "old").exists()
                and (scratch / "old").read_bytes() != (scratch / "new").read_bytes()):
            raise SystemExit("compare_versions: the two versions printed different JSON")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    old, new = statistics.median(times["old"]), statistics.median(times["new"])
    print(f"{args.scenario}: old {old:.2f} s, new {new:.2f} s, new/old {new / old:.2f} "
          f"(medians of {args.runs}; runs old {[round(t, 2) for t in times['old']]}, "
          f"new {[round(t, 2) for t in times['new']]}; load {os.getloadavg()[0]:.1f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
