"""One distinct source block to one draft: protect, split, send (with retries), restore,
check, remember. Runs in the worker threads of a run.

Failures, by what they say about the service:
- 429 and 5xx: retried with exponential backoff and jitter, or after `Retry-After` when the
  server says; past `retries` the block is given up and its paper reported.
- a timeout or a refused connection: retried once.
- an answer that is not a translation, or a placeholder lost: the block is given up.
- a refused key, an unsupported language, a missing package: the run stops.
When blocks keep failing (as many in a row as there are jobs, at least 3), the service is
taken to be down and the run stops instead of trying every remaining block.
"""

from __future__ import annotations

import random
import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import requests

from ..blocks import split_blocks
from ..model import TITLE
from ..sanitise import draft_problem
from . import backends
from .drafts import Item
from .memory import Memory
from .protect import UNSENT_KINDS, PlaceholderError, Protected, protect, restore
from .split import join_pieces, split_text
from .transport import ANSWER, FATAL, RETRY, TRANSPORT, Failure, bounded_call, classify

BACKOFF_BASE = 1.0  # seconds before the first retry; doubles each time
BACKOFF_CAP = 60.0
RETRY_AFTER_CAP = 300.0  # a server asking for longer is treated as down for this run
_NEWLINES_RE = re.compile(r"\s*\n\s*")


@dataclass
class Progress:
    """What the progress bar shows; characters are the unit of work (blocks vary 100×)."""

    blocks_total: int = 0
    blocks_done: int = 0
    chars_total: int = 0
    chars_done: int = 0
    chars_sent: int = 0
    requests: int = 0
    failed: int = 0


class Stopped(Exception):
    """The run is stopping; the block was not finished."""


