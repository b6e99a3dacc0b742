"""Banks on the Hugging Face Hub: references, download into the cache, publish, and clear errors.

A Hub bank is written ``hf://org/name`` or ``hf://org/name@revision`` (in specs and on the command
line; ``org/name[@revision]`` is also accepted where a path is not expected). The revision is a
branch, a tag or a commit sha. Everything goes through huggingface_hub's own functions
(``snapshot_download``, ``HfApi.create_repo/create_branch/create_commit/create_tag``), so the
endpoint (``HF_ENDPOINT``), token (``HF_TOKEN`` or ``hf auth login``), cache (``HF_HUB_CACHE``) and
offline mode (``HF_HUB_OFFLINE=1``: cached revisions only) work as for any Hub library.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from zoo.banks.bank import load_dir
from zoo.banks.names import COMMIT, check_revision
from zoo.banks.refs import BankRef, parse_repo, pinned
from zoo.errors import BankError
from zoo.hub.cache import last_resolved, record_resolved, remove_partial, repo_lock, repo_storage
from zoo.hub.fetch import call_retrying, download_verified
from zoo.hub.network import UnsafeResponseError, hub_deadline, shared_deadline

FILES = ["spec.json", "model.safetensors", "README.md"]
REQUIRED = ("spec.json", "model.safetensors")
logger = logging.getLogger("zoo.hub")


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
    if isinstance(e, (errors.LocalEntryNotFoundError, errors.RevisionResolutionError)):
        if isinstance(e, errors.IncompleteSnapshotError):
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
    if isinstance(e, (errors.HFValidationError, UnsafeResponseError)):
        return BankError(f"{where}: {e}")
    return BankError(f"{where}: cannot reach the Hub at {_endpoint()} ({type(e).__name__}: {e})")


def _offline() -> bool:
    from huggingface_hub import constants

    return bool(constants.HF_HUB_OFFLINE)


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
    """Download (or find in the cache, also offline) a bank's files, verified, within the time limits
    of :mod:`zoo.hub.network` and holding the repository's lock (:mod:`zoo.hub.cache`). A progress
    bar shows only when files are really downloaded; a revision that resolves to another commit than
    at the last download here is reported (a warning on the ``zoo.hub`` logger).

    Args:
        ref: ``hf://org/name[@revision]`` or ``org/name[@revision]``.
        revision: a branch, tag or commit sha; must agree with one written in ``ref``.
        cache_dir: the huggingface_hub cache (default ``HF_HUB_CACHE``).
        force_download: download again even when cached.
        local_files_only: never touch the network (as ``HF_HUB_OFFLINE=1`` does).
        token: a Hub token (default: ``HF_TOKEN`` or the saved login).
    """
    repo_id, written = parse_repo(ref)
    check_revision(revision, repr(ref))
    if written and revision and written != revision:
        raise BankError(f"{ref}: revision {revision!r} contradicts the one in the reference ({written!r})")
    revision = revision or written
    where = pinned(repo_id, revision)
    storage = repo_storage(repo_id, cache_dir)
    get = _Getter(repo_id, revision, storage, cache_dir, force_download, local_files_only, token)
    with hub_deadline() as deadline, repo_lock(storage, deadline.left(), where):
        previous = last_resolved(storage, revision or "main")
        try:
            path = download_verified(where, get.fetch, get.verify, final_error=lambda e: hub_error(e, where, revision),
                                     deadline=deadline)
        except BaseException:
            remove_partial(storage)  # nobody else downloads here meanwhile: what is partial is ours, and failed
            raise
        record_resolved(storage, revision or "main", path.name)
    if previous is not None and previous != path.name and not COMMIT.match(revision or ""):
        logger.warning(f"{where}: {revision or 'main'!r} now resolves to commit {path.name} (it was {previous} at "
                       f"the last download here); pin a commit for reproducible results: {pinned(repo_id, path.name)}")
    return Snapshot(path, repo_id, path.name, get.loaded[path])


class _Getter:
    """One download's ``fetch`` (resolve the revision, then ``snapshot_download`` the bank's files,
    with a progress bar only when something is missing) and ``verify`` (a strict load)."""

    def __init__(self, repo_id: str, revision: str | None, storage: Path, cache_dir, force: bool, local: bool, token):
        self.repo_id, self.revision, self.storage, self.cache_dir = repo_id, revision, storage, cache_dir
        self.force, self.local, self.token = force, local, token
        self.loaded: dict[Path, Any] = {}

    def fetch(self) -> Path:
        import functools

        from huggingface_hub import HfApi, constants, snapshot_download
        from tqdm.auto import tqdm

        local = self.local or constants.is_offline_mode()  # the cache only, without a word about the network
        resolved = HfApi(token=self.token, library_name="mechzoo").resolve_revision(
            self.repo_id, revision=self.revision or "main", cache_dir=self.cache_dir, local_files_only=local)
        if not COMMIT.match(resolved.resolved):
            raise UnsafeResponseError(f"the Hub resolved the revision to {resolved.resolved!r:.80}, not a commit sha")
        cached = all((self.storage / "snapshots" / resolved.resolved / f).exists() for f in REQUIRED)
        quiet = local or (cached and not self.force)  # a progress bar only for a real download
        return Path(snapshot_download(repo_id=self.repo_id, revision=resolved, allow_patterns=FILES,
                                      cache_dir=self.cache_dir, force_download=self.force, local_files_only=local,
                                      token=self.token, library_name="mechzoo",
                                      tqdm_class=functools.partial(tqdm, disable=True) if quiet else None))

    def verify(self, path: Path) -> None:
        missing = [f for f in REQUIRED if not (path / f).is_file()]
        if missing:
            have = sorted(p.name for p in path.iterdir()) if path.is_dir() else []
            raise BankError(f"not a zoo bank: it has no {' or '.join(missing)} (files: {', '.join(have) or 'none'})")
        # the snapshot directory is named by its commit; its files are links into the cache
        self.loaded[path] = load_dir(path, pinned(self.repo_id, path.name), links_within=self.storage.parent,
                                     check_all=True)


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


def upload(files: dict[str, bytes], repo_id: str, *, branch: str | None = None, tag: str | None = None,
           private: bool | None = None, commit_message: str | None = None, token: str | bool | None = None) -> Published:
    """Publish a bank's files (name -> bytes, as read and checked) as one commit, then tag it.

    The repo is created when missing (``private`` applies then), the branch is created from ``main``
    when missing, and an existing tag is refused before anything is uploaded (tags pin a revision for
    good). Only the bank's files (``spec.json``, ``model.safetensors``, ``README.md``) are committed.
    Each call is bounded in time and retried when it failed for a transient reason (:mod:`zoo.hub.fetch`),
    except the tag, which is created once.
    """
    from huggingface_hub import CommitOperationAdd, HfApi

    repo_id, written = parse_repo(repo_id)
    if written:
        raise BankError(f"{repo_id}@{written}: push to a repository (use --branch / --tag for revisions)")
    branch = check_revision(branch, f"branch of hf://{repo_id}") or "main"
    check_revision(tag, f"tag of hf://{repo_id}")
    api = HfApi(token=token, library_name="mechzoo")
    where = f"hf://{repo_id}"
    with hub_deadline() as deadline:
        def run(call, retries=None):
            return call_retrying(call, where, lambda e: hub_error(e, where, branch), deadline, retries)

        run(lambda: api.create_repo(repo_id, private=private, exist_ok=True))
        refs = run(lambda: api.list_repo_refs(repo_id))
        if tag is not None and any(t.name == tag for t in refs.tags):
            raise BankError(f"{where}: tag {tag!r} already exists; tags pin a revision for good, choose a new one")
        if not any(b.name == branch for b in refs.branches):
            run(lambda: api.create_branch(repo_id, branch=branch, exist_ok=True))
        ops = [CommitOperationAdd(path_in_repo=f, path_or_fileobj=files[f]) for f in FILES if f in files]
        info = run(lambda: api.create_commit(repo_id, operations=ops, revision=branch,
                                             commit_message=commit_message or "Upload mechanism bank"))
        if tag is not None:
            run(lambda: api.create_tag(repo_id, tag=tag, revision=info.oid, tag_message=f"mechanism bank {tag}"), retries=0)
    return Published(repo_id, info.oid, str(info.commit_url), branch, tag)


class HubBanks:
    """The remote loader :mod:`zoo.banks.refs` uses for Hub references (registered by ``zoo``)."""

    @staticmethod
    def load(ref: BankRef):
        """The bank ``ref`` names, downloaded (or found in the cache) and verified."""
        return download(pinned(ref.repo_id, ref.revision)).bank

    @staticmethod
    def session(remote: bool):
        """One time limit shared by every pull inside it (:func:`zoo.hub.network.shared_deadline`)."""
        return shared_deadline(remote)


REMOTE = HubBanks()
