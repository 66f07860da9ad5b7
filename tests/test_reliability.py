"""Issue 16, case by case: what a hostile or careless user (or server, or disk) did that
went wrong, done again. Every test drives publish as a user does (the CLI, real processes
where processes matter), so the same file runs against an older checkout to show what
failed before (docs/reliability.md records both)."""

from __future__ import annotations

import contextlib
import json
import os
import random
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import IMPORT_DATE, run, seed, tree_hashes
from exchange_project import hold_lock

ENV = {**os.environ, "SOURCE_DATE_EPOCH": IMPORT_DATE}

PAPER = """---
title: {title}
year: 2017
lists:
  - demo
---

{body}
"""
LIST = """lang: en
title:
  en: Demo
entries:
{entries}"""
HOSTILE = [
    r"$\text{<script>window.__xss = 1</script>}$",
    r"$\text{<img/src/onerror=window.__xss=2>}$",
    r'$\text{<meta http-equiv="refresh" content="0;url=http://127.0.0.1:9/gone">}$',
    r"$\href{javascript:window.__xss=3}{click me}$",
    r"$\style{background:url(http://127.0.0.1:9/x.png)}{y}$",
    "![a remote chart](http://127.0.0.1:9/chart.png)",
]


def publish(root: Path, *args: str, **kw) -> subprocess.CompletedProcess[str]:
    """`publish --root ROOT ARGS` as its own process (the package on sys.path now)."""
    return subprocess.run([sys.executable, "-c", "from publish.cli import main; main()",
                           "--root", str(root), *args], env={**ENV, **kw.pop("env", {})},
                          capture_output=True, text=True, timeout=kw.pop("timeout", 300), **kw)


def one_line(out: str, *words: str) -> str:
    lines = [line for line in out.splitlines() if line.strip()]
    assert "Traceback" not in out, out
    assert len(lines) == 1 and lines[0].startswith("publish: error: "), out
    for word in words:
        assert word in lines[0], (word, lines[0])
    return lines[0]


def write_tree(root: Path, papers: dict[str, str], zh: dict[str, str] | None = None) -> None:
    for pid, body in papers.items():
        (root / "content/en" / f"{pid}.md").write_text(
            PAPER.format(title=f"The {pid} paper", body=body), "utf-8")
    for pid, body in (zh or {}).items():
        (root / "content/zh" / f"{pid}.md").write_text(
            f"---\nmeta_in: en\nlocal_title: {pid} 论文\n---\n\n{body}\n", "utf-8")
    entries = "".join(f"  - paper: {pid}\n    position: {i}\n    added: 2026-11-23\n"
                      for i, pid in enumerate(papers, 1))
    (root / "content/lists/demo.yaml").write_text(LIST.format(entries=entries), "utf-8")


def temp_files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.name.endswith((".tmp", ".publish-tmp",
                                                           ".publish-old"))]


@pytest.fixture
def small(project: Path) -> Path:
    write_tree(project, {
        "alpha": "Alpha has $x^2 + y^2$ and *emphasis*.\n\n- an item\n- another",
        "beta": "Beta is one plain paragraph.",
        "gamma": "Gamma shows $$\\frac{1}{\\sqrt{d_k}}$$ and a [link](https://arxiv.org/).",
    }, zh={"alpha": "阿尔法有公式 $x^2$。"})
    assert run(project, "list").exit_code == 0
    return project


# ---- 1, 2: one writer at a time (the lock is tests/test_concurrency.py's); digest too ----



@pytest.mark.slow
def test_recording_an_issue_waits_for_another_writer(small: Path):
    (small / "publish.toml").write_text((small / "publish.toml").read_text("utf-8") + (
        '\n[site]\nbase_url = "https://example.org/papers/"\n[digest]\n'
        'from = "List <list@example.org>"\nlist_unsubscribe = "<mailto:l@example.org>"\n'),
        "utf-8")
    holder = hold_lock(small, 3)
    impatient = publish(small, "digest", "--format", "eml", "--wait", "0")
    assert impatient.returncode == 2, impatient.stderr
    assert "another run is writing to this project" in impatient.stderr
    assert not (small / "content/digests.yaml").exists()
    patient = publish(small, "digest", "--format", "eml", "--wait", "30")
    holder.wait(10)
    assert patient.returncode == 0, patient.stderr
    assert "waiting for another run to finish writing" in patient.stderr
    assert "number: 1" in (small / "content/digests.yaml").read_text("utf-8")


# ---- 3: math is data; no external images ---------------------------------------------------


