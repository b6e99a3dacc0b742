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
        # A run of consecutive indices is a slice (a view) or a zero pad: no gather, no scatter backward.
        idx = list(index)
        run = bool(idx) and idx == list(range(idx[0], idx[0] + len(idx)))
        self.span = (idx[0], len(idx)) if run else None
        if run and place is not None:
            self.pad = (idx[0], place - idx[0] - len(idx))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.place is None:
            if self.span is not None:
                return x.narrow(-1, self.span[0], self.span[1])
            return x.index_select(-1, self.index)
        if self.span is not None:
            return torch.nn.functional.pad(x, self.pad)
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
        self.name_set = frozenset(self.names)

    def forward(self, **parts: torch.Tensor) -> torch.Tensor:
        if parts.keys() != self.name_set:
            raise TypeError(f"Concat expects inputs {list(self.names)}, got {sorted(parts)}")
        return torch.cat([parts[n] for n in self.names], dim=self.axis)

    def extra_repr(self) -> str:
        return f"count={self.count}, axis={self.axis}"
