"""A minimal Hub-compatible download server on 127.0.0.1 that injects faults, for testing downloads offline.

It serves one repository's files the way ``snapshot_download`` and ``hf_hub_download`` read them (revision
info, tree listing, ``HEAD``/``GET`` of ``resolve`` URLs with ETags and ranges): a model repository, or with
``repo_type="dataset"`` a dataset repository (``/api/datasets/...``, ``/datasets/{repo}/resolve/...``); any
other repository is not found. ``hub.faults[file]`` (or
``["api"]``, for every API request, ``POST`` included) is a queue of faults, each used by one request:
``"500"`` (server error), ``"cut"`` (announce the whole body, send half, hang up), ``"garble"`` (the
right length, the wrong bytes), ``"stall"`` (never answer) or ``"trickle"`` (a file body sent one
byte every ``hub.trickle_s`` seconds). ``hub.etags = "opaque"`` serves ETags that are not content
hashes (as some mirrors and CDNs do); ``hub.commit`` is the commit every revision resolves to and
``hub.etag_override`` replaces every ETag (to serve names that are not safe as paths).
:func:`serve` runs it and points ``huggingface_hub`` at it and at a private cache; stalled and
trickling answers end when it stops.
"""

from __future__ import annotations

import hashlib
import json
import threading
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Iterator
from urllib.parse import unquote, urlparse

SHA = "c0ffee" + "0" * 34


LFS = (".safetensors", ".npz")  # stored with git LFS on the Hub (weights, data arrays)


def etag(name: str, data: bytes, style: str = "hub") -> str:
    """The Hub's ETag: SHA-256 for LFS files (weights, data arrays), the git blob id for the others; with
    ``style="opaque"``, an MD5 (a mirror's ETag: it names the content but is no hash zoo checks)."""
    if style == "opaque":
        return hashlib.md5(data).hexdigest()
    if name.endswith(LFS):
        return hashlib.sha256(data).hexdigest()
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


class FaultyHub:
    """One repository's files, the queued faults and a log of ``(path, fault)`` requests."""

    def __init__(self, repo: str, files: dict[str, bytes], repo_type: str = "model"):
        if repo_type not in ("model", "dataset"):
            raise ValueError(f"repo_type {repo_type!r}: expected 'model' or 'dataset'")
        self.repo, self.files, self.repo_type = repo, files, repo_type
        prefix = "/datasets" if repo_type == "dataset" else ""
        self.api, self.resolve = f"/api/{repo_type}s/{repo}/", f"{prefix}/{repo}/resolve/"
        self.faults: dict[str, list[str]] = {}
        self.requests: list[tuple[str, str | None]] = []
        self.cache: Path | None = None
        self.endpoint: str | None = None
        self.commit, self.etags, self.etag_override = SHA, "hub", None
        self.trickle_s = 3.0
        self.released = threading.Event()  # set when the server stops: stalls and trickles end
        self.lock = threading.Lock()

    def fault(self, key: str) -> str | None:
        with self.lock:
            queue = self.faults.get(key) or []
            return queue.pop(0) if queue else None

    def log(self, path: str, fault: str | None) -> None:
        with self.lock:
            self.requests.append((path, fault))

    def etag_of(self, name: str) -> str:
        return self.etag_override or etag(name, self.files[name], self.etags)

    def tree(self) -> list[dict]:
        return [{"type": "file", "path": f, "size": len(d), "oid": etag("", d),
                 **({"lfs": {"oid": etag(f, d), "size": len(d), "pointerSize": 134}} if f.endswith(LFS) else {})}
                for f, d in self.files.items()]


