"""Hypernetworks that generate a target MLP's weights from a task embedding.

The target MLP computes ``h_{l+1} = act(h_l W_l / sqrt(fan_in_l))`` with no biases (the teacher's
form); its output goes through a per-unit gain and bias, ``y = target(x) * gain + bias`` (gain 1 and
bias 0 at first; a meta-learning inner loop may adapt both per task). The layers listed in
``generated`` get their weights from the embedding; the others are ordinary weights shared by all
tasks. The target is run with the generated weights as arguments (:meth:`TargetMLP.apply`, a pure
function of the input and the weights; ``torch.func.functional_call`` would give the same result at
several times the Python cost per call). A batch of embeddings generates every example's weights in one
product per layer and runs the targets as batched products (no ``vmap`` and no loop over examples).

The embedding is one vector z (K,) that generates every generated layer (``per_layer=False``) or
one row per generated layer, z (G, K) (``per_layer=True``). With ``normalize`` every row is rescaled
to norm sqrt(K).
"""

from __future__ import annotations

import math
from typing import Sequence

import torch
from torch import nn

from zoo.nn.activations import activation_fn
from zoo.nn.mlp import MLP
from zoo.nn.relu_product import relu_product


FUSE_MIN = 1 << 16  # activation elements (256 KiB in float32) from which a ReLU and its product run fused


class TargetMLP(nn.Module):
    """The generated network. Its weights ``w0, w1, ...`` are non-persistent placeholder buffers (so
    ``functional_call`` with generated weights works); the hypernetwork calls :meth:`apply`."""

    def __init__(self, widths: Sequence[int], act: str):
        super().__init__()
        self.widths = list(widths)
        self.depth = len(widths) - 1
        for i, (a, b) in enumerate(zip(widths[:-1], widths[1:])):
            self.register_buffer(f"w{i}", torch.zeros(a, b), persistent=False)
        self.act = activation_fn(act)  # a function: no module call per layer in a forward this small
        self.fused = act == "relu"
        self.roots = [math.sqrt(a) for a in widths[:-1]]  # the fan-in of each layer, as sqrt

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.apply(x, [getattr(self, f"w{i}") for i in range(self.depth)])

    def apply(self, x: torch.Tensor, weights: Sequence[torch.Tensor]) -> torch.Tensor:
        """The target with the given layer weights (a, b) each: x (..., in) -> (..., out); or, with weights
        (B, a, b), x (B, N, in) -> (B, N, out). A ReLU and the product after it run as one
        :func:`~zoo.nn.relu_product.relu_product` (same math, one activation-sized gradient less at once)
        where the activation has at least ``FUSE_MIN`` elements: below that the memory it saves is
        negligible and its Python backward costs more than the products (a third of a small target's step)."""
        act, roots, fused = self.act, self.roots, self.fused
        for i, w in enumerate(weights):
            # the 1/sqrt(fan_in) scale goes on the smaller operand (the weights, for more shots than inputs)
            small = w.numel() < x.numel()
            w = w / roots[i] if small else w
            if i == 0:
                x = x @ w
            else:
                x = relu_product(x, w) if fused and x.numel() >= FUSE_MIN else act(x) @ w
            if not small:
                x = x / roots[i]
        return x


def rescale(z: torch.Tensor) -> torch.Tensor:
    """Every row of the embedding rescaled to norm sqrt(K): (..., K) -> (..., K)."""
    # linalg.vector_norm directly: Tensor.norm's Python dispatch costs more than the norm at this size
    return z * math.sqrt(z.shape[-1]) / torch.linalg.vector_norm(z, dim=-1, keepdim=True).clamp_min(1e-8)


