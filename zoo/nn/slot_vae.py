"""The slot VAE's blocks: image -> per-slot posterior, reparameterisation, slots -> image.

* :class:`SlotEncoder`: a small CNN, a learned positional embedding, then a grouping stage that turns
  the image tokens into K slots: a Transformer whose K learned slot queries read the tokens, or
  :class:`SlotAttention` (slots drawn from one shared Gaussian compete for the tokens). Each slot is
  projected to a Gaussian (mu, log sigma^2).
* :class:`Reparameterize`: ``z = mu + sigma * eps`` while training, ``z = mu`` in eval mode.
* :class:`SlotDecoder`: one query per pixel (Fourier features of its coordinates through an MLP)
  cross-attends to the slots in cross-attention-only layers (pixels never attend to each other), then
  an MLP gives the colour. Because every pixel is computed independently, any subset of pixels can be
  decoded on its own (:meth:`SlotDecoder.decode_pixels`), which is how Jacobians are chunked.
"""

from __future__ import annotations

import math
from typing import Sequence

import torch
from torch import nn

from zoo.nn.attention import CrossAttentionLayer, SlotQueryLayer


def coordinate_grid(height: int, width: int) -> torch.Tensor:
    """Pixel-centre coordinates in [-1, 1]: (H*W, 2) as (x, y), row-major."""
    ys = (torch.arange(height, dtype=torch.float32) + 0.5) / height * 2 - 1
    xs = (torch.arange(width, dtype=torch.float32) + 0.5) / width * 2 - 1
    gy, gx = torch.meshgrid(ys, xs, indexing="ij")
    return torch.stack([gx.reshape(-1), gy.reshape(-1)], dim=-1)


def fourier_features(coords: torch.Tensor, frequencies: int) -> torch.Tensor:
    """(N, 2) coordinates -> (N, 2 + 4 * frequencies): the coordinates and sin/cos at 2^f * pi."""
    scales = math.pi * 2.0 ** torch.arange(frequencies, dtype=coords.dtype)  # (F,)
    angles = (coords.unsqueeze(-1) * scales).flatten(-2)  # (N, 2F)
    return torch.cat([coords, angles.sin(), angles.cos()], dim=-1)


