"""A small Hub-compatible HTTP server for tests (standard library only, 127.0.0.1, in memory).

It answers the routes huggingface_hub's own functions call, for model and dataset repos, to create a
repo, commit files (regular uploads, contents inline as base64), create branches and tags, list refs
and trees, report repo info and resolve files by branch, tag or commit, with the Hub's error codes (``X-Error-Code``:
RepoNotFound, RevisionNotFound, EntryNotFound). Writes need ``Authorization: Bearer <token>``.
Every request is recorded in ``requests``; a route it does not know answers 404 and is recorded in
``unknown``, so a test can assert the client asked for nothing else.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlsplit

import yaml

REPO = r"(?P<repo>[^/]+/[^/]+)"
KIND = r"(?P<kind>models|datasets)"
REV = r"(?P<rev>[^/]+)"


def git_blob_sha(data: bytes) -> str:
    """The git object id of a blob (what the Hub calls a regular file's oid)."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


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


class FakeHub:
    """The server state and its thread; ``url`` is the endpoint to give huggingface_hub."""

    def __init__(self, token: str = "zoo-test-token"):
        self.token = token
        self.repos: dict[str, Repo] = {}
        self.requests: list[tuple[str, str]] = []
        self.unknown: list[tuple[str, str]] = []
        self.lock = threading.Lock()
        self._counter = 0
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self) -> "FakeHub":
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)

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
        first = self._new_commit(repo, {".gitattributes": b"*.safetensors filter=lfs diff=lfs merge=lfs -text\n"},
                                 "initial commit", None)
        repo.branches["main"] = first.sha
        self.repos[repo_id] = repo
        return repo

    def repo(self, repo_id: str, authorized: bool) -> Repo:
        repo = self.repos.get(repo_id)
        if repo is None or (repo.private and not authorized):
            raise HubError(404 if repo is None else 401, "RepoNotFound", f"Repository not found: {repo_id}")
        return repo

    def commit(self, repo: Repo, branch: str, lines: list[dict]) -> Commit:
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


@contextmanager
def serving(monkeypatch, tmp_path) -> Iterator[FakeHub]:
    """A fresh in-memory Hub for one test; huggingface_hub points at it, with a token and a cache in
    ``tmp_path``. The endpoint constants are read by huggingface_hub at import, so they are patched
    (as its own tests do); the environment variables are set too, for subprocesses."""
    from huggingface_hub import constants

    server = FakeHub().start()
    cache = tmp_path / "hf-cache"
    monkeypatch.setattr(constants, "ENDPOINT", server.url)
    monkeypatch.setattr(constants, "HUGGINGFACE_CO_URL_TEMPLATE", server.url + "/{repo_id}/resolve/{revision}/{filename}")
    monkeypatch.setattr(constants, "HF_HUB_CACHE", str(cache))
    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", False)
    monkeypatch.setattr(constants, "AGENT_HARNESSES_PATH", str(tmp_path / "hf-home" / "agent-harnesses.json"))
    for key, value in {"HF_ENDPOINT": server.url, "HF_HUB_CACHE": str(cache), "HF_HOME": str(tmp_path / "hf-home"),
                       "HF_TOKEN": server.token, "HF_HUB_DISABLE_TELEMETRY": "1",
                       "HF_HUB_DISABLE_PROGRESS_BARS": "1"}.items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    try:
        yield server
    finally:
        server.stop()


