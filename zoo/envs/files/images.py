"""``data.kind: images``: images (and optional object masks) read from an ``.npz`` file, for the slot VAE.

Arrays (see :class:`~zoo.schema.datafiles.ImagesFile`): ``images`` uint8 (S, H, W, C) or float in
[0, 1]; optional ``masks`` int (S, H, W) (0: background, k > 0: object k) and ``split``. Two other layouts
are read too: grey images (S, H, W), and PyTorch's (S, C, H, W) when the last axis cannot be channels but the
second can (1, 3 or 4 entries); any other layout is an error naming the shape. The splits
hold ``images`` (S, C, H, W) (uint8 kept as is, floats as float32 in [0, 1]) and, when given, ``masks``;
without masks the slot VAE reports reconstruction and KL only (no ARI, J-ARI or JIS).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from zoo.data import FileArrays, open_arrays
from zoo.envs.files.common import check_input, split_indices, to_tensor

IMAGES = "(S, H, W, C)"
GREY = "(S, H, W)"
MASKS = "(S, H, W)"
CHANNELS = (1, 3, 4)  # what a channel axis may hold: grey, RGB, RGBA


def read(files: FileArrays) -> dict[str, np.ndarray]:
    """The checked ``images`` (S, C, H, W) and, when present, ``masks`` (S, H, W)."""
    raw = files.arrays.get("images")
    images = channels_last(files, files.get("images", GREY if getattr(raw, "ndim", 0) == 3 else IMAGES, "uf"))
    if images.dtype.kind == "u" and images.dtype != np.uint8:
        raise files.error("images", f"expected uint8 (0..255) or float in [0, 1], got {images.dtype}")
    if images.dtype.kind == "f" and images.size and (images.min() < 0 or images.max() > 1):
        raise files.error("images", f"float images must lie in [0, 1]; found {images.min():.4g} .. {images.max():.4g}")
    out = {"images": images.transpose(0, 3, 1, 2)}
    masks = files.get("masks", MASKS, "iu", required=False)
    if masks is not None:
        files.expect_shape("masks", masks.shape, images.shape[:3], MASKS)
        files.integer_range("masks", masks, 0, 255, "object ids, 0 for background")
        out["masks"] = masks.astype(np.uint8)
    return out


def channels_last(files: FileArrays, images: np.ndarray) -> np.ndarray:
    """``images`` as (S, H, W, C): grey (S, H, W) gains a channel axis; (S, C, H, W) is moved when its last axis
    cannot be channels and its second can. The documented (S, H, W, C) wins where both could be."""
    if images.ndim == 3:
        return images[..., None]
    if images.shape[3] in CHANNELS:
        return images
    if images.shape[1] in CHANNELS:
        return images.transpose(0, 2, 3, 1)
    raise files.error("images", f"shape {images.shape} has no channel axis of {', '.join(map(str, CHANNELS))} "
                      f"entries: neither last, as in {IMAGES}, nor second, as in (S, C, H, W)")


@dataclass
class ImageFiles:
    """Train and test images from files; ``splits[name]`` holds ``images`` and maybe ``masks``."""

    splits: dict[str, dict[str, torch.Tensor]]
    label: str

    def check_model(self, spec, model) -> None:
        """The model's image input must take this file's (C, H, W) floats."""
        check_input(self.label, model, tuple(self.splits["train"]["images"].shape[1:]), integer=False)


def _take(arrays: dict[str, np.ndarray], index) -> dict[str, torch.Tensor]:
    return {k: to_tensor(v[index]) for k, v in arrays.items()}


def make(data, seed: int) -> ImageFiles:
    """The images of an ``images`` data spec, split into train and test."""
    main = open_arrays(data.path)
    arrays = read(main)
    if data.test_path is None:
        split = split_indices(main, arrays["images"].shape[0], data.test_fraction, seed)
        splits = {name: _take(arrays, index) for name, index in split.items()}
    else:
        test = open_arrays(data.test_path)
        test_arrays = read(test)
        if test_arrays["images"].shape[1:] != arrays["images"].shape[1:]:
            raise test.error("images", f"(C, H, W) is {test_arrays['images'].shape[1:]}; the training file "
                             f"{data.path} has {arrays['images'].shape[1:]}")
        if ("masks" in test_arrays) != ("masks" in arrays):
            raise test.error("masks", f"give masks in both {data.path} and {data.test_path}, or in neither")
        splits = {"train": _take(arrays, slice(None)), "test": _take(test_arrays, slice(None))}
    return ImageFiles(splits, data.path)
