"""Candidate contexts for every slot over an interaction graph, gathered in one indexing operation.

For N slots of width D the block returns, per slot, C candidate contexts:

* ``ctx``   (B, N, C, D+1): the context slot's features, plus a last channel that is 1 for a real
  slot and 0 for the "no context" candidate (whose features are zeros) and for padding;
* ``index`` (B, N, C): which slot each candidate is (-1 for "no context" and padding);
* ``mask``  (B, N, C): True where the candidate exists (padding is False).

Static graphs (complete, explicit edges, none) precompute an (N, C) index table; knn graphs pick the
k nearest slots by their position features per example, so the gathered size is N*(k+1), not N^2.
When present, "no context" is always candidate 0.
"""

from __future__ import annotations

from typing import Sequence

import torch
from torch import nn


def static_table(
    count: int, edges: Sequence[tuple[int, int]], self_loops: bool, no_context: bool
) -> tuple[torch.Tensor, torch.Tensor]:
    """Index table (N, C) and validity mask (N, C) for a fixed edge list [source, target]."""
    incoming: list[list[int]] = [[] for _ in range(count)]
    for src, dst in edges:
        if src != dst or self_loops:
            incoming[dst].append(src)
    if self_loops:
        for i in range(count):
            if i not in incoming[i]:
                incoming[i].append(i)
    lists = [([-1] if no_context else []) + sorted(set(c)) for c in incoming]
    width = max(1, max(len(c) for c in lists))
    index = torch.full((count, width), -1, dtype=torch.long)
    mask = torch.zeros(count, width, dtype=torch.bool)
    for i, c in enumerate(lists):
        index[i, : len(c)] = torch.tensor(c, dtype=torch.long)
        mask[i, : len(c)] = True
    return index, mask


def complete_edges(count: int) -> list[tuple[int, int]]:
    """Every ordered pair of distinct slots."""
    return [(j, i) for i in range(count) for j in range(count) if i != j]


class ContextGather(nn.Module):
    """Gathers candidate contexts over a static graph (see module docstring).

    Args:
        index: (N, C) slot index of each candidate, -1 for none/padding.
        mask: (N, C) validity of each candidate.
    """

    def __init__(self, index: torch.Tensor, mask: torch.Tensor):
        super().__init__()
        self.register_buffer("index", index.clone(), persistent=False)
        self.register_buffer("valid", mask.clone(), persistent=False)

    @property
    def candidates(self) -> int:
        return self.index.shape[1]

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        b, n, _ = x.shape  # (B, N, D)
        ctx = gather_slots(x, self.index.expand(b, n, -1))
        return ctx, self.index.expand(b, n, -1), self.valid.expand(b, n, -1)


class KnnContextGather(nn.Module):
    """Candidate contexts = the k nearest slots by the features at ``position`` (Euclidean).

    Args:
        k: neighbours per slot.
        position: indices of the position features.
        self_loops: a slot may be its own neighbour (distance 0, so it is always picked).
        no_context: add the "no context" candidate first.
    """

    def __init__(self, k: int, position: Sequence[int], self_loops: bool, no_context: bool):
        super().__init__()
        self.k, self.self_loops, self.no_context = k, self_loops, no_context
        self.register_buffer("position", torch.tensor(list(position), dtype=torch.long), persistent=False)

    @property
    def candidates(self) -> int:
        return self.k + int(self.no_context)

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        b, n, _ = x.shape  # (B, N, D)
        # the neighbour indices carry no gradient, so the (B, N, N) distances are built without a graph
        pos = x.detach().index_select(-1, self.position)  # (B, N, P)
        dist = torch.cdist(pos, pos)  # (B, N, N), a fresh tensor: edited in place below
        if not self.self_loops:
            dist.diagonal(dim1=-2, dim2=-1).fill_(float("inf"))  # O(B N), not an (N, N) matrix added
        index = dist.topk(self.k, dim=-1, largest=False).indices  # (B, N, k)
        if not self.no_context:  # every candidate is a real slot: gather without the "none" row
            d = x.shape[-1]
            ctx = x.gather(1, index.reshape(b, -1, 1).expand(-1, -1, d)).view(b, n, self.k, d)  # (B, N, k, D)
            ctx = torch.cat([ctx, x.new_ones(b, n, self.k, 1)], dim=-1)
            return ctx, index, torch.ones_like(index, dtype=torch.bool)
        none = torch.full((b, n, 1), -1, dtype=torch.long, device=x.device)
        index = torch.cat([none, index], dim=-1)  # (B, N, k+1)
        ctx = gather_slots(x, index)
        return ctx, index, torch.ones_like(index, dtype=torch.bool)


def gather_slots(x: torch.Tensor, index: torch.Tensor) -> torch.Tensor:
    """``x`` (B, N, D) at ``index`` (B, N, C) -> (B, N, C, D+1) with a presence channel; -1 gives zeros."""
    b, n, d = x.shape
    padded = torch.cat([x, x.new_zeros(b, 1, d)], dim=1)  # (B, N+1, D): row N is "none"
    safe = torch.where(index < 0, torch.full_like(index, n), index)
    flat = safe.reshape(b, -1, 1).expand(-1, -1, d)  # (B, N*C, D)
    ctx = padded.gather(1, flat).view(b, n, -1, d)  # (B, N, C, D)
    present = (index >= 0).to(x.dtype).unsqueeze(-1)  # (B, N, C, 1)
    return torch.cat([ctx, present], dim=-1)