def _handler(hub: FaultyHub) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args) -> None:  # quiet
            pass

        def _send(self, code: int, body: bytes = b"", headers: dict | None = None, head: bool = False) -> None:
            self.send_response(code)
            for k, v in (headers or {}).items():
                self.send_header(k, str(v))
            if "Content-Length" not in (headers or {}):
                self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if not head:
                self.wfile.write(body)

        def _api(self, path: str) -> None:
            hub.log(path, None)
            own = hub.api
            if path.startswith(("/api/models/", "/api/datasets/")) and not path.startswith(own):
                return self._send(404, b"{}", {"Content-Type": "application/json", "X-Error-Code": "RepoNotFound"})
            fault = hub.fault("api")
            if fault == "stall":
                return self._stall()
            if fault == "500":
                return self._send(500, b"{}", {"Content-Type": "application/json"})
            if path.startswith(own + "revision/"):
                body = {"id": hub.repo, "sha": hub.commit, "siblings": [{"rfilename": f} for f in hub.files]}
            elif path.startswith(own + "tree/"):
                body = hub.tree()
            else:  # any other API (e.g. the client's optional look-ups): not offered here
                return self._send(404, b"{}", {"Content-Type": "application/json"})
            self._send(200, json.dumps(body).encode(), {"Content-Type": "application/json"})

        def _file(self, head: bool) -> None:
            path = unquote(urlparse(self.path).path)
            if not path.startswith(hub.resolve):
                return self._send(404, b"", {"X-Error-Code": "RepoNotFound"}, head)
            rest = path[len(hub.resolve):]  # {revision}/{file}
            name = rest.split("/", 1)[1] if "/" in rest else ""
            if name not in hub.files:
                return self._send(404, b"", {"X-Error-Code": "EntryNotFound"}, head)
            data = hub.files[name]
            headers = {"X-Repo-Commit": hub.commit, "ETag": f'"{hub.etag_of(name)}"', "Accept-Ranges": "bytes"}
            if head:
                return self._send(200, b"", {**headers, "Content-Length": len(data)}, head=True)
            fault = hub.fault(name)
            hub.log(name, fault)
            if fault == "stall":
                return self._stall()
            if fault == "500":
                return self._send(500, b"", headers)
            start = int(self.headers.get("Range", "bytes=0-").split("=")[1].split("-")[0] or 0)
            body = data[start:]
            if fault == "garble":
                body = bytes(b ^ 0x5A for b in body)
            code = 206 if start else 200
            if fault == "trickle":
                return self._trickle(code, body, headers)
            if fault == "cut":
                self._send(code, body[: len(body) // 2], {**headers, "Content-Length": len(body)})
                self.close_connection = True
                return
            self._send(code, body, headers)

        def _stall(self) -> None:
            """Never answer (until the server stops)."""
            hub.released.wait()
            self.close_connection = True

        def _trickle(self, code: int, body: bytes, headers: dict) -> None:
            """Announce the whole body, then send it a byte at a time, slowly (until the server stops)."""
            self.send_response(code)
            for k, v in {**headers, "Content-Length": len(body)}.items():
                self.send_header(k, str(v))
            self.end_headers()
            self.close_connection = True
            for i in range(len(body)):
                if hub.released.wait(hub.trickle_s):
                    return
                try:
                    self.wfile.write(body[i : i + 1])
                    self.wfile.flush()
                except OSError:  # the client gave up
                    return

        def do_HEAD(self) -> None:  # noqa: N802 - http.server's naming
            self._file(head=True)

        def do_POST(self) -> None:  # noqa: N802 - the upload API: only its faults are served here
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            self._api(urlparse(self.path).path)

        def do_GET(self) -> None:  # noqa: N802
            path = urlparse(self.path).path
            if path.startswith("/api/"):
                return self._api(path)
            self._file(head=False)

    return Handler


@contextmanager
def serve(hub: FaultyHub, cache: Path) -> Iterator[FaultyHub]:
    """Serve ``hub`` on 127.0.0.1 with ``huggingface_hub`` pointed at it and at ``cache`` meanwhile."""
    from huggingface_hub import constants

    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(hub))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    endpoint = f"http://127.0.0.1:{server.server_address[1]}"
    hub.endpoint = endpoint
    patches = {"ENDPOINT": endpoint, "HUGGINGFACE_CO_URL_TEMPLATE": endpoint + "/{repo_id}/resolve/{revision}/{filename}",
               "HF_HUB_CACHE": str(cache), "HF_HUB_OFFLINE": False, "AGENT_HARNESSES_PATH": str(cache / "agents.json")}
    saved = {k: getattr(constants, k, None) for k in patches}
    for k, v in patches.items():
        setattr(constants, k, v)
    hub.cache = cache
    try:
        yield hub
    finally:
        for k, v in saved.items():
            setattr(constants, k, v)
        hub.released.set()
        server.shutdown()
        server.server_close()