def _hostile_site(project: Path) -> Path:
    write_tree(project, {"victim": "\n\n".join(HOSTILE), "plain": "Nothing odd here."})
    result = publish(project, "html", "--jobs", "1")
    assert result.returncode == 0, result.stderr
    return project / "build" / "html"


def test_math_and_images_reach_the_page_as_data(project: Path):
    page = (_hostile_site(project) / "en/papers/victim.html").read_text("utf-8")
    body = page[page.index('<div class="body'):]
    for tag in ("<script", "<img", "<meta"):
        assert tag not in body, tag
    assert "javascript:" not in body.replace("\\href{javascript:", "")
    assert 'style="' not in body and "url(http" not in body.replace("\\style{", "")
    assert "http://127.0.0.1:9/chart.png" not in body and "a remote chart" in body
    # the formulas that would have carried markup are shown as their (escaped) TeX
    assert "&lt;script&gt;window.__xss = 1&lt;/script&gt;" in body
    assert "<math" in body  # \href and \style still render, without the attribute


@pytest.mark.slow
def test_hostile_page_is_inert_in_chromium_without_its_csp(project: Path, tmp_path: Path):
    from chromium import browser, open_page, serve

    site = _hostile_site(project)
    victim = site / "en/papers/victim.html"
    html = victim.read_text("utf-8")
    # the page itself must be safe: its Content-Security-Policy is taken away
    html = re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", html)
    assert "Content-Security-Policy" not in html
    victim.write_text(html, "utf-8")
    with serve(site) as base, browser(tmp_path) as context:
        page, log = open_page(context, base + "en/papers/victim.html")
        dialogs: list[str] = []
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.wait_for_timeout(1500)  # a meta refresh of 0 s would have fired
        assert page.url == base + "en/papers/victim.html"
        assert page.evaluate("typeof window.__xss") == "undefined"
        assert page.evaluate("document.querySelectorAll('.body script, .body img, "
                             ".body meta, [href^=\"javascript\"]').length") == 0
        for link in page.query_selector_all(".body [href]"):
            link.click()
        page.wait_for_timeout(300)
        assert page.evaluate("typeof window.__xss") == "undefined"
        assert not dialogs
        outside = [u for u in log.requests if not u.startswith(base)]
        assert not outside, outside
        assert page.evaluate("document.querySelectorAll('.body math').length") >= 2


# ---- 4: journals are data ------------------------------------------------------------------


@pytest.mark.parametrize("journal", [
    "outside",  # two files outside the project
    b'{"not": "a list"}',
    b"\x00\x01garbage",
    b"[[1, 2]]",
    "inside-unstaged",  # two files of the project that are not a staged file and its target
])
def test_a_journal_that_is_not_ours_is_set_aside_not_executed(small: Path, tmp_path: Path,
                                                              journal):
    victim_dir = tmp_path / "elsewhere"
    victim_dir.mkdir()
    (victim_dir / "a").write_text("A", "utf-8")
    (victim_dir / "b").write_text("B", "utf-8")
    before = tree_hashes(small)
    if journal == "outside":
        data = json.dumps([[str(victim_dir / "a"), str(victim_dir / "b")]]).encode()
    elif journal == "inside-unstaged":
        en = small / "content/en"
        data = json.dumps([[str(en / "beta.md"), str(en / "alpha.md")]]).encode()
    else:
        data = journal
    (small / ".publish-journal.json").write_bytes(data)
    first = publish(small, "list")
    assert first.returncode == 0, first.stderr
    assert "Traceback" not in first.stderr
    said = [line for line in first.stderr.splitlines() if line.strip()]
    assert len(said) == 1 and "journal" in said[0] and "not acted on" in said[0], said
    assert (victim_dir / "a").read_text("utf-8") == "A"
    assert (victim_dir / "b").read_text("utf-8") == "B"
    assert tree_hashes(small) == before
    assert not (small / ".publish-journal.json").exists()
    assert list(small.glob(".publish-journal.json.rejected-*"))
    again = publish(small, "status")
    assert again.returncode == 0 and "journal" not in again.stderr  # reported once


# ---- 5: bounded math; workers die with their parent; stale temporary files -----------------

DEEP = "$$" + "x_{" * 14 + "x" + "}" * 14 + "$$"
BRACES = "$$" + r"\underbrace{" * 16 + "x" + "}" * 16 + "$$"


