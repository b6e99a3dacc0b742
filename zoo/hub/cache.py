"""zoo's own records beside a repository in the huggingface_hub cache: a lock, and the commit each
revision last resolved to.

Two processes pulling the same repository used to meet in its cache: one removed a corrupt copy while
the other was still checking it, so the other failed although nothing was wrong with its own
download. :func:`repo_lock` (a ``filelock`` lock file) makes download, verification and purge of one
repository one process's job at a time. :func:`last_resolved` / :func:`record_resolved` keep, per
revision, the commit of the last verified download, so a tag that moved since is reported. Both live
in the cache's ``.locks/<repo folder>/`` (which ``hf cache scan`` skips); :func:`remove_partial`
removes the ``.incomplete`` blobs a failed download leaves behind.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from zoo.errors import BankError
from zoo.banks.names import COMMIT
from zoo.io import write_json

LOCK_NAME, RESOLVED_NAME = "zoo.lock", "zoo-resolved.json"
MAX_RECORD_BYTES = 1024 * 1024


def repo_storage(repo_id: str, cache_dir: str | Path | None) -> Path:
    """The cache folder of a (validated) model repository: ``<cache>/models--org--name``."""
    from huggingface_hub import constants
    from huggingface_hub.file_download import repo_folder_name

    cache = Path(cache_dir if cache_dir is not None else constants.HF_HUB_CACHE)  # as snapshot_download uses it
    return cache / repo_folder_name(repo_id=repo_id, repo_type="model")


def _records(storage: Path) -> Path:
    return storage.parent / ".locks" / storage.name


@contextmanager
def repo_lock(storage: Path, wait_s: float, where: str) -> Iterator[None]:
    """Hold the repository's lock, waiting at most ``wait_s`` seconds for another process. In a cache
    this process cannot write to (a shared, read-only one) nothing can be downloaded, so nothing
    needs the lock: it goes on without.

    Raises:
        BankError: another process held it for longer.
    """
    from filelock import FileLock, Timeout

    folder = _records(storage)
    lock = FileLock(str(folder / LOCK_NAME), timeout=max(wait_s, 0.0))
    locked = False
    try:
        folder.mkdir(parents=True, exist_ok=True)
        lock.acquire()
        locked = True
    except Timeout:
        raise BankError(f"{where}: another process is downloading this repository (lock {folder / LOCK_NAME}) and "
                        "did not finish within the time limits; try again when it is done") from None
    except OSError:
        pass  # a read-only cache
    try:
        yield
    finally:
        if locked:
            lock.release()


def last_resolved(storage: Path, revision: str) -> str | None:
    """The commit ``revision`` resolved to at the last verified download, if recorded."""
    path = _records(storage) / RESOLVED_NAME
    try:
        if path.stat().st_size > MAX_RECORD_BYTES:
            return None
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return None
    commit = data.get(revision) if isinstance(data, dict) else None
    return commit if isinstance(commit, str) and COMMIT.match(commit) else None


def record_resolved(storage: Path, revision: str, commit: str) -> None:
    """Record that ``revision`` resolved to ``commit`` (call with the lock held; a cache that cannot
    be written keeps no record)."""
    path = _records(storage) / RESOLVED_NAME
    try:
        data = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        data = {}
    if not isinstance(data, dict):
        data = {}
    if data.get(revision) != commit:
        data[revision] = commit
        try:
            write_json(path, data)
        except OSError:
            pass


def remove_partial(storage: Path) -> list[Path]:
    """Remove the repository's ``.incomplete`` blobs (call with the lock held); returns them."""
    removed = []
    for blob in sorted((storage / "blobs").glob("*.incomplete")):
        try:
            blob.unlink()
            removed.append(blob)
        except OSError:
            continue
    return removed
