"""Weights a training run starts from (``train.pretrained``): a run directory or a .safetensors file, loaded
strictly into the built model (safetensors only)."""

from __future__ import annotations

from pathlib import Path

import torch

from zoo.errors import BankError, SpecError
from zoo.weights import read_weights


def load_weights(model: torch.nn.Module, ref: str) -> None:
    """Load ``ref`` (a run directory holding model.safetensors, or a .safetensors file) strictly, read and verified
    as every weights file is (:func:`zoo.weights.read_weights`).

    Raises:
        SpecError: there are no weights at ``ref`` (spec path ``train.pretrained``).
        BankError: the file is not valid safetensors (a pickle, truncated, NaN values) or its weights do not fit the
            model (names or shapes).
    """
    path = Path(ref)
    path = path / "model.safetensors" if path.is_dir() else path
    if not path.is_file():
        raise SpecError(f"no weights at {path} (give a run directory or a .safetensors file)", ("train", "pretrained"))
    tensors = read_weights(path)[0]
    try:
        model.load_state_dict(tensors, strict=True)
    except (RuntimeError, OSError) as e:
        raise BankError(f"{path}: these weights do not fit the model ({str(e).splitlines()[0]})") from None
