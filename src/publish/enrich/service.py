"""What every service module declares: how it is asked (one HTTP request for one or several
lookups), how its answer is read, and its etiquette (how many ids a request may carry, how
many requests may run at once, how far apart they must be)."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .record import Lookup, Record

Params = list[tuple[str, str]]


@dataclass(frozen=True)
class Request:
    """One HTTP request, relative to the service's base URL."""

    path: str
    params: Params = field(default_factory=list)
    json_body: Any = None  # POSTed as JSON when set

    @property
    def method(self) -> str:
        return "GET" if self.json_body is None else "POST"


class Malformed(Exception):
    """The answer is not what the service documents (truncated JSON, HTML for XML…)."""


class Throttled(Exception):
    """The service says 'too many requests' in a body that is otherwise a success."""


class BadIds(Exception):
    """The service refused some ids of a batch (arXiv's error entries): those are no match,
    the others must be asked again."""

    def __init__(self, ids: set[str]):
        super().__init__(", ".join(sorted(ids)))
        self.ids = ids


# The answer to one request: the records each of its lookups' keys gets (an empty list: no
# match), and notes worth telling a person (keyed like the records).
Parsed = dict[str, list[Record]]


@dataclass(frozen=True)
class Service:
    """A bibliographic service as `enrich` uses it."""

    name: str
    base_url: str  # the real service; [enrich.<name>] url or --url replace it
    id_kinds: tuple[str, ...]  # the ids it finds a work by, best first
    batch: int  # id lookups one request may carry
    request: Callable[[list[Lookup]], Request]
    parse: Callable[[list[Lookup], bytes], Parsed]
    contact: str = ""  # how the service takes a contact address: "param" (mailto=), ""
    key_env: str | None = None  # the environment variable of its API key, if it takes one
    key_header: str | None = None  # …sent in this header; None: as the api_key parameter
    concurrency: int | None = None  # requests at once at most (None: as --jobs says)
    gap: float = 0.0  # seconds from one request's end to the next one's start (one at a time)
    per_second: float | None = None  # request starts a second at most
    rate_headers: bool = False  # the service announces its limits in x-rate-limit-* headers

    def id_key(self, ids: dict[str, str]) -> str | None:
        """The lookup key this service would use for a work with `ids`, or None."""
        for kind in self.id_kinds:
            if ids.get(kind):
                return f"{kind}:{ids[kind]}"
        return None


def load_json(body: bytes) -> Any:
    try:
        return json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise Malformed(f"not JSON ({str(exc)[:80]})") from None


def need(value: Any, kind: type, what: str) -> Any:
    """`value` if it is a `kind`, else Malformed naming `what` was expected."""
    if not isinstance(value, kind):
        raise Malformed(f"expected {what}")
    return value


def by_key(lookups: list[Lookup], found: dict[str, list[Record]]) -> Parsed:
    """Every lookup's key with what was found for it (nothing: no match)."""
    return {lk.key: found.get(lk.key, []) for lk in lookups}
