"""Hypernetworks that generate a target MLP's weights from a task embedding.

The target MLP computes ``h_{l+1} = act(h_l W_l / sqrt(fan_in_l))`` with no biases (the teacher's
form), then adds one learned output bias. It is run with generated weights through
``torch.func.functional_call``; a batch of embeddings runs under ``torch.func.vmap``.

The embedding is either one vector z (K,) that generates every layer (``per_layer=False``) or one
row per target layer, z (L, K) (``per_layer=True``, as in the reference implementation, where each
layer has its own embedding). With ``normalize`` every row is rescaled to norm sqrt(K).
"""

from __future__ import annotations

import math
from typing import Sequence

import torch
from torch import nn
from torch.func import functional_call, vmap

from zoo.nn.activations import activation
from zoo.nn.mlp import MLP


class TargetMLP(nn.Module):
    """The generated network. Its weights ``w0, w1, ...`` are non-persistent placeholder buffers that
    the hypernetwork replaces on every call."""

    def __init__(self, widths: Sequence[int], act: str):
        super().__init__()
        self.widths = list(widths)
        self.depth = len(widths) - 1
        for i, (a, b) in enumerate(zip(widths[:-1], widths[1:])):
            self.register_buffer(f"w{i}", torch.zeros(a, b), persistent=False)
        self.act = activation(act)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        for i in range(self.depth):
            w = getattr(self, f"w{i}")
            x = x @ w / math.sqrt(w.shape[0])
            if i < self.depth - 1:
                x = self.act(x)
        return x


def rescale(z: torch.Tensor) -> torch.Tensor:
    """Every row of the embedding rescaled to norm sqrt(K): (..., K) -> (..., K)."""
    return z * math.sqrt(z.shape[-1]) / z.norm(dim=-1, keepdim=True).clamp_min(1e-8)


class _Hypernetwork(nn.Module):
    def __init__(self, templates: int, widths: Sequence[int], act: str, normalize: bool, per_layer: bool):
        super().__init__()
        self.templates, self.normalize, self.per_layer = templates, normalize, per_layer
        self.shapes = [(a, b) for a, b in zip(widths[:-1], widths[1:])]
        self.target = TargetMLP(widths, act)
        self.bias = nn.Parameter(torch.zeros(widths[-1]))

    @property
    def embedding_shape(self) -> tuple[int, ...]:
        """(L, K) with one row per layer, else (K,)."""
        return (len(self.shapes), self.templates) if self.per_layer else (self.templates,)

    def generate(self, z: torch.Tensor) -> list[torch.Tensor]:  # pragma: no cover - abstract
        raise NotImplementedError

    def embed(self, z: torch.Tensor) -> torch.Tensor:
        """The embedding the weights are generated from (rows rescaled to norm sqrt(K) when ``normalize``)."""
        return rescale(z) if self.normalize else z

    def _run(self, x: torch.Tensor, z: torch.Tensor) -> torch.Tensor:
        weights = self.generate(z)
        params = {f"w{i}": w for i, w in enumerate(weights)}
        return functional_call(self.target, params, (x,)) + self.bias

    def forward(self, x: torch.Tensor, z: torch.Tensor) -> torch.Tensor:
        """x (..., in) with z of ``embedding_shape`` shared by all examples, or x (B, ..., in) with
        z (B, *embedding_shape), one embedding per example."""
        if z.dim() == len(self.embedding_shape):
            return self._run(x, z)
        return vmap(self._run)(x, z)


class LinearHypernetwork(_Hypernetwork):
    """``W_l(z) = sum_k z_k Theta_{l,k}`` (with ``per_layer``: ``sum_k z_{l,k} Theta_{l,k}``).

    Templates start as N(0, 1/K), so a rescaled embedding generates weights of unit scale (the
    target divides by sqrt(fan_in)).

    Args:
        templates: K.
        widths: target widths [in, hidden..., out].
        act: target activation.
        normalize: rescale the embedding (each row) to norm sqrt(K).
        per_layer: one embedding row per target layer.
    """

    def __init__(self, templates: int, widths: Sequence[int], act: str = "relu", normalize: bool = True,
                 per_layer: bool = False):
        super().__init__(templates, widths, act, normalize, per_layer)
        self.thetas = nn.ParameterList(
            nn.Parameter(torch.randn(templates, a, b) / math.sqrt(templates)) for a, b in self.shapes
        )

    def generate(self, z: torch.Tensor) -> list[torch.Tensor]:
        z = self.embed(z)  # (K,) or (L, K)
        rows = [z[i] if self.per_layer else z for i in range(len(self.shapes))]
        return [torch.einsum("k,kab->ab", r, theta) for r, theta in zip(rows, self.thetas)]


class MLPHypernetwork(_Hypernetwork):
    """A small MLP maps the (flattened) embedding to all target weights, split per layer.

    The last layer starts as N(0, 1/fan_in) without bias, so generated weights start near unit scale.
    """

    def __init__(self, templates: int, widths: Sequence[int], hidden: Sequence[int], act: str = "relu",
                 hyper_act: str = "relu", normalize: bool = True, per_layer: bool = False):
        super().__init__(templates, widths, act, normalize, per_layer)
        self.sizes = [a * b for a, b in self.shapes]
        self.net = MLP(math.prod(self.embedding_shape), hidden, sum(self.sizes), hyper_act)
        last = self.net.net[-1]
        nn.init.normal_(last.weight, std=1.0 / math.sqrt(last.in_features))
        nn.init.zeros_(last.bias)

    def generate(self, z: torch.Tensor) -> list[torch.Tensor]:
        flat = self.net(self.embed(z).reshape(-1))  # (sum of a*b,)
        return [p.view(a, b) for p, (a, b) in zip(flat.split(self.sizes, dim=-1), self.shapes)]