@pytest.mark.slow
@pytest.mark.parametrize("verb", ["html", "pdf"])
def test_unbounded_formulas_are_shown_as_tex_with_a_warning(project: Path, verb: str):
    write_tree(project, {"deep": f"Deep: {DEEP}\n\nBraces: {BRACES}"})
    args = ["html", "--jobs", "1"] if verb == "html" else ["pdf", "--lang", "en", "--jobs",
                                                            "1"]
    result = publish(project, *args, timeout=240)
    assert result.returncode == 0, result.stderr
    assert result.stderr.count("shown as TeX") == 2, result.stderr
    assert "nests 14 deep" in result.stderr and "nests 16 deep" in result.stderr
    if verb == "html":
        page = (project / "build/html/en/papers/deep.html").read_text("utf-8")
        assert page.count('<code class="tex">') == 2


def _children(pid: int) -> set[int]:
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.add(int(stat.parent.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.slow
@pytest.mark.parametrize("verb", ["html", "pdf"])
def test_workers_die_when_only_the_main_process_is_killed(seeded: Path, tmp_path: Path,
                                                           verb: str):
    root = tmp_path / "proj"
    shutil.copytree(seeded, root, ignore=shutil.ignore_patterns("build"))
    args = (["html", "--jobs", "2"] if verb == "html"
            else ["pdf", "--lang", "zh", "--jobs", "2", "--no-cache"])
    proc = subprocess.Popen([sys.executable, "-c", "from publish.cli import main; main()",
                             "--root", str(root), *args], env=ENV, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        while len(workers := _children(proc.pid)) < 2:
            assert proc.poll() is None and time.monotonic() < deadline, "no workers started"
            time.sleep(0.05)
        time.sleep(0.3)
        os.kill(proc.pid, signal.SIGKILL)  # the main process only, not its group
        proc.wait(10)
        deadline = time.monotonic() + 10
        while any(_alive(w) for w in workers):
            assert time.monotonic() < deadline, f"workers still alive: {workers}"
            time.sleep(0.05)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)


def test_temporary_files_of_killed_runs_are_swept(small: Path):
    assert publish(small, "html", "--jobs", "1").returncode == 0
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True).stdout.strip()
    papers = small / "build/html/en/papers"
    left = [papers / f".alpha.html.{dead}.tmp", small / f"build/html/.index.html.{dead}.tmp"]
    for path in left:
        path.write_text("half a page", "utf-8")
    mine = papers / f".beta.html.{os.getpid()}.tmp"  # a live process's: not ours to take
    mine.write_text("being written", "utf-8")
    assert publish(small, "html", "--jobs", "1").returncode == 0
    assert not any(p.exists() for p in left)
    assert mine.exists()


# ---- 6: a tampered manifest ------------------------------------------------------------------


def test_a_tampered_site_manifest_never_deletes_outside_the_site(small: Path, tmp_path: Path):
    assert publish(small, "html", "--jobs", "1").returncode == 0
    victim = tmp_path / "precious.txt"
    victim.write_text("keep me", "utf-8")
    (manifest,) = (small / "build").glob("site-manifest-*.json")
    data = json.loads(manifest.read_text("utf-8"))
    out = Path(data["out"])
    rel = os.path.relpath(victim, out / "en")
    data["pages"][f"en/{rel}"] = ["key", "hash"]
    data["pages"]["en/papers/../../../../precious.txt"] = ["key", "hash"]
    data["pages"]["/etc/hostname-not-ours"] = ["key", "hash"]
    manifest.write_text(json.dumps(data), "utf-8")
    result = publish(small, "html", "--jobs", "1")
    assert result.returncode == 0, result.stderr
    assert victim.read_text("utf-8") == "keep me"


# ---- 7: half-applied writes ------------------------------------------------------------------


def _chattr(flag: str, *paths: Path) -> None:
    try:
        subprocess.run(["chattr", flag, *map(str, paths)], check=True, capture_output=True)
    except (OSError, subprocess.CalledProcessError) as exc:
        pytest.skip(f"chattr {flag} is not possible here ({exc})")


@pytest.mark.parametrize("what", ["file", "folder"])
def test_an_unwritable_target_stops_import_before_anything_is_written(project: Path,
                                                                      what: str):
    assert run(project, "import", str(seed("001")), "--list", "best-ai-2015-now", "--lang",
               "en", env={"SOURCE_DATE_EPOCH": IMPORT_DATE}).exit_code == 0
    # seed 003 (a Chinese list) adds Chinese files and changes English ones
    locked = (project / "content/zh") if what == "folder" else (
        project / "content/en/llama-2-open-foundation-and-fine-tuned-chat-models.md")
    before = tree_hashes(project)
    _chattr("+i", locked)
    try:
        result = publish(project, "import", str(seed("003")), "--list", "llm-top10-2023-zh",
                         "--lang", "zh")
    finally:
        _chattr("-i", locked)
    assert result.returncode == 2, result.stderr
    one_line(result.stderr, str(locked), "nothing was written" if what == "file" else "")
    assert tree_hashes(project) == before
    assert not temp_files(project)
    assert not (project / ".publish-journal.json").exists()
    for verb in ("list", "status"):
        assert publish(project, verb).returncode == 0
    # and once the file can be written, the same import lands
    assert publish(project, "import", str(seed("003")), "--list", "llm-top10-2023-zh",
                   "--lang", "zh").returncode == 0


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("strace") is None, reason="strace is needed (apt strace)")
@pytest.mark.parametrize("error", ["EIO", "EPERM", "ENOSPC"])
def test_a_swap_that_fails_half_way_is_rolled_back(project: Path, error: str):
    """The kernel fails the 6th rename (strace's fault injection): the journal's, then four
    files swapped in, then this one. What was swapped gets its old bytes back."""
    assert run(project, "import", str(seed("001")), "--list", "best-ai-2015-now", "--lang",
               "en", env={"SOURCE_DATE_EPOCH": IMPORT_DATE}).exit_code == 0
    before = tree_hashes(project)
    result = subprocess.run(
        ["strace", "-f", "-qq", "-o", os.devnull, "-e", "trace=rename",
         "-e", f"inject=rename:error={error}:when=6", sys.executable, "-c",
         "from publish.cli import main; main()", "--root", str(project), "import",
         str(seed("003")), "--list", "llm-top10-2023-zh", "--lang", "zh"],
        env=ENV, capture_output=True, text=True, timeout=300)
    assert result.returncode == 2, result.stderr
    one_line(result.stderr, "content/")
    assert tree_hashes(project) == before
    assert not temp_files(project) and not (project / ".publish-journal.json").exists()
    assert publish(project, "import", str(seed("003")), "--list", "llm-top10-2023-zh",
                   "--lang", "zh").returncode == 0


