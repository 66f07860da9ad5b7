"""Scraping debris: lines of a web page that are not text about any paper."""

from __future__ import annotations

import re

# Page furniture seen in scraped articles: view and comment counters, QR-code prompts,
# "read more" links, end-of-article marks, follow-us lines.
LINE_RE = re.compile(
    r"^(?:[\d,]+\s*次阅读|没有评论|评论[((].*[))]|Read More|正文完|END\.?|post-qrcode|//|"
    r".*扫码.*|.*二维码.*|可以使用微信.*|转载原创文章.*|.*公众号[((]ID.*)$",
    re.IGNORECASE,
)
# From these lines on, the page is its footer: related-article links and sign-up prompts.
FOOTER_RE = re.compile(r"^(?:更多阅读|如果你关注.*扫码|Read More$)")


def is_debris(line: str, list_title: str | None) -> bool:
    line = line.strip()
    # An image caption that repeats the article's own title is all that is left of an image.
    return bool(LINE_RE.match(line)) or (list_title is not None and line == list_title)


def is_footer(line: str) -> bool:
    return bool(FOOTER_RE.match(line.strip()))
