"""Weights a training run starts from (``train.pretrained``): a run directory or a .safetensors file, loaded
strictly into the built model (safetensors only)."""

from __future__ import annotations

from pathlib import Path

import torch

from zoo.errors import BankError, SpecError


def load_weights(model: torch.nn.Module, ref: str) -> None:
    """Load ``ref`` (a run directory holding model.safetensors, or a .safetensors file) strictly.

    Raises:
        SpecError: there are no weights at ``ref`` (spec path ``train.pretrained``).
        BankError: the weights do not fit the model (names or shapes).
    """
    from safetensors.torch import load_file

    path = Path(ref)
    path = path / "model.safetensors" if path.is_dir() else path
    if not path.is_file():
        raise SpecError(f"no weights at {path} (give a run directory or a .safetensors file)", ("train", "pretrained"))
    try:
        model.load_state_dict(load_file(str(path)), strict=True)
    except (RuntimeError, OSError) as e:
        raise BankError(f"{path}: these weights do not fit the model ({str(e).splitlines()[0]})") from None
