"""One HTTP request to one service, the way the service asks to be treated: its pace (see
`pace`), a timeout on every request, retries of what may pass (429, 5xx, a timeout, a broken
answer) honouring `Retry-After`, never retries of what will not (400, 401, a refusal), a cap
on how much an answer may weigh, and "cannot connect" told apart from "no answer"."""

from __future__ import annotations

import contextlib
import os
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import requests
from urllib3.exceptions import NewConnectionError

from ..translate.transport import retry_after_seconds
from .pace import Gate, Pace
from .record import OPENALEX, Lookup
from .service import BadIds, Malformed, Parsed, Request, Service, Throttled, by_key
from .text import clean

MAX_BODY = 20 * 1024 * 1024  # bytes an answer may have
# Lookups failing one after another (each after its retries) before a service is not asked
# again in the run: a spent daily allowance answers 429 to everything, for hours.
GIVE_UP_AFTER = 3
NOTE_BAD_ID = "the service says this id is malformed"


class Failure(Exception):
    """A lookup that got no usable answer. `fatal`: the service should not be asked again
    this run (it refused the key, or asks to wait longer than a run waits)."""

    def __init__(self, message: str, fatal: bool = False):
        super().__init__(message)
        self.fatal = fatal


@dataclass(frozen=True)
class _Retry:
    why: str
    after: float | None = None  # seconds the service asked to wait (Retry-After)


class Unreachable(Failure):
    """The service's host cannot be connected to (no network, a wrong --url)."""

    def __init__(self, host: str, why: str):
        super().__init__(f"cannot connect to {host} ({why})", fatal=True)
        self.host = host


@dataclass
class ClientOptions:
    timeout: float = 30.0  # seconds for an answer to start, and between its parts
    retries: int = 3  # of a request after a 429, a 5xx, a timeout or a broken answer
    jobs: int = 4  # requests at once, for the services that allow several
    mailto: str | None = None
    urls: Mapping[str, str] = field(default_factory=dict)  # service -> base URL instead
    backoff: float = 1.0  # first wait before a retry when the service names none
    max_wait: float = 120.0  # a longer Retry-After gives up on the service for the run
    gate_dir: Path | None = None  # where one-at-a-time services keep their last request's time
    env: Mapping[str, str] = field(default_factory=lambda: os.environ)


def user_agent(mailto: str | None) -> str:
    from .. import __version__

    contact = f"; mailto:{mailto}" if mailto else ""
    return f"publish/{__version__} (reading-list metadata{contact})"


def _cannot_connect(exc: BaseException) -> bool:
    """Whether a connection error happened before any connection: refused, no route, no
    such host (the machine is offline, or the URL is wrong)."""
    reason = getattr(exc.args[0], "reason", None) if exc.args else None
    return isinstance(reason, NewConnectionError) or isinstance(
        exc, requests.exceptions.ConnectTimeout)


