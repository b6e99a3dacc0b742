"""Held-out shape pairs of the sprites environment (``data.holdout``, see ``ShapePairHoldout``).

Shapes are first drawn as without a holdout; then, vectorised over scenes,

* a **training** scene keeps the first object whose shape is in the pair; every later object with the
  other shape of the pair (its *partner*; the same shape when the pair is one shape twice) is re-drawn
  from the shapes without the partner, so no training scene holds the pair;
* a **test** scene (at least two objects) gets the pair's two shapes on two distinct present objects
  chosen at random, so every test scene holds the pair.
"""

from __future__ import annotations

import numpy as np


def min_test_objects(data) -> int:
    """The fewest objects of a test scene: two when a pair is held out (it must fit), else ``min_objects``."""
    return max(2, data.min_objects) if data.holdout is not None else data.min_objects


def exclude_pair(rng: np.random.Generator, shape: np.ndarray, pair: tuple[int, int], shape_ids: np.ndarray) -> np.ndarray:
    """Shapes (N, M) with no scene holding both shapes of ``pair`` (two of it, when both are one shape).

    Args:
        rng: the scene generator's random stream.
        shape: (N, M) shape indices as drawn.
        pair: the held-out pair of shape indices.
        shape_ids: the shape indices drawn from (repeats weigh a shape), for the re-draws.
    """
    n, m = shape.shape
    a, b = pair
    hit = (shape == a) | (shape == b)  # (N, M)
    first = hit.argmax(axis=1)  # (N,) the first object of either shape (0 when there is none)
    kept = shape[np.arange(n), first]
    partner = np.where(kept == a, b, a)  # (N,) the shape that may not join it
    later = (np.arange(m)[None, :] > first[:, None]) & hit.any(axis=1, keepdims=True)
    clash = later & (shape == partner[:, None])  # (N, M)
    u = rng.random((n, m))
    redraw = {s: shape_ids[shape_ids != s] for s in {a, b}}
    pick = {s: pool[np.minimum((u * pool.size).astype(int), pool.size - 1)] if pool.size else shape
            for s, pool in redraw.items()}
    replacement = np.where(partner[:, None] == a, pick[a], pick[b])
    return np.where(clash, replacement, shape)


def include_pair(rng: np.random.Generator, shape: np.ndarray, count: np.ndarray, pair: tuple[int, int]) -> np.ndarray:
    """Shapes (N, M) where two distinct present objects of every scene (``count`` >= 2) take the pair's shapes."""
    n = shape.shape[0]
    i = rng.integers(0, count)  # (N,) one present object
    j = (i + 1 + rng.integers(0, count - 1)) % count  # (N,) another one
    shape = shape.copy()
    shape[np.arange(n), i] = pair[0]
    shape[np.arange(n), j] = pair[1]
    return shape


def apply_holdout(rng: np.random.Generator, shape: np.ndarray, count: np.ndarray, data, shape_names: tuple[str, ...],
                  split: str) -> np.ndarray:
    """The shapes (N, M) of ``split`` under ``data.holdout``: without the pair in training, with it in test."""
    if data.holdout is None:
        return shape
    pair = tuple(shape_names.index(s) for s in data.holdout.shapes)
    if split == "train":
        shape_ids = np.array([shape_names.index(s) for s in data.shapes])
        return exclude_pair(rng, shape, pair, shape_ids)
    return include_pair(rng, shape, count, pair)