class BlockFailed(Exception):
    """This block has no draft; its paper is reported."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def prepare(item: Item, keep: Sequence[str], titles: frozenset[str]) -> Protected | None:
    """The block as it would be sent, or None when it needs no service (code, pure math)."""
    protected = protect(item.source.text, item.source.kind, keep, titles)
    if item.source.kind in UNSENT_KINDS or not protected.translatable:
        return None
    return protected


def backoff(attempt: int, retry_after: float | None) -> float | None:
    """Seconds to wait before retry `attempt + 1`; None when the server asks too much."""
    if retry_after is not None:
        if retry_after > RETRY_AFTER_CAP:
            return None
        return retry_after + random.uniform(0, 0.1 * retry_after + 0.05)
    # Jitter spreads the retries of parallel workers instead of synchronising them.
    return random.uniform(0.5, 1.0) * min(BACKOFF_CAP, BACKOFF_BASE * 2 ** attempt)


class _Breaker:
    """Counts failed blocks in a row across all workers; a success resets it."""

    def __init__(self, threshold: int):
        self.threshold = threshold
        self._count = 0
        self._lock = threading.Lock()

    def success(self) -> None:
        with self._lock:
            self._count = 0

    def failure(self) -> bool:
        """True when this failure trips the breaker."""
        with self._lock:
            self._count += 1
            return self._count >= self.threshold


class Worker:
    """Shared by the worker threads; each thread has its own client and connection."""

    def __init__(self, settings: backends.Settings, target: str, memory: Memory,
                 progress: Progress, keep: Sequence[str], titles: frozenset[str]):
        self.settings = settings
        self.target = target
        self.memory = memory
        self.progress = progress
        self.keep = keep
        self.titles = titles
        self.stop = threading.Event()
        self.stop_reason: str | None = None
        self._breaker = _Breaker(max(3, settings.jobs))
        self._local = threading.local()
        self._lock = threading.Lock()

    def translate(self, item: Item) -> str:
        """The draft of one distinct source block, in the memory before this returns."""
        source = item.source
        protected = prepare(item, self.keep, self.titles)
        if protected is None:
            return source.text
        pieces = [p.strip() for p in split_text(protected.text, self.settings.spec.limit)]
        out = [self._send(piece, item.lang) for piece in pieces if piece]
        # A line break from the service would end the block early: prose is one line here.
        translated = _NEWLINES_RE.sub(" ", join_pieces(out, self.target))
        try:
            draft = restore(protected, translated)
        except PlaceholderError as exc:
            raise BlockFailed(str(exc)) from None
        refused = draft_problem(draft, source.text)  # never remembered, never written
        if refused:
            raise BlockFailed(refused)
        blocks = split_blocks(draft, self.target)
        kind = "paragraph" if source.kind == TITLE else source.kind  # a title is one line
        if len(blocks) != 1 or blocks[0].kind != kind or (kind != source.kind and "\n" in draft):
            raise BlockFailed(f"the draft would not be one {source.kind} block")
        self.memory.put(self.settings.backend, item.lang, self.target, source.hash,
                        source.text, draft)
        return draft

    def halt(self, reason: str) -> None:
        with self._lock:
            if self.stop_reason is None:
                self.stop_reason = reason
        self.stop.set()

    # -- per thread ---------------------------------------------------------------------------

    def _session(self) -> requests.Session:
        session = getattr(self._local, "session", None)
        if session is None:
            session = self._local.session = requests.Session()
        return session

    def _forget(self, source_lang: str) -> None:
        """After a timeout the abandoned call may still be using this thread's client and
        connection: never share them again."""
        self._local.__dict__.get("clients", {}).pop(source_lang, None)
        self._local.session = None

    def _client(self, source_lang: str) -> Any:
        # One client per thread: deep-translator's clients keep per-request state on self
        # (GoogleTranslator's _url_params), so sharing one would mix up texts.
        clients: dict[str, Any] = self._local.__dict__.setdefault("clients", {})
        if source_lang not in clients:
            outcome = bounded_call(lambda: backends.make_client(
                self.settings, source_lang, self.target), self.settings.timeout)
            failure = classify(outcome) if outcome.error is not None else None
            if failure is not None:
                self._fail(failure)
            clients[source_lang] = outcome.value
        return clients[source_lang]

    # -- one request, with retries ------------------------------------------------------------

    def _send(self, text: str, source_lang: str) -> str:
        attempt, transport_retried = 0, False
        while True:
            if self.stop.is_set():
                raise Stopped()
            client = self._client(source_lang)
            outcome = bounded_call(lambda c=client: c.translate(text), self.settings.timeout,
                                   self._session())
            with self._lock:
                self.progress.requests += 1
            failure = classify(outcome)
            if failure is None:
                self._breaker.success()
                with self._lock:
                    self.progress.chars_sent += len(text)
                return str(outcome.value)
            if failure.kind == TRANSPORT:
                self._forget(source_lang)
            if failure.kind == RETRY and attempt < self.settings.retries:
                delay = backoff(attempt, failure.retry_after)
                if delay is None:
                    self._fail(Failure(FATAL, f"{failure.message}; the server asks to wait "
                                              f"{failure.retry_after:.0f} s"))
                attempt += 1
                if self.stop.wait(delay):
                    raise Stopped()
                continue
            if failure.kind == TRANSPORT and not transport_retried and not self._trip(failure):
                transport_retried = True
                if self.stop.wait(backoff(0, None) or 0):
                    raise Stopped()
                continue
            self._fail(failure, tried=attempt + 1)

    def _trip(self, failure: Failure) -> bool:
        if self._breaker.failure():
            self.halt(f"the service keeps failing ({failure.message}); stopped")
            return True
        return False

    def _fail(self, failure: Failure, tried: int = 1) -> None:
        if failure.kind == FATAL:
            self.halt(failure.message)
            raise Stopped()
        if failure.kind in (TRANSPORT, RETRY, ANSWER) and self._trip(failure):
            raise Stopped()
        suffix = f" (after {tried} attempts)" if failure.kind == RETRY and tried > 1 else ""
        raise BlockFailed(failure.message + suffix)