def _handler(hub: FakeHub) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args) -> None:  # keep test output quiet
            pass

        def do_HEAD(self) -> None:
            self._dispatch("HEAD")

        def do_GET(self) -> None:
            self._dispatch("GET")

        def do_POST(self) -> None:
            self._dispatch("POST")

        def do_DELETE(self) -> None:
            self._dispatch("DELETE")

        # -- plumbing ----------------------------------------------------------------------------
        def _dispatch(self, method: str) -> None:
            parts = urlsplit(self.path)
            self.query = parse_qs(parts.query)
            length = int(self.headers.get("Content-Length") or 0)
            self.body = self.rfile.read(length) if length else b""
            with hub.lock:
                hub.requests.append((method, parts.path))
            for pattern, methods, name in ROUTES:
                m = re.fullmatch(pattern, parts.path)
                if m and method in methods:
                    args = {k: unquote(v) if v is not None else None for k, v in m.groupdict().items()}
                    if args.pop("kind", "models") == "datasets" and "repo" in args:
                        args["repo"] = f"datasets/{args['repo']}"  # dataset repos: their own namespace
                    try:
                        with hub.lock:
                            getattr(self, name)(method, **args)
                    except HubError as e:
                        self._error(e)
                    return
            with hub.lock:
                hub.unknown.append((method, parts.path))
            self._error(HubError(404, None, f"no route {method} {parts.path}"))

        @property
        def authorized(self) -> bool:
            return self.headers.get("Authorization") == f"Bearer {hub.token}"

        def _need_auth(self) -> None:
            if not self.authorized:
                raise HubError(401, None, "Invalid credentials in Authorization header")

        def _send(self, status: int, body: bytes, headers: dict[str, str] | None = None,
                  content_type: str = "application/json") -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        def _json(self, obj, status: int = 200) -> None:
            self._send(status, json.dumps(obj).encode())

        def _error(self, e: HubError) -> None:
            headers = {"X-Error-Message": e.message}
            if e.code:
                headers["X-Error-Code"] = e.code
            self._send(e.status, json.dumps({"error": e.message}).encode(), headers)

        def _payload(self) -> dict:
            try:
                return json.loads(self.body or b"{}")
            except json.JSONDecodeError:
                raise HubError(400, None, "body is not JSON") from None

        # -- routes ----------------------------------------------------------------------------------
        def create_repo(self, method: str) -> None:
            self._need_auth()
            p = self._payload()
            if p.get("type", "model") not in ("model", "dataset"):
                raise HubError(400, None, "this server holds model and dataset repos only")
            repo_id = f"{p['organization']}/{p['name']}" if p.get("organization") else f"tester/{p['name']}"
            repo_id = f"datasets/{repo_id}" if p.get("type") == "dataset" else repo_id
            if repo_id in hub.repos:
                self._json({"error": "You already created this model repo", "url": f"{hub.url}/{repo_id}"}, status=409)
                return
            hub.create_repo(repo_id, p.get("visibility") == "private" or bool(p.get("private")))
            self._json({"url": f"{hub.url}/{repo_id}", "name": repo_id})

        def validate_yaml(self, method: str) -> None:
            text = self._payload().get("content", "")
            m = re.match(r"^---\n(.*?)\n---\n", text, re.S)
            try:
                meta = yaml.safe_load(m.group(1)) if m else {}
            except yaml.YAMLError as e:
                self._json({"errors": [{"message": f"invalid YAML: {e}"}]}, status=400)
                return
            if not isinstance(meta, dict):
                self._json({"errors": [{"message": "metadata must be a mapping"}]}, status=400)
                return
            self._json({"errors": [], "warnings": []})

        def agent_harnesses(self, method: str) -> None:
            """The registry huggingface_hub reads to describe its caller in the user agent: empty."""
            self._json({"standardEnvVars": [], "harnesses": {}})

        def repo_info(self, method: str, repo: str, rev: str | None = None) -> None:
            r = hub.repo(repo, self.authorized)
            commit = r.resolve(rev or "main")
            self._json({"id": repo, "sha": commit.sha, "private": r.private,
                        "siblings": [{"rfilename": p} for p in sorted(commit.files)]})

        def tree(self, method: str, repo: str, rev: str, path: str | None = None) -> None:
            commit = hub.repo(repo, self.authorized).resolve(rev)
            prefix = f"{path.rstrip('/')}/" if path else ""
            self._json([{"type": "file", "path": p, "size": len(d), "oid": git_blob_sha(d)}
                        for p, d in sorted(commit.files.items()) if p.startswith(prefix)])

        def refs(self, method: str, repo: str) -> None:
            r = hub.repo(repo, self.authorized)

            def listing(refs: dict[str, str], kind: str) -> list[dict]:
                return [{"name": n, "ref": f"refs/{kind}/{n}", "targetCommit": s} for n, s in sorted(refs.items())]

            self._json({"branches": listing(r.branches, "heads"), "tags": listing(r.tags, "tags"), "converts": []})

        def preupload(self, method: str, repo: str, rev: str) -> None:
            self._need_auth()
            head = hub.repo(repo, True).resolve(rev)
            files = self._payload().get("files", [])
            self._json({"files": [{"path": f["path"], "uploadMode": "regular", "shouldIgnore": False,
                                   "oid": git_blob_sha(head.files[f["path"]]) if f["path"] in head.files else None}
                                  for f in files]})

        def commit(self, method: str, repo: str, rev: str) -> None:
            self._need_auth()
            r = hub.repo(repo, True)
            lines = [json.loads(line) for line in self.body.splitlines() if line.strip()]
            c = hub.commit(r, rev, lines)
            self._json({"commitUrl": f"{hub.url}/{repo}/commit/{c.sha}", "commitOid": c.sha})

        def tag(self, method: str, repo: str, rev: str) -> None:
            self._need_auth()
            r = hub.repo(repo, True)
            if method == "DELETE":
                if r.tags.pop(rev, None) is None:
                    raise HubError(404, "RevisionNotFound", f"no tag {rev}")
                self._json({})
                return
            name = self._payload().get("tag")
            if not name:
                raise HubError(400, None, "missing tag name")
            if name in r.tags or name in r.branches:
                raise HubError(409, None, f"a ref named {name} already exists")
            r.tags[name] = r.resolve(rev).sha
            self._json({})

        def branch(self, method: str, repo: str, rev: str) -> None:
            self._need_auth()
            r = hub.repo(repo, True)
            if rev in r.branches or rev in r.tags:
                raise HubError(409, None, f"a ref named {rev} already exists")
            start = self._payload().get("startingPoint") or "main"
            r.branches[rev] = r.resolve(start).sha
            self._json({})

        def resolve(self, method: str, repo: str, rev: str, path: str) -> None:
            commit = hub.repo(repo, self.authorized).resolve(rev)
            data = commit.files.get(path)
            if data is None:
                raise HubError(404, "EntryNotFound", f"{path} does not exist at {rev}")
            etag = f'"{git_blob_sha(data)}"'
            headers = {"X-Repo-Commit": commit.sha, "ETag": etag, "Accept-Ranges": "bytes"}
            start = _range_start(self.headers.get("Range"))
            if start and method == "GET":
                self._send(206, data[start:], {**headers, "Content-Range": f"bytes {start}-{len(data) - 1}/{len(data)}"},
                           "application/octet-stream")
                return
            self._send(200, data, headers, "application/octet-stream")

    return Handler


