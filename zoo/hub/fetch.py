"""Download a bank snapshot so that a failed or corrupt download is retried and never used.

:func:`download_verified` wraps ``huggingface_hub.snapshot_download`` (which already resumes a
stream cut mid-file): transient failures (connection errors, timeouts, HTTP 408/429/5xx, a short or
garbled body) are retried with exponential backoff. Every snapshot is verified before it is returned:
each cached blob must hash to the ETag it is stored under (the Hub names blobs by their git SHA-1 or
LFS SHA-256) and ``verify`` (a strict bank load) must accept the directory. A snapshot that fails is
removed from the cache, so neither this call nor a later offline one can use it.
"""

from __future__ import annotations

import hashlib
import random
import re
import time
from pathlib import Path
from typing import Callable

from zoo.errors import BankError

RETRIES = 4  # attempts after the first
BACKOFF_S = 0.5  # first wait; doubles each attempt (plus up to 50% jitter)
TRANSIENT_STATUS = {408, 425, 429, 500, 502, 503, 504}
_SHA1, _SHA256 = re.compile(r"^[0-9a-f]{40}$"), re.compile(r"^[0-9a-f]{64}$")


class _Corrupt(Exception):
    """A downloaded blob does not match its ETag (worth another try)."""


def blob_problems(snapshot: Path) -> list[str]:
    """Files of a cached snapshot whose content does not hash to the ETag their blob is named after."""
    problems = []
    for link in sorted(p for p in snapshot.rglob("*") if p.is_file()):
        blob = link.resolve()
        etag, data = blob.name, blob.read_bytes()
        if _SHA256.match(etag):
            digest = hashlib.sha256(data).hexdigest()
        elif _SHA1.match(etag):
            digest = hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()
        else:
            continue  # an ETag that is not a content hash: the strict load still checks the file
        if digest != etag:
            problems.append(f"{link.relative_to(snapshot)} does not match its checksum")
    return problems


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
                                        RepositoryNotFoundError, RevisionNotFoundError)

    if isinstance(e, LocalEntryNotFoundError):  # the Hub was unreachable (or we are offline on purpose)
        return not constants.is_offline_mode()
    if isinstance(e, (RepositoryNotFoundError, RevisionNotFoundError, EntryNotFoundError, GatedRepoError)):
        return False
    if isinstance(e, HfHubHTTPError):
        status = getattr(getattr(e, "response", None), "status_code", None)
        return status is None or status in TRANSIENT_STATUS
    return isinstance(e, (OSError, _Corrupt)) or type(e).__module__.startswith(("httpx", "httpcore"))


def download_verified(ref: str, fetch: Callable[[], Path], verify: Callable[[Path], object],
                      final_error: Callable[[Exception], BankError] | None = None, retries: int | None = None,
                      backoff_s: float | None = None, sleep: Callable[[float], None] = time.sleep) -> Path:
    """The verified local snapshot that ``fetch`` (a ``snapshot_download`` call) returns, retried.

    ``final_error`` turns an error that is not worth retrying into the :class:`BankError` raised.

    Raises:
        BankError: not found, offline and not cached, still failing after the retries, or a
            snapshot the Hub serves intact but which is not a valid bank.
    """
    retries = RETRIES if retries is None else retries
    backoff_s = BACKOFF_S if backoff_s is None else backoff_s
    last: Exception | None = None
    for attempt in range(retries + 1):
        if attempt:
            sleep(backoff_s * 2 ** (attempt - 1) * (1 + 0.5 * random.random()))
        try:
            path = fetch()
            bad = blob_problems(path)
            if bad:
                purge(path)
                raise _Corrupt("; ".join(bad))
        except Exception as e:  # noqa: BLE001 - sorted into transient and final just below
            if not _transient(e):
                if final_error is not None:
                    raise final_error(e) from None
                raise BankError(f"{ref}: {_short(e)}") from None
            last = e
            continue
        try:
            verify(path)
        except BankError as e:
            purge(path)  # intact as served, but not a bank we can use: never leave it in the cache
            raise BankError(f"{ref}: the downloaded files are not a valid bank ({e})") from None
        return path
    raise BankError(f"{ref}: download failed after {retries + 1} attempts ({_short(last)})")


def _short(e: Exception | None) -> str:
    text = str(e).strip().splitlines()
    return f"{type(e).__name__}: {text[0] if text else ''}"[:300]
