"""Multi-head attention that also returns its weights, and the pre-norm Transformer layers built on it.

The slot VAE needs the attention weights themselves (its interaction regulariser and attention masks
are computed from them), so attention is written out with an explicit softmax rather than a fused kernel.
"""

from __future__ import annotations

import torch
from torch import nn


class Attention(nn.Module):
    """Multi-head attention of queries ``x`` over a set ``kv``; returns the output and the weights.

    Args:
        q_dim: width of the queries (and of the output).
        kv_dim: width of the attended set.
        d_model: width of the projected queries, keys and values (split over the heads).
        heads: number of heads (must divide ``d_model``).
    """

    def __init__(self, q_dim: int, kv_dim: int, d_model: int, heads: int):
        super().__init__()
        if d_model % heads:
            raise ValueError(f"d_model={d_model} is not divisible by heads={heads}")
        self.heads, self.head_dim = heads, d_model // heads
        self.to_q = nn.Linear(q_dim, d_model)
        self.to_kv = nn.Linear(kv_dim, 2 * d_model)
        self.out = nn.Linear(d_model, q_dim)

    def _split(self, t: torch.Tensor) -> torch.Tensor:
        return t.unflatten(-1, (self.heads, self.head_dim)).transpose(-2, -3)  # (B, h, N, dh)

    def forward(self, x: torch.Tensor, kv: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """x (B or 1, P, q_dim), kv (B, K, kv_dim) -> out (B, P, q_dim), weights (B, h, P, K).

        A query batch of size 1 broadcasts over the batch of ``kv`` (shared pixel queries).
        """
        q = self._split(self.to_q(x))  # (B|1, h, P, dh)
        k, v = (self._split(t) for t in self.to_kv(kv).chunk(2, dim=-1))  # (B, h, K, dh) each
        scores = torch.matmul(q, k.transpose(-1, -2)) * self.head_dim**-0.5  # (B, h, P, K)
        weights = scores.softmax(dim=-1)
        out = torch.matmul(weights, v).transpose(-2, -3).flatten(-2)  # (B, P, d_model)
        return self.out(out), weights


class SetAttention(Attention):
    """:class:`Attention` over a small set (a few slots), computed for many queries without head splits.

    The same function as :class:`Attention` (same parameters), re-associated so the large query tensor
    is never split into heads: the per-head keys are laid out as a block-diagonal (d_model, h*K) matrix
    and folded into the query projection, and the values into the output projection. The cost per query
    is O(q_dim * h * K) instead of O(q_dim * d_model), and no (B, h, P, dh) copies are made.

    The scores are laid out (B, h, K, P), queries innermost, so the softmax over the K slots runs along
    a strided axis with the queries contiguous: a softmax over a last axis of a few elements is about ten
    times slower on CPU. The weights are returned as the (B, h, P, K) view of that layout. With fewer
    queries than h*K (a pixel at a time, as the decoder's Jacobian is taken) the plain form is cheaper.
    """

    def _blocks(self, t: torch.Tensor) -> torch.Tensor:
        """(B, K, d_model) -> block-diagonal (B, d_model, h*K): column h*K + k holds head h of row k."""
        b, k, _ = t.shape
        heads = t.unflatten(-1, (self.heads, self.head_dim))  # (B, K, h, dh)
        eye = torch.eye(self.heads, dtype=t.dtype, device=t.device)  # (h, h)
        blocks = heads.unsqueeze(-2) * eye.unsqueeze(-1)  # (B, K, h, h', dh): zero unless h = h'
        return blocks.permute(0, 3, 4, 2, 1).reshape(b, self.heads * self.head_dim, self.heads * k)

    def forward(self, x: torch.Tensor, kv: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """x (B or 1, P, q_dim), kv (B, K, kv_dim) -> out (B, P, q_dim), weights (B, h, P, K)."""
        if x.shape[-2] <= self.heads * kv.shape[-2]:
            # Few queries (one pixel per call under the Jacobian's vmap): folding costs more than it saves,
            # and a reverse pass per query would run through the folded (h*K, q_dim) matrices.
            return super().forward(x, kv)
        k, v = self.to_kv(kv).chunk(2, dim=-1)  # (B, K, d) each
        kb = self._blocks(k).transpose(1, 2) * self.head_dim**-0.5  # (B, h*K, d)
        w_score = torch.matmul(kb, self.to_q.weight)  # (B, h*K, q_dim)
        b_score = torch.matmul(kb, self.to_q.bias).unsqueeze(-1)  # (B, h*K, 1)
        scores = torch.matmul(w_score, x.transpose(1, 2)) + b_score  # (B, h*K, P); x of batch 1 broadcasts
        weights = scores.unflatten(1, (self.heads, kv.shape[1])).softmax(dim=2)  # (B, h, K, P)
        w_out = torch.matmul(self._blocks(v).transpose(1, 2), self.out.weight.t())  # (B, h*K, q_dim)
        out = torch.baddbmm(self.out.bias, weights.flatten(1, 2).transpose(1, 2), w_out)  # (B, P, q_dim)
        return out, weights.transpose(-1, -2)


class FeedForward(nn.Module):
    """``Linear -> ReLU -> Linear`` with a residual connection and a pre-norm."""

    def __init__(self, dim: int, hidden: int):
        super().__init__()
        self.net = nn.Sequential(nn.LayerNorm(dim), nn.Linear(dim, hidden), nn.ReLU(), nn.Linear(hidden, dim))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x + self.net(x)


class CrossAttentionLayer(nn.Module):
    """``x += CrossAttn(LN(x), LN(kv)); x += FF(x)``: queries read a set, they never see each other.

    Args:
        q_dim: query width.
        kv_dim: width of the attended set.
        d_model: attention width.
        heads: attention heads.
        ff: hidden width of the feed-forward part.
        small_set: the attended set is small (a few slots): use :class:`SetAttention`.
    """

    def __init__(self, q_dim: int, kv_dim: int, d_model: int, heads: int, ff: int, small_set: bool = False):
        super().__init__()
        self.norm_q, self.norm_kv = nn.LayerNorm(q_dim), nn.LayerNorm(kv_dim)
        self.attn = (SetAttention if small_set else Attention)(q_dim, kv_dim, d_model, heads)
        self.ff = FeedForward(q_dim, ff)

    def forward(self, x: torch.Tensor, kv: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """x (B or 1, P, q_dim), kv (B, K, kv_dim) -> x (B, P, q_dim), weights (B, h, P, K)."""
        out, weights = self.attn(self.norm_q(x), self.norm_kv(kv))
        return self.ff(x + out), weights


class SlotQueryLayer(nn.Module):
    """One layer of the slot encoder: slots attend to each other, then read the image tokens.

    ``s += SelfAttn(LN(s)); s += CrossAttn(LN(s), LN(tokens)); s += FF(s)``.

    Args:
        dim: slot-query and token width.
        heads: attention heads.
        ff: hidden width of the feed-forward part.
    """

    def __init__(self, dim: int, heads: int, ff: int):
        super().__init__()
        self.norm_self = nn.LayerNorm(dim)
        self.self_attn = Attention(dim, dim, dim, heads)
        self.cross = CrossAttentionLayer(dim, dim, dim, heads, ff)

    def forward(self, slots: torch.Tensor, tokens: torch.Tensor) -> torch.Tensor:
        """slots (B, K, dim), tokens (B, N, dim) -> slots (B, K, dim)."""
        s = self.norm_self(slots)
        slots = slots + self.self_attn(s, s)[0]
        return self.cross(slots, tokens)[0]
