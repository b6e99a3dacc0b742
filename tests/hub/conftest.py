"""Fixtures for Hub tests: a Hub-compatible server on 127.0.0.1 and a private huggingface_hub cache."""

from __future__ import annotations

import pytest
import torch

from fake_hub import serving


@pytest.fixture
def hub(monkeypatch, tmp_path):
    """A fresh in-memory Hub with huggingface_hub pointed at it (:func:`fake_hub.serving`). After the
    test, every request must have been one the server knows."""
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
