"""Hub dataset files through the test Hub server injecting faults (a dataset repository): a clean download,
a repository it does not hold, and a server error, each ending as the file or a clear DataError."""

from __future__ import annotations

import io

import numpy as np
import pytest

from tests.support.hub_server import serve
from tests.support.hub_state import FakeHub
from zoo.data import load_arrays, resolve
from zoo.errors import DataError


@pytest.fixture
def hub(tmp_path):
    buf = io.BytesIO()
    np.savez(buf, states=np.arange(24, dtype=np.float32).reshape(2, 3, 2, 2))
    with serve(FakeHub("org/tracks", {"w.npz": buf.getvalue()}, repo_type="dataset"), tmp_path / "cache") as state:
        yield state


def test_a_dataset_file_downloads_from_the_fault_server(hub):
    path = resolve("hf://datasets/org/tracks/w.npz")
    assert path.read_bytes() == hub.files["w.npz"]
    assert load_arrays(path)["states"][1, 2, 1, 1] == 23
    assert hub.served[-1] == ("w.npz", None)


def test_other_repositories_are_not_found_and_server_errors_are_clear(hub, tmp_path):
    with pytest.raises(DataError, match="no such dataset repository"):
        resolve("hf://datasets/org/other/w.npz")
    hub.faults["w.npz"] = ["500"]
    with pytest.raises(DataError, match="the Hub answered 500"):
        resolve("hf://datasets/org/tracks/w.npz")
    with serve(FakeHub("org/tracks", hub.files), tmp_path / "cache2"):  # a model repository of that name
        with pytest.raises(DataError, match="no such dataset repository"):
            resolve("hf://datasets/org/tracks/w.npz")
