"""The slot VAE's blocks: image -> per-slot posterior, reparameterisation, slots -> image.

* :class:`SlotEncoder`: a small CNN, a learned positional embedding, then a Transformer whose K
  learned slot queries read the image tokens; each slot is projected to a Gaussian (mu, log sigma^2).
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


class SlotEncoder(nn.Module):
    """Image (B, C, H, W) -> mu, logvar (B, K, D).

    Args:
        channels: image channels C.
        size: image height and width.
        widths: CNN channel widths, one per conv layer.
        strides: CNN strides, one per conv layer.
        kernel: CNN kernel size (odd).
        d_model: token and slot-query width of the Transformer.
        layers: Transformer layers.
        heads: attention heads.
        slots: number of slots K.
        slot_dim: latent width D of each slot.
        logvar_init: initial bias of the log-variance head.
    """

    def __init__(self, channels: int, size: int, widths: Sequence[int], strides: Sequence[int], kernel: int,
                 d_model: int, layers: int, heads: int, slots: int, slot_dim: int, logvar_init: float = -4.0):
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
        self.queries = nn.Parameter(torch.randn(slots, d_model))
        self.layers = nn.ModuleList(SlotQueryLayer(d_model, heads, 2 * d_model) for _ in range(layers))
        self.head = nn.Sequential(nn.LayerNorm(d_model), nn.Linear(d_model, 2 * slot_dim))
        with torch.no_grad():  # a narrow posterior at the start lets the decoder read the slots early
            self.head[1].bias[slot_dim:].fill_(logvar_init)

    def forward(self, image: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        feats = self.cnn(image).flatten(2).transpose(1, 2)  # (B, N, c)
        tokens = self.tokens(feats + self.position(self.grid))  # (B, N, d)
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
