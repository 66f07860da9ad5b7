"""The whole site against Hugo building the same content tree, in the same run.

    python benchmarks/bench_site.py [PROJECT] [--repeat N] [--no-bytecode-cache]
                                    [--compare OLD_SRC]
                                       (default: this repository, 3 rounds)

Hugo gets a config and a minimal layout (a page per paper with its Markdown body, a list
page per language) in a temp dir, with content/en and content/zh copied in; its time is
`hugo --quiet` from start to exit. publish is timed the same way, as a user runs it:
`publish html` (every site language: en, zh and the derived zh-Hant, one process), cold
(a new output folder, as Hugo's is; no site cache, no compiled templates; the content index
warm, as in daily use), then after one paper changed (a new sentence appended; each repeat
edits again).
publish's modules are compiled once into a bytecode cache in the temp dir, as an installed
program's are (`--no-bytecode-cache`: every run compiles them, as PYTHONDONTWRITEBYTECODE
makes this sandbox do). Each round times Hugo, publish cold and publish after the edit
back to back, so a ratio compares runs under the same load; the summary is the median
ratio over the rounds, and the best time of each. CPU is user + system of the process and
its workers. The rebuilt page must show the new sentence, or the benchmark fails.
`--compare OLD_SRC` (the `src` folder of another checkout, e.g. a `git worktree` of the
commit before a change) also times that version's cold build and rebuild in every round,
on its own copy of the project, before or after this version's (alternately: the disk is
still busy with what the previous build wrote): before and after, each against the same
round's Hugo. The site's search index is part of `publish html`, so of every cold
build and rebuild measured here.
Targets: cold ≤ 4× Hugo; one-paper rebuild faster than Hugo's full build.
"""

from __future__ import annotations

import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PUBLISH = Path(sys.executable).parent / "publish"
LAYOUT = {
    "_default/baseof.html": "<!DOCTYPE html><html lang=\"{{ .Site.Language.Lang }}\"><head>"
    "<meta charset=\"utf-8\"><title>{{ .Title }}</title><link rel=\"stylesheet\" "
    "href=\"/site.css\"></head><body>{{ block \"main\" . }}{{ end }}</body></html>",
    "_default/single.html": "{{ define \"main\" }}<h1>{{ .Title }}</h1><p>{{ delimit "
    "(.Params.authors | default slice) \", \" }} {{ .Params.year }}</p>{{ .Content }}"
    "{{ range .Translations }}<a href=\"{{ .RelPermalink }}\">{{ .Lang }}</a>{{ end }}"
    "{{ end }}",
    "_default/list.html": "{{ define \"main\" }}<h1>{{ .Title }}</h1><ol>{{ range .Pages }}"
    "<li><a href=\"{{ .RelPermalink }}\">{{ .Title }}</a> {{ .Params.year }}</li>{{ end }}"
    "</ol>{{ end }}",
    "index.html": "{{ define \"main\" }}<h1>{{ .Site.Title }}</h1><p>{{ len .Site.RegularPages }}"
    "</p>{{ end }}",
}
CONFIG = """baseURL = "http://localhost/"
title = "bench"
defaultContentLanguage = "en"
disableKinds = ["taxonomy", "term", "RSS", "sitemap", "robotsTXT", "404"]
[languages.en]
contentDir = "content/en"
weight = 1
[languages.zh]
contentDir = "content/zh"
weight = 2
"""
# The same site as publish's: a page for every paper in en, zh and zh-Hant (publish shows an
# untranslated paper's source text on its page in every language)
SAME_CONFIG = CONFIG + """[languages.zh-hant]
contentDir = "content/zh-Hant"
weight = 3
"""


ENV = dict(os.environ)


def _time(cmd: list[str], cwd: Path | None = None, src: Path | None = None,
          ) -> tuple[float, float]:
    """Wall and CPU seconds (user + system, with every process it waited for); `src`: run
    the publish of that source folder."""
    env = {**ENV, "PYTHONPATH": str(src)} if src is not None else ENV
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(cmd, cwd=cwd, check=True, stdout=subprocess.DEVNULL, env=env)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def hugo_site(project: Path, work: Path, same_pages: bool = False) -> Path:
    """Hugo's project: the content tree as it is (en, and the zh papers that exist), or with
    `same_pages` every paper in en, zh and zh-Hant, each from its own language's file where
    there is one, else from the other's: the pages publish makes."""
    site = work / ("hugo-same" if same_pages else "hugo")
    content = project / "content"
    for lang in ("en", "zh", "zh-Hant") if same_pages else ("en", "zh"):
        target = site / "content" / lang / "papers"
        own = content / ("zh" if lang == "zh-Hant" else lang)
        if same_pages:
            target.mkdir(parents=True)
            other = content / ("zh" if lang == "en" else "en")
            for md in [*other.glob("*.md"), *own.glob("*.md")]:  # its own file last: it wins
                shutil.copyfile(md, target / md.name)
        else:
            shutil.copytree(own, target)
        (target / "_index.md").write_text(f"---\ntitle: papers {lang}\n---\n")
        for md in target.glob("*.md"):
            # `url` means the page's own address to Hugo: keep the value under another name
            text = md.read_text("utf-8")
            if "\nurl:" in text:
                md.write_text(text.replace("\nurl:", "\nsource_url:", 1), "utf-8")
    for name, text in LAYOUT.items():
        path = site / "layouts" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    (site / "config.toml").write_text(SAME_CONFIG if same_pages else CONFIG)
    return site