class _Hypernetwork(nn.Module):
    """Shared machinery: the target, its fixed layers, the output gain and bias, batching.

    Args:
        templates: K.
        widths: target widths [in, hidden..., out].
        act: target activation.
        normalize: rescale the embedding (each row) to norm sqrt(K).
        per_layer: one embedding row per generated layer.
        generated: indices of the generated layers (None: all).
    """

    def __init__(self, templates: int, widths: Sequence[int], act: str, normalize: bool, per_layer: bool,
                 generated: Sequence[int] | None):
        super().__init__()
        self.templates, self.normalize, self.per_layer = templates, normalize, per_layer
        self.shapes = [(a, b) for a, b in zip(widths[:-1], widths[1:])]
        self.generated = sorted(set(range(len(self.shapes)) if generated is None else generated))
        self.target = TargetMLP(widths, act)
        self.weights = nn.ParameterDict(
            {str(i): nn.Parameter(torch.randn(a, b)) for i, (a, b) in enumerate(self.shapes) if i not in self.generated}
        )
        self.gain = nn.Parameter(torch.ones(widths[-1]))
        self.bias = nn.Parameter(torch.zeros(widths[-1]))
        self.embed_rank = len(self.embedding_shape)
        self.all_generated = len(self.generated) == len(self.shapes)
        # per-call reads go through the parameter tables (where functional_call swaps tensors in too),
        # not Module.__getattr__: in a forward of a few small products those lookups are a measurable share
        self._own = self._parameters
        object.__setattr__(self, "_apply_target", self.target.apply)  # not a second registration of target

    @property
    def embedding_shape(self) -> tuple[int, ...]:
        """(G, K) with one row per generated layer, else (K,)."""
        return (len(self.generated), self.templates) if self.per_layer else (self.templates,)

    def generate(self, z: torch.Tensor) -> dict[int, torch.Tensor]:
        """The weights of every generated layer, by layer index."""
        return dict(zip(self.generated, self.made(z)))

    def made(self, z: torch.Tensor) -> list[torch.Tensor]:  # pragma: no cover - abstract
        """The weights of every generated layer, in the order of ``generated``: (a, b) each, or (B, a, b)
        for a batch of embeddings z (B, *embedding_shape)."""
        raise NotImplementedError

    def embed(self, z: torch.Tensor) -> torch.Tensor:
        """The embedding the weights are generated from (rows rescaled to norm sqrt(K) when ``normalize``)."""
        return rescale(z) if self.normalize else z

    def layer_weights(self, z: torch.Tensor) -> list[torch.Tensor]:
        """Every target layer's weights (a, b) for one embedding."""
        made = self.made(z)
        if self.all_generated:
            return made
        by_layer = dict(zip(self.generated, made))
        return [by_layer[i] if i in by_layer else self.weights[str(i)] for i in range(len(self.shapes))]

    def _run(self, x: torch.Tensor, z: torch.Tensor) -> torch.Tensor:
        own = self._own
        return self._apply_target(x, self.layer_weights(z)) * own["gain"] + own["bias"]

    def forward(self, x: torch.Tensor, z: torch.Tensor) -> torch.Tensor:
        """x (..., in) with z of ``embedding_shape`` shared by all examples, or x (B, ..., in) with
        z (B, *embedding_shape), one embedding per example."""
        if z.dim() == self.embed_rank:
            return self._run(x, z)
        flat = x.reshape(x.shape[0], -1, x.shape[-1])  # (B, N, in): one target network per row of z
        return self._run(flat, z).reshape(*x.shape[:-1], -1)


class LinearHypernetwork(_Hypernetwork):
    """``W_l(z) = sum_k z_k Theta_{l,k}`` for each generated layer l (with ``per_layer``, row z_l).

    Templates ``thetas[str(l)]`` (K, a, b) start as N(0, 1/K), so a rescaled embedding generates
    weights of unit scale (the target divides by sqrt(fan_in)). Arguments as :class:`_Hypernetwork`.
    """

    def __init__(self, templates: int, widths: Sequence[int], act: str = "relu", normalize: bool = True,
                 per_layer: bool = False, generated: Sequence[int] | None = None):
        super().__init__(templates, widths, act, normalize, per_layer, generated)
        self.thetas = nn.ParameterDict(
            {str(i): nn.Parameter(torch.randn(templates, *self.shapes[i]) / math.sqrt(templates)) for i in self.generated}
        )
        self._thetas = self.thetas._parameters  # in ``generated`` order, as inserted

    def made(self, z: torch.Tensor) -> list[torch.Tensor]:
        z = self.embed(z)  # (K,) or (G, K)
        rows = z.unbind(-2) if self.per_layer else [z] * len(self.generated)
        # sum_k z_k Theta_k as one ([B,] K) @ (K, a*b) product per layer; thetas are in ``generated`` order
        # read from the ParameterDict's own table (where functional_call swaps tensors in, too):
        # iterating ParameterDict.values() costs several microseconds per call
        return [(r @ t.flatten(1)).view(*r.shape[:-1], *t.shape[1:]) for r, t in zip(rows, self._thetas.values())]


class MLPHypernetwork(_Hypernetwork):
    """A small MLP maps the (flattened) embedding to the weights of every generated layer.

    The last layer starts as N(0, 1/fan_in) without bias, so generated weights start near unit scale.
    ``hidden`` and ``hyper_act`` shape that MLP; the rest as :class:`_Hypernetwork`.
    """

    def __init__(self, templates: int, widths: Sequence[int], hidden: Sequence[int], act: str = "relu",
                 hyper_act: str = "relu", normalize: bool = True, per_layer: bool = False,
                 generated: Sequence[int] | None = None):
        super().__init__(templates, widths, act, normalize, per_layer, generated)
        self.sizes = [self.shapes[i][0] * self.shapes[i][1] for i in self.generated]
        self.net = MLP(math.prod(self.embedding_shape), hidden, sum(self.sizes), hyper_act)
        last = self.net.net[-1]
        nn.init.normal_(last.weight, std=1.0 / math.sqrt(last.in_features))
        nn.init.zeros_(last.bias)

    def made(self, z: torch.Tensor) -> list[torch.Tensor]:
        lead = z.shape[: z.dim() - self.embed_rank]  # (B,) for a batch of embeddings, else ()
        flat = self.net(self.embed(z).reshape(*lead, -1))  # ([B,] sum of a*b)
        parts = flat.split(self.sizes, dim=-1)
        return [p.view(*lead, *self.shapes[layer]) for layer, p in zip(self.generated, parts)]
