"""publish — keep a bilingual reading list of AI papers and publish it."""

from __future__ import annotations


def __getattr__(name: str) -> str:
    # Looked up when asked for: importlib.metadata costs more than the rest of start-up.
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            return version("publish")
        except PackageNotFoundError:  # a source tree that was never installed
            return "0.0.0"
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
