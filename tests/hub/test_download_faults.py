"""Hub downloads under faults: a local Hub-compatible server on 127.0.0.1 fails, cuts off or garbles
responses; failed downloads are retried, corrupt ones are never used nor left in the cache."""

from __future__ import annotations

import hashlib
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote, urlparse

import pytest
import torch

from zoo.compiler import compile_spec
from zoo.errors import BankError
from zoo.hub import fetch, save_bank
from zoo.hub.bank import load_bank
from zoo.schema import loads_spec

REPO, SHA = "org/bank", "c0ffee" + "0" * 34
SPEC = """\
zoo: 2
name: owner
model: {kind: comet}
slots: {count: 3, dim: 4}
mechanisms:
  - {name: bank, kind: mlp, count: 2, hidden: [5], inputs: [self, context]}
interactions: {kind: complete}
"""


def _etag(name: str, data: bytes) -> str:
    if name.endswith(".safetensors"):  # stored in LFS: named by SHA-256
        return hashlib.sha256(data).hexdigest()
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()  # git blob id


class Hub:
    """The repository's files plus a queue of faults per file ('500', 'cut', 'garble') or for the API."""

    def __init__(self, files: dict[str, bytes]):
        self.files, self.faults, self.requests = files, {}, []

    def fault(self, key: str) -> str | None:
        queue = self.faults.get(key) or []
        return queue.pop(0) if queue else None


