"""Calls into deep-translator that cannot hang, and what their failures mean.

deep-translator's clients call `requests.get/post` with no timeout, so a server that accepts
the connection and never answers blocks them forever. Two bounds, because each alone falls
short:

1. A socket timeout. Every request made *from a call run here* gets `timeout=` put in by a
   thin wrapper around `requests.Session.request` (the one funnel all `requests.get/post`
   calls go through). It is gated by a thread-local, so requests made by anything else in the
   process are untouched. This closes the socket of a silent server, so no thread or
   connection is left behind. It does not bound a server that trickles a byte every few
   seconds (the timeout is per read), nor a client that does not use `requests` (ChatGPT goes
   through the `openai` package).
2. A wall-clock deadline. The call runs in its own daemon thread and the caller waits at most
   `timeout` seconds for it; past that the call is abandoned and reported as a timeout. A
   daemon thread never keeps the process alive, and with bound 1 it ends soon after anyway.

The wrapper also records the last HTTP response (status, `Retry-After`) and any transport
error, which deep-translator turns into exceptions that lose them (LibreTranslate's 429 becomes
`ServerException("ERR_TOO_MANY_REQUESTS")`; Microsoft's client logs a connection error and
then fails on `None.json()`).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any, TypeVar

import requests

T = TypeVar("T")

RETRY, TRANSPORT, ANSWER, FATAL = "retry", "transport", "answer", "fatal"


class CallTimeout(Exception):
    pass


@dataclass
class _CallState:
    timeout: float
    session: requests.Session | None = None
    response: requests.Response | None = None
    error: BaseException | None = None


_local = threading.local()
_install_lock = threading.Lock()
_original_request: Callable[..., requests.Response] | None = None


def _install() -> None:
    """Wrap `requests.Session.request` once per process."""
    global _original_request
    with _install_lock:
        if _original_request is not None:
            return
        original = requests.Session.request

        def request(self: requests.Session, method: str, url: str, *args: Any,
                    **kwargs: Any) -> requests.Response:
            state: _CallState | None = getattr(_local, "state", None)
            if state is None:
                return original(self, method, url, *args, **kwargs)
            if kwargs.get("timeout") is None:
                kwargs["timeout"] = state.timeout
            try:
                # deep-translator opens a new session (a new TCP and TLS connection) per
                # request; the caller's session keeps the connection alive between blocks.
                response = original(state.session or self, method, url, *args, **kwargs)
            except BaseException as exc:
                state.error = exc
                raise
            state.response = response
            return response

        _original_request = original
        requests.Session.request = request  # type: ignore[method-assign]


@dataclass
class Outcome:
    value: Any = None
    error: BaseException | None = None
    response: requests.Response | None = None
    transport_error: BaseException | None = None
    timeout: float = 0.0


def bounded_call(fn: Callable[[], T], timeout: float,
                 session: requests.Session | None = None) -> Outcome:
    """Run `fn()` with every HTTP request bounded by `timeout` seconds and the whole call too,
    sent through `session` when given (one per worker: never share one between calls that
    may run at once, and drop it after a timeout). Never raises what `fn` raises: the
    outcome says what happened."""
    _install()
    state = _CallState(timeout=timeout, session=session)
    outcome = Outcome(timeout=timeout)

    def target() -> None:
        _local.state = state
        try:
            outcome.value = fn()
        except BaseException as exc:
            outcome.error = exc
        finally:
            _local.state = None

    thread = threading.Thread(target=target, name="publish-translate-call", daemon=True)
    thread.start()
    # A little grace past the socket timeout, so a silent server is usually cut off by the
    # socket (which closes it) rather than abandoned with the connection open.
    thread.join(timeout + 0.25)
    if thread.is_alive():
        return Outcome(error=CallTimeout(f"no answer within {timeout:g} s"), timeout=timeout)
    outcome.response = state.response
    outcome.transport_error = state.error
    return outcome


@dataclass(frozen=True)
class Failure:
    """Why a call gave no translation, and what to do about it."""

    kind: str  # RETRY (429, 5xx), TRANSPORT (timeout, refused), ANSWER (bad reply), FATAL
    message: str
    retry_after: float | None = None


def retry_after_seconds(value: str | None, now: datetime | None = None) -> float | None:
    """`Retry-After` as seconds: a number, or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def classify(outcome: Outcome) -> Failure | None:
    """None when the call returned text; else what went wrong, in words a user can act on."""
    error, response = outcome.error, outcome.response
    if error is None:
        if isinstance(outcome.value, str) and outcome.value.strip():
            return None
        return Failure(ANSWER, "the service answered with no text")
    if isinstance(error, CallTimeout):
        return Failure(TRANSPORT, str(error))
    cause = outcome.transport_error or error
    if isinstance(cause, requests.Timeout):
        return Failure(TRANSPORT, f"no answer within {outcome.timeout:g} s")
    if isinstance(cause, requests.ConnectionError | ConnectionError):
        return Failure(TRANSPORT, f"cannot connect: {_first_line(cause)}")
    name = type(error).__name__
    if isinstance(error, ImportError):
        return Failure(FATAL, f"a package this backend needs is missing: {error}")
    if name in ("ApiKeyException", "AuthorizationException"):
        return Failure(FATAL, "the service refused the key (check the key's environment "
                              "variable)")
    if name in ("LanguageNotSupportedException", "InvalidSourceOrTargetLanguage"):
        return Failure(FATAL, f"language not supported by this backend: {_first_line(error)}")
    status = response.status_code if response is not None else None
    if status in (401, 403):
        return Failure(FATAL, f"the service refused the request (HTTP {status}); check the key")
    if status == 429 or name == "TooManyRequests":
        after = retry_after_seconds(response.headers.get("Retry-After")) \
            if response is not None else None
        return Failure(RETRY, "too many requests (HTTP 429)", after)
    if status is not None and status >= 500:
        after = retry_after_seconds(response.headers.get("Retry-After")) \
            if response is not None else None
        return Failure(RETRY, f"server error (HTTP {status})", after)
    if status is not None and status >= 400:
        return Failure(ANSWER, f"the service refused the text (HTTP {status})")
    if isinstance(error, ValueError | KeyError | TypeError | IndexError | AttributeError):
        return Failure(ANSWER, f"the service's answer is not a translation ({name}: "
                               f"{_first_line(error)})")
    return Failure(ANSWER, f"{name}: {_first_line(error)}")


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().split("\n")[0]
    return text[:200] or type(exc).__name__
