"""What the file-backed environments share: choosing the train and test samples, and checking that a
model reads what the file holds."""

from __future__ import annotations

import numpy as np
import torch

from zoo.data import FileArrays
from zoo.data.arrays import draw_split, split_labels
from zoo.errors import DataError, SpecError


def split_indices(files: FileArrays, count: int, test_fraction: float, seed: int,
                  allowed: tuple[str, ...] = ("train", "test"), prefix_ok: str | None = None) -> dict[str, np.ndarray]:
    """Sample indices of each split: from the file's ``split`` array, else a ``test_fraction`` drawn from
    ``seed``. Every split named in the file must be non-empty; ``train`` and one test split must exist."""
    labels = split_labels(files, count, allowed, prefix_ok)
    if labels is None:
        if count < 2:
            raise DataError(f"{files.label}: {count} sample(s); a train and a test split need at least 2 "
                            "(or give a separate test file)")
        train, test = draw_split(count, test_fraction, seed)
        return {"train": train, "test": test}
    out = {name: np.flatnonzero(labels == name) for name in dict.fromkeys(labels.tolist())}
    if "train" not in out or len(out) < 2:
        raise files.error("split", f"needs 'train' samples and test samples; it names {sorted(out)}")
    return {"train": out.pop("train"), **out}


def check_input(label: str, model, want: tuple[int, ...], integer: bool) -> None:
    """The compiled model's single input must take samples of shape ``want`` (None axes in the model's
    type take any size) and integer tokens exactly when ``integer``."""
    types = getattr(model, "input_types", {})
    if len(types) != 1:
        raise SpecError(f"{label}: the model must have one input to read this file; it has {sorted(types)}", ("model",))
    name, t = next(iter(types.items()))
    shape = tuple(t.shape)
    fits = len(shape) == len(want) and all(s is None or s == w for s, w in zip(shape, want))
    is_int = str(t.dtype).startswith("int")
    if not fits or is_int != integer:
        kind = "int tokens" if integer else "floats"
        model_kind = "int tokens" if is_int else "floats"
        shown = tuple("any" if s is None else s for s in shape)
        raise SpecError(f"{label}: the file's samples are {kind} of shape {want}, but the model's input "
                        f"{name!r} takes {model_kind} of shape {shown}; change the spec to match the file", ("model",))


def to_tensor(a: np.ndarray) -> torch.Tensor:
    """A numpy array as a torch tensor: floats as float32, ints as int64, uint8 and bool kept."""
    if a.dtype.kind == "f":
        return torch.from_numpy(np.ascontiguousarray(a, dtype=np.float32))
    if a.dtype == np.uint8 or a.dtype.kind == "b":
        return torch.from_numpy(np.ascontiguousarray(a))
    return torch.from_numpy(np.ascontiguousarray(a, dtype=np.int64))
