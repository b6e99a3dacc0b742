"""Sequential digits: scikit-learn's bundled 8x8 digits, resized, binarised, read pixel by pixel.

``splits``: ``train`` at ``train_size`` and ``test_<s>`` for the held-out images at the training
size and at every ``test_sizes`` entry. Each split holds ``x`` (N, s*s) int64 pixel tokens (0/1) and
``target`` (N,) the digit. Nothing is downloaded: the 1,797 images ship with scikit-learn.
"""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F


def render(images: torch.Tensor, size: int, threshold: float) -> torch.Tensor:
    """(N, 8, 8) intensities in [0, 1] -> (N, size*size) binary tokens (bilinear resize, then threshold)."""
    big = F.interpolate(images.unsqueeze(1), size=(size, size), mode="bilinear", align_corners=False)
    return (big.squeeze(1) > threshold).long().flatten(1)


class SequentialDigits:
    """The environment object (see module docstring)."""

    def __init__(self, data, seed: int):
        from sklearn.datasets import load_digits

        digits = load_digits()
        images = torch.tensor(digits.images / 16.0, dtype=torch.float32)
        labels = torch.tensor(digits.target, dtype=torch.long)
        order = torch.from_numpy(np.random.default_rng(seed).permutation(len(labels)))
        if data.limit is not None:
            order = order[: data.limit]
        n_test = max(1, int(round(len(order) * data.test_fraction)))
        test, train = order[:n_test], order[n_test:]
        self.splits = {"train": {"x": render(images[train], data.train_size, data.threshold), "target": labels[train]}}
        for size in dict.fromkeys((data.train_size, *data.test_sizes)):
            self.splits[f"test_{size}"] = {"x": render(images[test], size, data.threshold), "target": labels[test]}


def make(data, seed: int) -> SequentialDigits:
    """The sequential-digits environment for ``data`` and ``seed``."""
    return SequentialDigits(data, seed)
