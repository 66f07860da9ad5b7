"""publish.toml: parsed once, a section per feature, every problem at once with its line."""

from __future__ import annotations

from pathlib import Path

import pytest

from publish.config import parse_config
from publish.errors import PublishError

HEAD = 'languages = ["en", "zh"]\n[title]\nen = "E"\nzh = "Z"\n'


def test_every_section_is_typed_and_read_once(tmp_path: Path):
    config = parse_config(HEAD + (
        '[translate]\nbackend = "libre"\nurl = "http://127.0.0.1:5000"\njobs = 8\n'
        '[site]\nbase_url = "https://example.org/papers"\n'
        '[digest]\nfrom = "List <l@example.org>"\nlist_unsubscribe = "<mailto:x@example.org>"\n'
        '[enrich]\nmailto = "me@example.org"\n[enrich.openalex]\nurl = "http://127.0.0.1:8080"\n'
    ), tmp_path)
    assert (config.translate.backend, config.translate.jobs) == ("libre", 8)
    assert config.site.base_url == "https://example.org/papers/"
    assert config.digest.sender == "List <l@example.org>"
    assert config.enrich.mailto == "me@example.org"
    assert config.enrich.urls == {"openalex": "http://127.0.0.1:8080/"}


def test_problems_of_every_section_come_out_together(tmp_path: Path):
    text = HEAD + ('[translate]\nbackend = "bing"\n[site]\nbase_url = "ftp://x"\n'
                   '[digest]\nfrom = ""\n[enrich]\nmailto = "nobody"\n[enrich.crossref]\n'
                   'key = "secret"\n[colour]\nx = 1\n')
    with pytest.raises(PublishError) as caught:
        parse_config(text, tmp_path)
    found = [(p.line, p.message.split(" ")[0:3]) for p in caught.value.problems]
    assert len(found) == 6, found
    lines = text.split("\n")
    for problem in caught.value.problems:
        assert problem.line is not None and problem.line <= len(lines)
    messages = " | ".join(p.message for p in caught.value.problems)
    for part in ("'colour'", "bing", "base_url must be an http(s) URL", "[digest] from",
                 "mailto must be an e-mail", "'key' in [enrich.crossref]"):
        assert part in messages