def _in_small_disk(project: Path, tmp_path: Path, free_kib: int, *args: str
                   ) -> subprocess.CompletedProcess[str]:
    """`publish ARGS` on a copy of `project` on a RAM disk of its own (a tmpfs in a user
    and mount namespace: no root needed) left with about `free_kib` KiB free."""
    if not shutil.which("unshare"):
        pytest.skip("unshare (util-linux) is needed for a small disk")
    disk = tmp_path / "disk"
    disk.mkdir(exist_ok=True)
    script = f"""
set -e
mount -t tmpfs -o size=40m tmpfs {disk}
cp -a {project} {disk}/proj
avail=$(df -k --output=avail {disk} | tail -1)
fill=$(( avail - {free_kib} ))
[ "$fill" -gt 0 ] && head -c "$(( fill * 1024 ))" /dev/zero > {disk}/filler 2>/dev/null || true
set +e
"$@" --root {disk}/proj {' '.join(a.replace("PROJ", f"{disk}/proj") for a in args)}
code=$?
left=$(find {disk}/proj -name '*.tmp' -o -name '*.publish-tmp' -o -name '*.publish-old')
echo "LEFT: $(echo -n "$left" | grep -c .)" >&2
cd {disk}/proj && find content -type f -print0 | sort -z | xargs -0 sha256sum > {tmp_path}/after.txt
exit $code
"""
    try:
        return subprocess.run(["unshare", "--user", "--map-root-user", "--mount", "bash", "-c",
                               script, "bash", sys.executable, "-c",
                               "from publish.cli import main; main()"],
                              env=ENV, capture_output=True, text=True, timeout=300)
    except OSError as exc:
        pytest.skip(f"no mount namespace here: {exc}")


def _content_sums(root: Path) -> str:
    out = subprocess.run("find content -type f -print0 | sort -z | xargs -0 sha256sum",
                         shell=True, cwd=root, capture_output=True, text=True)
    return out.stdout


@pytest.mark.slow
@pytest.mark.parametrize("args", [
    ("import", "SEED002", "--list", "papers-list", "--lang", "en"),
    ("html", "--jobs", "1"),
    ("status", "--format", "html", "--out", "PROJ/build/report/status.html"),
    ("pdf", "--lang", "en", "--jobs", "1"),
])
def test_a_full_disk_is_one_line_and_leaves_nothing_behind(small: Path, tmp_path: Path,
                                                           args: tuple[str, ...]):
    args = tuple(str(seed("002")) if a == "SEED002" else a for a in args)
    if args[0] == "status":  # a report bigger than the room left
        write_tree(small, {f"p{i}": "Some words. " * 50 for i in range(300)})
    result = _in_small_disk(small, tmp_path, 8 if args[0] == "status" else 60, *args)
    if "mount:" in result.stderr and "permission" in result.stderr.lower():
        pytest.skip("mounting a tmpfs is not allowed here")
    assert result.returncode == 2, result.stderr
    err = [line for line in result.stderr.splitlines() if not line.startswith("LEFT:")
           and "warning" not in line]
    one_line("\n".join(err), "space")
    assert "LEFT: 0" in result.stderr
    assert (tmp_path / "after.txt").read_text() == _content_sums(small)


