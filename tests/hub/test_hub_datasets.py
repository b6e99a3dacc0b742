"""Data files from a Hub dataset repository: downloaded with huggingface_hub, cached, then read offline."""

from __future__ import annotations

import numpy as np
import pytest
from pydantic import TypeAdapter

from zoo.envs import make_env
from zoo.errors import DataError
from zoo.schema.data import DataSpec


def publish(hub, tmp_path) -> str:
    """A dataset repo holding a trajectories file at sub/t.npz; returns the commit."""
    from huggingface_hub import HfApi

    rng = np.random.default_rng(0)
    np.savez(tmp_path / "t.npz", states=rng.normal(size=(4, 3, 2, 3)).astype(np.float32))
    api = HfApi(endpoint=hub.url, token=hub.token)
    api.create_repo("tester/own", repo_type="dataset")
    return api.upload_file(path_or_fileobj=str(tmp_path / "t.npz"), path_in_repo="sub/t.npz", repo_id="tester/own",
                           repo_type="dataset").oid


def trajectories(ref: str):
    return make_env(TypeAdapter(DataSpec).validate_python({"kind": "trajectories", "path": ref}), seed=0)


def test_a_hub_dataset_file_loads_then_loads_offline_from_the_cache(hub, tmp_path, monkeypatch):
    commit = publish(hub, tmp_path)
    world = trajectories(f"hf://datasets/tester/own@{commit}/sub/t.npz")
    assert world.splits["train"].states.shape[1:] == (3, 2, 3)
    assert any(path.startswith("/datasets/tester/own/resolve/") for _, path in hub.requests)
    from huggingface_hub import constants

    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", True)
    seen = len(hub.requests)
    again = trajectories(f"hf://datasets/tester/own@{commit}/sub/t.npz")
    assert np.array_equal(again.splits["test"].states, world.splits["test"].states) and len(hub.requests) == seen
    with pytest.raises(DataError, match="not in the local cache .*HF_HUB_OFFLINE is set"):
        trajectories("hf://datasets/tester/own@main/other.npz")


def test_hub_dataset_errors_are_clear(hub, tmp_path):
    publish(hub, tmp_path)
    with pytest.raises(DataError, match="the dataset has no such file"):
        trajectories("hf://datasets/tester/own/missing.npz")
    with pytest.raises(DataError, match="no such dataset repository"):
        trajectories("hf://datasets/tester/none/t.npz")
    with pytest.raises(DataError, match="bad Hub dataset file"):
        trajectories("hf://datasets/tester/own/../escape.npz")
