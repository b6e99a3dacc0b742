"""What the test Hub holds: repositories with commits, branches and tags, and the faults it injects.

:class:`FakeHub` is the state behind the one Hub-compatible test server (:mod:`tests.support.hub_server`
serves it). A test either starts it empty and publishes with huggingface_hub's own functions, or seeds
it with one repository's files (``FakeHub("org/bank", files, tags=("v1",))``); then ``hub.files`` are
that repository's files as served now (edit them to serve something else) and setting ``hub.commit``
moves every branch and tag of it to a commit of that sha (a moved tag, or a sha that is not one).

Faults: ``hub.faults[file]`` (or ``["api"]``, for every API request to a repository it holds or to no
repository, ``POST`` included) is a queue, each fault used by one request: ``"500"`` (server error),
``"cut"`` (announce the whole body, send half, hang up), ``"garble"`` (the right length, the wrong
bytes), ``"stall"`` (never answer) or ``"trickle"`` (a file body sent one byte every ``hub.trickle_s``
seconds). ``hub.etags = "opaque"`` serves ETags that are not content hashes (as some mirrors and CDNs
do); ``hub.etag_override`` replaces every ETag (to serve names that are not safe as paths).

Logs: ``requests`` holds every request as ``(method, path)``; ``served`` holds ``(file, fault)`` for every
``GET`` of a file and ``(path, fault)`` for every API request, ``fault`` None when none was injected;
``unknown`` the requests no route answers.
"""

from __future__ import annotations

import base64
import hashlib
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

SHA = "c0ffee" + "0" * 34  # the commit a seeded repository starts at
LFS = (".safetensors", ".npz")  # stored with git LFS on the Hub (weights, data arrays)
GITATTRIBUTES = b"".join(b"*%s filter=lfs diff=lfs merge=lfs -text\n" % s.encode() for s in LFS)


