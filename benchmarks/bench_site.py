"""The whole site (every paper × en and zh) against Hugo building the same content tree.

    python benchmarks/bench_site.py [PROJECT]      (default: this repository)

Hugo gets a config and a minimal layout (a page per paper with its Markdown body, a list
page per language) in a temp dir, with content/en and content/zh copied in; its time is
`hugo --quiet` from start to exit. publish is timed the same way, `publish html --lang
LANG` for en and zh into a fresh folder (cold), then again after one paper changed (warm).
Targets: cold ≤ 4× Hugo; one-paper rebuild faster than Hugo's full build.
"""

from __future__ import annotations

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


def _time(cmd: list[str], cwd: Path | None = None) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, cwd=cwd, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def hugo_site(project: Path, work: Path) -> Path:
    site = work / "hugo"
    for lang in ("en", "zh"):
        target = site / "content" / lang / "papers"
        shutil.copytree(project / "content" / lang, target)
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
    (site / "config.toml").write_text(CONFIG)
    return site


def main() -> None:
    project = Path(sys.argv[1]).resolve() if len(sys.argv) > 1 else REPO
    if not shutil.which("hugo"):
        sys.exit("hugo not found: sudo apt-get install hugo")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        copy = work / "proj"
        shutil.copytree(project, copy, ignore=shutil.ignore_patterns("build", ".git", ".venv"))
        site = hugo_site(copy, work)
        _time(["hugo", "--quiet", "-d", str(work / "warmup")], cwd=site)
        hugo = min(_time(["hugo", "--quiet", "-d", str(work / f"public{n}")], cwd=site)
                   for n in range(3))
        out = work / "html"
        index_warm = [str(PUBLISH), "--root", str(copy), "list", "--format", "json"]
        _time(index_warm)  # the content index (build/index.sqlite), as in daily use
        cold = 0.0
        for lang in ("en", "zh"):
            cold += _time([str(PUBLISH), "--root", str(copy), "html", "--lang", lang,
                           "--out", str(out)])
        paper = sorted((copy / "content" / "en").glob("*.md"))[len(
            list((copy / "content" / "en").glob("*.md"))) // 2]
        paper.write_text(paper.read_text("utf-8") + "\nOne more sentence.\n", "utf-8")
        warm = 0.0
        for lang in ("en", "zh"):
            warm += _time([str(PUBLISH), "--root", str(copy), "html", "--lang", lang,
                           "--out", str(out)])
        pages = sum(1 for _ in out.rglob("*.html"))
        hugo_pages = sum(1 for _ in (work / "public0").rglob("*.html"))
    print(f"papers: {len(list((project / 'content' / 'en').glob('*.md')))} en files, "
          f"{pages} publish pages, {hugo_pages} Hugo pages")
    print(f"hugo full build:            {hugo:6.2f} s")
    print(f"publish html cold (en+zh):  {cold:6.2f} s  ({cold / hugo:.1f}× Hugo; target ≤ 4×)")
    print(f"publish html, 1 paper edit: {warm:6.2f} s  (target < {hugo:.2f} s)")


if __name__ == "__main__":
    main()
