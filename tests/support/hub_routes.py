"""The routes of the test Hub server and the faults it injects (:mod:`tests.support.hub_server` runs them).

:class:`Routes` is mixed into a :class:`~http.server.BaseHTTPRequestHandler` whose class attribute
``hub`` is the :class:`~tests.support.hub_state.FakeHub` it answers from.
"""

from __future__ import annotations

import json
import re

import yaml

from tests.support.hub_state import FakeHub, HubError, LFS, etag, git_blob_sha

REPO = r"(?P<repo>[^/]+/[^/]+)"
KIND = r"(?P<kind>models|datasets)"
REV = r"(?P<rev>[^/]+)"


class Routes:
    """Answers, one method per route; plumbing to send JSON, errors and (faulty) file bodies."""

    hub: FakeHub

    # -- plumbing --------------------------------------------------------------------------------
    @property
    def authorized(self) -> bool:
        return self.headers.get("Authorization") == f"Bearer {self.hub.token}"

    def _need_auth(self) -> None:
        if not self.authorized:
            raise HubError(401, None, "Invalid credentials in Authorization header")

    def _head(self, status: int, length: int, headers: dict | None = None,
              content_type: str = "application/json") -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(length))
        for k, v in (headers or {}).items():
            self.send_header(k, str(v))
        self.end_headers()

    def _send(self, status: int, body: bytes, headers: dict | None = None, content_type: str = "application/json") -> None:
        self._head(status, len(body), headers, content_type)
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

    # -- faults ----------------------------------------------------------------------------------
    def _api_fault(self, path: str, repo: str | None) -> bool:
        """Inject the next ``"api"`` fault into an API request (not one for a repository the hub does
        not hold: that is not found at once); True when the fault answered it."""
        fault = self.hub.fault("api") if repo is None or repo in self.hub.repos else None
        self.hub.log(path, fault)
        if fault == "stall":
            self._stall()
        elif fault == "500":
            self._send(500, b"{}")
        return fault in ("stall", "500")

    def _stall(self) -> None:
        """Never answer (until the server stops)."""
        self.hub.released.wait()
        self.close_connection = True

    def _trickle(self, code: int, body: bytes, headers: dict) -> None:
        """Announce the whole body, then send it a byte at a time, slowly (until the server stops)."""
        self._head(code, len(body), headers, "application/octet-stream")
        self.close_connection = True
        for i in range(len(body)):
            if self.hub.released.wait(self.hub.trickle_s):
                return
            try:
                self.wfile.write(body[i : i + 1])
                self.wfile.flush()
            except OSError:  # the client gave up
                return

    def _faulty_body(self, path: str, data: bytes, headers: dict) -> None:
        """``GET`` of a file: the body from the ``Range`` start, with the next fault queued for ``path``."""
        fault = self.hub.fault(path)
        self.hub.log(path, fault)
        if fault == "stall":
            return self._stall()
        if fault == "500":
            return self._send(500, b"", headers)
        start = _range_start(self.headers.get("Range"))
        body = data[start:]
        if fault == "garble":
            body = bytes(b ^ 0x5A for b in body)
        code = 206 if start else 200
        if start:
            headers = {**headers, "Content-Range": f"bytes {start}-{len(data) - 1}/{len(data)}"}
        if fault == "trickle":
            return self._trickle(code, body, headers)
        if fault == "cut":
            self._head(code, len(body), headers, "application/octet-stream")
            self.wfile.write(body[: len(body) // 2])
            self.close_connection = True
            return
        self._send(code, body, headers, "application/octet-stream")

    # -- routes ----------------------------------------------------------------------------------
    def create_repo(self, method: str) -> None:
        self._need_auth()
        p = self._payload()
        if p.get("type", "model") not in ("model", "dataset"):
            raise HubError(400, None, "this server holds model and dataset repos only")
        repo_id = f"{p['organization']}/{p['name']}" if p.get("organization") else f"tester/{p['name']}"
        repo_id = f"datasets/{repo_id}" if p.get("type") == "dataset" else repo_id
        if repo_id in self.hub.repos:
            self._json({"error": "You already created this model repo", "url": f"{self.hub.url}/{repo_id}"}, status=409)
            return
        self.hub.create_repo(repo_id, p.get("visibility") == "private" or bool(p.get("private")))
        self._json({"url": f"{self.hub.url}/{repo_id}", "name": repo_id})

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
        r = self.hub.find_repo(repo, self.authorized)
        commit = r.resolve(rev or "main")
        self._json({"id": repo, "sha": commit.sha, "private": r.private,
                    "siblings": [{"rfilename": p} for p in sorted(commit.files)]})

    def tree(self, method: str, repo: str, rev: str, path: str | None = None) -> None:
        commit = self.hub.find_repo(repo, self.authorized).resolve(rev)
        prefix = f"{path.rstrip('/')}/" if path else ""
        self._json([{"type": "file", "path": p, "size": len(d), "oid": git_blob_sha(d),
                     **({"lfs": {"oid": etag(p, d), "size": len(d), "pointerSize": 134}} if p.endswith(LFS) else {})}
                    for p, d in sorted(commit.files.items()) if p.startswith(prefix)])

    def refs(self, method: str, repo: str) -> None:
        r = self.hub.find_repo(repo, self.authorized)

        def listing(refs: dict[str, str], kind: str) -> list[dict]:
            return [{"name": n, "ref": f"refs/{kind}/{n}", "targetCommit": s} for n, s in sorted(refs.items())]

        self._json({"branches": listing(r.branches, "heads"), "tags": listing(r.tags, "tags"), "converts": []})

    def preupload(self, method: str, repo: str, rev: str) -> None:
        self._need_auth()
        head = self.hub.find_repo(repo, True).resolve(rev)
        files = self._payload().get("files", [])
        self._json({"files": [{"path": f["path"], "uploadMode": "regular", "shouldIgnore": False,
                               "oid": git_blob_sha(head.files[f["path"]]) if f["path"] in head.files else None}
                              for f in files]})

    def commit(self, method: str, repo: str, rev: str) -> None:
        self._need_auth()
        r = self.hub.find_repo(repo, True)
        lines = [json.loads(line) for line in self.body.splitlines() if line.strip()]
        c = self.hub.apply_commit(r, rev, lines)
        self._json({"commitUrl": f"{self.hub.url}/{repo}/commit/{c.sha}", "commitOid": c.sha})

    def tag(self, method: str, repo: str, rev: str) -> None:
        self._need_auth()
        r = self.hub.find_repo(repo, True)
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
        r = self.hub.find_repo(repo, True)
        if rev in r.branches or rev in r.tags:
            raise HubError(409, None, f"a ref named {rev} already exists")
        start = self._payload().get("startingPoint") or "main"
        r.branches[rev] = r.resolve(start).sha
        self._json({})

    def resolve(self, method: str, repo: str, rev: str, path: str) -> None:
        with self.hub.lock:
            commit = self.hub.find_repo(repo, self.authorized).resolve(rev)
            data = commit.files.get(path)
            if data is None:
                raise HubError(404, "EntryNotFound", f"{path} does not exist at {rev}")
            headers = {"X-Repo-Commit": commit.sha, "ETag": f'"{self.hub.etag_of(path, data)}"', "Accept-Ranges": "bytes"}
        if method == "HEAD":
            return self._send(200, data, headers, "application/octet-stream")
        self._faulty_body(path, data, headers)


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