def git_blob_sha(data: bytes) -> str:
    """The git object id of a blob (what the Hub calls a regular file's oid)."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def etag(name: str, data: bytes, style: str = "hub") -> str:
    """The Hub's ETag: SHA-256 for LFS files (weights, data arrays), the git blob id for the others; with
    ``style="opaque"``, an MD5 (a mirror's ETag: it names the content but is no hash zoo checks)."""
    if style == "opaque":
        return hashlib.md5(data).hexdigest()
    return hashlib.sha256(data).hexdigest() if name.endswith(LFS) else git_blob_sha(data)


class HubError(Exception):
    """An HTTP error answer: status, Hub error code (or None) and message."""

    def __init__(self, status: int, code: str | None, message: str):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


@dataclass
class Commit:
    sha: str
    files: dict[str, bytes]
    message: str
    parent: str | None


@dataclass
class Repo:
    private: bool
    commits: dict[str, Commit] = field(default_factory=dict)
    branches: dict[str, str] = field(default_factory=dict)
    tags: dict[str, str] = field(default_factory=dict)

    def resolve(self, rev: str) -> Commit:
        """A branch, a tag or a full commit sha -> its commit (RevisionNotFound otherwise)."""
        sha = self.branches.get(rev) or self.tags.get(rev) or (rev if rev in self.commits else None)
        if sha is None:
            raise HubError(404, "RevisionNotFound", f"Invalid rev id: {rev}")
        return self.commits[sha]

    def move_head(self, sha: str) -> None:
        """Give the commit ``main`` points at the sha ``sha``; every branch and tag on it follows."""
        old = self.branches["main"]
        self.commits[sha] = Commit(sha, self.commits.pop(old).files, "moved", None)
        for refs in (self.branches, self.tags):
            refs.update({name: sha for name, at in refs.items() if at == old})


class FakeHub:
    """The repositories, the faults to inject and the logs of one test Hub (see the module's docstring).

    Args:
        repo: a repository to hold from the start (``org/name``), or None for an empty Hub.
        files: its files (path -> bytes), all in one commit of sha :data:`SHA` on ``main``.
        repo_type: ``"model"`` or ``"dataset"``.
        tags: tags on that commit.
        token: the token writes need (``Authorization: Bearer <token>``).
    """

    def __init__(self, repo: str | None = None, files: dict[str, bytes] | None = None, repo_type: str = "model",
                 tags: tuple[str, ...] = (), token: str = "zoo-test-token"):
        if repo_type not in ("model", "dataset"):
            raise ValueError(f"repo_type {repo_type!r}: expected 'model' or 'dataset'")
        self.token = token
        self.repos: dict[str, Repo] = {}
        self.requests: list[tuple[str, str]] = []
        self.served: list[tuple[str, str | None]] = []
        self.unknown: list[tuple[str, str]] = []
        self.faults: dict[str, list[str]] = {}
        self.etags, self.etag_override, self.trickle_s = "hub", None, 3.0
        self.url: str | None = None  # set while it is served
        self.cache: Path | None = None  # the huggingface_hub cache used while it is served
        self.released = threading.Event()  # set when the server stops: stalls and trickles end
        self.lock = threading.RLock()
        self._counter = 0
        self._stop: Callable[[], None] | None = None  # set while it is served
        self.seeded = None if repo is None else (f"datasets/{repo}" if repo_type == "dataset" else repo)
        if self.seeded is not None:
            seeded = self.repos[self.seeded] = Repo(False, {SHA: Commit(SHA, dict(files or {}), "seed", None)})
            seeded.branches["main"] = SHA
            seeded.tags.update({t: SHA for t in tags})

    def stop(self) -> None:
        """Stop serving now (the rest of the test has no Hub to talk to)."""
        if self._stop is not None:
            self._stop()

    # -- the seeded repository -------------------------------------------------------------------
    @property
    def files(self) -> dict[str, bytes]:
        """The seeded repository's files on ``main`` (the dict served: edits take effect at once)."""
        return self._head().files

    @files.setter
    def files(self, files: dict[str, bytes]) -> None:
        self._head().files = dict(files)

    @property
    def commit(self) -> str:
        """The sha of the seeded repository's ``main``; setting it moves every ref there to that sha."""
        return self._head().sha

    @commit.setter
    def commit(self, sha: str) -> None:
        self.repos[self.seeded].move_head(sha)

    def _head(self) -> Commit:
        if self.seeded is None:
            raise AttributeError("this Hub was started empty: it has no seeded repository")
        return self.repos[self.seeded].resolve("main")

    # -- faults and logs -------------------------------------------------------------------------
    def fault(self, key: str) -> str | None:
        """The next fault queued for ``key`` (a file, or ``"api"``), taken off its queue."""
        with self.lock:
            queue = self.faults.get(key) or []
            return queue.pop(0) if queue else None

    def log(self, what: str, fault: str | None) -> None:
        with self.lock:
            self.served.append((what, fault))

    def etag_of(self, name: str, data: bytes) -> str:
        return self.etag_override or etag(name, data, self.etags)

    # -- state changes ---------------------------------------------------------------------------
    def _new_commit(self, repo: Repo, files: dict[str, bytes], message: str, parent: str | None) -> Commit:
        self._counter += 1
        digest = hashlib.sha1(f"{parent}|{message}|{self._counter}".encode())
        for path in sorted(files):
            digest.update(path.encode() + git_blob_sha(files[path]).encode())
        commit = Commit(digest.hexdigest(), files, message, parent)
        repo.commits[commit.sha] = commit
        return commit

    def create_repo(self, repo_id: str, private: bool) -> Repo:
        repo = Repo(private)
        repo.branches["main"] = self._new_commit(repo, {".gitattributes": GITATTRIBUTES}, "initial commit", None).sha
        self.repos[repo_id] = repo
        return repo

    def find_repo(self, repo_id: str, authorized: bool) -> Repo:
        repo = self.repos.get(repo_id)
        if repo is None or (repo.private and not authorized):
            raise HubError(404 if repo is None else 401, "RepoNotFound", f"Repository not found: {repo_id}")
        return repo

    def apply_commit(self, repo: Repo, branch: str, lines: list[dict]) -> Commit:
        """A commit of the NDJSON ``lines`` of a commit request on ``branch`` (regular files only)."""
        if branch not in repo.branches:
            raise HubError(404, "RevisionNotFound", f"Invalid rev id: {branch} (commits go to a branch)")
        head = repo.commits[repo.branches[branch]]
        files, message = dict(head.files), "commit"
        for line in lines:
            key, value = line.get("key"), line.get("value", {})
            if key == "header":
                message = value.get("summary") or message
                parent = value.get("parentCommit")
                if parent is not None and parent != head.sha:
                    raise HubError(412, None, f"parent commit {parent} is not the head of {branch}")
            elif key == "file" and value.get("encoding") == "base64":
                files[value["path"]] = base64.b64decode(value["content"])
            elif key == "deletedFile":
                if files.pop(value["path"], None) is None:
                    raise HubError(404, "EntryNotFound", "A file with this name doesn't exist")
            else:
                raise HubError(400, None, f"unsupported commit operation {key!r} (this server takes regular files)")
        commit = self._new_commit(repo, files, message, head.sha)
        repo.branches[branch] = commit.sha
        return commit
