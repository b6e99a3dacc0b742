"""Fixtures for Hub tests: the Hub-compatible test server (:mod:`tests.support.hub_server`) on 127.0.0.1
with a private huggingface_hub cache, empty or serving one small bank with faults injected."""

from __future__ import annotations

import pytest
import torch

from small_bank import SMALL_BANK
from tests.support.hub_server import serve, serving
from tests.support.hub_state import FakeHub

FAULTY_REPO = "org/bank"


@pytest.fixture
def hub(monkeypatch, tmp_path):
    """A fresh, empty test Hub with huggingface_hub pointed at it (:func:`~tests.support.hub_server.serving`).
    After the test, every request must have been one the server knows."""
    with serving(monkeypatch, tmp_path) as server:
        yield server
    assert server.unknown == [], f"the client called routes the test server does not know: {server.unknown}"


@pytest.fixture
def offline(monkeypatch):
    """Switch huggingface_hub to offline mode (what HF_HUB_OFFLINE=1 does at import)."""
    from huggingface_hub import constants

    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", True)
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")


@pytest.fixture
def tiny_bank(tmp_path, comet_yaml):
    """A saved tiny COMET bank directory (3 MLP mechanisms) and the model it came from."""
    from zoo.compiler import compile_spec
    from zoo.hub import save_bank
    from zoo.schema import loads_spec

    torch.manual_seed(0)
    model = compile_spec(loads_spec(comet_yaml))
    path = save_bank(model, "bank", tmp_path / "bank", metrics={"one_step_mse": 0.25, "nmi": 0.5})
    return path, model


@pytest.fixture
def faulty_hub(tmp_path, monkeypatch):
    """The test Hub holding a small bank saved in ``tmp_path / "src"`` as ``org/bank`` (tags ``v1`` and
    ``v2`` on its one commit, faults injected on demand), with no wait between retries; the environment
    points subprocesses at it too."""
    from zoo.compiler import compile_spec
    from zoo.hub import fetch, save_bank
    from zoo.schema import loads_spec

    torch.manual_seed(0)
    bank = save_bank(compile_spec(loads_spec(SMALL_BANK)), "bank", tmp_path / "src")
    monkeypatch.setattr(fetch, "BACKOFF_S", 0.0)
    files = {p.name: p.read_bytes() for p in bank.iterdir()}
    with serve(FakeHub(FAULTY_REPO, files, tags=("v1", "v2")), tmp_path / "cache") as state:
        for key, value in {"HF_ENDPOINT": state.url, "HF_HUB_CACHE": str(state.cache), "HF_HOME": str(tmp_path / "hf-home"),
                           "HF_HUB_DISABLE_TELEMETRY": "1"}.items():
            monkeypatch.setenv(key, value)
        monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
        monkeypatch.delenv("HF_TOKEN", raising=False)
        yield state
