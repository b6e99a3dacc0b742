"""Routers that score every (mechanism, context) candidate of every slot and pick or mix them."""

from __future__ import annotations

from typing import Sequence

import torch
from torch import nn

from zoo.nn.mlp import MLP

NEG = -1e9  # logit of a candidate that does not exist (finite, so softmax never gives NaN)


class PairRouter(nn.Module):
    """A classifier ``g(z_i, c_j) -> R^M`` over (mechanism m, context j) pairs.

    ``mode="select"`` predicts with the highest-scoring candidate (COMET's composition module);
    ``mode="mix"`` predicts with the softmax-weighted mixture of all candidates.

    Args:
        count: number of mechanisms M.
        in_dim: width of the slot plus the context features.
        hidden: hidden widths of the scorer.
        act: activation name.
        mode: "select" or "mix".
        temperature: softmax temperature for "mix".
        relative: also score on ``c_j - z_i`` (the context's first D features minus the slot's);
            ``in_dim`` then counts the slot's width twice.
        candidates: when given, a learned prior ``b[m, c]`` (zeros at first) is added to the score
            of mechanism m with the c-th candidate (e.g. the nearest context of a knn graph).
        features: slot features the scorer reads of the slot and of each context (default: all);
            a context's channels beyond the slot's width (the presence channel) are always read, and
            the relative offsets always cover every feature. ``in_dim`` counts what is read.
        masked: apply ``mask`` (False when every candidate is known to exist, e.g. a knn graph).
        normalized: the slot width D of a scorer that reads every slot feature divided by ``feature_scale``
            (D,), ones at first and saved with the model (:meth:`set_scale` gives it the data's scale).
    """

    def __init__(
        self,
        count: int,
        in_dim: int,
        hidden: Sequence[int],
        act: str = "relu",
        mode: str = "select",
        temperature: float = 1.0,
        relative: bool = False,
        candidates: int | None = None,
        features: Sequence[int] | None = None,
        masked: bool = True,
        normalized: int | None = None,
    ):
        super().__init__()
        if mode not in ("select", "mix"):
            raise ValueError(f"mode must be 'select' or 'mix', got {mode!r}")
        self.count, self.mode, self.temperature, self.relative = count, mode, temperature, relative
        self.masked = masked
        self.scorer = MLP(in_dim, hidden, count, act)
        self.prior = nn.Parameter(torch.zeros(count, candidates)) if candidates else None
        self.features = features is not None
        if self.features:  # non-persistent: a bank or checkpoint does not depend on which features are read
            self.register_buffer("own_index", torch.tensor(list(features)), persistent=False)
        self.normalized = normalized is not None
        if self.normalized:
            self.register_buffer("feature_scale", torch.ones(normalized))

    def set_scale(self, scale: torch.Tensor) -> None:
        """The scale (D,) of every slot feature, for a normalised scorer."""
        with torch.no_grad():
            self.feature_scale.copy_(scale)

    def forward(
        self, x: torch.Tensor, ctx: torch.Tensor, mask: torch.Tensor, candidates: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """x (B, N, D), ctx (B, N, C, Dc), mask (B, N, C), candidates (B, N, M, C, Do).

        Returns:
            logits (B, N, M, C) and the prediction (B, N, Do).
        """
        c, d = ctx.shape[2], x.shape[-1]
        if self.normalized:
            x = x / self.feature_scale
            ctx = ctx / torch.cat([self.feature_scale, self.feature_scale.new_ones(ctx.shape[-1] - d)])
        own = x.unsqueeze(2).expand(-1, -1, c, -1)  # (B, N, C, D)
        seen, seen_ctx = own, ctx
        if self.features:
            seen = own.index_select(-1, self.own_index)
            seen_ctx = torch.cat([ctx.index_select(-1, self.own_index), ctx[..., d:]], dim=-1)
        parts = [seen, seen_ctx, ctx[..., :d] - own] if self.relative else [seen, seen_ctx]
        pairs = torch.cat(parts, dim=-1)  # (B, N, C, D+Dc[+D])
        logits = self.scorer(pairs).transpose(-1, -2)  # (B, N, M, C)
        if self.prior is not None:
            logits = logits + self.prior
        if self.masked:
            logits = logits.masked_fill(~mask.unsqueeze(2), NEG)
        flat = logits.flatten(2)  # (B, N, M*C)
        options = candidates.flatten(2, 3)  # (B, N, M*C, Do)
        if self.mode == "select":
            best = flat.argmax(dim=-1)  # (B, N)
            pick = best[..., None, None].expand(-1, -1, 1, options.shape[-1])
            prediction = options.gather(2, pick).squeeze(2)
        else:
            weights = torch.softmax(flat / self.temperature, dim=-1)  # (B, N, M*C)
            prediction = torch.einsum("bnk,bnkd->bnd", weights, options)
        return logits, prediction
