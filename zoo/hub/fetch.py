"""Hub calls that are retried and bounded in time, and downloads that are never used corrupt.

:func:`download_verified` wraps ``huggingface_hub.snapshot_download`` (which already resumes a
stream cut mid-file): transient failures (connection errors, timeouts, HTTP 408/429/5xx, a short or
garbled body) are retried with exponential backoff, within the operation's deadline
(:mod:`zoo.hub.network`). Every snapshot is verified before it is returned: each cached blob must
hash to the ETag it is stored under (the Hub names blobs by their git SHA-1 or LFS SHA-256) and
``verify`` (a strict bank load, with the sha256 ``spec.json`` records for each file) must accept the
directory. A snapshot that fails is removed from the cache, so neither this call nor a later offline
one can use it. Where a blob's ETag is not a content hash (some mirrors and CDNs), a copy that
``verify`` refuses may have been garbled in transit, so it is downloaded again too.
:func:`call_retrying` does the same for one call that changes the Hub (``zoo push``).
"""

from __future__ import annotations

import hashlib
import random
import re
import time
from pathlib import Path
from typing import Callable, TypeVar

from zoo.errors import BankError
from zoo.hub.network import Deadline, HubDeadlineError

RETRIES = 4  # attempts after the first
BACKOFF_S = 0.5  # first wait; doubles each attempt (plus up to 50% jitter)
TRANSIENT_STATUS = {408, 425, 429, 500, 502, 503, 504}
_SHA1, _SHA256 = re.compile(r"^[0-9a-f]{40}$"), re.compile(r"^[0-9a-f]{64}$")
T = TypeVar("T")


class _Corrupt(Exception):
    """A downloaded copy that is not what the Hub holds (worth another try)."""


def blob_problems(snapshot: Path) -> tuple[list[str], list[str]]:
    """Files of a cached snapshot whose content does not hash to the ETag their blob is named after,
    and files whose ETag is not a content hash (nothing to check them against here)."""
    problems, unverified = [], []
    for link in sorted(p for p in snapshot.rglob("*") if p.is_file()):
        blob = link.resolve()
        etag, data = blob.name, blob.read_bytes()
        if _SHA256.match(etag):
            digest = hashlib.sha256(data).hexdigest()
        elif _SHA1.match(etag):
            digest = hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()
        else:
            unverified.append(str(link.relative_to(snapshot)))
            continue
        if digest != etag:
            problems.append(f"{link.relative_to(snapshot)} does not match its checksum")
    return problems, unverified


def purge(snapshot: Path) -> None:
    """Remove a snapshot's files and the cached blobs they point to."""
    for link in sorted(p for p in snapshot.rglob("*") if p.is_file() or p.is_symlink()):
        blob = link.resolve()
        if blob != link and blob.is_file():
            blob.unlink(missing_ok=True)
        link.unlink(missing_ok=True)


def _transient(e: Exception) -> bool:
    from huggingface_hub import constants
    from huggingface_hub.errors import (EntryNotFoundError, GatedRepoError, HfHubHTTPError, LocalEntryNotFoundError,
                                        RepositoryNotFoundError, RevisionNotFoundError, RevisionResolutionError)

    if isinstance(e, (LocalEntryNotFoundError, RevisionResolutionError)):  # the Hub was unreachable (or offline)
        return not constants.is_offline_mode()
    if isinstance(e, (RepositoryNotFoundError, RevisionNotFoundError, EntryNotFoundError, GatedRepoError)):
        return False
    if isinstance(e, HfHubHTTPError):
        status = getattr(getattr(e, "response", None), "status_code", None)
        return status is None or status in TRANSIENT_STATUS
    return isinstance(e, (OSError, _Corrupt)) or type(e).__module__.startswith(("httpx", "httpcore"))


def deadline_error(where: str, deadline: Deadline, last: Exception | None) -> BankError:
    """The error for an operation that ran out of time (naming the Hub's last error status, if any)."""
    from huggingface_hub import constants

    status = getattr(getattr(last, "response", None), "status_code", None)
    answered = f"; its last answer was HTTP {status}" if status is not None else ""
    return BankError(f"{where}: the Hub at {constants.ENDPOINT} did not answer in time (it stalled or is too slow"
                     f"{answered}); gave up after {deadline.limits.deadline:g} s. Limits: {deadline.limits.describe()}")


def _pause(attempt: int, backoff_s: float, deadline: Deadline | None, sleep: Callable[[float], None],
           where: str, last: Exception | None) -> None:
    wait = backoff_s * 2 ** (attempt - 1) * (1 + 0.5 * random.random())
    if deadline is not None:
        if deadline.left() <= 0:
            raise deadline_error(where, deadline, last)
        wait = min(wait, deadline.left())
    sleep(wait)


def call_retrying(call: Callable[[], T], where: str, final_error: Callable[[Exception], BankError],
                  deadline: Deadline | None = None, retries: int | None = None, backoff_s: float | None = None,
                  sleep: Callable[[float], None] = time.sleep, action: str = "failed") -> T:
    """``call()``, tried again after transient failures, within ``deadline``; ``action`` names what
    failed in the final error.

    Raises:
        BankError: as ``call`` raised it, ``final_error`` of an error not worth retrying, or once the
            attempts or the time ran out.
    """
    retries = RETRIES if retries is None else retries
    last: Exception | None = None
    for attempt in range(retries + 1):
        if attempt:
            _pause(attempt, BACKOFF_S if backoff_s is None else backoff_s, deadline, sleep, where, last)
        try:
            return call()
        except BankError:
            raise
        except HubDeadlineError as e:
            if deadline is None:
                raise BankError(f"{where}: {e}") from None
            raise deadline_error(where, deadline, last or e) from None
        except Exception as e:  # noqa: BLE001 - sorted into transient and final just below
            if not _transient(e):
                raise final_error(e) from None
            last = e
    raise BankError(f"{where}: {action} after {retries + 1} attempts ({_short(last)})")


def download_verified(ref: str, fetch: Callable[[], Path], verify: Callable[[Path], object],
                      final_error: Callable[[Exception], BankError] | None = None, retries: int | None = None,
                      backoff_s: float | None = None, sleep: Callable[[float], None] = time.sleep,
                      deadline: Deadline | None = None) -> Path:
    """The verified local snapshot that ``fetch`` (a ``snapshot_download`` call) returns, retried.

    ``final_error`` turns an error that is not worth retrying into the :class:`BankError` raised.

    Raises:
        BankError: not found, offline and not cached, still failing after the retries or the
            deadline, or a snapshot the Hub serves intact but which is not a valid bank.
    """
    final = final_error or (lambda e: BankError(f"{ref}: {_short(e)}"))

    def attempt() -> Path:
        path = fetch()
        bad, unverified = blob_problems(path)
        if bad:
            purge(path)
            raise _Corrupt("; ".join(bad))
        try:
            verify(path)
        except BankError as e:
            purge(path)  # as served, not a bank we can use: never leave it in the cache
            if unverified:  # nothing proved the copy intact: it may have been garbled on the way
                raise _Corrupt(f"the downloaded files are not a valid bank ({e})") from None
            raise BankError(f"{ref}: the downloaded files are not a valid bank ({e})") from None
        return path

    return call_retrying(attempt, ref, final, deadline, retries, backoff_s, sleep, action="download failed")


def _short(e: Exception | None) -> str:
    text = str(e).strip().splitlines()
    return f"{type(e).__name__}: {text[0] if text else ''}"[:300]