# ---- 8: caches verified ----------------------------------------------------------------------


def _pages(out: Path) -> dict[str, bytes]:
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*.html"))}


@pytest.mark.slow
def test_bit_flips_in_the_site_cache_never_show(small: Path):
    assert publish(small, "html", "--jobs", "1").returncode == 0
    cache = small / "build/site-cache.sqlite"
    clean_cache = cache.read_bytes()
    out = small / "build/html"
    clean = _pages(out)
    rng = random.Random(16)
    # half the flips land inside stored values (what a checksum must catch), half anywhere
    with sqlite3.connect(cache) as con:
        values = [v for (v,) in con.execute("SELECT value FROM entries")]
    offsets = [clean_cache.find(v.encode("utf-8")[-20:]) for v in values if len(v) > 20]
    offsets = [o for o in offsets if o > 0]
    assert len(offsets) >= 4
    for trial in range(24):
        flipped = bytearray(clean_cache)
        at = (rng.choice(offsets) + rng.randrange(20) if trial % 2 == 0 and offsets
              else rng.randrange(len(flipped)))
        flipped[at] ^= 1 << rng.randrange(8)
        cache.write_bytes(bytes(flipped))
        shutil.rmtree(out)
        result = publish(small, "html", "--jobs", "1")
        assert result.returncode == 0 and "Traceback" not in result.stderr, (trial, result.stderr)
        assert _pages(out) == clean, f"trial {trial}: byte {at} flipped: pages differ"


@pytest.mark.slow
def test_bit_flips_in_the_index_never_show(small: Path):
    expected = publish(small, "list", "--format", "json").stdout
    status = publish(small, "status", "--format", "json").stdout
    index = small / "build/index.sqlite"
    clean = index.read_bytes()
    rng = random.Random(8)
    for trial in range(16):
        flipped = bytearray(clean)
        at = rng.randrange(len(flipped))
        flipped[at] ^= 1 << rng.randrange(8)
        index.write_bytes(bytes(flipped))
        got = publish(small, "list", "--format", "json")
        assert got.returncode == 0 and got.stdout == expected, (trial, at, got.stderr)
        got = publish(small, "status", "--format", "json")
        assert got.returncode == 0 and got.stdout == status, (trial, at, got.stderr)


# ---- 9: messages, not tracebacks -------------------------------------------------------------


def test_a_control_character_in_the_title_still_makes_valid_feeds(small: Path):
    toml = small / "publish.toml"
    text = toml.read_text("utf-8")
    text = re.sub(r'^en = "(.*)"$', r'en = "\1 \\u0007\\u001b[31m"', text, count=1, flags=re.M)
    toml.write_text(text + '\n[site]\nbase_url = "https://example.org/papers/"\n', "utf-8")
    result = publish(small, "feed")
    assert result.returncode == 0, result.stderr
    import xml.dom.minidom

    for path in (small / "build/html").glob("*/feed.*"):
        xml.dom.minidom.parse(str(path))  # well-formed XML


@pytest.mark.parametrize("key", ["from", "list_unsubscribe"])
def test_a_line_break_in_a_header_setting_is_refused_with_its_line(small: Path, key: str):
    value = {"from": "List <l@example.org>", "list_unsubscribe": "<mailto:l@example.org>"}
    value[key] += "\\r\\nBcc: everyone@example.org"
    toml = small / "publish.toml"
    toml.write_text(toml.read_text("utf-8") + '\n[site]\nbase_url = "https://example.org/"\n'
                    f'[digest]\nfrom = "{value["from"]}"\n'
                    f'list_unsubscribe = "{value["list_unsubscribe"]}"\n', "utf-8")
    line = toml.read_text("utf-8").splitlines().index(
        next(x for x in toml.read_text("utf-8").splitlines() if x.startswith(key))) + 1
    result = publish(small, "digest", "--format", "eml")
    assert result.returncode == 2
    one_line(result.stderr, f"publish.toml:{line}:", key)
    assert not (small / "content/digests.yaml").exists()


# ---- 10: outputs never land in the sources -----------------------------------------------------


