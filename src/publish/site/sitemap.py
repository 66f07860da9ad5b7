"""`sitemap.xml`: every page of the site at its address, each with its other languages.

The shape is the sitemaps.org protocol 0.9 (`<urlset>` of `<url><loc>`), with the
alternates search engines read for multilingual sites: in every `<url>`, one
`<xhtml:link rel="alternate" hreflang="…" href="…"/>` per language the page exists in,
itself included, and `x-default` pointing at the page in the site's first language. A
sitemap needs absolute addresses, so it is written only when the site's address is known
([site] base_url, or --base-url).
"""

from __future__ import annotations

from collections.abc import Iterable
from xml.sax.saxutils import quoteattr

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
XHTML_NS = "http://www.w3.org/1999/xhtml"
# sitemaps.org: at most 50,000 addresses in one file
MAX_URLS = 50_000


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def sitemap_xml(base_url: str, pages: Iterable[dict[str, str]]) -> bytes:
    """`pages`: one mapping per page, hreflang tag -> path relative to the site's root, in
    the order of the site's languages. `x-default` is the first language's page unless the
    mapping names it (the language index pages: the root, which picks a language); a page
    for no language in particular (that root) is `{"x-default": path}` alone."""
    out = ['<?xml version="1.0" encoding="UTF-8"?>',
           f'<urlset xmlns="{SITEMAP_NS}" xmlns:xhtml="{XHTML_NS}">']
    count = 0
    for versions in pages:
        langs = {tag: path for tag, path in versions.items() if tag != "x-default"}
        if not langs:
            count += 1
            out.append(f"<url><loc>{_escape(base_url + versions['x-default'])}</loc></url>")
            continue
        default = versions.get("x-default") or next(iter(langs.values()))
        links = [f'<xhtml:link rel="alternate" hreflang={quoteattr(tag)} '
                 f'href={quoteattr(base_url + path)}/>' for tag, path in langs.items()]
        links.append(f'<xhtml:link rel="alternate" hreflang="x-default" '
                     f'href={quoteattr(base_url + default)}/>')
        for path in langs.values():
            count += 1
            if count > MAX_URLS:
                raise ValueError(f"more than {MAX_URLS} pages: a sitemap index is needed")
            out.append(f"<url><loc>{_escape(base_url + path)}</loc>{''.join(links)}</url>")
    out.append("</urlset>\n")
    return "\n".join(out).encode()
