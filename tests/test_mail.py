"""A newsletter issue as a mail client and a spam filter get it: list headers, the time of
writing, Chinese plain text wrapped by display width, nothing hidden, and SpamAssassin's
local rules (`spamassassin -L -t`) scoring it at most 1.0."""

from __future__ import annotations

import email
import email.policy
import os
import re
import shutil
import subprocess
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path

import pytest
from conftest import run
from tools import need

from publish.site.wrap import NO_START, display_width

BASE = "https://example.org/papers/"


@pytest.fixture(scope="module")
def project(seeded: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("mail") / "proj"
    shutil.copytree(seeded, root)
    with (root / "publish.toml").open("a", encoding="utf-8") as fh:
        fh.write(f'\n[site]\nbase_url = "{BASE}"\n\n[digest]\nfrom = "Papers <list@example.org>"'
                 '\nlist_unsubscribe = "<mailto:leave@example.org>, '
                 '<https://example.org/unsubscribe>"\n')
    return root


def _eml(project: Path, lang: str, env: dict[str, str] | None = None) -> Path:
    out = project / "build" / f"issue.{lang}.eml"
    result = run(project, "digest", "--format", "eml", "--no-record", "--lang", lang,
                 "--out", str(out), env=env)
    assert result.exit_code == 0, result.output
    return out


def _message(path: Path) -> email.message.EmailMessage:
    return email.message_from_bytes(path.read_bytes(), policy=email.policy.default)


def test_list_headers_language_and_the_time_of_writing(project: Path) -> None:
    before = datetime.now(UTC).replace(microsecond=0)
    en = _message(_eml(project, "en", env={"SOURCE_DATE_EPOCH": ""}))
    after = datetime.now(UTC)
    # RFC 2919: the list's name and an id under the site's domain
    assert en["List-Id"] == "AI Papers Reading List <papers.example.org>"
    assert en["Content-Language"] == "en"
    # written now, not on the issue's day at a made-up hour
    assert before <= parsedate_to_datetime(en["Date"]) <= after
    zh = _message(_eml(project, "zh"))
    assert zh["Content-Language"] == "zh-Hans"
    assert str(zh["List-Id"]) == "人工智能论文阅读清单 <papers.example.org>"
    assert _message(_eml(project, "bilingual"))["Content-Language"] == "en, zh-Hans"
    # SOURCE_DATE_EPOCH pins it, for reproducible builds
    pinned = _message(_eml(project, "en", env={"SOURCE_DATE_EPOCH": "1795478400"}))
    assert parsedate_to_datetime(pinned["Date"]) == datetime(2026, 11, 24, tzinfo=UTC)


def test_nothing_is_hidden_from_the_reader(project: Path) -> None:
    page = _message(_eml(project, "zh")).get_body(("html",)).get_content()
    styles = " ".join(re.findall(r'style="([^"]*)"', page) + re.findall(
        r"<style>(.*?)</style>", page, re.S)).replace(" ", "")
    for trick in ("display:none", "font-size:1px", "font-size:0", "opacity:0",
                  "max-height:0", "visibility:hidden", "color:#f2f3f5"):
        assert trick not in styles, trick
    # the first thing a reader's inbox shows is the issue itself
    text = re.sub(r"<[^>]+>", " ", re.split(r"<body[^>]*>", page, maxsplit=1)[1])
    assert text.split()[:2] == ["人工智能论文阅读清单", "第"]


def test_chinese_plain_text_is_wrapped_by_columns(project: Path) -> None:
    plain = _message(_eml(project, "zh")).get_body(("plain",)).get_content()
    lines = plain.splitlines()
    chinese = [line for line in lines if len(re.findall("[\u4e00-\u9fff]", line)) >= 20]
    assert len(chinese) >= 8  # summaries in Chinese, wrapped over several lines each
    for line in lines:
        if "://" in line:  # an address is never cut: it may be longer
            continue
        assert display_width(line) <= 72, line
        assert not line.strip() or line.strip()[0] not in NO_START, line
    # a wrapped summary reads as it was written: its lines joined give the sentence back
    summary = "近年来，由于 Large language transformers 和 vision transformers"
    joined = re.sub(r"\n  (?=[\u4e00-\u9fff])", "", plain).replace("\n  ", " ")
    assert summary.replace("，", ",") in joined.replace("，", ",")


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_spamassassin_scores_an_issue_as_mail(project: Path, tmp_path: Path,
                                              lang: str) -> None:
    spamassassin = need("spamassassin", "spamassassin")
    message = _eml(project, lang)
    home = tmp_path / "home"
    home.mkdir()
    result = subprocess.run(
        [spamassassin, "-L", "-t", "-p", str(home / "user_prefs")],
        input=message.read_bytes(), capture_output=True, timeout=300,
        env={**os.environ, "HOME": str(home)})
    assert result.returncode in (0, 1), result.stderr.decode()
    report = result.stdout.decode("utf-8", "replace")
    found = re.search(r"^X-Spam-Status: (Yes|No), score=(-?\d+\.\d+)", report, re.M)
    assert found, report[-2000:]
    rules = re.search(r"Content analysis details:.*?(?=\n\n|\Z)", report, re.S)
    assert float(found.group(2)) <= 1.0, rules.group(0) if rules else report[-2000:]
