"""The only way WeasyPrint reads anything: files under a few folders, nothing else.

Content is data. A paper that says `![x](../../etc/passwd)` or `![x](https://…)` must not
pull a local file or the network into the booklet, so WeasyPrint's fetcher is replaced by
one that serves regular files under the allowed roots (the project's `templates/` and
`assets/`, and the package's templates) and refuses everything else: other `file:` paths,
anything reached through a symlink that leaves the roots, devices under `/dev`, `http(s):`,
`data:` (math is inline SVG, so nothing needs it) and every other scheme. Refusals are
recorded so the command can report them.
"""

from __future__ import annotations

import mimetypes
import os
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import unquote, urlsplit

from weasyprint.urls import URLFetcher, URLFetcherResponse


class RefusedURL(ValueError):
    """WeasyPrint catches this, logs it and leaves the image out."""


class SafeFetcher(URLFetcher):
    def __init__(self, roots: Iterable[Path]) -> None:
        super().__init__(timeout=1, allowed_protocols=("file",), allow_redirects=False)
        self.roots = [Path(os.path.realpath(r)) for r in roots]
        self.refused: list[str] = []

    def fetch(self, url: str, headers: object = None) -> URLFetcherResponse:
        path = self.resolve(url)
        if path is None:
            self.refused.append(url)
            raise RefusedURL(f"refused to load {url}: only files under "
                             f"{', '.join(map(str, self.roots))} may be used")
        mime, _ = mimetypes.guess_type(path.name)
        return URLFetcherResponse(path.as_uri(), body=path.read_bytes(),
                                  headers={"Content-Type": mime or "application/octet-stream"})

    def resolve(self, url: str) -> Path | None:
        """The real file `url` names, if it may be served; None otherwise."""
        parts = urlsplit(url)
        if parts.scheme.lower() != "file" or parts.netloc not in ("", "localhost"):
            return None
        real = Path(os.path.realpath(unquote(parts.path)))
        if real.parts[:2] == ("/", "dev") or real.parts[:2] == ("/", "proc"):
            return None
        if not real.is_file():  # also refuses FIFOs and sockets that would block or stream
            return None
        if not any(real.is_relative_to(root) for root in self.roots):
            return None
        return real
