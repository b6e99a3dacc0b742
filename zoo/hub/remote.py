"""Banks on the Hugging Face Hub: references, download into the cache, publish, and clear errors.

A Hub bank is written ``hf://org/name`` or ``hf://org/name@revision`` (in specs and on the command
line; ``org/name[@revision]`` is also accepted where a path is not expected). The revision is a
branch, a tag or a commit sha. Everything goes through huggingface_hub's own functions
(``snapshot_download``, ``HfApi.create_repo/create_branch/create_commit/create_tag``), so the
endpoint (``HF_ENDPOINT``), token (``HF_TOKEN`` or ``hf auth login``), cache (``HF_HUB_CACHE``) and
offline mode (``HF_HUB_OFFLINE=1``: cached revisions only) work as for any Hub library.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from zoo.errors import BankError

NAME = r"[A-Za-z0-9][A-Za-z0-9._-]*"
REF = re.compile(rf"^hf://({NAME}/{NAME})(?:@([^\s@]+))?$")
REPO_REF = re.compile(rf"^({NAME}/{NAME})(?:@([^\s@]+))?$")
FILES = ["spec.json", "model.safetensors", "README.md"]
REQUIRED = ("spec.json", "model.safetensors")


def parse_ref(ref: str) -> tuple[str, str | None]:
    """``"hf://org/name@rev"`` -> ``("org/name", "rev")`` (revision None when absent)."""
    m = REF.match(ref)
    if not m:
        raise BankError(f"bad bank reference {ref!r}; expected hf://org/name or hf://org/name@revision")
    return m.group(1), m.group(2)


def parse_repo(text: str) -> tuple[str, str | None]:
    """``hf://org/name@rev`` or ``org/name@rev`` -> ``("org/name", "rev")``."""
    if text.startswith("hf://"):
        return parse_ref(text)
    m = REPO_REF.match(text)
    if not m:
        raise BankError(f"bad Hub repository {text!r}; expected org/name or org/name@revision")
    return m.group(1), m.group(2)


def is_repo_ref(text: str) -> bool:
    """Whether ``text`` reads as a Hub reference (``hf://...`` or ``org/name[@rev]``)."""
    return bool(REF.match(text) or REPO_REF.match(text))


def pinned(repo_id: str, revision: str | None) -> str:
    """The ``hf://`` reference of a repo at a revision."""
    return f"hf://{repo_id}@{revision}" if revision else f"hf://{repo_id}"


def _endpoint() -> str:
    from huggingface_hub import constants

    return constants.ENDPOINT


def hub_error(e: Exception, where: str, revision: str | None = None) -> BankError:
    """A huggingface_hub error as a :class:`BankError` that says what to do."""
    from huggingface_hub import errors

    if isinstance(e, errors.RevisionNotFoundError):
        return BankError(f"{where}: the repository has no revision {revision or 'main'!r} "
                         "(give a branch, a tag or a full commit sha)")
    if isinstance(e, errors.RepositoryNotFoundError):
        return BankError(f"{where}: no such repository on {_endpoint()} (or it is private: log in with "
                         "`hf auth login` or set HF_TOKEN)")
    if isinstance(e, errors.RemoteEntryNotFoundError):
        return BankError(f"{where}: missing file on the Hub ({e.server_message or e})")
    if isinstance(e, errors.LocalEntryNotFoundError):
        incomplete = getattr(errors, "IncompleteSnapshotError", None)
        if incomplete is not None and isinstance(e, incomplete):
            return BankError(f"{where}: only part of this revision is cached and the Hub cannot be reached")
        return BankError(f"{where}: not in the local cache and the Hub cannot be reached"
                         f"{' (HF_HUB_OFFLINE is set)' if _offline() else ''}; download it once online "
                         "(`zoo pull`), or pin a revision that is cached")
    if isinstance(e, errors.HfHubHTTPError):
        status = e.response.status_code if e.response is not None else "?"
        if status in (401, 403):
            return BankError(f"{where}: not allowed ({status}); log in with `hf auth login` or set HF_TOKEN "
                             "to a token that can write to this namespace")
        return BankError(f"{where}: the Hub answered {status}: {e.server_message or e}")
    if isinstance(e, errors.OfflineModeIsEnabled):
        return BankError(f"{where}: HF_HUB_OFFLINE is set; this needs the network")
    if isinstance(e, errors.HFValidationError):
        return BankError(f"{where}: {e}")
    return BankError(f"{where}: cannot reach the Hub at {_endpoint()} ({type(e).__name__}: {e})")


def _offline() -> bool:
    from huggingface_hub import constants

    return bool(constants.HF_HUB_OFFLINE)