def _range_start(header: str | None) -> int:
    m = re.fullmatch(r"bytes=(\d+)-", header or "")
    return int(m.group(1)) if m else 0


ROUTES = [
    (r"/api/repos/create", {"POST"}, "create_repo"),
    (r"/api/validate-yaml", {"POST"}, "validate_yaml"),
    (r"/api/agent-harnesses", {"GET"}, "agent_harnesses"),
    (rf"/api/{KIND}/{REPO}", {"GET"}, "repo_info"),
    (rf"/api/{KIND}/{REPO}/revision/{REV}", {"GET"}, "repo_info"),
    (rf"/api/{KIND}/{REPO}/tree/{REV}(?:/(?P<path>.+))?", {"GET"}, "tree"),
    (rf"/api/{KIND}/{REPO}/refs", {"GET"}, "refs"),
    (rf"/api/{KIND}/{REPO}/preupload/{REV}", {"POST"}, "preupload"),
    (rf"/api/{KIND}/{REPO}/commit/{REV}", {"POST"}, "commit"),
    (rf"/api/{KIND}/{REPO}/tag/{REV}", {"POST", "DELETE"}, "tag"),
    (rf"/api/{KIND}/{REPO}/branch/{REV}", {"POST"}, "branch"),
    (rf"/{REPO}/resolve/{REV}/(?P<path>.+)", {"HEAD", "GET"}, "resolve"),
    (rf"/(?P<kind>datasets)/{REPO}/resolve/{REV}/(?P<path>.+)", {"HEAD", "GET"}, "resolve"),
]