@pytest.mark.parametrize("args", [
    ("status", "--format", "html", "--out", "content/en/alpha.md"),
    ("status", "--format", "csv", "--out", "publish.toml"),
    ("digest", "--format", "text", "--out", "content/lists/demo.yaml"),
    ("html", "--out", "content"),
    ("html", "--out", "."),
    ("feed", "--base-url", "https://example.org/", "--out", "templates/x"),
    ("pdf", "--lang", "en", "--out", "content/zh/alpha.md"),
])
def test_an_output_into_the_sources_is_refused(small: Path, args: tuple[str, ...]):
    before = tree_hashes(small)
    toml = (small / "publish.toml").read_bytes()
    result = publish(small, *args, cwd=small)
    assert result.returncode == 2, result.stdout + result.stderr
    one_line(result.stderr, "refusing")
    assert tree_hashes(small) == before and (small / "publish.toml").read_bytes() == toml
    assert not (small / "en").exists() and not (small / "templates").exists()


# ---- 11: bad input is an error naming file and line --------------------------------------------


def test_a_key_given_twice_is_an_error_with_its_line(small: Path):
    paper = small / "content/en/beta.md"
    paper.write_text(paper.read_text("utf-8").replace("year: 2017\n",
                                                      "year: 2017\nyear: 1917\n"), "utf-8")
    one_line(publish(small, "list").stderr, "content/en/beta.md:4:", "'year'", "twice")
    lst = small / "content/lists/demo.yaml"
    lst.write_text(lst.read_text("utf-8").replace("    position: 2\n",
                                                  "    position: 2\n    position: 9\n"), "utf-8")
    paper.write_text(paper.read_text("utf-8").replace("year: 1917\n", ""), "utf-8")
    first = publish(small, "status").stderr.splitlines()[0]  # (its papers then name no list)
    assert re.search(r"demo\.yaml:10: .*'position' is given twice", first), first


@pytest.mark.parametrize("char", ["\x00", "\x1b", "\x07", "\x9b"])
def test_control_characters_in_a_body_are_an_error_with_its_line(small: Path, char: str):
    paper = small / "content/en/beta.md"
    paper.write_text(paper.read_text("utf-8") + f"\nA second paragraph{char}[31m red.\n",
                     "utf-8")
    for verb in ("list", "html"):
        one_line(publish(small, verb).stderr, "content/en/beta.md:10:", "control character")


def test_an_unknown_language_folder_is_an_error(small: Path):
    (small / "content/fr").mkdir()
    (small / "content/fr/alpha.md").write_text("---\nmeta_in: en\n---\n\nAlpha.\n", "utf-8")
    for verb in ("list", "status"):
        one_line(publish(small, verb).stderr, "content/fr", "'fr'", "publish.toml")


def test_a_lists_folder_leading_outside_the_project_is_refused(small: Path, tmp_path: Path):
    outside = tmp_path / "outside-lists"
    shutil.move(small / "content/lists", outside)
    (small / "content/lists").symlink_to(outside)
    before = {p.name: p.read_bytes() for p in outside.iterdir()}
    for verb in ("list", "status"):
        one_line(publish(small, verb).stderr, "content/lists", "outside the project")
    result = publish(small, "import", str(seed("003")), "--list", "llm-top10-2023-zh",
                     "--lang", "zh")
    assert result.returncode == 2 and "outside the project" in result.stderr
    assert {p.name: p.read_bytes() for p in outside.iterdir()} == before


EXTRA_LIST = LIST.format(entries="  - paper: beta\n    position: 1\n    added: 2026-11-23\n")


@pytest.mark.parametrize("which", ["content/en/beta.md", "content/lists/extra.yaml"])
def test_a_file_leading_outside_the_project_is_refused(small: Path, tmp_path: Path,
                                                       which: str):
    # A list no paper names (a refused one would also make its papers' `lists:` unknown).
    target = small / which
    if target.suffix == ".yaml":
        target.write_text(EXTRA_LIST, "utf-8")
    assert publish(small, "status").returncode == 0  # the index knows the file as it was
    outside = tmp_path / "outside" / target.name
    outside.parent.mkdir()
    shutil.move(target, outside)
    target.symlink_to(outside)
    before = outside.read_bytes()
    for verb in (("list",), ("status",), ("status", "--no-cache"), ("list",)):
        result = publish(small, *verb)
        assert result.returncode == 2, (verb, result.stdout + result.stderr)
        line = one_line(result.stderr, which, "a symlink to a file outside the project",
                        str(outside.resolve()))
        assert line.startswith(f"publish: error: {target}: "), line
    hashes = tree_hashes(small)
    result = publish(small, "import", str(seed("003")), "--list", "llm-top10-2023-zh",
                     "--lang", "zh")
    assert result.returncode == 2 and which in result.stderr, result.stderr
    assert outside.read_bytes() == before and target.is_symlink()
    assert tree_hashes(small) == hashes and not temp_files(small)