def _hub_exceptions() -> tuple[type[BaseException], ...]:
    """huggingface_hub's errors and its HTTP client's transport errors (httpx2 or httpx)."""
    import importlib

    from huggingface_hub import errors

    found: list[type[BaseException]] = [errors.HfHubHTTPError, errors.LocalEntryNotFoundError,
                                        errors.OfflineModeIsEnabled, errors.HFValidationError, ConnectionError]
    for client in ("httpx2", "httpx"):
        try:
            found.append(importlib.import_module(client).HTTPError)
        except (ImportError, AttributeError):
            continue
    return tuple(found)


@dataclass(frozen=True)
class Snapshot:
    """A bank revision in the local cache: its directory, the commit it resolved to, and the bank as
    loaded (strictly checked) when the download was verified."""

    path: Path
    repo_id: str
    commit: str
    bank: Any


def download(ref: str, revision: str | None = None, *, cache_dir: str | Path | None = None,
             force_download: bool = False, local_files_only: bool = False, token: str | bool | None = None) -> Snapshot:
    """Download (or find in the cache, also offline) a bank's files.

    Args:
        ref: ``hf://org/name[@revision]`` or ``org/name[@revision]``.
        revision: a branch, tag or commit sha; must agree with one written in ``ref``.
        cache_dir: the huggingface_hub cache (default ``HF_HUB_CACHE``).
        force_download: download again even when cached.
        local_files_only: never touch the network (as ``HF_HUB_OFFLINE=1`` does).
        token: a Hub token (default: ``HF_TOKEN`` or the saved login).
    """
    from huggingface_hub import snapshot_download

    from zoo.hub.bank import load_dir
    from zoo.hub.fetch import download_verified

    repo_id, written = parse_repo(ref)
    if written and revision and written != revision:
        raise BankError(f"{ref}: revision {revision!r} contradicts the one in the reference ({written!r})")
    revision = revision or written
    where = pinned(repo_id, revision)

    def fetch() -> Path:
        return Path(snapshot_download(repo_id=repo_id, revision=revision, allow_patterns=FILES, cache_dir=cache_dir,
                                      force_download=force_download, local_files_only=local_files_only,
                                      token=token, library_name="mechzoo"))

    loaded = {}

    def verify(path: Path) -> None:
        missing = [f for f in REQUIRED if not (path / f).is_file()]
        if missing:
            have = sorted(p.name for p in path.iterdir()) if path.is_dir() else []
            raise BankError(f"not a zoo bank: it has no {' or '.join(missing)} (files: {', '.join(have) or 'none'})")
        loaded[path] = load_dir(path, pinned(repo_id, path.name))  # the snapshot directory is named by its commit

    path = download_verified(where, fetch, verify, final_error=lambda e: hub_error(e, where, revision))
    return Snapshot(path, repo_id, path.name, loaded[path])


@dataclass(frozen=True)
class Published:
    """Where a bank was pushed: the repo, the commit, and how to pin it."""

    repo_id: str
    commit: str
    commit_url: str
    branch: str
    tag: str | None

    @property
    def ref(self) -> str:
        """The reproducible reference ``hf://org/name@<commit>``."""
        return pinned(self.repo_id, self.commit)


def upload(directory: Path, repo_id: str, *, branch: str | None = None, tag: str | None = None,
           private: bool | None = None, commit_message: str | None = None, token: str | bool | None = None) -> Published:
    """Publish a bank directory's files, unchanged, as one commit (then tag it).

    The repo is created when missing (``private`` applies then), the branch is created from ``main``
    when missing, and an existing tag is refused before anything is uploaded (tags pin a revision for
    good). Only the bank's files (``spec.json``, ``model.safetensors``, ``README.md``) are committed.
    """
    from huggingface_hub import CommitOperationAdd, HfApi

    repo_id, written = parse_repo(repo_id)
    if written:
        raise BankError(f"{repo_id}@{written}: push to a repository (use --branch / --tag for revisions)")
    branch = branch or "main"
    api = HfApi(token=token, library_name="mechzoo")
    where = f"hf://{repo_id}"
    try:
        api.create_repo(repo_id, private=private, exist_ok=True)
        refs = api.list_repo_refs(repo_id)
        if tag is not None and any(t.name == tag for t in refs.tags):
            raise BankError(f"{where}: tag {tag!r} already exists; tags pin a revision for good, choose a new one")
        if not any(b.name == branch for b in refs.branches):
            api.create_branch(repo_id, branch=branch, exist_ok=True)
        ops = [CommitOperationAdd(path_in_repo=f, path_or_fileobj=str(directory / f))
               for f in FILES if (directory / f).is_file()]
        info = api.create_commit(repo_id, operations=ops, revision=branch,
                                 commit_message=commit_message or f"Upload mechanism bank {directory.name}")
        if tag is not None:
            api.create_tag(repo_id, tag=tag, revision=info.oid, tag_message=f"mechanism bank {tag}")
    except _hub_exceptions() as e:
        raise hub_error(e, where, branch) from None
    return Published(repo_id, info.oid, str(info.commit_url), branch, tag)