def _handler(hub: Hub):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):  # quiet
            pass

        def _send(self, code: int, body: bytes = b"", headers: dict | None = None, head: bool = False):
            self.send_response(code)
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            self.send_header("Content-Length", str((headers or {}).get("Content-Length", len(body))))
            self.end_headers()
            if not head:
                self.wfile.write(body)

        def _api(self, path: str):
            hub.requests.append((path, None))
            if path.startswith("/api/models/") and not path.startswith(f"/api/models/{REPO}/"):
                return self._send(404, b"{}", {"Content-Type": "application/json", "X-Error-Code": "RepoNotFound"})
            if hub.fault("api") == "500":
                return self._send(500, b"{}", {"Content-Type": "application/json"})
            if path.startswith(f"/api/models/{REPO}/revision/"):
                body = {"id": REPO, "sha": SHA, "siblings": [{"rfilename": f} for f in hub.files]}
            elif not path.startswith(f"/api/models/{REPO}/tree/"):
                return self._send(404, b"{}", {"Content-Type": "application/json"})
            else:
                body = [{"type": "file", "path": f, "size": len(d), "oid": _etag("x", d),
                         **({"lfs": {"oid": _etag(f, d), "size": len(d), "pointerSize": 134}} if f.endswith(".safetensors") else {})}
                        for f, d in hub.files.items()]
            self._send(200, json.dumps(body).encode(), {"Content-Type": "application/json"})

        def _file(self, head: bool):
            name = unquote(urlparse(self.path).path).split("/resolve/", 1)[1].split("/", 1)[1]
            if name not in hub.files:
                return self._send(404, b"", {"X-Error-Code": "EntryNotFound"}, head)
            data = hub.files[name]
            headers = {"X-Repo-Commit": SHA, "ETag": f'"{_etag(name, data)}"', "Accept-Ranges": "bytes"}
            if head:
                return self._send(200, b"", {**headers, "Content-Length": len(data)}, head=True)
            fault = hub.fault(name)
            hub.requests.append((name, fault))
            if fault == "500":
                return self._send(500, b"", headers)
            start = int(self.headers.get("Range", "bytes=0-").split("=")[1].split("-")[0] or 0)
            body = data[start:]
            if fault == "garble":  # the right length, the wrong bytes
                body = bytes(b ^ 0x5A for b in body)
            code = 206 if start else 200
            if fault == "cut":  # announce everything, send half, hang up
                self.send_response(code)
                for k, v in headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body[: len(body) // 2])
                self.wfile.flush()
                self.close_connection = True
                return
            self._send(code, body, headers)

        def do_HEAD(self):
            self._file(head=True)

        def do_GET(self):
            path = urlparse(self.path).path
            if path.startswith("/api/"):
                return self._api(path)
            self._file(head=False)

    return Handler


@pytest.fixture
def hub(tmp_path, monkeypatch):
    from huggingface_hub import constants

    torch.manual_seed(0)
    bank = save_bank(compile_spec(loads_spec(SPEC)), "bank", tmp_path / "src")
    files = {p.name: p.read_bytes() for p in bank.iterdir()}
    state = Hub(files)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    endpoint = f"http://127.0.0.1:{server.server_address[1]}"
    monkeypatch.setattr(constants, "ENDPOINT", endpoint)
    monkeypatch.setattr(constants, "HUGGINGFACE_CO_URL_TEMPLATE", endpoint + "/{repo_id}/resolve/{revision}/{filename}")
    monkeypatch.setattr(constants, "HF_HUB_CACHE", str(tmp_path / "cache"))
    monkeypatch.setattr(constants, "AGENT_HARNESSES_PATH", str(tmp_path / "agents.json"), raising=False)
    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", False)
    monkeypatch.setattr(fetch, "BACKOFF_S", 0.0)
    state.cache = tmp_path / "cache"
    yield state
    server.shutdown()
    server.server_close()


def _blobs(hub) -> list[str]:
    return sorted(p.name for p in hub.cache.rglob("blobs/*"))


def test_clean_download_loads_the_bank(hub):
    bank = load_bank(f"hf://{REPO}")
    assert bank.spec.count == 2 and set(bank.tensors) and len(_blobs(hub)) == 3


@pytest.mark.parametrize("faults", [["500"], ["500", "500", "500"], ["cut"], ["garble"], ["cut", "garble", "500"]])
def test_transient_faults_are_retried_until_a_good_copy(hub, faults):
    hub.faults["model.safetensors"] = list(faults)
    bank = load_bank(f"hf://{REPO}")
    expected = load_bank(hub.cache.parent / "src").tensors
    assert all(torch.equal(bank.tensors[k], v) for k, v in expected.items())
    assert not hub.faults["model.safetensors"]  # every fault was really served
    assert not any(b.endswith(".incomplete") for b in _blobs(hub))


def test_hub_api_outage_is_retried(hub):
    hub.faults["api"] = ["500", "500"]
    assert load_bank(f"hf://{REPO}").spec.count == 2


def test_persistent_corruption_fails_and_leaves_nothing_usable(hub, monkeypatch):
    from huggingface_hub import constants

    hub.faults["model.safetensors"] = ["garble"] * 10
    with pytest.raises(BankError, match="(?s)download failed after 5 attempts.*does not match its checksum"):
        load_bank(f"hf://{REPO}")
    weights = _etag("model.safetensors", hub.files["model.safetensors"])
    assert weights not in _blobs(hub)  # the garbled copy is gone
    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", True)
    with pytest.raises(BankError, match="incomplete|[Cc]annot find"):
        load_bank(f"hf://{REPO}")  # offline, nothing corrupt is served from the cache


def test_a_bank_served_intact_but_invalid_is_refused_and_purged(hub):
    meta = json.loads(hub.files["spec.json"])
    meta["tensors"]["mechanisms.weights.0"]["shape"] = [9, 9, 9]
    hub.files["spec.json"] = json.dumps(meta).encode()
    with pytest.raises(BankError, match="(?s)not a valid bank.*has shape"):
        load_bank(f"hf://{REPO}")
    assert len([r for r in hub.requests if r[0] == "model.safetensors"]) == 1  # no pointless retries
    assert not list(hub.cache.rglob("snapshots/*/*"))


def test_a_missing_repository_is_not_retried(hub):
    with pytest.raises(BankError, match="hf://org/missing: RepositoryNotFoundError"):
        load_bank("hf://org/missing")
    assert len([r for r in hub.requests if r[0].startswith("/api/models/org/missing/")]) == 1
