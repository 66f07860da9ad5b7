"""publish — keep a bilingual reading list of AI papers and publish it."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("publish")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0"
