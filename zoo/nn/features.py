"""Feature selection over the last axis, its inverse (placing features into a wider zero vector), and
concatenation of several inputs along one axis."""

from __future__ import annotations

from typing import Sequence

import torch
from torch import nn


class Features(nn.Module):
    """``x[..., index]``; or, with ``place``, a (..., place) tensor holding x at ``index``, zeros elsewhere.

    Args:
        index: feature indices.
        place: output width when placing (None: select).
    """

    def __init__(self, index: Sequence[int], place: int | None = None):
        super().__init__()
        self.place = place
        self.register_buffer("index", torch.tensor(list(index), dtype=torch.long), persistent=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.place is None:
            return x.index_select(-1, self.index)
        out = x.new_zeros(*x.shape[:-1], self.place)
        return out.index_copy(-1, self.index, x)

    def extra_repr(self) -> str:
        return f"index={self.index.tolist()}, place={self.place}"


class Concat(nn.Module):
    """Concatenates the inputs ``x0 .. x{count-1}`` (given by name) along ``axis``.

    Args:
        count: number of inputs.
        axis: the axis to join along (of the batched tensors).
    """

    def __init__(self, count: int, axis: int):
        super().__init__()
        self.count, self.axis = count, axis
        self.names = tuple(f"x{k}" for k in range(count))

    def forward(self, **parts: torch.Tensor) -> torch.Tensor:
        if tuple(sorted(parts)) != tuple(sorted(self.names)):
            raise TypeError(f"Concat expects inputs {list(self.names)}, got {sorted(parts)}")
        return torch.cat([parts[n] for n in self.names], dim=self.axis)

    def extra_repr(self) -> str:
        return f"count={self.count}, axis={self.axis}"
