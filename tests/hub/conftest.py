"""Fixtures for Hub tests: a Hub-compatible server on 127.0.0.1 and a private huggingface_hub cache."""

from __future__ import annotations

import pytest
import torch

from fake_hub import FakeHub


@pytest.fixture
def hub(monkeypatch, tmp_path):
    """A fresh in-memory Hub; huggingface_hub points at it, with a token and a cache in ``tmp_path``.

    The endpoint constants are read by huggingface_hub at import, so they are patched (as its own
    tests do); the environment variables are set too, for subprocesses. After the test, every
    request must have been one the server knows.
    """
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
    yield server
    server.stop()
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