def test_a_transaction_never_writes_through_a_file_leading_outside(small: Path,
                                                                   tmp_path: Path):
    from publish.content.write import Transaction
    from publish.errors import PublishError

    target = small / "content/en/beta.md"
    outside = tmp_path / "beta.md"
    shutil.move(target, outside)
    target.symlink_to(outside)
    before = outside.read_bytes()
    for remove in (False, True):
        tx = Transaction(small)
        if remove:
            tx.remove(target)
        else:
            tx.write(target, "---\ntitle: Overwritten\n---\n\nNot yours.\n")
            tx.write(small / "content/en/delta.md", "---\ntitle: Delta\n---\n\nDelta.\n")
        with pytest.raises(PublishError, match="outside the project") as raised:
            tx.commit("test")
        assert raised.value.problems[0].path == target
        assert outside.read_bytes() == before and target.is_symlink()
        assert not (small / "content/en/delta.md").exists() and not temp_files(small)


def test_a_second_process_scanning_a_big_folder_refuses_the_same_files(small: Path,
                                                                      tmp_path: Path):
    # A big second-language folder is statted in a forked child: the same answer must come
    # back through its pipe (the small tree is made "big" by `expect`). Problems are
    # reported sorted by their keys.
    from publish.config import load_config
    from publish.content.scan import FORK_STAT_FROM, scan, scan_begin

    zh = small / "content/zh"
    shutil.move(zh / "alpha.md", tmp_path / "alpha.md")
    (zh / "alpha.md").symlink_to(tmp_path / "alpha.md")
    (zh / "beta.md").symlink_to(Path("../en/beta.md"))  # inside: counted as its target
    (zh / "dangling.md").symlink_to(tmp_path / "gone.md")  # outside, even if missing
    config = load_config(small)
    forked = scan_begin(config, expect=FORK_STAT_FROM)()
    for found in (forked, scan(config), scan(config, keys=False)):
        assert sorted(found.files["zh"]) == ["beta"]
        refused = sorted((key, p.path, p.message) for key, p in found.bad_names)
        assert [(key, path) for key, path, _ in refused] == [
            ((1, "alpha.md"), zh / "alpha.md"), ((1, "dangling.md"), zh / "dangling.md")]
        assert str(tmp_path / "alpha.md") in refused[0][2]
    assert forked.files == scan(config).files


def test_a_file_symlinked_inside_the_project_is_read(small: Path):
    kept = small / "drafts"
    kept.mkdir()
    for which, text in (("content/en/beta.md", None), ("content/lists/extra.yaml",
                                                       EXTRA_LIST)):
        target = small / which
        if text is not None:
            target.write_text(text, "utf-8")
        shutil.move(target, kept / target.name)
        target.symlink_to(Path("../..", "drafts", target.name))
    for verb in (("status", "--format", "json"), ("status", "--no-cache", "--format", "json"),
                 ("status", "--format", "json"), ("list", "--format", "json")):
        result = publish(small, *verb)
        assert result.returncode in (0, 1) and not result.stderr, (verb, result.stderr)
        assert "beta" in result.stdout, verb
    shown = publish(small, "show", "beta")
    assert shown.returncode == 0 and "The beta paper" in shown.stdout, shown.stderr
    lists = publish(small, "list", "--list", "extra", "--format", "json")
    assert lists.returncode == 0 and '"beta"' in lists.stdout, lists.stderr + lists.stdout


# ---- 12: terminals, spreadsheets, lying servers --------------------------------------------------


def test_markup_in_a_title_is_printed_as_text(small: Path):
    paper = small / "content/en/beta.md"
    paper.write_text(paper.read_text("utf-8").replace(
        "title: The beta paper", "title: '[link=file:///etc/passwd]click[/link] [red]Beta'"),
        "utf-8")
    shown = publish(small, "show", "beta", env={"TERM": "xterm-256color",
                                               "FORCE_COLOR": "1", "COLUMNS": "200"})
    assert shown.returncode == 0, shown.stderr
    assert "[link=file:///etc/passwd]click[/link] [red]Beta" in shown.stdout
    assert "\x1b]8;" not in shown.stdout  # no terminal hyperlink was made