class SlotAttention(nn.Module):
    """Iterative slot attention (Locatello et al., 2020): tokens (B, N, d) -> slots (B, K, d).

    Every slot starts as a draw from one learned Gaussian, so no slot owns a fixed part of the image.
    Each iteration normalises the attention logits over the *slots* (the slots compete for each
    token), takes the attention-weighted mean of the token values per slot, and updates the slots
    with a shared GRU cell and a residual MLP. Identically initialised slots would stay identical, so
    evaluation mode also draws distinct starts: a fixed draw (``eval_noise``, saved with the weights)
    that keeps evaluation deterministic.

    Args:
        dim: token and slot width d.
        slots: number of slots K.
        iterations: attention iterations.
        hidden: hidden width of the residual MLP.
    """

    def __init__(self, dim: int, slots: int, iterations: int, hidden: int, eps: float = 1e-8):
        super().__init__()
        if iterations < 1:
            raise ValueError(f"slot attention needs at least one iteration, got {iterations}")
        self.iterations, self.eps, self.scale = iterations, eps, dim ** -0.5
        self.mu = nn.Parameter(torch.randn(dim) * self.scale)
        self.log_sigma = nn.Parameter(torch.full((dim,), math.log(self.scale)))
        self.register_buffer("eval_noise", torch.randn(slots, dim))
        self.norm_tokens, self.norm_slots, self.norm_mlp = nn.LayerNorm(dim), nn.LayerNorm(dim), nn.LayerNorm(dim)
        self.to_q, self.to_k, self.to_v = (nn.Linear(dim, dim, bias=False) for _ in range(3))
        self.gru = nn.GRUCell(dim, dim)
        self.mlp = nn.Sequential(nn.Linear(dim, hidden), nn.ReLU(), nn.Linear(hidden, dim))

    def forward(self, tokens: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """tokens (B, N, d) -> slots (B, K, d), last attention (B, K, N) (normalised over slots)."""
        b, _, d = tokens.shape
        x = self.norm_tokens(tokens)
        k, v = self.to_k(x), self.to_v(x)
        noise = torch.randn(b, *self.eval_noise.shape, dtype=tokens.dtype, device=tokens.device) \
            if self.training else self.eval_noise.expand(b, -1, -1)
        slots = self.mu + self.log_sigma.exp() * noise  # (B, K, d)
        for _ in range(self.iterations):  # iterations, not slots: every slot updates at once
            q = self.to_q(self.norm_slots(slots))
            attn = torch.softmax(torch.bmm(q, k.transpose(1, 2)) * self.scale, dim=1)  # (B, K, N)
            weights = attn + self.eps
            weights = weights / weights.sum(dim=-1, keepdim=True)  # weighted mean over the tokens
            updates = torch.bmm(weights, v)  # (B, K, d)
            slots = self.gru(updates.reshape(-1, d), slots.reshape(-1, d)).view(b, -1, d)
            slots = slots + self.mlp(self.norm_mlp(slots))
        return slots, attn


class SlotEncoder(nn.Module):
    """Image (B, C, H, W) -> mu, logvar (B, K, D).

    Args:
        channels: image channels C.
        size: image height and width.
        widths: CNN channel widths, one per conv layer.
        strides: CNN strides, one per conv layer.
        kernel: CNN kernel size (odd).
        d_model: token and slot-query width of the Transformer.
        layers: Transformer layers (``grouping="transformer"``).
        heads: attention heads of the Transformer.
        slots: number of slots K.
        slot_dim: latent width D of each slot.
        logvar_init: initial bias of the log-variance head.
        grouping: ``"transformer"`` (learned slot queries) or ``"slot_attention"``.
        iterations: slot-attention iterations (``grouping="slot_attention"``).
    """

    def __init__(self, channels: int, size: int, widths: Sequence[int], strides: Sequence[int], kernel: int,
                 d_model: int, layers: int, heads: int, slots: int, slot_dim: int, logvar_init: float = -4.0,
                 grouping: str = "transformer", iterations: int = 3):
        super().__init__()
        convs: list[nn.Module] = []
        side, prev = size, channels
        for w, s in zip(widths, strides):
            convs += [nn.Conv2d(prev, w, kernel, stride=s, padding=kernel // 2), nn.ReLU()]
            side, prev = (side + s - 1) // s, w
        self.cnn = nn.Sequential(*convs)
        self.register_buffer("grid", coordinate_grid(side, side), persistent=False)  # (N, 2)
        self.position = nn.Linear(2, prev)
        self.tokens = nn.Sequential(nn.LayerNorm(prev), nn.Linear(prev, d_model), nn.ReLU(), nn.Linear(d_model, d_model))
        if grouping == "transformer":
            self.queries = nn.Parameter(torch.randn(slots, d_model))
            self.layers = nn.ModuleList(SlotQueryLayer(d_model, heads, 2 * d_model) for _ in range(layers))
        elif grouping == "slot_attention":
            self.slot_attention = SlotAttention(d_model, slots, iterations, 2 * d_model)
        else:
            raise ValueError(f"unknown grouping {grouping!r}; expected 'transformer' or 'slot_attention'")
        self.grouping = grouping
        self.head = nn.Sequential(nn.LayerNorm(d_model), nn.Linear(d_model, 2 * slot_dim))
        with torch.no_grad():  # a narrow posterior at the start lets the decoder read the slots early
            self.head[1].bias[slot_dim:].fill_(logvar_init)

    def forward(self, image: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        feats = self.cnn(image).flatten(2).transpose(1, 2)  # (B, N, c)
        tokens = self.tokens(feats + self.position(self.grid))  # (B, N, d)
        if self.grouping == "slot_attention":
            slots = self.slot_attention(tokens)[0]
        else:
            slots = self.queries.expand(image.shape[0], -1, -1)  # (B, K, d)
            for layer in self.layers:
                slots = layer(slots, tokens)
        mu, logvar = self.head(slots).chunk(2, dim=-1)  # (B, K, D) each
        return mu, logvar


class Reparameterize(nn.Module):
    """``z = mu + exp(logvar / 2) * eps`` with eps ~ N(0, I) in training mode; ``z = mu`` in eval mode."""

    def forward(self, mu: torch.Tensor, logvar: torch.Tensor) -> torch.Tensor:
        if not self.training:
            return mu
        return mu + torch.exp(0.5 * logvar) * torch.randn_like(mu)


class SlotDecoder(nn.Module):
    """Slots z (B, K, D) -> image (B, C, H, W) and attention (B, H*W, K).

    The attention output is the decoder's cross-attention weights averaged over layers and summed over
    heads, so each pixel's row sums to ``heads``.

    Args:
        channels: output channels C.
        size: image height and width.
        slot_dim: latent width D of each slot.
        d_model: attention width (slots are projected to it by an MLP).
        query_dim: width of the pixel queries.
        layers: cross-attention layers.
        heads: attention heads.
        frequencies: Fourier frequencies of the pixel coordinates.
        hidden: hidden width of the query MLP, the feed-forward parts and the output MLP.
    """

    def __init__(self, channels: int, size: int, slot_dim: int, d_model: int, query_dim: int, layers: int,
                 heads: int, frequencies: int, hidden: int):
        super().__init__()
        self.channels, self.size, self.heads = channels, size, heads
        self.register_buffer("features", fourier_features(coordinate_grid(size, size), frequencies), persistent=False)
        self.query = nn.Sequential(nn.Linear(self.features.shape[1], hidden), nn.ReLU(), nn.Linear(hidden, query_dim))
        self.slot_proj = nn.Sequential(nn.Linear(slot_dim, d_model), nn.ReLU(), nn.Linear(d_model, d_model))
        self.layers = nn.ModuleList(
            CrossAttentionLayer(query_dim, d_model, d_model, heads, hidden, small_set=True) for _ in range(layers)
        )
        self.colour = nn.Sequential(nn.LayerNorm(query_dim), nn.Linear(query_dim, hidden), nn.ReLU(),
                                    nn.Linear(hidden, channels))

    def decode_queries(self, z: torch.Tensor, features: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """z (B, K, D), pixel features (P, F) -> colours (B, P, C), attention (B, P, K)."""
        kv = self.slot_proj(z)  # (B, K, d)
        x = self.query(features).unsqueeze(0)  # (1, P, q): shared by the batch
        total = 0.0
        for layer in self.layers:
            x, weights = layer(x, kv)  # (B, P, q), (B, h, P, K)
            total = total + weights.sum(dim=1)
        return self.colour(x), total / len(self.layers)

    def decode_pixels(self, z: torch.Tensor, index: torch.Tensor) -> torch.Tensor:
        """Colours (B, len(index), C) of the pixels at flat ``index`` (row-major) only."""
        return self.decode_queries(z, self.features[index])[0]

    def forward(self, z: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        colours, attn = self.decode_queries(z, self.features)  # (B, P, C), (B, P, K)
        image = colours.transpose(1, 2).unflatten(2, (self.size, self.size))  # (B, C, H, W)
        return image, attn