class Client:
    """Sends `Request`s to one service. Thread-safe: a session per thread."""

    def __init__(self, service: Service, options: ClientOptions,
                 stop: threading.Event | None = None):
        self.service = service
        self.options = options
        self.base = options.urls.get(service.name) or service.base_url
        self.host = urlsplit(self.base).netloc
        self.stop = stop or threading.Event()
        self.key = options.env.get(service.key_env) if service.key_env else None
        self.sent = 0  # requests sent, retries included
        self.given_up: str | None = None  # why the service is not asked again this run
        self._failed_in_row = 0
        self._count = threading.Lock()
        self._local = threading.local()
        concurrency = service.concurrency or options.jobs
        self.pace = Pace(min(concurrency, options.jobs), service.per_second)
        self.gate = Gate(service.gap, (options.gate_dir / f"enrich-{service.name}.gate")
                         if options.gate_dir else None) if service.gap else None

    # -- one request ---------------------------------------------------------------------

    def ask(self, lookups: list[Lookup]) -> Parsed:
        """What the service says to `lookups` (all of one kind; several only for a service
        that takes batches). Raises Failure."""
        if self.given_up:  # requests queued before the service refused, or kept failing
            raise Failure(self.given_up, fatal=True)
        try:
            found = self._asked(lookups)
        except Failure as exc:
            with self._count:
                self._failed_in_row += 1
                if exc.fatal or self._failed_in_row >= GIVE_UP_AFTER:
                    self.given_up = self.given_up or (
                        str(exc) if exc.fatal else f"{exc} ({GIVE_UP_AFTER} lookups in a "
                        "row): not asked again this run")
            raise
        with self._count:
            self._failed_in_row = 0
        return found

    def _asked(self, lookups: list[Lookup]) -> Parsed:
        try:
            return self._ask(lookups)
        except BadIds as exc:  # those ids are no match; the others are asked again
            bad = [lk for lk in lookups if lk.value in exc.ids]
            rest = [lk for lk in lookups if lk.value not in exc.ids]
            if not bad:
                raise Failure(f"{self.host} refused ids it did not name: {exc}") from None
            found = by_key(bad, {})
            if rest:
                found.update(self._asked(rest))
            return found

    def _ask(self, lookups: list[Lookup]) -> Parsed:
        request = self.service.request(lookups)
        attempt = 0
        while True:
            if self.stop.is_set():
                raise Failure("not asked: the run stopped")
            outcome = self._once(request, lookups)
            if not isinstance(outcome, _Retry):
                return outcome
            attempt += 1
            if attempt > self.options.retries:
                raise Failure(f"{outcome.why}; gave up after {attempt} tries")
            delay = outcome.after if outcome.after is not None else \
                self.options.backoff * 2 ** (attempt - 1)
            if delay > self.options.max_wait:
                raise Failure(f"{outcome.why}; it asks to wait {delay:.0f} s: run again "
                              "later", fatal=True)
            self.stop.wait(delay)

    def _once(self, request: Request, lookups: list[Lookup]) -> Parsed | _Retry:
        """The parsed answer, or why a retry is worth it; Failure when it is not."""
        try:
            status, headers, body = self._send(request)
        except requests.Timeout as exc:
            if _cannot_connect(exc):
                raise Unreachable(self.host, "connection timed out") from None
            return _Retry(f"no answer within {self.options.timeout:g} s")
        except requests.ConnectionError as exc:
            if _cannot_connect(exc):
                raise Unreachable(self.host, _short(exc)) from None
            return _Retry(f"connection broken ({_short(exc)})")
        except Malformed as exc:
            return _Retry(str(exc))
        after = retry_after_seconds(headers.get("Retry-After"))
        if status == 200:
            try:
                return self.service.parse(lookups, body)
            except Throttled as exc:
                return _Retry(str(exc), after)
            except Malformed as exc:
                return _Retry(f"malformed answer from {self.host}: {exc}")
        if status == 404:
            return by_key(lookups, {})
        if status == 429 or status >= 500 or (status == 403 and self.service.name == OPENALEX):
            return _Retry(f"HTTP {status} from {self.host}", after)
        if status == 400:  # arXiv answers malformed ids so: BadIds
            with contextlib.suppress(Malformed, Throttled):
                self.service.parse(lookups, body)
        fatal = status in (401, 403)
        hint = " (check the key in the environment)" if fatal and self.key else ""
        said = clean(body[:300].decode("utf-8", "replace"), 120)
        raise Failure(f"{self.host} refused the request (HTTP {status}){hint}"
                      + (f": {said}" if said else ""), fatal=fatal)

    def _send(self, request: Request) -> tuple[int, Mapping[str, str], bytes]:
        params = list(request.params)
        if self.service.contact == "param" and self.options.mailto:
            params.append(("mailto", self.options.mailto))
        headers = {"User-Agent": user_agent(self.options.mailto), "Accept-Encoding": "gzip"}
        if self.key:
            if self.service.key_header:
                headers[self.service.key_header] = self.key
            else:
                params.append(("api_key", self.key))
        turn = self.gate.turn() if self.gate is not None else self.pace.turn()
        with turn:
            if self.stop.is_set():  # stopped while waiting for its turn
                raise Failure("not asked: the run stopped")
            with self._count:
                self.sent += 1
            timeout = self.options.timeout
            with self._session().request(
                    request.method, self.base + request.path, params=params, headers=headers,
                    json=request.json_body, timeout=(min(timeout, 10.0), timeout),
                    stream=True, allow_redirects=self._may_redirect) as response:
                body = _read(response, timeout)
        if self.service.rate_headers:
            self._follow_limits(response.headers)
        return response.status_code, response.headers, body

    @property
    def _may_redirect(self) -> bool:
        """OpenAlex redirects a merged work to its new id; but a key sent in a header would
        follow a redirect to any host (requests strips only Authorization), so a service
        with a key in a header gets no redirect followed."""
        return not (self.key and self.service.key_header)

    def _session(self) -> requests.Session:
        session = getattr(self._local, "session", None)
        if session is None:
            session = self._local.session = requests.Session()
            session.max_redirects = 5
        return session

    def _follow_limits(self, headers: Mapping[str, str]) -> None:
        """Crossref's pools announce their limits on every answer: keep to them."""
        limit = headers.get("x-rate-limit-limit", "")
        interval = headers.get("x-rate-limit-interval", "").rstrip("s")
        concurrency = headers.get("x-concurrency-limit", "")
        per_second = None
        if limit.isdigit() and interval.isdigit() and int(limit) and int(interval):
            per_second = int(limit) / int(interval)
        self.pace.limit(min(int(concurrency), self.options.jobs)
                        if concurrency.isdigit() and int(concurrency) else None, per_second)


def _read(response: requests.Response, timeout: float) -> bytes:
    """The body, at most MAX_BODY bytes, within a deadline (a server that trickles a byte
    at a time never trips a per-read timeout)."""
    deadline = time.monotonic() + max(timeout * 4, 30.0)
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_content(64 * 1024):
        size += len(chunk)
        if size > MAX_BODY:
            raise Malformed(f"an answer over {MAX_BODY // 2**20} MB")
        if time.monotonic() > deadline:
            raise requests.Timeout("the answer took too long")
        chunks.append(chunk)
    return b"".join(chunks)


def _short(exc: BaseException) -> str:
    text = str(getattr(exc.args[0], "reason", None) or exc) if exc.args else str(exc)
    return text.split(": ", 1)[-1][:120]