def _forget_site(project: Path, out: Path) -> None:
    """Back to cold: no output, no site manifest, cache or compiled templates."""
    shutil.rmtree(out, ignore_errors=True)
    build = project / "build"
    for path in build.glob("site-*"):
        if path.is_dir():
            shutil.rmtree(path)
        else:
            path.unlink()


def _cold_and_edit(publish: list[str], project: Path, out: Path, name: str, sentence: str,
                   src: Path | None) -> tuple[tuple[float, float], tuple[float, float]]:
    """A cold build into a new folder, then the rebuild after `sentence` is appended to the
    English paper `name`; the rebuilt page must show it."""
    _forget_site(project, out)
    cold = _time([*publish, "html", "--out", str(out)], src=src)
    paper = project / "content" / "en" / name
    paper.write_text(paper.read_text("utf-8") + f"\n{sentence}\n", "utf-8")
    edit = _time([*publish, "html", "--out", str(out)], src=src)
    page = (out / "en" / "papers" / name.replace(".md", ".html")).read_text("utf-8")
    if sentence not in page:
        sys.exit(f"the rebuilt page of {name} does not show the edit")
    return cold, edit


def _median(values: list[float]) -> float:
    ordered = sorted(values)
    mid = len(ordered) // 2
    return ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2


def main() -> None:
    args = sys.argv[1:]
    repeat = 3
    bytecode = "--no-bytecode-cache" not in args
    args = [a for a in args if a != "--no-bytecode-cache"]
    if "--repeat" in args:
        i = args.index("--repeat")
        repeat = int(args[i + 1])
        del args[i : i + 2]
    compare: Path | None = None
    if "--compare" in args:
        i = args.index("--compare")
        compare = Path(args[i + 1]).resolve()
        del args[i : i + 2]
    project = Path(args[0]).resolve() if args else REPO
    if not shutil.which("hugo"):
        sys.exit("hugo not found: scripts/install.sh --bench (or sudo apt-get install hugo)")
    rounds: list[dict[str, tuple[float, float]]] = []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        copy = work / "proj"
        shutil.copytree(project, copy, ignore=shutil.ignore_patterns("build", ".git", ".venv"))
        site = hugo_site(copy, work)
        same_site = hugo_site(copy, work, same_pages=True)
        other = work / "proj-old"
        if compare is not None:
            shutil.copytree(copy, other)
        if bytecode:
            # An installed program has its modules compiled (pip does it at install time);
            # this sandbox sets PYTHONDONTWRITEBYTECODE, which would make every run compile
            # publish's modules from source again. Compile them once, outside the repository.
            ENV.pop("PYTHONDONTWRITEBYTECODE", None)
            ENV["PYTHONPYCACHEPREFIX"] = str(work / "pycache")
            subprocess.run([sys.executable, "-m", "compileall", "-q",
                            str(REPO / "src" / "publish")], check=True, env=ENV)
        _time(["hugo", "--quiet", "-d", str(work / "warmup")], cwd=site)
        _time(["hugo", "--quiet", "-d", str(work / "warmup-same")], cwd=same_site)
        publish = [str(PUBLISH), "--root", str(copy)]
        _time([*publish, "list", "--format", "json"])  # the content index, as in daily use
        old_publish = [sys.executable, "-c", "import sys; from publish.cli import main; "
                       "sys.argv[0] = 'publish'; main()", "--root", str(other)]
        if compare is not None:
            _time([*old_publish, "list", "--format", "json"], src=compare)
        papers = sorted((copy / "content" / "en").glob("*.md"))
        paper = papers[len(papers) // 2]
        # Hugo, cold and the one-paper rebuild back to back in each round, so that the
        # ratios compare runs made under the same load (this machine's two cores are shared)
        for n in range(repeat):
            hugo = _time(["hugo", "--quiet", "-d", str(work / f"public{n}")], cwd=site)
            same = _time(["hugo", "--quiet", "-d", str(work / f"same{n}")], cwd=same_site)
            # Each tool writes into a new folder and none is deleted during the run: on this
            # VM's ext4 (no journal) creating files right after thousands were deleted costs
            # up to four times as much, and deleting publish's previous output just before its
            # cold build (while Hugo's went to a fresh folder) measured the kernel, unfairly.
            out = work / f"html{n}"
            sentence = f"One more sentence, number {n + 1}."
            this = {"hugo": hugo, "same": same}
            runs = [("", publish, copy, out, None)]
            if compare is not None:
                # which version follows Hugo alternates: the disk is still busy with what
                # the previous build wrote, and that should favour neither
                old = ("old ", old_publish, other, work / f"old-html{n}", compare)
                runs = [runs[0], old] if n % 2 == 0 else [old, runs[0]]
            for name, command, project_copy, folder, src in runs:
                this[f"{name}cold"], this[f"{name}edit"] = _cold_and_edit(
                    command, project_copy, folder, paper.name, sentence, src)
            rounds.append(this)
        pages = sum(1 for _ in out.rglob("*.html"))
        hugo_pages = sum(1 for _ in (work / "public0").rglob("*.html"))
        same_pages = sum(1 for _ in (work / "same0").rglob("*.html"))
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"papers: {len(papers)} en files; publish html: {pages} pages (en, zh, zh-Hant); "
          f"Hugo: {hugo_pages} pages, and {same_pages} with every paper in every language "
          f"(Hugo same); load average after: {load}; {repeat} rounds; "
          f"bytecode cache: {'yes' if bytecode else 'no (compiled from source every run)'}")
    print("round   hugo wall/CPU   same wall/CPU   cold wall/CPU  ×Hugo  ×same"
          "   edit wall/CPU  ×Hugo  ×same")
    for n, r in enumerate(rounds, 1):
        (hw, hc), (sw, sc), (cw, cc), (ew, ec) = r["hugo"], r["same"], r["cold"], r["edit"]
        print(f"{n:5}   {hw:5.2f} / {hc:5.2f}   {sw:5.2f} / {sc:5.2f}   {cw:5.2f} / {cc:5.2f}"
              f"  {cw / hw:5.2f}  {cw / sw:5.2f}   {ew:5.2f} / {ec:5.2f}  {ew / hw:5.2f}"
              f"  {ew / sw:5.2f}")
    if compare is not None:
        print(f"the same rounds, {compare} (before):")
        print("round   hugo wall       cold wall/CPU  ×Hugo   edit wall/CPU  ×Hugo")
        for n, r in enumerate(rounds, 1):
            (hw, _), (cw, cc), (ew, ec) = r["hugo"], r["old cold"], r["old edit"]
            print(f"{n:5}   {hw:5.2f}           {cw:5.2f} / {cc:5.2f}  {cw / hw:5.2f}"
                  f"   {ew:5.2f} / {ec:5.2f}  {ew / hw:5.2f}")
        def med(key: str, of: str, index: int) -> float:
            return _median([r[key][index] / r[of][index] for r in rounds])

        print(f"before: median cold {med('old cold', 'hugo', 0):.2f}× Hugo, rebuild "
              f"{med('old edit', 'hugo', 0):.2f}×; after/before, wall: cold "
              f"{med('cold', 'old cold', 0):.2f}, rebuild {med('edit', 'old edit', 0):.2f}; "
              f"CPU: cold {med('cold', 'old cold', 1):.2f}, rebuild "
              f"{med('edit', 'old edit', 1):.2f}")
    cold_ratio = _median([r["cold"][0] / r["hugo"][0] for r in rounds])
    edit_ratio = _median([r["edit"][0] / r["hugo"][0] for r in rounds])
    same_cold = _median([r["cold"][0] / r["same"][0] for r in rounds])
    same_edit = _median([r["edit"][0] / r["same"][0] for r in rounds])
    best = {k: min(r[k][0] for r in rounds) for k in ("hugo", "cold", "edit")}
    print(f"median ratio to Hugo in the same round: cold {cold_ratio:.2f}× (target ≤ 4), "
          f"one-paper rebuild {edit_ratio:.2f}× (target < 1)")
    print(f"median ratio to Hugo making the same pages: cold {same_cold:.2f}×, "
          f"one-paper rebuild {same_edit:.2f}×")
    print(f"best wall: Hugo {best['hugo']:.2f} s, cold {best['cold']:.2f} s "
          f"({best['cold'] / best['hugo']:.2f}×), rebuild {best['edit']:.2f} s "
          f"({best['edit'] / best['hugo']:.2f}×)")


if __name__ == "__main__":
    main()
