"""The one Hub-compatible test server: a :class:`~tests.support.hub_state.FakeHub` served over HTTP on
127.0.0.1 (standard library only, in memory).

It answers the routes huggingface_hub's own functions call, for model and dataset repos: create a repo,
commit files (regular uploads, contents inline as base64), create branches and tags, list refs and
trees, report repo info and resolve files by branch, tag or commit (``HEAD`` and ``GET`` with ETags and
ranges), with the Hub's error codes (``X-Error-Code``: RepoNotFound, RevisionNotFound, EntryNotFound),
and it injects the faults queued in the hub's state. :func:`serve` runs it with huggingface_hub
pointed at it and at a private cache; :func:`serving` is that for one pytest test, environment included.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from tests.support.hub_routes import ROUTES, Routes
from tests.support.hub_state import FakeHub, HubError


@contextmanager
def serve(hub: FakeHub, cache: Path) -> Iterator[FakeHub]:
    """Serve ``hub`` on 127.0.0.1 with ``huggingface_hub`` pointed at it and at ``cache`` meanwhile
    (its constants are read at import, so they are set here and put back after); stalled and trickling
    answers end when it stops."""
    from huggingface_hub import constants

    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(hub))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    hub.url, hub.cache = f"http://127.0.0.1:{server.server_address[1]}", cache

    def stop() -> None:
        hub.released.set()
        server.shutdown()
        server.server_close()

    hub._stop = stop
    patches = {"ENDPOINT": hub.url, "HUGGINGFACE_CO_URL_TEMPLATE": hub.url + "/{repo_id}/resolve/{revision}/{filename}",
               "HF_HUB_CACHE": str(cache), "HF_HUB_OFFLINE": False, "AGENT_HARNESSES_PATH": str(cache / "agents.json")}
    saved = {k: getattr(constants, k, None) for k in patches}
    for k, v in patches.items():
        setattr(constants, k, v)
    try:
        yield hub
    finally:
        for k, v in saved.items():
            setattr(constants, k, v)
        stop()
        thread.join(timeout=5)
        hub._stop = None


@contextmanager
def serving(monkeypatch, tmp_path: Path, hub: FakeHub | None = None) -> Iterator[FakeHub]:
    """:func:`serve` ``hub`` (default: a fresh, empty one) for one test, with a token and a cache in
    ``tmp_path``; the environment variables are set too, for subprocesses."""
    hub = hub or FakeHub()
    cache = tmp_path / "hf-cache"
    with serve(hub, cache):
        for key, value in {"HF_ENDPOINT": hub.url, "HF_HUB_CACHE": str(cache), "HF_HOME": str(tmp_path / "hf-home"),
                           "HF_TOKEN": hub.token, "HF_HUB_DISABLE_TELEMETRY": "1",
                           "HF_HUB_DISABLE_PROGRESS_BARS": "1"}.items():
            monkeypatch.setenv(key, value)
        monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
        yield hub


def _handler(hub: FakeHub) -> type[BaseHTTPRequestHandler]:
    class Handler(Routes, BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args) -> None:  # keep test output quiet
            pass

        def do_HEAD(self) -> None:  # noqa: N802 - http.server's naming
            self._dispatch("HEAD")

        def do_GET(self) -> None:  # noqa: N802
            self._dispatch("GET")

        def do_POST(self) -> None:  # noqa: N802
            self._dispatch("POST")

        def do_DELETE(self) -> None:  # noqa: N802
            self._dispatch("DELETE")

        def _dispatch(self, method: str) -> None:
            parts = urlsplit(self.path)
            self.query = parse_qs(parts.query)
            length = int(self.headers.get("Content-Length") or 0)
            self.body = self.rfile.read(length) if length else b""
            with hub.lock:
                hub.requests.append((method, parts.path))
            found = _route(method, parts.path)
            if found is None:
                with hub.lock:
                    hub.unknown.append((method, parts.path))
                return self._error(HubError(404, None, f"no route {method} {parts.path}"))
            name, args = found
            try:
                if parts.path.startswith("/api/") and self._api_fault(parts.path, args.get("repo")):
                    return
                if name == "resolve":  # takes the lock itself: a stalled download must not block the others
                    return self.resolve(method, **args)
                with hub.lock:
                    getattr(self, name)(method, **args)
            except HubError as e:
                self._error(e)

    Handler.hub = hub
    return Handler


def _route(method: str, path: str) -> tuple[str, dict[str, str | None]] | None:
    """The route answering ``method path`` and its arguments (a dataset repo as ``datasets/org/name``)."""
    for pattern, methods, name in ROUTES:
        m = re.fullmatch(pattern, path)
        if m and method in methods:
            args = {k: unquote(v) if v is not None else None for k, v in m.groupdict().items()}
            if args.pop("kind", "models") == "datasets" and "repo" in args:
                args["repo"] = f"datasets/{args['repo']}"  # dataset repos: their own namespace
            return name, args
    return None
