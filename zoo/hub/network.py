"""Time limits on every Hub call, and no server-chosen names in cache paths.

huggingface_hub's HTTP client waits forever by default (its API calls pass ``timeout=None``), and a
body trickled a byte at a time never trips a read timeout. While a zoo Hub operation runs (inside
:func:`hub_deadline`), two event hooks on the client huggingface_hub shares (``get_session()``) bound it:

- each request's connect, read, write and pool timeouts are cut to ``ZOO_HUB_TIMEOUT`` seconds and
  to the time left before the operation's deadline (``ZOO_HUB_DEADLINE`` seconds after it began); a
  request started after the deadline fails at once;
- each response body fails as soon as a chunk arrives after the deadline, so a trickle ends too.

The failure is :class:`HubDeadlineError`, which no retry loop of huggingface_hub catches: the call
unwinds in its own thread, huggingface_hub's own clean-up runs, and nothing keeps writing into the
cache after zoo has given up (as a worker thread abandoned at a deadline would). A stalled Hub
therefore fails within ``ZOO_HUB_DEADLINE`` plus at most one ``ZOO_HUB_TIMEOUT`` (45 + 10 s by default).

The response hook also refuses the ``ETag`` (of a file) and ``X-Repo-Commit`` headers that
huggingface_hub would turn into cache paths (``blobs/<etag>``, ``snapshots/<commit>``) unless they
are plain names.
"""

from __future__ import annotations

import contextvars
import functools
import importlib
import math
import os
import re
import threading
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass

from zoo.errors import BankError
from zoo.banks.names import COMMIT

TIMEOUT_ENV, DEADLINE_ENV = "ZOO_HUB_TIMEOUT", "ZOO_HUB_DEADLINE"
DEFAULT_TIMEOUT_S, DEFAULT_DEADLINE_S = 10.0, 45.0
_SAFE_ETAG = re.compile(r"^[A-Za-z0-9_-][A-Za-z0-9._-]{0,254}$")


class HubDeadlineError(Exception):
    """The operation's deadline passed during a Hub request (never retried)."""


class UnsafeResponseError(Exception):
    """The Hub answered with a header that would become a cache path and is not a plain name."""


@dataclass(frozen=True)
class Limits:
    """Seconds allowed per network wait (``timeout``) and for a whole operation (``deadline``)."""

    timeout: float
    deadline: float

    def describe(self) -> str:
        """The limits and how to change them, for error messages."""
        return (f"{TIMEOUT_ENV}={self.timeout:g} s per connect or read, {DEADLINE_ENV}={self.deadline:g} s "
                "in all; set them higher for a slow connection")


def _seconds(name: str, default: float) -> float:
    text = os.environ.get(name, "").strip()
    if not text:
        return default
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and value > 0):
        raise BankError(f"{name}={text!r:.40}: expected a positive number of seconds (default {default:g})")
    return value


def limits() -> Limits:
    """The limits set by ``ZOO_HUB_TIMEOUT`` and ``ZOO_HUB_DEADLINE`` (read at each operation)."""
    return Limits(_seconds(TIMEOUT_ENV, DEFAULT_TIMEOUT_S), _seconds(DEADLINE_ENV, DEFAULT_DEADLINE_S))


@dataclass(frozen=True)
class Deadline:
    """An operation's limits and the monotonic time at which it must end."""

    limits: Limits
    end: float

    def left(self) -> float:
        """Seconds left (negative once passed)."""
        return self.end - time.monotonic()


_current: contextvars.ContextVar[Deadline | None] = contextvars.ContextVar("zoo_hub_deadline", default=None)
_active: dict[int, Deadline] = {}  # for huggingface_hub's worker threads, which do not inherit context variables
_active_lock = threading.Lock()


@contextmanager
def hub_deadline() -> Iterator[Deadline]:
    """Bound every Hub request made inside (in this thread and in huggingface_hub's workers) by
    :func:`limits`; inside another operation, its earlier deadline stays."""
    from huggingface_hub import get_session

    lim = limits()
    outer = _current.get()
    deadline = Deadline(lim, min(time.monotonic() + lim.deadline, outer.end if outer else math.inf))
    _install(get_session())
    token = _current.set(deadline)
    with _active_lock:
        _active[id(token)] = deadline
    try:
        yield deadline
    finally:
        with _active_lock:
            _active.pop(id(token), None)
        _current.reset(token)


def shared_deadline(remote: bool) -> AbstractContextManager:
    """One deadline for several Hub operations (the banks of one spec), or nothing when ``remote``
    is false: however many banks a stalled Hub holds up, the command ends within the limits."""
    return hub_deadline() if remote else nullcontext()


def _running() -> Deadline | None:
    own = _current.get()
    if own is not None:
        return own
    with _active_lock:
        return max(_active.values(), key=lambda d: d.end) if _active else None


def _install(client) -> None:
    """Add the hooks to huggingface_hub's shared client (again after it was recreated)."""
    hooks = client.event_hooks
    if _on_request not in hooks["request"]:
        client.event_hooks = {"request": [*hooks["request"], _on_request],
                              "response": [*hooks["response"], _on_response]}


def _on_request(request) -> None:
    deadline = _running()
    if deadline is None:
        return  # not a zoo operation: huggingface_hub's own settings apply
    left = deadline.left()
    if left <= 0:
        raise HubDeadlineError(f"the deadline passed before {request.method} {request.url.path}")
    cap = min(deadline.limits.timeout, left)
    given = request.extensions.get("timeout") or {}
    request.extensions["timeout"] = {k: cap if given.get(k) is None else min(given[k], cap)
                                     for k in ("connect", "read", "write", "pool")}


def _on_response(response) -> None:
    deadline = _running()
    if deadline is None:
        return
    _check_names(response)
    response.stream = _deadline_stream(response, deadline.end)


def _check_names(response) -> None:
    """Refuse the headers huggingface_hub turns into cache paths (the commit; on a file's ``resolve``
    answer, the ETag it uses: ``X-Linked-Etag``, else ``ETag``) unless they are plain names."""
    headers = response.headers
    commit = headers.get("x-repo-commit")
    if commit is not None and not COMMIT.match(commit):
        raise UnsafeResponseError(f"the Hub answered X-Repo-Commit {commit!r:.80}, not a 40-hex commit sha")
    if "/resolve/" not in response.request.url.path:
        return
    name = "x-linked-etag" if "x-linked-etag" in headers else "etag"
    value = headers.get(name)
    if value is not None:
        bare = (value[2:] if value.startswith("W/") else value).strip('"')
        if not _SAFE_ETAG.match(bare) or ".." in bare:
            raise UnsafeResponseError(f"the Hub answered {name} {value!r:.80}, which is not a plain name")


def _deadline_stream(response, end: float):
    """``response``'s body stream, failing when a chunk arrives after ``end`` (a trickle)."""
    cls = _stream_class(type(response).__module__.split(".")[0])
    return cls(response.stream, end, response.request.url.path)


@functools.lru_cache(maxsize=None)
def _stream_class(client_package: str) -> type:
    """A body stream of the HTTP client package huggingface_hub uses (httpx2, or httpx before it)."""
    base = importlib.import_module(client_package).SyncByteStream

    class DeadlineStream(base):
        def __init__(self, inner, end: float, path: str):
            self.inner, self.end, self.path = inner, end, path

        def __iter__(self) -> Iterator[bytes]:
            for chunk in self.inner:
                if time.monotonic() > self.end:
                    raise HubDeadlineError(f"the deadline passed while reading {self.path}")
                yield chunk

        def close(self) -> None:
            self.inner.close()

    return DeadlineStream
