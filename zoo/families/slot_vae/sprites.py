"""``data.kind: sprites``: images of squares, triangles and circles with per-object masks and latents.

Generated offline with NumPy from the seed, vectorised over images (a loop runs only over the at most
``max_objects`` drawing positions). The environment exposes ``splits = {"train": ..., "test": ...}``,
each a dict of tensors sharing the image axis:

* ``images``  (N, 3, H, W) uint8: the pictures (divide by 255 for [0, 1]);
* ``masks``   (N, H, W) uint8: 0 for background, o + 1 where object o is visible;
* ``latents`` (N, max_objects, 6) float32: per object [present, shape index, x, y, scale, hue],
  with x, y in [0, 1] (image width units, y pointing down) and zeros for absent objects.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from zoo.families.slot_vae.sprites_holdout import apply_holdout, min_test_objects

SHAPES = ("square", "triangle", "circle")
LATENTS = ("present", "shape", "x", "y", "scale", "hue")
TRIES = 50
CHUNK = 1024  # images rendered at a time


def hue_to_rgb(hue: np.ndarray) -> np.ndarray:
    """(N,) hues in [0, 1) -> (N, 3) RGB in [0, 1] at full saturation and value."""
    k = (np.array([5.0, 3.0, 1.0]) + hue[:, None] * 6.0) % 6.0  # (N, 3)
    return 1.0 - np.clip(np.minimum(k, 4.0 - k), 0.0, 1.0)


def shape_masks(shape: np.ndarray, x: np.ndarray, y: np.ndarray, scale: np.ndarray, size: int) -> np.ndarray:
    """Binary masks (N, size, size) of one shape per image.

    Args:
        shape: (N,) shape index into :data:`SHAPES`.
        x, y: (N,) centres in [0, 1].
        scale: (N,) half side (radius for circles) in [0, 1] units.
        size: image side in pixels.
    """
    c = (np.arange(size) + 0.5) / size
    u = c[None, None, :] - x[:, None, None]  # (N, 1, W): horizontal offset from the centre
    v = c[None, :, None] - y[:, None, None]  # (N, H, 1): vertical offset (down is positive)
    s = scale[:, None, None]
    square = (np.abs(u) <= s) & (np.abs(v) <= s)
    triangle = (np.abs(v) <= s) & (np.abs(u) <= (v + s) / 2)  # apex up, base at the bottom
    circle = u**2 + v**2 <= s**2
    which = shape[:, None, None]
    return np.where(which == 0, square, np.where(which == 1, triangle, circle))


def _place(rng: np.random.Generator, scales: np.ndarray, count: np.ndarray, max_overlap: float) -> np.ndarray:
    """Centres (N, M, 2) inside the image, re-drawn until objects overlap at most ``max_overlap``."""
    n, m = scales.shape
    centres = np.zeros((n, m, 2))
    for o in range(m):
        lo, hi = scales[:, o], 1.0 - scales[:, o]
        todo = np.arange(n)
        for _ in range(TRIES):
            draw = lo[todo, None] + rng.random((todo.size, 2)) * (hi - lo)[todo, None]
            centres[todo, o] = draw
            if o == 0 or todo.size == 0:
                break
            dist = np.linalg.norm(centres[todo, :o] - draw[:, None], axis=-1)  # (T, o)
            need = (1.0 - max_overlap) * (scales[todo, :o] + scales[todo, o, None])
            clash = ((dist < need) & (np.arange(o) < count[todo, None])).any(axis=1)
            todo = todo[clash]
    return centres


def generate(rng: np.random.Generator, n: int, data, split: str = "train") -> dict[str, torch.Tensor]:
    """``n`` sprite images with masks and latents of ``split`` (see the module docstring; ``data.holdout``:
    :mod:`zoo.families.slot_vae.sprites_holdout`)."""
    m = data.max_objects
    shape_ids = np.array([SHAPES.index(s) for s in data.shapes])
    fewest = min_test_objects(data) if split == "test" else data.min_objects
    count = rng.integers(fewest, data.max_objects + 1, size=n)  # (N,)
    shape = shape_ids[rng.integers(0, len(shape_ids), size=(n, m))]
    shape = apply_holdout(rng, shape, count, data, SHAPES, split)
    scales = data.min_scale + rng.random((n, m)) * (data.max_scale - data.min_scale)
    hue = rng.random((n, m))
    centres = _place(rng, scales, count, data.max_overlap)
    present = np.arange(m)[None, :] < count[:, None]  # (N, M)
    latents = np.stack([present, shape, centres[..., 0], centres[..., 1], scales, hue], axis=-1) * present[..., None]
    images = np.zeros((n, data.size, data.size, 3), dtype=np.uint8)
    masks = np.zeros((n, data.size, data.size), dtype=np.uint8)
    for start in range(0, n, CHUNK):  # bounded memory for large image sizes
        part = slice(start, min(start + CHUNK, n))
        images[part], masks[part] = _render(shape[part], centres[part], scales[part], hue[part], present[part], data.size)
    return {
        "images": torch.from_numpy(images).permute(0, 3, 1, 2).contiguous(),
        "masks": torch.from_numpy(masks),
        "latents": torch.from_numpy(latents.astype(np.float32)),
    }


def _render(shape, centres, scales, hue, present, size: int) -> tuple[np.ndarray, np.ndarray]:
    """Draw objects in order (later ones on top): uint8 images (n, H, W, 3) and label masks (n, H, W)."""
    n, m = shape.shape
    images = np.zeros((n, size, size, 3), dtype=np.uint8)
    masks = np.zeros((n, size, size), dtype=np.uint8)
    for o in range(m):
        drawn = shape_masks(shape[:, o], centres[:, o, 0], centres[:, o, 1], scales[:, o], size)
        drawn &= present[:, o, None, None]
        colour = np.round(hue_to_rgb(hue[:, o]) * 255).astype(np.uint8)  # (n, 3)
        images = np.where(drawn[..., None], colour[:, None, None, :], images)
        masks[drawn] = o + 1
    return images, masks


@dataclass
class SpritesEnv:
    """Train and test sprite images (see the module docstring)."""

    splits: dict[str, dict[str, torch.Tensor]]
    size: int
    channels: int
    max_objects: int


def make(data, seed: int) -> SpritesEnv:
    """Generate the train and test splits from ``seed`` (independent streams)."""
    splits = {
        "train": generate(np.random.default_rng([seed, 0]), data.images, data),
        "test": generate(np.random.default_rng([seed, 1]), data.test_images, data, "test"),
    }
    return SpritesEnv(splits, data.size, 3, data.max_objects)