def test_csv_cells_are_never_formulas(small: Path):
    paper = small / "content/en/beta.md"
    paper.write_text(paper.read_text("utf-8").replace(
        "title: The beta paper", "title: '=HYPERLINK(\"http://evil.example\",\"x\")'"),
        "utf-8")
    csv_out = publish(small, "status", "--format", "csv").stdout
    assert ",'=HYPERLINK(" in csv_out or ",\"'=HYPERLINK(" in csv_out, csv_out
    assert ",=HYPERLINK(" not in csv_out and ',"=HYPERLINK(' not in csv_out


@pytest.mark.slow
@pytest.mark.parametrize("mode", ["huge", "control"])
def test_a_lying_servers_drafts_are_refused(small: Path, mode: str):
    from translation_server import TranslationServer

    before = tree_hashes(small)
    with TranslationServer(mode) as srv:
        result = publish(small, "translate", "--to", "zh", "--backend", "libre", "--url",
                         srv.url, "--paper", "beta", "--format", "json")
    assert result.returncode == 1, result.stderr
    assert ("3,000" in result.stdout and "refused" in result.stdout) if mode == "huge" \
        else "control character" in result.stdout
    assert tree_hashes(small) == before  # no draft written
    assert publish(small, "list").returncode == 0
    memory = small / "translation-memory.sqlite"
    if memory.exists():
        with sqlite3.connect(memory) as con:
            longest = con.execute("SELECT max(length(draft)) FROM drafts").fetchone()[0]
        assert longest is None or longest < 10_000


def test_a_damaged_row_of_the_booklets_unit_cache_is_made_again(tmp_path: Path):
    """The booklet's unit HTML cache (build/pdf/units.sqlite) seals each value with a CRC,
    as the site cache does: a value changed on disk is never printed, it is made again."""
    from publish.render.units import UnitCache, fingerprint

    path = tmp_path / "units.sqlite"
    items = {"a": ["<p>first</p>", "A", "en", []], "b": ["<p>second</p>", "B", "en", []]}
    cache = UnitCache(path, fingerprint("fonts"))
    cache.save(items)
    cache.close()
    with sqlite3.connect(path) as con:
        (stored,) = con.execute("SELECT value FROM units WHERE key = 'b'").fetchone()
        con.execute("UPDATE units SET value = ? WHERE key = 'b'",
                    (stored.replace("second", "secOnd"),))
    cache = UnitCache(path, fingerprint("fonts"))
    assert cache.load(["a", "b"]) == {"a": items["a"]}
    cache.close()


def test_the_booklets_unit_cache_keeps_only_a_builds_units_past_its_limit(tmp_path: Path,
                                                                         monkeypatch):
    """Every edit adds rows; past its size limit the cache keeps the units of the build
    that found it so (the others are made again once) and gives the space back."""
    from publish.render.units import UnitCache, fingerprint

    path = tmp_path / "units.sqlite"
    cache = UnitCache(path, fingerprint("fonts"))
    cache.save({f"old-{n}": ["<p>" + "x" * 4000 + "</p>", "T", "en", []] for n in range(200)})
    cache.save({"a": ["<p>a</p>", "A", "en", []]})
    assert not cache.keep_only(["a"])  # under the limit: nothing dropped
    assert len(cache.load([f"old-{n}" for n in range(200)])) == 200
    before = path.stat().st_size
    monkeypatch.setattr(UnitCache, "LIMIT", before // 2)
    assert cache.keep_only(["a"])
    assert cache.load(["a", "old-1"]) == {"a": ["<p>a</p>", "A", "en", []]}
    cache.close()
    assert path.stat().st_size < before // 4


def test_the_booklets_formula_cache_is_named_by_what_draws_the_formulas(tmp_path: Path,
                                                                       monkeypatch):
    """Formulas drawn by one ziamath (or latex2mathml, or publish) are never read by
    another: the file is named by their fingerprint, and an old one is removed."""
    from publish import cachedb
    from publish.render.cache import Cache

    (tmp_path / "math-1.json").write_text('{"x": "<svg>old</svg>"}', "utf-8")
    cache = Cache(tmp_path, True)
    assert cache.math() == {}  # the unversioned file of before is not read
    cache.save_math({"y": "<svg>new</svg>"}, cache.math())
    assert [p.name for p in tmp_path.glob("math-*.json")] == [cache._math_path.name]
    assert Cache(tmp_path, True).math() == {"y": "<svg>new</svg>"}
    monkeypatch.setattr(cachedb, "fingerprint", lambda *a, **k: "0" * 40)  # an upgrade
    assert Cache(tmp_path, True).math() == {}
