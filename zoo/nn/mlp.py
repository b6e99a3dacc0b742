"""A plain MLP over the last dimension."""

from __future__ import annotations

from typing import Sequence

import torch
from torch import nn

from zoo.nn.activations import activation


class MLP(nn.Module):
    """``Linear -> act -> ... -> Linear`` over the last dimension (no activation after the last layer
    unless ``act_last``).

    Args:
        in_dim: input width.
        hidden: hidden widths (empty: a single affine map).
        out_dim: output width.
        act: activation name.
        act_last: apply the activation after the last layer too.
    """

    def __init__(self, in_dim: int, hidden: Sequence[int], out_dim: int, act: str = "relu", act_last: bool = False):
        super().__init__()
        widths = [in_dim, *hidden, out_dim]
        layers: list[nn.Module] = []
        for i, (a, b) in enumerate(zip(widths[:-1], widths[1:])):
            layers.append(nn.Linear(a, b))
            if i < len(widths) - 2 or act_last:
                layers.append(activation(act))
        self.net = nn.Sequential(*layers)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x)


class Linear(nn.Linear):
    """``nn.Linear`` whose input is named ``x``, the port name graph nodes are called with."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return super().forward(x)
